// sweep.csv as `svcsim collect` writes it: a header row of column names (run_id, the axes, seed, and metric
// columns named by the same dotted paths as summary.json), then one row per run. RFC 4180 quoting.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace svcsim::gate
{

struct SweepTable {
  std::string file;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> column_keys;     // parsed column names; empty when not a metric path
  std::vector<std::string> run_ids;                      // file order
  std::map<std::string, std::vector<std::string>> cells; // run_id → the row's cells
};

// Appends "file:line: error: ..." lines to `errors`; returns nullopt if the table cannot be used.
std::optional<SweepTable> read_sweep_csv(const std::string& file, std::vector<std::string>& errors);

// The column holding `metric`: its exact name first, then the same keys spelt differently
// (by_endpoint["/api/x"].p50 matches a column by_endpoint./api/x.p50).
std::optional<size_t> find_column(const SweepTable& table, const std::string& metric,
                                  const std::vector<std::string>& keys);

// A cell as a JSON value: empty or "null" → null, a JSON number or true/false → itself, else a string.
nlohmann::json cell_value(const std::string& cell);

} // namespace svcsim::gate
