// Preset models (issue 14): "extends" (a model built on another, deep-merged, cycles and unknown bases
// refused), the "discovery" section's checks, the presets' numbers, and the readiness probe's verdicts.
#include "parser_test_helpers.hpp"
#include "policy/readiness.hpp"

#include <nlohmann/json.hpp>

#include <map>

using namespace svcsim;
using namespace svcsim::parser_test;

namespace
{

std::string with_model(const std::string& model)
{
  return replace(VALID, R"("name": "inline",)", R"("name": "inline", "model": ")" + model + R"(",)");
}

std::vector<Diagnostic> errors_in(const std::string& text, const LoadOptions& o)
{
  try {
    load_scenario_text(text, INLINE, o);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

} // namespace

TEST_CASE("readiness: a new container is not ready until successThreshold successes in a row")
{
  Readiness r(2, 3);
  CHECK_FALSE(r.ready());
  CHECK_FALSE(r.record(true)); // 1 success of 2
  CHECK_FALSE(r.record(false));
  CHECK_FALSE(r.record(true)); // the run starts over: 1 of 2
  CHECK(r.record(true));       // 2 in a row: ready
  CHECK(r.ready());
}

TEST_CASE("readiness: failureThreshold failures in a row make it not ready; a success in between resets")
{
  Readiness r(1, 3);
  CHECK(r.record(true)); // successThreshold 1: ready at the first success
  CHECK_FALSE(r.record(false));
  CHECK_FALSE(r.record(false));
  CHECK_FALSE(r.record(true)); // 2 failures, then a success: still ready, the failure run is gone
  CHECK_FALSE(r.record(false));
  CHECK_FALSE(r.record(false));
  CHECK(r.record(false)); // the third in a row
  CHECK_FALSE(r.ready());
  CHECK(r.record(true)); // one success brings it back
}

TEST_CASE("readiness: an exiting container is not ready at once; a restarted one starts over")
{
  Readiness r(1, 3);
  r.record(true);
  CHECK(r.container_exited());       // was ready
  CHECK_FALSE(r.container_exited()); // already not ready
  r.container_started();
  CHECK_FALSE(r.ready());
  CHECK(r.record(true));
}

TEST_CASE("restart back-off: at once, then 10, 20, 40 ... 300 s after the exit; at once again after 600 s up")
{
  RestartBackoff b(10, 300);
  CHECK(b.delay(40) == 0); // first exit: no entry
  b.restarted(40, 40);     // entry: 10 s, last update 40
  CHECK(b.delay(45) == 10);
  b.restarted(45, 55); // 20 s, last update 55
  CHECK(b.delay(60) == 20);
  b.restarted(60, 80); // 40
  CHECK(b.delay(81) == 40);
  b.restarted(81, 121);  // 80
  b.restarted(122, 202); // 160
  b.restarted(203, 363); // 320 -> capped at 300
  CHECK(b.delay(364) == 300);
  // Running for more than 2 x 300 s since the last restart (363 s): the entry has expired.
  CHECK(b.delay(963.5) == 0);
  b.restarted(963.5, 963.5);
  CHECK(b.delay(970) == 10);
}

TEST_CASE("a model extends another: objects merge key by key, the named file wins, its file names it")
{
  TempDir dir;
  nlohmann::json seed = nlohmann::json::parse(std::ifstream(repo("models/seed.json")));
  dir.write("base.json", seed.dump(2));
  dir.write("child.json", R"({
  // a comment: model files may cite their sources
  "extends": "base",
  "registry": {"heartbeat_interval_s": 3}
})");
  LoadOptions o = options();
  o.models_dir = dir.path.string();
  LoadResult r = load_scenario_text(with_model("child"), INLINE, o);
  CHECK(r.scenario.model.registry.heartbeat_interval_s == 3);
  CHECK(r.scenario.model.registry.heartbeat_timeout_s == 30); // from the base
  CHECK(r.scenario.model.services[0].endpoints.size() == 6);  // the base's auth endpoints
  CHECK(r.scenario.model.name == "child");                    // not the base's "seed"
  CHECK(nlohmann::json::parse(r.scenario.resolved_json)["parameters"].count("extends") == 0);
}

TEST_CASE("extends: an unknown base, a cycle and a base's own errors point into the file that has them")
{
  TempDir dir;
  LoadOptions o = options();
  o.models_dir = dir.path.string();

  std::string lost = dir.write("lost.json", "{\n  \"extends\": \"nowhere\"\n}");
  auto errors = errors_in(with_model("lost"), o);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == lost);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].pointer == "/extends");
  CHECK(errors[0].message ==
        "expected a model name with a file (looked for " + (dir.path / "nowhere.json").string() + "), got \"nowhere\"");

  dir.write("a.json", R"({"extends": "b"})");
  std::string b = dir.write("b.json", R"({"extends": "a"})");
  errors = errors_in(with_model("a"), o);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == b);
  CHECK(errors[0].message == "expected a model that does not extend itself, got a cycle: a -> b -> a");

  dir.write("self.json", R"({"extends": "self"})");
  errors = errors_in(with_model("self"), o);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "expected a model that does not extend itself, got a cycle: self -> self");

  dir.write("number.json", R"({"extends": 7})");
  errors = errors_in(with_model("number"), o);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "expected the name of the model this one builds on (such as \"seed\"), got 7");

  // A typo in the base is reported in the base, one in the child in the child.
  nlohmann::json seed = nlohmann::json::parse(std::ifstream(repo("models/seed.json")));
  seed["registry"]["cleanup_intervl_s"] = 1;
  std::string base = dir.write("typo-base.json", seed.dump(2));
  std::string child = dir.write("typo-child.json", "{\"extends\": \"typo-base\",\n \"client\": {\"timeout\": 1}}");
  errors = errors_in(with_model("typo-child"), o);
  REQUIRE(errors.size() == 2);
  std::map<std::string, std::string> where; // pointer -> file
  for (const auto& d : errors)
    where[d.pointer] = d.file;
  CHECK(where["/client/timeout"] == child);
  CHECK(where["/registry/cleanup_intervl_s"] == base);
}

