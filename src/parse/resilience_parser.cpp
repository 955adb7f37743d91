#include "parse/resilience_parser.hpp"

#include "parse/json_document.hpp"

namespace svcsim
{

namespace
{

constexpr NumberRule PERCENT{0, false, 100, false};           // [0, 100]
constexpr NumberRule RATE_THRESHOLD{0, true, 100, false};     // (0, 100]
constexpr NumberRule AT_LEAST_ONE{1, false, 1e6, true};       // a count of calls or failures
constexpr NumberRule NON_NEGATIVE_COUNT{0, false, 1e6, true}; // 0 turns the thing off

const std::vector<std::string> POLICIES = {"round_robin", "random", "weighted_round_robin", "least_outstanding", "p2c"};
const std::vector<std::string> RETRY_ON = {"5xx", "gateway-error", "reset", "connect-failure", "timeout"};

BalancingPolicy policy_from_name(const std::string& name)
{
  for (size_t i = 0; i < POLICIES.size(); i++)
    if (POLICIES[i] == name)
      return static_cast<BalancingPolicy>(i);
  return BalancingPolicy::ROUND_ROBIN;
}

// Reads obj[key] as a number into `out` when present and valid.
template <class T>
void number(Checker& checker, const json& obj, const std::string& pointer, const char* key, const NumberRule& rule,
            T& out)
{
  if (auto v = checker.number(obj, pointer, key, rule))
    out = static_cast<T>(*v);
}

void flag(Checker& checker, const json& obj, const std::string& pointer, const char* key, bool& out)
{
  if (auto v = checker.boolean(obj, pointer, key))
    out = *v;
}

void read_outlier(Checker& checker, const json& obj, const std::string& pointer, OutlierDetectionParams& out)
{
  if (!checker.object(obj, pointer,
                      {"enabled", "consecutive_5xx", "consecutive_connect_failures", "interval_s",
                       "base_ejection_time_s", "max_ejection_percent", "enforcing", "max_ejection_time_s",
                       "always_eject_one_host", "successful_active_health_check_uneject_host"}))
    return;
  out.enabled = true;
  flag(checker, obj, pointer, "enabled", out.enabled);
  number(checker, obj, pointer, "consecutive_5xx", AT_LEAST_ONE, out.consecutive_5xx);
  if (obj.contains("consecutive_connect_failures")) {
    out.split_local_origin = true;
    number(checker, obj, pointer, "consecutive_connect_failures", AT_LEAST_ONE, out.consecutive_local_origin_failure);
  }
  number(checker, obj, pointer, "interval_s", POSITIVE, out.interval_s);
  number(checker, obj, pointer, "base_ejection_time_s", POSITIVE, out.base_ejection_time_s);
  number(checker, obj, pointer, "max_ejection_percent", PERCENT, out.max_ejection_percent);
  number(checker, obj, pointer, "enforcing", PERCENT, out.enforcing_consecutive_5xx);
  number(checker, obj, pointer, "max_ejection_time_s", POSITIVE, out.max_ejection_time_s);
  flag(checker, obj, pointer, "always_eject_one_host", out.always_eject_one_host);
  flag(checker, obj, pointer, "successful_active_health_check_uneject_host",
       out.successful_active_health_check_uneject_host);
  // DetectorImpl::create refuses a max_ejection_time below base_ejection_time.
  if (out.max_ejection_time_s > 0 && out.max_ejection_time_s < out.base_ejection_time_s)
    checker.error(pointer_append(pointer, "max_ejection_time_s"),
                  "expected number >= base_ejection_time_s (" + format_number(out.base_ejection_time_s) + "), got " +
                      format_number(out.max_ejection_time_s));
}

void read_breaker(Checker& checker, const json& obj, const std::string& pointer, CircuitBreakerParams& out)
{
  if (!checker.object(obj, pointer,
                      {"enabled", "failure_rate_threshold", "sliding_window_type", "sliding_window_size",
                       "minimum_number_of_calls", "wait_duration_in_open_state_s",
                       "permitted_number_of_calls_in_half_open_state", "slow_call_duration_threshold_s",
                       "slow_call_rate_threshold"}))
    return;
  out.enabled = true;
  flag(checker, obj, pointer, "enabled", out.enabled);
  number(checker, obj, pointer, "failure_rate_threshold", RATE_THRESHOLD, out.failure_rate_threshold);
  if (auto type = checker.choice(obj, pointer, "sliding_window_type", {"count", "time"}))
    out.time_based = *type == "time";
  number(checker, obj, pointer, "sliding_window_size", AT_LEAST_ONE, out.sliding_window_size);
  number(checker, obj, pointer, "minimum_number_of_calls", AT_LEAST_ONE, out.minimum_number_of_calls);
  number(checker, obj, pointer, "wait_duration_in_open_state_s", POSITIVE, out.wait_duration_in_open_state_s);
  number(checker, obj, pointer, "permitted_number_of_calls_in_half_open_state", AT_LEAST_ONE,
         out.permitted_number_of_calls_in_half_open_state);
  number(checker, obj, pointer, "slow_call_duration_threshold_s", POSITIVE, out.slow_call_duration_threshold_s);
  number(checker, obj, pointer, "slow_call_rate_threshold", RATE_THRESHOLD, out.slow_call_rate_threshold);
}

void read_retry(Checker& checker, const json& obj, const std::string& pointer, int max_attempts, RetryPolicyParams& out)
{
  if (!checker.object(obj, pointer, {"enabled", "per_try_timeout_s", "deadline_s", "retry_on", "backoff", "budget"}))
    return;
  out.enabled = true;
  flag(checker, obj, pointer, "enabled", out.enabled);
  number(checker, obj, pointer, "per_try_timeout_s", POSITIVE, out.per_try_timeout_s);
  number(checker, obj, pointer, "deadline_s", POSITIVE, out.deadline_s);
  if (auto it = obj.find("retry_on"); it != obj.end()) {
    std::string p = pointer_append(pointer, "retry_on");
    if (!it->is_array() || it->empty()) {
      checker.error(p, "expected non-empty array of " + join_quoted(RETRY_ON) + ", got " + quote_value(*it));
    } else {
      out.on_5xx = false;
      for (size_t i = 0; i < it->size(); i++) {
        const json& v = (*it)[i];
        std::string word = v.is_string() ? v.get<std::string>() : "";
        if (word == "5xx")
          out.on_5xx = true;
        else if (word == "gateway-error")
          out.on_gateway_error = true;
        else if (word == "reset")
          out.on_reset = true;
        else if (word == "connect-failure")
          out.on_connect_failure = true;
        else if (word == "timeout")
          out.on_timeout = true;
        else
          checker.error(pointer_append(p, i), "expected one of " + join_quoted(RETRY_ON) + ", got " + quote_value(v));
      }
    }
  }
  if (auto it = obj.find("backoff"); it != obj.end()) {
    std::string p = pointer_append(pointer, "backoff");
    if (checker.object(*it, p, {"base_ms", "max_ms"})) {
      // 0: the next try at once (NGINX tries the next upstream without waiting).
      number(checker, *it, p, "base_ms", NON_NEGATIVE, out.backoff_base_ms);
      out.backoff_max_ms = 10 * out.backoff_base_ms; // Envoy: max_interval defaults to 10 × base_interval
      number(checker, *it, p, "max_ms", POSITIVE, out.backoff_max_ms);
      if (out.backoff_max_ms < out.backoff_base_ms) // RetryBackOff: max_interval must be >= base_interval
        checker.error(pointer_append(p, "max_ms"), "expected number >= base_ms (" + format_number(out.backoff_base_ms) +
                                                       "), got " + format_number(out.backoff_max_ms));
    }
  }
  if (auto it = obj.find("budget"); it != obj.end()) {
    std::string p = pointer_append(pointer, "budget");
    if (checker.object(*it, p, {"budget_percent", "min_retry_concurrency"})) {
      out.budget = true;
      number(checker, *it, p, "budget_percent", PERCENT, out.budget_percent);
      number(checker, *it, p, "min_retry_concurrency", NON_NEGATIVE_COUNT, out.min_retry_concurrency);
      if (max_attempts < 2)
        checker.error(p, "expected a retry budget only with retries (load_balancer/max_attempts >= 2), got "
                         "max_attempts " +
                             std::to_string(max_attempts));
    }
  }
}

} // namespace

const std::vector<std::string>& lb_mechanism_keys()
{
  static const std::vector<std::string> keys = {
      "policy", "outlier_detection",      "max_fails", "fail_timeout_s", "circuit_breaker",
      "retry",  "panic_threshold_percent"};
  return keys;
}

const std::vector<std::string>& service_balancing_keys()
{
  static const std::vector<std::string> keys = {"policy", "weights"};
  return keys;
}

void read_lb_mechanisms(Checker& checker, const json& lb, const std::string& pointer, LoadBalancerParams& out)
{
  LbMechanismParams& m = out.mechanisms;
  if (auto p = checker.choice(lb, pointer, "policy", POLICIES))
    m.policy = policy_from_name(*p);
  if (auto it = lb.find("outlier_detection"); it != lb.end())
    read_outlier(checker, *it, pointer_append(pointer, "outlier_detection"), m.outlier);
  // NGINX: the passive checks are on when either key is given; max_fails=0 "disables the accounting".
  if (lb.contains("max_fails") || lb.contains("fail_timeout_s")) {
    m.passive.enabled = true;
    number(checker, lb, pointer, "max_fails", NON_NEGATIVE_COUNT, m.passive.max_fails);
    number(checker, lb, pointer, "fail_timeout_s", POSITIVE, m.passive.fail_timeout_s);
    m.passive.enabled = m.passive.max_fails > 0;
  }
  if (auto it = lb.find("circuit_breaker"); it != lb.end())
    read_breaker(checker, *it, pointer_append(pointer, "circuit_breaker"), m.breaker);
  if (auto it = lb.find("retry"); it != lb.end())
    read_retry(checker, *it, pointer_append(pointer, "retry"), out.max_attempts, m.retry);
  number(checker, lb, pointer, "panic_threshold_percent", PERCENT, m.panic_threshold_percent);
}

void read_service_balancing(Checker& checker, const json& service, const std::string& pointer, ServiceBalancing& out)
{
  if (auto p = checker.choice(service, pointer, "policy", POLICIES)) {
    out.policy_set = true;
    out.policy = policy_from_name(*p);
  }
  auto it = service.find("weights");
  if (it == service.end())
    return;
  std::string p = pointer_append(pointer, "weights");
  if (!it->is_array() || it->empty()) {
    checker.error(p, "expected non-empty array of weights > 0, got " + quote_value(*it));
    return;
  }
  std::vector<double> weights;
  for (size_t i = 0; i < it->size(); i++)
    if (auto w = checker.number_value((*it)[i], pointer_append(p, i), NumberRule{0, true, 1e6, false}))
      weights.push_back(*w);
  if (weights.size() == it->size()) // a bad weight is one error; its count is not judged as well
    out.weights = std::move(weights);
}

void check_balancing(Checker& checker, const Model& model, const Deployment& deployment, const std::string& parameters)
{
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++) {
    const ServiceBalancing& b = model.services[t].balancing;
    if (b.weights.empty())
      continue;
    std::string p = parameters + "/services/" + service_type_name(static_cast<ServiceType>(t)) + "/weights";
    BalancingPolicy policy = b.policy_set ? b.policy : model.load_balancer.mechanisms.policy;
    if (policy != BalancingPolicy::WEIGHTED_ROUND_ROBIN)
      checker.error(p, std::string("expected weights only with policy \"weighted_round_robin\", got policy \"") +
                           POLICIES[static_cast<size_t>(policy)] + "\"");
    else if (static_cast<int>(b.weights.size()) != deployment.instances[t])
      checker.error(p, "expected " + std::to_string(deployment.instances[t]) + " weights (one per " +
                           service_type_name(static_cast<ServiceType>(t)) + " instance), got " +
                           std::to_string(b.weights.size()));
  }
}

} // namespace svcsim
