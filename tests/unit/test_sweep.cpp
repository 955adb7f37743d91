// Unit tests for src/sweep: sweep files → grids (axes, ranges, zips, seeds, set), stable run ids, manifest
// lines, pointer errors that name the sweep file's axis, and the chunking of the Slurm array script.
#include <doctest/doctest.h>

#include "sweep/expand.hpp"
#include "sweep/manifest.hpp"
#include "sweep/pointer_edit.hpp"
#include "sweep/slurm_script.hpp"
#include "sweep/sweep_spec.hpp"

#include <nlohmann/json.hpp>

#include <set>

using namespace svcsim;
using json = nlohmann::json;

namespace
{

const std::string BASE_PATH = "/abs/scenarios/base.json";

const json BASE = json::parse(R"({
  "name": "base", "model": "seed", "platform": "../platforms/localhost.xml", "seed": 7,
  "deployment": {"instances": {"auth": 3, "data": 3, "compute": 3}, "placement": {"default": "localhost"}},
  "parameters": {},
  "workloads": [{"endpoint": "/api/auth/auth-work", "rps": 10, "start_s": 20, "duration_s": 30, "arrivals": "fixed"}],
  "faults": []
})");

std::vector<ManifestEntry> expand(const std::string& sweep_text)
{
  return expand_sweep(parse_sweep_text(sweep_text, "s.json", BASE, BASE_PATH));
}

json scenario(const ManifestEntry& e)
{
  return json::parse(e.scenario);
}

std::string first_error(const std::string& sweep_text)
{
  try {
    parse_sweep_text(sweep_text, "s.json", BASE, BASE_PATH);
  } catch (const InputError& e) {
    return e.diagnostics().at(0).format();
  }
  return "no error";
}

} // namespace

TEST_CASE("a grid is the product of its axes and seeds, the first axis varying slowest and seeds innermost")
{
  auto runs = expand(R"({"base": "b.json",
    "axes": [{"pointer": "/deployment/instances", "values": [3, 10]},
             {"pointer": "/workloads/0/rps", "range": {"from": 10, "to": 100, "step": 10}}],
    "seeds": {"from": 1, "to": 5}})");
  REQUIRE(runs.size() == 2 * 10 * 5);
  CHECK(runs[0].axes.dump() == R"({"/deployment/instances":3,"/workloads/0/rps":10})");
  CHECK(runs[0].seed == 1);
  CHECK(runs[4].seed == 5);
  CHECK(runs[5].axes["/workloads/0/rps"] == 20);
  CHECK(runs[50].axes["/deployment/instances"] == 10);
  CHECK(scenario(runs[99])["workloads"][0]["rps"] == 100);
  CHECK(scenario(runs[99])["deployment"]["instances"] == 10);
  CHECK(scenario(runs[99])["seed"] == 5);
  for (size_t i = 0; i < runs.size(); ++i)
    CHECK(runs[i].index == i);
}

TEST_CASE("without seeds a sweep replicates once with the base scenario's seed")
{
  auto runs = expand(R"({"base": "b.json", "axes": [{"pointer": "/workloads/0/rps", "values": [1, 2, 3]}]})");
  REQUIRE(runs.size() == 3);
  CHECK(runs[2].seed == 7);
}

TEST_CASE("a tuple zip moves its pointers together and counts as one dimension")
{
  auto runs = expand(R"({"base": "b.json",
    "axes": [{"pointer": "/workloads/0/rps", "values": [10, 50, 100]}],
    "zip": [{"pointers": ["/deployment/instances", "/workloads/0/start_s"], "values": [[3, 20], [10, 41]]}],
    "seeds": [1, 2]})");
  REQUIRE(runs.size() == 3 * 2 * 2);
  CHECK(runs[0].axes.dump() == R"({"/workloads/0/rps":10,"/deployment/instances":3,"/workloads/0/start_s":20})");
  CHECK(runs[2].axes.dump() == R"({"/workloads/0/rps":10,"/deployment/instances":10,"/workloads/0/start_s":41})");
  for (const auto& r : runs)
    CHECK((r.axes["/deployment/instances"] == 3) == (r.axes["/workloads/0/start_s"] == 20));
}

