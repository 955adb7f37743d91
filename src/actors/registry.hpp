// The service registry (SPEC §1): receives RegisterRequest, HeartbeatRequest, DeregisterRequest and
// ListRequest; sends Reply and ListReply. A cleanup sweep every cleanup_interval_s marks stale entries
// unhealthy. Its state lives in memory: a restart (registry outage) starts with an empty table.
#pragma once

#include "policy/service_table.hpp"
#include "sim/event_loop.hpp"

namespace svcsim
{

class Registry : public EventLoop
{
public:
  Registry(World& world, int self);
  void reset() override { table_.clear(); }

protected:
  void on_start() override;
  void on_message(Message& m) override;
  void on_timer(uint32_t kind, uint64_t arg) override;

private:
  enum TimerKind : uint32_t { SWEEP };
  void answer(const Message& m, Body&& body);
  const RegistryParams& params_;
  ServiceTable table_;
  double next_sweep_ = 0;
};

} // namespace svcsim
