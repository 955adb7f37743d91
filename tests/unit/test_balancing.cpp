// The balancing policies of issue 14 (policy/balancing.hpp) on hand-made candidates and load, with a fixed
// sequence of "random" draws so every pick is derived by hand.
#include "policy/balancing.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace svcsim;

namespace
{

// Gives the draws it was built with, in order, then repeats the last.
class FixedDraws : public UniformSource
{
public:
  explicit FixedDraws(std::vector<double> draws) : draws_(std::move(draws)) {}
  double uniform() override { return draws_[next_ < draws_.size() ? next_++ : draws_.size() - 1]; }

private:
  std::vector<double> draws_;
  size_t next_ = 0;
};

InstanceLoad load_of(size_t n)
{
  InstanceLoad load;
  load.outstanding.assign(n, 0);
  load.weight.assign(n, 1.0);
  return load;
}

} // namespace

TEST_CASE("round robin through the policy object is SPEC §1's counter rule")
{
  Balancer b(BalancingPolicy::ROUND_ROBIN, nullptr);
  InstanceLoad load = load_of(8);
  std::vector<int> picks;
  for (int i = 0; i < 4; i++)
    picks.push_back(b.pick({4, 5, 6}, load));
  // counter 0, 1, 2, 3 -> index 0, 1, 2, 0
  CHECK(picks == std::vector<int>{4, 5, 6, 4});
  // a retry with 5 tried: candidates {4, 6}, counter 4 -> 4 % 2 = 0 -> 4
  CHECK(b.pick({4, 6}, load) == 4);
  CHECK(b.pick({}, load) == -1);
}

TEST_CASE("random picks index floor(u x n) of the candidates")
{
  FixedDraws draws({0.0, 0.34, 0.99, 0.5});
  Balancer b(BalancingPolicy::RANDOM, &draws);
  InstanceLoad load = load_of(8);
  // n = 3: 0.0 -> 0, 0.34 -> 1.02 -> 1, 0.99 -> 2.97 -> 2; n = 2: 0.5 -> 1
  CHECK(b.pick({4, 5, 6}, load) == 4);
  CHECK(b.pick({4, 5, 6}, load) == 5);
  CHECK(b.pick({4, 5, 6}, load) == 6);
  CHECK(b.pick({4, 6}, load) == 6);
}

TEST_CASE("smooth weighted round robin gives NGINX's interleaved order for weights 5, 1, 1")
{
  Balancer b(BalancingPolicy::WEIGHTED_ROUND_ROBIN, nullptr);
  InstanceLoad load = load_of(4);
  load.weight = {0, 5, 1, 1}; // ids 1 (a), 2 (b), 3 (c)
  std::vector<int> picks;
  for (int i = 0; i < 7; i++)
    picks.push_back(b.pick({1, 2, 3}, load));
  // current weights (a, b, c) after adding weights, pick, minus 7:
  // (5,1,1) a -> (-2,1,1); (3,2,2) a -> (-4,2,2); (1,3,3) b -> (1,-4,3); (6,-3,4) a -> (-1,-3,4);
  // (4,-2,5) c -> (4,-2,-2); (9,-1,-1) a -> (2,-1,-1); (7,0,0) a -> (0,0,0): a a b a c a a (the NGINX commit's example)
  CHECK(picks == std::vector<int>{1, 1, 2, 1, 3, 1, 1});
}

TEST_CASE("least outstanding picks the least loaded and breaks ties round robin")
{
  Balancer b(BalancingPolicy::LEAST_OUTSTANDING, nullptr);
  InstanceLoad load = load_of(4);
  load.outstanding = {0, 2, 1, 1};
  // least is 1, held by 2 and 3: counter 0 -> 2, counter 1 -> 3
  CHECK(b.pick({1, 2, 3}, load) == 2);
  CHECK(b.pick({1, 2, 3}, load) == 3);
  load.outstanding = {0, 0, 1, 1};
  CHECK(b.pick({1, 2, 3}, load) == 1); // a single least: no tie, counter unchanged (2)
  load.outstanding = {0, 0, 0, 0};
  CHECK(b.pick({1, 2, 3}, load) == 3); // counter 2 -> 2 % 3 = 2 -> id 3
}

TEST_CASE("power of two choices draws two distinct candidates and keeps the less loaded")
{
  // n = 3: first draw 0.1 -> index 0; second 0.9 x 2 = 1.8 -> 1, >= 0 so index 2.
  FixedDraws draws({0.1, 0.9, 0.7, 0.2, 0.5, 0.6});
  Balancer b(BalancingPolicy::P2C, &draws);
  InstanceLoad load = load_of(4);
  load.outstanding = {0, 3, 1, 2};
  CHECK(b.pick({1, 2, 3}, load) == 3); // ids 1 (3 out) vs 3 (2 out) -> 3
  // 0.7 x 3 = 2.1 -> index 2 (id 3); 0.2 x 2 = 0.4 -> 0 (< 2, stays) -> id 1: 3 (2) vs 1 (3) -> 3
  CHECK(b.pick({1, 2, 3}, load) == 3);
  load.outstanding = {0, 1, 1, 1};
  // 0.5 x 3 = 1.5 -> index 1 (id 2); 0.6 x 2 = 1.2 -> 1, >= 1 so index 2 (id 3): a tie keeps the first drawn
  CHECK(b.pick({1, 2, 3}, load) == 2);
  CHECK(b.pick({7}, load) == 7); // a single candidate needs no draw
}

TEST_CASE("Envoy's panic: strictly fewer than the threshold's share of the hosts available")
{
  // 1 of 3 available is 33.3 % < 50 %: panic; 2 of 4 is 50 %, not below 50 %: no panic; 2 of 3 (66.7 %) none.
  CHECK(in_panic(1, 3, 50));
  CHECK_FALSE(in_panic(2, 4, 50));
  CHECK_FALSE(in_panic(2, 3, 50));
  CHECK(in_panic(0, 3, 50));
  CHECK(in_panic(4, 10, 50)); // 10 instances, 6 failing their checks
  CHECK_FALSE(in_panic(5, 10, 50));
  CHECK_FALSE(in_panic(0, 0, 50)); // no hosts: nothing to balance over
  CHECK_FALSE(in_panic(0, 3, 0));  // threshold 0: never
  CHECK(in_panic(99, 100, 100));   // threshold 100: any host down
}
