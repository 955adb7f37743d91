#include "actors/load_balancer.hpp"

#include "actors/status_pages.hpp"
#include "metrics/recorder.hpp"

namespace svcsim
{

LoadBalancer::LoadBalancer(World& world, int self)
    : EventLoop(world, self), params_(world.scenario().model.load_balancer), model_(world.scenario().model)
{
}

void LoadBalancer::reset()
{
  for (auto& p : pools_)
    p.clear();
  for (auto& r : rr_)
    r.reset();
  proxies_.clear();
  free_.clear();
  for (auto& d : healthy_dirty_)
    d = true;
  health_checks_.clear();
  discovery_conn_ = 0;
  watch_conn_ = 0;
  server_list_ = ListReply{};
}

void LoadBalancer::on_start()
{
  const DiscoveryParams& discovery = model_.discovery;
  if (params_.dynamic_discovery && discovery.kind == DiscoveryKind::KUBERNETES) {
    // A watch on the service's endpoints: Kubernetes answers with the ready pods, then pushes every change.
    watch_conn_ = CONTROL_BIT | next_control_++;
    send(world_.kubernetes_id(), watch_conn_, ListRequest{true}, model_.messages.control_bytes);
  } else if (params_.dynamic_discovery) {
    discover();
    next_discovery_ = now() + params_.discovery_interval_s;
    at(next_discovery_, DISCOVERY, 0);
    if (discovery.server_list_refresh_s > 0) {
      next_server_list_ = now() + discovery.server_list_initial_delay_s;
      at(next_server_list_, SERVER_LIST, 0);
    }
  } else {
    // USE_DYNAMIC_DISCOVERY=false: fixed pools, every instance of the deployment in order.
    for (int t = 0; t < SERVICE_TYPE_COUNT; t++)
      for (int id : world_.instances_of(t)) {
        pools_[t].push_back(PoolEntry{id, true, 0});
        healthy_dirty_[t] = true;
        world_.recorder().event(now(), self_, "lb.pool_added", id, "static");
      }
  }
  if (!params_.health_checks)
    return; // the design has no active checks: discovery alone decides
  run_health_checks();
  next_health_ = now() + params_.health_check_interval_s;
  at(next_health_, HEALTH, 0);
}

PoolEntry* LoadBalancer::pool_entry(int type, int instance)
{
  for (auto& e : pools_[type])
    if (e.instance == instance)
      return &e;
  return nullptr;
}

// ---- discovery ----

void LoadBalancer::discover()
{
  if (discovery_conn_ != 0)
    return; // the previous call is still waiting for its timeout
  discovery_conn_ = CONTROL_BIT | next_control_++;
  send(world_.registry_id(), discovery_conn_, ListRequest{true}, model_.messages.control_bytes);
  after(model_.registry.call_timeout_s, DISCOVERY_TIMEOUT, discovery_conn_);
}

// The registry's answer. With a server-list refresh (Ribbon) it only updates the client's cache, which the
// refresh timer copies into the pools; otherwise the pools follow it at once (the seed).
void LoadBalancer::list_fetched(ListReply&& list)
{
  if (model_.discovery.server_list_refresh_s > 0)
    server_list_ = std::move(list);
  else
    apply_discovery(list);
}

void LoadBalancer::apply_discovery(const ListReply& list, const char* source)
{
  Recorder& rec = world_.recorder();
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++) {
    std::vector<PoolEntry> next;
    for (int id : list.instances) {
      if (static_cast<int>(world_.proc(id).component->type) != t)
        continue;
      if (PoolEntry* old = pool_entry(t, id)) {
        next.push_back(*old); // instances that stay keep their state
      } else {
        next.push_back(PoolEntry{id, true, 0});
        rec.event(now(), self_, "lb.pool_added", id, source ? source : "");
      }
    }
    for (const auto& e : pools_[t]) {
      bool kept = false;
      for (const auto& n : next)
        kept = kept || n.instance == e.instance;
      if (!kept)
        rec.event(now(), self_, "lb.pool_removed", e.instance, source ? source : "");
    }
    pools_[t] = std::move(next);
    healthy_dirty_[t] = true;
  }
}

// ---- own health checks ----

void LoadBalancer::run_health_checks()
{
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++)
    for (const auto& e : pools_[t]) {
      uint64_t conn = CONTROL_BIT | next_control_++;
      health_checks_[conn] = HealthCheck{e.instance, t};
      send(e.instance, conn, HealthRequest{}, model_.messages.control_bytes);
      after(params_.health_check_timeout_s, HEALTH_TIMEOUT, conn);
    }
}

void LoadBalancer::health_result(uint64_t conn, bool success)
{
  auto it = health_checks_.find(conn);
  if (it == health_checks_.end())
    return; // already decided (answer after timeout, or timeout after answer)
  HealthCheck hc = it->second;
  health_checks_.erase(it);
  PoolEntry* e = pool_entry(hc.type, hc.instance);
  if (!e)
    return; // left the pool meanwhile
  int threshold = model_.services[hc.type].lb_failure_threshold;
  if (record_health_check(*e, success, threshold)) {
    healthy_dirty_[hc.type] = true;
    world_.recorder().event(now(), self_, e->healthy ? "lb.check_healthy" : "lb.check_unhealthy", hc.instance);
  }
}

