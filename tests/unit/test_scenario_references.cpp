// Scenario parser, beyond single values: fault targets, placement and platform names, --set overrides,
// addresses, workloads, model files, and every hostile input of tests/inputs/bad (test_scenario_parser.cpp
// has the seed's resolution and the per-value errors).
#include "parse/scenario_parser.hpp"
#include "parser_test_helpers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace svcsim;
using namespace svcsim::parser_test;

TEST_CASE("fault targets must exist")
{
  auto with_fault = [](const std::string& fault) {
    return replace(VALID, "}]\n}", "}],\n  \"faults\": [" + fault + "]\n}");
  };
  auto message = [&](const std::string& fault) {
    auto errors = errors_of(with_fault(fault));
    REQUIRE(errors.size() == 1);
    return errors[0].pointer + ": " + errors[0].message;
  };
  CHECK(message(R"({"kind": "crash", "target": "data-service-4", "at_s": 40})") ==
        "/faults/0/target: expected a component name (service-registry, auth-service-1..3, data-service-1..3, "
        "compute-service-1..3, load-balancer, fault-detector), got \"data-service-4\"");
  CHECK(message(R"({"kind": "host_down", "target": "node-5", "at_s": 40})") ==
        "/faults/0/target: expected a host of the platform (localhost), got \"node-5\"");
  CHECK(message(R"({"kind": "partition", "target": "client", "peers": ["load-balancer", "lb"], "at_s": 40})") ==
        "/faults/0/peers/1: expected a component name (service-registry, auth-service-1..3, data-service-1..3, "
        "compute-service-1..3, load-balancer, fault-detector, client), got \"lb\"");
  CHECK(message(R"({"kind": "registry_outage", "target": "registry", "at_s": 40})") ==
        "/faults/0/target: expected \"service-registry\", got \"registry\"");
  CHECK(message(R"({"kind": "hang", "target": "data-service-1", "at_s": 40, "until_s": 40})") ==
        "/faults/0/until_s: expected until_s > at_s (40), got 40");
  CHECK(message(R"({"kind": "crash", "target": "data-service-1", "at_s": 110})") ==
        "/faults/0/at_s: expected at_s < end_s (110), got 110");
  CHECK(message(R"({"kind": "slow", "target": "data-service-1", "at_s": 40})") ==
        "/faults/0/factor: expected number > 0 (required), got nothing");

  // Valid ones, and what they resolve to.
  std::string faults = R"({"kind": "crash", "target": "data-service-2", "at_s": 40},
    {"kind": "partition", "target": "data-service-2", "peers": ["service-registry"], "at_s": 40, "until_s": 80},
    {"kind": "error_rate", "target": "auth-service-1", "share": 0.2, "at_s": 40},
    {"kind": "link_down", "target": "loopback", "at_s": 40, "until_s": 50})";
  LoadResult r = load_inline(with_fault(faults));
  REQUIRE(r.scenario.faults.size() == 4);
  CHECK(r.scenario.faults[0].kind == FaultKind::CRASH);
  CHECK(!r.scenario.faults[0].until_s);
  CHECK(r.scenario.faults[1].peers == std::vector<std::string>{"service-registry"});
  CHECK(*r.scenario.faults[1].until_s == 80);
  CHECK(r.scenario.faults[2].error_share == 0.2);
  CHECK(r.warnings.empty());
}

TEST_CASE("link_down on a link the platform does not declare is a warning, unless the platform has a cluster")
{
  std::string text =
      replace(VALID, "}]\n}", "}],\n  \"faults\": [{\"kind\": \"link_down\", \"target\": \"eth9\", \"at_s\": 40}]\n}");
  LoadResult r = load_inline(text);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].pointer == "/faults/0/target");
  CHECK(r.warnings[0].message.find("no <link id=\"eth9\">") == 0);

  std::string lan = replace(replace(text, "localhost.xml", "lan.xml"), R"("placement": {"default": "localhost"})",
                            R"("placement": "spread")");
  CHECK(load_inline(lan).warnings.empty());
}

TEST_CASE("placement hosts must exist in the platform")
{
  std::string text = replace(VALID, R"({"default": "localhost"})",
                             R"({"default": "localhost", "components": {"load-balancer": "node-1"}})");
  const std::string expected = INLINE + ":4:104: error: /deployment/placement/components/load-balancer: expected a "
                                        "host of the platform (localhost), got \"node-1\"";
  CHECK_THROWS_WITH_AS(load_inline(text), expected.c_str(), InputError);
}

