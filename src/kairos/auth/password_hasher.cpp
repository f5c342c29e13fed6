#include "kairos/auth/password_hasher.hpp"

#include <sodium.h>

#include <stdexcept>

#include "kairos/auth/crypto.hpp"

namespace kairos::auth {

HashParams HashParams::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

// Holds one of the hasher's concurrency slots for its lifetime.
class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& h) : h_(h) {
    std::unique_lock lock(h_.mu_);
    h_.cv_.wait(lock, [&] { return h_.running_ < h_.max_concurrent_; });
    ++h_.running_;
  }
  ~Slot() {
    {
      std::lock_guard lock(h_.mu_);
      --h_.running_;
    }
    h_.cv_.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  PasswordHasher& h_;
};

PasswordHasher::PasswordHasher(HashParams params, int max_concurrent) : params_(params), max_concurrent_(max_concurrent) {
  InitSodium();
  if (max_concurrent < 1) throw std::invalid_argument("password hash concurrency must be at least 1");
  if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN || params.opslimit > crypto_pwhash_OPSLIMIT_MAX) {
    throw std::invalid_argument("argon2 opslimit must be between " + std::to_string(crypto_pwhash_OPSLIMIT_MIN) +
                                " and " + std::to_string(crypto_pwhash_OPSLIMIT_MAX));
  }
  if (params.memlimit < crypto_pwhash_MEMLIMIT_MIN || params.memlimit > crypto_pwhash_MEMLIMIT_MAX) {
    throw std::invalid_argument("argon2 memlimit must be at least " + std::to_string(crypto_pwhash_MEMLIMIT_MIN) +
                                " bytes");
  }
  dummy_hash_ = Hash(RandomSecret());
}

std::string PasswordHasher::Hash(std::string_view password) {
  Slot slot(*this);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params_.opslimit, params_.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory)");
  }
  return out;
}

bool PasswordHasher::Verify(std::string_view encoded, std::string_view password) {
  // crypto_pwhash_str_verify needs a NUL-terminated string.
  std::string hash(encoded);
  Slot slot(*this);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) { (void)Verify(dummy_hash_, password); }

bool PasswordHasher::NeedsRehash(std::string_view encoded) const {
  std::string hash(encoded);
  // 1 means other parameters, -1 another algorithm or a malformed string: rehash both.
  return crypto_pwhash_str_needs_rehash(hash.c_str(), params_.opslimit, params_.memlimit) != 0;
}

}  // namespace kairos::auth
