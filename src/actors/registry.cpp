#include "actors/registry.hpp"

#include "metrics/recorder.hpp"

#include <cmath>

namespace svcsim
{

Registry::Registry(World& world, int self) : EventLoop(world, self), params_(world.scenario().model.registry) {}

void Registry::on_start()
{
  next_sweep_ = now() + params_.cleanup_interval_s;
  interval_at(next_sweep_, SWEEP, 0);
  if (params_.response_cache_s > 0) {
    // Eureka's ResponseCacheImpl schedules its refresh at the next multiple of the interval on the clock,
    // then every interval. At an instant shared with a sweep the sweep runs first (its timer is older).
    double next = (std::floor(now() / params_.response_cache_s + 1e-9) + 1) * params_.response_cache_s;
    at(next, CACHE_REFRESH, 0);
  }
}

void Registry::answer(const Message& m, Body&& body)
{
  send_later(params_.request_overhead_ms / 1000.0, m.from, m.conn, std::move(body),
             world_.scenario().model.messages.control_bytes);
}

void Registry::on_message(Message& m)
{
  Recorder& rec = world_.recorder();
  const int who = m.from;
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, RegisterRequest>) {
          int type = static_cast<int>(world_.proc(who).component->type);
          table_.register_instance(who, type, now());
          rec.registrations++;
          rec.event(now(), self_, "registry.registered", who);
          answer(m, Reply{201});
        } else if constexpr (std::is_same_v<T, HeartbeatRequest>) {
          rec.heartbeats++;
          // Eureka's Lease.renew() sets lastUpdateTimestamp = now + duration (renew_adds_timeout).
          double renewed = now() + (params_.renew_adds_timeout ? params_.heartbeat_timeout_s : 0);
          switch (table_.heartbeat(who, renewed)) {
          case ServiceTable::HeartbeatResult::OK:
            answer(m, Reply{200});
            break;
          case ServiceTable::HeartbeatResult::RECOVERED:
            rec.event(now(), self_, "registry.healthy", who);
            answer(m, Reply{200});
            break;
          case ServiceTable::HeartbeatResult::UNKNOWN:
            rec.unknown_heartbeats++;
            rec.event(now(), self_, "registry.unknown_heartbeat", who);
            answer(m, Reply{404});
            break;
          }
        } else if constexpr (std::is_same_v<T, DeregisterRequest>) {
          bool known = table_.deregister(who);
          if (known)
            rec.event(now(), self_, "registry.deregistered", who);
          answer(m, Reply{known ? 200 : 404});
        } else if constexpr (std::is_same_v<T, ListRequest>) {
          ListReply list;
          if (params_.response_cache_s > 0 && !cache_filled_) { // a miss fills the cache from the table
            cache_ = table_.entries();
            cache_filled_ = true;
          }
          for (const auto& e : params_.response_cache_s > 0 ? cache_ : table_.entries())
            if (!body.healthy_only || e.healthy) {
              list.instances.push_back(e.instance);
              list.healthy.push_back(e.healthy ? 1 : 0);
            }
          answer(m, std::move(list));
        } else if constexpr (std::is_same_v<T, HealthRequest>) {
          answer(m, Reply{200});
        } else if constexpr (std::is_same_v<T, ApiRequest>) {
          answer(m, Reply{404});
        } else if constexpr (std::is_same_v<T, ListReply> || std::is_same_v<T, Reply> ||
                             std::is_same_v<T, ConnectionReset>) {
          // The registry opens no connection: an answer or reset here means a peer is confused.
          rec.event(now(), self_, "protocol.unexpected", who, "service-registry: unexpected answer");
        } else {
          static_assert(ALWAYS_FALSE<T>, "service-registry: unhandled message");
        }
      },
      m.body);
}

void Registry::on_timer(uint32_t kind, uint64_t)
{
  if (kind == CACHE_REFRESH) {
    if (cache_filled_)
      cache_ = table_.entries();
    at(now() + params_.response_cache_s, CACHE_REFRESH, 0);
    return;
  }
  if (kind == SWEEP) {
    table_.sweep(now(), params_.heartbeat_timeout_s, [this](const ServiceEntry& e) {
      world_.recorder().event(now(), self_, "registry.unhealthy", e.instance);
    });
    next_sweep_ = next_tick(next_sweep_, params_.cleanup_interval_s);
    interval_at(next_sweep_, SWEEP, 0);
  }
}

} // namespace svcsim
