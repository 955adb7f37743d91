// The balancer's selection rule (SPEC §1): per service type one counter; the candidates are the pool's
// healthy instances not yet tried for this request, in pool order; index = counter % candidates.size(),
// then counter++ on every selection, retries included. No SimGrid: unit-tested on its own.
#pragma once

#include <cstdint>
#include <vector>

namespace svcsim
{

struct PoolEntry {
  int instance = -1;   // component id
  bool healthy = true; // the balancer's own view (health checks), not the registry's
  int consecutive_failures = 0;
};

class RoundRobin
{
public:
  // Picks among pool entries that are healthy and not in `tried`; returns the component id or -1 if none.
  // Advances the counter only when it picks.
  int select(const std::vector<PoolEntry>& pool, const int* tried, int tried_count);
  int select(const std::vector<PoolEntry>& pool, const std::vector<int>& tried)
  {
    return select(pool, tried.data(), static_cast<int>(tried.size()));
  }
  // The same rule on candidates already gathered (healthy, untried, in pool order): what select() does after
  // its scan. The balancer keeps its healthy list between requests and calls this for first attempts.
  int pick(const std::vector<int>& candidates);
  uint64_t counter() const { return counter_; }
  void reset() { counter_ = 0; }

private:
  uint64_t counter_ = 0;
  std::vector<int> candidates_; // reused: no allocation per request
};

// Balancer health-check bookkeeping: skip after `threshold` consecutive failed checks, take back on the
// first success. Returns true when the entry's health flag changed.
bool record_health_check(PoolEntry& entry, bool success, int threshold);

} // namespace svcsim
