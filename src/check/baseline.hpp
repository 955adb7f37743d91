// The baseline file of `svcsim check`: expected metric values with tolerances, for one run ("metrics") or for
// each run of a collected sweep ("runs"), and the rule: pass when |current - baseline| <= max(abs_tol,
// rel_tol * |baseline|). Tolerances only absorb compiler or platform drift; the same binary is exact.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace svcsim::gate
{

// Which way is good, to label a failure; without it a failure is just "changed".
enum class Better { unspecified, lower, higher };

struct Tolerance {
  double rel_tol = 0.0;
  double abs_tol = 0.0;
  Better better = Better::unspecified;
};

struct BaselineEntry {
  std::string run_id;                  // sweep: the run it belongs to; "" for a single run
  std::string metric;                  // the path as written
  std::vector<std::string> keys;       // parse_metric_path(metric)
  std::optional<nlohmann::json> value; // absent: to be filled in by --update-baseline
  Tolerance tolerance;
  std::string pointer; // JSON pointer of the entry object in the baseline file ("/metrics/3")
};

struct Baseline {
  bool sweep = false;                 // "runs" rather than "metrics"
  std::vector<BaselineEntry> entries; // file order (runs in file order, then their metrics)
};

// Every schema error goes to `errors` as "file: error: /pointer: message"; nullopt if there was any.
// A metric may lack "value" only when `allow_missing_values` (--update-baseline fills it in).
std::optional<Baseline> parse_baseline(const std::string& text, const std::string& file, bool allow_missing_values,
                                       std::vector<std::string>& errors);

// "file:line:col: error: message" from a JSON syntax error.
std::string describe_parse_error(const std::string& file, const nlohmann::json::parse_error& e);

enum class Verdict { pass, regressed, improved, changed };
const char* verdict_label(Verdict v); // "" for pass

struct Comparison {
  Verdict verdict = Verdict::pass;
  std::optional<double> delta;     // current - baseline, when both are numbers
  std::optional<double> delta_pct; // 100 * delta / |baseline|, when both are numbers and baseline != 0
  std::optional<double> tol;       // max(abs_tol, rel_tol * |baseline|), when baseline is a number
};

// nullopt when the two cannot be compared (a number against a string is a broken baseline, not a regression).
// null against a number, either way round, is a failure labelled "changed": a time that never happened now
// happens, or the reverse, and neither direction is better by itself.
std::optional<Comparison> compare_values(const nlohmann::json& baseline, const nlohmann::json& current,
                                         const Tolerance& tolerance);

// Names the kind of a JSON value for messages: "a number", "null", "a string", "an object", ...
std::string json_kind(const nlohmann::json& value);

} // namespace svcsim::gate
