// A circuit breaker per upstream instance, as resilience4j's CircuitBreakerStateMachine defines it:
// CLOSED records every call's outcome in a sliding window (the last N calls, or the calls of the last N
// epoch seconds) and opens when, with at least minimum_number_of_calls recorded, the failure rate or the
// slow-call rate reaches its threshold; OPEN rejects every call (the balancer skips the instance) for
// wait_duration_in_open_state, then the first call asked for turns it HALF_OPEN (automatic transition off,
// resilience4j's default); HALF_OPEN lets permitted_number_of_calls through and, once that many outcomes are
// in, goes back to CLOSED or OPEN by their rates. No SimGrid: unit-tested on hand-made sequences.
#pragma once

#include "parse/scenario_resilience.hpp"

#include <deque>
#include <vector>

namespace svcsim
{

enum class BreakerState { CLOSED, OPEN, HALF_OPEN };
const char* breaker_state_name(BreakerState s);

class CircuitBreaker
{
public:
  explicit CircuitBreaker(const CircuitBreakerParams& params) : p_(&params) {}

  BreakerState state() const { return state_; }
  // Whether a call would be permitted now, without taking the permission. An OPEN breaker whose wait is
  // over becomes HALF_OPEN here (returned through `changed`).
  bool permits(double now, bool* changed = nullptr);
  // A call starts (the balancer chose this instance): in HALF_OPEN it takes one of the permitted calls.
  void call_started();
  // A call ended. Returns true when the state changed (see state()).
  bool on_result(bool failed, double duration_s, double now);
  // Failure rate (%) of the current window, or -1 below the minimum number of calls.
  double failure_rate(double now);

private:
  struct Bucket {
    long second;
    int calls = 0, failures = 0, slow = 0;
  };
  struct Window {
    std::deque<Bucket> buckets; // count based: one bucket per call; time based: one per epoch second
    int calls = 0, failures = 0, slow = 0;
  };
  void record(Window& w, bool failed, bool slow, double now);
  void expire(Window& w, double now);
  int minimum_calls() const;
  void to(BreakerState s, double now);

  const CircuitBreakerParams* p_;
  BreakerState state_ = BreakerState::CLOSED;
  Window window_;
  double opened_at_ = 0;
  int half_open_permits_ = 0;
  bool count_based_window() const { return state_ == BreakerState::HALF_OPEN || !p_->time_based; }
  int window_size() const
  {
    return state_ == BreakerState::HALF_OPEN ? p_->permitted_number_of_calls_in_half_open_state
                                             : p_->sliding_window_size;
  }
};

} // namespace svcsim
