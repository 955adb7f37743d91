#include "metrics/lb_mechanism_report.hpp"

#include "metrics/summary.hpp"

#include <string>
#include <utility>
#include <vector>

namespace svcsim
{

void add_lb_mechanism_counters(nlohmann::ordered_json& lb, const Model& model, const Recorder& rec)
{
  const LbMechanismParams& m = model.load_balancer.mechanisms;
  bool policies = m.policy != BalancingPolicy::ROUND_ROBIN;
  for (const auto& s : model.services)
    policies = policies || (s.balancing.policy_set && s.balancing.policy != BalancingPolicy::ROUND_ROBIN);
  // (key, counter) of every mechanism that is on, in a fixed order.
  std::vector<std::pair<const char*, uint64_t TypeCounters::*>> counts;
  if (m.outlier.enabled)
    counts.emplace_back("outlier_ejections", &TypeCounters::outlier_ejections);
  if (m.passive.enabled)
    counts.emplace_back("passive_unavailable", &TypeCounters::passive_unavailable);
  if (m.breaker.enabled)
    counts.emplace_back("breaker_opens", &TypeCounters::breaker_opens);
  if (m.panic_threshold_percent > 0)
    counts.emplace_back("panic_picks", &TypeCounters::panic_picks);
  if (m.retry.enabled) {
    counts.emplace_back("retries_not_covered", &TypeCounters::retries_not_covered);
    if (m.retry.budget)
      counts.emplace_back("retries_denied_by_budget", &TypeCounters::retries_denied_by_budget);
    counts.emplace_back("backoff_waits", &TypeCounters::backoff_waits);
    if (m.retry.deadline_s > 0)
      counts.emplace_back("deadline_exceeded", &TypeCounters::deadline_exceeded);
  }
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++) {
    const TypeCounters& c = rec.lb[t];
    auto& by_type = lb["by_type"][service_type_name(static_cast<ServiceType>(t))];
    if (policies) {
      const ServiceBalancing& b = model.services[t].balancing;
      by_type["policy"] = balancing_policy_name(b.policy_set ? b.policy : m.policy);
    }
    for (const auto& [key, field] : counts)
      by_type[key] = c.*field;
    if (m.retry.enabled)
      by_type["backoff_wait_total_s"] = round6(c.backoff_wait_total_s);
  }
  for (const auto& [key, field] : counts) {
    uint64_t total = 0;
    for (int t = 0; t < SERVICE_TYPE_COUNT; t++)
      total += rec.lb[t].*field;
    lb[key] = total;
  }
  if (m.retry.enabled) {
    double total = 0;
    for (int t = 0; t < SERVICE_TYPE_COUNT; t++)
      total += rec.lb[t].backoff_wait_total_s;
    lb["backoff_wait_total_s"] = round6(total);
  }
}

} // namespace svcsim
