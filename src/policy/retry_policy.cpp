#include "policy/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace svcsim
{

bool retry_covers(const RetryPolicyParams& p, AttemptResult r, int status)
{
  switch (r) {
  case AttemptResult::SUCCESS:
    return false;
  case AttemptResult::HTTP_5XX:
    return p.on_5xx || (p.on_gateway_error && status >= 502 && status <= 504);
  case AttemptResult::CONNECT_FAILED:
    return p.on_5xx || p.on_gateway_error || p.on_reset || p.on_connect_failure;
  case AttemptResult::RESET:
    return p.on_5xx || p.on_gateway_error || p.on_reset;
  case AttemptResult::TIMEOUT:
    return p.on_5xx || p.on_gateway_error || p.on_reset || p.on_timeout;
  }
  return false;
}

double backoff_interval_ms(const RetryPolicyParams& p, int retry)
{
  double interval = p.backoff_base_ms;
  for (int k = 1; k < retry && interval < p.backoff_max_ms; k++)
    interval = interval < p.backoff_max_ms / 2 ? interval * 2 : p.backoff_max_ms;
  return std::min(interval, p.backoff_max_ms);
}

double backoff_delay_ms(const RetryPolicyParams& p, int retry, double u)
{
  double interval = std::floor(backoff_interval_ms(p, retry));
  if (interval < 1)
    return 0;
  return std::min(std::floor(u * interval), interval - 1); // random() % interval
}

uint64_t RetryBudget::limit(uint64_t active_requests) const
{
  auto budget = static_cast<uint64_t>(p_->budget_percent / 100.0 * static_cast<double>(active_requests));
  return std::max<uint64_t>(budget, static_cast<uint64_t>(p_->min_retry_concurrency));
}

bool RetryBudget::try_acquire(uint64_t active_requests)
{
  if (in_flight_ >= limit(active_requests))
    return false;
  in_flight_++;
  return true;
}

} // namespace svcsim
