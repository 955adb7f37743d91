// The process model's rules (SPEC §1b) fed hand-made numbers: the wake-up of an idle thread and its cooling,
// the JIT warm-up factor, Linux's accept-queue admission and the SYN retransmission schedule.
#include "policy/thread_rules.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace svcsim;

TEST_CASE("without cooling every wake-up of an idle thread costs the whole wake-up")
{
  ThreadCosts c;
  c.wake_flops = 4e5;
  CHECK(wake_flops(c, 0, 1e-6) == 4e5);
  CHECK(wake_flops(c, 0, 100) == 4e5);
}

TEST_CASE("with cooling a wake-up after a gap g costs wake * (1 - exp(-g / cooling))")
{
  ThreadCosts c;
  c.wake_flops = 1e6;
  // cooling 2 ms: after 2 ms asleep, 1 - 1/e of the whole; after 0 (found busy) nothing; after long, all.
  CHECK(wake_flops(c, 0.002, 0.002) == doctest::Approx(1e6 * (1 - std::exp(-1.0))));
  CHECK(wake_flops(c, 0.002, 0) == 0);
  CHECK(wake_flops(c, 0.002, 1.0) == doctest::Approx(1e6));
  CHECK(wake_flops(c, 0.002, 0.001) < wake_flops(c, 0.002, 0.004));
  ThreadCosts none;
  CHECK(wake_flops(none, 0.002, 1.0) == 0);
}

TEST_CASE("a fresh process's events cost cold_factor times the warm cost, decaying with events handled")
{
  ProcessModel m;
  m.cold_factor = 1.8;
  m.warmup_events = 1000;
  CHECK(warmup_factor(m, 0) == doctest::Approx(1.8));
  CHECK(warmup_factor(m, 1000) == doctest::Approx(1 + 0.8 / std::exp(1.0)));
  CHECK(warmup_factor(m, 100000) == doctest::Approx(1.0));
  ProcessModel warm; // cold_factor 1: no warm-up at all
  CHECK(warmup_factor(warm, 0) == 1);
}

TEST_CASE("the accept queue admits while at most backlog connections wait: backlog + 1 fit")
{
  // Linux's sk_acceptq_is_full is queued > backlog: with 511, the 512th handshake is admitted (511 waiting),
  // the 513th is dropped (512 waiting).
  CHECK(accept_queue_admits(0, 511));
  CHECK(accept_queue_admits(511, 511));
  CHECK_FALSE(accept_queue_admits(512, 511));
  CHECK(accept_queue_admits(1, 1));
  CHECK_FALSE(accept_queue_admits(2, 1));
}

TEST_CASE("a dropped SYN is sent again 1, 3, 7, 15, 31, 63 s after the first, then connect gives up")
{
  ConnectionModel c; // Linux's tcp_syn_retries = 6: doubling from 1 s
  const double want[] = {1, 3, 7, 15, 31, 63};
  for (size_t i = 0; i < 6; i++)
    CHECK(syn_retry_after(c, i) == want[i]);
  CHECK_FALSE(syn_retry_after(c, 6).has_value());
  CHECK(c.syn_give_up_s == 127);
}
