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

// Migration 15: busy time read from connected calendars. Every connection gets a `busy`
// switch (whether its events count as busy time, default on) and a fourth kind,
// "subscription": an iCalendar URL, kept sealed because such URLs often carry a secret
// token. calendar_busy holds each connection's last known busy time ("start-end,..." in
// UTC seconds, merged), when it was last fetched and tried, the last failure, and a lease
// that one refresher takes so several instances do not fetch the same source at once.
// SQLite cannot widen a CHECK constraint in place, so its connections table is rebuilt.
std::string BusySchema(bool postgres) {
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  std::string connections;
  if (postgres) {
    connections = R"sql(
ALTER TABLE calendar_connections DROP CONSTRAINT calendar_connections_provider_check;
ALTER TABLE calendar_connections ADD CONSTRAINT calendar_connections_provider_check
  CHECK (provider IN ('google', 'outlook', 'caldav', 'subscription'));
ALTER TABLE calendar_connections ADD COLUMN busy INTEGER NOT NULL DEFAULT 1 CHECK (busy IN (0, 1));
ALTER TABLE calendar_connections ADD COLUMN subscription_url_sealed TEXT;
)sql";
  } else {
    connections = R"sql(
CREATE TABLE calendar_connections_15 (
  id                    INTEGER PRIMARY KEY,
  account_id            INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider              TEXT NOT NULL CHECK (provider IN ('google', 'outlook', 'caldav', 'subscription')),
  access_token_sealed   TEXT,
  refresh_token_sealed  TEXT,
  access_expires_at     INTEGER,
  caldav_url            TEXT,
  caldav_username       TEXT,
  caldav_password_sealed TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  busy                  INTEGER NOT NULL DEFAULT 1 CHECK (busy IN (0, 1)),
  subscription_url_sealed TEXT,
  UNIQUE (account_id, provider)
);
INSERT INTO calendar_connections_15 (id, account_id, provider, access_token_sealed, refresh_token_sealed,
  access_expires_at, caldav_url, caldav_username, caldav_password_sealed, created_at, updated_at)
  SELECT id, account_id, provider, access_token_sealed, refresh_token_sealed, access_expires_at, caldav_url,
  caldav_username, caldav_password_sealed, created_at, updated_at FROM calendar_connections;
DROP TABLE calendar_connections;
ALTER TABLE calendar_connections_15 RENAME TO calendar_connections;
)sql";
  }
  return connections + R"sql(
CREATE TABLE calendar_busy (
  connection_id )sql" + big + R"sql( PRIMARY KEY REFERENCES calendar_connections(id) ON DELETE CASCADE,
  account_id    )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  intervals     TEXT NOT NULL DEFAULT '',
  fetched_at    )sql" + big + R"sql(,
  attempted_at  )sql" + big + R"sql(,
  last_error    TEXT,
  lease_until   )sql" + big + R"sql( NOT NULL DEFAULT 0
);
CREATE INDEX calendar_busy_account ON calendar_busy(account_id);
)sql";
}

}  // namespace

Migration CalendarBusyMigration() {
  return {15, "calendar busy time: busy switch, subscriptions, busy cache", BusySchema(false), BusySchema(true)};
}

Migration CalendarEventRevisionsMigration() {
  return {6, "calendar event links: content digest and zone", kEventRevisions, kEventRevisions};
}

Migration CalendarSyncMigration() {
  return {3, "calendar integration: oauth, connections, external events, feeds", Schema(false), Schema(true)};
}

}  // namespace kairos::store
