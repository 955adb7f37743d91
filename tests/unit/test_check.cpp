// Unit tests for `svcsim check` (src/check): metric paths, the tolerance rule and its labels, and run_check on
// hand-written summary.json / sweep.csv files in temporary directories, including --update-baseline round trips.
#include "check/baseline.hpp"
#include "check/check.hpp"
#include "check/json_spans.hpp"
#include "check/metric_path.hpp"
#include "check/sweep_csv.hpp"
#include "check_test_helpers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace svcsim;
using namespace svcsim::gate;
using namespace svcsim::check_test;
namespace fs = std::filesystem;
using nlohmann::json;

TEST_CASE("metric paths: dotted keys, [n] indices and quoted keys")
{
  CHECK(parse_metric_path("requests.latency_ms.p99") == std::vector<std::string>{"requests", "latency_ms", "p99"});
  CHECK(parse_metric_path("faults[0].lb_excluded_at_s") == std::vector<std::string>{"faults", "0", "lb_excluded_at_s"});
  CHECK(parse_metric_path("by_endpoint./api/auth/auth-work.total") ==
        std::vector<std::string>{"by_endpoint", "/api/auth/auth-work", "total"});
  CHECK(parse_metric_path(R"(by_endpoint["/api/a.b"].latency_ms.p50)") ==
        std::vector<std::string>{"by_endpoint", "/api/a.b", "latency_ms", "p50"});
  CHECK(parse_metric_path(R"(x['it\'s'][2][3])") == std::vector<std::string>{"x", "it's", "2", "3"});
  CHECK_THROWS_WITH_AS(parse_metric_path("a..b"), "bad metric path \"a..b\": empty key at character 3",
                       MetricPathError);
  CHECK_THROWS_WITH_AS(parse_metric_path("a."), "bad metric path \"a.\": empty key at character 3", MetricPathError);
  CHECK_THROWS_WITH_AS(parse_metric_path("a[x]"),
                       "bad metric path \"a[x]\": expected an index or a quoted key inside [...] at character 3",
                       MetricPathError);
  CHECK_THROWS_WITH_AS(parse_metric_path("a[\"b]"),
                       "bad metric path \"a[\"b]\": unterminated quoted key at character 2", MetricPathError);
  CHECK_THROWS_WITH_AS(parse_metric_path(""), "empty metric path", MetricPathError);
}

TEST_CASE("find_metric follows keys and indices, and misses cleanly")
{
  json doc = json::parse(SUMMARY);
  CHECK(*find_metric(doc, parse_metric_path("faults[0].lb_excluded_at_s")) == 75.0);
  CHECK(*find_metric(doc, parse_metric_path("requests.by_status.200")) == 290);
  CHECK(*find_metric(doc, parse_metric_path("by_endpoint[\"/api/auth/auth-work\"].latency_ms.p50")) == 11.0);
  CHECK(find_metric(doc, parse_metric_path("faults[0].detector_alert_at_s"))->is_null());
  CHECK(find_metric(doc, parse_metric_path("faults[1].at_s")) == nullptr);
  CHECK(find_metric(doc, parse_metric_path("requests.latency_ms.p999")) == nullptr);
  CHECK(find_metric(doc, parse_metric_path("requests.total.x")) == nullptr);
}

TEST_CASE("the tolerance is max(abs_tol, rel_tol * |baseline|) and failures are labelled by 'better'")
{
  Tolerance t{0.01, 0.5, Better::lower};
  CHECK(compare_values(100.0, 100.9, t)->verdict == Verdict::pass); // tol = max(0.5, 1.0) = 1.0
  CHECK(compare_values(100.0, 101.0, t)->verdict == Verdict::pass); // the bound itself passes
  CHECK(compare_values(100.0, 101.5, t)->verdict == Verdict::regressed);
  CHECK(compare_values(100.0, 98.5, t)->verdict == Verdict::improved);
  t.better = Better::higher;
  CHECK(compare_values(100.0, 101.5, t)->verdict == Verdict::improved);
  CHECK(compare_values(100.0, 98.5, t)->verdict == Verdict::regressed);
  t.better = Better::unspecified;
  CHECK(compare_values(100.0, 98.5, t)->verdict == Verdict::changed);
  CHECK(*compare_values(0.0, 0.25, t)->tol == 0.5); // abs_tol rules near zero
  CHECK_FALSE(compare_values(0.0, 0.25, t)->delta_pct.has_value());

  Tolerance exact;
  CHECK(compare_values(nullptr, nullptr, exact)->verdict == Verdict::pass);
  CHECK(compare_values(nullptr, 75.0, exact)->verdict == Verdict::changed);
  CHECK(compare_values(75.0, nullptr, Tolerance{0, 0, Better::lower})->verdict == Verdict::changed);
  CHECK(compare_values(300, 300.0, exact)->verdict == Verdict::pass);
  CHECK_FALSE(compare_values(1.0, "x", exact).has_value());
}

