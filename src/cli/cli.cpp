#include "cli/cli.hpp"

#include "check/band_check.hpp"
#include "check/check.hpp"
#include "cli/platform_check.hpp"
#include "cli/run_command.hpp"
#include "cli/seeds_command.hpp"
#include "cli/sweep_hooks.hpp"
#include "sim/interrupt.hpp"
#include "spread/spread.hpp"
#include "sweep/local_runner.hpp"
#include "util/git_rev.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <regex>

namespace svcsim
{

static int validate_command(const std::vector<std::string>& files, const LoadOptions& load)
{
  int rc = EXIT_OK;
  std::map<std::string, std::optional<std::string>> platform_errors; // one SimGrid load per platform file
  for (const auto& f : files) {
    try {
      LoadResult r = load_scenario(f, load);
      for (const auto& w : r.warnings)
        std::cerr << w.format() << "\n";
      const std::string& platform = r.scenario.platform_file;
      auto known = platform_errors.find(platform);
      if (known == platform_errors.end())
        known = platform_errors.emplace(platform, platform_load_error(platform)).first;
      if (known->second)
        throw InputError(Diagnostic{platform, 0, 0, "", "expected a valid SimGrid platform, got " + *known->second});
      std::cout << f << ": ok (" << r.scenario.deployment.components.size() << " components, "
                << r.scenario.workloads.size() << " workload phases, " << r.scenario.faults.size() << " faults)\n";
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics())
        std::cerr << d.format() << "\n";
      rc = EXIT_BAD_INPUT;
    }
  }
  return rc;
}

// SimGrid ends the process with abort() (a core dump) on an unknown context factory or model and on a bad
// --log setting, and throws a 100-line list on an unknown --cfg key: vet what we can before any Engine exists
// (the values are SimGrid 3.32's; --cfg=KEY:help still lists them by aborting, which is SimGrid's own choice).
static std::vector<std::string> engine_arg_errors(const std::vector<std::string>& cfgs,
                                                  const std::vector<std::string>& logs)
{
  static const std::map<std::string, std::vector<std::string>> CHOICES = {
      {"contexts/factory", {"raw", "ucontext", "boost", "thread"}},
      {"network/model", {"LV08", "Constant", "SMPI", "IB", "CM02", "ns-3"}},
      {"cpu/model", {"Cas01"}},
      {"host/model", {"default", "compound", "ptask_L07"}},
      {"disk/model", {"default"}},
      {"network/optim", {"Lazy", "Full"}},
      {"cpu/optim", {"Lazy", "Full", "TI"}},
      {"contexts/synchro", {"futex", "posix", "busy_wait"}}};
  std::vector<std::string> errors;
  for (const auto& c : cfgs) {
    size_t colon = c.find(':');
    if (colon == std::string::npos || colon == 0) {
      errors.push_back("--cfg=" + c + ": error: expected KEY:VALUE (such as network/model:CM02), got \"" + c + "\"");
      continue;
    }
    std::string key = c.substr(0, colon), value = c.substr(colon + 1);
    auto it = CHOICES.find(key);
    if (it != CHOICES.end() && std::find(it->second.begin(), it->second.end(), value) == it->second.end()) {
      std::string list;
      for (const auto& v : it->second)
        list += (list.empty() ? "" : ", ") + v;
      errors.push_back("--cfg=" + c + ": error: " + key + ": expected one of " + list + ", got \"" + value + "\"");
    }
  }
  static const std::regex LOG(R"(^[A-Za-z0-9_]+\.(thres|threshold|fmt|app|appender|add|additivity)[:=]\S*$)");
  for (const auto& l : logs)
    if (!std::regex_match(l, LOG))
      errors.push_back("--log=" + l + ": error: expected CATEGORY.thres:LEVEL (or .fmt, .app, .add), got \"" + l +
                       "\"");
  return errors;
}

