#include "metrics/fault_report.hpp"

#include "metrics/percentile.hpp"
#include "metrics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace svcsim {

using ojson = nlohmann::ordered_json;

namespace {

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
    double last_sel = INFINITY, first_sel = INFINITY, first_ok = INFINITY;
    std::vector<uint64_t> touched; // requests with a failed attempt on the target during the fault
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
    if (f.kind != FaultKind::RESTART)
      x.excluded = q.first({"lb.pool_removed", "lb.check_unhealthy"}, x.t, x.a);
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
    if (f.kind != FaultKind::RESTART) {
      j["last_heartbeat_at_s"] = time_or_null(q.last("instance.heartbeat_sent", x.t, x.a));
      j["registry_unhealthy_at_s"] = time_or_null(q.first({"registry.unhealthy"}, x.t, x.a));
      j["lb_last_selected_at_s"] = time_or_null(x.last_sel);
      j["lb_excluded_at_s"] = time_or_null(x.excluded);
      j["detector_alert_at_s"] = time_or_null(q.first({"alert.SERVICE_DOWN"}, x.t, x.a));
    }
    j["failed_requests"] = x.failed;
    j["retried_requests"] = x.retried;
    j["slowed_requests"] = x.slowed;
    j["extra_latency_ms"] = round6(x.extra_ms);
    // Recovery: after the fault's end (or the restart), who took it back when.
    if (std::isfinite(x.u)) {
      j["registry_recovered_at_s"] = time_or_null(q.first({"registry.healthy", "registry.registered"}, x.t, x.u));
      j["lb_readded_at_s"] = time_or_null(q.first({"lb.pool_added", "lb.check_healthy"}, x.t, x.u));
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
