#include "actors/lb_mechanisms.hpp"

#include "metrics/recorder.hpp"
#include "sim/world.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace svcsim
{

bool LbMechanisms::any_on(const Model& model)
{
  const LbMechanismParams& m = model.load_balancer.mechanisms;
  bool on = m.policy != BalancingPolicy::ROUND_ROBIN || m.outlier.enabled || m.passive.enabled || m.breaker.enabled ||
            m.retry.enabled || m.panic_threshold_percent > 0;
  for (const auto& s : model.services)
    on = on || (s.balancing.policy_set && s.balancing.policy != BalancingPolicy::ROUND_ROBIN);
  return on;
}

LbMechanisms::LbMechanisms(World& world, int self)
    : world_(world), outlier_p_(world.scenario().model.load_balancer.mechanisms.outlier),
      passive_p_(world.scenario().model.load_balancer.mechanisms.passive),
      breaker_p_(world.scenario().model.load_balancer.mechanisms.breaker),
      retry_(world.scenario().model.load_balancer.mechanisms.retry), rec_(world.recorder()), self_(self),
      policy_random_(world.scenario().seed, "lb.policy"), backoff_random_(world.scenario().seed, "lb.backoff"),
      enforce_random_(world.scenario().seed, "lb.outlier_enforcing"),
      panic_threshold_(world.scenario().model.load_balancer.mechanisms.panic_threshold_percent),
      in_panic_(SERVICE_TYPE_COUNT, 0)
{
  const Model& model = world.scenario().model;
  size_t components = world.processes().size();
  load_.outstanding.assign(components, 0);
  load_.weight.assign(components, 1.0);
  type_outstanding_.assign(SERVICE_TYPE_COUNT, 0);
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++) {
    const ServiceBalancing& b = model.services[t].balancing;
    BalancingPolicy policy = b.policy_set ? b.policy : model.load_balancer.mechanisms.policy;
    balancers_.emplace_back(policy, &policy_random_);
    const std::vector<int>& ids = world.instances_of(t);
    for (size_t i = 0; i < ids.size() && i < b.weights.size(); i++)
      load_.weight[static_cast<size_t>(ids[i])] = b.weights[i];
    budgets_.emplace_back(retry_);
  }
  if (outlier_p_.enabled)
    outlier_ = std::make_unique<OutlierDetector>(outlier_p_);
  if (passive_p_.enabled)
    passive_ = std::make_unique<PassiveChecks>(passive_p_);
  if (breaker_p_.enabled)
    breakers_.assign(components, CircuitBreaker(breaker_p_));
}

void LbMechanisms::reset()
{
  // A restarted balancer process starts empty (its streams go on: they are the run's, not the process's).
  std::fill(load_.outstanding.begin(), load_.outstanding.end(), 0);
  std::fill(type_outstanding_.begin(), type_outstanding_.end(), 0);
  for (auto& b : balancers_)
    b.reset();
  std::fill(in_panic_.begin(), in_panic_.end(), 0);
  if (outlier_)
    outlier_ = std::make_unique<OutlierDetector>(outlier_p_);
  if (passive_)
    passive_ = std::make_unique<PassiveChecks>(passive_p_);
  if (!breakers_.empty())
    breakers_.assign(breakers_.size(), CircuitBreaker(breaker_p_));
  for (auto& b : budgets_)
    b = RetryBudget(retry_);
}

void LbMechanisms::reset_policies()
{
  for (auto& b : balancers_)
    b.reset();
}

void LbMechanisms::event(double now, const char* kind, int instance, std::string detail)
{
  rec_.event(now, self_, kind, instance, std::move(detail));
}

size_t LbMechanisms::available(const std::vector<PoolEntry>& pool) const
{
  size_t n = 0;
  for (const auto& e : pool)
    n += e.healthy && !(outlier_ && outlier_->ejected(e.instance));
  return n;
}

int LbMechanisms::choose(int type, const std::vector<PoolEntry>& pool, const int* tried, int tried_count, double now)
{
  candidates_.clear();
  const bool panic = panic_threshold_ > 0 && in_panic(available(pool), pool.size(), panic_threshold_);
  if (panic != in_panic_[static_cast<size_t>(type)]) {
    in_panic_[static_cast<size_t>(type)] = panic;
    event(now, panic ? "lb.panic_entered" : "lb.panic_left", -1,
          fmt::format("{} of {} {} hosts available", available(pool), pool.size(),
                      service_type_name(static_cast<ServiceType>(type))));
  }
  if (panic)
    rec_.lb[type].panic_picks++;
  for (const auto& e : pool) {
    int id = e.instance;
    if (std::find(tried, tried + tried_count, id) != tried + tried_count)
      continue;
    // Envoy in panic balances over all hosts: failing active checks or ejected alike.
    if (!panic && (!e.healthy || (outlier_ && outlier_->ejected(id))))
      continue;
    if (passive_ && !passive_->available(id, now))
      continue;
    if (!breakers_.empty()) {
      bool changed = false;
      bool ok = breakers_[static_cast<size_t>(id)].permits(now, &changed);
      if (changed)
        event(now, "lb.breaker_half_open", id);
      if (!ok)
        continue;
    }
    candidates_.push_back(id);
  }
  return balancers_[static_cast<size_t>(type)].pick(candidates_, load_);
}

