#include "actors/kubernetes.hpp"

#include "metrics/recorder.hpp"

namespace svcsim
{

Kubernetes::Kubernetes(World& world, int self, std::function<void(int)> restart)
    : EventLoop(world, self), restart_(std::move(restart)), params_(world.scenario().model.discovery),
      model_(world.scenario().model)
{
}

void Kubernetes::reset()
{
  pods_.clear();
  probes_.clear();
  in_flight_.clear();
  published_.clear();
  watcher_ = -1;
  watch_conn_ = 0;
}

void Kubernetes::on_start()
{
  const ReadinessProbe& probe = params_.readiness;
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++)
    for (int id : world_.instances_of(t)) {
      // The prober worker starts with the pod and ticks every period; at the pod's start its container is
      // not running yet, so the first probe that can answer is one period later.
      Pod pod{id, Readiness(probe.success_threshold, probe.failure_threshold)};
      pod.backoff = RestartBackoff(params_.restart_backoff_initial_s, params_.restart_backoff_max_s);
      pod.next_tick = world_.proc(id).component->start_s + probe.period_s;
      pods_.push_back(pod);
      at(pod.next_tick, PROBE_TICK, pods_.size() - 1);
    }
}

int Kubernetes::pod_index(int instance) const
{
  for (size_t i = 0; i < pods_.size(); i++)
    if (pods_[i].id == instance)
      return static_cast<int>(i);
  return -1;
}

void Kubernetes::tick(size_t i)
{
  Pod& pod = pods_[i];
  pod.next_tick += params_.readiness.period_s;
  at(pod.next_tick, PROBE_TICK, i);
  const Process& p = world_.proc(pod.id);
  // The container runtime's view: a stopped (SIGSTOP) process is still a running container.
  if (p.state != ProcState::RUNNING && p.state != ProcState::HUNG)
    return; // no running container: nothing to probe (its exit already made it not ready)
  if (!pod.seen_running || p.incarnation != pod.incarnation) {
    pod.seen_running = true;
    pod.incarnation = p.incarnation;
    pod.readiness.container_started();
  }
  if (now() - p.started_at < params_.readiness.initial_delay_s - 1e-9)
    return; // initialDelaySeconds: the worker skips the probe
  if (pod.probe_conn != 0)
    return; // the last probe is still waiting for its timeout: Go's ticker drops the tick
  uint64_t conn = PROBE_BIT | next_probe_++;
  probes_[conn] = i;
  pod.probe_conn = conn;
  send(pod.id, conn, HealthRequest{}, model_.messages.control_bytes);
  after(params_.readiness.timeout_s, PROBE_TIMEOUT, conn);
}

void Kubernetes::probe_result(uint64_t conn, bool success)
{
  auto it = probes_.find(conn);
  if (it == probes_.end())
    return; // decided already (an answer after the timeout)
  size_t i = it->second;
  probes_.erase(it);
  Pod& pod = pods_[i];
  pod.probe_conn = 0;
  if (!success)
    close_connection(conn);
  if (pod.readiness.record(success))
    endpoints_changed(i, success ? "k8s.ready" : "k8s.readiness_probe_failed");
}

void Kubernetes::endpoints_changed(size_t i, const char* why)
{
  world_.recorder().event(now(), self_, why, pods_[i].id);
  std::vector<int> endpoints;
  for (const auto& p : pods_)
    if (p.readiness.ready())
      endpoints.push_back(p.id);
  if (params_.endpoint_propagation_s <= 0) {
    push(std::move(endpoints));
    return;
  }
  // Every change takes the same time to reach the watchers, so they arrive in order: a FIFO.
  in_flight_.push_back(std::move(endpoints));
  after(params_.endpoint_propagation_s, PUSH, 0);
}

void Kubernetes::push(std::vector<int> endpoints)
{
  published_ = std::move(endpoints);
  if (watcher_ < 0)
    return;
  ListReply list;
  list.instances = published_;
  list.healthy.assign(published_.size(), 1);
  send(watcher_, watch_conn_, std::move(list), model_.messages.control_bytes);
}

