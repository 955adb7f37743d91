// Scenario files → svcsim::Scenario. The model file (models/<name>.json) is merged with the scenario's
// "parameters" and the --set overrides, then every value is checked; all errors are collected and thrown
// at once as one InputError (file, line:col, JSON pointer, expected, got). The simulation never sees JSON.
#pragma once

#include "parse/scenario.hpp"
#include "util/diagnostics.hpp"

#include <string>
#include <vector>

namespace svcsim
{

struct LoadOptions {
  std::vector<std::string> sets; // "POINTER=VALUE" (VALUE parsed as JSON, else taken as a string)
  std::string models_dir;        // where "model": "seed" is looked up; empty = $SVCSIM_MODELS, else search
                                 // <exe dir>/../models, <scenario dir>/../models, ./models
  std::optional<uint64_t> seed;  // --seed overrides the file's seed
};

struct LoadResult {
  Scenario scenario;
  std::vector<Diagnostic> warnings; // also in InputError::diagnostics() (warning = true) when it throws
};

// Throws InputError on any bad input (unreadable file, syntax, schema, cross-references).
LoadResult load_scenario(const std::string& path, const LoadOptions& options = {});

// Same checks on an in-memory document (used by the fuzzer and by manifest runs); `file` names it in errors.
LoadResult load_scenario_text(const std::string& text, const std::string& file, const LoadOptions& options = {});

// The host names a SimGrid platform XML file declares (<host id>, and <cluster> prefix+radical+suffix),
// in document order. Throws InputError naming the file when it is missing or not XML.
std::vector<std::string> platform_host_names(const std::string& platform_file);

// The link names it declares (<link id>, <backbone id>), in document order; links a <cluster> creates are
// not listed (their names are SimGrid's). Throws InputError like platform_host_names.
std::vector<std::string> platform_link_names(const std::string& platform_file);

} // namespace svcsim
