// The sbatch array script of a sweep (see the header).
#include "sweep/slurm_script.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace svcsim
{

namespace
{

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
  s.text = R"(#!/bin/bash
# Sweep @NAME@: @RUNS@ runs in @TASKS@ array tasks of up to @CHUNK@ runs. Written by `svcsim sweep --emit-slurm`.
# Submit: sbatch --wait @DIR@/sweep.sbatch && svcsim collect @DIR@
# Options given to sbatch on its command line (-p, --time, ...) override the lines below.
#SBATCH --job-name=svcsim-@NAME@
#SBATCH --array=0-@LAST_TASK@
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=@DIR@/slurm/%A_%a.out
#SBATCH --error=@DIR@/slurm/%A_%a.err
set -u
# The binary must be visible from the compute nodes (a shared file system), like the sweep directory.
SVCSIM="${SVCSIM:-}"
[ -n "$SVCSIM" ] || SVCSIM=@EXE@
MANIFEST=@MANIFEST@
RUNS=@RUNS@
CHUNK=@CHUNK@
first=$(( SLURM_ARRAY_TASK_ID * CHUNK ))
last=$(( first + CHUNK < RUNS ? first + CHUNK : RUNS ))
status=0
for (( i = first; i < last; i++ )); do
  # A run records its own failure in runs/<run_id>/FAILED; the task goes on with the next one.
  "$SVCSIM" run --manifest "$MANIFEST" --index "$i" --quiet || { echo "run $i failed: exit $?" >&2; status=1; }
done
exit $status
)";
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"@NAME@", name},
                                                        {"@RUNS@", std::to_string(runs)},
                                                        {"@TASKS@", std::to_string(s.tasks)},
                                                        {"@LAST_TASK@", std::to_string(s.tasks - 1)},
                                                        {"@CHUNK@", std::to_string(s.chunk)},
                                                        {"@DIR@", sweep_dir},
                                                        {"@EXE@", sh_quote(exe)},
                                                        {"@MANIFEST@", sh_quote(sweep_dir + "/manifest.jsonl")}})
    for (size_t at = s.text.find(key); at != std::string::npos; at = s.text.find(key, at + value.size()))
      s.text.replace(at, key.size(), value);
  return s;
}

} // namespace svcsim
