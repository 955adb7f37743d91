#include "actors/load_balancer.hpp"

#include "actors/status_pages.hpp"
#include "metrics/recorder.hpp"

namespace svcsim
{

LoadBalancer::LoadBalancer(World& world, int self)
    : EventLoop(world, self), params_(world.scenario().model.load_balancer), model_(world.scenario().model),
      attempt_timeout_s_(params_.mechanisms.retry.enabled && params_.mechanisms.retry.per_try_timeout_s > 0
                             ? params_.mechanisms.retry.per_try_timeout_s
                             : params_.attempt_timeout_s)
{
  if (LbMechanisms::any_on(model_))
    mech_ = std::make_unique<LbMechanisms>(world, self);
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
  if (mech_)
    mech_->reset();
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
    interval_at(next_discovery_, DISCOVERY, 0);
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
  interval_at(next_health_, HEALTH, 0);
  if (mech_ && mech_->outlier_on()) { // Envoy arms the interval timer when the cluster's detector starts
    next_sweep_ = now() + mech_->outlier_interval_s();
    interval_at(next_sweep_, OUTLIER_SWEEP, 0);
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
  if (p.attempts < params_.max_attempts && p.attempts < 8) {
    if (mech_)
      chosen = mech_->choose(p.type, pools_[p.type], p.tried, p.attempts, now());
    else
      chosen = p.attempts == 0 ? first_choice(p.type) : rr_[p.type].select(pools_[p.type], p.tried, p.attempts);
  }
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
  if (mech_) {
    mech_->attempt_started(p.type, chosen, now());
    p.in_flight = true;
  }
  set_timeout(attempt_timeout_s_, ATTEMPT_TIMEOUT, conn);
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
  if (mech_)
    mechanism_attempt_failed(slot, outcome, status);
  else
    try_attempt(slot);
}

void LoadBalancer::respond(uint32_t slot, int status, int served_by, std::shared_ptr<const std::string> body)
{
  Proxy& p = proxies_[slot];
  if (mech_) {
    mech_->request_ended(p.type, p.holds_retry);
    p.holds_retry = false;
  }
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
    if (mech_)
      mech_->reset_policies();
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
          if (mech_ && mech_->deadline_s() > 0) {
            p.serial = ++next_serial_;
            set_timeout(mech_->deadline_s(), DEADLINE, deadline_key(slot));
          }
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
          if (mech_) {
            p->in_flight = false;
            mech_->attempt_ended(p->type, p->instance, AttemptResult::SUCCESS, body.status, now() - p->attempt_start,
                                 now(), pools_[p->type].size());
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
  case BACKOFF:
    return conn_live(arg);
  case DEADLINE: {
    uint32_t slot = static_cast<uint32_t>(arg & 0xFFFFFFFF);
    return slot < proxies_.size() && proxies_[slot].active && proxies_[slot].serial == static_cast<uint32_t>(arg >> 32);
  }
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
  case BACKOFF:
    if (Proxy* p = from_conn(arg))
      try_attempt(static_cast<uint32_t>(p - proxies_.data()));
    break;
  case DEADLINE:
    if (timer_live(DEADLINE, arg))
      deadline_fired(arg);
    break;
  case OUTLIER_SWEEP:
    mech_->sweep(now());
    next_sweep_ = next_tick(next_sweep_, mech_->outlier_interval_s());
    interval_at(next_sweep_, OUTLIER_SWEEP, 0);
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
    interval_at(next_discovery_, DISCOVERY, 0);
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
    interval_at(next_health_, HEALTH, 0);
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
