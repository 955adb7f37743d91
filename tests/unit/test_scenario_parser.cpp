// Scenario parser: valid files resolve to the seed's numbers, and every kind of bad input gives one precise,
// path-bearing diagnostic (file:line:col, JSON pointer, expected, got), all errors of a file at once.
#include "parse/scenario_parser.hpp"
#include "parser_test_helpers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace svcsim;
using namespace svcsim::parser_test;
namespace fs = std::filesystem;

TEST_CASE("the seed-3 scenario resolves to the seed script's deployment and an end at 110 s")
{
  LoadResult r = load_scenario(repo("scenarios/seed-3-instances.json"), options());
  const Scenario& s = r.scenario;
  CHECK(r.warnings.empty());
  CHECK(s.name == "seed-3-instances");
  CHECK(s.seed == 1);
  CHECK(fs::path(s.platform_file).lexically_normal() == fs::path(repo("platforms/localhost.xml")).lexically_normal());
  REQUIRE(s.end_s.has_value());
  CHECK(*s.end_s == 110); // 20 + 30 + the client's 60 s timeout

  const auto& cs = s.deployment.components;
  REQUIRE(cs.size() == 13);
  std::vector<std::string> names;
  std::vector<double> starts;
  for (const auto& c : cs) {
    names.push_back(c.name);
    starts.push_back(c.start_s);
    CHECK(c.host == "localhost");
    CHECK(c.address.empty());
  }
  CHECK(names == std::vector<std::string>{"service-registry", "auth-service-1", "auth-service-2", "auth-service-3",
                                          "data-service-1", "data-service-2", "data-service-3", "compute-service-1",
                                          "compute-service-2", "compute-service-3", "load-balancer", "fault-detector",
                                          "client"});
  CHECK(starts == std::vector<double>{0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 17, 0});
  CHECK(cs[0].kind == ComponentKind::REGISTRY);
  CHECK(cs[4].kind == ComponentKind::INSTANCE);
  CHECK(cs[4].type == ServiceType::DATA);
  CHECK(cs[4].index == 1);
  CHECK(cs[10].kind == ComponentKind::LOAD_BALANCER);
  CHECK(cs[11].kind == ComponentKind::FAULT_DETECTOR);
  CHECK(cs[12].kind == ComponentKind::CLIENT);

  REQUIRE(s.workloads.size() == 1);
  const WorkloadPhase& w = s.workloads[0];
  CHECK(w.endpoint == "/api/auth/auth-work");
  CHECK(w.method == "GET");
  CHECK(w.rps == 10);
  CHECK(w.start_s == 20);
  CHECK(w.duration_s == 30);
  CHECK(w.arrivals == Arrivals::FIXED);
  CHECK(!w.count);
  CHECK(s.faults.empty());

  // The model's numbers (models/seed.json, which calibration may change), not the struct defaults.
  nlohmann::json seed = nlohmann::json::parse(std::ifstream(repo("models/seed.json")));
  CHECK(s.model.name == "seed");
  if (seed.contains("overhead_jitter_ms")) { // the shorthand: an exponential with that mean
    CHECK(s.model.overhead_jitter.family == JitterFamily::EXPONENTIAL);
    CHECK(s.model.overhead_jitter.mean_ms == seed["overhead_jitter_ms"].get<double>());
  } else {
    CHECK(s.model.overhead_jitter.family != JitterFamily::NONE);
  }
  CHECK(s.model.services[0].request_overhead_ms == seed["services"]["auth"]["request_overhead_ms"].get<double>());
  CHECK(s.model.load_balancer.attempt_timeout_s == seed["load_balancer"]["attempt_timeout_s"].get<double>());
  CHECK(s.model.services[2].lb_failure_threshold == 15);
  REQUIRE(s.model.services[0].endpoints.size() == 6);
  CHECK(s.model.services[0].endpoints[0].path == "/api/auth/auth-work");
  CHECK(s.model.services[0].endpoints[0].delay_ms == 300);
  CHECK(s.model.services[0].endpoints[0].method == "*");
  CHECK(s.model.services[1].endpoints[2].path == "/api/data/:id");
  CHECK(s.model.services[1].endpoints[2].handler == "data_get");
  CHECK(s.model.auth.hash_cpu_flops == 1.1e8);
}

