#include "report/charts.hpp"

#include "report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace svcsim::report
{

namespace
{

constexpr double WIDTH = 960;
constexpr const char* C_P50 = "#1f77b4";
constexpr const char* C_P95 = "#ff7f0e";
constexpr const char* C_P99 = "#d62728";
constexpr const char* C_BAD = "#d62728";
constexpr const char* C_OK = "#2ca02c";

void shade_windows(Svg& svg, const Frame& f, const std::vector<FaultWindow>& windows, bool labels)
{
  for (const auto& w : windows) {
    double a = std::clamp(w.from_s, f.x.lo, f.x.hi), b = std::clamp(w.to_s, f.x.lo, f.x.hi);
    if (b > a)
      svg.rect(f.x.map(a), f.top, f.x.map(b) - f.x.map(a), f.bottom - f.top, C_BAD, 0.12,
               fmt::format("{}: {}–{} s", w.label, fmt_num(w.from_s), fmt_num(w.to_s)));
    if (w.from_s >= f.x.lo && w.from_s <= f.x.hi) {
      svg.line(f.x.map(w.from_s), f.top, f.x.map(w.from_s), f.bottom, C_BAD, 1.2, "5,3");
      if (labels)
        svg.text(f.x.map(w.from_s) + 4, f.top + 12, w.label, "start", 10, C_BAD, false, true);
    }
  }
}

// Lines broken where a second had no completed request (NaN), so gaps show as gaps.
void series_line(Svg& svg, const Frame& f, const std::vector<SeriesRow>& s, double SeriesRow::*field, const char* color,
                 double width = 1.5, const char* dash = nullptr)
{
  Points pts;
  for (const auto& r : s) {
    double v = r.*field;
    if (!std::isfinite(v)) {
      svg.polyline(pts, color, width, dash);
      pts.clear();
      continue;
    }
    pts.emplace_back(f.x.map(static_cast<double>(r.second) + 0.5), f.y.map(v));
  }
  svg.polyline(pts, color, width, dash);
}

Frame series_frame(const std::vector<SeriesRow>& s, double height, double ylo, double yhi, bool log_y)
{
  double t0 = s.empty() ? 0 : static_cast<double>(s.front().second);
  double t1 = s.empty() ? 1 : static_cast<double>(s.back().second + 1);
  Frame f{70, 30, WIDTH - 20, height - 45, {}, {}};
  f.x = Axis{t0, t1, f.left, f.right, false};
  f.y = log_y ? nice_log(ylo, yhi, f.bottom, f.top) : nice_linear(ylo, yhi, f.bottom, f.top);
  return f;
}

} // namespace

const char* type_color(const std::string& type)
{
  if (type == "auth")
    return "#1f77b4";
  if (type == "data")
    return "#9467bd";
  if (type == "compute")
    return "#17becf";
  return "#7f7f7f";
}

std::string ecdf_svg(const std::vector<double>& v, const double pct[3])
{
  const double height = 360;
  Svg svg(WIDTH, height, "Latency ECDF (log x) with p50, p95 and p99");
  Frame f{70, 20, WIDTH - 20, height - 45, {}, {}};
  size_t n = v.size();
  if (n == 0) {
    svg.text(WIDTH / 2, height / 2, "no request ended", "middle", 14);
    return svg.finish();
  }
  f.x = nice_log(v.front(), v.back(), f.left, f.right);
  f.y = Axis{0, 1, f.bottom, f.top, false};
  draw_axes(svg, f, "latency (ms, log scale)", "fraction of requests ≤ x");

  // Which samples to draw: evenly spaced ranks, the last 100 (the tail a log-x ECDF is read for) and the
  // percentile ranks themselves; never more than MAX_ECDF_POINTS, so a 100k-request page stays small.
  std::vector<size_t> idx;
  if (n <= MAX_ECDF_POINTS) {
    for (size_t i = 0; i < n; i++)
      idx.push_back(i);
  } else {
    const size_t tail = 100, even = MAX_ECDF_POINTS - tail - 3;
    for (size_t j = 0; j < even; j++)
      idx.push_back(static_cast<size_t>(
          std::llround(static_cast<double>(j) * static_cast<double>(n - 1 - tail) / static_cast<double>(even - 1))));
    for (size_t i = n - tail; i < n; i++)
      idx.push_back(i);
    for (double q : {50.0, 95.0, 99.0}) {
      double rank = std::ceil(q * static_cast<double>(n) / 100.0);
      idx.push_back(rank < 1 ? 0 : static_cast<size_t>(rank) - 1);
    }
    std::sort(idx.begin(), idx.end());
    idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  }
  Points pts;
  pts.reserve(2 * idx.size() + 1);
  pts.emplace_back(f.x.map(v.front()), f.y.map(0));
  for (size_t i : idx) {
    double x = f.x.map(v[i]);
    if (!pts.empty())
      pts.emplace_back(x, pts.back().second); // step: flat until the next sample, then up
    pts.emplace_back(x, f.y.map(static_cast<double>(i + 1) / static_cast<double>(n)));
  }
  svg.polyline(pts, "#333", 1.6);

  const char* colors[3] = {C_P50, C_P95, C_P99};
  const char* names[3] = {"p50", "p95", "p99"};
  const double qs[3] = {0.50, 0.95, 0.99};
  for (int k = 0; k < 3; k++) {
    double x = f.x.map(pct[k]);
    svg.line(x, f.top, x, f.bottom, colors[k], 1.2, "5,3");
    svg.marker(x, f.y.map(qs[k]), 'o', colors[k], fmt::format("{} = {} ms", names[k], fmt_num(pct[k])));
  }
  // Legend box, lower right (the ECDF's lower right is empty: the curve has reached 1 by then).
  double lx = f.right - 250, ly = f.bottom - 92;
  svg.rect(lx, ly, 240, 82, "#ffffff", 0.9);
  svg.line(lx + 8, ly + 14, lx + 30, ly + 14, "#333", 1.6);
  svg.text(lx + 36, ly + 18, fmt::format("ECDF ({} requests)", n), "start", 11);
  for (int k = 0; k < 3; k++) {
    svg.marker(lx + 19, ly + 32 + 16 * k, 'o', colors[k], names[k]);
    svg.text(lx + 36, ly + 36 + 16 * k, fmt::format("{} = {} ms", names[k], fmt_num(pct[k])), "start", 11, colors[k],
             true);
  }
  return svg.finish();
}

std::string percentiles_svg(const std::vector<SeriesRow>& s, const std::vector<FaultWindow>& windows)
{
  const double height = 330;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& r : s)
    for (double v : {r.p50_ms, r.p95_ms, r.p99_ms})
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  Svg svg(WIDTH, height, "Latency p50, p95 and p99 per second, fault windows shaded");
  if (!std::isfinite(lo)) {
    svg.text(WIDTH / 2, height / 2, "no request ended", "middle", 14);
    return svg.finish();
  }
  // A hang's 10 s attempts would flatten the normal 200 ms band on a linear axis.
  bool log_y = lo > 0 && hi / lo > 20;
  Frame f = series_frame(s, height, log_y ? lo : std::min(lo, hi) * 0.98, hi * 1.02, log_y);
  draw_axes(svg, f, "simulated time (s)",
            log_y ? "latency (ms, log), by second ended" : "latency (ms), by second ended");
  shade_windows(svg, f, windows, true);
  series_line(svg, f, s, &SeriesRow::p50_ms, C_P50);
  series_line(svg, f, s, &SeriesRow::p95_ms, C_P95);
  series_line(svg, f, s, &SeriesRow::p99_ms, C_P99);
  draw_legend(svg, f.left + 8, 16, {{"p50", C_P50}, {"p95", C_P95}, {"p99", C_P99}, {"fault window", "#f4c7c7"}});
  return svg.finish();
}

