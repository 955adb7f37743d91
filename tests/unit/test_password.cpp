// Unit tests for policy/password: salted bcrypt hashes from seeded salt bytes, and the PBKDF2 fallback.
#include <doctest/doctest.h>

#include <cstring>
#include <stdexcept>

#include "policy/password.hpp"

using namespace svcsim;

namespace
{

struct Salt {
  unsigned char bytes[PASSWORD_SALT_BYTES];
  explicit Salt(unsigned char seed)
  {
    for (size_t i = 0; i < PASSWORD_SALT_BYTES; ++i)
      bytes[i] = static_cast<unsigned char>(seed * 31 + i * 7);
  }
};

} // namespace

TEST_CASE("the backend in use is reported, and bcrypt is what Debian 12's libxcrypt provides")
{
  MESSAGE("password backend: " << std::string(to_string(password_backend())));
  CHECK(password_backend() == PasswordBackend::bcrypt);
  const std::string h = password_hash("secret123", Salt(1).bytes);
  CHECK(h.rfind(password_backend() == PasswordBackend::bcrypt ? "$2b$04$" : "pbkdf2$1000$", 0) == 0);
}

TEST_CASE("two hashes of one password with different salt bytes differ, and both verify")
{
  for (const PasswordBackend b : {PasswordBackend::bcrypt, PasswordBackend::pbkdf2}) {
    const std::string backend = to_string(b);
    CAPTURE(backend);
    const std::string h1 = password_hash_with(b, "secret123", Salt(1).bytes);
    const std::string h2 = password_hash_with(b, "secret123", Salt(2).bytes);
    CHECK(h1 != h2);
    CHECK(password_verify("secret123", h1));
    CHECK(password_verify("secret123", h2));
    CHECK_FALSE(password_verify("secret124", h1));
    CHECK_FALSE(password_verify("", h2));
    CHECK(h1.find("secret123") == std::string::npos);
  }
}

TEST_CASE("the same password, salt bytes and cost give the same hash (a seeded run is reproducible)")
{
  for (const PasswordBackend b : {PasswordBackend::bcrypt, PasswordBackend::pbkdf2}) {
    const std::string backend = to_string(b);
    CAPTURE(backend);
    CHECK(password_hash_with(b, "pw-abcdef", Salt(9).bytes) == password_hash_with(b, "pw-abcdef", Salt(9).bytes));
    CHECK(password_hash_with(b, "pw-abcdef", Salt(9).bytes, 4) != password_hash_with(b, "pw-abcdef", Salt(9).bytes, 5));
  }
}

TEST_CASE("bcrypt hashes have the $2b$ format and carry their cost")
{
  const std::string h = password_hash_with(PasswordBackend::bcrypt, "secret123", Salt(3).bytes, 5);
  CHECK(h.size() == 60);
  CHECK(h.rfind("$2b$05$", 0) == 0);
  CHECK(password_verify("secret123", h));
}

TEST_CASE("pbkdf2 fallback hashes have the pbkdf2$iterations$salt$hash format")
{
  const std::string h = password_hash_with(PasswordBackend::pbkdf2, "secret123", Salt(3).bytes, 6);
  CHECK(h.rfind("pbkdf2$4000$", 0) == 0);
  CHECK(h.size() == std::strlen("pbkdf2$4000$") + 32 + 1 + 64);
  CHECK(password_verify("secret123", h));
}

TEST_CASE("a cost outside 4..31 and a password with a NUL byte are refused")
{
  CHECK_THROWS_WITH_AS(password_hash("secret123", Salt(1).bytes, 3), "password: cost must be 4..31, got 3",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(password_hash("secret123", Salt(1).bytes, 32), "password: cost must be 4..31, got 32",
                       std::invalid_argument);
  const std::string with_nul("abc\0defgh", 9);
  CHECK_THROWS_WITH_AS(password_hash(with_nul, Salt(1).bytes), "password: contains a NUL byte", std::invalid_argument);
  // bcrypt stops at a NUL: "abc\0anything" must not match a hash of "abc".
  CHECK_FALSE(password_verify(with_nul, password_hash("abc", Salt(1).bytes)));
}

TEST_CASE("malformed stored hashes never verify")
{
  const std::string h = password_hash("secret123", Salt(4).bytes);
  for (const std::string& bad :
       {std::string(), std::string("secret123"), h.substr(0, 59), std::string("$2b$04$short"), std::string("pbkdf2$"),
        std::string("pbkdf2$x$00$00"), std::string("pbkdf2$1000$zz$") + std::string(64, '0'),
        std::string("pbkdf2$1000$0011$") + std::string(63, '0'), std::string("$1$abc$def")}) {
    CAPTURE(bad);
    CHECK_FALSE(password_verify("secret123", bad));
  }
}

TEST_CASE("a bcrypt hash made elsewhere verifies (Openwall crypt_blowfish's test vector)")
{
  CHECK(password_verify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  CHECK_FALSE(password_verify("U*V", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
}
