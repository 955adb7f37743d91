#include "metrics/summary.hpp"

#include "metrics/process_report.hpp"

#include "metrics/fault_report.hpp"
#include "metrics/lb_mechanism_report.hpp"
#include "metrics/percentile.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace svcsim
{

using ojson = nlohmann::ordered_json;

double round6(double x)
{
  double r = std::round(x * 1e6) / 1e6;
  return r == 0 ? 0.0 : r; // no "-0.0"
}

std::vector<uint8_t> attempts_per_request(const RunOutput& run)
{
  std::vector<uint8_t> n(run.recorder.request_count(), 0);
  for (size_t i = 0; i < n.size(); i++)
    n[i] = run.recorder.attempts_of(i);
  return n;
}

namespace
{

// Totals and latency for a set of requests (all, or one endpoint's), fed one request at a time in id order
// (the order fixes the floating-point sum of the mean).
struct RequestBlock {
  uint64_t total = 0, success = 0, timeouts = 0;
  // status key -> count; keys: HTTP status, or -1 timeout, -2 conn_error, -3 unfinished (named at the end)
  std::vector<std::pair<int, uint64_t>> by_status;
  std::vector<double> lat;
  double first_send = INFINITY, last_end = -INFINITY;
  double sum = 0;

  void add(const RequestRecord& r)
  {
    total++;
    int key;
    switch (r.outcome) {
    case Outcome::TIMEOUT:
      key = -1;
      break;
    case Outcome::CONN_ERROR:
      key = -2;
      break;
    case Outcome::PENDING:
      key = -3;
      break;
    default:
      key = r.status;
      break;
    }
    bool found = false;
    for (auto& [k, n] : by_status)
      if (k == key) {
        n++;
        found = true;
        break;
      }
    if (!found)
      by_status.emplace_back(key, 1);
    first_send = std::min(first_send, r.sent_s);
    if (r.outcome == Outcome::SUCCESS)
      success++;
    if (r.outcome == Outcome::TIMEOUT)
      timeouts++;
    if (r.outcome != Outcome::PENDING) {
      double ms = (r.end_s - r.sent_s) * 1000.0;
      lat.push_back(ms);
      sum += ms;
      last_end = std::max(last_end, r.end_s);
    }
  }

  ojson to_json()
  {
    std::sort(lat.begin(), lat.end());
    ojson latency = nullptr;
    if (!lat.empty())
      latency = {{"min", round6(lat.front())},           {"mean", round6(sum / static_cast<double>(lat.size()))},
                 {"p50", round6(nearest_rank(lat, 50))}, {"p95", round6(nearest_rank(lat, 95))},
                 {"p99", round6(nearest_rank(lat, 99))}, {"max", round6(lat.back())}};
    std::map<std::string, uint64_t> named; // std::map: "200" < "502" < "timeout", stable
    for (const auto& [k, n] : by_status)
      named[k == -1 ? "timeout" : k == -2 ? "conn_error" : k == -3 ? "unfinished" : std::to_string(k)] += n;
    ojson statuses = ojson::object();
    for (const auto& [k, v] : named)
      statuses[k] = v;
    double span = last_end - first_send;
    ojson achieved = nullptr;
    if (!lat.empty() && span > 0)
      achieved = round6(static_cast<double>(lat.size()) / span);
    ojson out{{"total", total},        {"success", success},    {"failed", total - success}, {"timeouts", timeouts},
              {"by_status", statuses}, {"latency_ms", latency}, {"achieved_rps", achieved}};
    std::vector<double>().swap(lat);
    return out;
  }
};

} // namespace

ojson build_summary(const Scenario& sc, const RunOutput& run, const std::string& scenario_sha256)
{
  ojson s;
  s["scenario"] = sc.name;
  s["seed"] = sc.seed;
  s["sim_time_s"] = round6(run.sim_time_s);
  s["model"] = sc.model.name;
  s["version"] = SVCSIM_VERSION;
  s["scenario_sha256"] = scenario_sha256;

  // One pass over the rows (memory or spill). With a single endpoint its block is the whole run's: the same
  // requests in the same order give the same numbers, so it is computed once.
  RequestBlock all;
  std::map<uint32_t, RequestBlock> by_ep;
  uint32_t first_ep = 0;
  bool one_endpoint = true;
  run.recorder.for_each_request([&](uint64_t id, const RequestRecord& r) {
    all.add(r);
    if (id == 0)
      first_ep = r.endpoint;
    if (one_endpoint && r.endpoint != first_ep) {
      one_endpoint = false; // from here on every endpoint has its own block: replay the first one's rows
      RequestBlock& first = by_ep[first_ep];
      run.recorder.for_each_request([&](uint64_t id2, const RequestRecord& r2) {
        if (id2 < id)
          first.add(r2);
      });
    }
    if (!one_endpoint)
      by_ep[r.endpoint].add(r);
  });
  std::map<std::string, ojson> eps;
  if (one_endpoint) {
    if (all.total > 0) {
      ojson block = all.to_json();
      s["requests"] = block;
      eps[run.endpoint_paths[first_ep]] = block;
    } else {
      s["requests"] = all.to_json();
    }
  } else {
    s["requests"] = all.to_json();
    for (auto& [ep, block] : by_ep)
      eps[run.endpoint_paths[ep]] = block.to_json();
  }
  s["by_endpoint"] = ojson::object();
  for (auto& [k, v] : eps)
    s["by_endpoint"][k] = v;

  // by_instance: every instance of the deployment, in deployment order.
  std::vector<uint64_t> served(run.component_names.size(), 0), failed(run.component_names.size(), 0);
  run.recorder.for_each_attempt(
      [&](const AttemptRecord& a) { (a.outcome == AttemptOutcome::ANSWERED ? served : failed)[a.instance]++; });
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
  add_lb_mechanism_counters(lb, sc.model, run.recorder); // nothing unless a mechanism is on
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
      alerts.push_back(
          {{"at_s", round6(e.at_s)}, {"kind", e.kind.substr(6)}, {"instance", run.component_names[e.subject]}});
  s["alerts"] = alerts;

  ojson comps = ojson::object();
  for (size_t i = 0; i < sc.deployment.components.size(); i++) {
    const Component& c = sc.deployment.components[i];
    comps[c.name] = {{"host", c.host}, {"start_s", round6(c.start_s)}, {"started", run.component_started[i] != 0}};
  }
  s["components"] = comps;
  if (sc.model.process.cpu)
    add_process_report(s, sc, run);
  return s;
}

std::vector<SeriesRow> build_series(const RunOutput& run)
{
  // Built by the recorder while the run goes (metrics/recorder.cpp): the same rows as grouping the request
  // rows by the second they were sent / ended in, without holding the rows.
  std::vector<SeriesRow> out;
  out.reserve(run.recorder.series().size());
  for (const auto& x : run.recorder.series())
    out.push_back(
        SeriesRow{x.second, x.sent, x.completed, x.success, x.failed, x.mean_ms, x.p50_ms, x.p95_ms, x.p99_ms});
  return out;
}

} // namespace svcsim
