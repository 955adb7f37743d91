// The balancer's alternative mechanisms (issue 14), gathered for the load balancer actor: the per-type
// balancing policies, Envoy's outlier detection, NGINX's passive checks, a resilience4j circuit breaker per
// instance and Envoy's retry policy. The balancer owns one only when the model turns something on; without
// it, it runs SPEC §1's rules as they were. Each decision that excludes or takes back an instance goes to
// the event log ("lb.outlier_ejected", "lb.breaker_opened", "lb.passive_unavailable", ... docs/outputs.md).
#pragma once

#include "parse/scenario.hpp"
#include "policy/balancing.hpp"
#include "policy/circuit_breaker.hpp"
#include "policy/outlier_detection.hpp"
#include "policy/passive_checks.hpp"
#include "policy/retry_policy.hpp"
#include "policy/round_robin.hpp"
#include "sim/rng.hpp"

#include <memory>
#include <vector>

namespace svcsim
{

class Recorder;
class World;

class LbMechanisms
{
public:
  // Whether the model turns any mechanism on (a policy other than round robin counts).
  static bool any_on(const Model& model);
  LbMechanisms(World& world, int self);

  // The instance for the next attempt: among the pool's healthy entries not in `tried`, not ejected, not
  // unavailable and whose breaker permits a call, by the type's policy; -1 if none. In Envoy's panic (too
  // few hosts healthy and not ejected) health and ejection are disregarded.
  int choose(int type, const std::vector<PoolEntry>& pool, const int* tried, int tried_count, double now);
  void attempt_started(int type, int instance, double now);
  // An attempt ended (an answer below 500 is a success). Feeds every passive mechanism; `pool_size`: the
  // type's pool now (outlier detection's share of ejected hosts).
  void attempt_ended(int type, int instance, AttemptResult r, int status, double duration_s, double now,
                     size_t pool_size);

  bool retry_policy_on() const { return retry_.enabled; }
  bool outlier_on() const { return outlier_p_.enabled; }
  double outlier_interval_s() const { return outlier_p_.interval_s; }
  double deadline_s() const { return retry_.deadline_s; }
  // After a failed attempt, with the retry policy on: < 0 no retry (the caller answers), else the back-off
  // in seconds before the retry. `holds_retry`: whether the request holds a place in the budget (updated).
  double retry_decision(int type, AttemptResult r, int status, int attempts, int max_attempts, bool& holds_retry);
  void request_ended(int type, bool holds_retry);
  void deadline_exceeded(int type);

  void sweep(double now); // Envoy's outlier interval timer
  void active_check_passed(int instance, double now);
  void pool_removed(int instance);
  void reset();
  void reset_policies(); // POST /api/round-robin/reset: every type's counter (and policy state) back to 0

private:
  void event(double now, const char* kind, int instance, std::string detail = {});

  class Stream : public UniformSource
  {
  public:
    Stream(uint64_t seed, const char* name) : s_(seed, name) {}
    double uniform() override { return s_.uniform(); }

  private:
    RandomStream s_;
  };

  World& world_;
  OutlierDetectionParams outlier_p_;
  PassiveCheckParams passive_p_;
  CircuitBreakerParams breaker_p_;
  RetryPolicyParams retry_;
  Recorder& rec_;
  int self_;
  Stream policy_random_, backoff_random_, enforce_random_;
  std::vector<Balancer> balancers_;
  InstanceLoad load_;
  std::vector<int> type_outstanding_;
  std::unique_ptr<OutlierDetector> outlier_;
  std::unique_ptr<PassiveChecks> passive_;
  std::vector<CircuitBreaker> breakers_; // by component id
  std::vector<RetryBudget> budgets_;     // by type
  std::vector<int> candidates_;
  double panic_threshold_;     // Envoy's healthy_panic_threshold (%), 0: off
  std::vector<char> in_panic_; // by type: whether the last choice was made in panic (events on change)

  size_t available(const std::vector<PoolEntry>& pool) const;
};

} // namespace svcsim
