// What one run hands to the reports: the recorder's rows and series, the names of the components and
// endpoints they index, and the engine's totals. The simulation fills it (run/simulation.hpp); summary.json,
// results.sqlite, report.html and the trace read it.
#pragma once

#include "metrics/recorder.hpp"
#include "sim/shared_services.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace svcsim
{

struct RunOutput {
  Recorder recorder;
  std::vector<std::string> endpoint_paths; // World endpoint index → path
  std::vector<std::string> component_names;
  std::vector<std::string> component_hosts;
  std::vector<int> component_cores; // its host's cores
  std::vector<char> component_started;
  double sim_time_s = 0;
  uint64_t messages = 0;
  DbLockStats db_lock;
  bool deadlock = false;
  std::string simgrid_version;
};

} // namespace svcsim
