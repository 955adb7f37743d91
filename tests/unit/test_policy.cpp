// Round robin, the retry candidate rule, the balancer's health-check threshold, the registry's heartbeat
// table and the detector's failure counter, fed hand-made inputs (SPEC §1 rules).
#include "metrics/percentile.hpp"
#include "policy/round_robin.hpp"
#include "policy/service_table.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace svcsim;

static std::vector<PoolEntry> pool_of(std::initializer_list<int> ids)
{
  std::vector<PoolEntry> pool;
  for (int id : ids)
    pool.push_back(PoolEntry{id, true, 0});
  return pool;
}

TEST_CASE("round robin visits the pool in order and wraps around")
{
  RoundRobin rr;
  auto pool = pool_of({1, 2, 3});
  std::vector<int> picks;
  for (int i = 0; i < 7; i++)
    picks.push_back(rr.select(pool, {}));
  CHECK(picks == std::vector<int>{1, 2, 3, 1, 2, 3, 1});
  CHECK(rr.counter() == 7);
}

TEST_CASE("each service type has its own counter")
{
  RoundRobin auth, data;
  auto a = pool_of({1, 2, 3});
  auto d = pool_of({4, 5, 6});
  CHECK(auth.select(a, {}) == 1);
  CHECK(auth.select(a, {}) == 2);
  CHECK(data.select(d, {}) == 4); // data's counter did not move with auth's
  CHECK(auth.select(a, {}) == 3);
  CHECK(data.select(d, {}) == 5);
}

TEST_CASE("a retry picks among the untried healthy instances with the same counter")
{
  RoundRobin rr;
  auto pool = pool_of({1, 2, 3});
  CHECK(rr.select(pool, {}) == 1); // counter 0 → index 0
  // counter 1: candidates [1, 2, 3] minus tried {2} = [1, 3]; index 1 % 2 = 1 → 3
  CHECK(rr.select(pool, {2}) == 3);
  // counter 2: candidates [1, 3] minus {1, 3} = none → -1 and the counter does not move
  CHECK(rr.select(pool, {1, 3, 2}) == -1);
  CHECK(rr.counter() == 2);
}

TEST_CASE("an instance missing from the pool is not a candidate; unhealthy ones are skipped")
{
  RoundRobin rr;
  auto pool = pool_of({1, 3}); // instance 2 left the pool
  pool[1].healthy = false;     // instance 3 failed its health checks
  CHECK(rr.select(pool, {}) == 1);
  CHECK(rr.select(pool, {}) == 1);
  CHECK(rr.select(pool, {1}) == -1);
}

TEST_CASE("a crashed instance still in the pool gives the two survivors a 3:1 share")
{
  // Instance 2 refuses every attempt; the balancer retries on an untried instance (SPEC §1 counter rule).
  RoundRobin rr;
  auto pool = pool_of({1, 2, 3});
  int served[4] = {};
  for (int request = 0; request < 400; request++) {
    std::vector<int> tried;
    int pick = rr.select(pool, tried);
    if (pick == 2) {
      tried.push_back(2);
      pick = rr.select(pool, tried);
    }
    served[pick]++;
  }
  CHECK(served[2] == 0);
  CHECK(served[1] == 300);
  CHECK(served[3] == 100);
}

TEST_CASE("the balancer skips an instance after the threshold of failed checks and takes it back at once")
{
  PoolEntry e{7, true, 0};
  for (int i = 1; i < 10; i++)
    CHECK_FALSE(record_health_check(e, false, 10));
  CHECK(e.healthy);
  CHECK(record_health_check(e, false, 10)); // the 10th consecutive failure
  CHECK_FALSE(e.healthy);
  CHECK_FALSE(record_health_check(e, false, 10));
  CHECK(record_health_check(e, true, 10)); // first success
  CHECK(e.healthy);
  CHECK(e.consecutive_failures == 0);
}