TEST_CASE("identical values pass: table, closing line, exit 0")
{
  Fixture f;
  Outcome r = f.check_with(R"({"description": "fixture",
    "defaults": {"rel_tol": 0.0, "abs_tol": 0.0},
    "metrics": [
      {"metric": "requests.latency_ms.p99", "value": 321.2, "rel_tol": 0.01, "abs_tol": 0.5},
      {"metric": "faults[0].lb_excluded_at_s", "value": 75.0, "abs_tol": 0.001},
      {"metric": "by_instance.auth-service-1.served", "value": 100},
      {"metric": "requests.by_status.200", "value": 290},
      {"metric": "by_endpoint[\"/api/auth/auth-work\"].latency_ms.p50", "value": 11.0}
    ]})");
  CHECK(r.code == 0);
  CHECK(r.err == "");
  CHECK(r.out == "metric                                             baseline  current  delta  delta%    tol  status\n"
                 "requests.latency_ms.p99                               321.2    321.2      0   0.00%  3.212  PASS\n"
                 "faults[0].lb_excluded_at_s                             75.0     75.0      0   0.00%  0.001  PASS\n"
                 "by_instance.auth-service-1.served                       100      100      0   0.00%      0  PASS\n"
                 "requests.by_status.200                                  290      290      0   0.00%      0  PASS\n"
                 "by_endpoint[\"/api/auth/auth-work\"].latency_ms.p50      11.0     11.0      0   0.00%      0  PASS\n"
                 "5 passed, 0 failed\n");
}

TEST_CASE("tightening the tolerance past the current value fails with exit 1")
{
  Fixture f;
  // 321.0 vs 321.2: within rel_tol 0.001 (0.321), outside abs_tol 0.1.
  CHECK(
      f.check_with(R"({"metrics": [{"metric": "requests.latency_ms.p99", "value": 321.0, "rel_tol": 0.001}]})").code ==
      0);
  Outcome r = f.check_with(R"({"metrics": [{"metric": "requests.latency_ms.p99", "value": 321.0, "abs_tol": 0.1}]})");
  CHECK(r.code == 1);
  CHECK(r.out.find("FAIL (changed)") != std::string::npos);
  CHECK(r.out.find("+0.2") != std::string::npos);
  CHECK(last_line(r.out) == "0 passed, 1 failed");
}

TEST_CASE("a failure is labelled regressed or improved in both directions")
{
  Fixture f;
  Outcome r = f.check_with(R"({"defaults": {"better": "lower"}, "metrics": [
      {"metric": "requests.latency_ms.p99", "value": 300.0},
      {"metric": "requests.latency_ms.p50", "value": 20.0},
      {"metric": "requests.achieved_rps", "value": 3.0, "better": "higher"},
      {"metric": "requests.success", "value": 280, "better": "higher"},
      {"metric": "requests.total", "value": 299, "abs_tol": 1}
    ]})");
  CHECK(r.code == 1);
  CHECK(r.out == "metric                   baseline  current  delta   delta%  tol  status\n"
                 "requests.latency_ms.p99     300.0    321.2  +21.2   +7.07%    0  FAIL (regressed)\n"
                 "requests.latency_ms.p50      20.0     12.0     -8  -40.00%    0  FAIL (improved)\n"
                 "requests.achieved_rps         3.0     2.75  -0.25   -8.33%    0  FAIL (regressed)\n"
                 "requests.success              280      290    +10   +3.57%    0  FAIL (improved)\n"
                 "requests.total                299      300     +1   +0.33%    1  PASS\n"
                 "1 passed, 4 failed\n");
}

TEST_CASE("null baselines: a time that never happened must stay null")
{
  Fixture f;
  Outcome r = f.check_with(R"({"metrics": [
      {"metric": "faults[0].detector_alert_at_s", "value": null},
      {"metric": "faults[0].lb_excluded_at_s", "value": null, "better": "lower"}
    ]})");
  CHECK(r.code == 1);
  CHECK(r.out == "metric                         baseline  current  delta  delta%  tol  status\n"
                 "faults[0].detector_alert_at_s      null     null      -       -    -  PASS\n"
                 "faults[0].lb_excluded_at_s         null     75.0      -       -    -  FAIL (changed)\n"
                 "1 passed, 1 failed\n");
  r = f.check_with(R"({"metrics": [{"metric": "faults[0].detector_alert_at_s", "value": 80.0, "abs_tol": 1}]})");
  CHECK(r.code == 1);
  CHECK(r.out.find("80.0     null      -       -    1  FAIL (changed)") != std::string::npos);
}

