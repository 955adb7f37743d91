#include "policy/balancing.hpp"

#include <cstddef>

using std::size_t;

namespace svcsim
{

const char* balancing_policy_name(BalancingPolicy p)
{
  switch (p) {
  case BalancingPolicy::ROUND_ROBIN:
    return "round_robin";
  case BalancingPolicy::RANDOM:
    return "random";
  case BalancingPolicy::WEIGHTED_ROUND_ROBIN:
    return "weighted_round_robin";
  case BalancingPolicy::LEAST_OUTSTANDING:
    return "least_outstanding";
  case BalancingPolicy::P2C:
    return "p2c";
  }
  return "?";
}

bool in_panic(size_t available, size_t hosts, double threshold_percent)
{
  if (hosts == 0)
    return false;
  return 100.0 * static_cast<double>(available) / static_cast<double>(hosts) < threshold_percent;
}

size_t Balancer::draw(size_t n) const
{
  size_t i = static_cast<size_t>(random_->uniform() * static_cast<double>(n));
  return i < n ? i : n - 1;
}

void Balancer::reset()
{
  counter_ = 0;
  current_weight_.clear();
}

int Balancer::pick(const std::vector<int>& candidates, InstanceLoad& load)
{
  if (candidates.empty())
    return -1;
  switch (policy_) {
  case BalancingPolicy::ROUND_ROBIN:
    return candidates[counter_++ % candidates.size()]; // SPEC §1, as RoundRobin::pick
  case BalancingPolicy::RANDOM:
    return candidates[draw(candidates.size())];
  case BalancingPolicy::WEIGHTED_ROUND_ROBIN:
    return pick_smooth_weighted(candidates, load);
  case BalancingPolicy::LEAST_OUTSTANDING:
    return pick_least_outstanding(candidates, load);
  case BalancingPolicy::P2C:
    return pick_two_choices(candidates, load);
  }
  return -1;
}

// NGINX's smooth weighted round robin (ngx_http_upstream_get_peer in ngx_http_upstream_round_robin.c, since
// nginx 1.3.1): every candidate's current weight grows by its weight, the largest current weight wins (the
// first in pool order on ties) and loses the sum of the candidates' weights. Weights 5, 1, 1 give a a b a c a
// a, not a a a a a b c. NGINX also lowers a failing peer's effective weight; that is left to the passive
// checks here, so the effective weight is the configured one.
int Balancer::pick_smooth_weighted(const std::vector<int>& candidates, InstanceLoad& load)
{
  double total = 0;
  int best = -1;
  for (int id : candidates) {
    size_t i = static_cast<size_t>(id);
    if (current_weight_.size() <= i)
      current_weight_.resize(i + 1, 0.0);
    double w = i < load.weight.size() ? load.weight[i] : 1.0;
    current_weight_[i] += w;
    total += w;
    if (best < 0 || current_weight_[i] > current_weight_[static_cast<size_t>(best)])
      best = id;
  }
  current_weight_[static_cast<size_t>(best)] -= total;
  return best;
}

// NGINX least_conn: "a request is passed to the server with the least number of active connections ... If
// there are several such servers, they are tried in turn using a weighted round-robin balancing method"
// (ngx_http_upstream_module docs). Here: the fewest attempts in flight from the balancer; ties go round
// robin, one counter per type advanced on every tie-broken pick (weights are not read).
int Balancer::pick_least_outstanding(const std::vector<int>& candidates, const InstanceLoad& load)
{
  int least = -1;
  ties_.clear();
  for (int id : candidates) {
    int n = load.outstanding[static_cast<size_t>(id)];
    if (least < 0 || n < least) {
      least = n;
      ties_.clear();
    }
    if (n == least)
      ties_.push_back(id);
  }
  if (ties_.size() == 1)
    return ties_[0];
  return ties_[counter_++ % ties_.size()];
}

// Envoy's LEAST_REQUEST with choice_count 2 and equal weights (the power of two choices, Mitzenmacher): two
// candidates drawn at random, here distinct (Envoy draws with replacement), the one with fewer requests in
// flight wins; on a tie the first drawn, as Envoy's unweightedHostPick keeps its first pick unless another
// is strictly less loaded.
int Balancer::pick_two_choices(const std::vector<int>& candidates, const InstanceLoad& load)
{
  size_t n = candidates.size();
  if (n == 1)
    return candidates[0];
  size_t a = draw(n);
  size_t b = draw(n - 1);
  if (b >= a)
    b++; // the second draw is uniform over the other n - 1 candidates
  int first = candidates[a], second = candidates[b];
  return load.outstanding[static_cast<size_t>(second)] < load.outstanding[static_cast<size_t>(first)] ? second : first;
}

} // namespace svcsim
