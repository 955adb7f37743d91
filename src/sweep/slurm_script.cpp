// The sbatch array script of a sweep (see the header).
#include "sweep/slurm_script.hpp"

#include <algorithm>

namespace svcsim {

namespace {

// Single-quoted for the shell: the paths may hold spaces.
std::string sh_quote(const std::string& s)
{
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

} // namespace

SlurmScript slurm_script(const std::string& name, const std::string& sweep_dir, const std::string& exe, size_t runs,
                         size_t chunk)
{
  SlurmScript s;
  s.chunk = chunk > 0 ? chunk : std::max<size_t>(1, (runs + SLURM_MAX_TASKS - 1) / SLURM_MAX_TASKS);
  s.tasks = std::max<size_t>(1, (runs + s.chunk - 1) / s.chunk);
  std::string logs = sweep_dir + "/slurm";
  s.text = "#!/bin/bash\n"
           "# Sweep " + name + ": " + std::to_string(runs) + " runs in " + std::to_string(s.tasks) +
           " array tasks of up to " + std::to_string(s.chunk) + " runs. Written by `svcsim sweep --emit-slurm`.\n"
           "# Submit: sbatch --wait " + sweep_dir + "/sweep.sbatch && svcsim collect " + sweep_dir + "\n"
           "# Options given to sbatch on its command line (-p, --time, ...) override the lines below.\n"
           "#SBATCH --job-name=svcsim-" + name + "\n"
           "#SBATCH --array=0-" + std::to_string(s.tasks - 1) + "\n"
           "#SBATCH --ntasks=1\n"
           "#SBATCH --cpus-per-task=1\n"
           "#SBATCH --output=" + logs + "/%A_%a.out\n"
           "#SBATCH --error=" + logs + "/%A_%a.err\n"
           "set -u\n"
           "# The binary must be visible from the compute nodes (a shared file system), like the sweep directory.\n"
           "SVCSIM=\"${SVCSIM:-}\"\n"
           "[ -n \"$SVCSIM\" ] || SVCSIM=" + sh_quote(exe) + "\n"
           "MANIFEST=" + sh_quote(sweep_dir + "/manifest.jsonl") + "\n"
           "RUNS=" + std::to_string(runs) + "\n"
           "CHUNK=" + std::to_string(s.chunk) + "\n"
           "first=$(( SLURM_ARRAY_TASK_ID * CHUNK ))\n"
           "last=$(( first + CHUNK < RUNS ? first + CHUNK : RUNS ))\n"
           "status=0\n"
           "for (( i = first; i < last; i++ )); do\n"
           "  # A run records its own failure in runs/<run_id>/FAILED; the task goes on with the next one.\n"
           "  \"$SVCSIM\" run --manifest \"$MANIFEST\" --index \"$i\" --quiet || { echo \"run $i failed: exit $?\" >&2; "
           "status=1; }\n"
           "done\n"
           "exit $status\n";
  return s;
}

} // namespace svcsim
