#include "cli/run_command.hpp"

#include "cli/text_report.hpp"
#include "metrics/perf_clock.hpp"
#include "metrics/summary.hpp"
#include "report/report_html.hpp"
#include "report/trace.hpp"
#include "run/simulation.hpp"
#include "store/results_writer.hpp"
#include "util/atomic_file.hpp"
#include "util/git_rev.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace svcsim
{

namespace fs = std::filesystem;

std::string sha256_hex(const std::string& text)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; i++) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

static void prepare_out_dir(const std::string& dir)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError(Diagnostic{dir, 0, 0, "", "cannot create the output directory: " + ec.message()});
  std::string probe = dir + "/.svcsim-write-test";
  FILE* f = std::fopen(probe.c_str(), "w");
  if (!f)
    throw InputError(Diagnostic{dir, 0, 0, "", "the output directory is not writable"});
  std::fclose(f);
  std::remove(probe.c_str());
}

// Crash safety (tests/reliability/test_crash_safety.py). A run stages every file in DIR/.staging-<host>-<pid>
// and moves them into DIR at the end. A process killed with kill -9 leaves its staging directory behind:
// the next run into DIR removes those of processes that are gone (same host only: pids mean nothing across
// the hosts of a shared file system).
static std::string staging_prefix()
{
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == 0)
    std::snprintf(host, sizeof host, "localhost");
  return std::string(".staging-") + host + "-";
}

static void remove_stale_staging(const std::string& dir)
{
  const std::string prefix = staging_prefix();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0)
      continue;
    char* rest = nullptr;
    long pid = std::strtol(name.c_str() + prefix.size(), &rest, 10);
    if (pid <= 0 || *rest != 0 || pid == ::getpid())
      continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)
      continue; // alive (EPERM: another user's live process)
    std::error_code rm;
    fs::remove_all(it->path(), rm);
  }
}

// Failures to write the output (full disk, read-only or vanished directory, quota) are the user's to fix, like
// an unwritable --out: exit 2 with the directory named, not "internal error". Matched on the texts of SQLite's
// and the C library's messages for those conditions; anything else stays an internal error (exit 3).
static bool is_output_failure(const std::string& what)
{
  for (const char* s : {"database or disk is full", "disk I/O error", "readonly database", "unable to open database",
                        "No space left on device", "Disk quota exceeded", "Read-only file system", "Input/output error",
                        "Permission denied", "cannot open"})
    if (what.find(s) != std::string::npos)
      return true;
  return false;
}