std::string throughput_svg(const std::vector<SeriesRow>& s, const std::vector<FaultWindow>& windows)
{
  const double height = 280;
  double hi = 1;
  for (const auto& r : s)
    hi = std::max({hi, static_cast<double>(r.sent), static_cast<double>(r.completed)});
  Svg svg(WIDTH, height, "Requests per second: sent, completed, success and failed, fault windows shaded");
  Frame f = series_frame(s, height, 0, hi * 1.1, false);
  draw_axes(svg, f, "simulated time (s)", "requests per second");
  shade_windows(svg, f, windows, false);
  double bar_w = std::max(1.0, (f.x.map(1) - f.x.map(0)) * 0.8);
  for (const auto& r : s)
    if (r.failed > 0) {
      double x = f.x.map(static_cast<double>(r.second) + 0.5);
      double y = f.y.map(static_cast<double>(r.failed));
      svg.rect(x - bar_w / 2, y, bar_w, f.bottom - y, C_BAD, 0.8,
               fmt::format("second {}: {} failed", r.second, r.failed));
    }
  auto counts = [&](uint64_t SeriesRow::*field, const char* color, double width, const char* dash) {
    Points pts;
    for (const auto& r : s)
      pts.emplace_back(f.x.map(static_cast<double>(r.second) + 0.5), f.y.map(static_cast<double>(r.*field)));
    svg.polyline(pts, color, width, dash);
  };
  counts(&SeriesRow::sent, "#7f7f7f", 1.2, "2,3");
  counts(&SeriesRow::completed, "#333", 1.6, nullptr);
  counts(&SeriesRow::success, C_OK, 1.2, nullptr);
  draw_legend(
      svg, f.left + 8, 16,
      {{"sent", "#7f7f7f"}, {"completed", "#333"}, {"success", C_OK}, {"failed", C_BAD}, {"fault window", "#f4c7c7"}});
  return svg.finish();
}

