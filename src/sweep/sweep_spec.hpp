// A sweep file (sweeps/README.md): a base scenario, axes addressed by JSON pointer (a list or a range), zips of
// axes that move together, seeds, and fixed "set" values. Parsed and checked against the base scenario
// before anything is expanded; every error names the sweep file, the JSON pointer in it, expected and got.
#pragma once

#include "util/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace svcsim
{

// One dimension of the grid: one pointer (an axis) or several that move together (a zip); step k gives
// values[k][p] to pointers[p].
struct SweepDimension {
  std::string where; // the sweep file's pointer that defines it ("/axes/1", "/zip/0"), for messages
  std::vector<std::string> pointers;
  std::vector<std::vector<nlohmann::json>> values;
};

struct SweepSpec {
  std::string file;      // the sweep file as given
  std::string name;      // "name", else the file's stem
  std::string base_path; // the base scenario, absolute (relative paths inside it resolve from its directory)
  nlohmann::json base;   // the base scenario with "set" applied
  std::vector<SweepDimension> dimensions; // first varies slowest
  std::vector<std::string> columns;       // every axis pointer, in file order (the collected table's columns)
  std::vector<std::string> column_wheres; // where each is defined in the sweep file ("/axes/1/pointer")
  std::vector<uint64_t> seeds;            // innermost: the replications of one grid point are adjacent
  size_t run_count() const;
};

constexpr size_t MAX_SWEEP_RUNS = 10'000'000;
constexpr size_t MAX_RANGE_VALUES = 1'000'000;

struct JsonDocument;

// Checks a parsed sweep file against its base scenario (sweep_spec.cpp). Throws InputError.
SweepSpec parse_sweep_document(const JsonDocument& sweep, const nlohmann::json& base_doc, const std::string& base_path);

// Reads the sweep file and its base scenario (sweep_file.cpp). Throws InputError listing every problem.
SweepSpec load_sweep(const std::string& sweep_file);

// The same on text already in memory (unit tests): `base_doc` is the parsed base scenario at `base_path`.
SweepSpec parse_sweep_text(const std::string& text, const std::string& sweep_file, const nlohmann::json& base_doc,
                           const std::string& base_path);

} // namespace svcsim
