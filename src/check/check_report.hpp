// What `svcsim check` found, and its two renderings: the aligned text table ending in "N passed, N failed",
// and the JSON report (--json-report FILE, or on stdout with --format json); also the atomic file writer.
#pragma once

#include "check/baseline.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace svcsim::gate
{

struct CheckRow {
  std::string run_id; // sweep only
  std::string metric;
  nlohmann::json baseline;
  nlohmann::json current;
  Comparison comparison;

  std::string label() const { return run_id.empty() ? metric : run_id + ":" + metric; }
};

struct UpdateRow {
  std::string run_id;
  std::string metric;
  std::optional<nlohmann::json> old_value; // absent: the entry had no value yet
  nlohmann::json new_value;

  std::string label() const { return run_id.empty() ? metric : run_id + ":" + metric; }
};

struct CheckReport {
  std::string run_dir;
  std::string baseline_file;
  std::string mode; // "run", "sweep", or "" when trouble came first
  bool update = false;
  std::vector<CheckRow> rows;
  std::vector<UpdateRow> updates; // only the values that changed
  size_t unchanged = 0;           // update mode: values already right
  std::vector<std::string> errors;
  int exit_code = 0;

  size_t passed() const;
  size_t failed() const;
};

// The table (all rows, or only failures when quiet), then the closing "N passed, N failed" line.
void print_check_table(const CheckReport& report, bool quiet, std::ostream& out);

// One line per updated value (unless quiet), then "FILE: N updated, N unchanged".
void print_update_summary(const CheckReport& report, bool quiet, std::ostream& out);

nlohmann::ordered_json check_report_json(const CheckReport& report);

} // namespace svcsim::gate
