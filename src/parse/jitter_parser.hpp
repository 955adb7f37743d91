// The model's per-request jitter (Model::overhead_jitter): the shorthand "overhead_jitter_ms": MEAN (an
// exponential, the only form before issue 13) or "overhead_jitter": {"family": ...} with the family's
// parameters, every value checked, one error line per defect.
#pragma once

#include "parse/checker.hpp"
#include "policy/jitter.hpp"

namespace svcsim
{

// The two spellings of one setting: the model's keys "overhead_jitter_ms" and "overhead_jitter".
constexpr const char* JITTER_SHORTHAND_KEY = "overhead_jitter_ms";
constexpr const char* JITTER_KEY = "overhead_jitter";

// `model` is the merged model object at `pointer`. Both spellings in one object is an error; neither keeps
// the default (no jitter).
void read_jitter_model(Checker& checker, const json& model, const std::string& pointer, JitterModel& out);

// A later layer (the scenario's "parameters", a --set) that spells the jitter one way replaces what an
// earlier layer (the model file) spelt the other way: erases from `base` the spelling `over` does not use.
// `over` is the object about to be merged onto `base`, or, for a --set of one key, {key: value}.
void drop_replaced_jitter(json& base, const json& over);

} // namespace svcsim