std::string instance_share_svg(const std::vector<InstanceBar>& bars)
{
  const double row = 22, top = 30;
  double height = top + row * static_cast<double>(bars.size()) + 50;
  Svg svg(WIDTH, height, "Per-instance request share: attempts answered and failed");
  uint64_t total_served = 0, hi = 1;
  for (const auto& b : bars) {
    total_served += b.served;
    hi = std::max(hi, b.served + b.failed);
  }
  Frame f{170, top, WIDTH - 200, top + row * static_cast<double>(bars.size()), {}, {}};
  f.x = nice_linear(0, static_cast<double>(hi), f.left, f.right);
  f.y = Axis{0, 1, f.bottom, f.top, false};
  for (double t : f.x.ticks(8)) {
    svg.line(f.x.map(t), f.top, f.x.map(t), f.bottom, "#e5e5e5");
    svg.text(f.x.map(t), f.bottom + 16, fmt_num(t, 0), "middle", 10);
  }
  svg.text((f.left + f.right) / 2, f.bottom + 32, "attempts (label: share of all answered attempts)", "middle", 11);
  for (size_t i = 0; i < bars.size(); i++) {
    const InstanceBar& b = bars[i];
    double y = top + row * static_cast<double>(i);
    double share = total_served ? 100.0 * static_cast<double>(b.served) / static_cast<double>(total_served) : 0;
    std::string tip =
        fmt::format("{}: {} served ({}%), {} failed attempts", b.name, b.served, fmt_num(share, 1), b.failed);
    svg.text(f.left - 8, y + row * 0.68, b.name, "end", 11);
    double x0 = f.x.map(0), xs = f.x.map(static_cast<double>(b.served)),
           xf = f.x.map(static_cast<double>(b.served + b.failed));
    svg.rect(x0, y + 3, xs - x0, row - 6, type_color(b.type), 1, tip);
    if (b.failed)
      svg.rect(xs, y + 3, xf - xs, row - 6, C_BAD, 0.75, tip);
    svg.text(xf + 6, y + row * 0.68,
             fmt::format("{}%  ({} served{})", fmt_num(share, 1), b.served,
                         b.failed ? fmt::format(", {} failed", b.failed) : std::string()),
             "start", 10.5);
  }
  svg.line(f.left, f.top, f.left, f.bottom, "#333");
  draw_legend(svg, f.left, 16,
              {{"auth", type_color("auth")},
               {"data", type_color("data")},
               {"compute", type_color("compute")},
               {"failed attempts", C_BAD}});
  return svg.finish();
}

