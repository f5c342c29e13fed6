// Argon2id password hashing (libsodium) on a bounded number of concurrent computations,
// so a burst of logins cannot take every worker thread and all the memory at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace kairos::auth {

struct HashParams {
  unsigned long long opslimit;  // argon2id passes
  std::size_t memlimit;         // bytes of memory per hash
  // libsodium's INTERACTIVE limits: about 64 MiB and a fraction of a second per hash.
  static HashParams Interactive();
};

class PasswordHasher {
 public:
  // At most max_concurrent hashes run at once; more callers wait their turn. Throws
  // std::invalid_argument when the parameters are outside libsodium's limits.
  PasswordHasher(HashParams params, int max_concurrent);
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // The encoded hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") of password.
  // Throws std::runtime_error when the memory cannot be allocated.
  std::string Hash(std::string_view password);

  // True when password matches the encoded hash.
  bool Verify(std::string_view encoded, std::string_view password);

  // Spends the time of a verification against a hash that matches nothing, so an
  // unknown user cannot be told apart from a wrong password by timing.
  void VerifyDummy(std::string_view password);

  // True when the encoded hash was made with other parameters than the current ones.
  bool NeedsRehash(std::string_view encoded) const;

  const HashParams& params() const { return params_; }

 private:
  class Slot;

  HashParams params_;
  int max_concurrent_;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;
  std::string dummy_hash_;
};

}  // namespace kairos::auth