TEST_CASE("every example scenario validates")
{
  for (const auto& entry : fs::directory_iterator(repo("scenarios"))) {
    if (entry.path().extension() != ".json")
      continue;
    CAPTURE(entry.path().string());
    CHECK_NOTHROW(load_scenario(entry.path().string(), options()));
  }
}

TEST_CASE("the resolved document is the scenario with the merged model as parameters, and is deterministic")
{
  std::string text =
      replace(VALID, R"("name": "inline",)", R"("name": "inline", "parameters": {"registry": {"call_timeout_s": 2}},)");
  LoadResult a = load_inline(text);
  LoadResult b = load_inline(text);
  CHECK(a.scenario.resolved_json == b.scenario.resolved_json);
  nlohmann::json resolved = nlohmann::json::parse(a.scenario.resolved_json);
  CHECK(resolved["parameters"]["registry"]["call_timeout_s"] == 2);
  CHECK(resolved["parameters"]["registry"]["heartbeat_interval_s"] == 10); // merged, not replaced
  CHECK(resolved["parameters"]["services"]["auth"]["endpoints"].size() == 6);
  CHECK(resolved["seed"] == 1);
  CHECK(resolved["end_s"] == 110);
  CHECK(a.scenario.model.registry.call_timeout_s == 2);
  CHECK(a.scenario.resolved_json.find("\n  \"deployment\"") != std::string::npos); // 2-space indent
}

TEST_CASE("scenario parameters merge objects key by key and replace arrays")
{
  std::string text = replace(VALID, R"("name": "inline",)", R"("name": "inline", "parameters": {"services": {"compute":
    {"endpoints": [{"path": "/api/compute/compute-worker", "handler": "work", "delay_ms": 10}]}}},)");
  const Model& m = load_inline(text).scenario.model;
  REQUIRE(m.services[2].endpoints.size() == 1);
  CHECK(m.services[2].endpoints[0].delay_ms == 10);
  CHECK(m.services[2].lb_failure_threshold == 15); // kept from the model
  CHECK(m.services[0].endpoints.size() == 6);
}

TEST_CASE("a syntax error names line and column")
{
  std::string text = "{\n  \"name\": \"x\"\n  \"platform\": \"p\"\n}";
  const std::string expected =
      INLINE + ":3:12: error: syntax error while parsing object - unexpected string literal; expected '}'";
  CHECK_THROWS_WITH_AS(load_inline(text), expected.c_str(), InputError);

  const std::string expected_comment = INLINE + ":2:1: error: syntax error while parsing value - invalid comment; "
                                                "missing closing '*/'; last read: '/* open<U+000A>'";
  CHECK_THROWS_WITH_AS(load_inline("/* open\n"), expected_comment.c_str(), InputError);
}

TEST_CASE("comments are allowed and do not shift positions")
{
  std::string text = replace(VALID, "  \"name\": \"inline\",", "  // the name\n  /* a\n  block */ \"name\": 7,");
  const std::string expected = INLINE + ":4:20: error: /name: expected string, got 7";
  CHECK_THROWS_WITH_AS(load_inline(text), expected.c_str(), InputError);
}

TEST_CASE("a duplicate key is an error at its second occurrence")
{
  std::string text = replace(VALID, R"("name": "inline",)", R"("name": "inline", "name": "again",)");
  const std::string expected =
      INLINE +
      ":2:21: error: /name: expected each key once in an object, got \"name\" again (first at line 2, column 3)";
  CHECK_THROWS_WITH_AS(load_inline(text), expected.c_str(), InputError);
}

