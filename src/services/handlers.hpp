// The per-request logic of the auth, data and compute services' endpoints, as the seed's Express handlers:
// a request body in, a status and JSON body out, plus the COSTS (hashes, DB reads/writes, compute steps)
// the instance actor turns into simulated time. No SimGrid here: the actor does the waiting.
#pragma once

#include <cstdint>
#include <string>

#include "store/system_db.hpp"

namespace svcsim
{

constexpr size_t MAX_BODY_BYTES = 64 * 1024; // a larger body is a 400
constexpr int MAX_BODY_DEPTH = 64;           // deeper JSON nesting is a 400 (keeps dump/parse recursion small)

struct HandlerCosts {
  int hashes = 0;    // password hashes computed (bcrypt at the scenario's simulated cost)
  int db_reads = 0;  // SQL queries that read
  int db_writes = 0; // rows inserted
  uint64_t compute_steps = 0;
};

struct HandlerResult {
  int status = 200;
  std::string body; // JSON text, keys in the seed's order
  HandlerCosts costs;
  std::string token; // the JWT issued by signup/signin, else ""
};

struct AuthConfig {
  std::string jwt_secret = "your-secret-key-change-in-production";
  double jwt_expiry_s = 86400;
  int real_bcrypt_cost = 4; // the cost really computed; the simulated cost is the scenario's
};

// POST /api/auth/signup {username, email, password} → 201 {message, token, user{id, username, email}};
// 400 malformed (not a JSON object, > MAX_BODY_BYTES, missing/empty/non-string field, username > 64 chars,
// email without '@', password not 6..128 chars or with a NUL); 409 username or email taken.
// The user id is the simulated epoch milliseconds ("1735689620000"), with "-2", "-3"… if already taken.
// Costs: 2 reads (duplicate check, id check), 1 hash, 1 write on success; 409 costs 1 read, no hash.
HandlerResult handle_signup(SystemDb& db, const AuthConfig& cfg, const std::string& body, double now_s,
                            const std::string& instance_name, const unsigned char salt_bytes[16]);

// POST /api/auth/signin {email, password} → 200 {message, token, user}; 400 missing field; 401
// {"error":"Invalid credentials"} for an unknown email (1 read, no hash: the seed returns early) or a wrong
// password (1 read, 1 hash).
HandlerResult handle_signin(SystemDb& db, const AuthConfig& cfg, const std::string& body, double now_s,
                            const std::string& instance_name);

// GET /api/auth/verify, Authorization "Bearer <token>" → 200 {"valid":true,"user":{userId, username, email,
// iat, exp}}; 401 {"valid":false,"error":...} for no token, a bad token, or an expired one. No costs.
HandlerResult handle_verify(const AuthConfig& cfg, const std::string& bearer_header_value, double now_s,
                            const std::string& instance_name);

// GET /api/data/:id → 200 {message, data{id, key, value, metadata, createdAt, updatedAt}}; 404 {"error":
// "Data item not found"}. An id that names no item is also tried as a data_key (the README's example POSTs
// key "test" and then GETs /api/data/test). data-1 … data-10 exist from the first data instance's start
// (SystemDb::ensure_default_data), not from the first call.
HandlerResult handle_data_get(SystemDb& db, const std::string& id, double now_s, const std::string& instance_name);

// POST /api/data {key, value, metadata?} → 201 {message, data}; id "data-<count + 1>" (the next free one);
// 400 if key is missing, empty or not a string, value is missing, or metadata is not an object.
// Costs: 2 reads (count, id check), 1 write.
HandlerResult handle_data_put(SystemDb& db, const std::string& body, double now_s, const std::string& instance_name);

// POST /api/compute/direct {operation, operands} → 200 {operation, operands, result, service}; 400 {error}
// (plus "supported" for an unknown operation). See policy/compute_ops.hpp for the rules and the steps.
HandlerResult handle_compute_direct(const std::string& body, const std::string& instance_name);

// GET/POST /api/<type>/<type>-work: {"message": "Auth work completed" | "Data work completed" |
// "Compute worker completed", "service", "delayMs", "timestamp"}. An instance answering many requests keeps
// one StatusBodies (services/status_bodies.hpp) instead.
HandlerResult handle_work(const std::string& service_type, const std::string& instance_name, double delay_ms,
                          double now_s);

// GET /health → {"status":"healthy","service":name,"timestamp":iso,"uptime":s} (uptime: seconds since the
// process started, as Node's process.uptime(), to the millisecond).
HandlerResult handle_health(const std::string& instance_name, double now_s, double uptime_s);

} // namespace svcsim
