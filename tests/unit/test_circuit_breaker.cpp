// resilience4j's circuit breaker (policy/circuit_breaker.hpp) on hand-made call sequences: CLOSED → OPEN at
// the failure-rate threshold once the minimum number of calls is in, OPEN rejecting for the wait, HALF_OPEN's
// permitted trial calls deciding CLOSED or OPEN again, the time-based window and slow calls.
#include "policy/circuit_breaker.hpp"

#include <doctest/doctest.h>

using namespace svcsim;

namespace
{

CircuitBreakerParams small_count_window()
{
  CircuitBreakerParams p;
  p.enabled = true;
  p.failure_rate_threshold = 50;
  p.sliding_window_size = 4;
  p.minimum_number_of_calls = 4;
  p.wait_duration_in_open_state_s = 60;
  p.permitted_number_of_calls_in_half_open_state = 2;
  return p;
}

} // namespace

TEST_CASE("closed: no decision below the minimum calls, open at a failure rate >= the threshold")
{
  CircuitBreakerParams p = small_count_window();
  CircuitBreaker b(p);
  CHECK_FALSE(b.on_result(true, 0.1, 1.0));  // 1 call: below 4
  CHECK_FALSE(b.on_result(true, 0.1, 2.0));  // 2
  CHECK_FALSE(b.on_result(false, 0.1, 3.0)); // 3
  CHECK(b.failure_rate(3.0) == -1);
  // The 4th call succeeds: 2 failures of 4 = 50 % >= 50 %: the breaker opens on it.
  CHECK(b.on_result(false, 0.1, 4.0));
  CHECK(b.state() == BreakerState::OPEN);
}

TEST_CASE("the count window slides: only the last N calls count")
{
  CircuitBreakerParams p = small_count_window();
  CircuitBreaker b(p);
  // S S S F: 25 % < 50 % after 4 calls; then F: window S S F F = 50 %: open on the 5th call.
  b.on_result(false, 0.1, 1.0);
  b.on_result(false, 0.1, 2.0);
  b.on_result(false, 0.1, 3.0);
  CHECK_FALSE(b.on_result(true, 0.1, 4.0));
  CHECK(b.state() == BreakerState::CLOSED);
  CHECK(b.failure_rate(4.0) == doctest::Approx(25));
  CHECK(b.on_result(true, 0.1, 5.0));
  CHECK(b.state() == BreakerState::OPEN);
}

TEST_CASE("open rejects for the wait, then half-open lets the permitted calls through")
{
  CircuitBreakerParams p = small_count_window();
  CircuitBreaker b(p);
  for (int i = 0; i < 4; i++)
    b.on_result(true, 0.1, 10.0); // 100 % at the 4th call: open at 10 s
  CHECK(b.state() == BreakerState::OPEN);
  CHECK_FALSE(b.permits(40.0));
  CHECK_FALSE(b.permits(70.0)); // exactly 60 s: not yet (isAfter is strict)
  bool changed = false;
  CHECK(b.permits(70.5, &changed));
  CHECK(changed);
  CHECK(b.state() == BreakerState::HALF_OPEN);
  b.call_started();
  CHECK(b.permits(70.6));
  b.call_started();
  CHECK_FALSE(b.permits(70.7)); // both permitted calls taken
  // One success, one failure: 50 % >= 50 %: open again.
  CHECK_FALSE(b.on_result(false, 0.1, 71.0));
  CHECK(b.on_result(true, 0.1, 71.5));
  CHECK(b.state() == BreakerState::OPEN);
  // Next time: two successes close it.
  CHECK(b.permits(132.0));
  b.call_started();
  b.call_started();
  CHECK_FALSE(b.on_result(false, 0.1, 132.1));
  CHECK(b.on_result(false, 0.1, 132.2));
  CHECK(b.state() == BreakerState::CLOSED);
  CHECK(b.failure_rate(132.2) == -1); // fresh metrics in the new state
}

TEST_CASE("a time window counts the calls of the last N epoch seconds")
{
  CircuitBreakerParams p = small_count_window();
  p.time_based = true;
  p.sliding_window_size = 10; // seconds
  p.minimum_number_of_calls = 3;
  CircuitBreaker b(p);
  b.on_result(true, 0.1, 0.5);  // second 0
  b.on_result(false, 0.1, 1.5); // second 1
  // At 10.2 s the window is seconds 1..10: the failure at 0.5 s has left it. A success at 10.2 s: 2 calls < 3
  // (no decision); a failure at 10.3 s: 1 of 3 = 33 % < 50 %: still closed.
  CHECK_FALSE(b.on_result(false, 0.1, 10.2));
  CHECK_FALSE(b.on_result(true, 0.1, 10.3));
  CHECK(b.failure_rate(10.3) == doctest::Approx(100.0 / 3));
  CHECK(b.state() == BreakerState::CLOSED);
}

TEST_CASE("slow calls open the breaker at the slow-call rate threshold")
{
  CircuitBreakerParams p = small_count_window();
  p.failure_rate_threshold = 100;
  p.slow_call_duration_threshold_s = 1;
  p.slow_call_rate_threshold = 75;
  CircuitBreaker b(p);
  b.on_result(false, 2.0, 1.0); // slow
  b.on_result(false, 2.0, 2.0); // slow
  b.on_result(false, 0.5, 3.0);
  CHECK(b.on_result(false, 2.0, 4.0)); // 3 slow of 4 = 75 % >= 75 %, though no call failed
  CHECK(b.state() == BreakerState::OPEN);
}
