// Unit tests for store/system_db: schema, default data, literal storage of hostile strings, the simulated
// clock's ISO-8601 stamps, and byte-identical files for identical call sequences.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "store/system_db.hpp"
#include "temp_db.hpp"

using namespace svcsim;
using svcsim::test::TempDbPath;

namespace
{

std::string file_bytes(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Rows of a query, each row's columns joined with '|', read through a separate connection.
std::vector<std::string> query(const std::string& path, const std::string& sql)
{
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(s); ++c) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
      row += (c ? "|" : "") + std::string(t ? t : "NULL");
    }
    rows.push_back(row);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

UserRow user(const std::string& id, const std::string& name)
{
  return UserRow{id, name, name + "@example.com", "$2b$04$not-a-real-hash", iso_time(1)};
}

} // namespace

TEST_CASE("iso_time shows simulated seconds as ISO-8601 from 2025-01-01T00:00:00Z, in milliseconds")
{
  CHECK(iso_time(0) == "2025-01-01T00:00:00.000Z");
  CHECK(iso_time(20) == "2025-01-01T00:00:20.000Z");
  CHECK(iso_time(0.0004) == "2025-01-01T00:00:00.000Z");
  CHECK(iso_time(0.0005) == "2025-01-01T00:00:00.001Z");
  CHECK(iso_time(3723.456) == "2025-01-01T01:02:03.456Z");
  CHECK(iso_time(31 * 86400 + 0.5) == "2025-02-01T00:00:00.500Z");
  CHECK(iso_time(1154 * 86400.0) == "2028-02-29T00:00:00.000Z"); // leap day
  CHECK(iso_time(365 * 86400.0 - 0.001) == "2025-12-31T23:59:59.999Z");
  CHECK(iso_time(-1) == "2024-12-31T23:59:59.000Z");
  CHECK_THROWS_AS(iso_time(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(iso_time(1e13), std::invalid_argument);
}

TEST_CASE("the tables are exactly users and data_items, with the seed's columns")
{
  TempDbPath p("test", "schema");
  {
    SystemDb db(p.path);
  }
  CHECK(query(p.path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") ==
        std::vector<std::string>{"data_items", "users"});
  CHECK(query(p.path, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('users')") ==
        std::vector<std::string>{"id|TEXT|0|1", "username|TEXT|1|0", "email|TEXT|1|0", "password_hash|TEXT|1|0",
                                 "created_at|TEXT|1|0"});
  CHECK(query(p.path, "SELECT name FROM pragma_table_info('data_items')") ==
        std::vector<std::string>{"id", "data_key", "value_json", "metadata_json", "created_at", "updated_at"});
  CHECK(query(p.path, "PRAGMA journal_mode") == std::vector<std::string>{"delete"});
}

TEST_CASE("data-1 … data-10 exist only once ensure_default_data ran, stamped with its simulated time")
{
  SystemDb db(":memory:");
  CHECK(db.user_count() == 0);
  // Nothing is created lazily any more: the first data instance's start creates them (service_instance).
  CHECK_FALSE(db.find_data_item("data-1"));
  CHECK(db.data_item_count() == 0);
  CHECK(db.ensure_default_data(12.5) == 10);
  const auto first = db.find_data_item("data-1");
  REQUIRE(first);
  CHECK(first->key == "default-key-1");
  CHECK(first->value_json ==
        R"({"title":"Data Item 1","description":"This is default data item number 1","number":1,"active":false})");
  CHECK(first->metadata_json == R"({"category":"category-a","priority":"high"})");
  CHECK(first->created_at == "2025-01-01T00:00:12.500Z");
  CHECK(first->updated_at == first->created_at);
  const auto second = db.find_data_item("data-2");
  REQUIRE(second);
  CHECK(second->value_json ==
        R"({"title":"Data Item 2","description":"This is default data item number 2","number":2,"active":true})");
  CHECK(second->metadata_json == R"({"category":"category-b","priority":"medium"})");
  CHECK(second->created_at == "2025-01-01T00:00:12.500Z");
  CHECK(db.find_data_item("data-4")->metadata_json == R"({"category":"category-a","priority":"high"})");
  CHECK(db.find_data_item("data-9")->metadata_json == R"({"category":"category-c","priority":"low"})");
  CHECK(db.data_item_count() == 10);
  CHECK_FALSE(db.find_data_item("data-11"));
  CHECK(db.ensure_default_data(50) == 0);
  CHECK(db.find_data_item("data-1")->created_at == "2025-01-01T00:00:12.500Z"); // not restamped
}

TEST_CASE("ensure_default_data reports the rows it inserted, once per file")
{
  TempDbPath p("test", "defaults");
  {
    SystemDb db(p.path);
    CHECK(db.ensure_default_data(3) == 10);
    CHECK(db.ensure_default_data(4) == 0);
  }
  SystemDb again(p.path);
  CHECK(again.ensure_default_data(5) == 0);
  CHECK(again.data_item_count() == 10);
  SystemDb fresh(p.path, SystemDb::OpenMode::recreate);
  CHECK(fresh.user_count() == 0);
  CHECK(fresh.ensure_default_data(6) == 10);
}

TEST_CASE("SQL injection strings are stored and returned literally, and no table changes")
{
  TempDbPath p("test", "injection");
  const std::string evil = "'; DROP TABLE users; --";
  const std::string evil2 = "x\" OR 1=1; DELETE FROM data_items; --";
  {
    SystemDb db(p.path);
    db.ensure_default_data(0); // as the first data instance's start does
    db.insert_user(UserRow{evil, evil, evil2, "hash'); DROP TABLE data_items; --", iso_time(0)});
    db.insert_data_item(DataItemRow{evil2, evil, "\"" + evil + "\"", "{}", iso_time(1), iso_time(1)});
    const auto u = db.find_user_by_email(evil2);
    REQUIRE(u);
    CHECK(u->id == evil);
    CHECK(u->username == evil);
    CHECK(u->password_hash == "hash'); DROP TABLE data_items; --");
    CHECK(db.find_user_by_username_or_email(evil, "nobody"));
    CHECK(db.find_data_item(evil2)->key == evil);
    CHECK(db.find_data_item_by_key(evil)->id == evil2);
    CHECK_FALSE(db.find_user_by_email("' OR '1'='1"));
    CHECK(db.user_count() == 1);
    CHECK(db.data_item_count() == 11);
  }
  CHECK(query(p.path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") ==
        std::vector<std::string>{"data_items", "users"});
}

TEST_CASE("a duplicate id, username or email is a constraint error")
{
  SystemDb db(":memory:");
  db.insert_user(user("1", "alice"));
  for (const UserRow& dup :
       {user("1", "bob"), user("2", "alice"), UserRow{"3", "carol", "alice@example.com", "h", iso_time(0)}}) {
    CAPTURE(dup.id);
    try {
      db.insert_user(dup);
      FAIL("no exception");
    } catch (const DbError& e) {
      CHECK(e.is_constraint());
    }
  }
  CHECK(db.user_count() == 1);
  CHECK(db.user_id_exists("1"));
  CHECK_FALSE(db.user_id_exists("2"));
  CHECK(db.find_user_by_username_or_email("nobody", "alice@example.com")->id == "1");
}

TEST_CASE("strings with NUL bytes and non-ASCII text round-trip unchanged")
{
  SystemDb db(":memory:");
  const std::string odd = std::string("a\0b", 3) + " \xC3\xA9\xF0\x9F\x98\x80";
  db.insert_user(UserRow{"1", odd, "e@x", "h", iso_time(0)});
  CHECK(db.find_user_by_email("e@x")->username == odd);
}

TEST_CASE("a transaction rolled back leaves nothing behind")
{
  SystemDb db(":memory:");
  db.begin();
  db.insert_user(user("1", "alice"));
  db.rollback();
  CHECK(db.user_count() == 0);
  db.begin();
  db.insert_user(user("1", "alice"));
  db.commit();
  CHECK(db.user_count() == 1);
}

TEST_CASE("the same call sequence on two fresh files gives identical bytes")
{
  TempDbPath a("test", "det_a"), b("test", "det_b");
  for (const std::string& path : {a.path, b.path}) {
    SystemDb db(path, SystemDb::OpenMode::recreate);
    db.insert_user(user("1735689620000", "alice"));
    db.ensure_default_data(21);
    db.insert_data_item(DataItemRow{"data-11", "k", "{\"x\":1}", "{}", iso_time(22), iso_time(22)});
    db.insert_user(user("1735689623000", "bob"));
  }
  const std::string bytes_a = file_bytes(a.path);
  CHECK(bytes_a.size() >= 4096);
  CHECK(bytes_a == file_bytes(b.path));
}

TEST_CASE("an unopenable path is a DbError that names it")
{
  CHECK_THROWS_AS(SystemDb("/nonexistent-dir/x.sqlite"), DbError);
}
