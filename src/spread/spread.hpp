// A spread over seeds (issue 13): the same scenario run with several seeds, each metric of summary.json
// summarised across them as {mean, min, max, p5, p95, n}. The band is the simulator's own randomness (jitter,
// Poisson arrivals, error draws), not a confidence interval for the real system. Pure: no SimGrid, no files.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace svcsim
{

// More seeds than this is almost surely a typo (1..100000): each seed is a whole run.
constexpr size_t MAX_SEEDS = 1000;

class SeedListError : public std::invalid_argument
{
public:
  using std::invalid_argument::invalid_argument;
};

// "A..B" (both included, A <= B) or a list "1,2,5" (no repeats), every seed an integer >= 0, at most MAX_SEEDS.
// Throws SeedListError with "expected ..., got ..." for anything else.
std::vector<uint64_t> parse_seed_list(const std::string& text);

// "1..20" for a contiguous ascending list, else "1,2,5": how messages and spread.json name the seeds.
std::string describe_seed_list(const std::vector<uint64_t>& seeds);

// One metric across the seeds that have a number there (null, a time that never happened, and absence do not
// count; n says how many did). Order statistics keep the sample as written (an integer stays an integer);
// p5 and p95 use the nearest rank, as every percentile of svcsim does, so with fewer than 20 seeds the 5-95 %
// band is the min-max band.
nlohmann::ordered_json spread_stats(const std::vector<nlohmann::ordered_json>& samples);

// The tree of summary.json with every numeric leaf replaced by spread_stats over the seeds: the union of the
// summaries' keys in order of first appearance, arrays by index (an index that exists in some seeds only counts
// those). Leaves that are strings or booleans are left out, and so is the top-level "seed". A leaf that is null
// in every seed that has it gets n = 0 and null statistics. nullopt when nothing numeric is left.
std::optional<nlohmann::ordered_json> spread_tree(const std::vector<const nlohmann::ordered_json*>& summaries);

// True for a node of spread_tree's output that is one metric's statistics rather than a subtree.
bool is_spread_stats(const nlohmann::json& node);

// The metrics `svcsim run --seeds` prints and spread.html shows, as (metric path, statistics), in this order
// when present: requests total / success / failed, latency p50 / p95 / p99 / max, achieved RPS, the balancer's
// retries, and every fault's detection times and failed requests.
std::vector<std::pair<std::string, nlohmann::ordered_json>> key_spread_rows(const nlohmann::ordered_json& metrics);

// A sample as the tables print it: integers as they are, other numbers with two decimals, null as "-".
std::string spread_number(const nlohmann::ordered_json& value);
std::string spread_number(const nlohmann::json& value);

} // namespace svcsim
