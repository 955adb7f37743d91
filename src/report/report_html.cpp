#include "report/report_html.hpp"

#include "metrics/summary.hpp"
#include "report/charts.hpp"
#include "report/html_sections.hpp"
#include "report/processes.hpp"
#include "report/svg.hpp"
#include "report/timeline.hpp"
#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace svcsim
{

using ojson = nlohmann::ordered_json;
using report::fmt_num;
using report::json_value_text;
using report::xml_escape;

namespace
{

const char* CSS = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#222}
header{background:#1f2937;color:#f9fafb;padding:14px 24px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#cbd5e1}
nav{margin-top:8px}nav a{color:#93c5fd;margin-right:14px;text-decoration:none}
section{background:#fff;margin:16px 24px;padding:10px 20px 16px;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h2{font-size:18px;margin:6px 0 10px}h3{font-size:15px;margin:14px 0 4px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:10px;margin-bottom:12px}
.card{border:1px solid #e5e7eb;border-radius:6px;padding:6px 10px}
.card .v{font-size:21px;font-weight:600}.card .k{color:#6b7280;font-size:12px}
table{border-collapse:collapse;margin:6px 0 10px}
th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:right;vertical-align:top}
th{background:#f9fafb;font-weight:600}
th:first-child,td:first-child{text-align:left}
table.fault td:nth-child(4),table.fault th:nth-child(4){text-align:left;color:#6b7280}
table.left th,table.left td{text-align:left}
table.processes td:first-child{white-space:nowrap}
.bad{color:#d62728;font-weight:600}.good{color:#2ca02c;font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;margin-right:6px}
.badge.alert{background:#fde2e2;color:#9b1c1c}.badge.ok{background:#dcfce7;color:#166534}
.bar{display:inline-block;height:10px;vertical-align:middle;border-radius:2px}
.chart{overflow-x:auto}.chart svg{max-width:100%;height:auto;display:block}
.note{color:#6b7280;font-size:12.5px}
footer{margin:16px 24px 30px;color:#6b7280;font-size:12px}
)";

std::string card(const std::string& value, const std::string& label, const char* cls = nullptr)
{
  return fmt::format("<div class=\"card\"><div class=\"v{}\">{}</div><div class=\"k\">{}</div></div>\n",
                     cls ? std::string(" ") + cls : "", value, label);
}

const ojson& member(const ojson& j, const char* key)
{
  static const ojson null_value;
  return j.is_object() && j.contains(key) ? j[key] : null_value;
}

std::string summary_section(const ojson& s, const report::Timeline& tl)
{
  const ojson& req = member(s, "requests");
  const ojson& lat = member(req, "latency_ms");
  uint64_t total = member(req, "total").is_number() ? member(req, "total").get<uint64_t>() : 0;
  uint64_t failed = member(req, "failed").is_number() ? member(req, "failed").get<uint64_t>() : 0;
  std::string h = "<section id=\"summary\"><h2>Request metrics</h2>\n<div class=\"cards\">\n";
  h += card(json_value_text(req, "total"), "requests sent");
  h += card(json_value_text(req, "success"), "success (2xx)", "good");
  h += card(json_value_text(req, "failed"), "failed", failed ? "bad" : nullptr);
  h += card(json_value_text(req, "timeouts"), "client timeouts");
  h += card(total ? fmt_num(100.0 * static_cast<double>(total - failed) / static_cast<double>(total), 2) + "%" : "–",
            "success rate");
  h += card(json_value_text(req, "achieved_rps", 2), "achieved RPS");
  for (const char* k : {"p50", "p95", "p99", "mean", "max"})
    h += card(json_value_text(lat, k, 1) + " ms", std::string("latency ") + k);
  h += "</div>\n<p>Status codes: ";
  for (const auto& [code, n] : member(req, "by_status").items())
    h += fmt::format("<span class=\"badge {}\">{}: {}</span>", code.size() == 3 && code[0] == '2' ? "ok" : "alert",
                     xml_escape(code), n.dump());
  const ojson& lb = member(s, "load_balancer");
  const ojson& reg = member(s, "registry");
  h += fmt::format("</p>\n<p>Load balancer: {} attempts, {} retries, {} requests found no healthy instance. "
                   "Registry: {} registrations, {} heartbeats, {} heartbeats from unknown instances.</p>\n",
                   json_value_text(lb, "attempts"), json_value_text(lb, "retries"), json_value_text(lb, "no_healthy"),
                   json_value_text(reg, "registrations"), json_value_text(reg, "heartbeats"),
                   json_value_text(reg, "unknown_heartbeats"));
  h += fmt::format("<h3>Service availability at the end of the run ({} s)</h3>\n", fmt_num(tl.end_s));
  h += report::availability_table(tl);
  return h + "</section>\n";
}

std::string latency_section(const ojson& s, const std::vector<double>& sorted_ms)
{
  const ojson& lat = member(member(s, "requests"), "latency_ms");
  double pct[3] = {NAN, NAN, NAN};
  const char* keys[3] = {"p50", "p95", "p99"};
  for (int k = 0; k < 3; k++)
    if (member(lat, keys[k]).is_number())
      pct[k] = member(lat, keys[k]).get<double>();
  std::string h = "<section id=\"latency\"><h2>Latency</h2>\n"
                  "<p class=\"note\">Every request that ended (success or not), from the client's send to its answer. "
                  "Percentiles are nearest-rank, the same numbers as summary.json and tools/plot.</p>\n"
                  "<div class=\"chart\">" +
                  report::ecdf_svg(sorted_ms, pct) + "</div>\n";
  h += "<h3>By endpoint</h3>\n<table><tr><th>endpoint</th><th>requests</th><th>success</th><th>failed</th>"
       "<th>p50 (ms)</th><th>p95 (ms)</th><th>p99 (ms)</th><th>max (ms)</th><th>achieved RPS</th></tr>\n";
  for (const auto& [ep, b] : member(s, "by_endpoint").items()) {
    const ojson& l = member(b, "latency_ms");
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                     "<td>{}</td></tr>\n",
                     xml_escape(ep), json_value_text(b, "total"), json_value_text(b, "success"),
                     member(b, "failed").is_number() && member(b, "failed").get<double>() > 0 ? " class=\"bad\"" : "",
                     json_value_text(b, "failed"), json_value_text(l, "p50"), json_value_text(l, "p95"),
                     json_value_text(l, "p99"), json_value_text(l, "max"), json_value_text(b, "achieved_rps", 2));
  }
  return h + "</table>\n</section>\n";
}

std::string throughput_section(const std::vector<SeriesRow>& series, const report::Timeline& tl)
{
  std::string h = "<section id=\"throughput\"><h2>Requests per second over time</h2>\n"
                  "<p class=\"note\">Per second of simulated time, by the second a request ended. Shaded: "
                  "injected faults (from the fault injector's events).</p>\n";
  h += "<h3>Latency p50 / p95 / p99 per second</h3><div class=\"chart\">" +
       report::percentiles_svg(series, tl.windows) + "</div>\n";
  h += "<h3>Throughput per second</h3><div class=\"chart\">" + report::throughput_svg(series, tl.windows) + "</div>\n";
  return h + "</section>\n";
}

std::string instances_section(const Scenario& sc, const ojson& s)
{
  std::string h = "<section id=\"instances\"><h2>Request distribution</h2>\n<h3>Per service type</h3>\n";
  // By the endpoint's path prefix (/api/<type>/...), as the balancer routes them.
  std::map<std::string, uint64_t> by_type;
  uint64_t total = 0;
  for (const auto& [ep, b] : member(s, "by_endpoint").items()) {
    std::string type = "other";
    for (int t = 0; t < SERVICE_TYPE_COUNT; t++) {
      std::string name = service_type_name(static_cast<ServiceType>(t));
      if (ep.rfind("/api/" + name + "/", 0) == 0 || ep == "/api/" + name)
        type = name;
    }
    uint64_t n = member(b, "total").is_number() ? member(b, "total").get<uint64_t>() : 0;
    by_type[type] += n;
    total += n;
  }
  h += "<table><tr><th>type</th><th>requests</th><th>share</th><th></th></tr>\n";
  for (int t = 0; t < SERVICE_TYPE_COUNT; t++)
    by_type.emplace(service_type_name(static_cast<ServiceType>(t)), 0);
  for (const auto& [type, n] : by_type) {
    double share = total ? 100.0 * static_cast<double>(n) / static_cast<double>(total) : 0;
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}%</td><td style=\"text-align:left;width:320px\">"
                     "<span class=\"bar\" style=\"width:{}px;background:{}\"></span></td></tr>\n",
                     xml_escape(type), n, fmt_num(share, 1), fmt_num(3 * share, 0), report::type_color(type));
  }
  h += "</table>\n<h3>Per instance (balancer attempts)</h3><div class=\"chart\">";
  std::vector<report::InstanceBar> bars;
  for (const auto& c : sc.deployment.components)
    if (c.kind == ComponentKind::INSTANCE) {
      const ojson& b = member(member(s, "by_instance"), c.name.c_str());
      bars.push_back({c.name, service_type_name(c.type),
                      member(b, "served").is_number() ? member(b, "served").get<uint64_t>() : 0,
                      member(b, "failed").is_number() ? member(b, "failed").get<uint64_t>() : 0});
    }
  h += report::instance_share_svg(bars) + "</div>\n";
  return h + "</section>\n";
}

std::string timeline_section(const report::Timeline& tl)
{
  return "<section id=\"timeline\"><h2>Health of every instance over time</h2>\n"
         "<p class=\"note\">One lane per instance. <b>process</b>: what really happened to it; <b>registry</b>: "
         "heartbeat-based status; <b>balancer</b>: in its pool and passing its health checks; <b>detector</b>: the "
         "fault detector's status (the dashboard's view). Hover a bar or a marker for exact times.</p>\n"
         "<div class=\"chart\">" +
         report::timeline_svg(tl) + "</div>\n</section>\n";
}

} // namespace

std::string render_report_html(const Scenario& sc, const RunOutput& run, const ojson& summary)
{
  // Latencies exactly as build_summary computes them, so the ECDF and the marked percentiles agree.
  std::vector<double> sorted_ms;
  // for_each_request: a long run's rows are in the recorder's spill files, not in requests().
  sorted_ms.reserve(run.recorder.request_count());
  run.recorder.for_each_request([&](uint64_t, const RequestRecord& r) {
    if (r.outcome != Outcome::PENDING)
      sorted_ms.push_back((r.end_s - r.sent_s) * 1000.0);
  });
  std::sort(sorted_ms.begin(), sorted_ms.end());
  std::vector<SeriesRow> series = build_series(run);
  static const ojson no_faults = ojson::array();
  report::Timeline tl = report::build_timeline(sc, run, summary.contains("faults") ? summary["faults"] : no_faults);

  std::string name = xml_escape(summary.value("scenario", sc.name));
  std::string h;
  h.reserve(256 * 1024);
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>svcsim report: " + name + "</title>\n<style>" + CSS + "</style>\n</head>\n<body>\n";
  h += fmt::format("<header><h1>{}</h1><p>seed {} · model {} · {} s of simulated time (t = 0 is "
                   "2025-01-01T00:00:00Z) · {} requests · svcsim {}</p>\n",
                   name, json_value_text(summary, "seed"), json_value_text(summary, "model"),
                   json_value_text(summary, "sim_time_s"), json_value_text(member(summary, "requests"), "total"),
                   json_value_text(summary, "version"));
  h += "<nav><a href=\"#summary\">Summary</a><a href=\"#latency\">Latency</a><a href=\"#throughput\">RPS</a>"
       "<a href=\"#instances\">Distribution</a>";
  if (summary.contains("processes"))
    h += "<a href=\"#processes\">Processes</a>";
  h += "<a href=\"#timeline\">Health timeline</a><a href=\"#alerts\">Alerts</a>"
       "<a href=\"#faults\">Failover report</a></nav></header>\n";
  h += summary_section(summary, tl);
  h += latency_section(summary, sorted_ms);
  h += throughput_section(series, tl);
  h += instances_section(sc, summary);
  h += report::processes_section(summary, run, tl.windows);
  h += timeline_section(tl);
  h += report::alerts_section(summary);
  h += report::faults_section(summary);
  h += fmt::format("<footer>Scenario {} · sha256 {} · written by svcsim {}. Every time on this page is simulated "
                   "time; the run's data: summary.json, results.sqlite.</footer>\n</body>\n</html>\n",
                   xml_escape(sc.file.substr(sc.file.find_last_of('/') + 1)),
                   json_value_text(summary, "scenario_sha256"), json_value_text(summary, "version"));
  return h;
}

void write_report_html(const std::string& path, const Scenario& sc, const RunOutput& run, const ojson& summary)
{
  save_file_atomic(path, render_report_html(sc, run, summary));
}

} // namespace svcsim