// `run --seeds`: the usage errors first (one line, exit 2, nothing written), then the runs.
static int seeds_usage(const CLI::App& run_cmd, const std::string& text, unsigned jobs, const RunCommandOptions& run)
{
  auto usage = [](const std::string& message) {
    std::cerr << "svcsim run: error: " << message << "\n";
    return EXIT_BAD_INPUT;
  };
  if (!run_cmd.count("--seeds"))
    return usage("--jobs: expected --seeds A..B with it (one run uses one process), got --jobs alone");
  if (run_cmd.count("--seed"))
    return usage("--seed and --seeds: expected one of them, got both");
  if (!run.trace_file.empty())
    return usage("--trace and --seeds: expected --trace on a single run (svcsim run --seed N), got both");
  if (run.scenario_file.empty())
    return usage("--seeds: expected a scenario file, got none");
  std::vector<uint64_t> seeds;
  try {
    seeds = parse_seed_list(text);
  } catch (const SeedListError& e) {
    return usage(std::string("--seeds: ") + e.what());
  }
  return run_seeds_command(run, seeds, jobs > 0 ? jobs : available_cpus());
}

int cli_main(int argc, char** argv)
{
  CLI::App app{"svcsim: a deterministic SimGrid simulator of a microservice system with a registry, round-robin "
               "load balancing, health checks, retries and a fault detector"};
  app.fallthrough(); // CLI11 2.1: subcommands copy this at creation
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(SVCSIM_VERSION) + " (" + git_rev() + ")");

  RunCommandOptions run;
  std::string manifest;
  long manifest_index = -1;
  uint64_t seed = 0;
  std::vector<std::string> cfgs, logs;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and write its results directory");
  run_cmd->add_option("scenario", run.scenario_file, "Scenario file (JSON)");
  // CLI11 reads "-1" into a uint64_t as 18446744073709551615: refuse it as the scenario file's "seed" would.
  const CLI::Validator non_negative(
      [](std::string& s) { return s.rfind('-', 0) == 0 ? "expected an integer >= 0, got " + s : std::string(); },
      "UINT", "non-negative");
  run_cmd->add_option("--seed", seed, "Override the scenario's seed")->check(non_negative);
  run_cmd->add_option("--out", run.out_dir, "Output directory (default results/<scenario name>)");
  run_cmd->add_option("--set", run.load.sets, "Override one scenario value: POINTER=VALUE (JSON, else a string)");
  run_cmd->add_option("--cfg", cfgs, "SimGrid configuration K:V (e.g. --cfg=network/model:LV08)");
  run_cmd->add_option("--log", logs, "SimGrid log setting");
  run_cmd->add_flag("--quiet,-q", run.quiet, "No report and no progress on the terminal");
  run_cmd->add_option("--format", run.format, "stdout: text report or json summary")
      ->check(CLI::IsMember({"text", "json"}));
  run_cmd->add_option("--trace", run.trace_file, "Also write the run as Chrome trace-event JSON (Perfetto) to FILE");
  run_cmd->add_flag("--no-report", run.no_report, "Do not write report.html");
  run_cmd->add_option("--manifest", manifest, "Run one line of a sweep manifest (with --index)");
  run_cmd->add_option("--index", manifest_index, "0-based line of the manifest");
  std::string seeds_text;
  unsigned seeds_jobs = 0;
  run_cmd->add_option("--seeds", seeds_text,
                      "Run every seed of A..B (or 1,2,5) into OUT/seed-N/ and write "
                      "OUT/spread.json: each metric's mean, min, max, p5, p95");
  run_cmd->add_option("--jobs,-j", seeds_jobs, "With --seeds: runs at a time (default: the CPUs available)")
      ->check(CLI::PositiveNumber);

  std::vector<std::string> validate_files;
  LoadOptions validate_load;
  auto* validate_cmd = app.add_subcommand("validate", "Parse and cross-check scenario files without running them");
  validate_cmd->add_option("scenarios", validate_files, "Scenario files")->required();
  validate_cmd->add_option("--set", validate_load.sets, "Override one scenario value: POINTER=VALUE");

  CheckOptions check;
  auto* check_cmd =
      app.add_subcommand("check", "Compare a run (or a collected sweep) with a baseline: the CI gate; or hold "
                                  "real values against a spread over seeds (--band)");
  check_cmd->add_option("run_dir", check.run_dir, "Run directory (or collected sweep directory)")->required();
  check_cmd->add_option("--baseline", check.baseline_file, "Baseline JSON file (or a band file: {\"bands\": [...]})");
  check_cmd->add_option("--band", check.bands,
                        "Hold a measured value against the spread over seeds (spread.json): "
                        "METRIC=VALUE, e.g. requests.latency_ms.p99=321.2");
  check_cmd->add_option("--within", check.within, "The band of --band: p5-p95 (default) or min-max")
      ->check(CLI::IsMember({"p5-p95", "min-max"}));
  check_cmd->add_option("--variant", check.variant,
                        "With --band on a collected sweep: AXIS=VALUE, the variant "
                        "whose seeds make the band (e.g. /workloads/0/rps=10)");
  check_cmd->add_flag("--update-baseline", check.update_baseline, "Rewrite the baseline's values, keep tolerances");
  check_cmd->add_option("--json-report", check.json_report, "Also write a JSON report to this file");
  check_cmd->add_flag("--quiet,-q", check.quiet, "Only failures and the closing line");
  check_cmd->add_option("--format", check.format, "text table or json report")->check(CLI::IsMember({"text", "json"}));

  SweepHooks sweep_hooks;
  add_sweep_commands(app, sweep_hooks);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return EXIT_BAD_INPUT; // CLI11's own codes (105, 106, 109, ...) are all usage errors here
  }

  for (const auto& c : cfgs)
    run.engine_args.push_back("--cfg=" + c);
  for (const auto& l : logs)
    run.engine_args.push_back("--log=" + l);
  if (seed != 0 || run_cmd->count("--seed"))
    run.load.seed = seed;
  if (auto bad = engine_arg_errors(cfgs, logs); !bad.empty()) {
    for (const auto& e : bad)
      std::cerr << e << "\n";
    return EXIT_BAD_INPUT;
  }

  try {
    if (*run_cmd) {
      if (!manifest.empty() && run_cmd->count("--seeds")) {
        std::cerr << "svcsim run: error: --manifest and --seeds: expected one of them, got both\n";
        return EXIT_BAD_INPUT;
      }
      if (!manifest.empty())
        return sweep_hooks.run_manifest_entry(manifest, manifest_index, run);
      if (run_cmd->count("--seeds") || run_cmd->count("--jobs"))
        return seeds_usage(*run_cmd, seeds_text, seeds_jobs, run);
      if (run.scenario_file.empty()) {
        std::cerr << "svcsim run: error: a scenario file is required (or --manifest M --index I)\n";
        return EXIT_BAD_INPUT;
      }
      return run_command(run);
    }
    if (*validate_cmd)
      return validate_command(validate_files, validate_load);
    if (*check_cmd && check.baseline_file.empty() && check.bands.empty()) {
      std::cerr << "svcsim check: error: expected --baseline FILE or --band METRIC=VALUE, got neither\n";
      return EXIT_BAD_INPUT;
    }
    if (*check_cmd && !check.variant.empty() && check.bands.empty() && !is_band_file(check.baseline_file)) {
      std::cerr << "svcsim check: error: --variant: expected --band (or a band file) with it, got a baseline check\n";
      return EXIT_BAD_INPUT;
    }
    if (*check_cmd)
      return run_check(check, std::cout, std::cerr);
    return sweep_hooks.dispatch();
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics())
      std::cerr << d.format() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const Interrupted& e) {
    // The run's staging directory is gone (unwound); the output directory holds what it held before.
    std::cerr << "\nsvcsim: " << e.what() << " (" << (e.signal == SIGINT ? "Ctrl-C" : "SIGTERM")
              << "): the run was abandoned, its output directory is unchanged\n";
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(128 + e.signal); // skip the engine's teardown: its actors were stopped mid-run
  } catch (const std::exception& e) {
    std::cerr << "svcsim: internal error: " << e.what() << "\n";
    return EXIT_INTERNAL;
  }
}

} // namespace svcsim
