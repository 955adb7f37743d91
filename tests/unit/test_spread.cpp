// Unit tests for the spread over seeds (src/spread): the seed list syntax, the statistics (nearest-rank p5 /
// p95 on hand-made values), the merged tree of summaries, and the band check of `svcsim check --band`.
#include "check/baseline.hpp"
#include "check/check.hpp"
#include "check_test_helpers.hpp"
#include "spread/spread.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace svcsim;
using namespace svcsim::check_test;
using nlohmann::ordered_json;

TEST_CASE("seed lists: A..B, a comma list, and the one-line errors for the rest")
{
  CHECK(parse_seed_list("1..3") == std::vector<uint64_t>{1, 2, 3});
  CHECK(parse_seed_list("7..7") == std::vector<uint64_t>{7});
  CHECK(parse_seed_list("0..2") == std::vector<uint64_t>{0, 1, 2});
  CHECK(parse_seed_list("1,2,5") == std::vector<uint64_t>{1, 2, 5});
  CHECK(parse_seed_list("9") == std::vector<uint64_t>{9});
  CHECK(parse_seed_list("1..1000").size() == 1000);
  CHECK_THROWS_WITH_AS(parse_seed_list("5..1"), "expected A..B with A <= B, got \"5..1\"", SeedListError);
  CHECK_THROWS_WITH_AS(parse_seed_list("0.."),
                       "expected seeds as A..B or a list such as 1,2,5 (integers >= 0), got \"0..\"", SeedListError);
  CHECK_THROWS_AS(parse_seed_list("a..b"), SeedListError);
  CHECK_THROWS_AS(parse_seed_list("-1..3"), SeedListError);
  CHECK_THROWS_AS(parse_seed_list(""), SeedListError);
  CHECK_THROWS_AS(parse_seed_list("1,,2"), SeedListError);
  CHECK_THROWS_AS(parse_seed_list("1..2..3"), SeedListError);
  CHECK_THROWS_WITH_AS(parse_seed_list("1..1001"), "expected at most 1000 seeds, got 1001 in \"1..1001\"",
                       SeedListError);
  CHECK_THROWS_WITH_AS(parse_seed_list("0..9999999999"),
                       "expected at most 1000 seeds, got 10000000000 in \"0..9999999999\"", SeedListError);
  CHECK_THROWS_WITH_AS(parse_seed_list("1,2,1"), "expected each seed once, got 1 twice in \"1,2,1\"", SeedListError);
  CHECK(describe_seed_list({1, 2, 3}) == "1..3");
  CHECK(describe_seed_list({1, 2}) == "1..2");
  CHECK(describe_seed_list({7}) == "7");
  CHECK(describe_seed_list({1, 2, 5}) == "1,2,5");
}

TEST_CASE("spread statistics: mean, min, max and nearest-rank p5 / p95 over hand-made values")
{
  // Three values: rank ceil(0.05 * 3) = 1 → the smallest, ceil(0.95 * 3) = 3 → the largest; mean 6 / 3 = 2.
  ordered_json s = spread_stats({3, 1, 2});
  CHECK(s.dump() == R"({"mean":2.0,"min":1,"max":3,"p5":1,"p95":3,"n":3})");

  // 1..20 shuffled: p5 rank ceil(0.05 * 20) = 1 → 1; p95 rank ceil(0.95 * 20) = 19 → 19 (not the max, 20);
  // mean 210 / 20 = 10.5.
  std::vector<ordered_json> twenty;
  for (int i = 0; i < 20; ++i)
    twenty.push_back((i * 7) % 20 + 1); // 7 is prime to 20: every value 1..20 once
  s = spread_stats(twenty);
  CHECK(s["mean"] == 10.5);
  CHECK(s["min"] == 1);
  CHECK(s["max"] == 20);
  CHECK(s["p5"] == 1);
  CHECK(s["p95"] == 19);
  CHECK(s["n"] == 20);

  // 21 values 0..20: p5 rank ceil(1.05) = 2 → 1, p95 rank ceil(19.95) = 20 → 19.
  std::vector<ordered_json> twentyone;
  for (int i = 20; i >= 0; --i)
    twentyone.push_back(i);
  s = spread_stats(twentyone);
  CHECK(s["p5"] == 1);
  CHECK(s["p95"] == 19);

  // Nulls (a time that never happened) do not count: n = 2, the mean of 10.5 and 20.5 is 15.5.
  s = spread_stats({10.5, nullptr, 20.5});
  CHECK(s.dump() == R"({"mean":15.5,"min":10.5,"max":20.5,"p5":10.5,"p95":20.5,"n":2})");
  // Null in every seed: n = 0 and null statistics.
  CHECK(spread_stats({nullptr, nullptr}).dump() == R"({"mean":null,"min":null,"max":null,"p5":null,"p95":null,"n":0})");
  CHECK(is_spread_stats(nlohmann::json::parse(spread_stats({1.0}).dump())));
  CHECK_FALSE(is_spread_stats(nlohmann::json::parse(R"({"mean":1})")));
}

