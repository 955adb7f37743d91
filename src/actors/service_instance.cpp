#include "actors/service_instance.hpp"

#include "metrics/recorder.hpp"
#include "sim/shared_services.hpp"
#include "store/system_db.hpp"

namespace svcsim
{

ServiceInstance::ServiceInstance(World& world, int self, SharedServices& shared)
    : EventLoop(world, self), shared_(shared),
      model_(world.scenario().model.services[static_cast<int>(world.proc(self).component->type)]),
      global_(world.scenario().model), jitter_(world.scenario().seed, "jitter/" + world.proc(self).component->name),
      errors_(world.scenario().seed, "errors/" + world.proc(self).component->name),
      salts_(world.scenario().seed, "salts/" + world.proc(self).component->name), me_(*world.proc(self).component),
      bodies_(service_type_name(me_.type), me_.name)
{
}

void ServiceInstance::reset()
{
  inflight_.clear();
  free_.clear();
  registered_ = false;
  registry_conn_ = 0;
}

void ServiceInstance::on_start()
{
  world_.recorder().event(now(), self_, "instance.started", self_);
  started_at_s_ = now();
  if (world_.proc(self_).component->type == ServiceType::DATA)
    seed_default_data();
  call_registry(RegisterRequest{});
  // setInterval(heartbeat, 10 s) starts with the process.
  next_heartbeat_ = now() + global_.registry.heartbeat_interval_s;
  interval_at(next_heartbeat_, HEARTBEAT, 0);
}

void ServiceInstance::seed_default_data()
{
  // The seed's data service inserts data-1 … data-10 into an empty database when it starts; a later data
  // instance (or a restart) finds them there. The inserts hold the write lock as any write does.
  const int inserted = shared_.db->ensure_default_data(now());
  for (int k = 0; k < inserted; ++k)
    shared_.hold_write(now(), global_.database.write_ms / 1000.0);
}

void ServiceInstance::call_registry(Body&& body)
{
  registry_call_is_heartbeat_ = std::holds_alternative<HeartbeatRequest>(body);
  registry_conn_ = next_conn_++;
  world_.recorder().event(now(), self_,
                          registry_call_is_heartbeat_ ? "instance.heartbeat_sent" : "instance.register_sent", self_);
  send(world_.registry_id(), registry_conn_, std::move(body), global_.messages.control_bytes);
  set_timeout(global_.registry.call_timeout_s, CALL_TIMEOUT, registry_conn_);
}

ServiceInstance::Inflight* ServiceInstance::from_token(uint64_t arg)
{
  uint32_t slot = static_cast<uint32_t>(arg & 0xFFFFFFFF);
  uint32_t gen = static_cast<uint32_t>(arg >> 32);
  if (slot >= inflight_.size() || !inflight_[slot].active || inflight_[slot].generation != gen)
    return nullptr;
  return &inflight_[slot];
}

uint32_t ServiceInstance::open_slot(const Message& m)
{
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(inflight_.size());
    inflight_.emplace_back();
  }
  Inflight& r = inflight_[slot];
  uint32_t gen = r.generation + 1;
  r = Inflight{};
  r.generation = gen;
  r.active = true;
  r.from = m.from;
  r.conn = m.conn;
  return slot;
}

static bool path_matches(const std::string& pattern, const std::string& path)
{
  size_t i = 0;
  size_t j = 0;
  while (i < pattern.size() && j < path.size()) {
    if (pattern[i] == ':') { // ":id" matches one non-empty segment
      while (i < pattern.size() && pattern[i] != '/')
        i++;
      size_t start = j;
      while (j < path.size() && path[j] != '/')
        j++;
      if (j == start)
        return false;
      continue;
    }
    if (pattern[i] != path[j])
      return false;
    i++;
    j++;
  }
  return i == pattern.size() && j == path.size();
}

const EndpointModel* ServiceInstance::match_endpoint(uint32_t endpoint_index, const RequestData* data)
{
  // Work endpoints come without data and are cached by index; others are matched on their concrete path.
  if (!data) {
    if (endpoint_index >= endpoint_cache_.size())
      endpoint_cache_.resize(world_.endpoints.size(), -2);
    int& cached = endpoint_cache_[endpoint_index];
    if (cached == -2) {
      cached = -1;
      for (size_t k = 0; k < model_.endpoints.size(); k++)
        if (path_matches(model_.endpoints[k].path, world_.endpoints[endpoint_index].path)) {
          cached = static_cast<int>(k);
          break;
        }
    }
    return cached < 0 ? nullptr : &model_.endpoints[cached];
  }
  for (const auto& e : model_.endpoints)
    if (path_matches(e.path, data->path))
      return &e;
  return nullptr;
}

