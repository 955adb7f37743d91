// The balancer's choice among candidates (issue 14): round robin (SPEC §1), uniform random, NGINX's smooth
// weighted round robin, least outstanding requests (NGINX least_conn) and the power of two choices (Envoy's
// LEAST_REQUEST with choice_count 2). The candidates are always the healthy, untried, not-excluded entries,
// in pool order; the caller gathers them. No SimGrid: unit-tested on hand-made sequences.
#pragma once

#include "parse/scenario_resilience.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace svcsim
{

// Where random policies get their draws: uniform in [0, 1). The balancer wraps a seeded stream; tests give
// fixed sequences.
class UniformSource
{
public:
  virtual ~UniformSource() = default;
  virtual double uniform() = 0;
};

// What the policies read about each instance (indexed by component id).
struct InstanceLoad {
  std::vector<int> outstanding; // attempts in flight from the balancer to it
  std::vector<double> weight;   // weighted round robin's weight (1 when not given)
};

// Envoy's panic (LoadBalancerBase::isHostSetInPanic): with fewer than `threshold_percent` of the hosts
// available (not failing active health checks, not ejected), the balancer disregards health and balances
// over all hosts. Strictly below: 2 of 4 at 50 % is no panic. No hosts: no panic (there is nothing to pick).
bool in_panic(size_t available, size_t hosts, double threshold_percent);

class Balancer
{
public:
  Balancer(BalancingPolicy policy, UniformSource* random) : policy_(policy), random_(random) {}
  BalancingPolicy policy() const { return policy_; }
  // Picks one of `candidates` (component ids, pool order); -1 if there are none.
  int pick(const std::vector<int>& candidates, InstanceLoad& load);
  void reset();

private:
  int pick_smooth_weighted(const std::vector<int>& candidates, InstanceLoad& load);
  int pick_least_outstanding(const std::vector<int>& candidates, const InstanceLoad& load);
  int pick_two_choices(const std::vector<int>& candidates, const InstanceLoad& load);
  std::size_t draw(std::size_t n) const; // uniform in [0, n)

  BalancingPolicy policy_;
  UniformSource* random_;
  uint64_t counter_ = 0;               // round robin, and least_outstanding's ties
  std::vector<double> current_weight_; // smooth WRR's per-instance state (component id)
  std::vector<int> ties_;
};

} // namespace svcsim
