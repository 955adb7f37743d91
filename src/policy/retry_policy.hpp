// Envoy's retry rules as the balancer applies them when a model gives `load_balancer.retry`: which failures
// are retried (x-envoy-retry-on), the wait before a retry (fully jittered exponential back-off) and the retry
// budget (at most budget_percent of the requests in flight may be retries, never fewer than
// min_retry_concurrency). No SimGrid: unit-tested on its own.
#pragma once

#include "parse/scenario_resilience.hpp"
#include "policy/outlier_detection.hpp" // AttemptResult

#include <cstdint>

namespace svcsim
{

// Whether retry_on covers this failure. Envoy (router/retry_state_impl.cc): "5xx" retries any 5xx answer and
// any stream that got no answer (connect failure, reset, timeout); "gateway-error" 502/503/504 answers and the
// same stream failures, since Envoy answers them with a 503 or 504 itself; "reset" a stream with no answer
// (connect failure, reset, timeout); "connect-failure" a connect failure only. "timeout" is NGINX's
// proxy_next_upstream word for a per-try timeout, which Envoy retries only under the first three.
bool retry_covers(const RetryPolicyParams& p, AttemptResult r, int status);

// JitteredExponentialBackOffStrategy::nextBackOffMs (source/common/common/backoff_strategy.cc): the k-th
// retry (k = 1, 2, ...) waits random() % interval_k ms, interval_1 = base, doubling while below max / 2, then
// max: interval_k = min(max, base × 2^(k-1)). Envoy's docs say [0, (2^k - 1) × base); the code, followed
// here, gives [0, base), [0, 2 base), [0, 4 base) ... capped at max (25, 50, 100, 200, 250 ms by default).
// `u` in [0, 1) stands for random(); whole milliseconds, as Envoy's.
double backoff_interval_ms(const RetryPolicyParams& p, int retry);
double backoff_delay_ms(const RetryPolicyParams& p, int retry, double u);

// Envoy's RetryBudget (cluster.v3.CircuitBreakers.Thresholds.RetryBudget, ResourceManagerImpl::RetryBudgetImpl):
// max retries in flight = max(budget_percent / 100 × (active + pending requests), min_retry_concurrency),
// truncated to an integer; a retry may start while the retries in flight are fewer than that. A retry is in
// flight from the decision to retry until the request's next retry decision or its end
// (RetryStateImpl::resetRetry), so one request holds at most one.
class RetryBudget
{
public:
  explicit RetryBudget(const RetryPolicyParams& p) : p_(&p) {}
  uint64_t limit(uint64_t active_requests) const;
  // Takes a place if there is one; false: the retry is refused (Envoy's upstream_rq_retry_overflow).
  bool try_acquire(uint64_t active_requests);
  void release()
  {
    if (in_flight_ > 0)
      in_flight_--;
  }
  uint64_t in_flight() const { return in_flight_; }

private:
  const RetryPolicyParams* p_;
  uint64_t in_flight_ = 0;
};

} // namespace svcsim
