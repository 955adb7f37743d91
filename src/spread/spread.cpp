// Spread statistics over seeds (see the header). The mean sums in seed order, so the same summaries give the
// same bits; the order statistics are samples, never interpolated.
#include "spread/spread.hpp"

#include "metrics/percentile.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace svcsim
{

using ordered_json = nlohmann::ordered_json;

namespace
{

uint64_t parse_seed(const std::string& token, const std::string& whole)
{
  if (token.empty() || token.size() > 19 ||
      !std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    throw SeedListError("expected seeds as A..B or a list such as 1,2,5 (integers >= 0), got \"" + whole + "\"");
  return std::stoull(token);
}

void check_count(uint64_t count, const std::string& whole)
{
  if (count > MAX_SEEDS)
    throw SeedListError("expected at most " + std::to_string(MAX_SEEDS) + " seeds, got " + std::to_string(count) +
                        " in \"" + whole + "\"");
}

} // namespace

std::vector<uint64_t> parse_seed_list(const std::string& text)
{
  std::vector<uint64_t> seeds;
  size_t dots = text.find("..");
  if (dots != std::string::npos) {
    uint64_t from = parse_seed(text.substr(0, dots), text);
    uint64_t to = parse_seed(text.substr(dots + 2), text);
    if (to < from)
      throw SeedListError("expected A..B with A <= B, got \"" + text + "\"");
    check_count(to - from + 1 == 0 ? UINT64_MAX : to - from + 1, text);
    for (uint64_t s = from;; ++s) {
      seeds.push_back(s);
      if (s == to)
        break;
    }
    return seeds;
  }
  std::set<uint64_t> seen;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    uint64_t s = parse_seed(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start), text);
    if (!seen.insert(s).second)
      throw SeedListError("expected each seed once, got " + std::to_string(s) + " twice in \"" + text + "\"");
    seeds.push_back(s);
    check_count(seeds.size(), text);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return seeds;
}

std::string describe_seed_list(const std::vector<uint64_t>& seeds)
{
  bool contiguous = seeds.size() > 1;
  for (size_t i = 1; contiguous && i < seeds.size(); ++i)
    contiguous = seeds[i] == seeds[i - 1] + 1;
  if (contiguous)
    return std::to_string(seeds.front()) + ".." + std::to_string(seeds.back());
  std::string out;
  for (uint64_t s : seeds)
    out += (out.empty() ? "" : ",") + std::to_string(s);
  return out;
}

ordered_json spread_stats(const std::vector<ordered_json>& samples)
{
  std::vector<const ordered_json*> numbers;
  for (const auto& s : samples)
    if (s.is_number())
      numbers.push_back(&s);
  ordered_json out = ordered_json::object();
  if (numbers.empty()) {
    for (const char* k : {"mean", "min", "max", "p5", "p95"})
      out[k] = nullptr;
    out["n"] = 0;
    return out;
  }
  double sum = 0;
  for (const auto* v : numbers)
    sum += v->get<double>();
  std::vector<const ordered_json*> sorted = numbers;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ordered_json* a, const ordered_json* b) { return a->get<double>() < b->get<double>(); });
  // The same rank as metrics/percentile.hpp, on indices so that the sample keeps its JSON type.
  std::vector<double> ranks(sorted.size());
  for (size_t i = 0; i < ranks.size(); ++i)
    ranks[i] = static_cast<double>(i);
  auto at = [&](double q) { return *sorted[static_cast<size_t>(nearest_rank(ranks, q))]; };
  out["mean"] = sum / static_cast<double>(numbers.size());
  out["min"] = *sorted.front();
  out["max"] = *sorted.back();
  out["p5"] = at(5);
  out["p95"] = at(95);
  out["n"] = numbers.size();
  return out;
}

