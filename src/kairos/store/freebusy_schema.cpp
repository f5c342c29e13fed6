#include "kairos/store/freebusy_schema.hpp"

namespace kairos::store {
namespace {

std::string Schema(bool postgres) {
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
-- The secret of GET /v1/users/{username}/freebusy.ics: its BLAKE2b digest, one per
-- account (a new token replaces the old one; deleting the row revokes it).
CREATE TABLE freebusy_tokens (
  account_id   )sql" + big + R"sql( PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  token_digest TEXT NOT NULL UNIQUE,
  created_at   )sql" + big + R"sql( NOT NULL
);
)sql";
}

}  // namespace

Migration FreeBusyTokensMigration() { return {16, "free/busy feed tokens", Schema(false), Schema(true)}; }

}  // namespace kairos::store
