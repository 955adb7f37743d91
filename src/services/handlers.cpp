// The seed's Express handlers for the auth, data and compute services, re-created over SystemDb and the
// policy/ modules. Each returns what the real handler answers and what it cost; nothing waits here.
#include "services/handlers.hpp"

#include "services/status_bodies.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "policy/compute_ops.hpp"
#include "policy/jwt.hpp"
#include "policy/password.hpp"

namespace svcsim
{

static_assert(SIM_EPOCH_UNIX_S == JWT_EPOCH_UNIX_S, "store and jwt must share the simulated epoch");

namespace
{

using ojson = nlohmann::ordered_json;

constexpr size_t MAX_USERNAME_CHARS = 64;
constexpr size_t MIN_PASSWORD_CHARS = 6;
constexpr size_t MAX_PASSWORD_CHARS = 128;

HandlerResult reply(int status, const ojson& body, const HandlerCosts& costs = {})
{
  HandlerResult r;
  r.status = status;
  r.body = body.dump();
  r.costs = costs;
  return r;
}

HandlerResult error(int status, const std::string& message, const HandlerCosts& costs = {})
{
  return reply(status, ojson{{"error", message}}, costs);
}

// The Express handlers' catch block: anything unexpected (an SQLite failure) is a 500, not a crash of the run.
HandlerResult internal_error(const HandlerCosts& costs)
{
  return error(500, "Internal server error", costs);
}

// express.json() then the handler's shape check: a JSON object within the size and nesting limits.
// ordered_json keeps the client's key order, so a stored value reads back as it was sent (as JSON.stringify).
std::optional<ojson> parse_body(const std::string& body, std::string& why)
{
  if (body.size() > MAX_BODY_BYTES) {
    why = "Request body too large";
    return std::nullopt;
  }
  int max_depth = 0;
  const ojson::parser_callback_t track_depth = [&max_depth](int depth, ojson::parse_event_t, ojson&) {
    max_depth = std::max(max_depth, depth);
    return true;
  };
  ojson j = ojson::parse(body, track_depth, false);
  if (j.is_discarded() || !j.is_object()) {
    why = "Invalid JSON body";
    return std::nullopt;
  }
  if (max_depth > MAX_BODY_DEPTH) {
    why = "JSON body nested too deeply";
    return std::nullopt;
  }
  return j;
}

// The field as a non-empty string, as the seed's `if (!field)` test plus a type check.
std::optional<std::string> string_field(const ojson& j, const char* name)
{
  const auto it = j.find(name);
  if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return std::nullopt;
  return it->get<std::string>();
}

// JavaScript's String.length: UTF-16 code units (the body parsed as UTF-8, so the input is valid UTF-8).
size_t js_length(const std::string& s)
{
  size_t n = 0;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80)
      n += c >= 0xF0 ? 2 : 1; // a 4-byte sequence is a surrogate pair in JavaScript
  }
  return n;
}

ojson user_json(const UserRow& u)
{
  return ojson{{"id", u.id}, {"username", u.username}, {"email", u.email}};
}

ojson item_json(const DataItemRow& row)
{
  // Stored by this file as valid JSON; a row written by something else with bad JSON is a 500 upstream.
  return ojson{{"id", row.id},
               {"key", row.key},
               {"value", ojson::parse(row.value_json)},
               {"metadata", ojson::parse(row.metadata_json)},
               {"createdAt", row.created_at},
               {"updatedAt", row.updated_at}};
}

HandlerResult auth_success(int status, const char* message, const UserRow& user, const AuthConfig& cfg, double now_s,
                           const HandlerCosts& costs)
{
  const std::string token = jwt_issue(user.id, user.username, user.email, cfg.jwt_secret, now_s, cfg.jwt_expiry_s);
  HandlerResult r = reply(status, ojson{{"message", message}, {"token", token}, {"user", user_json(user)}}, costs);
  r.token = token;
  return r;
}

} // namespace

