#include "policy/circuit_breaker.hpp"

#include <algorithm>
#include <cmath>

#include <cstddef>

using std::size_t;

namespace svcsim
{

const char* breaker_state_name(BreakerState s)
{
  switch (s) {
  case BreakerState::CLOSED:
    return "closed";
  case BreakerState::OPEN:
    return "open";
  case BreakerState::HALF_OPEN:
    return "half_open";
  }
  return "?";
}

// CircuitBreakerMetrics: a count-based window never needs more calls than it holds, so its minimum is
// min(minimumNumberOfCalls, window size); HALF_OPEN's window is count based with the permitted calls as its
// size (CircuitBreakerMetrics.forHalfOpen).
int CircuitBreaker::minimum_calls() const
{
  return count_based_window() ? std::min(p_->minimum_number_of_calls, window_size()) : p_->minimum_number_of_calls;
}

void CircuitBreaker::expire(Window& w, double now)
{
  if (count_based_window()) {
    while (static_cast<int>(w.buckets.size()) > window_size()) {
      const Bucket& b = w.buckets.front();
      w.calls -= b.calls;
      w.failures -= b.failures;
      w.slow -= b.slow;
      w.buckets.pop_front();
    }
    return;
  }
  // SlidingTimeWindowMetrics: N buckets, one per epoch second, the current second's included.
  long oldest = static_cast<long>(std::floor(now)) - p_->sliding_window_size + 1;
  while (!w.buckets.empty() && w.buckets.front().second < oldest) {
    const Bucket& b = w.buckets.front();
    w.calls -= b.calls;
    w.failures -= b.failures;
    w.slow -= b.slow;
    w.buckets.pop_front();
  }
}

void CircuitBreaker::record(Window& w, bool failed, bool slow, double now)
{
  long second = static_cast<long>(std::floor(now));
  if (count_based_window() || w.buckets.empty() || w.buckets.back().second != second)
    w.buckets.push_back(Bucket{second});
  Bucket& b = w.buckets.back();
  b.calls++;
  b.failures += failed;
  b.slow += slow;
  w.calls++;
  w.failures += failed;
  w.slow += slow;
  expire(w, now);
}

double CircuitBreaker::failure_rate(double now)
{
  if (!count_based_window())
    expire(window_, now);
  if (window_.calls == 0 || window_.calls < minimum_calls())
    return -1;
  return 100.0 * window_.failures / window_.calls;
}

void CircuitBreaker::to(BreakerState s, double now)
{
  state_ = s;
  window_ = Window{}; // every state starts with fresh metrics
  if (s == BreakerState::OPEN)
    opened_at_ = now;
  if (s == BreakerState::HALF_OPEN)
    half_open_permits_ = p_->permitted_number_of_calls_in_half_open_state;
}

bool CircuitBreaker::permits(double now, bool* changed)
{
  if (changed)
    *changed = false;
  switch (state_) {
  case BreakerState::CLOSED:
    return true;
  case BreakerState::OPEN:
    // OpenState.tryAcquirePermission: after the wait (Instant.isAfter: strictly later), HALF_OPEN.
    if (now - opened_at_ > p_->wait_duration_in_open_state_s + 1e-9) {
      to(BreakerState::HALF_OPEN, now);
      if (changed)
        *changed = true;
      return half_open_permits_ > 0;
    }
    return false;
  case BreakerState::HALF_OPEN:
    return half_open_permits_ > 0;
  }
  return false;
}

void CircuitBreaker::call_started()
{
  if (state_ == BreakerState::HALF_OPEN && half_open_permits_ > 0)
    half_open_permits_--;
}

bool CircuitBreaker::on_result(bool failed, double duration_s, double now)
{
  if (state_ == BreakerState::OPEN)
    return false; // recorded by resilience4j in the OPEN state's metrics, which decide nothing
  bool slow = duration_s > p_->slow_call_duration_threshold_s;
  record(window_, failed, slow, now);
  if (window_.calls < minimum_calls())
    return false; // checkIfThresholdsExceeded: BELOW_MINIMUM_CALLS_THRESHOLD
  double failure_rate = 100.0 * window_.failures / window_.calls;
  double slow_rate = 100.0 * window_.slow / window_.calls;
  bool above = failure_rate >= p_->failure_rate_threshold || slow_rate >= p_->slow_call_rate_threshold;
  if (above) {
    to(BreakerState::OPEN, now);
    return true;
  }
  if (state_ == BreakerState::HALF_OPEN) {
    to(BreakerState::CLOSED, now);
    return true;
  }
  return false;
}

} // namespace svcsim