TEST_CASE("zipping axes of the axes list pairs their k-th values instead of crossing them")
{
  auto runs = expand(R"({"base": "b.json",
    "axes": [{"pointer": "/workloads/0/rps", "values": [10, 20, 30]},
             {"pointer": "/deployment/instances", "values": [3, 10]},
             {"pointer": "/workloads/0/duration_s", "values": [5, 6, 7]}],
    "zip": [["/workloads/0/rps", "/workloads/0/duration_s"]]})");
  REQUIRE(runs.size() == 3 * 2);
  CHECK(runs[0].axes.dump() == R"({"/workloads/0/rps":10,"/deployment/instances":3,"/workloads/0/duration_s":5})");
  CHECK(runs[1].axes.dump() == R"({"/workloads/0/rps":10,"/deployment/instances":10,"/workloads/0/duration_s":5})");
  CHECK(runs[5].axes.dump() == R"({"/workloads/0/rps":30,"/deployment/instances":10,"/workloads/0/duration_s":7})");
}

TEST_CASE("ranges give integers from integer bounds and rounded decimals otherwise")
{
  auto ints =
      expand(R"({"base": "b.json", "axes": [{"pointer": "/end_s", "range": {"from": 100, "to": 130, "step": 15}}]})");
  REQUIRE(ints.size() == 3);
  CHECK(ints[2].axes["/end_s"].dump() == "130");
  auto decimals =
      expand(R"({"base": "b.json", "axes": [{"pointer": "/end_s", "range": {"from": 0.1, "to": 0.3, "step": 0.1}}]})");
  REQUIRE(decimals.size() == 3);
  CHECK(decimals[2].axes["/end_s"].dump() == "0.3");
}

TEST_CASE("set applies to every run, and pointers under /parameters create the objects on the way")
{
  auto runs = expand(R"({"base": "b.json", "set": {"/workloads/0/arrivals": "poisson"},
    "axes": [{"pointer": "/parameters/registry/heartbeat_timeout_s", "values": [15, 30]}]})");
  REQUIRE(runs.size() == 2);
  CHECK(scenario(runs[1])["workloads"][0]["arrivals"] == "poisson");
  CHECK(scenario(runs[1])["parameters"]["registry"]["heartbeat_timeout_s"] == 30);
}

TEST_CASE("run ids are 16 hex digits, stable across expansions and machines, and differ between runs")
{
  const std::string sweep = R"({"base": "b.json", "axes": [{"pointer": "/workloads/0/rps", "values": [10, 20]}],
                                "seeds": [1, 2, 3]})";
  auto a = expand(sweep);
  auto b = expand(sweep);
  std::set<std::string> ids;
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].run_id == b[i].run_id);
    CHECK(a[i].run_id.size() == 16);
    CHECK(a[i].run_id.find_first_not_of("0123456789abcdef") == std::string::npos);
    ids.insert(a[i].run_id);
  }
  CHECK(ids.size() == a.size());
  // The base's path is not hashed (it differs between machines); the scenario and the seed are.
  auto moved = expand_sweep(parse_sweep_text(sweep, "s.json", BASE, "/elsewhere/base.json"));
  CHECK(moved[0].run_id == a[0].run_id);
  // Pinned: a change here changes every run id ever written, and resumed sweeps would start over.
  CHECK(run_id_for("{}", 1) == "7e7ed2644689eb7c");
}

