#include "report/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace svcsim::report
{

const char* view_name(View v)
{
  switch (v) {
  case View::PROCESS:
    return "process";
  case View::REGISTRY:
    return "registry";
  case View::BALANCER:
    return "balancer";
  case View::DETECTOR:
    return "detector";
  }
  return "?";
}

const char* lane_state_name(LaneState s)
{
  switch (s) {
  case LaneState::UP:
    return "up";
  case LaneState::DOWN:
    return "down";
  case LaneState::HUNG:
    return "hung";
  case LaneState::DEGRADED:
    return "degraded";
  case LaneState::HEALTHY:
    return "healthy";
  case LaneState::UNHEALTHY:
    return "unhealthy";
  case LaneState::IN_POOL:
    return "in pool";
  case LaneState::SKIPPED:
    return "skipped";
  case LaneState::UNKNOWN:
    return "unknown";
  }
  return "?";
}

const char* lane_state_color(LaneState s)
{
  // The same colours as tools/svcsim_plots.py.
  switch (s) {
  case LaneState::UP:
  case LaneState::HEALTHY:
  case LaneState::IN_POOL:
    return "#2ca02c";
  case LaneState::DOWN:
  case LaneState::UNHEALTHY:
  case LaneState::SKIPPED:
    return "#d62728";
  case LaneState::HUNG:
    return "#ff7f0e";
  case LaneState::DEGRADED:
    return "#bcbd22";
  case LaneState::UNKNOWN:
    return "#c7c7c7";
  }
  return "#000";
}

namespace
{

bool starts_with(const std::string& s, const char* p)
{
  return s.rfind(p, 0) == 0;
}

bool ends_with(const std::string& s, const char* p)
{
  size_t n = std::char_traits<char>::length(p);
  return s.size() >= n && s.compare(s.size() - n, n, p) == 0;
}

// What a fault does to the process, as the real processes show it (SPEC §1 "Faults").
LaneState fault_process_state(const std::string& what)
{
  if (what == "crash" || what == "registry_outage" || what == "host_down")
    return LaneState::DOWN;
  if (what == "hang")
    return LaneState::HUNG;
  return LaneState::DEGRADED; // slow, error_rate, partition, link_down
}

bool is_good(std::optional<LaneState> s)
{
  return s == LaneState::HEALTHY || s == LaneState::IN_POOL;
}

bool is_bad(std::optional<LaneState> s)
{
  return s == LaneState::UNHEALTHY || s == LaneState::SKIPPED;
}

struct LaneBuilder {
  std::optional<LaneState> state[VIEW_COUNT];
  double since[VIEW_COUNT] = {0, 0, 0, 0};
  double first_registered = -1;
  bool seen_detector = false;
  bool was_in_pool = false;

  void put(Lane& lane, View v, std::optional<LaneState> s, double t)
  {
    int i = static_cast<int>(v);
    if (state[i] == s)
      return;
    if (state[i] && t > since[i])
      lane.views[i].push_back({since[i], t, *state[i]});
    state[i] = s;
    since[i] = t;
  }
};

} // namespace

Timeline build_timeline(const Scenario& sc, const RunOutput& run, const nlohmann::ordered_json& faults)
{
  Timeline tl;
  tl.end_s = run.sim_time_s;
  const auto& events = run.recorder.events();
  const auto& comps = sc.deployment.components;

  // Fault windows: each fault event up to its matching _end (same target), or to the end of the run.
  for (size_t i = 0; i < events.size(); i++) {
    const EventRecord& e = events[i];
    if (!starts_with(e.kind, "fault.") || ends_with(e.kind, "_end"))
      continue;
    std::string what = e.kind.substr(6);
    double end = what == "restart" ? e.at_s : tl.end_s;
    for (size_t j = i + 1; j < events.size(); j++)
      if (events[j].kind == e.kind + "_end" && events[j].detail == e.detail) {
        end = events[j].at_s;
        break;
      }
    tl.windows.push_back({e.at_s, end, what + " " + e.detail});
  }

  // Lanes: every instance in deployment order, then any other component a fault hits (registry outage).
  std::vector<int> lane_of(comps.size(), -1);
  auto add_lane = [&](int c) {
    lane_of[c] = static_cast<int>(tl.lanes.size());
    tl.lanes.push_back(Lane{c, run.component_names[c], {}});
  };
  for (size_t c = 0; c < comps.size(); c++)
    if (comps[c].kind == ComponentKind::INSTANCE)
      add_lane(static_cast<int>(c));
  for (const auto& e : events)
    if (starts_with(e.kind, "fault.") && e.subject >= 0 && lane_of[e.subject] < 0)
      add_lane(e.subject);

  std::vector<LaneBuilder> b(tl.lanes.size());
  int detector = -1;
  for (size_t c = 0; c < comps.size(); c++)
    if (comps[c].kind == ComponentKind::FAULT_DETECTOR)
      detector = static_cast<int>(c);
  // Components other than instances report no start event: up from their start time.
  for (size_t l = 0; l < tl.lanes.size(); l++) {
    int c = tl.lanes[l].component;
    if (comps[c].kind != ComponentKind::INSTANCE && run.component_started[c])
      b[l].put(tl.lanes[l], View::PROCESS, LaneState::UP, comps[c].start_s);
  }

  std::vector<int> targets;
  for (const auto& e : events) {
    targets.clear();
    bool is_fault = starts_with(e.kind, "fault.");
    if (e.subject >= 0 && lane_of[e.subject] >= 0)
      targets.push_back(lane_of[e.subject]);
    else if (is_fault && e.subject < 0) // host_down names a host: every lane on it
      for (size_t l = 0; l < tl.lanes.size(); l++)
        if (comps[tl.lanes[l].component].host == e.detail)
          targets.push_back(static_cast<int>(l));
    for (int l : targets) {
      Lane& lane = tl.lanes[l];
      LaneBuilder& lb = b[l];
      std::optional<LaneState> before[VIEW_COUNT];
      std::copy(std::begin(lb.state), std::end(lb.state), before);
      const std::string& k = e.kind;
      std::optional<View> detection;
      if (k == "instance.started") {
        lb.put(lane, View::PROCESS, LaneState::UP, e.at_s);
      } else if (k == "instance.bind_failed" || k == "instance.stopped") {
        lb.put(lane, View::PROCESS, LaneState::DOWN, e.at_s);
      } else if (is_fault && ends_with(k, "_end")) {
        lb.put(lane, View::PROCESS, LaneState::UP, e.at_s);
      } else if (is_fault) {
        // A restart starts a dead process again (a no-op on a live one): its "instance.started" tells.
        if (k != "fault.restart")
          lb.put(lane, View::PROCESS, fault_process_state(k.substr(6)), e.at_s);
        tl.marks.push_back({e.at_s, l, View::PROCESS, MarkKind::FAULT, k.substr(6)});
      } else if (k == "registry.registered" || k == "registry.healthy") {
        if (lb.first_registered < 0)
          lb.first_registered = e.at_s;
        lb.put(lane, View::REGISTRY, LaneState::HEALTHY, e.at_s);
      } else if (k == "registry.unhealthy") {
        lb.put(lane, View::REGISTRY, LaneState::UNHEALTHY, e.at_s);
        detection = View::REGISTRY;
      } else if (k == "registry.deregistered") {
        lb.put(lane, View::REGISTRY, std::nullopt, e.at_s);
      } else if (k == "lb.pool_added" || k == "lb.check_healthy" || k == "lb.outlier_readmitted" ||
                 k == "lb.breaker_half_open" || k == "lb.passive_trial") {
        lb.put(lane, View::BALANCER, LaneState::IN_POOL, e.at_s);
      } else if (k == "lb.check_unhealthy" || k == "lb.outlier_ejected" || k == "lb.breaker_opened" ||
                 k == "lb.passive_unavailable") {
        lb.put(lane, View::BALANCER, LaneState::SKIPPED, e.at_s);
        detection = View::BALANCER;
      } else if (k == "lb.pool_removed") {
        lb.put(lane, View::BALANCER, std::nullopt, e.at_s);
        detection = View::BALANCER;
      } else if (k == "detector.healthy" || k == "detector.unhealthy") {
        if (!lb.seen_detector && detector >= 0) {
          // The detector's status starts "unknown" until its first check of the instance ends.
          lb.seen_detector = true;
          double t0 = std::max(comps[detector].start_s, lb.first_registered < 0 ? e.at_s : lb.first_registered);
          if (t0 < e.at_s)
            lane.views[static_cast<int>(View::DETECTOR)].push_back({t0, e.at_s, LaneState::UNKNOWN});
        }
        lb.put(lane, View::DETECTOR, k == "detector.healthy" ? LaneState::HEALTHY : LaneState::UNHEALTHY, e.at_s);
        if (k == "detector.unhealthy")
          detection = View::DETECTOR;
      }
      if (detection)
        tl.marks.push_back({e.at_s, l, *detection, MarkKind::DETECTION, k});
      // Taken back: a view goes from unhealthy/skipped to good, or the balancer re-adds an instance it had
      // removed (the first "healthy" or pool entry is not a recovery).
      for (View v : {View::REGISTRY, View::BALANCER, View::DETECTOR}) {
        int i = static_cast<int>(v);
        if (is_good(lb.state[i]) && (is_bad(before[i]) || (v == View::BALANCER && !before[i] && lb.was_in_pool)))
          tl.marks.push_back({e.at_s, l, v, MarkKind::RECOVERY, k});
      }
      if (lb.state[static_cast<int>(View::BALANCER)])
        lb.was_in_pool = true;
    }
  }
  for (size_t l = 0; l < tl.lanes.size(); l++) {
    for (int i = 0; i < VIEW_COUNT; i++)
      if (b[l].state[i] && tl.end_s > b[l].since[i])
        tl.lanes[l].views[i].push_back({b[l].since[i], tl.end_s, *b[l].state[i]});
    if (!b[l].seen_detector && b[l].first_registered >= 0 && detector >= 0 && run.component_started[detector]) {
      double t0 = std::max(comps[detector].start_s, b[l].first_registered);
      if (t0 < tl.end_s)
        tl.lanes[l].views[static_cast<int>(View::DETECTOR)].push_back({t0, tl.end_s, LaneState::UNKNOWN});
    }
  }
  for (const auto& f : faults) {
    if (!f.contains("recovered_at_s") || !f["recovered_at_s"].is_number())
      continue;
    for (size_t l = 0; l < tl.lanes.size(); l++)
      if (tl.lanes[l].name == f["target"].get<std::string>())
        tl.marks.push_back({f["recovered_at_s"].get<double>(), static_cast<int>(l), View::PROCESS,
                            MarkKind::SERVES_AGAIN, "serves again"});
  }
  // In time order, so a delay label always counts from the latest fault before its mark.
  std::stable_sort(tl.marks.begin(), tl.marks.end(), [](const Mark& a, const Mark& b) { return a.at_s < b.at_s; });
  return tl;
}

} // namespace svcsim::report
