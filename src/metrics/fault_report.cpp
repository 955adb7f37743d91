#include "metrics/fault_report.hpp"

#include "metrics/percentile.hpp"
#include "metrics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace svcsim
{

using ojson = nlohmann::ordered_json;

namespace
{

ojson time_or_null(double t)
{
  return std::isfinite(t) ? ojson(round6(t)) : ojson(nullptr);
}

struct EventQuery {
  const std::vector<EventRecord>& events;
  // First event of one of `kinds` about `subject` at or after `from` (INFINITY if none).
  double first(std::initializer_list<const char*> kinds, int subject, double from) const
  {
    for (const auto& e : events)
      if (e.subject == subject && e.at_s >= from - 1e-12)
        for (const char* k : kinds)
          if (e.kind == k)
            return e.at_s;
    return INFINITY;
  }
  // Last event of `kind` about `subject` at or before `until` (INFINITY if none).
  double last(const char* kind, int subject, double until) const
  {
    double t = INFINITY;
    for (const auto& e : events)
      if (e.subject == subject && e.kind == kind && e.at_s <= until + 1e-12)
        t = e.at_s;
    return t;
  }
};

// The events that take an instance out of the balancer's rotation, and the mechanism each stands for
// (summary.json faults[].lb_excluded_by). "registry_sweep": discovery dropped it, because the registry's
// cleanup sweep marked it unhealthy (or it deregistered, or the registry restarted without it).
struct Exclusion {
  const char* event;
  const char* mechanism;
};
constexpr Exclusion EXCLUSIONS[] = {
    {"lb.pool_removed", "registry_sweep"},           {"lb.check_unhealthy", "active_check"},
    {"lb.outlier_ejected", "outlier_ejection"},      {"lb.breaker_opened", "circuit_breaker"},
    {"lb.passive_unavailable", "passive_max_fails"},
};

// The first exclusion of `subject` at or after `from`: its time (INFINITY if none) and mechanism.
// Under Kubernetes discovery (docs/designs.md) the balancer drops an endpoint the watch no longer lists (an
// "lb.pool_removed" with detail "endpoints"); what took it out is the kubelet's last verdict on that pod before
// the removal: its container exited, or its readiness probes failed.
double first_exclusion(const std::vector<EventRecord>& events, int subject, double from, const char*& mechanism)
{
  mechanism = nullptr;
  const char* kubelet = nullptr;
  for (const auto& e : events) {
    if (e.subject != subject)
      continue;
    if (e.kind == "k8s.container_exit")
      kubelet = "container_exit";
    else if (e.kind == "k8s.readiness_probe_failed")
      kubelet = "readiness_probe";
    if (e.at_s < from - 1e-12)
      continue;
    for (const Exclusion& x : EXCLUSIONS)
      if (e.kind == x.event) {
        mechanism = e.detail == "endpoints" && kubelet ? kubelet : x.mechanism;
        return e.at_s;
      }
  }
  return INFINITY;
}

// A registry outage fails no request by itself: its cost comes after it ends, when the restarted, empty
// registry gives the balancer's next discovery short lists. What the report adds for it:
//   discovery_failures      the balancer's refused or timed-out discoveries during the outage
//   reregistered_at_s       when the last instance registered before the outage had registered again
//   lb_pools_lost_at_s      the first moment from the outage's start when the balancer's pools miss one of the
//                           instances they held when it began (null: they never did)
//   lb_pools_restored_at_s  the first moment after that when they hold all of them again (null: never)
//   failed_requests_until_restored  requests sent from the outage's start until the restoration (or the run's
//                           end) that failed; 0 when the pools were never short
void registry_outage_fields(ojson& j, const Recorder& rec, double at, double until)
{
  const auto& events = rec.events();
  std::set<int> registered, pooled;
  size_t i = 0;
  for (; i < events.size() && events[i].at_s < at; i++) {
    const EventRecord& e = events[i];
    if (e.kind == "registry.registered")
      registered.insert(e.subject);
    else if (e.kind == "registry.deregistered")
      registered.erase(e.subject);
    else if (e.kind == "lb.pool_added")
      pooled.insert(e.subject);
    else if (e.kind == "lb.pool_removed")
      pooled.erase(e.subject);
  }
  const std::set<int> pooled_before = pooled;
  uint64_t discovery_failures = 0;
  double reregistered = INFINITY, lost = INFINITY, restored = INFINITY;
  std::set<int> waiting = registered; // not registered again yet
  bool pool_changed = false;
  for (; i < events.size(); i++) {
    const EventRecord& e = events[i];
    if (e.kind == "lb.discovery_failed" && e.at_s <= until + 1e-12)
      discovery_failures++;
    if (e.kind == "registry.registered" && e.at_s >= until - 1e-12 && waiting.erase(e.subject) && waiting.empty())
      reregistered = e.at_s;
    if (e.kind == "lb.pool_added")
      pooled.insert(e.subject);
    else if (e.kind == "lb.pool_removed")
      pooled.erase(e.subject);
    pool_changed = pool_changed || e.kind == "lb.pool_added" || e.kind == "lb.pool_removed";
    // judged once every event of this instant is applied (one discovery adds and removes at one instant)
    if (pool_changed && (i + 1 == events.size() || events[i + 1].at_s != e.at_s)) {
      pool_changed = false;
      bool all = std::includes(pooled.begin(), pooled.end(), pooled_before.begin(), pooled_before.end());
      if (!all && !std::isfinite(lost))
        lost = e.at_s;
      else if (all && std::isfinite(lost) && !std::isfinite(restored))
        restored = e.at_s;
    }
  }
  uint64_t failed_after = 0;
  rec.for_each_request([&](uint64_t, const RequestRecord& r) {
    if (std::isfinite(lost) && r.sent_s >= at && r.sent_s < restored && r.outcome != Outcome::SUCCESS &&
        r.outcome != Outcome::PENDING)
      failed_after++;
  });
  j["discovery_failures"] = discovery_failures;
  j["reregistered_at_s"] = time_or_null(reregistered);
  j["lb_pools_lost_at_s"] = time_or_null(lost);
  j["lb_pools_restored_at_s"] = time_or_null(restored);
  j["failed_requests_until_restored"] = failed_after;
}

} // namespace

ojson build_fault_report(const Scenario& sc, const RunOutput& run)
{
  ojson out = ojson::array();
  if (sc.faults.empty())
    return out;
  const Recorder& rec = run.recorder;
  EventQuery q{rec.events()};

  // Normal latency per endpoint: the median of requests served at the first attempt.
  std::map<uint32_t, std::vector<double>> normal_samples;
  rec.for_each_request([&](uint64_t id, const RequestRecord& r) {
    if (r.outcome == Outcome::SUCCESS && rec.attempts_of(id) == 1)
      normal_samples[r.endpoint].push_back((r.end_s - r.sent_s) * 1000.0);
  });
  std::map<uint32_t, double> normal;
  for (auto& [ep, v] : normal_samples) {
    std::sort(v.begin(), v.end());
    normal[ep] = nearest_rank(v, 50);
  }
  normal_samples.clear();

  auto find = [&](const std::string& name) {
    for (size_t i = 0; i < run.component_names.size(); i++)
      if (run.component_names[i] == name)
        return static_cast<int>(i);
    return -1;
  };

  // Per fault: what the event log says, then one pass over the attempt rows and one over the request rows
  // for all faults together (the rows may be streamed from disk: no random access).
  struct State {
    const Fault* f;
    int t;
    double a, u, excluded = INFINITY;
    const char* excluded_by = nullptr;
    double last_sel = INFINITY, first_sel = INFINITY, first_ok = INFINITY;
    double kubelet_restart = INFINITY; // a crash the kubelet restarted: its container's new process started
    std::vector<uint64_t> touched;     // requests with a failed attempt on the target during the fault
    size_t cursor = 0;
    uint64_t failed = 0, retried = 0, slowed = 0;
    double extra_ms = 0;
  };
  std::vector<State> st;
  for (const Fault& f : sc.faults) {
    State x;
    x.f = &f;
    x.t = find(f.target);
    x.a = f.at_s;
    x.u = f.kind == FaultKind::RESTART ? f.at_s : f.until_s.value_or(INFINITY);
    // Under Kubernetes' restartPolicy Always a crash lasts until the kubelet's new container runs.
    if (f.kind == FaultKind::CRASH && !f.until_s) {
      double decided = q.first({"k8s.container_restart"}, x.t, x.a);
      if (std::isfinite(decided))
        x.u = x.kubelet_restart = q.first({"instance.started"}, x.t, decided);
    }
    if (f.kind != FaultKind::RESTART)
      x.excluded = first_exclusion(rec.events(), x.t, x.a, x.excluded_by);
    st.push_back(std::move(x));
  }
  rec.for_each_attempt([&](const AttemptRecord& at) {
    for (State& x : st) {
      if (at.instance != x.t)
        continue;
      if (x.f->kind != FaultKind::RESTART && at.start_s >= x.a && at.start_s <= std::min(x.excluded, x.u))
        x.last_sel = at.start_s;
      if (at.end_s >= x.a && at.start_s <= x.u && at.outcome != AttemptOutcome::ANSWERED)
        x.touched.push_back(at.request);
      if (std::isfinite(x.u) && at.start_s >= x.u) {
        x.first_sel = std::min(x.first_sel, at.start_s);
        if (at.outcome == AttemptOutcome::ANSWERED)
          x.first_ok = std::min(x.first_ok, at.end_s);
      }
    }
  });
  for (State& x : st) {
    std::sort(x.touched.begin(), x.touched.end());
    x.touched.erase(std::unique(x.touched.begin(), x.touched.end()), x.touched.end());
  }
  rec.for_each_request([&](uint64_t id, const RequestRecord& r) {
    for (State& x : st) {
      double window_end = std::isfinite(x.u) ? x.u : INFINITY;
      bool in_window = r.sent_s >= x.a && r.sent_s <= window_end;
      if (in_window && r.outcome != Outcome::SUCCESS && r.outcome != Outcome::PENDING)
        x.failed++;
      while (x.cursor < x.touched.size() && x.touched[x.cursor] < id)
        x.cursor++;
      if (x.cursor >= x.touched.size() || x.touched[x.cursor] != id)
        continue;
      if (rec.attempts_of(id) > 1)
        x.retried++;
      if (r.outcome != Outcome::PENDING) {
        x.slowed++;
        auto it = normal.find(r.endpoint);
        double base = it == normal.end() ? 0 : it->second;
        x.extra_ms += std::max(0.0, (r.end_s - r.sent_s) * 1000.0 - base);
      }
    }
  });

  for (const State& x : st) {
    const Fault& f = *x.f;
    ojson j;
    j["kind"] = fault_kind_name(f.kind);
    j["target"] = f.target;
    j["at_s"] = round6(x.a);
    j["until_s"] = f.until_s ? ojson(round6(*f.until_s)) : ojson(nullptr);
    if (std::isfinite(x.kubelet_restart))
      j["kubelet_restarted_at_s"] = round6(x.kubelet_restart);
    if (f.kind != FaultKind::RESTART) {
      j["last_heartbeat_at_s"] = time_or_null(q.last("instance.heartbeat_sent", x.t, x.a));
      j["registry_unhealthy_at_s"] = time_or_null(q.first({"registry.unhealthy"}, x.t, x.a));
      j["lb_last_selected_at_s"] = time_or_null(x.last_sel);
      j["lb_excluded_at_s"] = time_or_null(x.excluded);
      j["lb_excluded_by"] = x.excluded_by ? ojson(x.excluded_by) : ojson(nullptr);
      j["detector_alert_at_s"] = time_or_null(q.first({"alert.SERVICE_DOWN"}, x.t, x.a));
    }
    j["failed_requests"] = x.failed;
    if (f.kind == FaultKind::REGISTRY_OUTAGE)
      registry_outage_fields(j, rec, x.a, x.u);
    j["retried_requests"] = x.retried;
    j["slowed_requests"] = x.slowed;
    j["extra_latency_ms"] = round6(x.extra_ms);
    // Recovery: after the fault's end (or the restart), who took it back when.
    if (std::isfinite(x.u)) {
      j["registry_recovered_at_s"] = time_or_null(q.first({"registry.healthy", "registry.registered"}, x.t, x.u));
      j["lb_readded_at_s"] = time_or_null(q.first(
          {"lb.pool_added", "lb.check_healthy", "lb.outlier_readmitted", "lb.breaker_half_open", "lb.passive_trial"},
          x.t, x.u));
      j["detector_recovered_at_s"] = time_or_null(q.first({"alert.SERVICE_RECOVERED"}, x.t, x.u));
      j["lb_first_selected_again_at_s"] = time_or_null(x.first_sel);
      j["recovered_at_s"] = time_or_null(x.first_ok);
    } else {
      j["recovered_at_s"] = nullptr;
    }
    out.push_back(j);
  }
  return out;
}

} // namespace svcsim