TEST_CASE("an unknown key is an error at the key, with a suggestion")
{
  std::string text = replace(VALID, R"("instances": 3,)", R"("instances": 3, "strat": "seed-script",)");
  const std::string expected =
      INLINE + ":4:34: error: /deployment/strat: unknown key: expected one of \"instances\", \"placement\", \"start\", "
               "\"addresses\", \"addresses_preset\", \"jwt_secrets\", got \"strat\" (did you mean \"start\"?)";
  CHECK_THROWS_WITH_AS(load_inline(text), expected.c_str(), InputError);
}

TEST_CASE("a value of the wrong type says what was expected and what was found")
{
  std::string text = replace(VALID, R"("instances": 3,)", R"("instances": {"auth": "two", "data": 3, "compute": 3},)");
  const std::string expected = INLINE + ":4:40: error: /deployment/instances/auth: expected integer >= 1, got \"two\"";
  CHECK_THROWS_WITH_AS(load_inline(text), expected.c_str(), InputError);
}

TEST_CASE("values out of range are errors")
{
  auto one = [](const std::string& from, const std::string& to) {
    auto errors = errors_of(replace(VALID, from, to));
    REQUIRE(errors.size() == 1);
    return errors[0].pointer + ": " + errors[0].message;
  };
  CHECK(one(R"("instances": 3)", R"("instances": 0)") == "/deployment/instances: expected integer >= 1, got 0");
  CHECK(one(R"("instances": 3)", R"("instances": 100001)") ==
        "/deployment/instances: expected integer <= 100000, got 100001");
  CHECK(one(R"("rps": 10)", R"("rps": 0)") == "/workloads/0/rps: expected number > 0, got 0");
  CHECK(one(R"("rps": 10)", R"("rps": 2e7)") == "/workloads/0/rps: expected number <= 1e+07, got 20000000.0");
  CHECK(one(R"("start_s": 20)", R"("start_s": -1)") == "/workloads/0/start_s: expected number >= 0, got -1");
  CHECK(one(R"("start_s": 20)", R"("start_s": "NaN")") == "/workloads/0/start_s: expected number >= 0, got \"NaN\"");
  CHECK(one(R"("start_s": 20)", R"("start_s": 1e400)") == "/workloads/0/start_s: expected a finite number, got 1e400");
  CHECK(one(R"("start_s": 20)", R"("start_s": true)") == "/workloads/0/start_s: expected number >= 0, got true");
  CHECK(one(R"("name": "inline")", R"("name": "..")") ==
        "/name: expected a name of letters, digits, '.', '_' and '-' (not \".\" or \"..\"), got \"..\"");
}

TEST_CASE("a long value is cut in the message")
{
  auto errors = errors_of(replace(VALID, R"("name": "inline")",
                                  R"("name": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "expected string, got [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,...");
}

TEST_CASE("a missing key is reported at the object that lacks it")
{
  std::string text = replace(VALID, "  \"name\": \"inline\",\n", "");
  const std::string expected = INLINE + ":1:1: error: /name: expected string (required), got nothing";
  CHECK_THROWS_WITH_AS(load_inline(text), expected.c_str(), InputError);
}

TEST_CASE("all errors of a file come at once, in file order")
{
  std::string text =
      replace(replace(VALID, R"("rps": 10)", R"("rps": -1)"), R"("instances": 3)", R"("instances": "x")");
  try {
    load_inline(text);
    FAIL("no error");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].line == 4);
    CHECK(e.diagnostics()[0].pointer == "/deployment/instances");
    CHECK(e.diagnostics()[1].line == 5);
    CHECK(e.diagnostics()[1].pointer == "/workloads/0/rps");
    CHECK(std::string(e.what()) ==
          INLINE +
              ":4:31: error: /deployment/instances: expected integer >= 1 or object {\"auth\", \"data\", "
              "\"compute\"}, got \"x\"\n" +
              INLINE + ":5:60: error: /workloads/0/rps: expected number > 0, got -1");
  }
}
