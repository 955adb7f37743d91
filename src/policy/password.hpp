// The auth service's password storage: salted, slow hashes (bcrypt "$2b$", as the seed's bcrypt does), never
// the password in clear. The salt comes from caller-supplied bytes (the simulator's seeded stream), so a run
// is reproducible. The real cost here is kept low for speed; the SIMULATED cost of a hash is the scenario's.
#pragma once

#include <cstddef>
#include <string>

namespace svcsim
{

constexpr int PASSWORD_DEFAULT_COST = 4;   // bcrypt's minimum: ~1 ms of real CPU per hash
constexpr size_t PASSWORD_SALT_BYTES = 16; // bcrypt's salt size

// bcrypt: libcrypt (libxcrypt) "$2b$cost$<22 salt><31 hash>", 60 characters.
// pbkdf2: OpenSSL PKCS5_PBKDF2_HMAC-SHA256 "pbkdf2$<iterations>$<32 hex salt>$<64 hex hash>", the fallback for
//         a libcrypt built without bcrypt; iterations = 1000 * 2^(cost - 4).
enum class PasswordBackend { bcrypt, pbkdf2 };
const char* to_string(PasswordBackend b); // "bcrypt", "pbkdf2"

// The backend password_hash uses in this process: bcrypt when libcrypt can actually produce a $2b$ hash
// (probed once, at the first call), otherwise pbkdf2.
PasswordBackend password_backend();

// Same password + same salt bytes + same cost → same hash. Throws std::invalid_argument for a cost outside
// 4..31 or a password containing a NUL byte (bcrypt would silently cut it there), std::runtime_error when
// the backend fails.
std::string password_hash(const std::string& password, const unsigned char salt_bytes[PASSWORD_SALT_BYTES],
                          int cost = PASSWORD_DEFAULT_COST);
std::string password_hash_with(PasswordBackend backend, const std::string& password,
                               const unsigned char salt_bytes[PASSWORD_SALT_BYTES], int cost = PASSWORD_DEFAULT_COST);

// True when password matches a hash of either format; false for a mismatch, a malformed hash, a password
// with a NUL byte, or a bcrypt hash when this libcrypt has no bcrypt. The final compare is constant-time.
bool password_verify(const std::string& password, const std::string& stored_hash);

} // namespace svcsim
