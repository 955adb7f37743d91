// A band from a collected sweep (issue 13): the runs of one variant of DIR/sweep.csv (every axis at one value,
// chosen with --variant POINTER=VALUE where the sweep varies it) summarised over their seeds as spread.json
// would, so `svcsim check SWEEP_DIR --band ...` holds a real value against a sweep's seeds too. Only the
// metrics sweep.csv has as columns can be checked so.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace svcsim
{

// {"seeds": [...], "seed_list": "...", "metrics": {<column keys>: {mean, min, max, p5, p95, n}}}, or nullopt with
// one line per problem in `errors`: a bad --variant, an axis left varying, a selected run that is not ok, no run.
std::optional<nlohmann::json> spread_from_sweep(const std::string& csv_file, const std::vector<std::string>& variant,
                                                std::vector<std::string>& errors);

} // namespace svcsim