TEST_CASE("a manifest line reads back as written, and an edited line is refused")
{
  auto runs =
      expand(R"({"name": "t", "base": "b.json", "axes": [{"pointer": "/workloads/0/rps", "values": [10, 20]}]})");
  std::string line = manifest_line(runs[1]);
  ManifestEntry back = parse_manifest_line(line, "m.jsonl", 2);
  CHECK(back.index == 1);
  CHECK(back.run_id == runs[1].run_id);
  CHECK(back.sweep == "t");
  CHECK(back.base == BASE_PATH);
  CHECK(back.scenario == runs[1].scenario);
  CHECK(back.axes.dump() == runs[1].axes.dump());
  CHECK(describe_run(back) == "/workloads/0/rps=20, seed 7");
  std::string edited = line;
  edited.replace(edited.find("\"rps\":20"), 8, "\"rps\":21");
  CHECK_THROWS_WITH_AS(parse_manifest_line(edited, "m.jsonl", 2),
                       ("m.jsonl:2:1: error: /run_id: expected the hash of the scenario and seed (" +
                        run_id_for(json::parse(edited)["scenario"].dump(), 7) + "), got \"" + runs[1].run_id +
                        "\" (was the line edited?)")
                           .c_str(),
                       InputError);
}

TEST_CASE("a pointer the base scenario does not have is an error at the axis, with line and column")
{
  CHECK(first_error("{\"base\": \"b.json\", \"axes\": [\n"
                    "  {\"pointer\": \"/workloads/0/rps\", \"values\": [1]},\n"
                    "  {\"pointer\": \"/deploymnet/instances\", \"values\": [3]}]}") ==
        "s.json:3:15: error: /axes/1/pointer: expected a pointer into the base scenario, got nothing at /deploymnet "
        "(base /abs/scenarios/base.json)");
  CHECK(first_error(R"({"base": "b.json", "axes": [{"pointer": "/workloads/3/rps", "values": [1]}]})") ==
        "s.json:1:41: error: /axes/0/pointer: expected a pointer into the base scenario, got nothing at /workloads/3 "
        "(an array of 1) (base /abs/scenarios/base.json)");
  CHECK(first_error(R"({"base": "b.json", "axes": [{"pointer": "workloads", "values": [1]}]})") ==
        "s.json:1:41: error: /axes/0/pointer: expected a JSON pointer such as /workloads/0/rps, got \"workloads\" "
        "(base /abs/scenarios/base.json)");
  CHECK(first_error(R"({"base": "b.json", "axes": [{"pointer": "/seed", "values": [1]}]})") ==
        "s.json:1:41: error: /axes/0/pointer: expected a pointer other than /seed (replications go in \"seeds\"), "
        "got \"/seed\" (base /abs/scenarios/base.json)");
}

TEST_CASE("empty axes, bad ranges, repeated values and overlapping pointers are errors naming the place")
{
  CHECK(first_error(R"({"base": "b.json", "axes": [{"pointer": "/end_s", "values": []}]})") ==
        "s.json:1:61: error: /axes/0/values: expected a non-empty array of values, got []");
  CHECK(
      first_error(R"({"base": "b.json", "axes": [{"pointer": "/end_s", "range": {"from": 1, "to": 5, "step": 0}}]})") ==
      "s.json:1:89: error: /axes/0/range/step: expected a number > 0, got 0");
  CHECK(
      first_error(R"({"base": "b.json", "axes": [{"pointer": "/end_s", "range": {"from": 9, "to": 5, "step": 1}}]})") ==
      "s.json:1:78: error: /axes/0/range/to: expected a number >= from (9), got 5");
  CHECK(first_error(R"({"base": "b.json", "axes": [{"pointer": "/end_s", "values": [1, 2, 1]}]})") ==
        "s.json:1:68: error: /axes/0/values/2: expected distinct values, got 1 again (first at index 0)");
  CHECK(first_error(R"({"base": "b.json", "axes": [{"pointer": "/end_s"}]})") ==
        "s.json:1:29: error: /axes/0: expected exactly one of \"values\" and \"range\", got neither");
  CHECK(first_error(R"({"base": "b.json", "axes": [{"pointer": "/deployment", "values": [1]},
                       {"pointer": "/deployment/instances", "values": [2]}]})")
            .find("/axes/1/pointer: expected a value no other axis or set entry changes, got \"/deployment/instances\" "
                  "(overlaps \"/deployment\" at /axes/0/pointer)") != std::string::npos);
  CHECK(first_error(R"({"base": "b.json", "axis": []})") ==
        "s.json:1:20: error: /axis: expected one of the keys $schema, name, description, base, axes, zip, seeds, set, "
        "got \"axis\"");
}

