// The simulated system's shared SQLite database (the seed's data/local-db.sqlite): the auth service's users
// and the data service's data items. Service actors call it as the real services do; every timestamp it
// writes comes from the simulated clock, so the same calls give the same file, byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace svcsim
{

// 2025-01-01T00:00:00Z: simulated time 0 (SPEC "Time").
constexpr int64_t SIM_EPOCH_UNIX_S = 1735689600;

// ISO-8601 UTC with milliseconds, as JavaScript's Date.toISOString(): iso_time(20) ==
// "2025-01-01T00:00:20.000Z". Throws std::invalid_argument for a non-finite time.
std::string iso_time(double sim_s);

// Any SQLite failure; code() is SQLite's primary result code (SQLITE_CONSTRAINT = 19 for a duplicate).
class DbError : public std::runtime_error
{
public:
  DbError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  bool is_constraint() const;

private:
  int code_;
};

struct UserRow {
  std::string id;
  std::string username;
  std::string email;
  std::string password_hash;
  std::string created_at;
};

struct DataItemRow {
  std::string id;
  std::string key; // column data_key
  std::string value_json;
  std::string metadata_json;
  std::string created_at;
  std::string updated_at;
};

// One connection, its statements prepared once. Not thread-safe: SimGrid runs one actor at a time, and all
// instances of a run share one SystemDb as the seed's instances share one file.
class SystemDb
{
public:
  enum class OpenMode { open_or_create, recreate }; // recreate: delete the file (and its journal) first

  explicit SystemDb(const std::string& path, OpenMode mode = OpenMode::open_or_create);
  ~SystemDb();
  SystemDb(const SystemDb&) = delete;
  SystemDb& operator=(const SystemDb&) = delete;

  const std::string& path() const { return path_; }

  // Explicit transactions, for a caller that wants several writes to land at once. Every call below is
  // otherwise its own (autocommit) transaction.
  void begin();
  void commit();
  void rollback();

  // --- users (auth service) ---
  std::optional<UserRow> find_user_by_email(const std::string& email);
  // The first user whose username or email equals the given one (the signup duplicate check).
  std::optional<UserRow> find_user_by_username_or_email(const std::string& username, const std::string& email);
  bool user_id_exists(const std::string& id);
  void insert_user(const UserRow& row); // throws DbError (is_constraint()) on a duplicate id/username/email
  int64_t user_count();

  // --- data items (data service) ---
  // The seed's data service fills data-1 … data-10 when it first starts ("pre-populated on first startup"):
  // the first data instance calls this at its start, stamping the rows with now_s. Inserts only the missing
  // ones and returns how many (10 on a fresh file, then 0), so the caller can charge the writes.
  int ensure_default_data(double now_s);
  std::optional<DataItemRow> find_data_item(const std::string& id);
  // The oldest item with this data_key.
  std::optional<DataItemRow> find_data_item_by_key(const std::string& key);
  bool data_item_exists(const std::string& id);
  int64_t data_item_count();
  void insert_data_item(const DataItemRow& row); // throws DbError on a duplicate id

private:
  void exec(const char* sql);
  sqlite3_stmt* stmt(int index) const { return stmts_[static_cast<size_t>(index)]; }
  void step_done(sqlite3_stmt* s, const char* what);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> stmts_; // indexed by the enum in system_db.cpp, finalized by the destructor
  bool defaults_checked_ = false;
};

} // namespace svcsim
