// Model files: finding the file a model name stands for, reading it, following its "extends" chain and
// merging the chain (each file deep-merged over the one it builds on). Used by scenario_parser.cpp.
#pragma once

#include "parse/checker.hpp"
#include "parse/json_document.hpp"
#include "parse/scenario_parser.hpp"

#include <nlohmann/json.hpp>

#include <deque>
#include <optional>
#include <string>

namespace svcsim
{

// Paths inside a scenario are relative to the scenario file.
std::string resolve_relative(const std::string& base_dir, const std::string& path);

// A model key whose value a scenario's parameters replace whole, not key by key: the jitter's distribution (a
// scenario's lognormal replaces the model's quantile table, parameters and all). Errors below it point into the
// scenario alone.
inline constexpr const char* REPLACED_WHOLE = "overhead_jitter";

// Objects merge key by key; anything else (arrays and measured histograms included) replaces, and so does the
// value of REPLACED_WHOLE.
void deep_merge(nlohmann::json& base, const nlohmann::json& over);

// Finds, reads and parses the model file named by /model of `doc` (errors at /model) and, through each file's
// "extends", the models it builds on (errors at that file's /extends): `chain` gets them, the named one first.
// Returns the merged model: each file deep-merged over the one it extends, "extends" removed.
std::optional<nlohmann::json> load_model(Checker& checker, const nlohmann::json& doc, const std::string& base_dir,
                                         const LoadOptions& options, std::deque<JsonDocument>& chain);

} // namespace svcsim
