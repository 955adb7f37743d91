// Parts of report.html built from summary.json values and the timeline: the end-of-run availability table,
// the alerts table and the failover report. Split from report_html.cpp, which lays out the page and charts.
#pragma once

#include "report/timeline.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace svcsim::report
{

// A summary value for people: a number with at most `decimals` decimals, "never" for null, "–" if absent.
std::string json_value_text(const nlohmann::ordered_json& obj, const char* key, int decimals = 3);

// Per service type: instances, and how many the registry, the balancer and the detector held healthy at the
// end of the run (the dashboard's "service availability statistics").
std::string availability_table(const Timeline& timeline);

std::string alerts_section(const nlohmann::ordered_json& summary);
std::string faults_section(const nlohmann::ordered_json& summary);

} // namespace svcsim::report
