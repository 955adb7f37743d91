// The sweep's progress line on stderr: done / total, failed, skipped (complete before this start), rate and
// ETA. Redrawn with \r on a terminal; elsewhere (CI logs, Slurm) a plain line every few seconds.
#pragma once

#include <cstddef>
#include <string>

namespace svcsim
{

class SweepProgress
{
public:
  // `label` starts the line: "sweep NAME" for a sweep, "NAME --seeds 1..20" for a spread over seeds.
  SweepProgress(std::string label, size_t total, size_t skipped, bool quiet);
  void update(size_t done, size_t failed, bool force = false); // done: this start's finished runs
  void finish(size_t done, size_t failed);

private:
  std::string line(size_t done, size_t failed) const;

  std::string name_;
  size_t total_, skipped_;
  bool quiet_, tty_;
  double start_s_, last_print_s_ = -1e9;
  size_t last_width_ = 0;
};

} // namespace svcsim
