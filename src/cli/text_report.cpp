#include "cli/text_report.hpp"

#include <fmt/format.h>

namespace svcsim
{

static std::string num(const nlohmann::ordered_json& v, const char* f = "{:.1f}")
{
  if (v.is_null())
    return "never";
  return fmt::format(fmt::runtime(f), v.get<double>());
}

void print_text_report(std::ostream& out, const nlohmann::ordered_json& s, const std::string& out_dir)
{
  const auto& r = s["requests"];
  out << fmt::format("== {} (seed {}): {} simulated seconds ==\n", s["scenario"].get<std::string>(),
                     s["seed"].get<uint64_t>(), num(s["sim_time_s"]));
  out << fmt::format("Requests: {} total, {} success, {} failed ({} timeouts)\n", r["total"].get<uint64_t>(),
                     r["success"].get<uint64_t>(), r["failed"].get<uint64_t>(), r["timeouts"].get<uint64_t>());
  const auto& l = r["latency_ms"];
  if (!l.is_null())
    out << fmt::format("Latency (ms): avg {} min {} max {} p50 {} p95 {} p99 {}\n", num(l["mean"]), num(l["min"]),
                       num(l["max"]), num(l["p50"]), num(l["p95"]), num(l["p99"]));
  out << "Status codes:";
  for (const auto& [k, v] : r["by_status"].items())
    out << " " << k << ": " << v.get<uint64_t>();
  out << "\nAchieved RPS: " << num(r["achieved_rps"], "{:.2f}") << "\n";
  uint64_t served_total = 0;
  for (const auto& [k, v] : s["by_instance"].items())
    served_total += v["served"].get<uint64_t>();
  out << "Per instance (served / failed attempts):\n";
  for (const auto& [k, v] : s["by_instance"].items()) {
    uint64_t served = v["served"].get<uint64_t>();
    if (served == 0 && v["failed"].get<uint64_t>() == 0)
      continue;
    out << fmt::format("  {:<22} {:>7} {:>5.1f}%  failed {}\n", k, served,
                       served_total ? 100.0 * static_cast<double>(served) / static_cast<double>(served_total) : 0.0,
                       v["failed"].get<uint64_t>());
  }
  const auto& lb = s["load_balancer"];
  out << fmt::format("Load balancer: {} attempts, {} retries, {} with no healthy instance\n",
                     lb["attempts"].get<uint64_t>(), lb["retries"].get<uint64_t>(), lb["no_healthy"].get<uint64_t>());
  for (const auto& f : s["faults"]) {
    out << fmt::format("Fault {} of {} at {} s{}\n", f["kind"].get<std::string>(), f["target"].get<std::string>(),
                       num(f["at_s"], "{:.3f}"),
                       f["until_s"].is_null() ? "" : " until " + num(f["until_s"], "{:.3f}") + " s");
    if (f.contains("registry_unhealthy_at_s")) {
      out << fmt::format("  last heartbeat sent      {}\n", num(f["last_heartbeat_at_s"], "{:.3f}"));
      out << fmt::format("  registry marked unhealthy {}\n", num(f["registry_unhealthy_at_s"], "{:.3f}"));
      out << fmt::format("  detector alert            {}\n", num(f["detector_alert_at_s"], "{:.3f}"));
      out << fmt::format("  balancer last selected    {}\n", num(f["lb_last_selected_at_s"], "{:.3f}"));
      out << fmt::format("  balancer excluded         {}\n", num(f["lb_excluded_at_s"], "{:.3f}"));
    }
    out << fmt::format("  clients: {} failed, {} retried, {} slowed (+{} ms in all)\n",
                       f["failed_requests"].get<uint64_t>(), f["retried_requests"].get<uint64_t>(),
                       f["slowed_requests"].get<uint64_t>(), num(f["extra_latency_ms"]));
    if (f.contains("lb_readded_at_s"))
      out << fmt::format("  recovery: registry {}, balancer {}, detector {}, first served {}\n",
                         num(f["registry_recovered_at_s"], "{:.3f}"), num(f["lb_readded_at_s"], "{:.3f}"),
                         num(f["detector_recovered_at_s"], "{:.3f}"), num(f["recovered_at_s"], "{:.3f}"));
  }
  if (!s["alerts"].empty()) {
    out << "Alerts:\n";
    for (const auto& a : s["alerts"])
      out << fmt::format("  {:>10} s  {:<17} {}\n", num(a["at_s"], "{:.3f}"), a["kind"].get<std::string>(),
                         a["instance"].get<std::string>());
  }
  out << "Results: " << out_dir << "/summary.json, results.sqlite, system.sqlite, perf.json\n";
}

} // namespace svcsim
