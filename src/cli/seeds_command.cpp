// The seeds runner (see the header). Children are forked as the local sweep forks them: the parent never
// creates an engine, each child runs one seed with run_scenario (the same code as `svcsim run --seed N`, so a
// seed's summary.json has the same bytes either way) and exits. The parent waits for SIGCHLD, SIGINT and SIGTERM
// with a timeout, so the progress line moves and Ctrl-C stops every child cleanly.
#include "cli/seeds_command.hpp"

#include "cli/cli.hpp"
#include "report/spread_html.hpp"
#include "sim/interrupt.hpp"
#include "spread/spread.hpp"
#include "sweep/child_signals.hpp"
#include "sweep/sweep_progress.hpp"
#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace svcsim
{

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

namespace
{

std::string seed_dir(const std::string& out, uint64_t seed)
{
  return (fs::path(out) / ("seed-" + std::to_string(seed))).string();
}

// The forked child: one seed's run, quiet, errors printed as the CLI prints them. _exit: the parent's buffers
// and atexit handlers are not the child's.
[[noreturn]] void forked_seed(const Scenario& scenario, const RunCommandOptions& options, const std::string& dir,
                              const sigset_t& mask)
{
  ChildSignals::reset_in_child(mask);
  int null = ::open("/dev/null", O_RDWR);
  if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
    _exit(EXIT_INTERNAL);
  ::close(null);
  int rc = EXIT_INTERNAL;
  try {
    RunCommandOptions quiet = options;
    quiet.quiet = true;
    quiet.format = "text";
    rc = run_scenario(scenario, quiet, dir);
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics())
      std::cerr << d.format() << "\n";
    rc = EXIT_BAD_INPUT;
  } catch (const Interrupted& e) {
    rc = 128 + e.signal;
  } catch (const std::exception& e) {
    std::cerr << "svcsim: internal error: " << e.what() << "\n";
  }
  std::cerr.flush();
  std::fflush(nullptr);
  _exit(rc);
}

struct PoolResult {
  std::vector<std::string> failures; // "seed 3: exit code 2"
  int stop_signal = 0;
};

PoolResult run_children(const std::vector<LoadResult>& loaded, const RunCommandOptions& options, const std::string& out,
                        const std::string& label, unsigned jobs)
{
  PoolResult result;
  ChildSignals signals;
  const sigset_t& waited = signals.waited();
  const sigset_t& old_mask = signals.old_mask();

  SweepProgress progress(label, loaded.size(), 0, options.quiet);
  std::map<pid_t, size_t> running;
  size_t next = 0, done = 0;
  progress.update(0, 0, true);
  while (true) {
    while (result.stop_signal == 0 && next < loaded.size() && running.size() < jobs) {
      const Scenario& scenario = loaded[next].scenario;
      std::fflush(nullptr); // or the child would write the parent's pending output a second time
      std::cout.flush();
      pid_t pid = ::fork();
      if (pid == 0)
        forked_seed(scenario, options, seed_dir(out, scenario.seed), old_mask);
      if (pid < 0)
        result.failures.push_back(fmt::format("seed {}: could not start: {}", scenario.seed, std::strerror(errno)));
      else
        running[pid] = next;
      ++next;
    }
    if (running.empty())
      break;
    timespec timeout{1, 0};
    for (int sig = sigtimedwait(&waited, nullptr, &timeout); sig > 0; sig = sigtimedwait(&waited, nullptr, &timeout)) {
      timeout = timespec{0, 0};
      if (sig != SIGCHLD && result.stop_signal == 0) {
        result.stop_signal = sig;
        for (const auto& [pid, index] : running)
          ::kill(pid, SIGTERM); // Ctrl-C reached them already; SIGTERM sent to this process alone did not
      }
    }
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      auto it = running.find(pid);
      if (it == running.end())
        continue;
      uint64_t seed = loaded[it->second].scenario.seed;
      running.erase(it);
      ++done;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      std::error_code ec;
      bool complete = fs::is_regular_file(fs::path(seed_dir(out, seed)) / "summary.json", ec) &&
                      !fs::exists(fs::path(seed_dir(out, seed)) / "INCOMPLETE", ec);
      if (code == 0 && complete)
        continue;
      if (result.stop_signal != 0 && (sig != 0 || code == 128 + SIGINT || code == 128 + SIGTERM))
        continue; // stopped with us: not the seed's failure
      result.failures.push_back(sig != 0    ? fmt::format("seed {}: killed by signal {}", seed, sig)
                                : code != 0 ? fmt::format("seed {}: exit code {}", seed, code)
                                            : fmt::format("seed {}: exit code 0 but no summary.json", seed));
    }
    progress.update(done, result.failures.size());
  }
  progress.finish(done, result.failures.size());
  signals.restore();
  return result;
}

ordered_json read_summary(const std::string& file)
{
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return ordered_json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(file + ": cannot read the seed's summary: " + e.what());
  }
}

