// Migration 3: calendar integration. Pending OAuth authorizations, each account's
// connections to external calendars (Google, Outlook, CalDAV), the external events a
// booking was written to, and iCalendar feed tokens. Secrets are never stored in clear:
// OAuth states and feed tokens as digests (they are only compared), tokens, passwords
// and PKCE verifiers sealed with the server's key (they must be sent again).
#include "kairos/store/calendar_sync_schema.hpp"

namespace kairos::store {
namespace {

std::string Schema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
CREATE TABLE oauth_states (
  id                   )sql" + id + R"sql(,
  state_digest         TEXT NOT NULL UNIQUE,
  account_id           )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider             TEXT NOT NULL CHECK (provider IN ('google', 'outlook')),
  redirect_uri         TEXT NOT NULL,
  code_verifier_sealed TEXT NOT NULL,
  created_at           )sql" + big + R"sql( NOT NULL,
  expires_at           )sql" + big + R"sql( NOT NULL,
  used_at              )sql" + big + R"sql(
);
CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);

CREATE TABLE calendar_connections (
  id                    )sql" + id + R"sql(,
  account_id            )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider              TEXT NOT NULL CHECK (provider IN ('google', 'outlook', 'caldav')),
  access_token_sealed   TEXT,
  refresh_token_sealed  TEXT,
  access_expires_at     )sql" + big + R"sql(,
  caldav_url            TEXT,
  caldav_username       TEXT,
  caldav_password_sealed TEXT,
  created_at            )sql" + big + R"sql( NOT NULL,
  updated_at            )sql" + big + R"sql( NOT NULL,
  UNIQUE (account_id, provider)
);

CREATE TABLE calendar_event_links (
  id          )sql" + id + R"sql(,
  booking_id  )sql" + big + R"sql( NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  account_id  )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider    TEXT NOT NULL CHECK (provider IN ('google', 'outlook', 'caldav')),
  external_id TEXT NOT NULL,
  sequence    )sql" + big + R"sql( NOT NULL DEFAULT 0,
  status      TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
  created_at  )sql" + big + R"sql( NOT NULL,
  updated_at  )sql" + big + R"sql( NOT NULL,
  UNIQUE (booking_id, account_id, provider)
);

CREATE TABLE calendar_feed_tokens (
  account_id   )sql" + big + R"sql( PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  token_digest TEXT NOT NULL UNIQUE,
  created_at   )sql" + big + R"sql( NOT NULL
);
)sql";
}

// Migration 6: what an external event was last written as. A digest of its content
// (everything but DTSTAMP and SEQUENCE) tells a real change from a repeated sync, so
// SEQUENCE counts changes; the zone it was shown in lets a cancellation rewrite it the
// same way. Both stay NULL for events written before: their next write counts as a
// change, which only ever raises SEQUENCE.
const char* const kEventRevisions = R"sql(
ALTER TABLE calendar_event_links ADD COLUMN content_digest TEXT;
ALTER TABLE calendar_event_links ADD COLUMN timezone TEXT;
)sql";

}  // namespace

Migration CalendarEventRevisionsMigration() {
  return {6, "calendar event links: content digest and zone", kEventRevisions, kEventRevisions};
}

Migration CalendarSyncMigration() {
  return {3, "calendar integration: oauth, connections, external events, feeds", Schema(false), Schema(true)};
}

}  // namespace kairos::store
