// The balancer's alternative mechanisms (issue 14): balancing policies, passive health (Envoy's outlier
// detection, NGINX's max_fails), resilience4j circuit breakers and Envoy-style retry policies. Every one is
// off unless the model turns it on; off, the balancer runs SPEC §1's rules unchanged.
#pragma once

#include <vector>

namespace svcsim
{

// "round_robin" is SPEC §1's rule and the default for every service type.
enum class BalancingPolicy { ROUND_ROBIN, RANDOM, WEIGHTED_ROUND_ROBIN, LEAST_OUTSTANDING, P2C };
const char* balancing_policy_name(BalancingPolicy p);

// Envoy's outlier detection (config.cluster.v3.OutlierDetection), consecutive-error ejection only; the
// defaults are Envoy's. max_ejection_time_s < 0 means Envoy's default, max(300 s, base_ejection_time_s).
struct OutlierDetectionParams {
  bool enabled = false;
  int consecutive_5xx = 5;
  double interval_s = 10;
  double base_ejection_time_s = 30;
  double max_ejection_percent = 10;
  double enforcing_consecutive_5xx = 100; // the brief's "enforcing": the chance (%) an ejection is enforced
  double max_ejection_time_s = -1;
  bool always_eject_one_host = false;
  bool successful_active_health_check_uneject_host = true;
  // "consecutive_connect_failures": Envoy's consecutive_local_origin_failure (refused, reset, timed out); giving
  // it turns on split_external_local_origin_errors, so that consecutive_5xx counts only real 5xx answers.
  bool split_local_origin = false;
  int consecutive_local_origin_failure = 5;
};

// NGINX's passive checks (server ... max_fails=N fail_timeout=S). On when either key is given.
struct PassiveCheckParams {
  bool enabled = false;
  int max_fails = 1;
  double fail_timeout_s = 10;
};

// resilience4j's CircuitBreakerConfig, one breaker per upstream instance; the defaults are resilience4j's.
struct CircuitBreakerParams {
  bool enabled = false;
  double failure_rate_threshold = 50; // percent
  bool time_based = false;            // sliding_window_type "time" (else "count")
  int sliding_window_size = 100;      // calls, or seconds when time based
  int minimum_number_of_calls = 100;
  double wait_duration_in_open_state_s = 60;
  int permitted_number_of_calls_in_half_open_state = 10;
  double slow_call_duration_threshold_s = 60;
  double slow_call_rate_threshold = 100; // percent
};

// Envoy's retry policy (route.v3.RetryPolicy) and retry budget (cluster circuit breaker thresholds).
// Off: SPEC §1's rules (max_attempts, attempt_timeout_s, a retry on every failure, no wait).
struct RetryPolicyParams {
  bool enabled = false;
  double per_try_timeout_s = -1; // < 0: the balancer's attempt_timeout_s
  double deadline_s = -1;        // < 0: none (Envoy's route timeout)
  // retry_on (x-envoy-retry-on values, plus "timeout"); when not given, ["5xx"], which in Envoy covers every
  // failure (5xx answers, connect failures, resets, timeouts): the seed's rule.
  bool on_connect_failure = false, on_reset = false, on_5xx = true, on_gateway_error = false, on_timeout = false;
  double backoff_base_ms = 25;
  double backoff_max_ms = 250; // Envoy: 10 x base when not given
  bool budget = false;
  double budget_percent = 20;
  int min_retry_concurrency = 3;
};

struct LbMechanismParams {
  BalancingPolicy policy = BalancingPolicy::ROUND_ROBIN; // load_balancer.policy: every type's default
  OutlierDetectionParams outlier;
  PassiveCheckParams passive;
  CircuitBreakerParams breaker;
  RetryPolicyParams retry;
  // Envoy's healthy_panic_threshold (%): below it, the balancer ignores health and ejection; 0: off.
  double panic_threshold_percent = 0;
};

// services.<type>.policy / weights.
struct ServiceBalancing {
  bool policy_set = false;
  BalancingPolicy policy = BalancingPolicy::ROUND_ROBIN;
  std::vector<double> weights; // by instance index 1..N; empty: every weight 1
};

} // namespace svcsim
