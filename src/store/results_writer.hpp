// results.sqlite (docs/outputs.md): one row per request and per balancer attempt, the event log, the
// per-second series and the run's parameters, written after the run in one transaction.
#pragma once

#include "metrics/summary.hpp"

#include <string>
#include <utility>
#include <vector>

namespace svcsim
{

void write_results_sqlite(const std::string& path, const RunOutput& run,
                          const std::vector<std::pair<std::string, std::string>>& params);

} // namespace svcsim
