// The sweep subcommands behind src/cli/sweep_hooks.cpp: `sweep` (expand, then run locally or emit a
// manifest / an sbatch script), `collect` (merge the runs into sweep.csv and sweep.sqlite) and
// `run --manifest M --index I` (one line of a manifest: what GNU parallel or a Slurm array task calls).
#pragma once

#include "cli/run_command.hpp"

#include <string>
#include <vector>

namespace svcsim
{

struct SweepOptions {
  std::string sweep_file;
  unsigned jobs = 0;   // 0 = the CPUs this process may use
  std::string out_dir; // default results/sweeps/<sweep name>
  bool emit_manifest = false;
  bool emit_slurm = false;
  size_t chunk = 0; // runs per Slurm array task; 0 = as few as keep the array within 1000 tasks
  bool quiet = false;
  bool exec = false; // start runs with exec instead of fork (see LocalRunOptions::exec)
};

int sweep_command(const SweepOptions& options);
int collect_command(const std::string& dir, bool quiet);

// Runs line `index` of `manifest` into <manifest dir>/runs/<run_id>/ (or options.out_dir). A run already
// complete there is not run again (exit 0), so every engine can resume.
int run_manifest_command(const std::string& manifest, long index, const RunCommandOptions& options);

} // namespace svcsim
