#include "report/html_sections.hpp"

#include "report/svg.hpp"

#include <fmt/format.h>

#include <cctype>
#include <map>
#include <tuple>

namespace svcsim::report
{

using ojson = nlohmann::ordered_json;

namespace
{

constexpr size_t MAX_ALERT_ROWS = 1000; // an overload run can raise thousands of SLOW_RESPONSE alerts

// "Time" keys of a fault record (…_at_s) are shown with their delay from the fault.
bool is_time_key(const std::string& k)
{
  return k.size() > 5 && k.compare(k.size() - 5, 5, "_at_s") == 0;
}

// People's words for the failover keys of summary.json (docs/outputs.md); other keys are shown as they are.
const std::map<std::string, std::string>& fault_labels()
{
  static const std::map<std::string, std::string> labels = {
      {"until_s", "fault ends (s)"},
      {"last_heartbeat_at_s", "last heartbeat before the fault"},
      {"registry_unhealthy_at_s", "registry marks it unhealthy"},
      {"lb_last_selected_at_s", "balancer last sends it a request"},
      {"lb_excluded_at_s", "balancer stops routing to it"},
      {"lb_excluded_by", "mechanism that excluded it"},
      {"detector_alert_at_s", "detector SERVICE_DOWN alert"},
      {"failed_requests", "client requests failed (sent during the fault)"},
      {"retried_requests", "requests retried on another instance"},
      {"slowed_requests", "requests that hit it and were slowed"},
      {"extra_latency_ms", "extra latency in all (ms)"},
      {"registry_recovered_at_s", "registry takes it back"},
      {"lb_readded_at_s", "balancer takes it back"},
      {"detector_recovered_at_s", "detector SERVICE_RECOVERED"},
      {"lb_first_selected_again_at_s", "balancer first sends it a request again"},
      {"recovered_at_s", "serves again (first answered attempt)"},
      {"discovery_failures", "balancer discoveries refused meanwhile"},
      {"reregistered_at_s", "every instance registered again"},
      {"lb_pools_lost_at_s", "balancer's pools short of an instance"},
      {"lb_pools_restored_at_s", "balancer's pools whole again"},
      {"failed_requests_until_restored", "client requests failed until the pools were whole"},
  };
  return labels;
}

// Which mechanism the balancer's exclusion came from, in words (summary.json's lb_excluded_by).
std::string exclusion_text(const ojson& f)
{
  static const std::map<std::string, std::string> words = {
      {"registry_sweep", "discovery, after the registry's sweep"},
      {"active_check", "its own health checks"},
      {"outlier_ejection", "outlier detection"},
      {"circuit_breaker", "its circuit breaker"},
      {"passive_max_fails", "max_fails"},
      {"readiness_probe", "the kubelet's readiness probes"},
      {"container_exit", "the kubelet (the container exited)"},
  };
  if (!f.contains("lb_excluded_by") || !f["lb_excluded_by"].is_string())
    return "";
  auto it = words.find(f["lb_excluded_by"].get<std::string>());
  return " (by " + xml_escape(it == words.end() ? f["lb_excluded_by"].get<std::string>() : it->second) + ")";
}

std::string delay_text(const ojson& f, const ojson& v)
{
  if (!v.is_number() || !f.contains("at_s") || !f["at_s"].is_number())
    return "";
  double d = v.get<double>() - f["at_s"].get<double>();
  return (d >= 0 ? "+" : "−") + fmt_num(std::abs(d), 3) + " s";
}

// One sentence a newcomer can read: who noticed first, what clients felt, whether it came back.
std::string fault_sentence(const ojson& f)
{
  std::string s = fmt::format("<b>{}</b> of <b>{}</b> at {} s.", xml_escape(f.value("kind", "?")),
                              xml_escape(f.value("target", "?")), json_value_text(f, "at_s"));
  if (f.contains("lb_pools_lost_at_s")) { // a registry outage: its cost comes after it ends
    s += fmt::format(" While it lasted, {} discoveries of the balancer were refused.",
                     json_value_text(f, "discovery_failures"));
    if (f["lb_pools_lost_at_s"].is_number())
      s += fmt::format(" The restarted registry's short lists left the balancer's pools short from {} s to {} s; "
                       "{} requests failed.",
                       json_value_text(f, "lb_pools_lost_at_s"), json_value_text(f, "lb_pools_restored_at_s"),
                       json_value_text(f, "failed_requests_until_restored"));
    else
      s += " The balancer's pools never lost an instance.";
    if (f["reregistered_at_s"].is_number())
      s += fmt::format(" Every instance had registered again at {} s.", json_value_text(f, "reregistered_at_s"));
    return s;
  }
  std::vector<std::string> who, never;
  for (const auto& [key, name, noticer] : std::vector<std::tuple<const char*, const char*, const char*>>{
           {"detector_alert_at_s", "the detector alerts", "the detector"},
           {"registry_unhealthy_at_s", "the registry marks it unhealthy", "the registry"},
           {"lb_excluded_at_s", "the balancer stops routing to it", "the balancer"}}) {
    if (!f.contains(key))
      continue;
    if (f[key].is_number() && f["at_s"].is_number())
      who.push_back(fmt::format("{} after {} s{}", name, fmt_num(f[key].get<double>() - f["at_s"].get<double>()),
                                std::string(key) == "lb_excluded_at_s" ? exclusion_text(f) : ""));
    else
      never.push_back(noticer);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); i++)
      out += (i ? (i + 1 == v.size() ? " and " : ", ") : "") + v[i];
    return out;
  };
  if (!who.empty())
    s += " Then " + join(who) + ".";
  if (!never.empty()) {
    std::string n = join(never);
    n[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(n[0])));
    s += " " + n + (never.size() > 1 ? " never notice it." : " never notices it.");
  }
  if (f.contains("failed_requests"))
    s += fmt::format(" Clients: {} requests failed, {} were retried.", json_value_text(f, "failed_requests"),
                     json_value_text(f, "retried_requests"));
  if (f.contains("recovered_at_s"))
    s += f["recovered_at_s"].is_number()
             ? fmt::format(" It serves again at {} s ({}).", json_value_text(f, "recovered_at_s"),
                           delay_text(f, f["recovered_at_s"]))
             : std::string(" No recovery is recorded for it (it does not serve again after this fault).");
  return s;
}

} // namespace

