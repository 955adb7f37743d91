// Spread of one sweep variant (see the header). The rows keep sweep.csv's order (seeds innermost, ascending), so
// the mean sums in the same order as a `--seeds` run of that variant would, and gives the same statistics.
#include "check/band_sweep.hpp"

#include "check/sweep_csv.hpp"
#include "spread/spread.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace svcsim
{

using Json = nlohmann::json;

std::optional<Json> spread_from_sweep(const std::string& csv_file, const std::vector<std::string>& variant,
                                      std::vector<std::string>& errors)
{
  size_t errors_before = errors.size();
  std::optional<gate::SweepTable> table = gate::read_sweep_csv(csv_file, errors);
  if (!table)
    return std::nullopt;
  const auto& cols = table->columns;
  auto seed_it = std::find(cols.begin(), cols.end(), "seed");
  auto status_it = std::find(cols.begin(), cols.end(), "status");
  if (cols.empty() || cols[0] != "run_id" || seed_it == cols.end() || status_it == cols.end()) {
    errors.push_back(fmt::format("{}: error: expected the columns run_id, the axes, seed, status, metrics", csv_file));
    return std::nullopt;
  }
  const size_t seed_col = seed_it - cols.begin(), status_col = status_it - cols.begin();

  std::map<size_t, Json> wanted; // axis column → the value --variant chose
  for (const auto& v : variant) {
    size_t eq = v.find('=');
    auto col = eq == std::string::npos ? cols.end() : std::find(cols.begin() + 1, seed_it, v.substr(0, eq));
    if (col == seed_it || col == cols.end()) {
      errors.push_back(fmt::format("svcsim check: error: --variant: expected AXIS=VALUE with AXIS one of the sweep's "
                                   "axes (a column of {} before seed), got \"{}\"",
                                   csv_file, v));
      continue;
    }
    wanted[col - cols.begin()] = gate::cell_value(v.substr(eq + 1));
  }
  if (errors.size() != errors_before)
    return std::nullopt;

  std::vector<const std::vector<std::string>*> rows;
  for (const auto& id : table->run_ids) {
    const auto& row = table->cells.at(id);
    bool match = true;
    for (const auto& [col, value] : wanted)
      match = match && gate::cell_value(row[col]) == value;
    if (match)
      rows.push_back(&row);
  }
  for (size_t c = 1; c < seed_col; ++c) {
    std::set<std::string> values;
    for (const auto* row : rows)
      values.insert((*row)[c]);
    if (values.size() > 1)
      errors.push_back(fmt::format("{}: error: a band is over the seeds of one variant, but the runs selected vary "
                                   "{} ({} values); choose one with --variant {}=VALUE",
                                   csv_file, cols[c], values.size(), cols[c]));
  }
  if (rows.empty())
    errors.push_back(fmt::format("{}: error: no run matches --variant", csv_file));
  for (const auto* row : rows)
    if ((*row)[status_col] != "ok")
      errors.push_back(fmt::format("{}: error: run {} is {}: a band needs every seed's run (run the sweep again)",
                                   csv_file, (*row)[0], (*row)[status_col]));
  if (errors.size() != errors_before)
    return std::nullopt;

  Json spread = Json::object();
  std::vector<uint64_t> seeds;
  for (const auto* row : rows)
    seeds.push_back(gate::cell_value((*row)[seed_col]).get<uint64_t>());
  spread["seeds"] = seeds;
  spread["seed_list"] = describe_seed_list(seeds);
  Json metrics = Json::object();
  for (size_t c = status_col + 1; c < cols.size(); ++c) {
    if (table->column_keys[c].empty())
      continue;
    std::vector<nlohmann::ordered_json> samples;
    for (const auto* row : rows)
      samples.push_back(nlohmann::ordered_json::parse(gate::cell_value((*row)[c]).dump()));
    Json* node = &metrics;
    for (const auto& k : table->column_keys[c])
      node = &(*node)[k];
    *node = Json::parse(spread_stats(samples).dump());
  }
  spread["metrics"] = metrics;
  return spread;
}

} // namespace svcsim
