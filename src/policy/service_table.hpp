// The registry's table (SPEC §1): entries in registration order; a heartbeat refreshes an entry and makes
// it healthy again; the cleanup sweep marks unhealthy an entry whose last heartbeat is more than the timeout
// old; entries leave only by deregistration. No SimGrid: the registry actor feeds it simulated times.
#pragma once

#include <functional>
#include <optional>
#include <vector>

namespace svcsim
{

struct ServiceEntry {
  int instance = -1; // component id (the real system's serviceId)
  int type = 0;
  bool healthy = true;
  double registered_at = 0;
  double last_heartbeat = 0;
};

class ServiceTable
{
public:
  enum class HeartbeatResult { OK, RECOVERED, UNKNOWN };

  // Returns true if new. A known id keeps its place (a JavaScript Map keeps insertion order on update).
  bool register_instance(int instance, int type, double now);
  HeartbeatResult heartbeat(int instance, double now);
  bool deregister(int instance);
  // Marks stale entries unhealthy; calls on_unhealthy for each newly marked one, in table order.
  void sweep(double now, double timeout_s, const std::function<void(const ServiceEntry&)>& on_unhealthy);
  void clear() { entries_.clear(); }
  const std::vector<ServiceEntry>& entries() const { return entries_; }

private:
  ServiceEntry* find(int instance);
  std::vector<ServiceEntry> entries_;
};

// Fault detector's per-target status (SPEC §1): starts unknown; `threshold` consecutive failures → unhealthy
// (SERVICE_DOWN); one success → healthy (SERVICE_RECOVERED if it was unhealthy).
struct DetectorStatus {
  enum class State { UNKNOWN, HEALTHY, UNHEALTHY };
  enum class Transition { NONE, BECAME_HEALTHY, RECOVERED, WENT_DOWN };
  State state = State::UNKNOWN;
  int consecutive_failures = 0;

  Transition record(bool success, int threshold);
};

} // namespace svcsim