void Kubernetes::container_exit(size_t i)
{
  Pod& pod = pods_[i];
  if (pod.probe_conn != 0) { // the probe of a container that is gone fails with it
    probes_.erase(pod.probe_conn);
    close_connection(pod.probe_conn);
    pod.probe_conn = 0;
  }
  if (pod.readiness.container_exited())
    endpoints_changed(i, "k8s.container_exit");
  else
    world_.recorder().event(now(), self_, "k8s.container_exit", pod.id);
  if (!params_.restart_always || pod.restart_pending)
    return;
  // The runtime's report is the exit's time as the kubelet uses it (FinishedAt, a network latency earlier).
  pod.exit_s = now();
  pod.restart_pending = true;
  at(now() + pod.backoff.delay(pod.exit_s), RESTART, i);
}

void Kubernetes::restart(size_t i)
{
  Pod& pod = pods_[i];
  const Process& p = world_.proc(pod.id);
  if (p.state == ProcState::RUNNING || p.state == ProcState::HUNG) {
    pod.restart_pending = false; // started again meanwhile (the scenario's own restart)
    return;
  }
  pod.backoff.restarted(pod.exit_s, now());
  world_.recorder().event(now(), self_, "k8s.container_restart", pod.id);
  at(now() + params_.container_start_s, CONTAINER_START, i);
}

void Kubernetes::container_start(size_t i)
{
  Pod& pod = pods_[i];
  pod.restart_pending = false;
  const Process& p = world_.proc(pod.id);
  if (p.state == ProcState::RUNNING || p.state == ProcState::HUNG)
    return;
  restart_(pod.id);
}

void Kubernetes::on_message(Message& m)
{
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Reply>) {
          probe_result(m.conn, body.status >= 200 && body.status < 400); // the kubelet's HTTP probe rule
        } else if constexpr (std::is_same_v<T, ConnectionReset>) {
          if (m.conn != CONTAINER_EXIT_CONN) {
            probe_result(m.conn, false);
            return;
          }
          int i = pod_index(m.from);
          if (i >= 0)
            container_exit(static_cast<size_t>(i));
        } else if constexpr (std::is_same_v<T, ListRequest>) {
          // The balancer's watch: the current endpoints now, then every change on this connection.
          watcher_ = m.from;
          watch_conn_ = m.conn;
          ListReply list;
          list.instances = published_;
          list.healthy.assign(published_.size(), 1);
          send(m.from, m.conn, std::move(list), model_.messages.control_bytes);
        } else if constexpr (std::is_same_v<T, HealthRequest>) {
          send(m.from, m.conn, Reply{200}, model_.messages.control_bytes);
        } else if constexpr (std::is_same_v<T, ApiRequest>) {
          send(m.from, m.conn, Reply{404}, model_.messages.control_bytes);
        } else if constexpr (std::is_same_v<T, RegisterRequest> || std::is_same_v<T, HeartbeatRequest> ||
                             std::is_same_v<T, DeregisterRequest> || std::is_same_v<T, ListReply>) {
          world_.recorder().event(now(), self_, "protocol.unexpected", m.from, "kubernetes: unexpected message");
        } else {
          static_assert(ALWAYS_FALSE<T>, "kubernetes: unhandled message");
        }
      },
      m.body);
}

bool Kubernetes::timer_live(uint32_t kind, uint64_t arg) const
{
  if (kind == PROBE_TIMEOUT)
    return probes_.count(arg) > 0;
  return true;
}

void Kubernetes::on_timer(uint32_t kind, uint64_t arg)
{
  switch (kind) {
  case PROBE_TICK:
    tick(static_cast<size_t>(arg));
    break;
  case PROBE_TIMEOUT:
  case TIMER_REFUSED:
    probe_result(arg, false);
    break;
  case RESTART:
    if (arg < pods_.size() && pods_[arg].restart_pending)
      restart(static_cast<size_t>(arg));
    break;
  case CONTAINER_START:
    if (arg < pods_.size() && pods_[arg].restart_pending)
      container_start(static_cast<size_t>(arg));
    break;
  case PUSH:
    if (!in_flight_.empty()) {
      std::vector<int> endpoints = std::move(in_flight_.front());
      in_flight_.pop_front();
      push(std::move(endpoints));
    }
    break;
  default:
    break;
  }
}

} // namespace svcsim