TEST_CASE("spread places the components on the platform's hosts in order")
{
  std::string text = replace(replace(VALID, "localhost.xml", "lan.xml"), R"({"default": "localhost"})", R"("spread")");
  const auto& cs = load_inline(text).scenario.deployment.components;
  REQUIRE(cs.size() == 13);
  CHECK(cs[0].host == "node-0");
  CHECK(cs[1].host == "node-1");
  CHECK(cs[12].host == "node-12");

  auto errors = errors_of(replace(VALID, R"({"default": "localhost"})", R"("spread")"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer == "/deployment/placement");
}

TEST_CASE("a missing platform file is an error at /platform naming the path")
{
  std::string text = replace(VALID, "localhost.xml", "nowhere.xml");
  fs::path resolved = fs::path(INLINE).parent_path() / "../platforms/nowhere.xml";
  const std::string expected = INLINE +
                               ":3:15: error: /platform: expected a readable SimGrid platform file, got "
                               "\"../platforms/nowhere.xml\" (" +
                               resolved.string() + ": no such file)";
  CHECK_THROWS_WITH_AS(load_inline(text), expected.c_str(), InputError);
}

TEST_CASE("--set overrides scenario values and model parameters before validation")
{
  LoadResult r = load_inline(VALID, {"/workloads/0/rps=1000", "/parameters/registry/call_timeout_s=2",
                                     "/workloads/0/arrivals=poisson", "/name=renamed", "/end_s=200"});
  CHECK(r.scenario.workloads[0].rps == 1000);
  CHECK(r.scenario.workloads[0].arrivals == Arrivals::POISSON); // not JSON: taken as a string
  CHECK(r.scenario.model.registry.call_timeout_s == 2);
  CHECK(r.scenario.name == "renamed");
  CHECK(*r.scenario.end_s == 200);

  LoadResult appended = load_inline(VALID, {R"(/workloads/-={"endpoint": "/health", "rps": 1, "start_s": 0})"});
  CHECK(appended.scenario.workloads.size() == 2);
}

TEST_CASE("a bad --set is an error of file --set naming the pointer")
{
  CHECK_THROWS_WITH_AS(load_inline(VALID, {"/deployment/addresses/auth-service-1=localhost:3001"}),
                       "--set: error: /deployment/addresses/auth-service-1: expected a pointer whose parent exists, "
                       "got nothing at /deployment/addresses",
                       InputError);
  CHECK_THROWS_WITH_AS(load_inline(VALID, {"workloads/0/rps=5"}),
                       "--set: error: workloads/0/rps: expected a JSON pointer below the root (such as "
                       "/workloads/0/rps), got \"workloads/0/rps\"",
                       InputError);
  CHECK_THROWS_WITH_AS(load_inline(VALID, {"/workloads/0/rps"}),
                       "--set: error: expected POINTER=VALUE, got \"/workloads/0/rps\"", InputError);
  CHECK_THROWS_WITH_AS(load_inline(VALID, {"/workloads/3=1"}),
                       "--set: error: /workloads/3: expected an array index 0..1 or \"-\", got \"3\"", InputError);
  // A value set by --set that fails validation is reported against --set.
  CHECK_THROWS_WITH_AS(load_inline(VALID, {"/workloads/0/rps=-3"}),
                       "--set: error: /workloads/0/rps: expected number > 0, got -3", InputError);
  CHECK_THROWS_WITH_AS(load_inline(VALID, {"/parameters/registry/call_timeot_s=3"}),
                       "--set: error: /parameters/registry/call_timeot_s: unknown key: expected one of "
                       "\"heartbeat_interval_s\", \"cleanup_interval_s\", \"heartbeat_timeout_s\", \"call_timeout_s\", "
                       "\"request_overhead_ms\", \"response_cache_s\", \"renew_adds_timeout\", got \"call_timeot_s\" "
                       "(did you mean \"call_timeout_s\"?)",
                       InputError);
}

TEST_CASE("the seed script's addresses with 10 instances warn about the two clashes")
{
  LoadResult r =
      load_scenario(repo("scenarios/seed-10-instances.json"), options({"/deployment/addresses_preset=seed-script"}));
  REQUIRE(r.warnings.size() == 2);
  CHECK(r.warnings[0].pointer == "/deployment");
  // In deployment order: the registry (3005) comes first, then auth-service-4 (3004).
  CHECK(r.warnings[0].message == "address localhost:3005 is bound by service-registry and auth-service-5 on host "
                                 "localhost: the one started later fails to start (EADDRINUSE)");
  CHECK(r.warnings[1].message == "address localhost:3004 is bound by auth-service-4 and fault-detector on host "
                                 "localhost: the one started later fails to start (EADDRINUSE)");
  const auto* lb = &r.scenario.deployment.components[31];
  CHECK(lb->name == "load-balancer");
  CHECK(lb->address == "localhost:3000");
  CHECK(lb->start_s == 36); // 3 + 30 + 3
  CHECK(r.scenario.deployment.components[11].name == "data-service-1");
  CHECK(r.scenario.deployment.components[11].address == "localhost:4002");
  CHECK(r.scenario.deployment.components[30].address == "localhost:5011");

  LoadResult three =
      load_scenario(repo("scenarios/seed-3-instances.json"), options({"/deployment/addresses_preset=seed-script"}));
  CHECK(three.warnings.empty());
}

TEST_CASE("one port on two machines is no clash; two ports on one machine neither")
{
  // lan.xml's hosts, one per component ("spread"): the seed script's ports are each bound once per machine.
  LoadResult spread =
      load_scenario(repo("scenarios/seed-10-instances.json"),
                    options({"/deployment/addresses_preset=seed-script", "/platform=\"../platforms/lan.xml\"",
                             "/deployment/placement=\"spread\""}));
  CHECK(spread.warnings.empty());
  Component a{"a", ComponentKind::INSTANCE};
  a.host = "node-1";
  a.address = "localhost:3001";
  Component b = a;
  b.name = "b";
  CHECK(same_socket(a, b));
  b.address = "10.0.0.1:3001"; // another interface of the same machine: Node listens on all of them
  CHECK(same_socket(a, b));
  b.host = "node-2";
  CHECK_FALSE(same_socket(a, b));
  b.host = "node-1";
  b.address = "localhost:3002";
  CHECK_FALSE(same_socket(a, b));
  b.address = "";
  CHECK_FALSE(same_socket(a, b));
}

TEST_CASE("explicit addresses, jwt secrets and start times fill the components")
{
  std::string text = replace(VALID, R"("instances": 3,)", R"("instances": {"auth": 2, "data": 1, "compute": 1},
    "addresses": {"auth-service-1": "localhost:3001", "auth-service-2": "localhost:3001"},
    "jwt_secrets": {"auth-service-2": "other-secret"},
    "start": {"registry_s": 1, "first_instance_s": 5, "instance_gap_s": 2},)");
  LoadResult r = load_inline(text);
  const auto& cs = r.scenario.deployment.components;
  REQUIRE(cs.size() == 8);
  CHECK(cs[1].address == "localhost:3001");
  CHECK(cs[2].jwt_secret == "other-secret");
  CHECK(cs[1].jwt_secret.empty());
  std::vector<double> starts;
  for (const auto& c : cs)
    starts.push_back(c.start_s);
  CHECK(starts == std::vector<double>{1, 5, 7, 9, 11, 16, 18, 0}); // balancer: 5 + 4 * 2 + 3
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].message.find("address localhost:3001 is bound by auth-service-1 and auth-service-2") == 0);
}

