#include "policy/thread_rules.hpp"

#include <cmath>

namespace svcsim
{

double wake_flops(const ThreadCosts& costs, double cooling_s, double idle_gap_s)
{
  if (costs.wake_flops <= 0)
    return 0;
  if (cooling_s <= 0)
    return costs.wake_flops;
  if (idle_gap_s <= 0)
    return 0;
  return costs.wake_flops * -std::expm1(-idle_gap_s / cooling_s);
}

static double decay(double cold_factor, double warmup_events, uint64_t events_handled)
{
  if (cold_factor == 1 || warmup_events <= 0)
    return 1;
  return 1 + (cold_factor - 1) * std::exp(-static_cast<double>(events_handled) / warmup_events);
}

double warmup_factor(const ProcessModel& model, uint64_t events_handled)
{
  return decay(model.cold_factor, model.warmup_events, events_handled);
}

double warmup_factor(const ProcessModel& model, const ThreadCosts& costs, uint64_t events_handled)
{
  return decay(costs.cold_factor >= 0 ? costs.cold_factor : model.cold_factor,
               costs.warmup_events >= 0 ? costs.warmup_events : model.warmup_events, events_handled);
}

std::optional<double> syn_retry_after(const ConnectionModel& model, size_t retry)
{
  if (retry >= model.syn_retry_s.size())
    return std::nullopt;
  return model.syn_retry_s[retry];
}

} // namespace svcsim
