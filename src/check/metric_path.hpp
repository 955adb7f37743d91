// Metric paths name one value in summary.json: dot-separated keys, [n] array indices, and ["key"] for keys
// holding dots or brackets (by_endpoint["/api/auth/auth-work"].latency_ms.p50). Plain keys may hold '-' and
// '/', so by_endpoint./api/auth/auth-work.requests.total works too. Shared by run and sweep checks.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace svcsim::gate
{

class MetricPathError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// The keys of a path, unquoted; an index keeps its digits ("faults[0].at_s" → {"faults", "0", "at_s"}).
// Index and key are not told apart: sweep.csv may spell faults[0].at_s as faults.0.at_s, and by_status keys
// are digits too, so both spellings must name the same value.
// Throws MetricPathError: `bad metric path "a..b": empty key at character 3`.
std::vector<std::string> parse_metric_path(const std::string& path);

// The value the keys lead to, or nullptr when a step is missing. Digit keys index arrays.
const nlohmann::json* find_metric(const nlohmann::json& doc, const std::vector<std::string>& keys);

} // namespace svcsim::gate
