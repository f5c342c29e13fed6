// Encryption at rest for calendar credentials (OAuth tokens, CalDAV passwords, PKCE
// verifiers): libsodium secretbox (XSalsa20-Poly1305) under one server key.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "kairos/core/result.hpp"

namespace kairos::service {

class SecretBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // A box under a key given as 64 hex characters; InvalidArgument for anything else.
  static Result<SecretBox> FromHexKey(std::string_view hex);
  // A box under the key in `path` (64 hex characters). The file is created with a fresh
  // random key and mode 0600 when missing; a file readable by others, or malformed, is an
  // error naming the path. Throws std::runtime_error when the file cannot be created.
  static Result<SecretBox> FromKeyFile(const std::string& path);

  // "v1:" + base64(nonce ‖ ciphertext): a fresh random nonce each time.
  std::string Seal(std::string_view plaintext) const;
  // The plaintext of a Seal output under this key; kInternal when it was sealed under
  // another key or altered (the server's key changed: credentials must be reconnected).
  Result<std::string> Open(std::string_view sealed) const;

 private:
  explicit SecretBox(const std::array<unsigned char, kKeyBytes>& key) : key_(key) {}
  std::array<unsigned char, kKeyBytes> key_;
};

}  // namespace kairos::service
