// Unit tests for `svcsim check` on a sweep (sweep.csv cells, run-by-run checks and updates) and for the JSON
// span editor behind --update-baseline (test_check.cpp has the single-run checks).
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

TEST_CASE("sweep.csv cells: RFC 4180 quoting, empty means null")
{
  TempDir tmp;
  write_file(tmp / "sweep.csv", "run_id,\"rps, per s\",requests.latency_ms.p99,faults.0.at_s,note\r\n"
                                "r1,10,1.5,,\"said \"\"hi\"\"\nthere\"\r\n");
  std::vector<std::string> errors;
  auto table = read_sweep_csv(tmp / "sweep.csv", errors);
  REQUIRE(table);
  CHECK(errors.empty());
  CHECK(table->columns[1] == "rps, per s");
  CHECK(table->run_ids == std::vector<std::string>{"r1"});
  CHECK(table->cells["r1"][4] == "said \"hi\"\nthere");
  CHECK(*find_column(*table, "faults[0].at_s", parse_metric_path("faults[0].at_s")) == 3);
  CHECK(cell_value("") == json(nullptr));
  CHECK(cell_value("10").is_number_integer());
  CHECK(cell_value("1.5") == 1.5);
  CHECK(cell_value("crash") == "crash");

  write_file(tmp / "bad.csv", "run_id,x\nr1,1\nr1,2\nr2\n");
  errors.clear();
  CHECK_FALSE(read_sweep_csv(tmp / "bad.csv", errors));
  CHECK(errors == std::vector<std::string>{tmp / "bad.csv" + ":3: error: duplicate run_id \"r1\" (first on line 2)",
                                           tmp / "bad.csv" + ":4: error: 1 fields, the header has 2"});
}

TEST_CASE("sweep mode checks run by run, labels rows run:metric, and updates")
{
  TempDir tmp;
  std::string dir = tmp / "sweep";
  std::string baseline = tmp / "sweep-baseline.json";
  write_file(dir + "/sweep.csv", "run_id,rps,seed,requests.latency_ms.p99,faults[0].lb_excluded_at_s\n"
                                 "rps=10/seed=1,10,1,120.5,75.0\n"
                                 "rps=20/seed=1,20,1,180.25,\n");
  const std::string text = R"({
  "defaults": {"rel_tol": 0.01},
  "runs": {
    "rps=10/seed=1": [{"metric": "requests.latency_ms.p99", "value": 120.0},
                      {"metric": "faults[0].lb_excluded_at_s", "value": 75.0, "abs_tol": 0.001}],
    "rps=20/seed=1": [{"metric": "requests.latency_ms.p99", "value": 150.0, "better": "lower"},
                      {"metric": "faults.0.lb_excluded_at_s", "value": null}]
  }
})";
  write_file(baseline, text);
  Outcome r = check(dir, baseline);
  CHECK(r.code == 1);
  CHECK(r.err == "");
  CHECK(r.out ==
        "metric                                    baseline  current   delta   delta%   tol  status\n"
        "rps=10/seed=1:requests.latency_ms.p99        120.0    120.5    +0.5   +0.42%   1.2  PASS\n"
        "rps=10/seed=1:faults[0].lb_excluded_at_s      75.0     75.0       0    0.00%  0.75  PASS\n"
        "rps=20/seed=1:requests.latency_ms.p99        150.0   180.25  +30.25  +20.17%   1.5  FAIL (regressed)\n"
        "rps=20/seed=1:faults.0.lb_excluded_at_s       null     null       -        -     -  PASS\n"
        "3 passed, 1 failed\n");

  CheckOptions options;
  options.update_baseline = true;
  r = check(dir, baseline, options);
  CHECK(r.code == 0);
  // Every value follows the run, including one that was inside its tolerance; the tolerances stay.
  std::string expected = text;
  expected.replace(expected.find("120.0"), 5, "120.5");
  expected.replace(expected.find("150.0"), 5, "180.25");
  CHECK(read_file(baseline) == expected);
  CHECK(check(dir, baseline).code == 0);

  // A run the baseline names but the sweep lacks is trouble, reported once with its pointer.
  write_file(baseline, R"({"runs": {"rps=30/seed=1": [{"metric": "requests.latency_ms.p99", "value": 1},
                                                      {"metric": "seed", "value": 1}]}})");
  r = check(dir, baseline);
  CHECK(r.code == 2);
  CHECK(r.err ==
        baseline + ": error: /runs/rps=30~1seed=1: run \"rps=30/seed=1\" not found in " + dir + "/sweep.csv\n");

  // A single-run baseline against a sweep directory says what shape it needs.
  write_file(baseline, R"({"metrics": [{"metric": "requests.latency_ms.p99", "value": 1}]})");
  r = check(dir, baseline);
  CHECK(r.code == 2);
  CHECK(r.err.find("/metrics: checks a single run, but " + dir + " is a collected sweep") != std::string::npos);
}

TEST_CASE("json_value_spans finds values by pointer and append_member adds one")
{
  std::string text = R"({"a": [1, {"b/c": "x"}], "d": {}})";
  auto spans = json_value_spans(text);
  CHECK(text.substr(spans.at("/a/1/b~1c").begin, 3) == "\"x\"");
  CHECK(text.substr(spans.at("/a").begin, spans.at("/a").end - spans.at("/a").begin) == R"([1, {"b/c": "x"}])");
  std::string edited = apply_edits(text, {append_member(text, spans.at("/d"), "v", "2"),
                                          TextEdit{spans.at("/a/0").begin, spans.at("/a/0").end, "10"}});
  CHECK(edited == R"({"a": [10, {"b/c": "x"}], "d": {"v": 2}})");
}
