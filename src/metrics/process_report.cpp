#include "metrics/process_report.hpp"

#include "metrics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace svcsim
{

namespace
{

// The load window: from the first workload's start to the last one's end, in whole seconds.
std::pair<size_t, size_t> load_window(const Scenario& sc)
{
  double from = 0;
  double to = 0;
  bool any = false;
  for (const auto& w : sc.workloads) {
    double end = w.start_s + (w.count ? static_cast<double>(*w.count) / w.rps : w.duration_s);
    from = any ? std::min(from, w.start_s) : w.start_s;
    to = any ? std::max(to, end) : end;
    any = true;
  }
  return {static_cast<size_t>(std::floor(from)), static_cast<size_t>(std::ceil(to))};
}

double sum(const std::vector<float>& v, size_t from, size_t to)
{
  double s = 0;
  for (size_t i = from; i < to && i < v.size(); i++)
    s += v[i];
  return s;
}

} // namespace

void add_process_report(nlohmann::ordered_json& summary, const Scenario& sc, const RunOutput& run)
{
  using ojson = nlohmann::ordered_json;
  auto [from, to] = load_window(sc);
  double window = static_cast<double>(to > from ? to - from : 1);
  double requests = static_cast<double>(run.recorder.request_count());
  const auto& procs = run.recorder.processes;
  size_t n = std::min(procs.size(), sc.deployment.components.size());

  ojson processes = ojson::object();
  std::map<std::string, std::pair<double, int>> hosts; // CPU seconds in the window, cores
  int busiest = -1;
  double busiest_share = -1;
  for (size_t i = 0; i < n; i++) {
    const ProcessStats& p = procs[i];
    double busy = sum(p.busy_by_second, from, to);
    double cpu = sum(p.cpu_by_second, from, to);
    double peak = 0;
    ojson saturated = nullptr;
    uint64_t saturated_seconds = 0; // in the load window: a cold start's one or two, or a lasting overload
    for (size_t s = 0; s < p.busy_by_second.size(); s++) {
      peak = std::max(peak, static_cast<double>(p.busy_by_second[s]));
      bool full = p.busy_by_second[s] >= SATURATED_BUSY_SHARE;
      if (saturated.is_null() && full)
        saturated = static_cast<double>(s);
      if (full && s >= from && s < to)
        saturated_seconds++;
    }
    auto& h = hosts[run.component_hosts[i]];
    h.first += cpu;
    h.second = run.component_cores[i];
    processes[run.component_names[i]] = {
        {"host", run.component_hosts[i]},
        {"cpu_s", round6(p.cpu_s)},
        {"load_cpu_share", round6(cpu / window)},
        {"load_busy_share", round6(busy / window)},
        {"cpu_ms_per_request", requests > 0 ? ojson(round6(cpu * 1000 / requests)) : ojson(nullptr)},
        {"peak_busy_share_1s", round6(peak)},
        {"saturated_at_s", saturated},
        {"saturated_seconds", saturated_seconds},
        {"events", p.events},
        {"wakeups", p.wakeups},
        {"max_ready", p.max_ready},
        {"max_ready_bytes", p.max_ready_bytes},
        {"max_accept_queue", p.max_accept_queue},
        {"connections_opened", p.connections_opened},
        {"handshakes_dropped", p.handshakes_dropped},
        {"syn_retransmits", p.syn_retransmits}};
    if (busy / window > busiest_share) {
      busiest_share = busy / window;
      busiest = static_cast<int>(i);
    }
  }
  summary["processes"] = processes;

  ojson machines = ojson::object();
  for (const auto& [host, h] : hosts)
    machines[host] = {{"cores", h.second}, {"load_cpu_share", round6(h.first / (window * h.second))}};
  ojson capacity = {{"load_window_s", {from, to}}, {"busiest_process", nullptr}};
  if (busiest >= 0) {
    const ojson& b = processes[run.component_names[static_cast<size_t>(busiest)]];
    capacity["busiest_process"] = run.component_names[static_cast<size_t>(busiest)];
    capacity["busiest_load_busy_share"] = b["load_busy_share"];
    capacity["busiest_saturated_at_s"] = b["saturated_at_s"];
    capacity["busiest_saturated_seconds"] = b["saturated_seconds"];
  }
  capacity["machines"] = machines;
  summary["capacity"] = capacity;
}

} // namespace svcsim
