// The simulated system's SQLite database: schema, the prepared statements the services use, the default
// data items, and the simulated-time ISO-8601 clock every row is stamped with.
#include "store/system_db.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace svcsim
{

namespace
{

// 0000-01-01T00:00:00.000Z … 9999-12-31T23:59:59.999Z: toISOString's four-digit-year range.
constexpr int64_t MIN_UNIX_MS = -62167219200000;
constexpr int64_t MAX_UNIX_MS = 253402300799999;

int64_t floor_div(int64_t a, int64_t b)
{
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Howard Hinnant's days → civil date (proleptic Gregorian), exact for any int64 day count in range.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d)
{
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

// The statements, prepared once in the constructor, in this order.
enum StmtId {
  S_BEGIN,
  S_COMMIT,
  S_ROLLBACK,
  S_USER_BY_EMAIL,
  S_USER_BY_NAME_OR_EMAIL,
  S_USER_ID_EXISTS,
  S_USER_INSERT,
  S_USER_COUNT,
  S_DATA_BY_ID,
  S_DATA_BY_KEY,
  S_DATA_EXISTS,
  S_DATA_COUNT,
  S_DATA_INSERT,
  S_COUNT
};

const char* const STMT_SQL[S_COUNT] = {
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SELECT id, username, email, password_hash, created_at FROM users WHERE email = ?1",
    "SELECT id, username, email, password_hash, created_at FROM users WHERE username = ?1 OR email = ?2 "
    "ORDER BY rowid LIMIT 1",
    "SELECT 1 FROM users WHERE id = ?1",
    "INSERT INTO users (id, username, email, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    "SELECT COUNT(*) FROM users",
    "SELECT id, data_key, value_json, metadata_json, created_at, updated_at FROM data_items WHERE id = ?1",
    "SELECT id, data_key, value_json, metadata_json, created_at, updated_at FROM data_items WHERE data_key = ?1 "
    "ORDER BY rowid LIMIT 1",
    "SELECT 1 FROM data_items WHERE id = ?1",
    "SELECT COUNT(*) FROM data_items",
    "INSERT INTO data_items (id, data_key, value_json, metadata_json, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

// Resets a statement when the call that used it ends, however it ends, so the next call starts clean and
// no read transaction stays open.
class Use
{
public:
  explicit Use(sqlite3_stmt* s) : s_(s) {}
  ~Use()
  {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

  void bind(int index, const std::string& text)
  {
    // SQLITE_TRANSIENT: SQLite copies, so the caller's string may go away before step().
    if (text.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
        sqlite3_bind_text(s_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
      throw DbError(fmt::format("system db: cannot bind parameter {}", index), SQLITE_TOOBIG);
  }
  std::string text(int col) const
  {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }
  sqlite3_stmt* get() const { return s_; }

private:
  sqlite3_stmt* s_;
};

// One row or none; anything but SQLITE_ROW / SQLITE_DONE is an error.
bool step_row(sqlite3* db, sqlite3_stmt* s, const char* what)
{
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  throw DbError(fmt::format("system db: {}: {}", what, sqlite3_errmsg(db)), rc & 0xff);
}

UserRow read_user(const Use& u)
{
  return UserRow{u.text(0), u.text(1), u.text(2), u.text(3), u.text(4)};
}

DataItemRow read_item(const Use& u)
{
  return DataItemRow{u.text(0), u.text(1), u.text(2), u.text(3), u.text(4), u.text(5)};
}

} // namespace

bool DbError::is_constraint() const
{
  return code_ == SQLITE_CONSTRAINT;
}

std::string iso_time(double sim_s)
{
  if (!std::isfinite(sim_s) || std::fabs(sim_s) > 1e12)
    throw std::invalid_argument(fmt::format("iso_time: simulated time {} s is out of range", sim_s));
  const int64_t unix_ms = SIM_EPOCH_UNIX_S * 1000 + std::llround(sim_s * 1000.0);
  if (unix_ms < MIN_UNIX_MS || unix_ms > MAX_UNIX_MS)
    throw std::invalid_argument(fmt::format("iso_time: simulated time {} s is out of range", sim_s));
  const int64_t days = floor_div(unix_ms, 86400000);
  const int64_t ms_of_day = unix_ms - days * 86400000;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", y, m, d, ms_of_day / 3600000,
                     ms_of_day / 60000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000);
}

SystemDb::SystemDb(const std::string& path, OpenMode mode) : path_(path)
{
  if (mode == OpenMode::recreate && !path.empty() && path != ":memory:") {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
      std::remove((path + suffix).c_str());
  }
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(fmt::format("system db: cannot open {}: {}", path, msg), SQLITE_CANTOPEN);
  }
  try {
    // Deterministic bytes: a fixed page size (before the first table), a rollback journal that is deleted
    // at each commit (no WAL file whose contents depend on checkpoint timing). synchronous=OFF: the file is
    // a simulation artifact, and an fsync per simulated request would only slow the run down.
    exec("PRAGMA page_size=4096");
    exec("PRAGMA journal_mode=DELETE");
    exec("PRAGMA synchronous=OFF");
    exec("CREATE TABLE IF NOT EXISTS users(id TEXT PRIMARY KEY, username TEXT UNIQUE NOT NULL, "
         "email TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL)");
    exec("CREATE TABLE IF NOT EXISTS data_items(id TEXT PRIMARY KEY, data_key TEXT NOT NULL, "
         "value_json TEXT NOT NULL, metadata_json TEXT NOT NULL, created_at TEXT NOT NULL, "
         "updated_at TEXT NOT NULL)");
    stmts_.assign(S_COUNT, nullptr);
    for (int i = 0; i < S_COUNT; ++i) {
      if (sqlite3_prepare_v3(db_, STMT_SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &stmts_[static_cast<size_t>(i)],
                             nullptr) != SQLITE_OK)
        throw DbError(fmt::format("system db: cannot prepare \"{}\": {}", STMT_SQL[i], sqlite3_errmsg(db_)),
                      sqlite3_errcode(db_));
    }
  } catch (...) {
    for (sqlite3_stmt* s : stmts_)
      sqlite3_finalize(s);
    sqlite3_close(db_);
    throw;
  }
}

SystemDb::~SystemDb()
{
  for (sqlite3_stmt* s : stmts_)
    sqlite3_finalize(s);
  sqlite3_close(db_); // rolls back a transaction left open
}

void SystemDb::exec(const char* sql)
{
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw DbError(fmt::format("system db: \"{}\": {}", sql, msg), sqlite3_errcode(db_));
  }
}

void SystemDb::step_done(sqlite3_stmt* s, const char* what)
{
  if (step_row(db_, s, what))
    throw DbError(fmt::format("system db: {}: unexpected row", what), SQLITE_MISUSE);
}

void SystemDb::begin()
{
  Use u(stmt(S_BEGIN));
  step_done(u.get(), "BEGIN");
}

void SystemDb::commit()
{
  Use u(stmt(S_COMMIT));
  step_done(u.get(), "COMMIT");
}

void SystemDb::rollback()
{
  Use u(stmt(S_ROLLBACK));
  step_done(u.get(), "ROLLBACK");
}

std::optional<UserRow> SystemDb::find_user_by_email(const std::string& email)
{
  Use u(stmt(S_USER_BY_EMAIL));
  u.bind(1, email);
  if (!step_row(db_, u.get(), "find user by email"))
    return std::nullopt;
  return read_user(u);
}

std::optional<UserRow> SystemDb::find_user_by_username_or_email(const std::string& username, const std::string& email)
{
  Use u(stmt(S_USER_BY_NAME_OR_EMAIL));
  u.bind(1, username);
  u.bind(2, email);
  if (!step_row(db_, u.get(), "find user by username or email"))
    return std::nullopt;
  return read_user(u);
}

bool SystemDb::user_id_exists(const std::string& id)
{
  Use u(stmt(S_USER_ID_EXISTS));
  u.bind(1, id);
  return step_row(db_, u.get(), "user id exists");
}

void SystemDb::insert_user(const UserRow& row)
{
  Use u(stmt(S_USER_INSERT));
  u.bind(1, row.id);
  u.bind(2, row.username);
  u.bind(3, row.email);
  u.bind(4, row.password_hash);
  u.bind(5, row.created_at);
  step_done(u.get(), "insert user");
}

int64_t SystemDb::user_count()
{
  Use u(stmt(S_USER_COUNT));
  step_row(db_, u.get(), "count users");
  return sqlite3_column_int64(u.get(), 0);
}

int SystemDb::ensure_default_data(double now_s)
{
  if (defaults_checked_)
    return 0;
  nlohmann::ordered_json value, metadata;
  static const char* const CATEGORIES[] = {"category-a", "category-b", "category-c"};
  static const char* const PRIORITIES[] = {"high", "medium", "low"};
  const std::string now = iso_time(now_s);
  // All ten in one transaction (unless the caller already opened one): one journal cycle, and a crash
  // between them cannot leave half the defaults.
  const bool own_txn = sqlite3_get_autocommit(db_) != 0;
  if (own_txn)
    begin();
  int inserted = 0;
  try {
    for (int k = 1; k <= 10; ++k) {
      const std::string id = "data-" + std::to_string(k);
      {
        Use u(stmt(S_DATA_EXISTS));
        u.bind(1, id);
        if (step_row(db_, u.get(), "default data item exists"))
          continue;
      }
      value = {{"title", "Data Item " + std::to_string(k)},
               {"description", "This is default data item number " + std::to_string(k)},
               {"number", k},
               {"active", k % 2 == 0}};
      metadata = {{"category", CATEGORIES[(k - 1) % 3]}, {"priority", PRIORITIES[(k - 1) % 3]}};
      Use u(stmt(S_DATA_INSERT));
      u.bind(1, id);
      u.bind(2, "default-key-" + std::to_string(k));
      u.bind(3, value.dump());
      u.bind(4, metadata.dump());
      u.bind(5, now);
      u.bind(6, now);
      step_done(u.get(), "insert default data item");
      ++inserted;
    }
    if (own_txn)
      commit();
  } catch (...) {
    if (own_txn)
      rollback();
    throw;
  }
  defaults_checked_ = true;
  return inserted;
}

std::optional<DataItemRow> SystemDb::find_data_item(const std::string& id)
{
  Use u(stmt(S_DATA_BY_ID));
  u.bind(1, id);
  if (!step_row(db_, u.get(), "find data item"))
    return std::nullopt;
  return read_item(u);
}

std::optional<DataItemRow> SystemDb::find_data_item_by_key(const std::string& key)
{
  Use u(stmt(S_DATA_BY_KEY));
  u.bind(1, key);
  if (!step_row(db_, u.get(), "find data item by key"))
    return std::nullopt;
  return read_item(u);
}

bool SystemDb::data_item_exists(const std::string& id)
{
  Use u(stmt(S_DATA_EXISTS));
  u.bind(1, id);
  return step_row(db_, u.get(), "data item exists");
}

int64_t SystemDb::data_item_count()
{
  Use u(stmt(S_DATA_COUNT));
  step_row(db_, u.get(), "count data items");
  return sqlite3_column_int64(u.get(), 0);
}

void SystemDb::insert_data_item(const DataItemRow& row)
{
  Use u(stmt(S_DATA_INSERT));
  u.bind(1, row.id);
  u.bind(2, row.key);
  u.bind(3, row.value_json);
  u.bind(4, row.metadata_json);
  u.bind(5, row.created_at);
  u.bind(6, row.updated_at);
  step_done(u.get(), "insert data item");
}

} // namespace svcsim
