// Password hashing for the auth service. bcrypt through libcrypt (libxcrypt 4.4 in Debian 12 has $2b$ built
// in) is what runs normally: it is the seed's algorithm and format. PBKDF2-HMAC-SHA256 from OpenSSL is only
// the fallback for a libcrypt configured without bcrypt, detected at run time rather than assumed.
#include "policy/password.hpp"

#include <climits>
#include <cstdint>
#include <memory>
#include <stdexcept>

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace svcsim
{

namespace
{

constexpr char BCRYPT_PREFIX[] = "$2b$";
constexpr char PBKDF2_PREFIX[] = "pbkdf2$";
constexpr size_t PBKDF2_HASH_BYTES = 32;

void check_cost(int cost)
{
  if (cost < 4 || cost > 31)
    throw std::invalid_argument("password: cost must be 4..31, got " + std::to_string(cost));
}

bool has_nul(const std::string& s)
{
  return s.find('\0') != std::string::npos;
}

bool equal_constant_time(const std::string& a, const std::string& b)
{
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// crypt_rn with its own zeroed work area (~32 KiB, so on the heap: SimGrid actor stacks are small).
// Returns "" on failure (crypt_rn gives a null pointer for an unknown or invalid setting).
std::string crypt_string(const std::string& password, const std::string& setting)
{
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(password.c_str(), setting.c_str(), data.get(), static_cast<int>(sizeof(crypt_data)));
  std::string result = out ? std::string(out) : std::string();
  OPENSSL_cleanse(data.get(), sizeof(crypt_data)); // it held the password
  return result;
}

std::string bcrypt_setting(const unsigned char salt[PASSWORD_SALT_BYTES], int cost)
{
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn(BCRYPT_PREFIX, static_cast<unsigned long>(cost), reinterpret_cast<const char*>(salt),
                        static_cast<int>(PASSWORD_SALT_BYTES), setting, static_cast<int>(sizeof setting)))
    return std::string();
  return setting;
}

PasswordBackend probe_backend()
{
  const unsigned char salt[PASSWORD_SALT_BYTES] = {};
  const std::string setting = bcrypt_setting(salt, 4);
  if (setting.empty())
    return PasswordBackend::pbkdf2;
  const std::string h = crypt_string("probe", setting);
  return h.size() == 60 && h.compare(0, 4, BCRYPT_PREFIX) == 0 ? PasswordBackend::bcrypt : PasswordBackend::pbkdf2;
}

std::string to_hex(const unsigned char* p, size_t n)
{
  static const char HEX[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += HEX[p[i] >> 4];
    s += HEX[p[i] & 15];
  }
  return s;
}

bool from_hex(const std::string& s, std::string& out)
{
  if (s.size() % 2)
    return false;
  const auto nibble = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  out.clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi << 4 | lo);
  }
  return true;
}

std::string pbkdf2(const std::string& password, const unsigned char* salt, size_t salt_len, int iterations)
{
  unsigned char out[PBKDF2_HASH_BYTES];
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, static_cast<int>(salt_len),
                        iterations, EVP_sha256(), static_cast<int>(sizeof out), out) != 1)
    throw std::runtime_error("password: PKCS5_PBKDF2_HMAC failed");
  return to_hex(out, sizeof out);
}

int pbkdf2_iterations(int cost)
{
  const uint64_t it = 1000ULL << (cost - 4);
  return it > static_cast<uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(it);
}

bool verify_pbkdf2(const std::string& password, const std::string& stored)
{
  // pbkdf2$<iterations>$<salt hex>$<hash hex>
  const size_t a = sizeof PBKDF2_PREFIX - 1;
  const size_t b = stored.find('$', a);
  const size_t c = b == std::string::npos ? b : stored.find('$', b + 1);
  if (c == std::string::npos || b == a || b - a > 10)
    return false;
  long long iterations = 0;
  for (size_t i = a; i < b; ++i) {
    if (stored[i] < '0' || stored[i] > '9')
      return false;
    iterations = iterations * 10 + (stored[i] - '0');
  }
  std::string salt;
  const std::string hash_hex = stored.substr(c + 1);
  if (iterations < 1 || iterations > INT_MAX || !from_hex(stored.substr(b + 1, c - b - 1), salt) || salt.empty() ||
      hash_hex.size() != 2 * PBKDF2_HASH_BYTES)
    return false;
  return equal_constant_time(
      pbkdf2(password, reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), static_cast<int>(iterations)),
      hash_hex);
}

} // namespace

const char* to_string(PasswordBackend b)
{
  return b == PasswordBackend::bcrypt ? "bcrypt" : "pbkdf2";
}

PasswordBackend password_backend()
{
  static const PasswordBackend backend = probe_backend();
  return backend;
}

std::string password_hash(const std::string& password, const unsigned char salt_bytes[PASSWORD_SALT_BYTES], int cost)
{
  return password_hash_with(password_backend(), password, salt_bytes, cost);
}

std::string password_hash_with(PasswordBackend backend, const std::string& password,
                               const unsigned char salt_bytes[PASSWORD_SALT_BYTES], int cost)
{
  check_cost(cost);
  if (has_nul(password))
    throw std::invalid_argument("password: contains a NUL byte");
  if (backend == PasswordBackend::pbkdf2) {
    const int iterations = pbkdf2_iterations(cost);
    return std::string(PBKDF2_PREFIX) + std::to_string(iterations) + "$" + to_hex(salt_bytes, PASSWORD_SALT_BYTES) +
           "$" + pbkdf2(password, salt_bytes, PASSWORD_SALT_BYTES, iterations);
  }
  const std::string setting = bcrypt_setting(salt_bytes, cost);
  const std::string hash = setting.empty() ? std::string() : crypt_string(password, setting);
  if (hash.empty())
    throw std::runtime_error("password: libcrypt has no bcrypt ($2b$)");
  return hash;
}

bool password_verify(const std::string& password, const std::string& stored_hash)
{
  if (has_nul(password))
    return false;
  if (stored_hash.compare(0, sizeof PBKDF2_PREFIX - 1, PBKDF2_PREFIX) == 0)
    return verify_pbkdf2(password, stored_hash);
  // $2a$ / $2b$ / $2y$: crypt re-hashes with the stored setting; equal output means the same password.
  if (stored_hash.size() != 60 || stored_hash.compare(0, 2, "$2") != 0)
    return false;
  return equal_constant_time(crypt_string(password, stored_hash), stored_hash);
}

} // namespace svcsim