TEST_CASE("a success resets the balancer's count of consecutive failures")
{
  PoolEntry e{7, true, 0};
  for (int i = 0; i < 14; i++)
    record_health_check(e, false, 15);
  record_health_check(e, true, 15);
  CHECK_FALSE(record_health_check(e, false, 15));
  CHECK(e.healthy);
}

TEST_CASE("the registry marks an entry unhealthy when its last heartbeat is more than 30 s old")
{
  ServiceTable t;
  t.register_instance(4, 1, 7.0); // data-service-2 registers at 7 s
  CHECK(t.heartbeat(4, 37.0) == ServiceTable::HeartbeatResult::OK);
  std::vector<int> marked;
  auto mark = [&](const ServiceEntry& e) { marked.push_back(e.instance); };
  t.sweep(60.0, 30.0, mark); // 23 s old: kept
  t.sweep(67.0, 30.0, mark); // exactly 30 s old: kept ("more than 30 s")
  CHECK(marked.empty());
  t.sweep(70.0, 30.0, mark); // 33 s old: unhealthy
  CHECK(marked == std::vector<int>{4});
  CHECK_FALSE(t.entries()[0].healthy);
  t.sweep(80.0, 30.0, mark); // marked once only
  CHECK(marked.size() == 1);
  CHECK(t.heartbeat(4, 81.0) == ServiceTable::HeartbeatResult::RECOVERED);
  CHECK(t.entries()[0].healthy);
}

TEST_CASE("unknown heartbeats are refused and entries keep their registration order")
{
  ServiceTable t;
  CHECK(t.heartbeat(9, 1.0) == ServiceTable::HeartbeatResult::UNKNOWN);
  t.register_instance(3, 0, 1.0);
  t.register_instance(1, 0, 2.0);
  t.register_instance(3, 0, 5.0); // re-registration keeps the first place
  REQUIRE(t.entries().size() == 2);
  CHECK(t.entries()[0].instance == 3);
  CHECK(t.entries()[1].instance == 1);
  CHECK(t.deregister(3));
  CHECK_FALSE(t.deregister(3));
  t.register_instance(3, 0, 6.0); // after deregistration it goes to the end
  CHECK(t.entries()[1].instance == 3);
}

TEST_CASE("the detector: unknown, 3 failures to SERVICE_DOWN, one success to SERVICE_RECOVERED")
{
  DetectorStatus s;
  CHECK(s.state == DetectorStatus::State::UNKNOWN);
  CHECK(s.record(true, 3) == DetectorStatus::Transition::BECAME_HEALTHY);
  CHECK(s.record(false, 3) == DetectorStatus::Transition::NONE);
  CHECK(s.record(false, 3) == DetectorStatus::Transition::NONE);
  CHECK(s.record(false, 3) == DetectorStatus::Transition::WENT_DOWN);
  CHECK(s.record(false, 3) == DetectorStatus::Transition::NONE); // alerts once
  CHECK(s.record(true, 3) == DetectorStatus::Transition::RECOVERED);
  CHECK(s.record(true, 3) == DetectorStatus::Transition::NONE);
}

TEST_CASE("a detector target that never answers goes down from unknown")
{
  DetectorStatus s;
  s.record(false, 3);
  s.record(false, 3);
  CHECK(s.record(false, 3) == DetectorStatus::Transition::WENT_DOWN);
}

TEST_CASE("nearest-rank percentiles")
{
  std::vector<double> v;
  for (int i = 1; i <= 300; i++)
    v.push_back(i);
  CHECK(nearest_rank(v, 50) == 150); // ceil(0.50 * 300) = 150th value
  CHECK(nearest_rank(v, 95) == 285);
  CHECK(nearest_rank(v, 99) == 297);
  CHECK(nearest_rank(v, 100) == 300);
  std::vector<double> w{10, 20, 30, 40};
  CHECK(nearest_rank(w, 50) == 20); // ceil(2) = 2nd
  CHECK(nearest_rank(w, 51) == 30); // ceil(2.04) = 3rd
  CHECK(nearest_rank(w, 0) == 10);
  CHECK(nearest_rank({42.0}, 99) == 42);
}