TEST_CASE("the spread tree: numeric leaves by path, arrays by index, strings and the seed left out")
{
  ordered_json a = ordered_json::parse(R"({"scenario":"x","seed":1,"requests":{"total":10,"latency_ms":{"p99":300.5}},
      "by_status":{"200":10},"faults":[{"kind":"crash","at_s":40,"lb_excluded_at_s":null}],"ok":true})");
  ordered_json b = ordered_json::parse(R"({"scenario":"x","seed":2,"requests":{"total":12,"latency_ms":{"p99":310.5}},
      "by_status":{"200":11,"502":1},"faults":[{"kind":"crash","at_s":40,"lb_excluded_at_s":75.5}],"ok":false})");
  auto tree = spread_tree({&a, &b});
  REQUIRE(tree);
  // Keys in order of first appearance; "scenario", "seed", "ok" and faults[0].kind are gone.
  CHECK(tree->dump() == R"({"requests":{"total":{"mean":11.0,"min":10,"max":12,"p5":10,"p95":12,"n":2},)"
                        R"("latency_ms":{"p99":{"mean":305.5,"min":300.5,"max":310.5,"p5":300.5,"p95":310.5,"n":2}}},)"
                        R"("by_status":{"200":{"mean":10.5,"min":10,"max":11,"p5":10,"p95":11,"n":2},)"
                        R"("502":{"mean":1.0,"min":1,"max":1,"p5":1,"p95":1,"n":1}},)"
                        R"("faults":[{"at_s":{"mean":40.0,"min":40,"max":40,"p5":40,"p95":40,"n":2},)"
                        R"("lb_excluded_at_s":{"mean":75.5,"min":75.5,"max":75.5,"p5":75.5,"p95":75.5,"n":1}}]})");
  auto rows = key_spread_rows(*tree);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].first == "requests.total");
  CHECK(rows[1].first == "requests.latency_ms.p99");
  CHECK(rows[2].first == "faults[0].lb_excluded_at_s");
}

TEST_CASE("band check: inside the band passes, outside fails, a missing metric or spread is trouble")
{
  TempDir dir;
  // p99 over seeds: p5 = 300, p95 = 320 (three seeds: min and max), mean 310.
  write_file(dir / "spread.json", R"({"scenario":"x","seed_list":"1..3","seeds":[1,2,3],"metrics":{
      "requests":{"latency_ms":{"p99":{"mean":310.0,"min":300,"max":320,"p5":300,"p95":320,"n":3}}},
      "faults":[{"recovered_at_s":{"mean":null,"min":null,"max":null,"p5":null,"p95":null,"n":0}}]}})");
  CheckOptions o;
  o.bands = {"requests.latency_ms.p99=320"}; // the bound itself is inside: p95 is a value the model produced
  Outcome r = check(dir.path.string(), "", o);
  CHECK(r.code == 0);
  CHECK(r.out.find("inside") != std::string::npos);
  o.bands = {"requests.latency_ms.p99=321.2"};
  r = check(dir.path.string(), "", o);
  CHECK(r.code == 1);
  CHECK(r.out.find("OUTSIDE (above)") != std::string::npos);
  CHECK(r.out.find("p5-p95 [300, 320]") != std::string::npos);
  o.bands = {"requests.latency_ms.p999=1"};
  r = check(dir.path.string(), "", o);
  CHECK(r.code == 2);
  CHECK(r.err == (dir / "spread.json") + ": error: requests.latency_ms.p999 not found (from --band)\n");
  o.bands = {"faults[0].recovered_at_s=1"};
  CHECK(check(dir.path.string(), "", o).code == 2);
  o.bands = {"requests.latency_ms=1"};
  CHECK(check(dir.path.string(), "", o).code == 2);
  o.bands = {"requests.latency_ms.p99=fast"};
  CHECK(check(dir.path.string(), "", o).code == 2);

  // The same from a band file given as the baseline, with the min-max band.
  write_file(dir / "bands.json", R"({"bands":[{"metric":"requests.latency_ms.p99","real":299.9,"within":"min-max"}]})");
  r = check(dir.path.string(), dir / "bands.json");
  CHECK(r.code == 1);
  CHECK(r.out.find("OUTSIDE (below)") != std::string::npos);
  write_file(dir / "bad.json", R"({"bands":[{"metric":"requests.latency_ms.p99","real":"x"}]})");
  r = check(dir.path.string(), dir / "bad.json");
  CHECK(r.code == 2);
  CHECK(r.err == (dir / "bad.json") + ": error: /bands/0/real: expected the measured value as a number, got \"x\"\n");

  TempDir empty;
  o.bands = {"requests.latency_ms.p99=310"};
  r = check(empty.path.string(), "", o);
  CHECK(r.code == 2);
  CHECK(r.err.find("no spread.json") != std::string::npos);
}