TEST_CASE("a metric missing from the summary is trouble: exit 2, file and JSON pointer named")
{
  Fixture f;
  Outcome r = f.check_with(R"({"metrics": [
      {"metric": "requests.latency_ms.p99", "value": 321.2},
      {"metric": "requests.latency_ms.p999", "value": 400.0},
      {"metric": "faults[3].at_s", "value": 1.0},
      {"metric": "requests.latency_ms", "value": 1.0},
      {"metric": "scenario", "value": 1.0}
    ]})");
  CHECK(r.code == 2);
  CHECK(r.out == "");
  std::string summary = f.run + "/summary.json";
  CHECK(r.err == f.baseline + ": error: /metrics/1/metric: requests.latency_ms.p999 not found in " + summary + "\n" +
                     f.baseline + ": error: /metrics/2/metric: faults[3].at_s not found in " + summary + "\n" +
                     f.baseline + ": error: /metrics/3/metric: requests.latency_ms is an object in " + summary +
                     ", not a single value\n" + f.baseline +
                     ": error: /metrics/4/value: the baseline is a number but scenario is a string "
                     "(\"check-fixture\") in " +
                     summary + "\n");
}

TEST_CASE("an incomplete or missing run is refused with exit 2")
{
  Fixture f;
  std::string baseline = R"({"metrics": [{"metric": "requests.total", "value": 300}]})";
  write_file(f.run + "/INCOMPLETE", "killed at 40 s\n");
  Outcome r = f.check_with(baseline);
  CHECK(r.code == 2);
  CHECK(r.err == f.run + ": error: refusing incomplete run: it holds an INCOMPLETE marker (killed at 40 s)\n");

  fs::remove(f.run + "/INCOMPLETE");
  fs::remove(f.run + "/summary.json");
  r = f.check_with(baseline);
  CHECK(r.code == 2);
  CHECK(r.err == f.run + ": error: refusing incomplete run: no summary.json\n");

  r = check(f.tmp / "nope", f.tmp / "missing.json");
  CHECK(r.code == 2);
  CHECK(r.err == f.tmp / "nope" + ": error: run directory not found\n" + f.tmp / "missing.json" +
                     ": error: baseline file not found\n");
}

TEST_CASE("bad JSON and bad baselines report every problem at once")
{
  Fixture f;
  Outcome r = f.check_with("{\"metrics\": [\n  {\"metric\": \"requests.total\", \"value\": 300,}\n]}");
  CHECK(r.code == 2);
  CHECK(r.err.rfind(f.baseline + ":2:", 0) == 0);
  CHECK(r.err.find(": error: syntax error while parsing object key") != std::string::npos);

  r = f.check_with(R"({"defaults": {"rel_tol": -1}, "metrics": [
      {"metric": "requests..total", "value": 300},
      {"metric": "requests.total", "value": 300, "rel_tl": 0.1},
      {"metric": "requests.failed", "value": 10, "better": "up"},
      {"metric": "requests.success"},
      {"metric": "requests.failed", "value": 10}
    ]})");
  CHECK(r.code == 2);
  CHECK(r.err == f.baseline + ": error: /defaults/rel_tol: expected a number >= 0, got -1\n" + f.baseline +
                     ": error: /metrics/0/metric: bad metric path \"requests..total\": empty key at character 10\n" +
                     f.baseline +
                     ": error: /metrics/1/rel_tl: unknown key (expected metric, value, rel_tol, abs_tol, "
                     "better, note)\n" +
                     f.baseline + ": error: /metrics/2/better: expected \"lower\" or \"higher\", got \"up\"\n" +
                     f.baseline +
                     ": error: /metrics/3: missing \"value\" (--update-baseline fills it in from the run)\n" +
                     f.baseline + ": error: /metrics/4/metric: requests.failed is already checked by /metrics/2\n");

  write_file(f.run + "/summary.json", "{\"requests\": ");
  r = f.check_with(R"({"metrics": [{"metric": "requests.total", "value": 300}]})");
  CHECK(r.code == 2);
  CHECK(r.err.rfind(f.run + "/summary.json:1:", 0) == 0);
}