// The staging directory, removed on every way out of run_scenario but a kill.
class Staging
{
public:
  explicit Staging(std::string path) : path_(std::move(path))
  {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::create_directories(path_, ec);
    if (ec)
      throw std::runtime_error(path_ + ": cannot create the staging directory: " + ec.message());
  }
  ~Staging()
  {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

// Moves the staged files into out_dir. The previous run's summary.json goes first and the new one comes last,
// so at every instant DIR holds either a complete run or no summary.json (refused by check and collect);
// an INCOMPLETE marker (best effort: it needs a little space) says why while the files move.
static void commit_run(const std::string& stage, const std::string& out_dir)
{
  const std::string marker = out_dir + "/INCOMPLETE";
  if (FILE* m = std::fopen(marker.c_str(), "w")) {
    std::fprintf(m, "svcsim run (pid %ld) was moving its results into place\n", static_cast<long>(::getpid()));
    std::fclose(m);
  }
  std::remove((out_dir + "/summary.json").c_str());
  for (const char* f : {"results.sqlite", "perf.json", "system.sqlite", "report.html"})
    if (fs::exists(stage + "/" + f))
      fs::rename(stage + "/" + f, out_dir + "/" + f);
    else
      std::remove((out_dir + "/" + f).c_str()); // never leave a file of an older run beside the new summary
  fs::rename(stage + "/summary.json", out_dir + "/summary.json");
  std::remove(marker.c_str());
}

// The seed's README: the default JWT_SECRET is "not recommended for production"; say so, as its docs do.
void warn_default_secret(const Scenario& scenario)
{
  static const std::string DEFAULT_SECRET = "your-secret-key-change-in-production";
  bool uses_tokens = false; // only runs that issue or check tokens: the work endpoints never sign anything
  for (const auto& w : scenario.workloads)
    uses_tokens =
        uses_tokens || (w.endpoint.rfind("/api/auth/", 0) == 0 && w.endpoint.find("-work") == std::string::npos);
  if (!uses_tokens)
    return;
  for (const auto& c : scenario.deployment.components)
    if (c.kind == ComponentKind::INSTANCE && c.type == ServiceType::AUTH &&
        (c.jwt_secret.empty() ? scenario.model.auth.jwt_secret : c.jwt_secret) == DEFAULT_SECRET) {
      std::cerr << scenario.file << ": warning: " << c.name
                << " signs tokens with the default JWT secret (set /parameters/auth/jwt_secret; the seed's docs: "
                   "change it in production)\n";
      return;
    }
}

int run_scenario(const Scenario& scenario, const RunCommandOptions& options, const std::string& out_dir)
{
  double wall0 = perf_wall_seconds();
  prepare_out_dir(out_dir);
  remove_stale_staging(out_dir);
  if (!options.trace_file.empty()) { // fail before the run, not after it
    fs::path parent = fs::absolute(options.trace_file).parent_path();
    if (!fs::is_directory(parent) || ::access(parent.c_str(), W_OK) != 0)
      throw InputError(Diagnostic{options.trace_file, 0, 0, "",
                                  "--trace: the directory " + parent.string() + " does not exist or is not writable"});
  }
  // Stage everything in a private directory; move into place at the end, summary.json last, so a run
  // killed at any moment leaves the previous complete results or a directory without summary.json.
  std::string summary_text;
  nlohmann::ordered_json summary;
  try {
    Staging staging(out_dir + "/" + staging_prefix() + std::to_string(::getpid()));
    const std::string& stage = staging.path();

    RunOptions ro;
    ro.engine_args = options.engine_args;
    ro.system_db_path = scenario.system_db_path.empty() ? stage + "/system.sqlite" : scenario.system_db_path;
    ro.progress = !options.quiet;
    ro.spill_dir = stage; // a long run's request rows stream next to its outputs (unlinked files), not to $TMPDIR
    Simulation sim(scenario, ro);
    RunOutput run = sim.run();
    double wall_sim = perf_wall_seconds() - wall0;

    std::string sha = sha256_hex(scenario.resolved_json);
    summary = build_summary(scenario, run, sha);
    std::string cfg = "[";
    for (size_t i = 0; i < options.engine_args.size(); i++)
      cfg += (i ? ",\"" : "\"") + options.engine_args[i] + "\"";
    cfg += "]";
    write_results_sqlite(stage + "/results.sqlite", run,
                         {{"scenario", scenario.resolved_json},
                          {"scenario_file", scenario.file},
                          {"scenario_sha256", sha},
                          {"seed", std::to_string(scenario.seed)},
                          {"version", SVCSIM_VERSION},
                          {"git_rev", git_rev()},
                          {"simgrid_version", run.simgrid_version},
                          {"cfg", cfg}});
    if (!options.no_report)
      write_report_html(stage + "/report.html", scenario, run, summary);
    if (!options.trace_file.empty())
      write_chrome_trace(options.trace_file, run);
    summary_text = summary.dump(2) + "\n";
    save_file_atomic(stage + "/summary.json", summary_text);

    double wall = perf_wall_seconds() - wall0;
    uint64_t n = run.recorder.request_count();
    nlohmann::ordered_json perf = {{"wall_s", wall},
                                   {"sim_wall_s", wall_sim},
                                   {"events", run.messages},
                                   {"messages", run.messages},
                                   {"requests", n},
                                   {"sim_requests_per_wall_s", wall_sim > 0 ? static_cast<double>(n) / wall_sim : 0},
                                   {"peak_rss_mb", perf_peak_rss_mb()}};
    save_file_atomic(stage + "/perf.json", perf.dump(2) + "\n");
    commit_run(stage, out_dir);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    if (!is_output_failure(e.what()))
      throw;
    throw InputError(
        Diagnostic{out_dir, 0, 0, "",
                   std::string("cannot write the run's results: ") + e.what() +
                       (fs::exists(out_dir + "/summary.json") ? " (the previous run's files are unchanged)" : "")});
  }

  if (options.format == "json")
    std::cout << summary_text;
  else if (!options.quiet)
    print_text_report(std::cout, summary, out_dir);
  return 0;
}

int run_command(const RunCommandOptions& options)
{
  LoadResult loaded = load_scenario(options.scenario_file, options.load);
  for (const auto& w : loaded.warnings)
    std::cerr << w.format() << "\n";
  warn_default_secret(loaded.scenario);
  std::string out = options.out_dir.empty() ? "results/" + loaded.scenario.name : options.out_dir;
  return run_scenario(loaded.scenario, options, out);
}

} // namespace svcsim