namespace
{

std::optional<ordered_json> merge(const std::vector<const ordered_json*>& nodes, bool top)
{
  bool any_object = false, any_array = false, any_scalar = false, any_other = false;
  for (const auto* n : nodes) {
    if (!n)
      continue;
    any_object = any_object || n->is_object();
    any_array = any_array || n->is_array();
    any_scalar = any_scalar || n->is_number() || n->is_null();
    any_other = any_other || n->is_string() || n->is_boolean();
  }
  if (any_object) {
    std::vector<std::string> keys; // first appearance, seed by seed
    std::set<std::string> seen;
    for (const auto* n : nodes)
      if (n && n->is_object())
        for (const auto& [k, v] : n->items())
          if (seen.insert(k).second)
            keys.push_back(k);
    ordered_json out = ordered_json::object();
    for (const auto& k : keys) {
      if (top && k == "seed")
        continue; // the one value that differs by construction
      std::vector<const ordered_json*> children;
      for (const auto* n : nodes)
        children.push_back(n && n->is_object() && n->contains(k) ? &(*n)[k] : nullptr);
      if (auto child = merge(children, false))
        out[k] = std::move(*child);
    }
    if (out.empty())
      return std::nullopt;
    return out;
  }
  if (any_array) {
    size_t len = 0;
    for (const auto* n : nodes)
      if (n && n->is_array())
        len = std::max(len, n->size());
    ordered_json out = ordered_json::array();
    bool any = false;
    for (size_t i = 0; i < len; ++i) {
      std::vector<const ordered_json*> children;
      for (const auto* n : nodes)
        children.push_back(n && n->is_array() && i < n->size() ? &(*n)[i] : nullptr);
      auto child = merge(children, false);
      any = any || child.has_value();
      out.push_back(child ? std::move(*child) : ordered_json()); // null keeps the later indices in place
    }
    if (!any)
      return std::nullopt;
    return out;
  }
  if (any_other || !any_scalar)
    return std::nullopt;
  std::vector<ordered_json> samples;
  for (const auto* n : nodes)
    if (n)
      samples.push_back(*n);
  return spread_stats(samples);
}

} // namespace

std::optional<ordered_json> spread_tree(const std::vector<const ordered_json*>& summaries)
{
  return merge(summaries, true);
}

bool is_spread_stats(const nlohmann::json& node)
{
  if (!node.is_object() || node.size() != 6)
    return false;
  for (const char* k : {"mean", "min", "max", "p5", "p95", "n"})
    if (!node.contains(k))
      return false;
  return node["n"].is_number_unsigned() || node["n"].is_number_integer();
}

std::vector<std::pair<std::string, ordered_json>> key_spread_rows(const ordered_json& metrics)
{
  std::vector<std::pair<std::string, ordered_json>> rows;
  auto add = [&](const std::string& path, const ordered_json* node) {
    if (node && is_spread_stats(*node))
      rows.emplace_back(path, *node);
  };
  auto find = [](const ordered_json& root, std::initializer_list<const char*> keys) -> const ordered_json* {
    const ordered_json* node = &root;
    for (const char* k : keys) {
      if (!node->is_object() || !node->contains(k))
        return nullptr;
      node = &(*node)[k];
    }
    return node;
  };
  for (const char* k : {"total", "success", "failed"})
    add(std::string("requests.") + k, find(metrics, {"requests", k}));
  for (const char* k : {"p50", "p95", "p99", "max"})
    add(std::string("requests.latency_ms.") + k, find(metrics, {"requests", "latency_ms", k}));
  add("requests.achieved_rps", find(metrics, {"requests", "achieved_rps"}));
  add("load_balancer.retries", find(metrics, {"load_balancer", "retries"}));
  if (const ordered_json* faults = find(metrics, {"faults"}); faults && faults->is_array())
    for (size_t i = 0; i < faults->size(); ++i)
      for (const char* k : {"registry_unhealthy_at_s", "lb_excluded_at_s", "detector_alert_at_s", "failed_requests"})
        add("faults[" + std::to_string(i) + "]." + k, find((*faults)[i], {k}));
  return rows;
}

namespace
{

template <class Json> std::string format_number(const Json& value)
{
  if (value.is_number_integer() || value.is_number_unsigned())
    return value.dump();
  if (!value.is_number())
    return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", value.template get<double>());
  return buf;
}

} // namespace

std::string spread_number(const ordered_json& value)
{
  return format_number(value);
}

std::string spread_number(const nlohmann::json& value)
{
  return format_number(value);
}

} // namespace svcsim
