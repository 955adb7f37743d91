// `svcsim sweep --jobs N`: each run of the manifest in its own process (`svcsim run --manifest M --index I`),
// N at a time. Complete runs are skipped (resume); a failed run gets DIR/runs/<run_id>/FAILED with its exit
// status and the end of its stderr, and the others go on. DIR/joblog.tsv keeps one line per process.
#pragma once

#include "sweep/manifest.hpp"

#include <string>
#include <vector>

namespace svcsim
{

struct LocalRunOptions {
  std::string sweep_dir; // holds manifest.jsonl and runs/
  std::string name;
  unsigned jobs = 1;
  bool quiet = false;
  // How a run's process starts. fork (default): the child calls the run directly, skipping the ~20 ms of
  // dynamic linking an exec costs (85 M instructions for SimGrid's symbols); still one process and one
  // SimGrid engine per run, since the parent never creates an engine. exec: /proc/self/exe run --manifest
  // M --index I --quiet, exactly what GNU parallel or Slurm run.
  bool exec = false;
};

struct LocalRunResult {
  size_t skipped = 0; // complete before this start
  size_t ok = 0;
  size_t failed = 0;
  int stop_signal = 0; // SIGINT or SIGTERM that stopped the sweep early, else 0
};

LocalRunResult run_local(const std::vector<ManifestEntry>& runs, const LocalRunOptions& options);

// The CPUs this process may run on (its affinity mask), at least 1.
unsigned available_cpus();

} // namespace svcsim
