// `svcsim collect DIR`: the only step that merges a sweep's runs. One row per manifest line, in manifest
// order: run_id, every axis (column named by its pointer), seed, status (ok / failed / missing) and the main
// metrics of summary.json as dotted paths, the capacity ones last (capacity.busiest_*, then
// capacity.machines.<host>.load_cpu_share for every host a summary names). Written to DIR/sweep.csv and
// DIR/sweep.sqlite (table `runs`), each to a temporary name and renamed; the CSV bytes depend only on the
// manifest and the summaries.
#pragma once

#include "sweep/manifest.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace svcsim
{

struct CollectResult {
  size_t ok = 0, failed = 0, missing = 0;
  std::vector<std::string> problems; // one line per run that is not ok
};

CollectResult collect_sweep(const std::string& sweep_dir, const std::vector<ManifestEntry>& runs);

// The metric columns for these runs: the fixed list, plus faults[k].* for every fault the scenarios declare,
// then capacity.busiest_{process,load_busy_share,saturated_at_s}.
std::vector<std::string> metric_columns(const std::vector<ManifestEntry>& runs);

// The hosts under "capacity"/"machines" in any of these summaries (null for a run without one), sorted: one
// capacity.machines.<host>.load_cpu_share column each.
std::vector<std::string> machine_names(const std::vector<nlohmann::json>& summaries);

} // namespace svcsim
