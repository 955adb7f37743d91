// summary.json's view of the processes under load (SPEC §1b): each component's thread (CPU, busy share,
// queues, sockets) over the load window, the busiest process and the second it saturated, each machine's
// CPU. Present when the model's process CPU is on.
#pragma once

#include "metrics/run_output.hpp"
#include "parse/scenario.hpp"

#include <nlohmann/json.hpp>

namespace svcsim
{

// A thread that had work for at least this share of a second was saturated in that second.
constexpr double SATURATED_BUSY_SHARE = 0.95;

// Adds "processes" and "capacity" to the summary.
void add_process_report(nlohmann::ordered_json& summary, const Scenario& scenario, const RunOutput& run);

} // namespace svcsim
