// `svcsim collect DIR`: the only step that merges a sweep's runs. One row per manifest line, in manifest
// order: run_id, every axis (column named by its pointer), seed, status (ok / failed / missing) and the main
// metrics of summary.json as dotted paths. Written to DIR/sweep.csv and DIR/sweep.sqlite (table `runs`),
// each to a temporary name and renamed; the CSV bytes depend only on the manifest and the summaries.
#pragma once

#include "sweep/manifest.hpp"

#include <string>
#include <vector>

namespace svcsim
{

struct CollectResult {
  size_t ok = 0, failed = 0, missing = 0;
  std::vector<std::string> problems; // one line per run that is not ok
};

CollectResult collect_sweep(const std::string& sweep_dir, const std::vector<ManifestEntry>& runs);

// The metric columns for these runs: the fixed list, plus faults[k].* for every fault the scenarios declare.
std::vector<std::string> metric_columns(const std::vector<ManifestEntry>& runs);

} // namespace svcsim