HandlerResult handle_signup(SystemDb& db, const AuthConfig& cfg, const std::string& body, double now_s,
                            const std::string& /*instance_name*/, const unsigned char salt_bytes[16])
{
  std::string why;
  const auto req = parse_body(body, why);
  if (!req)
    return error(400, why);
  const auto username = string_field(*req, "username");
  const auto email = string_field(*req, "email");
  const auto password = string_field(*req, "password");
  if (!username || !email || !password)
    return error(400, "Username, email, and password are required");
  if (js_length(*username) > MAX_USERNAME_CHARS)
    return error(400, "Username must be at most 64 characters");
  if (email->find('@') == std::string::npos)
    return error(400, "Invalid email format");
  const size_t pw_len = js_length(*password);
  if (pw_len < MIN_PASSWORD_CHARS || pw_len > MAX_PASSWORD_CHARS)
    return error(400, "Password must be between 6 and 128 characters");
  if (password->find('\0') != std::string::npos)
    return error(400, "Password must not contain NUL characters"); // bcrypt would cut the password there

  HandlerCosts costs;
  try {
    ++costs.db_reads;
    if (db.find_user_by_username_or_email(*username, *email))
      return error(409, "User already exists", costs);

    // The seed's Date.now().toString(), on the simulated clock; two signups in one millisecond get a suffix.
    const std::string base_id = std::to_string(SIM_EPOCH_UNIX_S * 1000 + std::llround(now_s * 1000.0));
    std::string id = base_id;
    for (int k = 2;; ++k) {
      ++costs.db_reads;
      if (!db.user_id_exists(id))
        break;
      id = base_id + "-" + std::to_string(k);
    }

    ++costs.hashes;
    const UserRow user{id, *username, *email, password_hash(*password, salt_bytes, cfg.real_bcrypt_cost),
                       iso_time(now_s)};
    try {
      db.insert_user(user);
    } catch (const DbError& e) {
      if (e.is_constraint()) // unreachable after the checks above, but a UNIQUE violation is still a 409
        return error(409, "User already exists", costs);
      throw;
    }
    ++costs.db_writes;
    return auth_success(201, "User registered successfully", user, cfg, now_s, costs);
  } catch (const std::exception&) {
    return internal_error(costs);
  }
}

HandlerResult handle_signin(SystemDb& db, const AuthConfig& cfg, const std::string& body, double now_s,
                            const std::string& /*instance_name*/)
{
  std::string why;
  const auto req = parse_body(body, why);
  if (!req)
    return error(400, why);
  const auto email = string_field(*req, "email");
  const auto password = string_field(*req, "password");
  if (!email || !password)
    return error(400, "Email and password are required");

  HandlerCosts costs;
  try {
    ++costs.db_reads;
    const auto user = db.find_user_by_email(*email);
    if (!user)
      return error(401, "Invalid credentials", costs); // the seed answers before hashing
    ++costs.hashes;
    if (!password_verify(*password, user->password_hash))
      return error(401, "Invalid credentials", costs);
    return auth_success(200, "Login successful", *user, cfg, now_s, costs);
  } catch (const std::exception&) {
    return internal_error(costs);
  }
}

HandlerResult handle_verify(const AuthConfig& cfg, const std::string& bearer_header_value, double now_s,
                            const std::string& /*instance_name*/)
{
  static const std::string BEARER = "Bearer ";
  if (bearer_header_value.compare(0, BEARER.size(), BEARER) != 0 || bearer_header_value.size() == BEARER.size())
    return reply(401, ojson{{"valid", false}, {"error", "No token provided"}});
  try {
    const JwtVerifyResult v = jwt_verify(bearer_header_value.substr(BEARER.size()), cfg.jwt_secret, now_s);
    if (v.status == JwtStatus::expired)
      return reply(401, ojson{{"valid", false}, {"error", "Token expired"}});
    if (v.status != JwtStatus::ok)
      return reply(401, ojson{{"valid", false}, {"error", "Invalid token"}});
    const JwtClaims& c = v.claims;
    return reply(
        200,
        ojson{{"valid", true},
              {"user",
               {{"userId", c.user_id}, {"username", c.username}, {"email", c.email}, {"iat", c.iat}, {"exp", c.exp}}}});
  } catch (const std::exception&) {
    return internal_error({});
  }
}

