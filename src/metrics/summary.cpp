#include "metrics/summary.hpp"

#include "metrics/fault_report.hpp"
#include "metrics/percentile.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace svcsim {

using ojson = nlohmann::ordered_json;

double round6(double x)
{
  double r = std::round(x * 1e6) / 1e6;
  return r == 0 ? 0.0 : r; // no "-0.0"
}

std::vector<uint8_t> attempts_per_request(const RunOutput& run)
{
  std::vector<uint8_t> n(run.recorder.requests().size(), 0);
  for (const auto& a : run.recorder.attempts())
    if (a.request < n.size() && n[a.request] < 255)
      n[a.request]++;
  return n;
}

static std::string status_key(const RequestRecord& r)
{
  switch (r.outcome) {
    case Outcome::TIMEOUT: return "timeout";
    case Outcome::CONN_ERROR: return "conn_error";
    case Outcome::PENDING: return "unfinished";
    default: return std::to_string(r.status);
  }
}

// Totals and latency for a set of requests (all, or one endpoint's).
static ojson request_block(const std::vector<const RequestRecord*>& rs)
{
  uint64_t success = 0, timeouts = 0;
  std::map<std::string, uint64_t> by_status;
  std::vector<double> lat;
  double first_send = INFINITY, last_end = -INFINITY;
  double sum = 0;
  for (const RequestRecord* r : rs) {
    by_status[status_key(*r)]++;
    first_send = std::min(first_send, r->sent_s);
    if (r->outcome == Outcome::SUCCESS)
      success++;
    if (r->outcome == Outcome::TIMEOUT)
      timeouts++;
    if (r->outcome != Outcome::PENDING) {
      double ms = (r->end_s - r->sent_s) * 1000.0;
      lat.push_back(ms);
      sum += ms;
      last_end = std::max(last_end, r->end_s);
    }
  }
  std::sort(lat.begin(), lat.end());
  ojson latency = nullptr;
  if (!lat.empty())
    latency = {{"min", round6(lat.front())},
               {"mean", round6(sum / static_cast<double>(lat.size()))},
               {"p50", round6(nearest_rank(lat, 50))},
               {"p95", round6(nearest_rank(lat, 95))},
               {"p99", round6(nearest_rank(lat, 99))},
               {"max", round6(lat.back())}};
  ojson statuses = ojson::object();
  for (const auto& [k, v] : by_status) // std::map: "200" < "502" < "timeout", stable
    statuses[k] = v;
  double span = last_end - first_send;
  ojson achieved = nullptr;
  if (!lat.empty() && span > 0)
    achieved = round6(static_cast<double>(lat.size()) / span);
  return ojson{{"total", rs.size()},         {"success", success},     {"failed", rs.size() - success},
               {"timeouts", timeouts},       {"by_status", statuses},  {"latency_ms", latency},
               {"achieved_rps", achieved}};
}