// ---- proxying ----

bool LoadBalancer::conn_live(uint64_t conn) const
{
  uint32_t slot = static_cast<uint32_t>(conn & 0xFFFFFFFF);
  uint32_t gen = static_cast<uint32_t>(conn >> 32);
  return slot < proxies_.size() && proxies_[slot].active && proxies_[slot].generation == gen;
}

LoadBalancer::Proxy* LoadBalancer::from_conn(uint64_t conn)
{
  return conn_live(conn) ? &proxies_[static_cast<uint32_t>(conn & 0xFFFFFFFF)] : nullptr;
}

int LoadBalancer::first_choice(int type)
{
  std::vector<int>& healthy = healthy_[type];
  if (healthy_dirty_[type]) {
    healthy.clear();
    for (const auto& e : pools_[type])
      if (e.healthy)
        healthy.push_back(e.instance);
    healthy_dirty_[type] = false;
  }
  return rr_[type].pick(healthy); // nothing tried yet: the candidates are exactly the healthy entries
}

void LoadBalancer::try_attempt(uint32_t slot)
{
  Proxy& p = proxies_[slot];
  Recorder& rec = world_.recorder();
  int chosen = -1;
  if (p.attempts < params_.max_attempts && p.attempts < 8)
    chosen = p.attempts == 0 ? first_choice(p.type) : rr_[p.type].select(pools_[p.type], p.tried, p.attempts);
  if (chosen < 0) {
    if (p.attempts == 0) {
      rec.lb[p.type].no_healthy++;
      respond(slot, 503, -1, nullptr);
    } else {
      respond(slot, p.last_5xx ? p.last_5xx : 502, -1, nullptr);
    }
    return;
  }
  rec.lb[p.type].attempts++;
  if (p.attempts > 0)
    rec.lb[p.type].retries++;
  p.tried[p.attempts++] = chosen;
  p.generation++;
  p.instance = chosen;
  p.attempt_start = now();
  uint64_t conn = attempt_conn(slot);
  send(chosen, conn, ApiRequest{p.request_id, p.endpoint, p.post, p.data}, model_.messages.request_bytes);
  after(params_.attempt_timeout_s, ATTEMPT_TIMEOUT, conn);
}

void LoadBalancer::attempt_failed(uint32_t slot, int outcome, int status)
{
  Proxy& p = proxies_[slot];
  world_.recorder().attempt(AttemptRecord{p.request_id, p.attempt_start, now(), p.instance,
                                          static_cast<uint16_t>(status), static_cast<uint8_t>(p.attempts),
                                          static_cast<AttemptOutcome>(outcome)});
  if (status >= 500)
    p.last_5xx = status;
  p.generation++; // whatever comes later for this attempt is stale
  try_attempt(slot);
}

void LoadBalancer::respond(uint32_t slot, int status, int served_by, std::shared_ptr<const std::string> body)
{
  Proxy& p = proxies_[slot];
  total_++;
  (status < 400 ? success_ : failed_)++;
  send_later(params_.response_overhead_ms / 1000.0, p.client, p.client_conn, Reply{status, served_by, std::move(body)},
             model_.messages.response_bytes);
  p.active = false;
  p.data.reset();
  p.generation++;
  free_.push_back(slot);
}

void LoadBalancer::answer_locally(const Message& m, const ApiRequest& req)
{
  const std::string& path = world_.endpoints[req.endpoint].path;
  std::shared_ptr<const std::string> body;
  if (path == "/api/round-robin/reset") {
    for (auto& r : rr_)
      r.reset();
  }
  StatusCounters counters{total_, success_, failed_};
  if (path == "/status" || path == "/api/metrics")
    body = std::make_shared<const std::string>(path == "/status" ? lb_status_page(world_, pools_, rr_, counters, now())
                                                                 : lb_metrics_page(world_, counters, now()));
  send_later(params_.response_overhead_ms / 1000.0, m.from, m.conn, Reply{200, -1, std::move(body)},
             model_.messages.response_bytes);
}

