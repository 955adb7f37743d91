// `svcsim sweep --emit-slurm`: an sbatch array script over the manifest. Each array task runs a contiguous
// chunk of manifest lines, one `svcsim run --manifest M --index I` each, so a sweep of any size fits within
// Slurm's default MaxArraySize (1001) and MaxJobCount (10000). A task exits non-zero if any of its runs
// failed, so `sbatch --wait` reports failure; `svcsim collect DIR` afterwards merges the results.
#pragma once

#include <cstddef>
#include <string>

namespace svcsim
{

constexpr size_t SLURM_MAX_TASKS = 1000; // below the default MaxArraySize of 1001

struct SlurmScript {
  size_t tasks = 0;
  size_t chunk = 0; // runs per task
  std::string text;
};

// sweep_dir and exe absolute; chunk 0 = the smallest chunk that keeps the array within SLURM_MAX_TASKS.
SlurmScript slurm_script(const std::string& name, const std::string& sweep_dir, const std::string& exe, size_t runs,
                         size_t chunk);

} // namespace svcsim
