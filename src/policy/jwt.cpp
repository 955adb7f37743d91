// HS256 JSON Web Tokens with OpenSSL's HMAC-SHA256: the auth service's token issue and verify, on the
// simulated clock.
#include "policy/jwt.hpp"

#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace svcsim
{

namespace
{

constexpr char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int b64url_value(char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

std::string hmac_sha256(const std::string& key, const std::string& data)
{
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  // A non-null pointer even for an empty secret: a null key means "reuse the previous key" in HMAC_Init.
  static const unsigned char EMPTY = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&EMPTY) : key.data();
  if (!HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), out, &out_len))
    throw std::runtime_error("jwt: HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string signing_input_signature(const std::string& signing_input, const std::string& secret)
{
  return base64url_encode(hmac_sha256(secret, signing_input));
}

// A string claim: absent → "", another type → not a token we issued.
bool read_string_claim(const nlohmann::json& payload, const char* name, std::string& out)
{
  const auto it = payload.find(name);
  if (it == payload.end())
    return true;
  if (!it->is_string())
    return false;
  out = it->get<std::string>();
  return true;
}

// A numeric claim as whole seconds, clamped so that a hostile 1e300 cannot overflow the conversion.
int64_t whole_seconds(double v)
{
  if (!(v > -9e15))
    return static_cast<int64_t>(-9e15);
  if (!(v < 9e15))
    return static_cast<int64_t>(9e15);
  return static_cast<int64_t>(std::floor(v));
}

} // namespace

const char* to_string(JwtStatus s)
{
  switch (s) {
  case JwtStatus::ok:
    return "ok";
  case JwtStatus::malformed:
    return "malformed";
  case JwtStatus::bad_signature:
    return "bad_signature";
  case JwtStatus::expired:
    return "expired";
  }
  return "malformed";
}

int64_t jwt_unix_seconds(double sim_s)
{
  if (!std::isfinite(sim_s) || std::fabs(sim_s) > 1e15)
    throw std::invalid_argument("jwt: simulated time out of range");
  return JWT_EPOCH_UNIX_S + static_cast<int64_t>(std::floor(sim_s));
}

std::string base64url_encode(const std::string& bytes)
{
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  const auto byte = [&](size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += B64URL[v >> 18 & 63];
    out += B64URL[v >> 12 & 63];
    out += B64URL[v >> 6 & 63];
    out += B64URL[v & 63];
  }
  if (bytes.size() - i == 1) {
    const unsigned v = byte(i) << 16;
    out += B64URL[v >> 18 & 63];
    out += B64URL[v >> 12 & 63];
  } else if (bytes.size() - i == 2) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    out += B64URL[v >> 18 & 63];
    out += B64URL[v >> 12 & 63];
    out += B64URL[v >> 6 & 63];
  }
  return out;
}

bool base64url_decode(const std::string& text, std::string& bytes)
{
  if (text.size() % 4 == 1)
    return false;
  bytes.clear();
  bytes.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int v = b64url_value(c);
    if (v < 0)
      return false;
    acc = (acc << 6 | static_cast<unsigned>(v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>(acc >> bits & 0xff);
    }
  }
  // Leftover bits must be zero: one canonical text per byte string.
  return (acc & ((1u << bits) - 1)) == 0;
}

std::string jwt_sign(const JwtClaims& claims, const std::string& secret)
{
  // ordered_json keeps jsonwebtoken's key order, so the tokens look like the seed's byte for byte.
  const nlohmann::ordered_json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  const nlohmann::ordered_json payload = {{"userId", claims.user_id},
                                          {"username", claims.username},
                                          {"email", claims.email},
                                          {"iat", claims.iat},
                                          {"exp", claims.exp}};
  const std::string signing_input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  return signing_input + "." + signing_input_signature(signing_input, secret);
}

std::string jwt_issue(const std::string& user_id, const std::string& username, const std::string& email,
                      const std::string& secret, double now_sim_s, double expiry_s)
{
  if (!std::isfinite(expiry_s) || expiry_s < 0 || expiry_s > 1e12)
    throw std::invalid_argument("jwt: expiry out of range");
  JwtClaims c{user_id, username, email, jwt_unix_seconds(now_sim_s), 0};
  c.exp = c.iat + static_cast<int64_t>(std::floor(expiry_s));
  return jwt_sign(c, secret);
}

JwtVerifyResult jwt_verify(const std::string& token, const std::string& secret, double now_sim_s)
{
  JwtVerifyResult r;
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string::npos || token.find('.', dot2 + 1) != std::string::npos)
    return r;
  std::string header_text, payload_text;
  if (!base64url_decode(token.substr(0, dot1), header_text) ||
      !base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1), payload_text))
    return r;
  const auto header = nlohmann::json::parse(header_text, nullptr, false);
  const auto payload = nlohmann::json::parse(payload_text, nullptr, false);
  if (!header.is_object() || !payload.is_object())
    return r;
  const auto fail_malformed = [&r] {
    r.claims = JwtClaims{};
    return r;
  };
  // Only HS256: accepting the header's "alg" blindly is the classic "alg":"none" forgery.
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "HS256")
    return fail_malformed();
  JwtClaims& c = r.claims;
  if (!read_string_claim(payload, "userId", c.user_id) || !read_string_claim(payload, "username", c.username) ||
      !read_string_claim(payload, "email", c.email))
    return fail_malformed();
  const auto iat = payload.find("iat");
  const auto exp = payload.find("exp");
  if ((iat != payload.end() && !iat->is_number()) || (exp != payload.end() && !exp->is_number()))
    return fail_malformed();

  const std::string expected = signing_input_signature(token.substr(0, dot2), secret);
  const std::string given = token.substr(dot2 + 1);
  if (given.size() != expected.size() || CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    r.status = JwtStatus::bad_signature;
    r.claims = JwtClaims{}; // unverified claims are not handed out
    return r;
  }
  if (iat != payload.end())
    c.iat = whole_seconds(iat->get<double>());
  // jsonwebtoken: expired when floor(now) >= exp; a token without exp never expires.
  if (exp != payload.end()) {
    const double exp_s = exp->get<double>();
    c.exp = whole_seconds(exp_s);
    if (static_cast<double>(jwt_unix_seconds(now_sim_s)) >= exp_s) {
      r.status = JwtStatus::expired;
      return r;
    }
  }
  r.status = JwtStatus::ok;
  return r;
}

} // namespace svcsim
