#include "policy/round_robin.hpp"

#include <algorithm>

namespace svcsim
{

int RoundRobin::select(const std::vector<PoolEntry>& pool, const int* tried, int tried_count)
{
  candidates_.clear();
  for (const auto& e : pool)
    if (e.healthy && std::find(tried, tried + tried_count, e.instance) == tried + tried_count)
      candidates_.push_back(e.instance);
  return pick(candidates_);
}

int RoundRobin::pick(const std::vector<int>& candidates)
{
  if (candidates.empty())
    return -1;
  return candidates[counter_++ % candidates.size()];
}

bool record_health_check(PoolEntry& entry, bool success, int threshold)
{
  if (success) {
    entry.consecutive_failures = 0;
    if (!entry.healthy) {
      entry.healthy = true;
      return true;
    }
    return false;
  }
  entry.consecutive_failures++;
  if (entry.healthy && entry.consecutive_failures >= threshold) {
    entry.healthy = false;
    return true;
  }
  return false;
}

} // namespace svcsim
