// `svcsim run SCENARIO --seeds A..B`: the scenario once per seed, each run in its own process (SimGrid allows one
// engine per process) into OUT/seed-N/, then OUT/spread.json (every metric's mean, min, max, p5, p95 and n
// across the seeds), OUT/spread.html and a short table on stdout.
#pragma once

#include "cli/run_command.hpp"

#include <cstdint>
#include <vector>

namespace svcsim
{

// Every seed's scenario is loaded and checked before anything is written (InputError: exit 2, nothing
// written). Returns 0, 1 when a seed's run failed (no spread.json then), or 128 + a signal that stopped it.
int run_seeds_command(const RunCommandOptions& options, const std::vector<uint64_t>& seeds, unsigned jobs);

} // namespace svcsim
