#include "actors/fault_injector.hpp"

#include "actors/service_instance.hpp"
#include "metrics/recorder.hpp"
#include "run/simulation.hpp"

namespace svcsim
{

FaultInjector::FaultInjector(World& world, int self, Simulation& sim) : EventLoop(world, self), sim_(sim) {}

void FaultInjector::on_start()
{
  const Scenario& sc = world_.scenario();
  for (size_t i = 0; i < sc.deployment.components.size(); i++) {
    const Component& c = sc.deployment.components[i];
    if (c.kind != ComponentKind::CLIENT)
      at(c.start_s, START_PROCESS, i);
  }
  for (size_t k = 0; k < sc.faults.size(); k++) {
    at(sc.faults[k].at_s, FAULT_BEGIN, k);
    if (sc.faults[k].until_s)
      at(*sc.faults[k].until_s, FAULT_END, k);
  }
}

void FaultInjector::on_timer(uint32_t kind, uint64_t arg)
{
  const Scenario& sc = world_.scenario();
  switch (kind) {
  case START_PROCESS:
    sim_.start_process(static_cast<int>(arg));
    break;
  case FAULT_BEGIN:
    begin(sc.faults[arg]);
    break;
  case FAULT_END:
    end(sc.faults[arg]);
    break;
  default:
    break;
  }
}

void FaultInjector::begin(const Fault& f)
{
  Recorder& rec = world_.recorder();
  int target = world_.find_component(f.target);
  rec.event(now(), self_, std::string("fault.") + fault_kind_name(f.kind), target, f.target);
  switch (f.kind) {
  case FaultKind::CRASH:
  case FaultKind::REGISTRY_OUTAGE:
    sim_.crash_process(target);
    break;
  case FaultKind::HANG:
    sim_.hang_process(target, true);
    break;
  case FaultKind::RESTART:
    sim_.restart_process(target);
    break;
  case FaultKind::HOST_DOWN:
    sim_.set_host(f.target, false);
    break;
  case FaultKind::LINK_DOWN:
    world_.set_link_down(f.target, true);
    break;
  case FaultKind::PARTITION:
    for (const auto& peer : f.peers)
      world_.set_partition(target, world_.find_component(peer), true);
    break;
  case FaultKind::SLOW:
    if (auto* inst = sim_.instance(target))
      inst->set_slow_factor(f.factor);
    break;
  case FaultKind::ERROR_RATE:
    if (auto* inst = sim_.instance(target))
      inst->set_error_share(f.error_share);
    break;
  }
}

void FaultInjector::end(const Fault& f)
{
  Recorder& rec = world_.recorder();
  int target = world_.find_component(f.target);
  rec.event(now(), self_, std::string("fault.") + fault_kind_name(f.kind) + "_end", target, f.target);
  switch (f.kind) {
  case FaultKind::CRASH:
  case FaultKind::REGISTRY_OUTAGE:
    sim_.restart_process(target);
    break;
  case FaultKind::HANG:
    sim_.hang_process(target, false);
    break;
  case FaultKind::RESTART:
    break;
  case FaultKind::HOST_DOWN:
    sim_.set_host(f.target, true);
    break;
  case FaultKind::LINK_DOWN:
    world_.set_link_down(f.target, false);
    break;
  case FaultKind::PARTITION:
    for (const auto& peer : f.peers)
      world_.set_partition(target, world_.find_component(peer), false);
    break;
  case FaultKind::SLOW:
    if (auto* inst = sim_.instance(target))
      inst->set_slow_factor(1);
    break;
  case FaultKind::ERROR_RATE:
    if (auto* inst = sim_.instance(target))
      inst->set_error_share(0);
    break;
  }
}

} // namespace svcsim