void LbMechanisms::attempt_started(int type, int instance, double now)
{
  load_.outstanding[static_cast<size_t>(instance)]++;
  type_outstanding_[static_cast<size_t>(type)]++;
  if (passive_ && passive_->selected(instance, now))
    event(now, "lb.passive_trial", instance);
  if (!breakers_.empty())
    breakers_[static_cast<size_t>(instance)].call_started();
}

void LbMechanisms::attempt_ended(int type, int instance, AttemptResult r, int status, double duration_s, double now,
                                 size_t pool_size)
{
  load_.outstanding[static_cast<size_t>(instance)]--;
  type_outstanding_[static_cast<size_t>(type)]--;
  TypeCounters& c = rec_.lb[type];
  bool failed = r != AttemptResult::SUCCESS;
  if (outlier_) {
    double draw = outlier_p_.enforcing_consecutive_5xx < 100 ? enforce_random_.uniform() * 100.0 : 0.0;
    if (outlier_->on_result(instance, r, now, static_cast<int>(pool_size), draw)) {
      c.outlier_ejections++;
      event(now, "lb.outlier_ejected", instance,
            fmt::format("{} for {} s (ejection {})",
                        outlier_p_.split_local_origin && r != AttemptResult::HTTP_5XX
                            ? "consecutive_local_origin_failure"
                            : "consecutive_5xx",
                        outlier_->ejection_time(instance), outlier_->ejections(instance)));
    }
  }
  // NGINX counts as unsuccessful what proxy_next_upstream lists (error, timeout, http_5xx ...): the failures the
  // balancer retries, so with a retry policy those its retry_on covers, else every failure (SPEC §1).
  bool unsuccessful = failed && (!retry_.enabled || retry_covers(retry_, r, status));
  if (passive_ && passive_->on_result(instance, unsuccessful, now)) {
    c.passive_unavailable++;
    event(now, "lb.passive_unavailable", instance, fmt::format("for {} s", passive_p_.fail_timeout_s));
  }
  if (!breakers_.empty()) {
    CircuitBreaker& b = breakers_[static_cast<size_t>(instance)];
    if (b.on_result(failed, duration_s, now)) {
      if (b.state() == BreakerState::OPEN) {
        c.breaker_opens++;
        event(now, "lb.breaker_opened", instance);
      } else {
        event(now, "lb.breaker_closed", instance);
      }
    }
  }
}

double LbMechanisms::retry_decision(int type, AttemptResult r, int status, int attempts, int max_attempts,
                                    bool& holds_retry)
{
  // RetryStateImpl::shouldRetry: release the retry this request held, then: not covered → no retry; no
  // retries left → no; the budget full → no (overflow); else take a place and wait the back-off.
  RetryBudget& budget = budgets_[static_cast<size_t>(type)];
  TypeCounters& c = rec_.lb[type];
  if (holds_retry) {
    budget.release();
    holds_retry = false;
  }
  if (!retry_covers(retry_, r, status)) {
    c.retries_not_covered++;
    return -1;
  }
  if (attempts >= max_attempts)
    return -1;
  // Envoy's "active + pending requests" of the cluster are its upstream requests: here the attempts in flight
  // from the balancer to this type (the failed one has ended; a request in its back-off holds none).
  if (retry_.budget && !budget.try_acquire(static_cast<uint64_t>(type_outstanding_[static_cast<size_t>(type)]))) {
    c.retries_denied_by_budget++;
    return -1;
  }
  holds_retry = retry_.budget;
  double ms = backoff_delay_ms(retry_, attempts, backoff_random_.uniform());
  if (ms > 0) {
    c.backoff_waits++;
    c.backoff_wait_total_s += ms / 1000.0;
  }
  return ms / 1000.0;
}

void LbMechanisms::request_ended(int type, bool holds_retry)
{
  if (holds_retry)
    budgets_[static_cast<size_t>(type)].release();
}

void LbMechanisms::deadline_exceeded(int type)
{
  rec_.lb[type].deadline_exceeded++;
}

void LbMechanisms::sweep(double now)
{
  if (!outlier_)
    return;
  for (int id : outlier_->sweep(now))
    event(now, "lb.outlier_readmitted", id, "interval");
}

void LbMechanisms::active_check_passed(int instance, double now)
{
  if (outlier_ && outlier_->active_check_passed(instance, now))
    event(now, "lb.outlier_readmitted", instance, "active_check");
}

void LbMechanisms::pool_removed(int instance)
{
  // Envoy forgets a host that leaves the cluster (its outlier monitor goes with it); NGINX's peers and the
  // breakers are kept by address, so a host that comes back finds its state (the breakers keep theirs).
  if (outlier_)
    outlier_->forget(instance);
}

} // namespace svcsim
