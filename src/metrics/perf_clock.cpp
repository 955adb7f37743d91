#include "metrics/perf_clock.hpp"

#include <fstream>
#include <string>

namespace svcsim
{

double perf_peak_rss_mb()
{
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::stod(line.substr(6)) / 1024.0; // kB
  return 0;
}

} // namespace svcsim
