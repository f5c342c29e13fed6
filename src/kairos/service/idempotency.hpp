// Idempotency-Key for the /v1 writes that create (POST /v1/bookings, POST /v1/holds): the
// first answer to a key within a scope (the route and the caller) is kept for 24 hours
// and replayed to the same request; the same key with another request is refused. A key
// is claimed in a transaction of its own before the work starts, so two concurrent
// requests with one key never both do the work: the second sees the claim in progress.
// The database keeps the key's digest and the answer sealed under the key (so a copy of
// it does not give away a booking's manage token).
#pragma once

#include <string>

#include "kairos/core/time.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

inline constexpr std::chrono::hours kIdempotencyRetention{24};
// A claim left unanswered this long (a crash mid-request) may be claimed again.
inline constexpr std::chrono::seconds kIdempotencyClaimTimeout{60};

class Idempotency {
 public:
  explicit Idempotency(store::Database& db) : db_(db) {}

  enum class Kind {
    kNew,         // claimed: do the work, then Finish (or Abandon)
    kReplay,      // answered before: send status and body again
    kMismatch,    // the key was used for another request (422)
    kInProgress,  // the first request with this key is still being answered (409)
  };
  struct Claim {
    Kind kind = Kind::kNew;
    int status = 0;
    std::string body;
  };

  // `request_hash` identifies the request (its canonical body); keys over 255 characters
  // are the caller's to refuse.
  Claim Begin(const std::string& scope, const std::string& key, const std::string& request_hash, Instant now);
  // Keeps the answer for replay.
  void Finish(const std::string& scope, const std::string& key, int status, const std::string& body);
  // Forgets the claim (an answer not worth keeping: bad input, an outage).
  void Abandon(const std::string& scope, const std::string& key);

 private:
  store::Database& db_;
};

}  // namespace kairos::service
