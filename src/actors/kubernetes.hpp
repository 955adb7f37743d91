// Kubernetes' side of the "kubernetes" discovery (docs/designs.md): the kubelet probes each pod's readiness
// (HealthRequest → instance, Reply back, timeoutSeconds to answer) every periodSeconds, and the container
// runtime reports a container's exit at once (ConnectionReset on CONTAINER_EXIT_CONN, sent from the pod's
// host by Simulation::crash_process); the endpoints controller keeps the ready pods as the service's
// endpoints; the balancer watches them (ListRequest, answered with the current endpoints and then again on
// the same connection with a ListReply for every change, endpoint_propagation_s after it happened). With
// restartPolicy Always the kubelet restarts an exited container (at once, then after the crash-loop back-off).
// Not a process of the system: it pays no CPU (like the fault injector).
#pragma once

#include "policy/readiness.hpp"
#include "sim/event_loop.hpp"

#include <deque>
#include <functional>
#include <unordered_map>
#include <vector>

namespace svcsim
{

class Kubernetes : public EventLoop
{
public:
  // The connection a container-exit event names (the runtime's event stream, not an HTTP connection).
  static constexpr uint64_t CONTAINER_EXIT_CONN = 1ULL << 62;

  // `restart` starts a new container (process) for an instance, as the fault injector's restart does.
  Kubernetes(World& world, int self, std::function<void(int)> restart);
  void reset() override; // its host went down and came back: the control plane starts over

protected:
  void on_start() override;
  void on_message(Message& m) override;
  void on_timer(uint32_t kind, uint64_t arg) override;
  bool timer_live(uint32_t kind, uint64_t arg) const override;

private:
  enum TimerKind : uint32_t { PROBE_TICK, PROBE_TIMEOUT, PUSH, RESTART, CONTAINER_START };
  static constexpr uint64_t PROBE_BIT = 1ULL << 61;

  struct Pod {
    int id;
    Readiness readiness;
    double next_tick = 0;
    bool seen_running = false; // the kubelet has seen this pod's current container run
    uint32_t incarnation = 0;  // ... and which one (a restart is a new container)
    uint64_t probe_conn = 0;   // the probe in flight, 0 if none (a worker probes one at a time)
    RestartBackoff backoff;
    double exit_s = 0;            // when the kubelet learned of the last exit
    bool restart_pending = false; // a RESTART or CONTAINER_START timer is set
  };

  int pod_index(int instance) const;
  void tick(size_t i);
  void probe_result(uint64_t conn, bool success);
  // The pod's verdict changed (`why`: the event kind): the endpoints change now, watchers see it later.
  void endpoints_changed(size_t i, const char* why);
  void push(std::vector<int> endpoints);
  void container_exit(size_t i);
  void restart(size_t i);
  void container_start(size_t i);

  std::function<void(int)> restart_;
  const DiscoveryParams& params_;
  const Model& model_;
  std::vector<Pod> pods_;
  std::unordered_map<uint64_t, size_t> probes_; // probe connection → pod
  uint64_t next_probe_ = 1;
  std::deque<std::vector<int>> in_flight_; // endpoint lists on their way to the watchers, oldest first
  std::vector<int> published_;             // the endpoints as watchers last saw them
  int watcher_ = -1;
  uint64_t watch_conn_ = 0;
};

} // namespace svcsim
