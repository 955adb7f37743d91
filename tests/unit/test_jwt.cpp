// Unit tests for policy/jwt: HS256 tokens on the simulated clock, as the auth instances share them.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "policy/jwt.hpp"

using namespace svcsim;

namespace
{

const std::string SECRET = "your-secret-key-change-in-production";

std::string part(const std::string& token, int index)
{
  size_t start = 0;
  for (int i = 0; i < index; ++i)
    start = token.find('.', start) + 1;
  const size_t end = token.find('.', start);
  return token.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

} // namespace

TEST_CASE("a token signed with one secret verifies with the same secret and not with another")
{
  const std::string token = jwt_issue("1735689620000", "demo", "demo@example.com", SECRET, 20.0, 86400);
  const JwtVerifyResult ok = jwt_verify(token, SECRET, 21.0);
  CHECK(ok.status == JwtStatus::ok);
  CHECK(ok.claims.user_id == "1735689620000");
  CHECK(ok.claims.username == "demo");
  CHECK(ok.claims.email == "demo@example.com");
  CHECK(ok.claims.iat == 1735689620);
  CHECK(ok.claims.exp == 1735689620 + 86400);

  const JwtVerifyResult other = jwt_verify(token, "another-secret", 21.0);
  CHECK(other.status == JwtStatus::bad_signature);
  CHECK(other.claims.username.empty());
}

TEST_CASE("the header and payload are jsonwebtoken's, byte for byte")
{
  const std::string token = jwt_issue("u1", "demo", "d@x", SECRET, 0.9, 60);
  CHECK(part(token, 0) == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"); // as in the seed README's responses
  std::string payload;
  REQUIRE(base64url_decode(part(token, 1), payload));
  CHECK(payload == R"({"userId":"u1","username":"demo","email":"d@x","iat":1735689600,"exp":1735689660})");
  CHECK(token.find('=') == std::string::npos);
  CHECK(part(token, 2).size() == 43); // 32 bytes, unpadded
}

TEST_CASE("a token from another HS256 implementation verifies (jwt.io's example)")
{
  const std::string token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                            "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
                            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  const JwtVerifyResult r = jwt_verify(token, "your-256-bit-secret", 0);
  CHECK(r.status == JwtStatus::ok); // no exp: never expires
  CHECK(r.claims.iat == 1516239022);
  CHECK(jwt_verify(token, "your-256-bit-secreT", 0).status == JwtStatus::bad_signature);
}

TEST_CASE("a tampered payload fails with bad_signature")
{
  const std::string token = jwt_issue("7", "alice", "alice@example.com", SECRET, 100, 3600);
  std::string payload;
  REQUIRE(base64url_decode(part(token, 1), payload));
  auto j = nlohmann::ordered_json::parse(payload);
  j["username"] = "admin";
  const std::string forged = part(token, 0) + "." + base64url_encode(j.dump()) + "." + part(token, 2);
  CHECK(jwt_verify(forged, SECRET, 100).status == JwtStatus::bad_signature);

  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  CHECK(jwt_verify(flipped, SECRET, 100).status == JwtStatus::bad_signature);
  CHECK(jwt_verify(part(token, 0) + "." + part(token, 1) + ".", SECRET, 100).status == JwtStatus::bad_signature);
}

TEST_CASE("a token expires by simulated time: valid before exp, expired from exp on")
{
  const std::string token = jwt_issue("7", "alice", "a@x", SECRET, 5.5, 10); // iat = epoch + 5, exp = iat + 10
  CHECK(jwt_verify(token, SECRET, 14.999).status == JwtStatus::ok);
  const JwtVerifyResult r = jwt_verify(token, SECRET, 15.0);
  CHECK(r.status == JwtStatus::expired);
  CHECK(r.claims.exp == JWT_EPOCH_UNIX_S + 15);
  CHECK(jwt_verify(token, SECRET, 1e6).status == JwtStatus::expired);
  // The signature is checked before the expiry, as jsonwebtoken does.
  CHECK(jwt_verify(token, "wrong", 1e6).status == JwtStatus::bad_signature);
}

TEST_CASE("malformed tokens are reported as malformed")
{
  const std::string good = jwt_issue("7", "alice", "a@x", SECRET, 0, 10);
  for (const std::string& t :
       {std::string(), std::string("abc"), std::string("a.b"), good + ".extra", std::string("!!!.eyJ9.sig"),
        "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24." + part(good, 2), std::string("..")}) {
    CAPTURE(t);
    CHECK(jwt_verify(t, SECRET, 0).status == JwtStatus::malformed);
  }
  // "alg":"none" with an empty signature: the classic forgery is refused before any signature check.
  const std::string none = base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + part(good, 1) + ".";
  CHECK(jwt_verify(none, SECRET, 0).status == JwtStatus::malformed);
  // A claim of the wrong type is not a token we issued.
  const std::string bad_claim = part(good, 0) + "." + base64url_encode(R"({"userId":7})") + "." + part(good, 2);
  CHECK(jwt_verify(bad_claim, SECRET, 0).status == JwtStatus::malformed);
  CHECK(std::string(to_string(JwtStatus::malformed)) == "malformed");
  CHECK(std::string(to_string(JwtStatus::bad_signature)) == "bad_signature");
}

TEST_CASE("base64url round-trips every length and refuses padding and foreign characters")
{
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    const std::string text = base64url_encode(bytes);
    std::string back;
    REQUIRE(base64url_decode(text, back));
    CHECK(back == bytes);
    bytes += static_cast<char>(n * 37 + 200);
  }
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  std::string out;
  CHECK_FALSE(base64url_decode("QQ==", out));
  CHECK_FALSE(base64url_decode("Q+8", out));
  CHECK_FALSE(base64url_decode("QUJDR", out)); // length 5: impossible
  CHECK_FALSE(base64url_decode("QR", out));    // non-zero leftover bits: not canonical
  CHECK(base64url_decode("QQ", out));
  CHECK(out == "A");
}

TEST_CASE("iat and exp come from the simulated clock, floored to whole seconds")
{
  CHECK(jwt_unix_seconds(0) == 1735689600);
  CHECK(jwt_unix_seconds(59.999) == 1735689659);
  CHECK(jwt_unix_seconds(-0.5) == 1735689599);
  CHECK_THROWS_AS(jwt_unix_seconds(std::nan("")), std::invalid_argument);
}