TEST_CASE("workloads: count without duration, bodies, templates and tokens")
{
  std::string text =
      replace(VALID, R"([{"endpoint": "/api/auth/auth-work", "rps": 10, "start_s": 20, "duration_s": 30}])",
              R"([
    {"endpoint": "/api/auth/signup", "method": "POST", "body": {"email": "user-{i}@example.com"}, "rps": 5, "start_s": 20, "count": 50},
    {"endpoint": "/api/auth/verify", "use_token": true, "rps": 5, "start_s": 40, "count": 50},
    {"endpoint": "/api/data/data-{i}", "rps": 5, "start_s": 40, "duration_s": 2},
    {"endpoint": "/api/data/data-1?x=1", "rps": 5, "start_s": 40, "duration_s": 2, "body": "raw"},
    {"endpoint": "/status", "rps": 1, "start_s": 0, "duration_s": 1}])");
  LoadResult r = load_inline(text);
  const auto& ws = r.scenario.workloads;
  REQUIRE(ws.size() == 5);
  CHECK(ws[0].duration_s == 10);
  CHECK(*ws[0].count == 50);
  CHECK(ws[0].body == R"({"email":"user-{i}@example.com"})");
  CHECK(ws[1].use_token);
  CHECK(ws[3].body == "raw");
  CHECK(*r.scenario.end_s == 110); // verify ends at 50, + 60
  CHECK(r.warnings.empty());

  auto errors = errors_of(replace(VALID, "/api/auth/auth-work", "/api/data/1/2"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "expected an endpoint of the model (/api/data/data-work, /api/data, /api/data/:id), got "
                             "\"/api/data/1/2\"");

  LoadResult wrong_method = load_inline(replace(VALID, "/api/auth/auth-work", "/api/auth/signup"));
  REQUIRE(wrong_method.warnings.size() == 1);
  CHECK(wrong_method.warnings[0].message ==
        "no endpoint of the model answers GET /api/auth/signup: every request gets 404 from the instance");
}

