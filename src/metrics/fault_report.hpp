// Failover metrics per injected fault, derived after the run from the event log and the request and
// attempt rows: who noticed when (registry, balancer, detector), what clients felt, when it came back.
#pragma once

#include "metrics/run_output.hpp"
#include "parse/scenario.hpp"

#include <nlohmann/json.hpp>

namespace svcsim
{

nlohmann::ordered_json build_fault_report(const Scenario& scenario, const RunOutput& run);

} // namespace svcsim
