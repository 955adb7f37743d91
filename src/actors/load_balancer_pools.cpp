// How the load balancer keeps its pools (SPEC §1): discovery from the registry (or, under another design, the
// endpoints it watches) and its own health checks. The request path is in load_balancer.cpp.
#include "actors/load_balancer.hpp"

#include "metrics/recorder.hpp"

namespace svcsim
{

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
  set_timeout(model_.registry.call_timeout_s, DISCOVERY_TIMEOUT, discovery_conn_);
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
      if (!kept) {
        rec.event(now(), self_, "lb.pool_removed", e.instance, source ? source : "");
        if (mech_)
          mech_->pool_removed(e.instance);
      }
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
      set_timeout(params_.health_check_timeout_s, HEALTH_TIMEOUT, conn);
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
  if (mech_ && success && e->healthy)
    mech_->active_check_passed(hc.instance, now());
}

} // namespace svcsim
