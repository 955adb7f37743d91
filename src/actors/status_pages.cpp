#include "actors/status_pages.hpp"

#include "sim/world.hpp"
#include "store/system_db.hpp"

#include <nlohmann/json.hpp>

namespace svcsim
{

std::string lb_status_page(World& world, const std::vector<PoolEntry> (&pools)[SERVICE_TYPE_COUNT],
                           const RoundRobin (&rr)[SERVICE_TYPE_COUNT], const StatusCounters& counters, double now_s)
{
  nlohmann::ordered_json services = nlohmann::ordered_json::object();
  nlohmann::ordered_json rr_counters = nlohmann::ordered_json::object();
  nlohmann::ordered_json rr_stats = nlohmann::ordered_json::object();
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++) {
    const char* type = service_type_name(static_cast<ServiceType>(t));
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    size_t healthy = 0;
    for (const auto& e : pools[t]) {
      const Component& c = *world.proc(e.instance).component;
      list.push_back({{"name", c.name},
                      {"url", "http://" + (c.address.empty() ? c.host : c.address)},
                      {"healthy", e.healthy},
                      {"consecutiveFailures", e.consecutive_failures}});
      healthy += e.healthy ? 1 : 0;
    }
    services[type] = list;
    rr_counters[type] = rr[t].counter();
    rr_stats[type] = {{"counter", rr[t].counter()},
                      {"healthyServiceCount", healthy},
                      {"currentIndex", healthy ? rr[t].counter() % healthy : 0},
                      {"algorithm", "Round-Robin"}};
  }
  nlohmann::ordered_json page = {
      {"services", services},
      {"roundRobin", {{"counters", rr_counters}, {"stats", rr_stats}}},
      {"requestMetrics", {{"total", counters.total}, {"success", counters.success}, {"failed", counters.failed}}},
      {"timestamp", iso_time(now_s)}};
  return page.dump();
}

std::string lb_metrics_page(World&, const StatusCounters& counters, double now_s)
{
  double rps = now_s > 0 ? static_cast<double>(counters.total) / now_s : 0;
  nlohmann::ordered_json page = {
      {"loadBalancer",
       {{"total", counters.total}, {"success", counters.success}, {"failed", counters.failed}, {"rps", rps}}},
      {"timestamp", iso_time(now_s)}};
  return page.dump();
}

} // namespace svcsim
