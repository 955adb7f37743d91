// summary.json's load_balancer counters of issue 14's mechanisms (outlier ejections, breaker openings,
// NGINX failure timeouts, retries refused by the budget or not covered, back-off waits, deadlines), added
// only for the mechanisms the model turns on, so a run without them has the bytes it always had.
#pragma once

#include "metrics/recorder.hpp"
#include "parse/scenario.hpp"

#include <nlohmann/json.hpp>

namespace svcsim
{

void add_lb_mechanism_counters(nlohmann::ordered_json& load_balancer, const Model& model, const Recorder& recorder);

} // namespace svcsim
