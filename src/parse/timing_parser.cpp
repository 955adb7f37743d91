#include "parse/timing_parser.hpp"

#include <algorithm>

namespace svcsim
{

namespace
{

// A reading of a whole hour or more late is not a timing effect but a fault; a histogram is a measurement.
constexpr int MAX_BIN_MS = 3600000;
constexpr NumberRule COUNT_RULE{0, false, 1e15, false};

const char* const HISTOGRAM_EXPECTED =
    "a histogram {\"<whole ms>\": count, ...} with at least one count > 0 (e.g. {\"0\": 77, \"1\": 274})";

void read_histogram(Checker& checker, const json& obj, const std::string& parent, const std::string& key,
                    MsHistogram& out)
{
  auto it = obj.find(key);
  if (it == obj.end())
    return;
  std::string pointer = pointer_append(parent, key);
  if (!it->is_object() || it->empty()) {
    checker.error(pointer, std::string("expected ") + HISTOGRAM_EXPECTED + ", got " + quote_value(*it));
    return;
  }
  MsHistogram bins;
  double total = 0;
  bool ok = true;
  for (const auto& item : it->items()) {
    std::string bin_pointer = pointer_append(pointer, item.key());
    long ms = is_ms_key(item.key()) && item.key().size() <= 9 ? std::stol(item.key()) : MAX_BIN_MS + 1L;
    if (ms < -MAX_BIN_MS || ms > MAX_BIN_MS) {
      checker.error_at_key(bin_pointer, "expected a key of whole milliseconds from -3600000 to 3600000 (e.g. \"-1\", "
                                        "\"0\", \"13\"), got \"" +
                                            item.key() + "\"");
      ok = false;
      continue;
    }
    auto count = checker.number(*it, pointer, item.key(), COUNT_RULE);
    if (!count) {
      ok = false;
      continue;
    }
    total += *count;
    if (*count > 0)
      bins.push_back(HistogramBin{static_cast<int>(ms), *count});
  }
  if (!ok)
    return;
  if (total <= 0) {
    checker.error(pointer, std::string("expected ") + HISTOGRAM_EXPECTED + ", got " + quote_value(*it));
    return;
  }
  std::sort(bins.begin(), bins.end(), [](const HistogramBin& a, const HistogramBin& b) { return a.ms < b.ms; });
  out = std::move(bins);
}

} // namespace

bool is_ms_key(const std::string& key)
{
  size_t digits = key.size() > 0 && key[0] == '-' ? 1 : 0;
  if (digits == key.size())
    return false;
  if (key[digits] == '0' && key.size() > digits + 1)
    return false; // "007", "-0..." are not how a count of milliseconds is written
  if (key == "-0")
    return false;
  return std::all_of(key.begin() + static_cast<long>(digits), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void read_timing_model(Checker& checker, const json& model, const std::string& parent, TimingModel& out)
{
  auto it = model.find("timing");
  if (it == model.end())
    return;
  std::string pointer = pointer_append(parent, "timing");
  const std::vector<std::string> modes = {"exact", "node"};
  // "timing": "exact" is short for {"mode": "exact"} (the spelling). There is no "node" shorthand: the
  // string replaces the model's whole section, and node timing without its histograms would silently keep
  // every timer on time.
  const std::string expected = "expected \"exact\" or an object with \"mode\", got ";
  if (it->is_string() && *it == "exact")
    return;
  if (!it->is_object()) {
    checker.error(pointer, expected + quote_value(*it));
    return;
  }
  checker.object(*it, pointer, {"mode", "description", "timer_late_ms", "client_lag_ms"});
  if (auto mode = checker.choice(*it, pointer, "mode", modes, true))
    out.mode = *mode == "node" ? TimingMode::NODE : TimingMode::EXACT;
  checker.string(*it, pointer, "description");
  read_histogram(checker, *it, pointer, "timer_late_ms", out.timer_late_ms);
  read_histogram(checker, *it, pointer, "client_lag_ms", out.client_lag_ms);
}

} // namespace svcsim