HandlerResult handle_data_get(SystemDb& db, const std::string& id, double /*now_s*/,
                              const std::string& /*instance_name*/)
{
  HandlerCosts costs;
  try {
    ++costs.db_reads;
    auto row = db.find_data_item(id);
    if (!row) {
      ++costs.db_reads;
      row = db.find_data_item_by_key(id);
    }
    if (!row)
      return error(404, "Data item not found", costs);
    return reply(200, ojson{{"message", "Data retrieved successfully"}, {"data", item_json(*row)}}, costs);
  } catch (const std::exception&) {
    return internal_error(costs);
  }
}

HandlerResult handle_data_put(SystemDb& db, const std::string& body, double now_s, const std::string& /*instance_name*/)
{
  std::string why;
  const auto req = parse_body(body, why);
  if (!req)
    return error(400, why);
  const auto key = string_field(*req, "key");
  const auto value = req->find("value");
  if (!key || value == req->end())
    return error(400, "Key and value are required");
  const auto metadata = req->find("metadata");
  if (metadata != req->end() && !metadata->is_object())
    return error(400, "Metadata must be an object");

  HandlerCosts costs;
  try {
    ++costs.db_reads;
    int64_t n = db.data_item_count() + 1;
    std::string id = "data-" + std::to_string(n);
    for (;;) { // items are never deleted, so count + 1 is free; the loop only guards a hand-edited file
      ++costs.db_reads;
      if (!db.data_item_exists(id))
        break;
      id = "data-" + std::to_string(++n);
    }
    const std::string now = iso_time(now_s);
    const DataItemRow row{id,  *key, value->dump(), metadata != req->end() ? metadata->dump() : std::string("{}"),
                          now, now};
    db.insert_data_item(row);
    ++costs.db_writes;
    return reply(201, ojson{{"message", "Data created successfully"}, {"data", item_json(row)}}, costs);
  } catch (const std::exception&) {
    return internal_error(costs);
  }
}

HandlerResult handle_compute_direct(const std::string& body, const std::string& instance_name)
{
  std::string why;
  const auto req = parse_body(body, why);
  if (!req)
    return error(400, why);
  const auto operation = string_field(*req, "operation");
  const auto operands = req->find("operands");
  if (!operation || operands == req->end())
    return error(400, "Operation and operands are required");

  const ComputeOutcome out = compute_direct(*operation, *operands);
  HandlerCosts costs;
  costs.compute_steps = out.steps;
  if (out.status != 200) {
    ojson err{{"error", out.error}};
    if (out.error == "Invalid operation")
      err["supported"] = compute_operations();
    return reply(out.status, err, costs);
  }
  return reply(
      200,
      ojson{{"operation", *operation}, {"operands", *operands}, {"result", out.result}, {"service", instance_name}},
      costs);
}

HandlerResult handle_work(const std::string& service_type, const std::string& instance_name, double delay_ms,
                          double now_s)
{
  try {
    HandlerResult r;
    r.body = StatusBodies(service_type, instance_name).work(delay_ms, now_s);
    return r;
  } catch (const std::exception&) {
    return internal_error({});
  }
}

HandlerResult handle_health(const std::string& instance_name, double now_s, double uptime_s)
{
  try {
    HandlerResult r;
    r.body = StatusBodies("", instance_name).health(now_s, uptime_s);
    return r;
  } catch (const std::exception&) {
    return internal_error({});
  }
}

} // namespace svcsim
