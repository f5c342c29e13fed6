#include "kairos/store/notifications_schema.hpp"

namespace kairos::store {
namespace {

std::string Schema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
-- An account's webhook: where its calendars' booking events are sent, signed with the secret.
CREATE TABLE webhooks (
  id               )sql" + id + R"sql(,
  uuid             TEXT NOT NULL UNIQUE,
  owner_account_id )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  url              TEXT NOT NULL,
  events           TEXT NOT NULL,
  secret           TEXT NOT NULL,
  active           )sql" + big + R"sql( NOT NULL DEFAULT 1,
  created_at       )sql" + big + R"sql( NOT NULL,
  updated_at       )sql" + big + R"sql( NOT NULL
);
CREATE INDEX webhooks_owner ON webhooks(owner_account_id, id);

-- The outbox: one row per booking event, written in the booking change's transaction.
-- booking_id is not a reference: the event outlives a booking face 002 deletes.
CREATE TABLE notification_events (
  id           )sql" + id + R"sql(,
  uuid         TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  booking_id   )sql" + big + R"sql(,
  booking_uuid TEXT,
  calendar_id  )sql" + big + R"sql(,
  face         TEXT NOT NULL,
  payload      TEXT NOT NULL,
  created_at   )sql" + big + R"sql( NOT NULL
);
CREATE INDEX notification_events_booking ON notification_events(booking_id);

-- One event to one target; the dispatcher claims due pending rows. next_attempt_at,
-- last_attempt_at and claimed_until are milliseconds since the epoch (retries in tests
-- are milliseconds apart); retry_from (seconds) starts the window after which a failing
-- delivery gives up, reset by a redelivery.
CREATE TABLE notification_deliveries (
  id              )sql" + id + R"sql(,
  uuid            TEXT NOT NULL UNIQUE,
  event_id        )sql" + big + R"sql( NOT NULL REFERENCES notification_events(id) ON DELETE CASCADE,
  webhook_id      )sql" + big + R"sql( REFERENCES webhooks(id) ON DELETE CASCADE,
  email           TEXT,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        )sql" + big + R"sql( NOT NULL DEFAULT 0,
  next_attempt_at )sql" + big + R"sql( NOT NULL,
  last_attempt_at )sql" + big + R"sql(,
  last_status     )sql" + big + R"sql(,
  last_error      TEXT,
  claimed_by      TEXT,
  claimed_until   )sql" + big + R"sql(,
  retry_from      )sql" + big + R"sql( NOT NULL,
  created_at      )sql" + big + R"sql( NOT NULL,
  updated_at      )sql" + big + R"sql( NOT NULL,
  CHECK ((webhook_id IS NULL) <> (email IS NULL))
);
CREATE INDEX notification_deliveries_due ON notification_deliveries(state, next_attempt_at);
CREATE INDEX notification_deliveries_webhook ON notification_deliveries(webhook_id, id);

-- Every attempt, as the dispatcher saw it (times in milliseconds since the epoch).
CREATE TABLE notification_attempts (
  id          )sql" + id + R"sql(,
  delivery_id )sql" + big + R"sql( NOT NULL REFERENCES notification_deliveries(id) ON DELETE CASCADE,
  instance    TEXT NOT NULL,
  at_ms       )sql" + big + R"sql( NOT NULL,
  status      )sql" + big + R"sql(,
  error       TEXT,
  duration_ms )sql" + big + R"sql( NOT NULL
);
CREATE INDEX notification_attempts_delivery ON notification_attempts(delivery_id, id);
)sql";
}

}  // namespace

Migration NotificationsMigration() { return {12, "notification outbox and webhooks", Schema(false), Schema(true)}; }

}  // namespace kairos::store