void ServiceInstance::on_message(Message& m)
{
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, ApiRequest>) {
          uint32_t slot = open_slot(m);
          Inflight& r = inflight_[slot];
          r.data = body.data;
          r.endpoint = match_endpoint(body.endpoint, body.data.get());
          if (r.endpoint && r.endpoint->method != "*" && (r.endpoint->method == "POST") != body.post)
            r.endpoint = nullptr;
          // Latency that does not occupy the thread (the framework's own delays): the answer leaves this
          // much later than the handler writes it.
          r.extra_s = model_.request_overhead_ms / 1000.0;
          if (global_.overhead_jitter.active())
            r.extra_s += global_.overhead_jitter.sample_ms(jitter_.uniform()) / 1000.0;
          handle(slot);
        } else if constexpr (std::is_same_v<T, HealthRequest>) {
          uint32_t slot = open_slot(m);
          inflight_[slot].health = true;
          inflight_[slot].extra_s = global_.health_overhead_ms / 1000.0;
          handle(slot);
        } else if constexpr (std::is_same_v<T, Reply>) {
          if (m.conn != registry_conn_)
            return; // an answer to a call that already timed out
          registry_conn_ = 0;
          if (registry_call_is_heartbeat_ && body.status == 404) {
            registered_ = false; // the registry forgot us (restarted): register again now
            call_registry(RegisterRequest{});
          } else if (body.status < 300) {
            registered_ = true;
          }
        } else if constexpr (std::is_same_v<T, ConnectionReset>) {
          if (m.conn == registry_conn_)
            registry_conn_ = 0;
        } else if constexpr (std::is_same_v<T, RegisterRequest> || std::is_same_v<T, HeartbeatRequest> ||
                             std::is_same_v<T, DeregisterRequest> || std::is_same_v<T, ListRequest> ||
                             std::is_same_v<T, ListReply>) {
          world_.recorder().event(now(), self_, "protocol.unexpected", m.from,
                                  name() + ": unexpected registry message");
        } else {
          static_assert(ALWAYS_FALSE<T>, "service instance: unhandled message");
        }
      },
      m.body);
}

void ServiceInstance::handle(uint32_t slot)
{
  Inflight& r = inflight_[slot];
  double cpu_flops = 0;
  double wait_s = 0; // after the CPU part: setTimeout delay and database time
  if (r.health) {
    r.status = 200;
  } else if (!r.endpoint) {
    r.status = 404;
  } else if (r.endpoint->handler == "work") {
    cpu_flops = r.endpoint->cpu_flops;
    wait_s = r.endpoint->delay_ms * slow_factor_ / 1000.0;
  } else {
    unsigned char salt[16];
    salts_.fill(salt, sizeof salt);
    const Component& me = *world_.proc(self_).component;
    const std::string& secret = me.jwt_secret.empty() ? global_.auth.jwt_secret : me.jwt_secret;
    LogicOutcome out = run_endpoint_logic(shared_, global_, *r.endpoint, r.data.get(), me.name, secret, now(), salt);
    r.status = out.status;
    r.body = std::move(out.body);
    cpu_flops = out.cpu_flops + r.endpoint->cpu_flops;
    wait_s = (out.wait_s + r.endpoint->delay_ms / 1000.0) * slow_factor_;
  }
  // Synchronous work (bcrypt, an endpoint's cpu_flops) holds the single thread: everything else waits.
  charge(cpu_flops);
  // The endpoint's delay is the seed's setTimeout (a Node timer); a database wait alone is I/O.
  if (wait_s > 0)
    after_work(wait_s, REPLY, token(slot),
               r.endpoint && r.endpoint->delay_ms > 0 ? TimerClass::NODE : TimerClass::EXACT);
  else
    reply(slot);
}

void ServiceInstance::reply(uint32_t slot)
{
  Inflight& r = inflight_[slot];
  int status = r.status;
  if (!r.health && error_share_ > 0 && errors_.uniform() < error_share_)
    status = 500;
  // The seed's bodies for /health and the work endpoints, stamped when the answer is written (the work
  // endpoint's setTimeout callback). The simulated size stays the model's: the bytes on the wire are the
  // model's choice (headers included), not this string's length.
  if (status == 200 && !r.body && (r.health || (r.endpoint && r.endpoint->handler == "work")))
    r.body = std::make_shared<const std::string>(r.health ? bodies_.health(now(), now() - started_at_s_)
                                                          : bodies_.work(r.endpoint->delay_ms, now()));
  uint64_t bytes = r.health ? global_.messages.control_bytes
                            : (r.endpoint ? r.endpoint->response_bytes : global_.messages.response_bytes);
  if (r.extra_s > 0)
    send_later(r.extra_s, r.from, r.conn, Reply{status, self_, std::move(r.body)}, bytes);
  else
    send(r.from, r.conn, Reply{status, self_, std::move(r.body)}, bytes);
  r.active = false;
  r.data.reset();
  free_.push_back(slot);
}

bool ServiceInstance::timer_live(uint32_t kind, uint64_t arg) const
{
  if (kind == CALL_TIMEOUT)
    return arg == registry_conn_;
  return true;
}

void ServiceInstance::on_timer(uint32_t kind, uint64_t arg)
{
  switch (kind) {
  case HEARTBEAT:
    // A registration that failed is retried at the next heartbeat tick (SPEC §1).
    if (registry_conn_ == 0)
      call_registry(registered_ ? Body{HeartbeatRequest{}} : Body{RegisterRequest{}});
    next_heartbeat_ = next_tick(next_heartbeat_, global_.registry.heartbeat_interval_s);
    interval_at(next_heartbeat_, HEARTBEAT, 0);
    break;
  case CALL_TIMEOUT:
  case TIMER_REFUSED:
    if (arg == registry_conn_) {
      close_connection(arg);
      registry_conn_ = 0;
      if (!registry_call_is_heartbeat_)
        world_.recorder().event(now(), self_, "instance.register_failed", self_,
                                kind == CALL_TIMEOUT ? "timeout" : "refused");
    }
    break;
  case REPLY:
    if (Inflight* r = from_token(arg))
      reply(static_cast<uint32_t>(r - inflight_.data()));
    break;
  default:
    break;
  }
}

} // namespace svcsim
