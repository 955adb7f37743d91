// The failover timeline derived from a run's event log: for every instance (and any other component a fault
// hits) its true process state and its state as the registry, the balancer and the fault detector saw it,
// as segments over simulated time, plus the fault, detection and recovery marks. tools/svcsim_plots.py
// applies the same state machine to results.sqlite, so the report and the plots tell one story.
#pragma once

#include "metrics/run_output.hpp"
#include "parse/scenario.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace svcsim::report
{

enum class View : uint8_t { PROCESS, REGISTRY, BALANCER, DETECTOR };
constexpr int VIEW_COUNT = 4;
const char* view_name(View v); // "process", "registry", "balancer", "detector"

enum class LaneState : uint8_t { UP, DOWN, HUNG, DEGRADED, HEALTHY, UNHEALTHY, IN_POOL, SKIPPED, UNKNOWN };
const char* lane_state_name(LaneState s);
const char* lane_state_color(LaneState s);

struct Segment {
  double from_s, to_s;
  LaneState state;
};

enum class MarkKind : uint8_t { FAULT, DETECTION, RECOVERY, SERVES_AGAIN };

struct Mark {
  double at_s;
  int lane; // index into Timeline::lanes
  View view;
  MarkKind kind;
  std::string label; // the event kind, or the fault kind
};

struct Lane {
  int component;
  std::string name;
  std::vector<Segment> views[VIEW_COUNT];
};

// A span of simulated time during which an injected fault was active (a restart is an instant: from == to).
struct FaultWindow {
  double from_s, to_s;
  std::string label; // "crash data-service-2"
};

struct Timeline {
  std::vector<Lane> lanes;
  std::vector<Mark> marks;
  std::vector<FaultWindow> windows;
  double end_s = 0;
};

// `faults` is summary["faults"] (for the "serves again" marks).
Timeline build_timeline(const Scenario& scenario, const RunOutput& run, const nlohmann::ordered_json& faults);

} // namespace svcsim::report
