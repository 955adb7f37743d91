// The model's per-request jitter as a scenario gives it (parse/jitter_parser): the shorthand, the three
// families, which spelling wins across the model, the scenario's parameters and --set, and one error line per
// malformed distribution.
#include "parser_test_helpers.hpp"

using namespace svcsim;
using namespace svcsim::parser_test;

namespace
{

// VALID with a "parameters" line (the model is models/seed.json, whose jitter spelling may change).
std::string with_parameters(const std::string& parameters)
{
  return replace(VALID, R"("name": "inline",)", R"("name": "inline", "parameters": )" + parameters + ",");
}

JitterModel jitter_of(const std::string& parameters, std::vector<std::string> sets = {})
{
  return load_inline(with_parameters(parameters), std::move(sets)).scenario.model.overhead_jitter;
}

std::string one_error(const std::string& parameters, std::vector<std::string> sets = {})
{
  auto errors = errors_of(with_parameters(parameters), std::move(sets));
  REQUIRE(errors.size() == 1);
  return errors[0].pointer + ": " + errors[0].message;
}

} // namespace

TEST_CASE("overhead_jitter_ms is the exponential shorthand")
{
  const JitterModel j = jitter_of(R"({"overhead_jitter_ms": 2.5})");
  CHECK(j.family == JitterFamily::EXPONENTIAL);
  CHECK(j.mean_ms == 2.5);
}

TEST_CASE("each family reads its parameters")
{
  const JitterModel e = jitter_of(R"({"overhead_jitter": {"family": "exponential", "mean_ms": 1.5}})");
  CHECK(e.family == JitterFamily::EXPONENTIAL);
  CHECK(e.mean_ms == 1.5);
  const JitterModel l = jitter_of(R"({"overhead_jitter": {"family": "lognormal", "median_ms": 1.2, "sigma": 0.4}})");
  CHECK(l.family == JitterFamily::LOGNORMAL);
  CHECK(l.median_ms == 1.2);
  CHECK(l.sigma == 0.4);
  const JitterModel q =
      jitter_of(R"({"overhead_jitter": {"family": "quantiles", "ms": [0, 0.5, 0.5, 3], "source": "my run"}})");
  CHECK(q.family == JitterFamily::QUANTILES);
  CHECK(q.ms == std::vector<double>{0, 0.5, 0.5, 3});
}

TEST_CASE("the later layer's spelling replaces the model's other one")
{
  // The scenario's parameters give the object: the model's shorthand (if any) goes, no "both" error.
  CHECK(jitter_of(R"({"overhead_jitter": {"family": "lognormal", "median_ms": 1, "sigma": 0.5}})").family ==
        JitterFamily::LOGNORMAL);
  // A --set of the shorthand replaces an object from the scenario (what tests/e2e/test_model_off.py does).
  const JitterModel s = jitter_of(R"({"overhead_jitter": {"family": "quantiles", "ms": [0, 1]}})",
                                  {"/parameters/overhead_jitter_ms=2.0"});
  CHECK(s.family == JitterFamily::EXPONENTIAL);
  CHECK(s.mean_ms == 2.0);
  const JitterModel o = jitter_of(R"({"overhead_jitter_ms": 3})",
                                  {R"(/parameters/overhead_jitter={"family":"exponential","mean_ms":0.5})"});
  CHECK(o.mean_ms == 0.5);
}

TEST_CASE("a malformed distribution is one error naming the pointer, what was expected and what was found")
{
  const std::string p = "/parameters/overhead_jitter";
  CHECK(one_error(R"({"overhead_jitter": {"family": "quantiles", "ms": [0, 2, 1.5, 3]}})") ==
        p + "/ms/2: expected number >= 2 (the previous quantile: ms must be nondecreasing), got 1.5");
  CHECK(one_error(R"({"overhead_jitter": {"family": "quantiles", "ms": [-1, 2]}})") ==
        p + "/ms/0: expected number >= 0, got -1");
  CHECK(one_error(R"({"overhead_jitter": {"family": "quantiles", "ms": [1]}})") ==
        p + "/ms: expected array of 2 to 100001 numbers >= 0, got [1]");
  CHECK(one_error(R"({"overhead_jitter": {"family": "gamma", "shape": 2}})") ==
        p + "/family: expected one of \"exponential\", \"lognormal\", \"quantiles\", got \"gamma\"");
  CHECK(one_error(R"({"overhead_jitter": {"family": "lognormal", "median_ms": 1}})") ==
        p + "/sigma: expected number >= 0 (required), got nothing");
  CHECK(one_error(R"({"overhead_jitter": {"mean_ms": 1}})") ==
        p + "/family: expected one of \"exponential\", \"lognormal\", \"quantiles\" (required), got nothing");
  CHECK(one_error(R"({"overhead_jitter": {"family": "exponential", "mean_ms": 1, "sigma": 2}})") ==
        p + "/sigma: unknown key: expected one of \"family\", \"source\", \"mean_ms\", got \"sigma\"");
  CHECK(one_error(R"({"overhead_jitter": 1.5})") == p + ": expected object {\"family\": ...}, got 1.5");
  CHECK(one_error(R"({"overhead_jitter": {"family": "exponential", "mean_ms": 1}, "overhead_jitter_ms": 2})") ==
        p + ": expected one of \"overhead_jitter\" and \"overhead_jitter_ms\", got both");
}
