// The report's "Processes" section: the table and the sentences come from summary.json's "processes" and
// "capacity" (the same numbers a reader finds there); the chart from the recorder's per-second busy time,
// rounded as results.sqlite's process_series rows are.
#include "report/processes.hpp"

#include "metrics/process_report.hpp"
#include "metrics/summary.hpp"
#include "report/html_sections.hpp"
#include "report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace svcsim::report
{

using ojson = nlohmann::ordered_json;

namespace
{

constexpr double WIDTH = 960;
constexpr size_t MAX_MACHINES_NAMED = 10; // a 64-host platform: the busiest ten, then "and N more"
// Not red: red is the saturation threshold and the fault windows.
constexpr const char* LINE_COLORS[MAX_PROCESS_LINES] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#17becf"};

const ojson& member(const ojson& j, const char* key)
{
  static const ojson null_value;
  return j.is_object() && j.contains(key) ? j[key] : null_value;
}

double number(const ojson& j, const char* key)
{
  const ojson& v = member(j, key);
  return v.is_number() ? v.get<double>() : NAN;
}

// A share of summary.json (0..1) as a percentage with two decimals: "0.22%", "97.5%"; "–" if absent.
std::string pct_text(const ojson& j, const char* key)
{
  double v = number(j, key);
  return std::isfinite(v) ? fmt_num(100.0 * v, 2) + "%" : "–";
}

// CPU ms per request to three significant digits (0.000292, 0.0351, 1.42; at most the summary's six decimals).
std::string ms_text(const ojson& j, const char* key)
{
  double v = number(j, key);
  if (!std::isfinite(v))
    return "–";
  int decimals = v == 0 ? 0 : std::clamp(2 - static_cast<int>(std::floor(std::log10(std::abs(v)))), 0, 6);
  return fmt_num(v, decimals);
}

struct Line {
  std::string name;
  double load_busy_share;
  std::vector<double> busy; // per second, 0..1
};

std::string busy_svg(const std::vector<Line>& lines, const ojson& processes, const ojson& capacity,
                     const std::vector<FaultWindow>& windows)
{
  const double height = 330;
  Svg svg(WIDTH, height, "Busy share per second of the busiest processes, the load window and fault windows shaded");
  size_t seconds = 1;
  double hi = 0;
  for (const auto& l : lines) {
    seconds = std::max(seconds, l.busy.size());
    for (double b : l.busy)
      hi = std::max(hi, 100.0 * b);
  }
  Frame f{70, 30, WIDTH - 20, height - 45, {}, {}};
  f.x = Axis{0, static_cast<double>(seconds), f.left, f.right, false};
  // A lightly loaded run stays readable (0-3%); near saturation the axis shows the whole 0-100%.
  double top = hi >= 80 ? 100 : std::max(hi * 1.15, 1.0);
  f.y = nice_linear(0, top, f.bottom, f.top);
  draw_axes(svg, f, "simulated time (s)", "busy (% of each second)");

  const ojson& window = member(capacity, "load_window_s");
  if (window.is_array() && window.size() == 2 && window[0].is_number() && window[1].is_number()) {
    double a = window[0].get<double>(), b = std::min(window[1].get<double>(), f.x.hi);
    if (b > a)
      svg.rect(f.x.map(a), f.top, f.x.map(b) - f.x.map(a), f.bottom - f.top, "#9ca3af", 0.12,
               fmt::format("load window {}–{} s", fmt_num(a), fmt_num(b)));
  }
  for (const auto& w : windows) {
    double a = std::clamp(w.from_s, f.x.lo, f.x.hi), b = std::clamp(w.to_s, f.x.lo, f.x.hi);
    if (b > a)
      svg.rect(f.x.map(a), f.top, f.x.map(b) - f.x.map(a), f.bottom - f.top, "#d62728", 0.08,
               fmt::format("{}: {}–{} s", w.label, fmt_num(w.from_s), fmt_num(w.to_s)));
  }
  double sat = 100.0 * SATURATED_BUSY_SHARE;
  if (sat <= f.y.hi) {
    svg.line(f.left, f.y.map(sat), f.right, f.y.map(sat), "#d62728", 1.2, "5,3");
    svg.text(f.right - 4, f.y.map(sat) - 4, fmt::format("saturated (≥ {}% busy)", fmt_num(sat)), "end", 10, "#d62728",
             false, true);
  }

  std::vector<std::pair<std::string, const char*>> legend;
  for (size_t i = 0; i < lines.size(); i++) {
    const Line& l = lines[i];
    Points pts;
    pts.reserve(seconds);
    for (size_t s = 0; s < seconds; s++)
      pts.emplace_back(f.x.map(static_cast<double>(s) + 0.5), f.y.map(s < l.busy.size() ? 100.0 * l.busy[s] : 0));
    svg.polyline(pts, LINE_COLORS[i], 1.4);
    double at = number(member(processes, l.name.c_str()), "saturated_at_s");
    if (std::isfinite(at) && at >= 0 && static_cast<size_t>(at) < l.busy.size())
      svg.marker(f.x.map(at + 0.5), f.y.map(100.0 * l.busy[static_cast<size_t>(at)]), 'v', LINE_COLORS[i],
                 fmt::format("{} saturated at {} s", l.name, fmt_num(at)));
    legend.emplace_back(fmt::format("{} ({}%)", l.name, fmt_num(100.0 * l.load_busy_share, 2)), LINE_COLORS[i]);
  }
  legend.emplace_back("load window", "#d1d5db");
  draw_legend(svg, f.left + 8, 16, legend);
  return svg.finish();
}

std::string capacity_sentences(const ojson& processes, const ojson& capacity)
{
  const ojson& window = member(capacity, "load_window_s");
  std::string span = window.is_array() && window.size() == 2
                         ? fmt::format("{}–{} s", window[0].dump(), window[1].dump())
                         : std::string("?");
  const ojson& busiest = member(capacity, "busiest_process");
  std::string h = "<p>";
  if (!busiest.is_string()) {
    h += fmt::format("No process had work over the load window ({}).", span);
  } else {
    std::string name = busiest.get<std::string>();
    const ojson& p = member(processes, name.c_str());
    h += fmt::format("The busiest process over the load window ({}) is <b>{}</b>: its thread had work {} of the time "
                     "and used {} of a core ({} ms of CPU per request). ",
                     span, xml_escape(name), pct_text(capacity, "busiest_load_busy_share"),
                     pct_text(p, "load_cpu_share"), ms_text(p, "cpu_ms_per_request"));
    const ojson& sat = member(capacity, "busiest_saturated_at_s");
    if (sat.is_number())
      h += fmt::format("It <span class=\"bad\">saturated</span> (busy ≥ {}% of a second) first at {} s.",
                       fmt_num(100.0 * SATURATED_BUSY_SHARE), json_value_text(capacity, "busiest_saturated_at_s"));
    else
      h += fmt::format("It never saturated (no second with its thread busy ≥ {}%); its busiest second: {}.",
                       fmt_num(100.0 * SATURATED_BUSY_SHARE), pct_text(p, "peak_busy_share_1s"));
  }
  std::vector<std::string> others;
  for (const auto& [name, p] : processes.items())
    if ((!busiest.is_string() || name != busiest.get<std::string>()) && member(p, "saturated_at_s").is_number())
      others.push_back(fmt::format("{} at {} s", xml_escape(name), json_value_text(p, "saturated_at_s")));
  if (!others.empty()) {
    h += " Also saturated: ";
    for (size_t i = 0; i < others.size(); i++)
      h += (i ? ", " : "") + others[i];
    h += ".";
  }
  h += "</p>\n";

  // Busiest machine first; equal shares keep the summary's (host name) order.
  std::vector<std::pair<std::string, const ojson*>> machines;
  for (const auto& [host, m] : member(capacity, "machines").items())
    machines.emplace_back(host, &m);
  std::stable_sort(machines.begin(), machines.end(), [](const auto& a, const auto& b) {
    double x = number(*a.second, "load_cpu_share"), y = number(*b.second, "load_cpu_share");
    return (std::isfinite(x) ? x : -1) > (std::isfinite(y) ? y : -1);
  });
  if (machines.empty())
    return h;
  h += "<p>Machine CPU over the load window (share of all its cores): ";
  for (size_t i = 0; i < machines.size() && i < MAX_MACHINES_NAMED; i++)
    h += fmt::format("{}<b>{}</b> ({} cores) {}", i ? ", " : "", xml_escape(machines[i].first),
                     json_value_text(*machines[i].second, "cores"), pct_text(*machines[i].second, "load_cpu_share"));
  if (machines.size() > MAX_MACHINES_NAMED)
    h += fmt::format(" and {} more (summary.json capacity.machines)", machines.size() - MAX_MACHINES_NAMED);
  return h + ".</p>\n";
}

} // namespace

std::string processes_section(const ojson& summary, const RunOutput& run, const std::vector<FaultWindow>& windows)
{
  const ojson& processes = member(summary, "processes");
  if (!processes.is_object())
    return "";
  const ojson& capacity = member(summary, "capacity");
  const ojson& busiest = member(capacity, "busiest_process");
  std::string h = "<section id=\"processes\"><h2>Processes</h2>\n"
                  "<p class=\"note\">Every component is one thread that pays CPU for each event. Over the load window: "
                  "<b>busy</b> = share of the time the thread had work (running or waiting for a core), <b>CPU</b> = "
                  "CPU it consumed (share of one core); <b>peak 1-s busy</b> over the whole run; <b>max ready</b> = "
                  "most events waiting for the thread; <b>max accept queue</b> = most connections waiting in its "
                  "listening socket; <b>handshakes dropped</b> = SYNs dropped because that queue was full.</p>\n";
  h += capacity_sentences(processes, capacity);
  h += "<table class=\"processes\"><tr><th>process</th><th>host</th><th>busy</th><th>CPU</th>"
       "<th>CPU ms / request</th><th>peak 1-s busy</th><th>saturated at (s)</th><th>max ready</th>"
       "<th>max accept queue</th><th>connections opened</th><th>handshakes dropped</th></tr>\n";
  for (const auto& [name, p] : processes.items()) {
    bool is_busiest = busiest.is_string() && busiest.get<std::string>() == name;
    bool saturated = member(p, "saturated_at_s").is_number();
    bool dropped = number(p, "handshakes_dropped") > 0;
    h += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td>{}</td>"
                     "<td>{}</td><td>{}</td><td{}>{}</td></tr>\n",
                     is_busiest ? " class=\"busiest\" style=\"font-weight:600\"" : "", xml_escape(name),
                     json_value_text(p, "host"), pct_text(p, "load_busy_share"), pct_text(p, "load_cpu_share"),
                     ms_text(p, "cpu_ms_per_request"), pct_text(p, "peak_busy_share_1s"),
                     saturated ? " class=\"bad\"" : "", json_value_text(p, "saturated_at_s"),
                     json_value_text(p, "max_ready"), json_value_text(p, "max_accept_queue"),
                     json_value_text(p, "connections_opened"), dropped ? " class=\"bad\"" : "",
                     json_value_text(p, "handshakes_dropped"));
  }
  h += "</table>\n";

  // The busiest few by load_busy_share; equal shares keep the deployment's order.
  std::vector<Line> lines;
  const auto& procs = run.recorder.processes;
  for (size_t i = 0; i < procs.size() && i < run.component_names.size(); i++) {
    const ojson& p = member(processes, run.component_names[i].c_str());
    if (!p.is_object())
      continue;
    Line l{run.component_names[i], number(p, "load_busy_share"), {}};
    if (!std::isfinite(l.load_busy_share))
      l.load_busy_share = 0;
    l.busy.reserve(procs[i].busy_by_second.size());
    for (float b : procs[i].busy_by_second)
      l.busy.push_back(round6(static_cast<double>(b)));
    lines.push_back(std::move(l));
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const Line& a, const Line& b) { return a.load_busy_share > b.load_busy_share; });
  if (lines.size() > MAX_PROCESS_LINES)
    lines.resize(MAX_PROCESS_LINES);
  h += fmt::format(
      "<h3>Busy share per second, the {} busiest processes</h3>\n<p class=\"note\">In the legend: "
      "each one's busy share over the load window (shaded grey). Per-second values of every process: results.sqlite "
      "table process_series.</p>\n<div class=\"chart\">",
      lines.size());
  h += busy_svg(lines, processes, capacity, windows) + "</div>\n";
  return h + "</section>\n";
}

} // namespace svcsim::report
