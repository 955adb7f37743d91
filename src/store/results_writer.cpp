#include "store/results_writer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fcntl.h>
#include <map>
#include <stdexcept>
#include <unistd.h>

namespace svcsim
{

namespace
{

class Db
{
public:
  explicit Db(const std::string& path)
  {
    // One thread writes this file: no SQLite mutex around every call.
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot create " + path + ": " + sqlite3_errmsg(db_));
  }
  ~Db() { sqlite3_close(db_); }
  void exec(const char* sql)
  {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(std::string("results.sqlite: ") + msg);
    }
  }
  sqlite3_stmt* prepare(const char* sql)
  {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("results.sqlite: ") + sqlite3_errmsg(db_));
    return st;
  }
  void step(sqlite3_stmt* st)
  {
    if (sqlite3_step(st) != SQLITE_DONE)
      throw std::runtime_error(std::string("results.sqlite: ") + sqlite3_errmsg(db_));
    sqlite3_reset(st);
  }

private:
  sqlite3* db_ = nullptr;
};

struct Stmt {
  sqlite3_stmt* s;
  ~Stmt() { sqlite3_finalize(s); }
};

void bind_real_or_null(sqlite3_stmt* s, int i, double v)
{
  if (std::isfinite(v))
    sqlite3_bind_double(s, i, v);
  else
    sqlite3_bind_null(s, i);
}

constexpr size_t BATCH = 64;

std::string multi_row_insert(const char* table, int columns, size_t rows)
{
  std::string row = "(?";
  for (int c = 1; c < columns; c++)
    row += ",?";
  row += ")";
  std::string sql = std::string("INSERT INTO ") + table + " VALUES" + row;
  for (size_t r = 1; r < rows; r++)
    sql += "," + row;
  return sql;
}

// Rows of one table inserted BATCH per statement (a multi-row VALUES), the last few one by one: the same rows
// in the same order as single inserts, so the same file, with a third less of SQLite's per-statement work.
// bind(stmt, first_parameter_offset, row) binds one row's `columns` values.
template <class Row, class Bind> class BatchedInsert
{
public:
  BatchedInsert(Db& db, const char* table, int columns, Bind bind)
      : db_(db), columns_(columns),
        bind_(std::move(bind)), one_{db.prepare(multi_row_insert(table, columns, 1).c_str())},
        many_{db.prepare(multi_row_insert(table, columns, BATCH).c_str())}
  {
    rows_.reserve(BATCH);
  }
  void add(const Row& row)
  {
    rows_.push_back(row);
    if (rows_.size() < BATCH)
      return;
    for (size_t k = 0; k < rows_.size(); k++)
      bind_(many_.s, static_cast<int>(k) * columns_, rows_[k]);
    db_.step(many_.s);
    rows_.clear();
  }
  void finish()
  {
    for (const Row& row : rows_) {
      bind_(one_.s, 0, row);
      db_.step(one_.s);
    }
    rows_.clear();
  }

private:
  Db& db_;
  int columns_;
  Bind bind_;
  Stmt one_, many_;
  std::vector<Row> rows_;
};

template <class Row, class Bind>
BatchedInsert<Row, Bind> batched_insert(Db& db, const char* table, int columns, Bind bind)
{
  return BatchedInsert<Row, Bind>(db, table, columns, std::move(bind));
}

} // namespace

