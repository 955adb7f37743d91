// The report's "Processes" section (SPEC §1b): every component's single thread over the load window (busy and
// CPU share, queues, sockets), the busiest process and when it saturated, each machine's CPU, and the busy
// share per second of the busiest few. Only when summary.json has "processes" (the model's process CPU is on).
#pragma once

#include "metrics/run_output.hpp"
#include "report/timeline.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace svcsim::report
{

// How many processes the busy-share chart draws: the busiest by load_busy_share (the rest are in the table).
constexpr size_t MAX_PROCESS_LINES = 5;

// "" when `summary` has no "processes" (process CPU off), else <section id="processes">…</section>.
std::string processes_section(const nlohmann::ordered_json& summary, const RunOutput& run,
                              const std::vector<FaultWindow>& windows);

} // namespace svcsim::report
