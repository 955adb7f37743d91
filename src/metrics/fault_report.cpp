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
  const auto& reqs = run.recorder.requests();
  const auto& attempts = run.recorder.attempts();
  EventQuery q{run.recorder.events()};
  std::vector<uint8_t> n_attempts = attempts_per_request(run);

  // Normal latency per endpoint: the median of requests served at the first attempt.
  std::map<uint32_t, std::vector<double>> normal_samples;
  for (size_t i = 0; i < reqs.size(); i++)
    if (reqs[i].outcome == Outcome::SUCCESS && n_attempts[i] == 1)
      normal_samples[reqs[i].endpoint].push_back((reqs[i].end_s - reqs[i].sent_s) * 1000.0);
  std::map<uint32_t, double> normal;
  for (auto& [ep, v] : normal_samples) {
    std::sort(v.begin(), v.end());
    normal[ep] = nearest_rank(v, 50);
  }

  auto find = [&](const std::string& name) {
    for (size_t i = 0; i < run.component_names.size(); i++)
      if (run.component_names[i] == name)
        return static_cast<int>(i);
    return -1;
  };

  ojson out = ojson::array();
  for (const Fault& f : sc.faults) {
    int t = find(f.target);
    double a = f.at_s;
    double u = f.kind == FaultKind::RESTART ? f.at_s : f.until_s.value_or(INFINITY);
    ojson j;
    j["kind"] = fault_kind_name(f.kind);
    j["target"] = f.target;
    j["at_s"] = round6(a);
    j["until_s"] = f.until_s ? ojson(round6(*f.until_s)) : ojson(nullptr);
    double excluded = INFINITY;
    if (f.kind != FaultKind::RESTART) {
      j["last_heartbeat_at_s"] = time_or_null(q.last("instance.heartbeat_sent", t, a));
      j["registry_unhealthy_at_s"] = time_or_null(q.first({"registry.unhealthy"}, t, a));
      excluded = q.first({"lb.pool_removed", "lb.check_unhealthy"}, t, a);
      double last_sel = INFINITY;
      for (const auto& at : attempts)
        if (at.instance == t && at.start_s >= a && at.start_s <= std::min(excluded, u))
          last_sel = at.start_s;
      j["lb_last_selected_at_s"] = time_or_null(last_sel);
      j["lb_excluded_at_s"] = time_or_null(excluded);
      j["detector_alert_at_s"] = time_or_null(q.first({"alert.SERVICE_DOWN"}, t, a));
    }
    // What clients felt: requests with a failed attempt on the target during the fault.
    uint64_t failed = 0, retried = 0, slowed = 0;
    double extra_ms = 0;
    std::vector<char> touched(reqs.size(), 0);
    for (const auto& at : attempts)
      if (at.instance == t && at.end_s >= a && at.start_s <= u && at.outcome != AttemptOutcome::ANSWERED)
        touched[at.request] = 1;
    double window_end = std::isfinite(u) ? u : INFINITY;
    for (size_t i = 0; i < reqs.size(); i++) {
      const RequestRecord& r = reqs[i];
      bool in_window = r.sent_s >= a && r.sent_s <= window_end;
      if (in_window && r.outcome != Outcome::SUCCESS && r.outcome != Outcome::PENDING)
        failed++;
      if (!touched[i])
        continue;
      if (n_attempts[i] > 1)
        retried++;
      if (r.outcome != Outcome::PENDING) {
        slowed++;
        auto it = normal.find(r.endpoint);
        double base = it == normal.end() ? 0 : it->second;
        extra_ms += std::max(0.0, (r.end_s - r.sent_s) * 1000.0 - base);
      }
    }
    j["failed_requests"] = failed;
    j["retried_requests"] = retried;
    j["slowed_requests"] = slowed;
    j["extra_latency_ms"] = round6(extra_ms);
    // Recovery: after the fault's end (or the restart), who took it back when.
    if (std::isfinite(u)) {
      j["registry_recovered_at_s"] = time_or_null(q.first({"registry.healthy", "registry.registered"}, t, u));
      j["lb_readded_at_s"] = time_or_null(q.first({"lb.pool_added", "lb.check_healthy"}, t, u));
      j["detector_recovered_at_s"] = time_or_null(q.first({"alert.SERVICE_RECOVERED"}, t, u));
      double first_sel = INFINITY, first_ok = INFINITY;
      for (const auto& at : attempts)
        if (at.instance == t && at.start_s >= u) {
          first_sel = std::min(first_sel, at.start_s);
          if (at.outcome == AttemptOutcome::ANSWERED)
            first_ok = std::min(first_ok, at.end_s);
        }
      j["lb_first_selected_again_at_s"] = time_or_null(first_sel);
      j["recovered_at_s"] = time_or_null(first_ok);
    } else {
      j["recovered_at_s"] = nullptr;
    }
    out.push_back(j);
  }
  return out;
}

} // namespace svcsim