std::string json_value_text(const ojson& obj, const char* key, int decimals)
{
  if (!obj.is_object() || !obj.contains(key))
    return "–";
  const ojson& v = obj[key];
  if (v.is_null())
    return "never";
  if (v.is_number_integer() || v.is_number_unsigned())
    return v.dump();
  if (v.is_number())
    return fmt_num(v.get<double>(), decimals);
  if (v.is_string())
    return xml_escape(v.get<std::string>());
  return xml_escape(v.dump());
}

std::string availability_table(const Timeline& tl)
{
  struct Counts {
    int total = 0, up = 0, registry = 0, balancer = 0, detector = 0, unknown = 0;
  };
  std::map<std::string, Counts> by_type; // "auth" < "compute" < "data": stable order
  auto at_end = [&](const Lane& lane, View v) -> const Segment* {
    const auto& segs = lane.views[static_cast<int>(v)];
    for (const auto& s : segs)
      if (s.to_s >= tl.end_s)
        return &s;
    return nullptr;
  };
  auto good = [](const Segment* s) {
    return s && (s->state == LaneState::UP || s->state == LaneState::HEALTHY || s->state == LaneState::IN_POOL);
  };
  for (const auto& lane : tl.lanes) {
    std::string type = lane.name.substr(0, lane.name.find('-'));
    Counts& c = by_type[type];
    c.total++;
    c.up += good(at_end(lane, View::PROCESS));
    c.registry += good(at_end(lane, View::REGISTRY));
    c.balancer += good(at_end(lane, View::BALANCER));
    const Segment* d = at_end(lane, View::DETECTOR);
    c.detector += good(d);
    c.unknown += !d || d->state == LaneState::UNKNOWN;
  }
  std::string h = "<table><tr><th>type</th><th>instances</th><th>running</th><th>registry: healthy</th>"
                  "<th>balancer: in its pool</th><th>detector: healthy</th><th>detector: unhealthy</th>"
                  "<th>detector: unknown</th></tr>\n";
  for (const auto& [type, c] : by_type)
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td>{}</td></tr>\n",
        xml_escape(type), c.total, c.up, c.registry, c.balancer, c.detector,
        c.total - c.detector - c.unknown ? " class=\"bad\"" : "", c.total - c.detector - c.unknown, c.unknown);
  return h + "</table>\n";
}

std::string alerts_section(const ojson& summary)
{
  std::string h = "<section id=\"alerts\"><h2>Alerts</h2>\n";
  const ojson empty = ojson::array();
  const ojson& alerts = summary.contains("alerts") ? summary["alerts"] : empty;
  std::map<std::string, size_t> by_kind;
  for (const auto& a : alerts)
    by_kind[a.value("kind", "?")]++;
  if (alerts.empty())
    return h + "<p>The fault detector raised no alert.</p></section>\n";
  h += "<p>";
  for (const auto& [kind, n] : by_kind)
    h += fmt::format("<span class=\"badge {}\">{} × {}</span> ", kind == "SERVICE_RECOVERED" ? "ok" : "alert", n,
                     xml_escape(kind));
  h += "</p>\n<table class=\"left\"><tr><th>time (s)</th><th>alert</th><th>instance</th></tr>\n";
  size_t shown = 0;
  for (const auto& a : alerts) {
    if (shown++ == MAX_ALERT_ROWS)
      break;
    std::string kind = a.value("kind", "?");
    h += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n", json_value_text(a, "at_s", 6),
                     kind == "SERVICE_RECOVERED" ? "good" : "bad", xml_escape(kind), json_value_text(a, "instance"));
  }
  h += "</table>\n";
  if (alerts.size() > MAX_ALERT_ROWS)
    h +=
        fmt::format("<p>… and {} more (all in summary.json and results.sqlite).</p>\n", alerts.size() - MAX_ALERT_ROWS);
  return h + "</section>\n";
}

std::string faults_section(const ojson& summary)
{
  std::string h = "<section id=\"faults\"><h2>Failover report</h2>\n";
  const ojson empty = ojson::array();
  const ojson& faults = summary.contains("faults") ? summary["faults"] : empty;
  if (faults.empty())
    return h + "<p>No fault was injected in this run.</p></section>\n";
  const auto& labels = fault_labels();
  for (size_t i = 0; i < faults.size(); i++) {
    const ojson& f = faults[i];
    h += fmt::format("<h3>Fault {}: {} {}</h3>\n<p>{}</p>\n", i + 1, xml_escape(f.value("kind", "?")),
                     xml_escape(f.value("target", "?")), fault_sentence(f));
    h += "<table class=\"fault\"><tr><th>what</th><th>value</th><th>after the fault</th><th>key</th></tr>\n";
    for (const auto& [key, v] : f.items()) {
      if (key == "kind" || key == "target" || key == "at_s")
        continue;
      auto it = labels.find(key);
      std::string label = it == labels.end() ? key : it->second;
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n", xml_escape(label),
                       json_value_text(f, key.c_str(), 6), is_time_key(key) ? delay_text(f, v) : "", xml_escape(key));
    }
    h += "</table>\n";
  }
  return h + "</section>\n";
}

} // namespace svcsim::report
