// The auth service's tokens: real HS256 JSON Web Tokens as the seed's jsonwebtoken issues them, so a token
// signed by one instance verifies on every other that shares the secret. iat/exp are epoch seconds of the
// SIMULATED clock (SPEC "Time"); nothing here reads the wall clock.
#pragma once

#include <cstdint>
#include <string>

namespace svcsim
{

// 2025-01-01T00:00:00Z, simulated time 0; equal to SIM_EPOCH_UNIX_S in store/system_db.hpp (checked by a
// static_assert in services/handlers.cpp; policy/ does not include store/).
constexpr int64_t JWT_EPOCH_UNIX_S = 1735689600;

// Epoch seconds at simulated time sim_s, as jsonwebtoken's Math.floor(Date.now() / 1000).
int64_t jwt_unix_seconds(double sim_s);

struct JwtClaims {
  std::string user_id; // "userId"
  std::string username;
  std::string email;
  int64_t iat = 0;
  int64_t exp = 0;
};

enum class JwtStatus { ok, malformed, bad_signature, expired };
const char* to_string(JwtStatus s); // "ok", "malformed", "bad_signature", "expired"

struct JwtVerifyResult {
  JwtStatus status = JwtStatus::malformed;
  JwtClaims claims; // filled when status is ok or expired
};

// header.payload.signature, base64url without padding; header {"alg":"HS256","typ":"JWT"}, payload
// {"userId","username","email","iat","exp"} in that order (jsonwebtoken's order).
std::string jwt_sign(const JwtClaims& claims, const std::string& secret);

// Signs with iat = jwt_unix_seconds(now_sim_s) and exp = iat + floor(expiry_s).
std::string jwt_issue(const std::string& user_id, const std::string& username, const std::string& email,
                      const std::string& secret, double now_sim_s, double expiry_s);

// Checks, in jsonwebtoken's order: shape and header (alg must be HS256) → malformed; signature, compared in
// constant time → bad_signature; then exp <= now → expired.
JwtVerifyResult jwt_verify(const std::string& token, const std::string& secret, double now_sim_s);

// RFC 4648 §5 without padding. decode rejects padding, foreign characters and impossible lengths.
std::string base64url_encode(const std::string& bytes);
bool base64url_decode(const std::string& text, std::string& bytes);

} // namespace svcsim
