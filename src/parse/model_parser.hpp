// The model (SPEC §1 numbers): models/<name>.json merged with a scenario's "parameters", read into Model.
// Every key of models/seed.json is a parameter; any other key is an error (typos must not pass silently).
#pragma once

#include "parse/checker.hpp"
#include "parse/scenario.hpp"

#include <string>

namespace svcsim
{

// Reads `params` (the merged model, at `pointer` in the resolved scenario) into a Model; values not given
// keep the struct defaults, except that every service type must list its endpoints.
Model read_model(Checker& checker, const json& params, const std::string& pointer);

// Whether a request path (which may hold "{i}" templates) names the model endpoint `endpoint_path`
// (whose ":name" segments match any one segment).
bool path_matches(const std::string& request_path, const std::string& endpoint_path);

} // namespace svcsim
