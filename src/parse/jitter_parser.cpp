#include "parse/jitter_parser.hpp"

#include <cmath>

namespace svcsim
{

namespace
{

// A table longer than this is a mistake (a percentile table has 101 points, a permille one 1001).
constexpr size_t MAX_QUANTILES = 100001;
constexpr NumberRule SIGMA{0, false, 10, false};

void read_quantiles(Checker& checker, const json& obj, const std::string& pointer, JitterModel& out)
{
  const std::string p = pointer_append(pointer, "ms");
  auto it = obj.find("ms");
  if (it == obj.end()) {
    checker.missing(p, "array of at least 2 numbers >= 0 (quantiles at equally spaced probabilities)");
    return;
  }
  if (!it->is_array() || it->size() < 2 || it->size() > MAX_QUANTILES) {
    checker.error(p,
                  "expected array of 2 to " + std::to_string(MAX_QUANTILES) + " numbers >= 0, got " + quote_value(*it));
    return;
  }
  std::vector<double> ms;
  bool ok = true;
  for (size_t k = 0; k < it->size(); ++k) {
    const std::string pk = pointer_append(p, k);
    auto v = checker.number_value((*it)[k], pk, NON_NEGATIVE);
    if (!v) {
      ok = false;
      continue;
    }
    // An inverse CDF cannot decrease: a table that does is a fit gone wrong, not a distribution.
    if (ok && !ms.empty() && *v < ms.back()) {
      checker.error(pk, "expected number >= " + format_number(ms.back()) + " (the previous quantile: ms must be " +
                            "nondecreasing), got " + quote_value((*it)[k]));
      ok = false;
    }
    ms.push_back(*v);
  }
  if (ok)
    out.ms = std::move(ms);
}

} // namespace

void read_jitter_model(Checker& checker, const json& model, const std::string& pointer, JitterModel& out)
{
  const auto shorthand = model.find(JITTER_SHORTHAND_KEY);
  const auto full = model.find(JITTER_KEY);
  const std::string p = pointer_append(pointer, JITTER_KEY);
  if (shorthand != model.end() && full != model.end()) {
    checker.error_at_key(p, std::string("expected one of \"") + JITTER_KEY + "\" and \"" + JITTER_SHORTHAND_KEY +
                                "\", got both");
    return;
  }
  if (shorthand != model.end()) {
    if (auto v = checker.number(model, pointer, JITTER_SHORTHAND_KEY, NON_NEGATIVE)) {
      out.family = JitterFamily::EXPONENTIAL;
      out.mean_ms = *v;
    }
    return;
  }
  if (full == model.end())
    return;
  const json& obj = *full;
  if (!obj.is_object()) {
    checker.error(p, "expected object {\"family\": ...}, got " + quote_value(obj));
    return;
  }
  auto family = checker.choice(obj, p, "family", {"exponential", "lognormal", "quantiles"}, true);
  if (!family)
    return;
  // "source" says what the distribution was fitted on (tools/fit-latency writes it); it changes nothing.
  checker.string(obj, p, "source");
  JitterModel m;
  if (*family == "exponential") {
    checker.unknown_keys(obj, p, {"family", "source", "mean_ms"});
    m.family = JitterFamily::EXPONENTIAL;
    if (auto v = checker.number(obj, p, "mean_ms", NON_NEGATIVE, true))
      m.mean_ms = *v;
    else
      return;
  } else if (*family == "lognormal") {
    checker.unknown_keys(obj, p, {"family", "source", "median_ms", "sigma"});
    m.family = JitterFamily::LOGNORMAL;
    auto median = checker.number(obj, p, "median_ms", NON_NEGATIVE, true);
    auto sigma = checker.number(obj, p, "sigma", SIGMA, true);
    if (!median || !sigma)
      return;
    m.median_ms = *median;
    m.sigma = *sigma;
  } else {
    checker.unknown_keys(obj, p, {"family", "source", "ms"});
    m.family = JitterFamily::QUANTILES;
    read_quantiles(checker, obj, p, m);
    if (m.ms.empty())
      return;
  }
  out = std::move(m);
}

void drop_replaced_jitter(json& base, const json& over)
{
  if (!base.is_object() || !over.is_object())
    return;
  if (over.contains(JITTER_KEY))
    base.erase(JITTER_SHORTHAND_KEY);
  if (over.contains(JITTER_SHORTHAND_KEY))
    base.erase(JITTER_KEY);
}

} // namespace svcsim
