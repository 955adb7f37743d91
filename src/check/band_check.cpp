// The band check (see the header). Like the baseline gate, every problem is collected before anything is
// compared, so one CI log shows all that needs fixing; the bounds are inclusive, because p5 and p95 are
// samples the model did produce.
#include "check/band_check.hpp"

#include "check/band_sweep.hpp"
#include "check/baseline.hpp"
#include "check/metric_path.hpp"
#include "parse/json_document.hpp"
#include "parse/json_positions.hpp"
#include "spread/spread.hpp"
#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace svcsim
{

namespace fs = std::filesystem;
// Unordered: find_metric walks nlohmann::json, and key order means nothing to a check.
using Json = nlohmann::json;
constexpr int EXIT_BAD_INPUT_CODE = 2;

namespace
{

struct BandRule {
  std::string metric;
  std::vector<std::string> keys;
  double real = 0;
  std::string within = "p5-p95"; // or "min-max"
  std::string origin;            // "--band" or "FILE: /bands/0" for messages
};

struct BandRow {
  BandRule rule;
  Json stats;
  double low = 0, high = 0;
  bool inside = true;
};

bool read_text(const std::string& file, std::string& text)
{
  std::string error;
  auto read = read_text_file(file, error);
  if (read)
    text = std::move(*read);
  return read.has_value();
}

bool parse_real(const std::string& text, double& value)
{
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(value);
}

void parse_cli_bands(const CheckOptions& o, std::vector<BandRule>& rules, std::vector<std::string>& errors)
{
  for (const auto& b : o.bands) {
    size_t eq = b.rfind('=');
    BandRule rule;
    rule.within = o.within;
    rule.origin = "--band";
    if (eq == std::string::npos || eq == 0 || !parse_real(b.substr(eq + 1), rule.real)) {
      errors.push_back(fmt::format("svcsim check: error: --band: expected METRIC=NUMBER (such as "
                                   "requests.latency_ms.p99=321.2), got \"{}\"",
                                   b));
      continue;
    }
    rule.metric = b.substr(0, eq);
    try {
      rule.keys = gate::parse_metric_path(rule.metric);
    } catch (const gate::MetricPathError& e) {
      errors.push_back(fmt::format("svcsim check: error: --band: {}", e.what()));
      continue;
    }
    rules.push_back(rule);
  }
}

void parse_band_file(const std::string& file, std::vector<BandRule>& rules, std::vector<std::string>& errors)
{
  std::string text;
  if (!read_text(file, text)) {
    errors.push_back(fmt::format("{}: error: band file not found", file));
    return;
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    errors.push_back(gate::describe_parse_error(file, e));
    return;
  }
  auto fail = [&](const std::string& pointer, const std::string& message) {
    errors.push_back(fmt::format("{}: error: {}: {}", file, pointer, message));
  };
  if (!doc.is_object() || !doc.contains("bands")) {
    errors.push_back(
        fmt::format("{}: error: expected a band file {{\"bands\": [...]}} beside --band, got {}", file,
                    doc.is_object() ? "a baseline (check it in a separate svcsim check)" : gate::json_kind(doc)));
    return;
  }
  for (const auto& [key, _] : doc.items())
    if (key != "bands" && key != "note")
      fail("/" + escape_pointer_token(key), "unknown key (expected bands, note)");
  const Json& list = doc["bands"];
  if (!list.is_array() || list.empty()) {
    fail("/bands", "expected a non-empty array of {\"metric\", \"real\", \"within\"}, got " + gate::json_kind(list));
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = "/bands/" + std::to_string(i);
    const Json& item = list[i];
    if (!item.is_object()) {
      fail(at, "expected an object {\"metric\", \"real\", \"within\"}, got " + gate::json_kind(item));
      continue;
    }
    BandRule rule;
    rule.origin = file + ": " + at;
    bool ok = true;
    for (const auto& [key, _] : item.items())
      if (key != "metric" && key != "real" && key != "within" && key != "note") {
        fail(at + "/" + escape_pointer_token(key), "unknown key (expected metric, real, within, note)");
        ok = false;
      }
    if (!item.contains("metric") || !item["metric"].is_string()) {
      fail(at + "/metric", "expected a metric path such as requests.latency_ms.p99, got " +
                               (item.contains("metric") ? item["metric"].dump() : std::string("nothing")));
      ok = false;
    } else {
      rule.metric = item["metric"].get<std::string>();
      try {
        rule.keys = gate::parse_metric_path(rule.metric);
      } catch (const gate::MetricPathError& e) {
        fail(at + "/metric", e.what());
        ok = false;
      }
    }
    if (!item.contains("real") || !item["real"].is_number()) {
      fail(at + "/real", "expected the measured value as a number, got " +
                             (item.contains("real") ? item["real"].dump() : std::string("nothing")));
      ok = false;
    } else {
      rule.real = item["real"].get<double>();
    }
    if (item.contains("within")) {
      const Json& w = item["within"];
      if (!w.is_string() || (w != "p5-p95" && w != "min-max")) {
        fail(at + "/within", "expected \"p5-p95\" or \"min-max\", got " + w.dump());
        ok = false;
      } else {
        rule.within = w.get<std::string>();
      }
    }
    if (ok)
      rules.push_back(rule);
  }
}

std::string number(double v)
{
  return spread_number(Json(v));
}

Json report_json(const CheckOptions& o, const Json& spread, const std::vector<BandRow>& rows,
                 const std::vector<std::string>& errors, int exit_code)
{
  Json r = {{"mode", "band"}, {"run_dir", o.run_dir}, {"exit_code", exit_code}};
  r["seeds"] = spread.contains("seeds") ? spread["seeds"] : Json::array();
  r["rows"] = Json::array();
  for (const auto& row : rows)
    r["rows"].push_back({{"metric", row.rule.metric},
                         {"real", row.rule.real},
                         {"within", row.rule.within},
                         {"low", row.low},
                         {"high", row.high},
                         {"mean", row.stats["mean"]},
                         {"n", row.stats["n"]},
                         {"inside", row.inside}});
  r["errors"] = errors;
  return r;
}

} // namespace

bool is_band_file(const std::string& file)
{
  std::string text;
  if (file.empty() || !read_text(file, text))
    return false;
  try {
    Json doc = Json::parse(text);
    return doc.is_object() && doc.contains("bands");
  } catch (const nlohmann::json::parse_error&) {
    return false;
  }
}

int run_band_check(const CheckOptions& o, std::ostream& out, std::ostream& err)
{
  std::vector<std::string> errors;
  std::vector<BandRule> rules;
  if (o.update_baseline)
    errors.push_back("svcsim check: error: --update-baseline: a band check has no values to update (the real "
                     "values are measurements; the band comes from spread.json)");
  if (o.within != "p5-p95" && o.within != "min-max")
    errors.push_back(fmt::format("svcsim check: error: --within: expected p5-p95 or min-max, got \"{}\"", o.within));
  parse_cli_bands(o, rules, errors);
  if (!o.baseline_file.empty())
    parse_band_file(o.baseline_file, rules, errors);

  // A --seeds directory's spread.json, else the seeds of one variant of a collected sweep.
  std::string file = (fs::path(o.run_dir) / "spread.json").string();
  const std::string csv = (fs::path(o.run_dir) / "sweep.csv").string();
  Json spread;
  std::error_code ec;
  std::string text;
  if (!fs::is_directory(o.run_dir, ec)) {
    errors.push_back(fmt::format("{}: error: run directory not found", o.run_dir));
  } else if (read_text(file, text)) {
    if (!o.variant.empty())
      errors.push_back(
          fmt::format("svcsim check: error: --variant: expected a collected sweep (sweep.csv), got {}", file));
    try {
      spread = Json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      errors.push_back(gate::describe_parse_error(file, e));
    }
  } else if (fs::is_regular_file(csv, ec)) {
    file = csv;
    spread = spread_from_sweep(csv, o.variant, errors).value_or(Json());
  } else {
    errors.push_back(fmt::format("{}: error: no spread.json (a band check needs the spread of `svcsim run SCENARIO "
                                 "--seeds A..B --out {}`, or a collected sweep)",
                                 o.run_dir, o.run_dir));
  }

  std::vector<BandRow> rows;
  if (spread.is_object()) {
    const Json& metrics = spread.contains("metrics") ? spread["metrics"] : Json::object();
    for (const auto& rule : rules) {
      const Json* found = gate::find_metric(metrics, rule.keys);
      if (!found) {
        errors.push_back(fmt::format("{}: error: {} not found (from {})", file, rule.metric, rule.origin));
      } else if (!is_spread_stats(*found)) {
        errors.push_back(fmt::format("{}: error: {} is a group of metrics, not one metric's spread (from {})", file,
                                     rule.metric, rule.origin));
      } else if ((*found)["n"] == 0) {
        errors.push_back(fmt::format("{}: error: {} has no value in any seed (null in all) (from {})", file,
                                     rule.metric, rule.origin));
      } else {
        BandRow row{rule, *found};
        bool pct = rule.within == "p5-p95";
        row.low = (*found)[pct ? "p5" : "min"].get<double>();
        row.high = (*found)[pct ? "p95" : "max"].get<double>();
        row.inside = row.low <= rule.real && rule.real <= row.high;
        rows.push_back(row);
      }
    }
  }

  size_t outside = 0;
  for (const auto& row : rows)
    outside += row.inside ? 0 : 1;
  int rc = !errors.empty() ? EXIT_BAD_INPUT_CODE : outside > 0 ? 1 : 0;
  if (!o.json_report.empty()) {
    std::string failure = write_file_atomic(o.json_report, report_json(o, spread, rows, errors, rc).dump(2) + "\n");
    if (!failure.empty()) {
      errors.push_back(failure);
      rc = EXIT_BAD_INPUT_CODE;
    }
  }
  for (const auto& e : errors)
    err << e << "\n";
  if (o.format == "json") {
    out << report_json(o, spread, rows, errors, rc).dump(2) << "\n";
    return rc;
  }
  if (rc == EXIT_BAD_INPUT_CODE)
    return rc;
  out << fmt::format("band check of {} ({} seeds: {})\n", file, spread["seeds"].size(),
                     spread.value("seed_list", std::string()));
  out << fmt::format("  {:<36} {:>10}  {:<26} {:>10}  {}\n", "metric", "real", "band", "mean", "verdict");
  for (const auto& row : rows) {
    if (o.quiet && row.inside)
      continue;
    bool pct = row.rule.within == "p5-p95"; // the samples as written: an integer band prints as integers
    std::string band = fmt::format("{} [{}, {}]", row.rule.within, spread_number(row.stats[pct ? "p5" : "min"]),
                                   spread_number(row.stats[pct ? "p95" : "max"]));
    std::string verdict = row.inside ? "inside" : row.rule.real < row.low ? "OUTSIDE (below)" : "OUTSIDE (above)";
    out << fmt::format("  {:<36} {:>10}  {:<26} {:>10}  {}\n", row.rule.metric, number(row.rule.real), band,
                       spread_number(row.stats["mean"]), verdict);
  }
  out << fmt::format("{} of {} real values inside their band{}\n", rows.size() - outside, rows.size(),
                     outside ? ": the model does not produce the measured value with these seeds" : "");
  return rc;
}

} // namespace svcsim
