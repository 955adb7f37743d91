// A SweepSpec → its runs: the grid of its dimensions (the first varies slowest) times its seeds (innermost),
// each a fully resolved scenario with a stable run_id; and the check of every run's scenario with the
// scenario parser before anything runs.
#pragma once

#include "sweep/manifest.hpp"
#include "sweep/sweep_spec.hpp"

#include <vector>

namespace svcsim
{

// Throws InputError if two runs resolve to the same scenario and seed (they would share a run_id).
std::vector<ManifestEntry> expand_sweep(const SweepSpec& spec);

// Loads every distinct scenario (the seed does not change validity, so one seed per grid point) with
// load_scenario_text. Throws one InputError naming each bad run by its axis values (at most 20 runs are
// listed); returns the warnings, each once.
std::vector<Diagnostic> validate_runs(const SweepSpec& spec, const std::vector<ManifestEntry>& runs);

} // namespace svcsim