TEST_CASE("the presets: kubernetes and eureka carry their documented defaults")
{
  LoadResult k = load_inline(with_model("kubernetes"));
  const Model& km = k.scenario.model;
  CHECK(km.name == "kubernetes");
  CHECK(km.discovery.kind == DiscoveryKind::KUBERNETES);
  CHECK(km.discovery.readiness.period_s == 10);
  CHECK(km.discovery.readiness.timeout_s == 1);
  CHECK(km.discovery.readiness.failure_threshold == 3);
  CHECK(km.discovery.readiness.success_threshold == 1);
  CHECK(km.discovery.endpoint_propagation_s == 1);
  CHECK(km.discovery.restart_always);
  CHECK(km.discovery.restart_backoff_initial_s == 10);
  CHECK(km.discovery.restart_backoff_max_s == 300);
  CHECK(km.discovery.container_start_s == 1);
  CHECK_FALSE(km.load_balancer.health_checks);
  CHECK(km.registry.heartbeat_interval_s == 10); // the rest is the seed

  LoadResult e = load_inline(with_model("eureka"));
  const Model& em = e.scenario.model;
  CHECK(em.discovery.kind == DiscoveryKind::REGISTRY);
  CHECK(em.registry.heartbeat_interval_s == 30);
  CHECK(em.registry.heartbeat_timeout_s == 90);
  CHECK(em.registry.cleanup_interval_s == 60);
  CHECK(em.registry.renew_adds_timeout);
  CHECK(em.registry.response_cache_s == 30);
  CHECK(em.load_balancer.discovery_interval_s == 30);
  CHECK(em.discovery.server_list_refresh_s == 30);

  // The seed keeps every new mechanism off.
  const Model& sm = load_inline(VALID).scenario.model;
  CHECK(sm.discovery.kind == DiscoveryKind::REGISTRY);
  CHECK(sm.discovery.server_list_refresh_s == 0);
  CHECK(sm.registry.response_cache_s == 0);
  CHECK_FALSE(sm.registry.renew_adds_timeout);
  CHECK(sm.load_balancer.health_checks);
}

TEST_CASE("discovery: bad values are refused with one line each")
{
  auto one = [](const std::string& set) {
    auto errors = errors_of(with_model("kubernetes"), {set});
    REQUIRE(errors.size() == 1);
    return errors[0].pointer + ": " + errors[0].message;
  };
  CHECK(one("/parameters/discovery/readiness_probe/period_s=-10") ==
        "/parameters/discovery/readiness_probe/period_s: expected number > 0, got -10");
  CHECK(one("/parameters/discovery/readiness_probe/failure_threshold=0") ==
        "/parameters/discovery/readiness_probe/failure_threshold: expected integer >= 1, got 0");
  CHECK(one("/parameters/discovery/kind=\"consul\"") ==
        "/parameters/discovery/kind: expected one of \"registry\", \"kubernetes\", got \"consul\"");
  CHECK(one("/parameters/discovery/endpoint_propagation_s=-1") ==
        "/parameters/discovery/endpoint_propagation_s: expected number >= 0, got -1");
  // Located in models/kubernetes.json, which holds the kind: the pointer is that file's.
  CHECK(one("/parameters/load_balancer/dynamic_discovery=false") ==
        "/discovery/kind: expected \"registry\" when load_balancer.dynamic_discovery is false (static "
        "pools watch no endpoints), got \"kubernetes\"");
  CHECK(one("/parameters/discovery/readiness_probe/period=10").find("unknown key") != std::string::npos);
  CHECK(one("/parameters/discovery/restart_policy=\"always\"") ==
        "/parameters/discovery/restart_policy: expected one of \"Always\", \"OnFailure\", \"Never\", got "
        "\"always\"");
  CHECK(one("/parameters/discovery/restart_backoff_max_s=5") ==
        "/parameters/discovery/restart_backoff_max_s: expected number >= restart_backoff_initial_s (10), got 5");
}
