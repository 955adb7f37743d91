// Merging a sweep's runs into sweep.csv and sweep.sqlite (see the header). Only this step reads every run;
// it never writes inside a run directory.
#include "sweep/collect.hpp"

#include "sweep/run_dirs.hpp"
#include "util/atomic_file.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace svcsim
{

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace
{

const std::vector<std::string> METRICS = {
    "requests.total",          "requests.success",        "requests.failed",         "requests.latency_ms.mean",
    "requests.latency_ms.p50", "requests.latency_ms.p95", "requests.latency_ms.p99", "requests.latency_ms.max",
    "requests.achieved_rps",   "load_balancer.attempts",  "load_balancer.retries",   "load_balancer.no_healthy"};
const std::vector<std::string> FAULT_METRICS = {"registry_unhealthy_at_s", "lb_excluded_at_s", "detector_alert_at_s",
                                                "failed_requests"};
// After the faults, so the columns of a sweep collected before the capacity model keep their places. A summary
// without "capacity" (an older svcsim) leaves these cells empty.
const std::vector<std::string> CAPACITY_METRICS = {"capacity.busiest_process", "capacity.busiest_load_busy_share",
                                                   "capacity.busiest_saturated_at_s"};
// After the capacity columns, for the same reason: what a failover design costs beyond the detection times
// (tools/svcsim_designs_plot.py). lb_excluded_by names the mechanism that took the instance out of the pool
// (null from an svcsim that does not say).
const std::vector<std::string> DESIGN_FAULT_METRICS = {"retried_requests", "extra_latency_ms", "lb_excluded_by"};
const std::string MACHINE_PREFIX = "capacity.machines.";
const std::string MACHINE_METRIC = "load_cpu_share";

// "faults[0].lb_excluded_at_s" → the value, or null when any step is missing.
json metric(const json& doc, const std::string& path)
{
  std::string keys = path;
  for (char& c : keys)
    if (c == '[' || c == ']')
      c = '.';
  const json* at = &doc;
  std::istringstream in(keys);
  std::string key;
  while (std::getline(in, key, '.')) {
    if (key.empty())
      continue;
    if (at->is_object() && at->contains(key))
      at = &(*at)[key];
    else if (at->is_array() && key.find_first_not_of("0123456789") == std::string::npos && std::stoul(key) < at->size())
      at = &(*at)[std::stoul(key)];
    else
      return nullptr;
  }
  return *at;
}

std::string cell_text(const json& v)
{
  if (v.is_null())
    return "";
  if (v.is_string())
    return v.get<std::string>();
  return v.dump();
}

std::string csv_field(const std::string& s)
{
  if (s.find_first_of(",\"\r\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string sql_name(const std::string& s)
{
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

struct Table {
  std::vector<std::string> columns, kinds;
  std::vector<std::vector<json>> rows;
};

class Db
{
public:
  explicit Db(const std::string& path)
  {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      throw std::runtime_error("cannot create " + path + ": " + sqlite3_errmsg(db_));
  }
  ~Db() { sqlite3_close(db_); }
  void exec(const std::string& sql)
  {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error("sqlite: " + msg + " in " + sql.substr(0, 80));
    }
  }
  void insert(const std::string& table, const std::vector<json>& row)
  {
    std::string sql = "INSERT INTO " + table + " VALUES (";
    for (size_t i = 0; i < row.size(); ++i)
      sql += i ? ",?" : "?";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, (sql + ")").c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
    for (size_t i = 0; i < row.size(); ++i) {
      int k = static_cast<int>(i) + 1;
      const json& v = row[i];
      if (v.is_null())
        sqlite3_bind_null(st, k);
      else if (v.is_boolean())
        sqlite3_bind_int(st, k, v.get<bool>() ? 1 : 0);
      else if (v.is_number_integer())
        sqlite3_bind_int64(st, k, v.get<int64_t>());
      else if (v.is_number())
        sqlite3_bind_double(st, k, v.get<double>());
      else
        sqlite3_bind_text(st, k, cell_text(v).c_str(), -1, SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }

private:
  sqlite3* db_ = nullptr;
};

void write_sqlite(const std::string& path, const Table& t, const std::vector<std::pair<std::string, std::string>>& info)
{
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  fs::remove(tmp);
  {
    Db db(tmp);
    db.exec("BEGIN");
    std::string create = "CREATE TABLE runs(";
    for (size_t i = 0; i < t.columns.size(); ++i) // no declared types: each cell keeps the type it had in JSON
      create += (i ? ", " : "") + sql_name(t.columns[i]) + (i == 0 ? " TEXT PRIMARY KEY" : "");
    db.exec(create + ")");
    db.exec("CREATE TABLE columns(position INTEGER PRIMARY KEY, name TEXT, kind TEXT)");
    db.exec("CREATE TABLE sweep(key TEXT PRIMARY KEY, value TEXT)");
    for (const auto& row : t.rows)
      db.insert("runs", row);
    for (size_t i = 0; i < t.columns.size(); ++i)
      db.insert("columns", {json(i), json(t.columns[i]), json(t.kinds[i])});
    for (const auto& [k, v] : info)
      db.insert("sweep", {json(k), json(v)});
    db.exec("COMMIT");
  }
  fs::rename(tmp, path);
}

} // namespace

std::vector<std::string> metric_columns(const std::vector<ManifestEntry>& runs)
{
  size_t faults = 0;
  for (const auto& r : runs) {
    json doc = json::parse(r.scenario);
    if (doc.contains("faults") && doc["faults"].is_array())
      faults = std::max(faults, doc["faults"].size());
  }
  std::vector<std::string> out = METRICS;
  for (size_t k = 0; k < faults; ++k)
    for (const auto& m : FAULT_METRICS)
      out.push_back("faults[" + std::to_string(k) + "]." + m);
  out.insert(out.end(), CAPACITY_METRICS.begin(), CAPACITY_METRICS.end());
  for (size_t k = 0; k < faults; ++k)
    for (const auto& m : DESIGN_FAULT_METRICS)
      out.push_back("faults[" + std::to_string(k) + "]." + m);
  return out;
}

std::vector<std::string> machine_names(const std::vector<nlohmann::json>& summaries)
{
  std::vector<std::string> hosts;
  for (const auto& s : summaries) {
    const json* machines = nullptr;
    if (s.is_object() && s.contains("capacity") && s["capacity"].is_object() && s["capacity"].contains("machines"))
      machines = &s["capacity"]["machines"];
    if (machines && machines->is_object())
      for (const auto& m : machines->items())
        if (std::find(hosts.begin(), hosts.end(), m.key()) == hosts.end())
          hosts.push_back(m.key());
  }
  std::sort(hosts.begin(), hosts.end());
  return hosts;
}

CollectResult collect_sweep(const std::string& sweep_dir, const std::vector<ManifestEntry>& runs)
{
  Table t;
  t.columns.push_back("run_id");
  t.kinds.push_back("id");
  for (const auto& r : runs)
    for (const auto& a : r.axes.items())
      if (std::find(t.columns.begin(), t.columns.end(), a.key()) == t.columns.end()) {
        t.columns.push_back(a.key());
        t.kinds.push_back("axis");
      }
  const size_t axis_end = t.columns.size();
  t.columns.insert(t.columns.end(), {"seed", "status"});
  t.kinds.insert(t.kinds.end(), {"seed", "status"});
  std::vector<std::string> metrics = metric_columns(runs);
  for (const auto& m : metrics) {
    t.columns.push_back(m);
    t.kinds.push_back("metric");
  }

  // Read every summary first: the machine columns are the hosts the summaries name.
  struct Loaded {
    RunState state;
    json summary;
    std::string problem;
  };
  std::vector<Loaded> loaded;
  for (const auto& r : runs) {
    std::string dir = run_dir(sweep_dir, r.run_id);
    Loaded l{run_state(dir), json(), ""};
    if (l.state == RunState::complete) {
      try {
        std::ifstream in(fs::path(dir) / "summary.json");
        l.summary = json::parse(in);
      } catch (const json::exception& e) {
        l.state = RunState::incomplete;
        l.problem = "incomplete: " + dir + "/summary.json is not JSON (" + e.what() + ")";
      }
    } else if (l.state == RunState::failed) {
      l.problem = "failed: " + failed_reason(dir) + " (see " + dir + "/FAILED)";
    } else if (l.state == RunState::incomplete) {
      l.problem = fs::exists(fs::path(dir) / "INCOMPLETE") ? "incomplete: " + dir + " is marked INCOMPLETE"
                                                           : "incomplete: " + dir + " has no summary.json (unfinished)";
    } else {
      l.problem = "missing: no " + dir + " (never run, or still running)";
    }
    loaded.push_back(std::move(l));
  }
  std::vector<json> summaries;
  for (const auto& l : loaded)
    summaries.push_back(l.summary);
  // Looked up key by key, not as a dotted path: a host name may contain dots.
  const std::vector<std::string> hosts = machine_names(summaries);
  for (const auto& h : hosts) {
    t.columns.push_back(MACHINE_PREFIX + h + "." + MACHINE_METRIC);
    t.kinds.push_back("metric");
  }

  CollectResult result;
  for (size_t i = 0; i < runs.size(); ++i) {
    const ManifestEntry& r = runs[i];
    const Loaded& l = loaded[i];
    std::vector<json> row = {r.run_id};
    for (size_t c = 1; c < axis_end; ++c)
      row.push_back(r.axes.contains(t.columns[c]) ? json::parse(r.axes[t.columns[c]].dump()) : json());
    row.push_back(r.seed);
    row.push_back(run_state_name(l.state));
    for (const auto& m : metrics)
      row.push_back(l.summary.is_null() ? json() : metric(l.summary, m));
    const json machines = l.summary.is_null() ? json() : metric(l.summary, "capacity.machines");
    for (const auto& h : hosts) {
      bool has = machines.is_object() && machines.contains(h) && machines[h].is_object() &&
                 machines[h].contains(MACHINE_METRIC);
      row.push_back(has ? machines[h][MACHINE_METRIC] : json());
    }
    t.rows.push_back(std::move(row));
    if (l.state == RunState::complete)
      ++result.ok;
    else if (l.state == RunState::failed)
      ++result.failed;
    else
      ++result.missing;
    if (!l.problem.empty())
      result.problems.push_back("run " + std::to_string(r.index) + " " + r.run_id + " (" + describe_run(r) +
                                "): " + l.problem);
  }

  std::string csv;
  for (size_t c = 0; c < t.columns.size(); ++c)
    csv += (c ? "," : "") + csv_field(t.columns[c]);
  csv += "\n";
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c)
      csv += (c ? "," : "") + csv_field(cell_text(row[c]));
    csv += "\n";
  }
  save_file_atomic((fs::path(sweep_dir) / "sweep.csv").string(), csv);
  std::string name = runs.empty() ? "" : runs[0].sweep;
  write_sqlite((fs::path(sweep_dir) / "sweep.sqlite").string(), t,
               {{"name", name},
                {"runs", std::to_string(runs.size())},
                {"ok", std::to_string(result.ok)},
                {"failed", std::to_string(result.failed)},
                {"missing", std::to_string(result.missing)}});
  return result;
}

} // namespace svcsim
