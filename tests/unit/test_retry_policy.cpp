// Envoy's retry rules (policy/retry_policy.hpp) and NGINX's passive checks (policy/passive_checks.hpp) on
// hand-made sequences: which failures retry_on covers, back-off delays within their jitter bounds for a
// fixed seed, the retry budget capping retries at its share, max_fails / fail_timeout.
#include "policy/passive_checks.hpp"
#include "policy/retry_policy.hpp"
#include "sim/rng.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

using namespace svcsim;

TEST_CASE("retry_on: 5xx covers every failure, connect-failure only refused connections")
{
  RetryPolicyParams p; // retry_on ["5xx"] by default
  CHECK(retry_covers(p, AttemptResult::HTTP_5XX, 500));
  CHECK(retry_covers(p, AttemptResult::CONNECT_FAILED, 0));
  CHECK(retry_covers(p, AttemptResult::RESET, 0));
  CHECK(retry_covers(p, AttemptResult::TIMEOUT, 0));
  p.on_5xx = false;
  p.on_connect_failure = true;
  CHECK(retry_covers(p, AttemptResult::CONNECT_FAILED, 0));
  CHECK_FALSE(retry_covers(p, AttemptResult::RESET, 0));
  CHECK_FALSE(retry_covers(p, AttemptResult::TIMEOUT, 0));
  CHECK_FALSE(retry_covers(p, AttemptResult::HTTP_5XX, 503));
  p.on_gateway_error = true;
  CHECK(retry_covers(p, AttemptResult::HTTP_5XX, 503));
  CHECK_FALSE(retry_covers(p, AttemptResult::HTTP_5XX, 500)); // 500 is not a gateway error
  p.on_gateway_error = false;
  p.on_timeout = true;
  CHECK(retry_covers(p, AttemptResult::TIMEOUT, 0));
}

TEST_CASE("back-off intervals double from the base and stop at the max (Envoy's 25 / 250 ms)")
{
  RetryPolicyParams p;
  CHECK(backoff_interval_ms(p, 1) == 25);
  CHECK(backoff_interval_ms(p, 2) == 50);
  CHECK(backoff_interval_ms(p, 3) == 100);
  CHECK(backoff_interval_ms(p, 4) == 200);
  CHECK(backoff_interval_ms(p, 5) == 250);
  CHECK(backoff_interval_ms(p, 9) == 250);
  // random() % interval: whole milliseconds in [0, interval)
  CHECK(backoff_delay_ms(p, 1, 0.0) == 0);
  CHECK(backoff_delay_ms(p, 1, 0.999) == 24);
  CHECK(backoff_delay_ms(p, 2, 0.5) == 25);
}

TEST_CASE("back-off delays of a seeded stream stay within [0, interval) and use the whole range")
{
  RetryPolicyParams p;
  RandomStream s(1, "lb.backoff");
  for (int retry = 1; retry <= 5; retry++) {
    double lo = 1e9, hi = -1;
    for (int i = 0; i < 2000; i++) {
      double d = backoff_delay_ms(p, retry, s.uniform());
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      CHECK(d == std::floor(d));
    }
    double interval = backoff_interval_ms(p, retry);
    CHECK(lo == 0); // 2000 draws over at most 250 values: the ends are hit
    CHECK(hi == interval - 1);
  }
}

TEST_CASE("the retry budget allows max(budget_percent x active, min_retry_concurrency) retries in flight")
{
  RetryPolicyParams p;
  p.budget = true;
  p.budget_percent = 20;
  p.min_retry_concurrency = 3;
  RetryBudget b(p);
  // 10 requests active: 20 % = 2 < 3 -> limit 3. Retries 1, 2, 3 go; the 4th is refused.
  CHECK(b.limit(10) == 3);
  CHECK(b.try_acquire(10));
  CHECK(b.try_acquire(10));
  CHECK(b.try_acquire(10));
  CHECK_FALSE(b.try_acquire(10));
  // 24 active: 4.8 -> 4: one more place.
  CHECK(b.limit(24) == 4);
  CHECK(b.try_acquire(24));
  CHECK_FALSE(b.try_acquire(24));
  // A retry ends: its place is free again (at 24 active; at 10 the 3 held already fill the limit).
  b.release();
  CHECK(b.in_flight() == 3);
  CHECK_FALSE(b.try_acquire(10));
  CHECK(b.try_acquire(24));
  // 100 active: 20 places: 16 more after the 4 held.
  int more = 0;
  while (b.try_acquire(100))
    more++;
  CHECK(more == 16);
}

TEST_CASE("NGINX max_fails=1 fail_timeout=10: one failure makes a peer unavailable for 10-11 s, then one trial")
{
  // Times in whole seconds, as ngx_time(): a failure at 1.2 s is checked = 1; out while now - 1 <= 10.
  PassiveCheckParams p;
  p.enabled = true;
  PassiveChecks c(p);
  CHECK(c.available(4, 0.0));
  c.selected(4, 1.0);
  CHECK(c.on_result(4, true, 1.2)); // fails 1 >= 1: unavailable from 1.2 s
  CHECK_FALSE(c.available(4, 5.0));
  CHECK_FALSE(c.available(4, 11.9));       // second 11: 11 - 1 = 10 <= 10, still out 10.7 s after the failure
  CHECK(c.available(4, 12.0));             // second 12: 11 > 10
  CHECK(c.selected(4, 12.0));              // the trial moves `checked` to 12
  CHECK_FALSE(c.available(4, 12.1));       // fails still 1 and the new window started: no second request yet
  CHECK_FALSE(c.on_result(4, true, 12.2)); // the trial fails: fails 2, checked 12, still unavailable (no news)
  CHECK_FALSE(c.available(4, 22.9));
  CHECK(c.available(4, 23.0));
  c.selected(4, 23.0);
  CHECK_FALSE(c.on_result(4, false, 23.1)); // a success after the window moved (accessed 12 < checked 23)
  CHECK(c.fails(4) == 0);
  CHECK(c.available(4, 23.2));
}

TEST_CASE("NGINX's whole seconds: a failure late in a second is out 10 s and a bit, one a moment later 11 s")
{
  PassiveCheckParams p;
  p.enabled = true;
  PassiveChecks late(p), next(p);
  late.on_result(1, true, 1.95); // checked 1: back at second 12, 10.05 s later
  next.on_result(1, true, 2.0);  // checked 2: back at second 13, 11 s later
  CHECK_FALSE(late.available(1, 11.99));
  CHECK(late.available(1, 12.0));
  CHECK_FALSE(next.available(1, 12.99));
  CHECK(next.available(1, 13.0));
}

TEST_CASE("NGINX max_fails=3: failures count until a success in a later window")
{
  PassiveCheckParams p;
  p.enabled = true;
  p.max_fails = 3;
  PassiveChecks c(p);
  c.selected(4, 0.0);
  c.on_result(4, true, 0.1); // fails 1, checked 0 (whole seconds)
  c.selected(4, 1.0);
  c.on_result(4, false, 1.1); // accessed (0) == checked (0): not cleared
  CHECK(c.fails(4) == 1);
  c.selected(4, 2.0);
  c.on_result(4, true, 2.1); // 2
  c.selected(4, 3.0);
  CHECK(c.on_result(4, true, 3.1));  // 3: unavailable, checked 3
  CHECK_FALSE(c.available(4, 13.9)); // 13 - 3 = 10 <= 10
  CHECK(c.available(4, 14.0));
}
