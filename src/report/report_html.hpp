// report.html: a static page of one run (no server, no JavaScript, no external files) with the fault
// detector dashboard's content in simulated time — instance health over time, request metrics, RPS, request
// distribution, alerts — the charts as inline SVG, and the failover report of every injected fault.
#pragma once

#include "metrics/run_output.hpp"
#include "parse/scenario.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace svcsim
{

// Builds the page; `summary` is what build_summary returned for this run. Deterministic bytes for a scenario
// and seed (no wall clock). Sections carry the ids summary, latency, throughput, instances, processes (when
// the summary has "processes"), timeline, alerts, faults.
std::string render_report_html(const Scenario& scenario, const RunOutput& run, const nlohmann::ordered_json& summary);

// render_report_html written atomically to `path` (save_file_atomic); throws std::runtime_error on failure.
void write_report_html(const std::string& path, const Scenario& scenario, const RunOutput& run,
                       const nlohmann::ordered_json& summary);

} // namespace svcsim
