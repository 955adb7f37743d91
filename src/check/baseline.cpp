// Baseline parsing (every schema error collected, each naming its JSON pointer) and the comparison rule.
#include "check/baseline.hpp"

#include "check/json_spans.hpp"
#include "check/metric_path.hpp"
#include "parse/json_positions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace svcsim::gate
{

namespace
{

using ordered_json = nlohmann::ordered_json;

class BaselineParser
{
public:
  BaselineParser(const std::string& file, bool allow_missing_values, std::vector<std::string>& errors)
      : file_(file), allow_missing_values_(allow_missing_values), errors_(errors)
  {
  }

  std::optional<Baseline> parse(const ordered_json& doc)
  {
    size_t errors_before = errors_.size();
    if (!doc.is_object()) {
      error("", "expected an object with \"metrics\" (a run) or \"runs\" (a sweep), got " + describe(doc));
      return std::nullopt;
    }
    Tolerance defaults;
    if (doc.contains("defaults"))
      defaults = tolerance(doc["defaults"], "/defaults", Tolerance{}, /*entry=*/false);

    Baseline baseline;
    bool has_metrics = doc.contains("metrics");
    bool has_runs = doc.contains("runs");
    if (has_metrics && has_runs) {
      error("", "has both \"metrics\" (a run) and \"runs\" (a sweep); keep one");
    } else if (has_metrics) {
      entries(doc["metrics"], "/metrics", "", defaults, baseline);
    } else if (has_runs) {
      baseline.sweep = true;
      const ordered_json& runs = doc["runs"];
      if (!runs.is_object() || runs.empty())
        error("/runs", "expected an object {\"<run_id>\": [{\"metric\", \"value\"}, ...]}, got " + describe(runs));
      else
        for (const auto& [run_id, list] : runs.items())
          entries(list, "/runs/" + escape_pointer_token(run_id), run_id, defaults, baseline);
    } else {
      error("", "expected \"metrics\" (a run) or \"runs\" (a sweep)");
    }
    if (errors_.size() != errors_before)
      return std::nullopt;
    return baseline;
  }

private:
  void error(const std::string& pointer, const std::string& message)
  {
    errors_.push_back(pointer.empty() ? fmt::format("{}: error: {}", file_, message)
                                      : fmt::format("{}: error: {}: {}", file_, pointer, message));
  }

  // A short account of a wrong value for messages: scalars as written, containers by kind.
  static std::string describe(const ordered_json& v)
  {
    if (v.is_object())
      return "an object";
    if (v.is_array())
      return "an array";
    return v.dump();
  }

  void entries(const ordered_json& list, const std::string& pointer, const std::string& run_id,
               const Tolerance& defaults, Baseline& baseline)
  {
    if (!list.is_array() || list.empty()) {
      // An empty list would make the gate pass while checking nothing.
      error(pointer, "expected a non-empty array of {\"metric\", \"value\"}, got " + describe(list));
      return;
    }
    std::map<std::vector<std::string>, std::string> seen; // keys → pointer of the first entry naming them
    for (size_t i = 0; i < list.size(); ++i) {
      std::string at = pointer + "/" + std::to_string(i);
      const ordered_json& item = list[i];
      if (!item.is_object()) {
        error(at, "expected an object {\"metric\", \"value\"}, got " + describe(item));
        continue;
      }
      BaselineEntry entry;
      entry.run_id = run_id;
      entry.pointer = at;
      bool ok = true;
      for (const auto& [key, _] : item.items())
        if (key != "metric" && key != "value" && key != "rel_tol" && key != "abs_tol" && key != "better" &&
            key != "note") {
          // A misspelt tolerance would silently mean "exact": refuse it.
          error(at + "/" + escape_pointer_token(key),
                "unknown key (expected metric, value, rel_tol, abs_tol, better, note)");
          ok = false;
        }
      auto metric = item.find("metric");
      if (metric == item.end() || !metric->is_string()) {
        error(at + "/metric", metric == item.end() ? "missing (a metric path such as requests.latency_ms.p99)"
                                                   : "expected a metric path string, got " + describe(*metric));
        ok = false;
      } else {
        entry.metric = metric->get<std::string>();
        try {
          entry.keys = parse_metric_path(entry.metric);
          auto [first, inserted] = seen.emplace(entry.keys, at);
          if (!inserted) {
            error(at + "/metric", entry.metric + " is already checked by " + first->second);
            ok = false;
          }
        } catch (const MetricPathError& e) {
          error(at + "/metric", e.what());
          ok = false;
        }
      }
      auto value = item.find("value");
      if (value == item.end()) {
        if (!allow_missing_values_) {
          error(at, "missing \"value\" (--update-baseline fills it in from the run)");
          ok = false;
        }
      } else if (value->is_object() || value->is_array()) {
        error(at + "/value", "expected a number or null, got " + describe(*value));
        ok = false;
      } else {
        entry.value = nlohmann::json::parse(value->dump());
      }
      size_t errors_before = errors_.size();
      entry.tolerance = tolerance(item, at, defaults, /*entry=*/true);
      if (ok && errors_.size() == errors_before)
        baseline.entries.push_back(std::move(entry));
    }
  }

  // rel_tol, abs_tol and better of `node`, falling back to `fallback`.
  Tolerance tolerance(const ordered_json& node, const std::string& pointer, Tolerance fallback, bool entry)
  {
    if (!node.is_object()) {
      error(pointer, "expected an object {\"rel_tol\", \"abs_tol\", \"better\"}, got " + describe(node));
      return fallback;
    }
    Tolerance t = fallback;
    for (const auto& [key, v] : node.items()) {
      std::string at = pointer + "/" + escape_pointer_token(key);
      if (key == "rel_tol" || key == "abs_tol") {
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
          error(at, "expected a number >= 0, got " + describe(v));
        else
          (key == "rel_tol" ? t.rel_tol : t.abs_tol) = v.get<double>();
      } else if (key == "better") {
        if (v == "lower")
          t.better = Better::lower;
        else if (v == "higher")
          t.better = Better::higher;
        else
          error(at, "expected \"lower\" or \"higher\", got " + describe(v));
      } else if (!entry && key != "note") {
        error(at, "unknown key (expected rel_tol, abs_tol, better)");
      }
    }
    return t;
  }

  const std::string& file_;
  bool allow_missing_values_;
  std::vector<std::string>& errors_;
};

} // namespace

std::optional<Baseline> parse_baseline(const std::string& text, const std::string& file, bool allow_missing_values,
                                       std::vector<std::string>& errors)
{
  ordered_json doc;
  try {
    doc = ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    errors.push_back(describe_parse_error(file, e));
    return std::nullopt;
  }
  return BaselineParser(file, allow_missing_values, errors).parse(doc);
}

std::string describe_parse_error(const std::string& file, const nlohmann::json::parse_error& e)
{
  // nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ...";
  // reshape it to the compiler-style "file:3:5: error: syntax error ..." the rest of svcsim prints.
  std::string what = e.what();
  int line = 0;
  int col = 0;
  size_t at = what.find(" at line ");
  if (at != std::string::npos && std::sscanf(what.c_str() + at, " at line %d, column %d", &line, &col) == 2) {
    size_t colon = what.find(": ", at);
    if (colon != std::string::npos)
      return fmt::format("{}:{}:{}: error: {}", file, line, col, what.substr(colon + 2));
  }
  size_t bracket = what.find("] ");
  return fmt::format("{}: error: {}", file, bracket == std::string::npos ? what : what.substr(bracket + 2));
}

const char* verdict_label(Verdict v)
{
  switch (v) {
  case Verdict::pass:
    return "";
  case Verdict::regressed:
    return "regressed";
  case Verdict::improved:
    return "improved";
  case Verdict::changed:
    return "changed";
  }
  return "";
}

std::optional<Comparison> compare_values(const nlohmann::json& baseline, const nlohmann::json& current,
                                         const Tolerance& tolerance)
{
  Comparison c;
  if (baseline.is_number() && current.is_number()) {
    double b = baseline.get<double>();
    double v = current.get<double>();
    double delta = v - b;
    double tol = std::max(tolerance.abs_tol, tolerance.rel_tol * std::fabs(b));
    c.delta = delta;
    c.tol = tol;
    if (b != 0)
      c.delta_pct = 100.0 * delta / std::fabs(b);
    if (std::fabs(delta) <= tol)
      c.verdict = Verdict::pass;
    else if (tolerance.better == Better::unspecified)
      c.verdict = Verdict::changed;
    else
      c.verdict = (delta > 0) == (tolerance.better == Better::lower) ? Verdict::regressed : Verdict::improved;
    return c;
  }
  if (baseline.is_number())
    c.tol = std::max(tolerance.abs_tol, tolerance.rel_tol * std::fabs(baseline.get<double>()));
  if (baseline.is_null() || current.is_null()) {
    c.verdict = baseline.is_null() && current.is_null() ? Verdict::pass : Verdict::changed;
    return c;
  }
  if (baseline.type() != current.type() || baseline.is_object() || baseline.is_array())
    return std::nullopt;
  c.verdict = baseline == current ? Verdict::pass : Verdict::changed;
  return c;
}

std::string json_kind(const nlohmann::json& value)
{
  switch (value.type()) {
  case nlohmann::json::value_t::null:
    return "null";
  case nlohmann::json::value_t::object:
    return "an object";
  case nlohmann::json::value_t::array:
    return "an array";
  case nlohmann::json::value_t::string:
    return "a string";
  case nlohmann::json::value_t::boolean:
    return "a boolean";
  case nlohmann::json::value_t::number_integer:
  case nlohmann::json::value_t::number_unsigned:
  case nlohmann::json::value_t::number_float:
    return "a number";
  default:
    return "a value";
  }
}

} // namespace svcsim::gate
