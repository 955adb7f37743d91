#include "policy/service_table.hpp"

namespace svcsim
{

ServiceEntry* ServiceTable::find(int instance)
{
  for (auto& e : entries_)
    if (e.instance == instance)
      return &e;
  return nullptr;
}

bool ServiceTable::register_instance(int instance, int type, double now)
{
  if (ServiceEntry* e = find(instance)) {
    e->healthy = true;
    e->last_heartbeat = now;
    return false;
  }
  entries_.push_back(ServiceEntry{instance, type, true, now, now});
  return true;
}

ServiceTable::HeartbeatResult ServiceTable::heartbeat(int instance, double now)
{
  ServiceEntry* e = find(instance);
  if (!e)
    return HeartbeatResult::UNKNOWN;
  e->last_heartbeat = now;
  if (!e->healthy) {
    e->healthy = true;
    return HeartbeatResult::RECOVERED;
  }
  return HeartbeatResult::OK;
}

bool ServiceTable::deregister(int instance)
{
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->instance == instance) {
      entries_.erase(it);
      return true;
    }
  return false;
}

void ServiceTable::sweep(double now, double timeout_s, const std::function<void(const ServiceEntry&)>& on_unhealthy)
{
  for (auto& e : entries_)
    if (e.healthy && now - e.last_heartbeat > timeout_s) {
      e.healthy = false;
      on_unhealthy(e);
    }
}

DetectorStatus::Transition DetectorStatus::record(bool success, int threshold)
{
  if (success) {
    consecutive_failures = 0;
    State before = state;
    state = State::HEALTHY;
    if (before == State::UNHEALTHY)
      return Transition::RECOVERED;
    return before == State::UNKNOWN ? Transition::BECAME_HEALTHY : Transition::NONE;
  }
  consecutive_failures++;
  if (state != State::UNHEALTHY && consecutive_failures >= threshold) {
    state = State::UNHEALTHY;
    return Transition::WENT_DOWN;
  }
  return Transition::NONE;
}

} // namespace svcsim
