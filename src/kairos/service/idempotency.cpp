#include "kairos/service/idempotency.hpp"

#include "kairos/auth/crypto.hpp"

namespace kairos::service {
namespace {

using store::Int;
using store::Text;

std::int64_t Stored(Instant t) { return t.time_since_epoch().count(); }

}  // namespace

// Keys are stored as digests and answers sealed under the key itself: a copy of the
// database yields neither the keys nor what the answers hold (a booking's manage token).
Idempotency::Claim Idempotency::Begin(const std::string& scope, const std::string& raw_key,
                                      const std::string& request_hash, Instant now) {
  const std::string key = auth::SecretDigest(raw_key);
  return db_.Write([&](store::Tx& tx) {
    // Old answers are forgotten, and claims a crashed request left behind.
    tx.Exec("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND (created_at <= ? OR (status = 0 AND "
            "created_at <= ?))",
            {Text(scope), Text(key), Int(Stored(now - kIdempotencyRetention)),
             Int(Stored(now - kIdempotencyClaimTimeout))});
    if (tx.Exec("INSERT INTO idempotency_keys (scope, key, request_hash, status, created_at) VALUES (?, ?, ?, 0, ?) "
                "ON CONFLICT DO NOTHING",
                {Text(scope), Text(key), Text(request_hash), Int(Stored(now))}) > 0) {
      return Claim{Kind::kNew, 0, {}};
    }
    auto row = tx.QueryOne("SELECT request_hash, status, response FROM idempotency_keys WHERE scope = ? AND key = ?",
                           {Text(scope), Text(key)});
    if (!row) return Claim{Kind::kInProgress, 0, {}};
    if (row->Text(0) != request_hash) return Claim{Kind::kMismatch, 0, {}};
    if (row->Int(1) == 0) return Claim{Kind::kInProgress, 0, {}};
    auto body = auth::OpenWith(raw_key, row->OptionalText(2).value_or(""));
    if (!body) return Claim{Kind::kMismatch, 0, {}};
    return Claim{Kind::kReplay, static_cast<int>(row->Int(1)), std::move(*body)};
  });
}

void Idempotency::Finish(const std::string& scope, const std::string& raw_key, int status, const std::string& body) {
  db_.Write([&](store::Tx& tx) {
    tx.Exec("UPDATE idempotency_keys SET status = ?, response = ? WHERE scope = ? AND key = ?",
            {Int(status), Text(auth::SealWith(raw_key, body)), Text(scope), Text(auth::SecretDigest(raw_key))});
  });
}

void Idempotency::Abandon(const std::string& scope, const std::string& raw_key) {
  db_.Write([&](store::Tx& tx) {
    tx.Exec("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status = 0",
            {Text(scope), Text(auth::SecretDigest(raw_key))});
  });
}

}  // namespace kairos::service
