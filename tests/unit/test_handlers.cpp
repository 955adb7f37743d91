// Unit tests for services/handlers: each endpoint's status, body and costs, as the seed's handlers answer.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "policy/jwt.hpp"
#include "services/handlers.hpp"
#include "temp_db.hpp"

using namespace svcsim;
using svcsim::test::TempDbPath;
using json = nlohmann::json;

namespace
{

const unsigned char SALT_A[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const unsigned char SALT_B[16] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

std::string file_bytes(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string signup_body(const std::string& username, const std::string& email, const std::string& password)
{
  return json{{"username", username}, {"email", email}, {"password", password}}.dump();
}

std::string signin_body(const std::string& email, const std::string& password)
{
  return json{{"email", email}, {"password", password}}.dump();
}

std::string error_of(const HandlerResult& r)
{
  return json::parse(r.body).value("error", std::string());
}

} // namespace

TEST_CASE("signup answers 201 with a token, a time-derived user id and its costs")
{
  SystemDb db(":memory:");
  const AuthConfig cfg;
  const HandlerResult r =
      handle_signup(db, cfg, signup_body("demo", "demo@example.com", "secret123"), 20, "auth-service-1", SALT_A);
  CHECK(r.status == 201);
  const json body = json::parse(r.body);
  CHECK(body["message"] == "User registered successfully");
  CHECK(body["user"] == json{{"id", "1735689620000"}, {"username", "demo"}, {"email", "demo@example.com"}});
  CHECK(body["token"] == r.token);
  CHECK(r.body.rfind(R"({"message":"User registered successfully","token":")", 0) == 0); // the seed's key order
  CHECK(r.costs.hashes == 1);
  CHECK(r.costs.db_reads == 2);
  CHECK(r.costs.db_writes == 1);
  CHECK(db.find_user_by_email("demo@example.com")->created_at == "2025-01-01T00:00:20.000Z");

  // A token from one instance verifies on another that shares the secret.
  const HandlerResult v = handle_verify(cfg, "Bearer " + r.token, 30, "auth-service-2");
  CHECK(v.status == 200);
  CHECK(v.body == R"({"valid":true,"user":{"userId":"1735689620000","username":"demo","email":"demo@example.com",)"
                  R"("iat":1735689620,"exp":1735776020}})");
}

TEST_CASE("two signups in the same simulated millisecond get distinct ids")
{
  SystemDb db(":memory:");
  const AuthConfig cfg;
  handle_signup(db, cfg, signup_body("a", "a@x", "secret123"), 5.0, "auth-service-1", SALT_A);
  const HandlerResult r = handle_signup(db, cfg, signup_body("b", "b@x", "secret123"), 5.0, "auth-service-2", SALT_A);
  CHECK(json::parse(r.body)["user"]["id"] == "1735689605000-2");
  CHECK(r.costs.db_reads == 3);
  const HandlerResult r3 = handle_signup(db, cfg, signup_body("c", "c@x", "secret123"), 5.0, "auth-service-3", SALT_A);
  CHECK(json::parse(r3.body)["user"]["id"] == "1735689605000-3");
}

TEST_CASE("a duplicate username or email is a 409 that costs no hash")
{
  SystemDb db(":memory:");
  const AuthConfig cfg;
  REQUIRE(handle_signup(db, cfg, signup_body("demo", "demo@example.com", "secret123"), 1, "a1", SALT_A).status == 201);
  for (const std::string& b :
       {signup_body("demo", "other@example.com", "secret123"), signup_body("other", "demo@example.com", "xyz123")}) {
    const HandlerResult r = handle_signup(db, cfg, b, 2, "a2", SALT_B);
    CHECK(r.status == 409);
    CHECK(error_of(r) == "User already exists");
    CHECK(r.costs.hashes == 0);
    CHECK(r.costs.db_writes == 0);
    CHECK(r.token.empty());
  }
  CHECK(db.user_count() == 1);
}

TEST_CASE("malformed signup bodies are a 400 before any database work")
{
  SystemDb db(":memory:");
  const AuthConfig cfg;
  const std::string need = "Username, email, and password are required";
  const std::pair<std::string, std::string> cases[] = {
      {"not json", "Invalid JSON body"},
      {"[1,2]", "Invalid JSON body"},
      {R"("text")", "Invalid JSON body"},
      {R"({"n":1e999})", "Invalid JSON body"},
      {"{}", need},
      {R"({"username":"u","email":"u@x"})", need},
      {R"({"username":"","email":"u@x","password":"secret123"})", need},
      {R"({"username":5,"email":"u@x","password":"secret123"})", need},
      {R"({"username":"u","email":"u@x","password":["secret123"]})", need},
      {signup_body(std::string(65, 'u'), "u@x", "secret123"), "Username must be at most 64 characters"},
      {signup_body("u", "no-at-sign", "secret123"), "Invalid email format"},
      {signup_body("u", "u@x", "12345"), "Password must be between 6 and 128 characters"},
      {signup_body("u", "u@x", std::string(129, 'p')), "Password must be between 6 and 128 characters"},
      {signup_body("u", "u@x", std::string("abc\0defgh", 9)), "Password must not contain NUL characters"},
      {R"({"username":"u","email":"u@x","password":"secret123","pad":")" + std::string(MAX_BODY_BYTES, 'x') + "\"}",
       "Request body too large"},
      {std::string(100, '[') + std::string(100, ']'), "Invalid JSON body"}, // not an object, at any depth
      {R"({"username":"u","email":"u@x","password":"secret123","deep":)" + std::string(70, '[') + std::string(70, ']') +
           "}",
       "JSON body nested too deeply"},
  };
  for (const auto& [body, why] : cases) {
    CAPTURE(body.substr(0, 80));
    const HandlerResult r = handle_signup(db, cfg, body, 1, "a1", SALT_A);
    CHECK(r.status == 400);
    CHECK(error_of(r) == why);
    CHECK(r.costs.db_reads == 0);
  }
  // The limits themselves are accepted; length is JavaScript's (UTF-16 units): "é" is one, "😀" two.
  CHECK(handle_signup(db, cfg, signup_body(std::string(64, 'u'), "u@x", "123456"), 1, "a1", SALT_A).status == 201);
  CHECK(handle_signup(db, cfg, signup_body("v", "v@x", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"), 1, "a1", SALT_A)
            .status == 400);
  CHECK(handle_signup(db, cfg, signup_body("w", "w@x", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"), 1, "a1",
                      SALT_A)
            .status == 201);
}

TEST_CASE("the password is never stored in clear")
{
  TempDbPath p("handlers", "noclear");
  const std::string password = "CorrectHorseBatteryStaple";
  {
    SystemDb db(p.path);
    REQUIRE(
        handle_signup(db, AuthConfig{}, signup_body("demo", "demo@example.com", password), 1, "a1", SALT_A).status ==
        201);
    const auto u = db.find_user_by_email("demo@example.com");
    CHECK(u->password_hash != password);
    CHECK(u->password_hash.find(password) == std::string::npos);
    CHECK(u->password_hash.rfind("$2b$04$", 0) == 0);
  }
  const std::string bytes = file_bytes(p.path);
  CHECK(bytes.find("demo@example.com") != std::string::npos); // the file was read
  CHECK(bytes.find(password) == std::string::npos);
}

TEST_CASE("signin: 200 with a token, 401 for a wrong password or an unknown email, 400 for a missing field")
{
  SystemDb db(":memory:");
  const AuthConfig cfg;
  handle_signup(db, cfg, signup_body("demo", "demo@example.com", "secret123"), 1, "a1", SALT_A);

  const HandlerResult ok = handle_signin(db, cfg, signin_body("demo@example.com", "secret123"), 40, "a2");
  CHECK(ok.status == 200);
  CHECK(ok.body.rfind(R"({"message":"Login successful","token":")", 0) == 0);
  CHECK(json::parse(ok.body)["user"]["id"] == "1735689601000");
  CHECK(jwt_verify(ok.token, cfg.jwt_secret, 41).claims.iat == 1735689640);
  CHECK(ok.costs.hashes == 1);
  CHECK(ok.costs.db_reads == 1);

  const HandlerResult wrong = handle_signin(db, cfg, signin_body("demo@example.com", "secret124"), 40, "a2");
  CHECK(wrong.status == 401);
  CHECK(error_of(wrong) == "Invalid credentials");
  CHECK(wrong.costs.hashes == 1);
  CHECK(wrong.token.empty());

  const HandlerResult unknown = handle_signin(db, cfg, signin_body("nobody@example.com", "secret123"), 40, "a2");
  CHECK(unknown.status == 401);
  CHECK(error_of(unknown) == "Invalid credentials");
  CHECK(unknown.costs.hashes == 0); // the seed answers before hashing

  CHECK(handle_signin(db, cfg, R"({"email":"demo@example.com"})", 40, "a2").status == 400);
  CHECK(error_of(handle_signin(db, cfg, "{", 40, "a2")) == "Invalid JSON body");
}

TEST_CASE("verify: 401 without a token, with a bad token, or after expiry in simulated time")
{
  SystemDb db(":memory:");
  AuthConfig cfg;
  cfg.jwt_expiry_s = 60;
  const std::string token =
      handle_signup(db, cfg, signup_body("demo", "demo@example.com", "secret123"), 100, "a1", SALT_A).token;
  CHECK(handle_verify(cfg, "Bearer " + token, 159.9, "a2").status == 200);
  const HandlerResult expired = handle_verify(cfg, "Bearer " + token, 160, "a2");
  CHECK(expired.status == 401);
  CHECK(expired.body == R"({"valid":false,"error":"Token expired"})");

  AuthConfig other = cfg;
  other.jwt_secret = "another-secret";
  CHECK(handle_verify(other, "Bearer " + token, 101, "a3").body == R"({"valid":false,"error":"Invalid token"})");
  CHECK(handle_verify(cfg, "Bearer not.a.token", 101, "a2").status == 401);
  for (const std::string& h : {std::string(), std::string("Bearer "), std::string("Basic abc"), token}) {
    const HandlerResult r = handle_verify(cfg, h, 101, "a2");
    CHECK(r.status == 401);
    CHECK(r.body == R"({"valid":false,"error":"No token provided"})");
  }
}

TEST_CASE("SQL injection strings in signup and data are stored and answered literally")
{
  TempDbPath p("handlers", "injection");
  SystemDb db(p.path);
  const AuthConfig cfg;
  const std::string evil = "'; DROP TABLE users; --";
  const std::string evil_email = "x@y' OR '1'='1";
  const HandlerResult s = handle_signup(db, cfg, signup_body(evil, evil_email, "secret123"), 1, "a1", SALT_A);
  REQUIRE(s.status == 201);
  CHECK(json::parse(s.body)["user"]["username"] == evil);
  CHECK(handle_signin(db, cfg, signin_body(evil_email, "secret123"), 2, "a1").status == 200);
  CHECK(handle_signin(db, cfg, signin_body("' OR '1'='1", "secret123"), 2, "a1").status == 401);

  db.ensure_default_data(0); // as the first data instance's start does
  const HandlerResult put =
      handle_data_put(db, json{{"key", evil}, {"value", "'); DELETE FROM data_items; --"}}.dump(), 3, "d1");
  REQUIRE(put.status == 201);
  const HandlerResult got = handle_data_get(db, "data-11", 4, "d2");
  CHECK(json::parse(got.body)["data"]["key"] == evil);
  CHECK(json::parse(got.body)["data"]["value"] == "'); DELETE FROM data_items; --");
  CHECK(handle_data_get(db, "' OR '1'='1", 4, "d2").status == 404);
  CHECK(db.user_count() == 1);
  CHECK(db.data_item_count() == 11);
}

TEST_CASE("data get: data-1 as the seed answers it, 404 for an unknown id")
{
  SystemDb db(":memory:");
  REQUIRE(db.ensure_default_data(7) == 10); // the first data instance started at 7 s
  const HandlerResult r = handle_data_get(db, "data-1", 7, "data-service-1");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"message":"Data retrieved successfully","data":{"id":"data-1","key":"default-key-1",)"
                  R"("value":{"title":"Data Item 1","description":"This is default data item number 1","number":1,)"
                  R"("active":false},"metadata":{"category":"category-a","priority":"high"},)"
                  R"("createdAt":"2025-01-01T00:00:07.000Z","updatedAt":"2025-01-01T00:00:07.000Z"}})");
  CHECK(r.costs.db_writes == 0); // a GET only reads: the defaults were there before it
  CHECK(r.costs.db_reads == 1);

  const HandlerResult missing = handle_data_get(db, "data-99", 8, "data-service-1");
  CHECK(missing.status == 404);
  CHECK(missing.body == R"({"error":"Data item not found"})");
  CHECK(missing.costs.db_writes == 0);
  CHECK(missing.costs.db_reads == 2); // by id, then by key
}

TEST_CASE("data put: 201 with the next id, the value read back in the client's key order, 400s")
{
  SystemDb db(":memory:");
  db.ensure_default_data(6);
  const HandlerResult r = handle_data_put(db, R"({"key":"test","value":{"zeta":1,"alpha":[true,null]}})", 9, "d1");
  CHECK(r.status == 201);
  CHECK(r.body == R"({"message":"Data created successfully","data":{"id":"data-11","key":"test",)"
                  R"("value":{"zeta":1,"alpha":[true,null]},"metadata":{},)"
                  R"("createdAt":"2025-01-01T00:00:09.000Z","updatedAt":"2025-01-01T00:00:09.000Z"}})");
  CHECK(r.costs.db_writes == 1); // the new row only: data-1 … data-10 were there (ensure_default_data)
  CHECK(handle_data_put(db, R"({"key":"k2","value":null,"metadata":{"m":1}})", 10, "d1").status == 201);
  CHECK(json::parse(handle_data_get(db, "data-12", 11, "d2").body)["data"]["metadata"] == json{{"m", 1}});
  // The README GETs /api/data/test after POSTing key "test": an id that names no item is tried as a key.
  CHECK(json::parse(handle_data_get(db, "test", 11, "d2").body)["data"]["id"] == "data-11");

  for (const std::string& bad : {std::string(R"({"value":1})"), std::string(R"({"key":"","value":1})"),
                                 std::string(R"({"key":5,"value":1})"), std::string(R"({"key":"k"})")}) {
    const HandlerResult b = handle_data_put(db, bad, 12, "d1");
    CHECK(b.status == 400);
    CHECK(error_of(b) == "Key and value are required");
  }
  CHECK(error_of(handle_data_put(db, R"({"key":"k","value":1,"metadata":[1]})", 12, "d1")) ==
        "Metadata must be an object");
  CHECK(db.data_item_count() == 12);
}

TEST_CASE("compute direct: the seed's response shape, and 400s with the supported list")
{
  const HandlerResult r = handle_compute_direct(R"({"operation":"add","operands":[1,2,3,4,5]})", "compute-service-1");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"operation":"add","operands":[1,2,3,4,5],"result":15,"service":"compute-service-1"})");
  CHECK(r.costs.compute_steps == 5);
  CHECK(handle_compute_direct(R"({"operation":"fibonacci","operands":[30]})", "c").costs.compute_steps == 30);

  const HandlerResult unknown = handle_compute_direct(R"({"operation":"modulo","operands":[1]})", "c");
  CHECK(unknown.status == 400);
  CHECK(json::parse(unknown.body)["supported"].size() == 12);
  CHECK(handle_compute_direct(R"({"operation":"add"})", "c").body ==
        R"({"error":"Operation and operands are required"})");
  CHECK(handle_compute_direct(R"({"operands":[1]})", "c").status == 400);
  CHECK(handle_compute_direct(R"({"operation":"divide","operands":[1,0]})", "c").body ==
        R"({"error":"Division by zero"})");
  CHECK(handle_compute_direct("nonsense", "c").status == 400);
}

TEST_CASE("work and health bodies carry the instance name and the simulated timestamp")
{
  CHECK(handle_work("compute", "compute-service-1", 350, 20).body ==
        R"({"message":"Compute worker completed","service":"compute-service-1","delayMs":350,)"
        R"("timestamp":"2025-01-01T00:00:20.000Z"})");
  CHECK(json::parse(handle_work("auth", "auth-service-2", 300, 1).body)["message"] == "Auth work completed");
  CHECK(json::parse(handle_work("data", "data-service-3", 200.5, 1).body)["delayMs"] == 200.5);
  // auth-service-1 started at 3 s (seed script): at 23.25 s it has been up 20.25 s.
  const HandlerResult h = handle_health("auth-service-1", 23.25, 20.25);
  CHECK(h.status == 200);
  CHECK(h.body ==
        R"({"status":"healthy","service":"auth-service-1","timestamp":"2025-01-01T00:00:23.250Z","uptime":20.25})");
  CHECK(json::parse(handle_health("a", 10, 7.0004).body)["uptime"] == 7.0);   // to the millisecond
  CHECK(json::parse(handle_health("a", 10, 7).body)["uptime"].dump() == "7"); // JSON.stringify(7)
}

TEST_CASE("the same handler calls on two fresh database files give identical bytes")
{
  TempDbPath a("handlers", "det_a"), b("handlers", "det_b");
  for (const std::string& path : {a.path, b.path}) {
    SystemDb db(path, SystemDb::OpenMode::recreate);
    const AuthConfig cfg;
    handle_signup(db, cfg, signup_body("alice", "alice@example.com", "secret123"), 20.25, "auth-service-1", SALT_A);
    handle_signup(db, cfg, signup_body("bob", "bob@example.com", "hunter22"), 21, "auth-service-2", SALT_B);
    handle_signin(db, cfg, signin_body("alice@example.com", "secret123"), 22, "auth-service-3");
    handle_data_get(db, "data-5", 23, "data-service-1");
    handle_data_put(db, R"({"key":"k","value":{"b":2,"a":1}})", 24, "data-service-2");
  }
  const std::string bytes_a = file_bytes(a.path);
  CHECK(bytes_a.find("alice@example.com") != std::string::npos);
  CHECK(bytes_a == file_bytes(b.path));
}