TEST_CASE("the model file's own errors point into the model file")
{
  TempDir dir;
  std::ifstream seed(repo("models/seed.json"));
  nlohmann::json model = nlohmann::json::parse(seed);
  model["registry"]["heartbeat_intervl_s"] = 1;
  std::string model_file = dir.write("custom.json", model.dump(2));
  LoadOptions o = options();
  o.models_dir = dir.path.string();
  try {
    load_scenario_text(replace(VALID, R"("name": "inline",)", R"("name": "inline", "model": "custom",)"), INLINE, o);
    FAIL("no error");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    const Diagnostic& d = e.diagnostics()[0];
    CHECK(d.file == model_file);
    CHECK(d.pointer == "/registry/heartbeat_intervl_s");
    CHECK(d.line > 1);
  }

  // A model given as a path is relative to the scenario file.
  std::string scenario_file =
      dir.write("s/x.json", replace(replace(VALID, "../platforms/localhost.xml", repo("platforms/localhost.xml")),
                                    R"("name": "inline",)", R"("name": "inline", "model": "../good.json",)"));
  dir.write("good.json", nlohmann::json::parse(std::ifstream(repo("models/seed.json"))).dump());
  CHECK_NOTHROW(load_scenario(scenario_file));
}

TEST_CASE("models are found through SVCSIM_MODELS when no directory is given")
{
  TempDir dir;
  nlohmann::json model = nlohmann::json::parse(std::ifstream(repo("models/seed.json")));
  model.erase("name");
  model["client"]["timeout_s"] = 5;
  dir.write("quick.json", model.dump());
  ::setenv("SVCSIM_MODELS", dir.path.c_str(), 1);
  LoadOptions o; // no models_dir
  LoadResult r =
      load_scenario_text(replace(VALID, R"("name": "inline",)", R"("name": "inline", "model": "quick",)"), INLINE, o);
  ::unsetenv("SVCSIM_MODELS");
  CHECK(r.scenario.model.name == "quick");
  CHECK(*r.scenario.end_s == 55); // 20 + 30 + the model's 5 s client timeout
}

TEST_CASE("a model name without a file is an error at /model")
{
  auto errors = errors_of(replace(VALID, R"("name": "inline",)", R"("name": "inline", "model": "nope",)"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer == "/model");
  CHECK(errors[0].message == "expected a model name with a file (looked for " +
                                 (fs::path(repo("models")) / "nope.json").string() + "), got \"nope\"");
}

TEST_CASE("seed, system_db and relative paths")
{
  LoadOptions o = options();
  o.seed = 42;
  std::string text =
      replace(VALID, R"("name": "inline",)", R"("name": "inline", "seed": 7, "system_db": "db/s.sqlite",)");
  LoadResult r = load_scenario_text(text, INLINE, o);
  CHECK(r.scenario.seed == 42);
  CHECK(r.scenario.system_db_path == (fs::path(INLINE).parent_path() / "db/s.sqlite").string());
  CHECK(load_inline(text).scenario.seed == 7);
  CHECK(load_inline(replace(text, R"("seed": 7)", R"("seed": 18446744073709551615)")).scenario.seed ==
        18446744073709551615ull);
}

TEST_CASE("every hostile input of tests/inputs/bad gives exactly one error at the expected place")
{
  std::ifstream tsv(repo("tests/e2e/bad_inputs.tsv"));
  REQUIRE(tsv);
  std::string line;
  int files = 0;
  while (std::getline(tsv, line)) {
    if (line.empty())
      continue;
    size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    std::string file = repo(line.substr(0, tab));
    std::string expected = line.substr(tab + 1);
    CAPTURE(file);
    ++files;
    try {
      load_scenario(file, options());
      FAIL("accepted: " << file);
    } catch (const InputError& e) {
      std::vector<Diagnostic> errors;
      for (const auto& d : e.diagnostics())
        if (!d.warning)
          errors.push_back(d);
      REQUIRE(errors.size() == 1);
      CAPTURE(errors[0].format());
      CHECK(errors[0].format().find(expected) != std::string::npos);
      CHECK(errors[0].file == file);
    }
  }
  CHECK(files >= 25);
}

TEST_CASE("a document nested too deep is refused before any check")
{
  auto errors = errors_of(std::string(200, '[') + std::string(200, ']'));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "expected at most 100 nested objects and arrays, got more");
}
