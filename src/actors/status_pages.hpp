// The balancer's own pages (/status, /api/metrics) with the seed's fields, built as JSON text. Only
// requested by hand or by a workload aimed at them: never on the proxying path.
#pragma once

#include "parse/scenario.hpp"
#include "policy/round_robin.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace svcsim
{

class World;

struct StatusCounters {
  uint64_t total = 0, success = 0, failed = 0;
};

std::string lb_status_page(World& world, const std::vector<PoolEntry> (&pools)[SERVICE_TYPE_COUNT],
                           const RoundRobin (&rr)[SERVICE_TYPE_COUNT], const StatusCounters& counters, double now_s);
std::string lb_metrics_page(World& world, const StatusCounters& counters, double now_s);

} // namespace svcsim
