// Random secrets and their digests, all through libsodium.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kairos::auth {

// Initializes libsodium once per process; throws std::runtime_error if it cannot.
// Every function below calls it, so callers need not.
void InitSodium();

// 32 random bytes, base64url without padding (43 characters): bearer tokens, session
// ids and CSRF tokens.
std::string RandomSecret();

// True when s has the shape RandomSecret produces; anything else is refused unseen.
bool LooksLikeSecret(std::string_view s);

// BLAKE2b-256 of the secret, lower-case hex. Only digests are stored, so a copy of the
// database does not yield working credentials.
std::string SecretDigest(std::string_view secret);

// Compares two digests in constant time (sodium_memcmp); false when lengths differ.
bool SameDigest(std::string_view a, std::string_view b);

// Authenticated encryption (XSalsa20-Poly1305) under a key derived from `key_material`
// (a secret the database does not hold, such as a client's Idempotency-Key): base64
// of nonce and ciphertext. Open gives nullopt for anything Seal did not make with that
// material.
std::string SealWith(std::string_view key_material, std::string_view plaintext);
std::optional<std::string> OpenWith(std::string_view key_material, std::string_view sealed);

// A random (version 4) UUID in lower-case canonical form.
std::string NewUuid();

}  // namespace kairos::auth