void LoadBalancer::on_message(Message& m)
{
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, ApiRequest>) {
          int type = world_.endpoints[body.endpoint].service_type;
          if (type < 0) {
            answer_locally(m, body);
            return;
          }
          uint32_t slot;
          if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
          } else {
            slot = static_cast<uint32_t>(proxies_.size());
            proxies_.emplace_back();
          }
          Proxy& p = proxies_[slot];
          uint32_t gen = p.generation + 1;
          p = Proxy{};
          p.generation = gen;
          p.active = true;
          p.client = m.from;
          p.client_conn = m.conn;
          p.request_id = body.request_id;
          p.type = type;
          p.endpoint = body.endpoint;
          p.post = body.post;
          p.data = std::move(body.data);
          if (params_.request_overhead_ms > 0)
            after(params_.request_overhead_ms / 1000.0, FORWARD, attempt_conn(slot));
          else
            try_attempt(slot);
        } else if constexpr (std::is_same_v<T, Reply>) {
          if (m.conn & CONTROL_BIT) {
            health_result(m.conn, body.status == 200);
            return;
          }
          Proxy* p = from_conn(m.conn);
          if (!p || p->instance != m.from)
            return; // late answer to an attempt that already timed out
          uint32_t slot = static_cast<uint32_t>(p - proxies_.data());
          if (body.status >= 500) {
            attempt_failed(slot, static_cast<int>(AttemptOutcome::ERROR_5XX), body.status);
            return;
          }
          world_.recorder().attempt(AttemptRecord{p->request_id, p->attempt_start, now(), p->instance,
                                                  static_cast<uint16_t>(body.status), static_cast<uint8_t>(p->attempts),
                                                  AttemptOutcome::ANSWERED});
          respond(slot, body.status, m.from, std::move(body.body));
        } else if constexpr (std::is_same_v<T, ListReply>) {
          if (m.conn != 0 && m.conn == watch_conn_) {
            apply_discovery(body, "endpoints");
            return;
          }
          if (m.conn != discovery_conn_)
            return;
          discovery_conn_ = 0;
          list_fetched(std::move(body));
        } else if constexpr (std::is_same_v<T, ConnectionReset>) {
          if (m.conn & CONTROL_BIT) {
            health_result(m.conn, false);
            if (m.conn == discovery_conn_)
              discovery_conn_ = 0;
          } else if (Proxy* p = from_conn(m.conn)) {
            attempt_failed(static_cast<uint32_t>(p - proxies_.data()), static_cast<int>(AttemptOutcome::RESET), 0);
          }
        } else if constexpr (std::is_same_v<T, HealthRequest>) {
          send_later(params_.response_overhead_ms / 1000.0, m.from, m.conn, Reply{200}, model_.messages.control_bytes);
        } else if constexpr (std::is_same_v<T, RegisterRequest> || std::is_same_v<T, HeartbeatRequest> ||
                             std::is_same_v<T, DeregisterRequest> || std::is_same_v<T, ListRequest>) {
          world_.recorder().event(now(), self_, "protocol.unexpected", m.from,
                                  "load-balancer: unexpected registry call");
        } else {
          static_assert(ALWAYS_FALSE<T>, "load balancer: unhandled message");
        }
      },
      m.body);
}

bool LoadBalancer::timer_live(uint32_t kind, uint64_t arg) const
{
  switch (kind) {
  case FORWARD:
  case ATTEMPT_TIMEOUT:
    return conn_live(arg);
  case DISCOVERY_TIMEOUT:
    return arg == discovery_conn_;
  case HEALTH_TIMEOUT:
    return health_checks_.count(arg) > 0;
  default:
    return true;
  }
}

void LoadBalancer::on_timer(uint32_t kind, uint64_t arg)
{
  switch (kind) {
  case FORWARD:
    if (Proxy* p = from_conn(arg))
      try_attempt(static_cast<uint32_t>(p - proxies_.data()));
    break;
  case ATTEMPT_TIMEOUT:
    close_connection(arg); // the proxy's request is aborted: its socket is destroyed
    if (Proxy* p = from_conn(arg))
      attempt_failed(static_cast<uint32_t>(p - proxies_.data()), static_cast<int>(AttemptOutcome::TIMEOUT), 0);
    break;
  case TIMER_REFUSED:
    if (arg & CONTROL_BIT) {
      if (arg == discovery_conn_) {
        discovery_conn_ = 0;
        world_.recorder().event(now(), self_, "lb.discovery_failed", world_.registry_id(), "refused");
      } else {
        health_result(arg, false);
      }
    } else if (Proxy* p = from_conn(arg)) {
      attempt_failed(static_cast<uint32_t>(p - proxies_.data()), static_cast<int>(AttemptOutcome::REFUSED), 0);
    }
    break;
  case DISCOVERY:
    discover();
    next_discovery_ = next_tick(next_discovery_, params_.discovery_interval_s);
    at(next_discovery_, DISCOVERY, 0);
    break;
  case DISCOVERY_TIMEOUT:
    if (arg == discovery_conn_) {
      close_connection(arg);
      discovery_conn_ = 0; // the registry did not answer: the pools stay as they are
      world_.recorder().event(now(), self_, "lb.discovery_failed", world_.registry_id(), "timeout");
    }
    break;
  case SERVER_LIST:
    apply_discovery(server_list_, "server_list");
    next_server_list_ = next_tick(next_server_list_, model_.discovery.server_list_refresh_s);
    at(next_server_list_, SERVER_LIST, 0);
    break;
  case HEALTH:
    run_health_checks();
    next_health_ = next_tick(next_health_, params_.health_check_interval_s);
    at(next_health_, HEALTH, 0);
    break;
  case HEALTH_TIMEOUT:
    close_connection(arg);
    health_result(arg, false);
    break;
  default:
    break;
  }
}

} // namespace svcsim
