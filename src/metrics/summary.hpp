// The summary maths (SPEC §2): request totals, nearest-rank latency percentiles, per-endpoint and
// per-instance counts, balancer counters, failover metrics per fault, alerts. Deterministic: rounded to the
// microsecond, ordered keys, no unordered iteration.
#pragma once

#include "metrics/run_output.hpp"
#include "parse/scenario.hpp"

#include <nlohmann/json.hpp>

namespace svcsim
{

struct SeriesRow {
  long second;
  uint64_t sent, completed, success, failed;
  double mean_ms, p50_ms, p95_ms, p99_ms; // NaN when nothing completed that second
};

// Attempts per request and the number of requests per attempt count, derived from the attempt rows.
std::vector<uint8_t> attempts_per_request(const RunOutput& run);

nlohmann::ordered_json build_summary(const Scenario& scenario, const RunOutput& run,
                                     const std::string& scenario_sha256);
std::vector<SeriesRow> build_series(const RunOutput& run);

// Rounds to the microsecond (or to 1e-6 of the unit), so that summary bytes do not carry float noise.
double round6(double x);

} // namespace svcsim