TEST_CASE("--update-baseline rewrites only the values, keeps tolerances and layout, then the check passes")
{
  Fixture f;
  const std::string before = R"({
  "description": "kept as is",
  "metrics": [
    {"metric": "requests.latency_ms.p99", "value": 300.5, "rel_tol": 0.01, "abs_tol": 0.5, "better": "lower"},
    {"metric": "faults[0].lb_excluded_at_s", "value": 75, "abs_tol": 0.001},
    {"metric": "faults[0].detector_alert_at_s", "value": 12.0},
    {"note": "new metric, value filled in by the update", "metric": "requests.by_status.502"}
  ],
  "defaults": {"rel_tol": 0.0}
}
)";
  CheckOptions options;
  options.update_baseline = true;
  Outcome r = f.check_with(before, options);
  CHECK(r.code == 0);
  CHECK(r.err == "");
  CHECK(r.out == "updated requests.latency_ms.p99: 300.5 -> 321.2\n"
                 "updated faults[0].detector_alert_at_s: 12.0 -> null\n"
                 "updated requests.by_status.502: (none) -> 10\n" +
                     f.baseline + ": 3 updated, 1 unchanged\n");
  // 75 == 75.0 keeps its spelling; the order of keys and entries, tolerances and notes stay.
  CHECK(read_file(f.baseline) == R"({
  "description": "kept as is",
  "metrics": [
    {"metric": "requests.latency_ms.p99", "value": 321.2, "rel_tol": 0.01, "abs_tol": 0.5, "better": "lower"},
    {"metric": "faults[0].lb_excluded_at_s", "value": 75, "abs_tol": 0.001},
    {"metric": "faults[0].detector_alert_at_s", "value": null},
    {"note": "new metric, value filled in by the update", "metric": "requests.by_status.502", "value": 10}
  ],
  "defaults": {"rel_tol": 0.0}
}
)");
  CHECK(fs::directory_iterator(f.tmp.path) != fs::directory_iterator()); // no temp file left behind:
  for (const auto& e : fs::directory_iterator(f.tmp.path))
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);

  r = check(f.run, f.baseline);
  CHECK(r.code == 0);
  CHECK(last_line(r.out) == "4 passed, 0 failed");

  // A second update changes nothing and says so.
  r = check(f.run, f.baseline, options);
  CHECK(r.out == f.baseline + ": 0 updated, 4 unchanged\n");
}

TEST_CASE("--update-baseline with a missing metric leaves the file alone")
{
  Fixture f;
  const std::string before = R"({"metrics": [{"metric": "requests.p99", "value": 1.0}]})";
  CheckOptions options;
  options.update_baseline = true;
  Outcome r = f.check_with(before, options);
  CHECK(r.code == 2);
  CHECK(r.err.find("/metrics/0/metric: requests.p99 not found in") != std::string::npos);
  CHECK(read_file(f.baseline) == before);
}

TEST_CASE("json output and the json report carry the same verdicts")
{
  Fixture f;
  CheckOptions options;
  options.format = "json";
  options.json_report = f.tmp / "report.json";
  Outcome r = f.check_with(R"({"metrics": [
      {"metric": "requests.total", "value": 300},
      {"metric": "requests.failed", "value": 5, "better": "lower"}
    ]})",
                           options);
  CHECK(r.code == 1);
  json j = json::parse(r.out);
  CHECK(j == json::parse(read_file(options.json_report)));
  CHECK(j["exit_code"] == 1);
  CHECK(j["mode"] == "run");
  CHECK(j["passed"] == 1);
  CHECK(j["failed"] == 1);
  CHECK(j["metrics"][1]["status"] == "FAIL");
  CHECK(j["metrics"][1]["label"] == "regressed");
  CHECK(j["metrics"][1]["delta"] == 5.0);
  CHECK(j["metrics"][1]["delta_pct"] == 100.0);
}

TEST_CASE("quiet shows only the failures and the closing line")
{
  Fixture f;
  CheckOptions options;
  options.quiet = true;
  std::string baseline = R"({"metrics": [{"metric": "requests.total", "value": 300}]})";
  CHECK(f.check_with(baseline, options).out == "1 passed, 0 failed\n");
  baseline = R"({"metrics": [{"metric": "requests.total", "value": 300}, {"metric": "requests.failed", "value": 9}]})";
  Outcome r = f.check_with(baseline, options);
  CHECK(r.out.find("requests.total") == std::string::npos);
  CHECK(r.out.find("requests.failed") != std::string::npos);
  CHECK(last_line(r.out) == "1 passed, 1 failed");
}
