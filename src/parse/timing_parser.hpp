// The model's "timing" section (issue 13): exact timing, or Node's event loop with the measured timer
// lateness and client send lag as millisecond histograms. Read into Model::timing, every value checked.
#pragma once

#include "parse/checker.hpp"
#include "parse/scenario.hpp"

namespace svcsim
{

// `model` is the merged model object at `pointer`; an absent section is exact timing (the model as it was
// before timing existed).
void read_timing_model(Checker& checker, const json& model, const std::string& pointer, TimingModel& out);

// True for the keys of a millisecond histogram ("-1", "0", "13"): whole numbers, no sign but '-', no
// leading zeros. A scenario's histogram replaces the model's whole (scenario_parser's merge).
bool is_ms_key(const std::string& key);

} // namespace svcsim
