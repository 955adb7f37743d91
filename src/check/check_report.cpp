// Renders check results. Values are printed as JSON writes them (so 75.0 stays 75.0 and counts stay integers);
// deltas of two integers are exact integers, other deltas keep 6 significant digits.
#include "check/check_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace svcsim::gate
{

size_t CheckReport::passed() const
{
  size_t n = 0;
  for (const auto& row : rows)
    n += row.comparison.verdict == Verdict::pass;
  return n;
}

size_t CheckReport::failed() const
{
  return rows.size() - passed();
}

namespace
{

std::string format_delta(const CheckRow& row)
{
  if (!row.comparison.delta)
    return "-";
  if (row.baseline.is_number_integer() && row.current.is_number_integer()) {
    long long d = row.current.get<long long>() - row.baseline.get<long long>();
    return d == 0 ? "0" : fmt::format("{:+d}", d);
  }
  double d = *row.comparison.delta;
  return d == 0 ? "0" : fmt::format("{:+.6g}", d);
}

std::string format_delta_pct(const CheckRow& row)
{
  if (!row.comparison.delta_pct)
    return "-";
  double p = *row.comparison.delta_pct;
  if (p == 0)
    return "0.00%";
  // Two decimals read well; tiny drifts would show as +0.00%, so those keep two significant digits instead.
  return std::fabs(p) >= 0.01 ? fmt::format("{:+.2f}%", p) : fmt::format("{:+.2g}%", p);
}

std::string format_status(const Comparison& c)
{
  return c.verdict == Verdict::pass ? "PASS" : fmt::format("FAIL ({})", verdict_label(c.verdict));
}

nlohmann::json optional_number(const std::optional<double>& v)
{
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

} // namespace

void print_check_table(const CheckReport& report, bool quiet, std::ostream& out)
{
  constexpr size_t COLUMNS = 7;
  using Line = std::array<std::string, COLUMNS>;
  std::vector<Line> lines{{"metric", "baseline", "current", "delta", "delta%", "tol", "status"}};
  for (const auto& row : report.rows) {
    if (quiet && row.comparison.verdict == Verdict::pass)
      continue;
    lines.push_back({row.label(), row.baseline.dump(), row.current.dump(), format_delta(row), format_delta_pct(row),
                     row.comparison.tol ? fmt::format("{:.6g}", *row.comparison.tol) : "-",
                     format_status(row.comparison)});
  }
  if (lines.size() > 1) {
    std::array<size_t, COLUMNS> width{};
    for (const auto& line : lines)
      for (size_t c = 0; c < COLUMNS; ++c)
        width[c] = std::max(width[c], line[c].size());
    for (const auto& line : lines) {
      std::string text = fmt::format("{:<{}}", line[0], width[0]);
      for (size_t c = 1; c + 1 < COLUMNS; ++c) // numbers right-aligned so their digits line up
        text += fmt::format("  {:>{}}", line[c], width[c]);
      text += "  " + line[COLUMNS - 1]; // last column unpadded: no trailing blanks
      out << text << "\n";
    }
  }
  out << report.passed() << " passed, " << report.failed() << " failed\n";
}

void print_update_summary(const CheckReport& report, bool quiet, std::ostream& out)
{
  if (!quiet)
    for (const auto& u : report.updates)
      out << "updated " << u.label() << ": " << (u.old_value ? u.old_value->dump() : "(none)") << " -> "
          << u.new_value.dump() << "\n";
  out << report.baseline_file << ": " << report.updates.size() << " updated, " << report.unchanged << " unchanged\n";
}

nlohmann::ordered_json check_report_json(const CheckReport& report)
{
  nlohmann::ordered_json j;
  j["run_dir"] = report.run_dir;
  j["baseline"] = report.baseline_file;
  j["mode"] = report.mode.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(report.mode);
  j["exit_code"] = report.exit_code;
  j["errors"] = report.errors;
  if (report.update) {
    j["updated"] = nlohmann::ordered_json::array();
    for (const auto& u : report.updates) {
      nlohmann::ordered_json item;
      if (!u.run_id.empty())
        item["run_id"] = u.run_id;
      item["metric"] = u.metric;
      item["old"] = u.old_value ? *u.old_value : nlohmann::json(nullptr);
      item["new"] = u.new_value;
      j["updated"].push_back(std::move(item));
    }
    j["unchanged"] = report.unchanged;
    return j;
  }
  j["passed"] = report.passed();
  j["failed"] = report.failed();
  j["metrics"] = nlohmann::ordered_json::array();
  for (const auto& row : report.rows) {
    nlohmann::ordered_json item;
    if (!row.run_id.empty())
      item["run_id"] = row.run_id;
    item["metric"] = row.metric;
    item["baseline"] = row.baseline;
    item["current"] = row.current;
    item["delta"] = optional_number(row.comparison.delta);
    item["delta_pct"] = optional_number(row.comparison.delta_pct);
    item["tol"] = optional_number(row.comparison.tol);
    item["status"] = row.comparison.verdict == Verdict::pass ? "PASS" : "FAIL";
    item["label"] = nullptr;
    if (row.comparison.verdict != Verdict::pass)
      item["label"] = std::string(verdict_label(row.comparison.verdict));
    j["metrics"].push_back(std::move(item));
  }
  return j;
}

} // namespace svcsim::gate