void write_results_sqlite(const std::string& path, const RunOutput& run,
                          const std::vector<std::pair<std::string, std::string>>& params)
{
  std::remove(path.c_str());
  Db db(path);
  db.exec(
      "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;"
      "CREATE TABLE params(key TEXT PRIMARY KEY, value TEXT);"
      "CREATE TABLE requests(id INTEGER PRIMARY KEY, phase INTEGER, endpoint TEXT, method TEXT, sent_s REAL,"
      " end_s REAL, latency_ms REAL, status INTEGER, outcome TEXT, attempts INTEGER, instance TEXT);"
      "CREATE TABLE attempts(request_id INTEGER, attempt INTEGER, instance TEXT, start_s REAL, end_s REAL,"
      " outcome TEXT, status INTEGER);"
      "CREATE TABLE events(id INTEGER PRIMARY KEY, at_s REAL, component TEXT, kind TEXT, subject TEXT, detail TEXT);"
      "CREATE TABLE series(second INTEGER PRIMARY KEY, sent INTEGER, completed INTEGER, success INTEGER,"
      " failed INTEGER, mean_ms REAL, p50_ms REAL, p95_ms REAL, p99_ms REAL);"
      "CREATE TABLE instance_series(second INTEGER, instance TEXT, served INTEGER, failed INTEGER,"
      " PRIMARY KEY(second, instance));"
      "CREATE TABLE process_series(second INTEGER, process TEXT, busy_share REAL, cpu_share REAL,"
      " ready_max INTEGER, PRIMARY KEY(second, process));");
  {
    Stmt st{db.prepare("INSERT INTO params VALUES(?,?)")};
    for (const auto& [k, v] : params) {
      sqlite3_bind_text(st.s, 1, k.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st.s, 2, v.c_str(), -1, SQLITE_TRANSIENT);
      db.step(st.s);
    }
  }
  const auto& names = run.component_names;
  const auto& paths = run.endpoint_paths;
  auto bind_name = [](sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  };
  auto bind_request = [&](sqlite3_stmt* s, int o, uint64_t i, const RequestRecord& r) {
    bool ended = r.outcome != Outcome::PENDING;
    sqlite3_bind_int64(s, o + 1, static_cast<sqlite3_int64>(i));
    sqlite3_bind_int(s, o + 2, static_cast<int>(r.phase));
    bind_name(s, o + 3, paths[r.endpoint]);
    sqlite3_bind_text(s, o + 4, r.post ? "POST" : "GET", r.post ? 4 : 3, SQLITE_STATIC);
    sqlite3_bind_double(s, o + 5, r.sent_s);
    bind_real_or_null(s, o + 6, ended ? r.end_s : NAN);
    bind_real_or_null(s, o + 7, ended ? (r.end_s - r.sent_s) * 1000.0 : NAN);
    sqlite3_bind_int(s, o + 8, r.status);
    sqlite3_bind_text(s, o + 9, outcome_name(r.outcome), -1, SQLITE_STATIC);
    sqlite3_bind_int(s, o + 10, run.recorder.attempts_of(i));
    if (r.instance >= 0)
      bind_name(s, o + 11, names[r.instance]);
    else
      sqlite3_bind_null(s, o + 11);
  };
  auto bind_attempt = [&](sqlite3_stmt* s, int o, const AttemptRecord& a) {
    sqlite3_bind_int64(s, o + 1, static_cast<sqlite3_int64>(a.request));
    sqlite3_bind_int(s, o + 2, a.attempt);
    bind_name(s, o + 3, names[a.instance]);
    sqlite3_bind_double(s, o + 4, a.start_s);
    sqlite3_bind_double(s, o + 5, a.end_s);
    sqlite3_bind_text(s, o + 6, attempt_outcome_name(a.outcome), -1, SQLITE_STATIC);
    sqlite3_bind_int(s, o + 7, a.status);
  };
  {
    using Numbered = std::pair<uint64_t, RequestRecord>;
    auto requests = batched_insert<Numbered>(db, "requests", 11, [&](sqlite3_stmt* st, int o, const Numbered& r) {
      bind_request(st, o, r.first, r.second);
    });
    run.recorder.for_each_request([&](uint64_t i, const RequestRecord& r) { requests.add({i, r}); });
    requests.finish();
  }
  {
    auto attempts = batched_insert<AttemptRecord>(db, "attempts", 7, bind_attempt);
    run.recorder.for_each_attempt([&](const AttemptRecord& a) { attempts.add(a); });
    attempts.finish();
  }
  {
    Stmt st{db.prepare("INSERT INTO events(at_s, component, kind, subject, detail) VALUES(?,?,?,?,?)")};
    for (const auto& e : run.recorder.events()) {
      sqlite3_bind_double(st.s, 1, e.at_s);
      sqlite3_bind_text(st.s, 2, names[e.component].c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(st.s, 3, e.kind.c_str(), -1, SQLITE_STATIC);
      if (e.subject >= 0)
        sqlite3_bind_text(st.s, 4, names[e.subject].c_str(), -1, SQLITE_STATIC);
      else
        sqlite3_bind_null(st.s, 4);
      sqlite3_bind_text(st.s, 5, e.detail.c_str(), -1, SQLITE_STATIC);
      db.step(st.s);
    }
  }
  {
    Stmt st{db.prepare("INSERT INTO series VALUES(?,?,?,?,?,?,?,?,?)")};
    for (const auto& r : build_series(run)) {
      sqlite3_bind_int64(st.s, 1, r.second);
      sqlite3_bind_int64(st.s, 2, static_cast<sqlite3_int64>(r.sent));
      sqlite3_bind_int64(st.s, 3, static_cast<sqlite3_int64>(r.completed));
      sqlite3_bind_int64(st.s, 4, static_cast<sqlite3_int64>(r.success));
      sqlite3_bind_int64(st.s, 5, static_cast<sqlite3_int64>(r.failed));
      bind_real_or_null(st.s, 6, r.mean_ms);
      bind_real_or_null(st.s, 7, r.p50_ms);
      bind_real_or_null(st.s, 8, r.p95_ms);
      bind_real_or_null(st.s, 9, r.p99_ms);
      db.step(st.s);
    }
  }
  {
    // The same rows as "INSERT INTO instance_series SELECT CAST(start_s AS INTEGER), instance,
    // SUM(outcome = 'answered'), SUM(outcome != 'answered') FROM attempts GROUP BY 1, 2", grouped here
    // (SQLite's sorter over every attempt row cost as much as writing them): same values, same order
    // (second, then instance name in BINARY collation), so the same file.
    std::map<std::pair<sqlite3_int64, int>, std::pair<sqlite3_int64, sqlite3_int64>> groups;
    run.recorder.for_each_attempt([&](const AttemptRecord& a) {
      auto& g = groups[{static_cast<sqlite3_int64>(a.start_s), a.instance}]; // CAST truncates toward zero
      (a.outcome == AttemptOutcome::ANSWERED ? g.first : g.second)++;
    });
    std::vector<std::pair<std::pair<sqlite3_int64, int>, std::pair<sqlite3_int64, sqlite3_int64>>> rows(groups.begin(),
                                                                                                        groups.end());
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& x, const auto& y) {
      if (x.first.first != y.first.first)
        return x.first.first < y.first.first;
      return names[x.first.second] < names[y.first.second];
    });
    Stmt st{db.prepare("INSERT INTO instance_series VALUES(?,?,?,?)")};
    for (const auto& [key, counts] : rows) {
      sqlite3_bind_int64(st.s, 1, key.first);
      bind_name(st.s, 2, names[key.second]);
      sqlite3_bind_int64(st.s, 3, counts.first);
      sqlite3_bind_int64(st.s, 4, counts.second);
      db.step(st.s);
    }
  }
  {
    // Each process's thread, second by second (SPEC §1b): the share of the second it had work (busy), the
    // CPU it consumed (of one core), the most events waiting for it.
    Stmt st{db.prepare("INSERT INTO process_series VALUES(?,?,?,?,?)")};
    const auto& procs = run.recorder.processes;
    size_t seconds = 0;
    for (const auto& p : procs)
      seconds = std::max({seconds, p.busy_by_second.size(), p.ready_by_second.size()});
    for (size_t sec = 0; sec < seconds; sec++)
      for (size_t i = 0; i < procs.size() && i < names.size(); i++) {
        const ProcessStats& p = procs[i];
        double busy = sec < p.busy_by_second.size() ? p.busy_by_second[sec] : 0;
        double cpu = sec < p.cpu_by_second.size() ? p.cpu_by_second[sec] : 0;
        uint32_t ready = sec < p.ready_by_second.size() ? p.ready_by_second[sec] : 0;
        if (busy == 0 && ready == 0)
          continue;
        sqlite3_bind_int64(st.s, 1, static_cast<sqlite3_int64>(sec));
        bind_name(st.s, 2, names[i]);
        sqlite3_bind_double(st.s, 3, std::round(busy * 1e6) / 1e6);
        sqlite3_bind_double(st.s, 4, std::round(cpu * 1e6) / 1e6);
        sqlite3_bind_int64(st.s, 5, ready);
        db.step(st.s);
      }
  }
  db.exec("COMMIT;");
}

} // namespace svcsim
