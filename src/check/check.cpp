// The check itself: find what the run directory holds, refuse an unfinished run, read the baseline, look every
// metric up, then compare (or, with --update-baseline, rewrite the baseline's values in place). All trouble is
// collected first and reported together, so one CI log shows everything that needs fixing.
#include "check/check.hpp"

#include "check/band_check.hpp"
#include "check/baseline.hpp"
#include "check/check_report.hpp"
#include "check/json_spans.hpp"
#include "check/metric_path.hpp"
#include "check/sweep_csv.hpp"
#include "parse/json_positions.hpp"
#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace svcsim
{

// The gate's parts live in svcsim::gate so their plain names (Baseline, Tolerance, ...) stay out of the way.
using namespace gate;
namespace fs = std::filesystem;

namespace
{

bool read_text(const std::string& file, std::string& text)
{
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

class CheckRun
{
public:
  CheckRun(const CheckOptions& options, CheckReport& report) : options_(options), report_(report) {}

  void run()
  {
    inspect_run_dir();
    read_baseline();
    choose_mode();
    if (report_.mode.empty() || !errors().empty())
      return;
    if (report_.mode == "run")
      load_summary();
    else
      sweep_ = read_sweep_csv((fs::path(options_.run_dir) / "sweep.csv").string(), errors());
    if (!errors().empty())
      return;
    resolve();
    if (!errors().empty())
      return;
    if (options_.update_baseline)
      update();
    else
      compare();
  }

private:
  std::vector<std::string>& errors() { return report_.errors; }

  void inspect_run_dir()
  {
    const std::string& dir = options_.run_dir;
    std::error_code ec;
    if (dir.empty() || !fs::exists(dir, ec)) {
      errors().push_back(fmt::format("{}: error: run directory not found", dir));
      return;
    }
    if (!fs::is_directory(dir, ec)) {
      errors().push_back(fmt::format("{}: error: not a directory (expected a run or collected sweep directory)", dir));
      return;
    }
    dir_ok_ = true;
    has_summary_ = fs::is_regular_file(fs::path(dir) / "summary.json", ec);
    has_csv_ = fs::is_regular_file(fs::path(dir) / "sweep.csv", ec);
    has_sqlite_ = fs::exists(fs::path(dir) / "sweep.sqlite", ec);
    fs::path marker = fs::path(dir) / "INCOMPLETE";
    if (fs::exists(marker, ec)) {
      // The writer may leave a reason in the marker; show its first line.
      std::string reason;
      std::ifstream in(marker);
      std::getline(in, reason);
      errors().push_back(fmt::format("{}: error: refusing incomplete run: it holds an INCOMPLETE marker{}", dir,
                                     reason.empty() ? "" : " (" + reason + ")"));
      incomplete_ = true;
    }
  }

  void read_baseline()
  {
    const std::string& file = options_.baseline_file;
    if (file.empty() || !read_text(file, baseline_text_)) {
      errors().push_back(fmt::format("{}: error: baseline file not found", file));
      return;
    }
    baseline_ = parse_baseline(baseline_text_, file, options_.update_baseline, errors());
  }

  // The baseline's shape says what it checks; without a usable baseline, the directory's contents decide.
  void choose_mode()
  {
    if (!dir_ok_ || incomplete_)
      return;
    const std::string& dir = options_.run_dir;
    bool sweep = baseline_ ? baseline_->sweep : !has_summary_ && has_csv_;
    if (sweep && !has_csv_) {
      if (has_summary_)
        errors().push_back(fmt::format("{}: error: /runs: checks a collected sweep, but {} is a single run "
                                       "(summary.json, no sweep.csv); use \"metrics\"",
                                       options_.baseline_file, dir));
      else
        errors().push_back(fmt::format("{}: error: refusing incomplete run: no sweep.csv{}", dir,
                                       has_sqlite_ ? " (only sweep.sqlite; svcsim check reads sweep.csv)" : ""));
      return;
    }
    if (!sweep && !has_summary_) {
      if (has_csv_ && baseline_)
        errors().push_back(fmt::format("{}: error: /metrics: checks a single run, but {} is a collected sweep "
                                       "(sweep.csv, no summary.json); use \"runs\": {{\"<run_id>\": [...]}}",
                                       options_.baseline_file, dir));
      else
        errors().push_back(fmt::format("{}: error: refusing incomplete run: no summary.json", dir));
      return;
    }
    report_.mode = sweep ? "sweep" : "run";
  }

  void load_summary()
  {
    summary_file_ = (fs::path(options_.run_dir) / "summary.json").string();
    std::string text;
    if (!read_text(summary_file_, text)) {
      errors().push_back(fmt::format("{}: error: cannot read", summary_file_));
      return;
    }
    try {
      summary_ = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      errors().push_back(describe_parse_error(summary_file_, e));
      return;
    }
    if (!summary_.is_object())
      errors().push_back(fmt::format("{}: error: expected an object, got {}", summary_file_, json_kind(summary_)));
  }

  // The current value of every baseline entry, in entry order; errors for anything missing or unusable.
  void resolve()
  {
    std::set<std::string> missing_runs;
    for (const auto& entry : baseline_->entries) {
      const nlohmann::json* found = nullptr;
      nlohmann::json cell;
      std::string source = summary_file_;
      if (sweep_) {
        source = sweep_->file;
        auto row = sweep_->cells.find(entry.run_id);
        if (row == sweep_->cells.end()) {
          std::string run_pointer = "/runs/" + escape_pointer_token(entry.run_id);
          if (missing_runs.insert(entry.run_id).second)
            errors().push_back(fmt::format("{}: error: {}: run \"{}\" not found in {}", options_.baseline_file,
                                           run_pointer, entry.run_id, source));
          currents_.emplace_back();
          continue;
        }
        if (auto column = find_column(*sweep_, entry.metric, entry.keys)) {
          cell = cell_value(row->second[*column]);
          found = &cell;
        }
      } else {
        found = find_metric(summary_, entry.keys);
      }
      if (!found) {
        errors().push_back(fmt::format("{}: error: {}/metric: {} not found in {}", options_.baseline_file,
                                       entry.pointer, entry.metric, source));
      } else if (found->is_object() || found->is_array()) {
        errors().push_back(fmt::format("{}: error: {}/metric: {} is {} in {}, not a single value",
                                       options_.baseline_file, entry.pointer, entry.metric, json_kind(*found), source));
      } else if (!options_.update_baseline && !compare_values(*entry.value, *found, entry.tolerance)) {
        errors().push_back(fmt::format("{}: error: {}/value: the baseline is {} but {} is {} ({}) in {}",
                                       options_.baseline_file, entry.pointer, json_kind(*entry.value), entry.metric,
                                       json_kind(*found), found->dump(), source));
      }
      currents_.push_back(found ? *found : nlohmann::json());
    }
  }

  void compare()
  {
    for (size_t i = 0; i < baseline_->entries.size(); ++i) {
      const BaselineEntry& entry = baseline_->entries[i];
      CheckRow row{entry.run_id, entry.metric, *entry.value, currents_[i], {}};
      row.comparison = *compare_values(row.baseline, row.current, entry.tolerance);
      report_.rows.push_back(std::move(row));
    }
  }

  void update()
  {
    const std::string& file = options_.baseline_file;
    std::map<std::string, JsonSpan> spans;
    try {
      spans = json_value_spans(baseline_text_);
    } catch (const std::exception& e) {
      errors().push_back(fmt::format("{}: error: internal: {}", file, e.what()));
      return;
    }
    std::vector<TextEdit> edits;
    for (size_t i = 0; i < baseline_->entries.size(); ++i) {
      const BaselineEntry& entry = baseline_->entries[i];
      const nlohmann::json& current = currents_[i];
      // 75 and 75.0 compare equal: an unchanged value keeps its spelling, so the diff shows only real changes.
      if (entry.value && *entry.value == current) {
        ++report_.unchanged;
        continue;
      }
      if (entry.value)
        edits.push_back(
            TextEdit{spans.at(entry.pointer + "/value").begin, spans.at(entry.pointer + "/value").end, current.dump()});
      else
        edits.push_back(append_member(baseline_text_, spans.at(entry.pointer), "value", current.dump()));
      report_.updates.push_back(UpdateRow{entry.run_id, entry.metric, entry.value, current});
    }
    if (edits.empty())
      return;
    std::string text = apply_edits(baseline_text_, edits);
    if (!verify_update(text))
      return;
    std::string failure = write_file_atomic(file, text);
    if (!failure.empty())
      errors().push_back(failure);
  }

  // The rewritten text must parse to the same entries with the new values; anything else is our bug, and the
  // old file is left alone.
  bool verify_update(const std::string& text)
  {
    std::vector<std::string> problems;
    auto reparsed = parse_baseline(text, options_.baseline_file, false, problems);
    bool same = reparsed && reparsed->entries.size() == baseline_->entries.size();
    for (size_t i = 0; same && i < currents_.size(); ++i)
      same = reparsed->entries[i].metric == baseline_->entries[i].metric && *reparsed->entries[i].value == currents_[i];
    if (!same)
      errors().push_back(fmt::format("{}: error: internal: the updated baseline does not read back ({}); "
                                     "file left unchanged",
                                     options_.baseline_file, problems.empty() ? "values differ" : problems[0]));
    return same;
  }

  const CheckOptions& options_;
  CheckReport& report_;
  bool dir_ok_ = false;
  bool has_summary_ = false;
  bool has_csv_ = false;
  bool has_sqlite_ = false;
  bool incomplete_ = false;
  std::string baseline_text_;
  std::optional<Baseline> baseline_;
  std::string summary_file_;
  nlohmann::json summary_;
  std::optional<SweepTable> sweep_;
  std::vector<nlohmann::json> currents_; // parallel to baseline_->entries
};

} // namespace

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err)
{
  if (!options.bands.empty() || is_band_file(options.baseline_file))
    return run_band_check(options, out, err);
  CheckReport report;
  report.run_dir = options.run_dir;
  report.baseline_file = options.baseline_file;
  report.update = options.update_baseline;
  if (options.format != "text" && options.format != "json")
    report.errors.push_back(fmt::format("error: --format: expected text or json, got \"{}\"", options.format));
  else
    CheckRun(options, report).run();

  report.exit_code = !report.errors.empty() ? 2 : report.failed() > 0 ? 1 : 0;
  // The report is written even on trouble: CI keeps it as an artifact that says why the gate failed.
  if (!options.json_report.empty()) {
    std::string failure = write_file_atomic(options.json_report, check_report_json(report).dump(2) + "\n");
    if (!failure.empty()) {
      report.errors.push_back(failure);
      report.exit_code = 2;
    }
  }
  for (const auto& line : report.errors)
    err << line << "\n";
  if (options.format == "json")
    out << check_report_json(report).dump(2) << "\n";
  else if (report.exit_code != 2)
    options.update_baseline ? print_update_summary(report, options.quiet, out)
                            : print_check_table(report, options.quiet, out);
  return report.exit_code;
}

} // namespace svcsim
