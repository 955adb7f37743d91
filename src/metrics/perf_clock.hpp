// Wall-clock readings, used only for perf.json and the progress line on stderr: never in results
// (SPEC: nothing in a run may read the wall clock except the wall-time figures of perf.json).
#pragma once

#include <chrono>

namespace svcsim
{

inline double perf_wall_seconds()
{
  using clock = std::chrono::steady_clock;
  static const clock::time_point origin = clock::now();
  return std::chrono::duration<double>(clock::now() - origin).count();
}

// Seconds since the Unix epoch (joblog timestamps of sweeps).
inline double perf_epoch_seconds()
{
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Peak resident set size of this process in MB (Linux: VmHWM of /proc/self/status), 0 if unknown.
double perf_peak_rss_mb();

} // namespace svcsim
