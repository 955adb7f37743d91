// The manifest: the contract every sweep engine consumes (local --jobs, GNU parallel, Slurm). JSONL, one
// fully resolved run per line, in grid order: {"index", "run_id", "sweep", "seed", "axes", "base", "scenario"}.
// run_id = the first 16 hex digits of SHA-256 over the canonical scenario and the seed: stable across
// expansions and machines (the base's absolute path is not part of it).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace svcsim
{

struct ManifestEntry {
  size_t index = 0;
  std::string run_id;
  std::string sweep; // the sweep's name
  uint64_t seed = 0;
  nlohmann::ordered_json axes = nlohmann::ordered_json::object(); // pointer → value, in column order
  std::string base;     // the base scenario, absolute: relative paths in `scenario` resolve from its directory
  std::string scenario; // the resolved scenario, canonical JSON (sorted keys, compact), "seed" included
};

std::string run_id_for(const std::string& canonical_scenario, uint64_t seed);

// One line, without the newline.
std::string manifest_line(const ManifestEntry& entry);

// Throws InputError naming `file`:`line_no` when the line is not a manifest entry.
ManifestEntry parse_manifest_line(const std::string& line, const std::string& file, size_t line_no);

std::vector<ManifestEntry> read_manifest(const std::string& file);

// Line `index` (0-based) only; throws InputError when there is no such line.
ManifestEntry read_manifest_entry(const std::string& file, long index);

// Written to a temporary name and renamed, like every output.
void write_manifest(const std::string& file, const std::vector<ManifestEntry>& entries);

// "/deployment/instances=3, /workloads/0/rps=10, seed 1": how messages name a run.
std::string describe_run(const ManifestEntry& entry);

} // namespace svcsim
