// The report's charts as inline SVG text: latency ECDF with p50/p95/p99, per-second percentiles and
// throughput with fault windows shaded, per-instance share bars, and the failover timeline lanes. The same
// pictures as tools/plot draws with matplotlib, in the same colours.
#pragma once

#include "metrics/summary.hpp"
#include "report/timeline.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace svcsim::report
{

// `sorted_ms`: every ended request's latency, ascending. `pct`: the summary's p50, p95, p99 (the marks must
// show the summary's numbers). At most MAX_ECDF_POINTS samples are drawn, always including the tail.
constexpr size_t MAX_ECDF_POINTS = 1000;
std::string ecdf_svg(const std::vector<double>& sorted_ms, const double pct[3]);

std::string percentiles_svg(const std::vector<SeriesRow>& series, const std::vector<FaultWindow>& windows);
std::string throughput_svg(const std::vector<SeriesRow>& series, const std::vector<FaultWindow>& windows);

struct InstanceBar {
  std::string name;
  std::string type; // "auth", "data", "compute"
  uint64_t served = 0, failed = 0;
};
std::string instance_share_svg(const std::vector<InstanceBar>& bars);

std::string timeline_svg(const Timeline& timeline);

// The colour of a service type (shared with the page's own bars).
const char* type_color(const std::string& type);

} // namespace svcsim::report
