// The model keys of issue 14's balancer mechanisms (parse/resilience_parser.cpp): absent, everything is off
// and the seed's rules hold; given, each key lands in its struct with the documented defaults for the rest.
#include "parser_test_helpers.hpp"

using namespace svcsim;
using namespace svcsim::parser_test;

TEST_CASE("without the new keys every mechanism is off and every type balances round robin")
{
  const Model& m = load_inline(VALID).scenario.model;
  const LbMechanismParams& x = m.load_balancer.mechanisms;
  CHECK(x.policy == BalancingPolicy::ROUND_ROBIN);
  CHECK_FALSE(x.outlier.enabled);
  CHECK_FALSE(x.passive.enabled);
  CHECK_FALSE(x.breaker.enabled);
  CHECK_FALSE(x.retry.enabled);
  for (const auto& s : m.services) {
    CHECK_FALSE(s.balancing.policy_set);
    CHECK(s.balancing.weights.empty());
  }
}

TEST_CASE("each mechanism key turns it on, with Envoy's, NGINX's and resilience4j's defaults for the rest")
{
  const Model& m =
      load_inline(
          VALID,
          {R"(/parameters/load_balancer/policy="p2c")", "/parameters/load_balancer/outlier_detection={}",
           "/parameters/load_balancer/fail_timeout_s=5",
           R"(/parameters/load_balancer/circuit_breaker={"sliding_window_type": "time"})",
           R"(/parameters/load_balancer/retry={"retry_on": ["connect-failure"], "backoff": {"base_ms": 10}, "budget": {}})",
           R"(/parameters/services/data/policy="weighted_round_robin")", "/parameters/services/data/weights=[2, 1, 1]"})
          .scenario.model;
  const LbMechanismParams& x = m.load_balancer.mechanisms;
  CHECK(x.policy == BalancingPolicy::P2C);
  CHECK(x.outlier.enabled);
  CHECK(x.outlier.consecutive_5xx == 5);
  CHECK(x.outlier.interval_s == 10);
  CHECK(x.outlier.base_ejection_time_s == 30);
  CHECK(x.outlier.max_ejection_percent == 10);
  CHECK_FALSE(x.outlier.split_local_origin);
  CHECK(x.passive.enabled);
  CHECK(x.passive.max_fails == 1); // NGINX's default when only fail_timeout is given
  CHECK(x.passive.fail_timeout_s == 5);
  CHECK(x.breaker.enabled);
  CHECK(x.breaker.time_based);
  CHECK(x.breaker.sliding_window_size == 100);
  CHECK(x.breaker.minimum_number_of_calls == 100);
  CHECK(x.breaker.wait_duration_in_open_state_s == 60);
  CHECK(x.breaker.permitted_number_of_calls_in_half_open_state == 10);
  CHECK(x.retry.enabled);
  CHECK(x.retry.on_connect_failure);
  CHECK_FALSE(x.retry.on_5xx); // retry_on replaces the default ["5xx"]
  CHECK(x.retry.backoff_base_ms == 10);
  CHECK(x.retry.backoff_max_ms == 100); // Envoy: 10 x base
  CHECK(x.retry.budget);
  CHECK(x.retry.budget_percent == 20);
  CHECK(x.retry.min_retry_concurrency == 3);
  CHECK(m.services[1].balancing.policy_set);
  CHECK(m.services[1].balancing.policy == BalancingPolicy::WEIGHTED_ROUND_ROBIN);
  CHECK(m.services[1].balancing.weights == std::vector<double>{2, 1, 1});
}

TEST_CASE("max_fails=0 turns NGINX's accounting off; consecutive_connect_failures splits local-origin errors")
{
  const Model& m =
      load_inline(VALID, {"/parameters/load_balancer/max_fails=0",
                          R"(/parameters/load_balancer/outlier_detection={"consecutive_connect_failures": 3})"})
          .scenario.model;
  CHECK_FALSE(m.load_balancer.mechanisms.passive.enabled);
  CHECK(m.load_balancer.mechanisms.outlier.split_local_origin);
  CHECK(m.load_balancer.mechanisms.outlier.consecutive_local_origin_failure == 3);
}

TEST_CASE("a budget without retries is one error naming the budget")
{
  auto errors = errors_of(VALID, {"/parameters/load_balancer/max_attempts=1",
                                  R"(/parameters/load_balancer/retry={"budget": {"budget_percent": 20}})"});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer == "/parameters/load_balancer/retry/budget");
}

TEST_CASE("the panic threshold is a percentage, off unless given")
{
  CHECK(load_inline(VALID).scenario.model.load_balancer.mechanisms.panic_threshold_percent == 0);
  CHECK(load_inline(VALID, {"/parameters/load_balancer/panic_threshold_percent=50"})
            .scenario.model.load_balancer.mechanisms.panic_threshold_percent == 50);
  auto errors = errors_of(VALID, {"/parameters/load_balancer/panic_threshold_percent=150"});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer == "/parameters/load_balancer/panic_threshold_percent");
}