TEST_CASE("zip errors name the zip entry")
{
  CHECK(first_error(R"({"base": "b.json", "axes": [{"pointer": "/end_s", "values": [1, 2]},
                        {"pointer": "/workloads/0/rps", "values": [1, 2, 3]}],
                        "zip": [["/end_s", "/workloads/0/rps"]]})")
            .find("/zip/0/1: expected 2 values like /axes/0, got 3 at /axes/1") != std::string::npos);
  CHECK(first_error(R"({"base": "b.json", "zip": [["/end_s", "/name"]]})")
            .find("/zip/0/0: expected the pointer of an axis in \"axes\", got \"/end_s\"") != std::string::npos);
  CHECK(first_error(R"({"base": "b.json", "zip": [{"pointers": ["/end_s", "/name"], "values": [[1, "a"], [2]]}]})")
            .find("/zip/0/values/1: expected an array of 2 values (one per pointer), got [2]") != std::string::npos);
}

TEST_CASE("seeds are a range or a list of distinct integers >= 0")
{
  CHECK(expand(R"({"base": "b.json", "seeds": {"from": 3, "to": 4}})").size() == 2);
  CHECK(first_error(R"({"base": "b.json", "seeds": {"from": 5, "to": 1}})") ==
        "s.json:1:47: error: /seeds/to: expected an integer >= from (5), got 1");
  CHECK(first_error(R"({"base": "b.json", "seeds": [1, -2]})") ==
        "s.json:1:33: error: /seeds/1: expected integer >= 0, got -2");
  CHECK(first_error(R"({"base": "b.json", "seeds": []})") ==
        "s.json:1:29: error: /seeds: expected a non-empty array of seeds, got []");
}

TEST_CASE("pointer edits follow --set: parents must exist except under /parameters")
{
  json doc = BASE;
  CHECK(pointer_problem(doc, "/end_s") == "");
  CHECK(pointer_problem(doc, "/workloads/0/rps") == "");
  CHECK(pointer_problem(doc, "/parameters/a/b/c") == "");
  CHECK(pointer_problem(doc, "/name/x") == "expected an object or array at /name, got \"base\"");
  set_at_pointer(doc, "/parameters/a/b/c", 5);
  CHECK(doc["parameters"]["a"]["b"]["c"] == 5);
  CHECK(pointers_overlap("/a", "/a/b"));
  CHECK_FALSE(pointers_overlap("/a", "/ab"));
}

TEST_CASE("a Slurm array gives each task a chunk so that big sweeps stay within 1000 tasks")
{
  SlurmScript small = slurm_script("s", "/d", "/bin/svcsim", 4, 0);
  CHECK(small.tasks == 4);
  CHECK(small.chunk == 1);
  CHECK(small.text.find("#SBATCH --array=0-3\n") != std::string::npos);
  SlurmScript big = slurm_script("s", "/d", "/bin/svcsim", 2500, 0);
  CHECK(big.chunk == 3);
  CHECK(big.tasks == 834);
  CHECK(big.text.find("#SBATCH --array=0-833\n") != std::string::npos);
  CHECK(big.text.find("#SBATCH --output=/d/slurm/%A_%a.out\n") != std::string::npos);
  SlurmScript chunked = slurm_script("s", "/d", "/bin/svcsim", 10, 4);
  CHECK(chunked.tasks == 3);
}
