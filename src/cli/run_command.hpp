// `svcsim run`: load and validate a scenario, run it, write the run directory (docs/outputs.md) with
// every file staged and renamed into place, summary.json last, and print the load test's report.
#pragma once

#include "parse/scenario_parser.hpp"

#include <string>
#include <vector>

namespace svcsim
{

struct RunCommandOptions {
  std::string scenario_file;
  LoadOptions load;
  std::string out_dir;                  // default results/<scenario name>/
  std::vector<std::string> engine_args; // --cfg=..., --log=...
  bool quiet = false;
  std::string format = "text"; // stdout: "text" report or the "json" summary
  std::string trace_file;      // optional Chrome trace-event JSON
  bool no_report = false;      // skip report.html (sweeps)
};

// Runs a loaded scenario into out_dir. Returns the exit code (0). Throws InputError / runtime_error.
int run_scenario(const Scenario& scenario, const RunCommandOptions& options, const std::string& out_dir);
int run_command(const RunCommandOptions& options);

std::string sha256_hex(const std::string& text);
void warn_default_secret(const Scenario& scenario);

} // namespace svcsim