void print_table(std::ostream& out, const ordered_json& spread, const std::string& dir)
{
  out << fmt::format("Spread over {} seeds ({}) of {}: mean [p5, p95] (min .. max)\n", spread["seeds"].size(),
                     spread["seed_list"].get<std::string>(), spread["scenario"].get<std::string>());
  for (const auto& [path, s] : key_spread_rows(spread["metrics"])) {
    std::string line =
        fmt::format("  {:<36} {:>10} [{}, {}] ({} .. {})", path, spread_number(s["mean"]), spread_number(s["p5"]),
                    spread_number(s["p95"]), spread_number(s["min"]), spread_number(s["max"]));
    if (s["n"].get<size_t>() != spread["seeds"].size())
      line += fmt::format(", {} of {} seeds", s["n"].get<size_t>(), spread["seeds"].size());
    out << line << "\n";
  }
  out << "Every metric: " << (fs::path(dir) / "spread.json").string()
      << "; each seed's run: " << (fs::path(dir) / "seed-N").string() << "/\n";
}

} // namespace

int run_seeds_command(const RunCommandOptions& options, const std::vector<uint64_t>& seeds, unsigned jobs)
{
  // Every seed's scenario first: a bad scenario or --set stops here, before any directory exists.
  std::vector<LoadResult> loaded;
  for (uint64_t seed : seeds) {
    RunCommandOptions one = options;
    one.load.seed = seed;
    loaded.push_back(load_scenario(options.scenario_file, one.load));
  }
  for (const auto& w : loaded.front().warnings)
    std::cerr << w.format() << "\n";
  warn_default_secret(loaded.front().scenario);
  const Scenario& first = loaded.front().scenario;
  const std::string out = options.out_dir.empty() ? "results/" + first.name : options.out_dir;

  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec || !fs::is_directory(out))
    throw InputError(Diagnostic{out, 0, 0, "", "cannot create the output directory: " + ec.message()});
  if (::access(out.c_str(), W_OK) != 0) // one line here rather than the same failure from every seed
    throw InputError(Diagnostic{out, 0, 0, "", "the output directory is not writable"});
  // A spread.json beside seed runs it does not describe would mislead: it goes before the first new run.
  for (const char* f : {"spread.json", "spread.html"})
    if (fs::exists(fs::path(out) / f, ec) && !fs::remove(fs::path(out) / f, ec))
      throw InputError(Diagnostic{out, 0, 0, "", std::string("cannot replace ") + f + ": " + ec.message()});

  // A scenario's own system_db names one file for every seed: parallel seeds would write it at once.
  if (!first.system_db_path.empty() && jobs > 1) {
    std::cerr << options.scenario_file << ": warning: /system_db names one database file for every seed; running "
              << "the seeds one at a time\n";
    jobs = 1;
  }
  const std::string list = describe_seed_list(seeds);
  PoolResult pool = run_children(loaded, options, out, first.name + " --seeds " + list, jobs);
  if (pool.stop_signal != 0) {
    std::cerr << "svcsim run --seeds " << list << ": stopped by signal " << pool.stop_signal
              << "; the seeds that finished are in " << out << "/seed-N/, no spread.json\n";
    return 128 + pool.stop_signal;
  }
  if (!pool.failures.empty()) {
    for (const auto& f : pool.failures)
      std::cerr << "svcsim run --seeds " << list << ": " << f << "\n";
    std::cerr << "svcsim run --seeds " << list << ": " << pool.failures.size() << " of " << seeds.size()
              << " seeds failed; no spread.json written\n";
    return EXIT_REGRESSION;
  }

  std::vector<ordered_json> summaries;
  for (uint64_t seed : seeds)
    summaries.push_back(read_summary((fs::path(seed_dir(out, seed)) / "summary.json").string()));
  std::vector<const ordered_json*> pointers;
  for (const auto& s : summaries)
    pointers.push_back(&s);
  ordered_json spread = ordered_json::object();
  spread["scenario"] = first.name;
  spread["seed_list"] = list;
  spread["seeds"] = seeds;
  ordered_json runs = ordered_json::array();
  for (uint64_t seed : seeds)
    runs.push_back("seed-" + std::to_string(seed));
  spread["runs"] = runs;
  spread["statistics"] = "over the seeds with a number at that path (n); null and absent values are not counted; "
                         "p5 and p95 by nearest rank: sorted[ceil(q/100 * n) - 1]";
  spread["metrics"] = spread_tree(pointers).value_or(ordered_json::object());
  const std::string text = spread.dump(2) + "\n";
  try {
    if (!options.no_report)
      save_file_atomic((fs::path(out) / "spread.html").string(), render_spread_html(spread));
    save_file_atomic((fs::path(out) / "spread.json").string(), text); // last: its presence means complete
  } catch (const std::exception& e) {
    throw InputError(Diagnostic{out, 0, 0, "", std::string("cannot write the spread: ") + e.what()});
  }
  if (options.format == "json")
    std::cout << text;
  else if (!options.quiet)
    print_table(std::cout, spread, out);
  return EXIT_OK;
}

} // namespace svcsim
