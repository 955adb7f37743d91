// The traffic and the faults of a scenario: workload phases (checked against the model's endpoints and the
// balancer's own routes) and injected faults (checked against the deployment, the platform and the run's end).
#pragma once

#include "parse/checker.hpp"
#include "parse/platform_scan.hpp"
#include "parse/scenario.hpp"

#include <string>
#include <vector>

namespace svcsim
{

// Reads /workloads. `model` is nullptr when the model could not be read (endpoint checks are then skipped).
std::vector<WorkloadPhase> read_workloads(Checker& checker, const json& root, const Model* model);

// Reads /faults. `platform` is nullptr when the platform could not be read; `end_s` is the run's end.
std::vector<Fault> read_faults(Checker& checker, const json& root, const Deployment& deployment,
                               const PlatformNames* platform, const std::string& platform_file, double end_s);

} // namespace svcsim
