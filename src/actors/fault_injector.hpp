// The operator: starts every process at its start time (the seed's start script) and injects the
// scenario's faults at theirs. The only actor that knows the truth; it writes it to the event log
// (fault.<kind>, fault.<kind>_end). It sends no messages of its own (it acts on processes, hosts, links).
#pragma once

#include "sim/event_loop.hpp"

namespace svcsim
{

class Simulation;

class FaultInjector : public EventLoop
{
public:
  FaultInjector(World& world, int self, Simulation& sim);

protected:
  void on_start() override;
  void on_message(Message&) override {}
  void on_timer(uint32_t kind, uint64_t arg) override;

private:
  enum TimerKind : uint32_t { START_PROCESS, FAULT_BEGIN, FAULT_END };
  void begin(const Fault& f);
  void end(const Fault& f);
  Simulation& sim_;
};

} // namespace svcsim
