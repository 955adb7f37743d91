// `svcsim check RUN_DIR --baseline BASELINE.json`: the CI regression gate. Compares a run's summary.json (or a
// collected sweep's sweep.csv, run by run) with expected values and tolerances; exit 0 all pass, 1 any metric
// failed, 2 trouble (missing or incomplete run, bad baseline, a metric that is not there). With --band, or a
// baseline that holds "bands", it is a band check against a spread over seeds instead (check/band_check.hpp).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace svcsim
{

struct CheckOptions {
  std::string run_dir; // a run directory (holds summary.json) OR a collected sweep directory (holds sweep.csv)
  std::string baseline_file;
  bool update_baseline = false;     // rewrite values from the current run, keep tolerances (atomic: temp file + rename)
  std::string json_report;          // optional path: write a JSON report (atomic)
  bool quiet = false;               // table shows only failures (update: only the closing line)
  std::string format = "text";      // "text" | "json" (json: print the report JSON on stdout instead of the table)
  std::vector<std::string> bands;   // --band METRIC=VALUE: band checks against DIR/spread.json (band_check.hpp)
  std::string within = "p5-p95";    // the band of --band: "p5-p95" or "min-max"
  std::vector<std::string> variant; // --band on a collected sweep: AXIS=VALUE picks the variant (band_sweep.hpp)
};

// Table (or JSON) to `out`, one line per error to `err`. Returns the exit code: 0 / 1 / 2.
// With update_baseline, rewrites only the "value" texts of the baseline (adding "value" where an entry has
// none), leaving layout, order, tolerances and notes as they were; returns 0 after a successful update.
int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err);

} // namespace svcsim
