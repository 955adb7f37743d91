// The service registry (SPEC §1): receives RegisterRequest, HeartbeatRequest, DeregisterRequest and
// ListRequest; sends Reply and ListReply. A cleanup sweep every cleanup_interval_s marks stale entries
// unhealthy. Its state lives in memory: a restart (registry outage) starts with an empty table. Optionally
// (models/eureka.json) lists are answered from a response cache refreshed every response_cache_s.
#pragma once

#include "policy/service_table.hpp"
#include "sim/event_loop.hpp"

namespace svcsim
{

class Registry : public EventLoop
{
public:
  Registry(World& world, int self);
  void reset() override
  {
    table_.clear();
    cache_.clear();
    cache_filled_ = false;
  }

protected:
  void on_start() override;
  void on_message(Message& m) override;
  void on_timer(uint32_t kind, uint64_t arg) override;

private:
  enum TimerKind : uint32_t { SWEEP, CACHE_REFRESH };
  void answer(const Message& m, Body&& body);
  const RegistryParams& params_;
  ServiceTable table_;
  double next_sweep_ = 0;
  // Eureka's read-only response cache (response_cache_s > 0): what list calls see.
  std::vector<ServiceEntry> cache_;
  bool cache_filled_ = false;
};

} // namespace svcsim