ojson build_summary(const Scenario& sc, const RunOutput& run, const std::string& scenario_sha256)
{
  const auto& reqs = run.recorder.requests();
  ojson s;
  s["scenario"] = sc.name;
  s["seed"] = sc.seed;
  s["sim_time_s"] = round6(run.sim_time_s);
  s["model"] = sc.model.name;
  s["version"] = SVCSIM_VERSION;
  s["scenario_sha256"] = scenario_sha256;

  std::vector<const RequestRecord*> all;
  std::map<uint32_t, std::vector<const RequestRecord*>> by_ep;
  for (const auto& r : reqs) {
    all.push_back(&r);
    by_ep[r.endpoint].push_back(&r);
  }
  s["requests"] = request_block(all);
  std::map<std::string, ojson> eps;
  for (const auto& [ep, rs] : by_ep)
    eps[run.endpoint_paths[ep]] = request_block(rs);
  s["by_endpoint"] = ojson::object();
  for (auto& [k, v] : eps)
    s["by_endpoint"][k] = v;

  // by_instance: every instance of the deployment, in deployment order.
  std::vector<uint64_t> served(run.component_names.size(), 0), failed(run.component_names.size(), 0);
  for (const auto& a : run.recorder.attempts())
    (a.outcome == AttemptOutcome::ANSWERED ? served : failed)[a.instance]++;
  ojson by_instance = ojson::object();
  for (size_t i = 0; i < sc.deployment.components.size(); i++)
    if (sc.deployment.components[i].kind == ComponentKind::INSTANCE)
      by_instance[run.component_names[i]] = {{"served", served[i]}, {"failed", failed[i]}};
  s["by_instance"] = by_instance;

  ojson lb = {{"attempts", 0}, {"retries", 0}, {"no_healthy", 0}, {"by_type", ojson::object()}};
  uint64_t at = 0, rt = 0, nh = 0;
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++) {
    const TypeCounters& c = run.recorder.lb[t];
    at += c.attempts;
    rt += c.retries;
    nh += c.no_healthy;
    lb["by_type"][service_type_name(static_cast<ServiceType>(t))] = {
        {"attempts", c.attempts}, {"retries", c.retries}, {"no_healthy", c.no_healthy}};
  }
  lb["attempts"] = at;
  lb["retries"] = rt;
  lb["no_healthy"] = nh;
  s["load_balancer"] = lb;

  s["registry"] = {{"registrations", run.recorder.registrations},
                   {"heartbeats", run.recorder.heartbeats},
                   {"unknown_heartbeats", run.recorder.unknown_heartbeats}};
  s["database"] = {{"writes", run.db_lock.writes},
                   {"lock_waits", run.db_lock.waits},
                   {"lock_wait_total_s", round6(run.db_lock.total_wait_s)},
                   {"lock_wait_max_s", round6(run.db_lock.max_wait_s)},
                   {"busy_failures", run.db_lock.busy_failures}};
  s["faults"] = build_fault_report(sc, run);

  ojson alerts = ojson::array();
  for (const auto& e : run.recorder.events())
    if (e.kind.rfind("alert.", 0) == 0)
      alerts.push_back({{"at_s", round6(e.at_s)}, {"kind", e.kind.substr(6)}, {"instance", run.component_names[e.subject]}});
  s["alerts"] = alerts;

  ojson comps = ojson::object();
  for (size_t i = 0; i < sc.deployment.components.size(); i++) {
    const Component& c = sc.deployment.components[i];
    comps[c.name] = {{"host", c.host}, {"start_s", round6(c.start_s)}, {"started", run.component_started[i] != 0}};
  }
  s["components"] = comps;
  return s;
}

std::vector<SeriesRow> build_series(const RunOutput& run)
{
  std::map<long, std::vector<double>> lat;
  std::map<long, SeriesRow> rows;
  auto row = [&](long sec) -> SeriesRow& {
    auto it = rows.find(sec);
    if (it == rows.end())
      it = rows.emplace(sec, SeriesRow{sec, 0, 0, 0, 0, NAN, NAN, NAN, NAN}).first;
    return it->second;
  };
  for (const auto& r : run.recorder.requests()) {
    row(static_cast<long>(std::floor(r.sent_s))).sent++;
    if (r.outcome == Outcome::PENDING)
      continue;
    long sec = static_cast<long>(std::floor(r.end_s));
    SeriesRow& x = row(sec);
    x.completed++;
    (r.outcome == Outcome::SUCCESS ? x.success : x.failed)++;
    lat[sec].push_back((r.end_s - r.sent_s) * 1000.0);
  }
  std::vector<SeriesRow> out;
  for (auto& [sec, x] : rows) {
    auto it = lat.find(sec);
    if (it != lat.end()) {
      auto& v = it->second;
      std::sort(v.begin(), v.end());
      double sum = 0;
      for (double d : v)
        sum += d;
      x.mean_ms = sum / static_cast<double>(v.size());
      x.p50_ms = nearest_rank(v, 50);
      x.p95_ms = nearest_rank(v, 95);
      x.p99_ms = nearest_rank(v, 99);
    }
    out.push_back(x);
  }
  return out;
}

} // namespace svcsim