std::string timeline_svg(const Timeline& tl)
{
  const double row_h = 10, gap = 12, left = 200, right = WIDTH - 20, top = 34;
  const double lane_h = VIEW_COUNT * row_h + gap;
  double bottom = top + lane_h * static_cast<double>(tl.lanes.size());
  double height = bottom + 80;
  Svg svg(WIDTH, height,
          "Failover timeline: each instance's process state and its state as the registry, the "
          "balancer and the detector saw it");
  Frame f{
      left, top, right, bottom, Axis{0, std::max(tl.end_s, 1e-9), left, right, false}, Axis{0, 1, bottom, top, false}};
  for (double t : f.x.ticks(10)) {
    svg.line(f.x.map(t), top, f.x.map(t), bottom, "#eeeeee");
    svg.text(f.x.map(t), bottom + 16, fmt_num(t, 1), "middle", 10);
  }
  svg.text((left + right) / 2, bottom + 32, "simulated time (s)", "middle", 11);
  for (const auto& w : tl.windows)
    if (w.to_s > w.from_s)
      svg.rect(f.x.map(w.from_s), top, f.x.map(w.to_s) - f.x.map(w.from_s), bottom - top, C_BAD, 0.06, w.label);
  auto row_y = [&](int lane, View v) { return top + lane_h * lane + gap / 2 + row_h * static_cast<int>(v); };
  for (size_t l = 0; l < tl.lanes.size(); l++) {
    const Lane& lane = tl.lanes[l];
    int li = static_cast<int>(l);
    svg.text(8, row_y(li, View::BALANCER) + 1, lane.name, "start", 11.5, "#222", true);
    if (l)
      svg.line(8, top + lane_h * li, right, top + lane_h * li, "#dddddd");
    for (int v = 0; v < VIEW_COUNT; v++) {
      double y = row_y(li, static_cast<View>(v));
      svg.text(left - 6, y + row_h * 0.8, view_name(static_cast<View>(v)), "end", 8, "#666");
      for (const auto& s : lane.views[v])
        svg.rect(f.x.map(s.from_s), y + 1, f.x.map(s.to_s) - f.x.map(s.from_s), row_h - 2, lane_state_color(s.state), 1,
                 fmt::format("{} · {}: {} {}–{} s", lane.name, view_name(static_cast<View>(v)),
                             lane_state_name(s.state), fmt_num(s.from_s), fmt_num(s.to_s)));
    }
  }
  // Marks; the delay from each fault to the first detection per view (and to serving again) beside it.
  std::vector<double> fault_at(tl.lanes.size(), -1);
  std::vector<double> label_end(tl.lanes.size(), -1); // a second fault label too close goes under the lane
  std::vector<std::array<bool, VIEW_COUNT + 1>> labelled(tl.lanes.size());
  for (const auto& m : tl.marks) {
    double x = f.x.map(m.at_s), y = row_y(m.lane, m.view) + row_h / 2;
    std::string tip =
        fmt::format("{} · {}: {} at {} s", tl.lanes[m.lane].name, view_name(m.view), m.label, fmt_num(m.at_s, 6));
    int slot = m.kind == MarkKind::SERVES_AGAIN ? VIEW_COUNT : static_cast<int>(m.view);
    bool first_after_fault = fault_at[m.lane] >= 0 && m.at_s >= fault_at[m.lane] && !labelled[m.lane][slot];
    switch (m.kind) {
    case MarkKind::FAULT:
      if (fault_at[m.lane] < 0 || m.at_s > fault_at[m.lane]) {
        fault_at[m.lane] = m.at_s;
        labelled[m.lane].fill(false);
      }
      svg.line(x, row_y(m.lane, View::PROCESS) - 2, x, row_y(m.lane, View::DETECTOR) + row_h + 2, "#000", 2.2);
      {
        std::string label = fmt::format("{} @ {} s", m.label, fmt_num(m.at_s));
        bool below = x + 4 < label_end[m.lane];
        svg.text(x + 4, below ? row_y(m.lane, View::DETECTOR) + row_h + 9 : row_y(m.lane, View::PROCESS) - 2, label,
                 "start", 10, "#000", true, true);
        if (!below)
          label_end[m.lane] = x + 4 + 6.5 * static_cast<double>(label.size());
      }
      continue;
    case MarkKind::DETECTION:
      svg.marker(x, y, 'v', "#000", tip, 5);
      break;
    case MarkKind::RECOVERY:
      svg.marker(x, y, '^', C_OK, tip, 5);
      break;
    case MarkKind::SERVES_AGAIN:
      svg.marker(x, y, '*', "#ffd700", tip, 5);
      break;
    }
    if (first_after_fault && m.kind != MarkKind::RECOVERY) {
      labelled[m.lane][slot] = true;
      svg.text(x + 7, y + 3.5, fmt::format("+{} s", fmt_num(m.at_s - fault_at[m.lane], 1)), "start", 9.5, "#000", true,
               true);
    }
  }
  double ly = bottom + 56;
  draw_legend(svg, left, ly,
              {{"up / healthy / in pool", "#2ca02c"},
               {"down / unhealthy / skipped", C_BAD},
               {"hung", "#ff7f0e"},
               {"degraded", "#bcbd22"},
               {"unknown (detector)", "#c7c7c7"}});
  svg.line(left, ly + 14, left + 14, ly + 14, "#000", 2.2);
  svg.text(left + 18, ly + 18, "fault", "start", 10.5);
  svg.marker(left + 70, ly + 14, 'v', "#000", "detection", 5);
  svg.text(left + 80, ly + 18, "detection", "start", 10.5);
  svg.marker(left + 150, ly + 14, '^', C_OK, "taken back", 5);
  svg.text(left + 160, ly + 18, "taken back", "start", 10.5);
  svg.marker(left + 235, ly + 14, '*', "#ffd700", "serves again", 5);
  svg.text(left + 245, ly + 18, "serves again (first answered attempt after the fault)", "start", 10.5);
  svg.text(left, top - 12,
           "rows per instance: process (what really happened), then the registry's, the "
           "balancer's and the detector's view",
           "start", 10.5, "#555");
  return svg.finish();
}

} // namespace svcsim::report
