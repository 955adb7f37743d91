// `svcsim sweep` and `svcsim collect`: expand and check the sweep, write the manifest, then either stop there
// (--emit-manifest, --emit-slurm: another engine runs it) or run it locally and collect the results.
#include "cli/cli.hpp"
#include "sweep/collect.hpp"
#include "sweep/expand.hpp"
#include "sweep/local_runner.hpp"
#include "sweep/slurm_script.hpp"
#include "sweep/sweep_commands.hpp"

#include "util/atomic_file.hpp"

#include <filesystem>
#include <iostream>

namespace svcsim
{

namespace fs = std::filesystem;

namespace
{

constexpr size_t MAX_PROBLEM_LINES = 20;

void print_problems(const CollectResult& c)
{
  for (size_t i = 0; i < c.problems.size() && i < MAX_PROBLEM_LINES; ++i)
    std::cerr << "  " << c.problems[i] << "\n";
  if (c.problems.size() > MAX_PROBLEM_LINES)
    std::cerr << "  ... and " << c.problems.size() - MAX_PROBLEM_LINES << " more (status column of sweep.csv)\n";
}

std::string counts(size_t runs, const CollectResult& c)
{
  return std::to_string(runs) + " runs: " + std::to_string(c.ok) + " ok, " + std::to_string(c.failed) + " failed, " +
         std::to_string(c.missing) + " missing";
}

void make_dir(const std::string& dir)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError(Diagnostic{dir, 0, 0, "",
                                "expected a directory the sweep can write, got " +
                                    (ec ? ec.message() : std::string("not a directory"))});
}

} // namespace

int sweep_command(const SweepOptions& o)
{
  SweepSpec spec = load_sweep(o.sweep_file);
  std::vector<ManifestEntry> runs = expand_sweep(spec);
  for (const auto& w : validate_runs(spec, runs))
    if (!o.quiet)
      std::cerr << w.format() << "\n";

  const std::string dir = o.out_dir.empty() ? "results/sweeps/" + spec.name : o.out_dir;
  make_dir(dir);
  const std::string manifest = (fs::path(dir) / "manifest.jsonl").string();
  write_manifest(manifest, runs);

  if (o.emit_manifest || o.emit_slurm) {
    if (o.emit_manifest) {
      std::cout << manifest << "\n";
      if (!o.quiet)
        std::cerr << "sweep " << spec.name << ": " << runs.size() << " runs in " << manifest << "; run line I with: "
                  << "svcsim run --manifest " << manifest << " --index I\n";
    }
    if (o.emit_slurm) {
      std::string abs_dir = fs::absolute(dir).lexically_normal().string();
      std::error_code ec;
      std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
      SlurmScript s = slurm_script(spec.name, abs_dir, ec ? "svcsim" : exe, runs.size(), o.chunk);
      make_dir((fs::path(dir) / "slurm").string());
      std::string script = (fs::path(dir) / "sweep.sbatch").string();
      save_file_atomic(script, s.text);
      fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add, ec);
      std::cout << script << "\n";
      if (!o.quiet)
        std::cerr << "sweep " << spec.name << ": " << runs.size() << " runs in " << s.tasks << " array tasks of up to "
                  << s.chunk << "; submit with: sbatch --wait " << script << " && svcsim collect " << dir << "\n";
    }
    return EXIT_OK;
  }

  LocalRunOptions lo;
  lo.sweep_dir = dir;
  lo.name = spec.name;
  lo.jobs = o.jobs > 0 ? o.jobs : available_cpus();
  lo.quiet = o.quiet;
  lo.exec = o.exec;
  LocalRunResult r = run_local(runs, lo);
  CollectResult c = collect_sweep(dir, runs);
  if (r.stop_signal != 0) {
    std::cerr << "sweep " << spec.name << ": stopped by signal " << r.stop_signal << " after " << r.ok + r.failed
              << " runs; run the same command again to resume (" << counts(runs.size(), c) << ")\n";
    return 128 + r.stop_signal;
  }
  if (!o.quiet || c.failed + c.missing > 0) {
    print_problems(c);
    std::cerr << "sweep " << spec.name << ": " << counts(runs.size(), c) << " (" << r.skipped
              << " complete before this start) -> " << (fs::path(dir) / "sweep.csv").string() << ", sweep.sqlite\n";
  }
  return c.failed + c.missing > 0 ? EXIT_REGRESSION : EXIT_OK;
}

int collect_command(const std::string& dir, bool quiet)
{
  const std::string manifest = (fs::path(dir) / "manifest.jsonl").string();
  std::error_code ec;
  if (!fs::is_regular_file(manifest, ec))
    throw InputError(Diagnostic{dir, 0, 0, "", "expected a sweep directory with manifest.jsonl, got none"});
  std::vector<ManifestEntry> runs = read_manifest(manifest);
  CollectResult c = collect_sweep(dir, runs);
  if (!quiet || c.failed + c.missing > 0) {
    print_problems(c);
    std::cerr << "collect: " << counts(runs.size(), c) << " -> " << (fs::path(dir) / "sweep.csv").string()
              << ", sweep.sqlite\n";
  }
  return c.failed + c.missing > 0 ? EXIT_REGRESSION : EXIT_OK;
}

} // namespace svcsim
