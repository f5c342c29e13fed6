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

namespace {

// What migration 13 adds to both databases (the revision trigger differs).
std::string InvitationsSchema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  std::string out = R"sql(
-- A booking's revision: 0 when made, one more on every change of its time or status
-- (the trigger below), whichever face or path changed it. Invitations carry it as SEQUENCE.
ALTER TABLE bookings ADD COLUMN revision )sql" + big + R"sql( NOT NULL DEFAULT 0;

-- Whom an email delivery goes to (attendee, guest or host: the zone and wording follow)
-- and, for the attendee, the booking's manage token when the change that queued it knew
-- it; cleared once the delivery is sent or given up.
ALTER TABLE notification_deliveries ADD COLUMN recipient TEXT;
ALTER TABLE notification_deliveries ADD COLUMN manage_token TEXT;

-- An event type's reminders: a JSON array of minutes before the start.
ALTER TABLE event_types ADD COLUMN reminders TEXT NOT NULL DEFAULT '[]';

-- A reminder due for a booking, written in the booking change's transaction. The
-- dispatcher turns a due row into a booking.reminder event (in one transaction, so once),
-- after checking that the booking still holds its time and still starts at
-- due_at + minutes_before.
CREATE TABLE booking_reminders (
  id             )sql" + id + R"sql(,
  booking_id     )sql" + big + R"sql( NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  minutes_before )sql" + big + R"sql( NOT NULL,
  due_at         )sql" + big + R"sql( NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dropped')),
  created_at     )sql" + big + R"sql( NOT NULL,
  sent_at        )sql" + big + R"sql(
);
CREATE INDEX booking_reminders_due ON booking_reminders(state, due_at);
CREATE INDEX booking_reminders_booking ON booking_reminders(booking_id);
)sql";
  if (postgres) {
    out += R"sql(
CREATE FUNCTION bookings_next_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status OR NEW.start_at <> OLD.start_at OR NEW.end_at <> OLD.end_at THEN
    NEW.revision := OLD.revision + 1;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER bookings_revision BEFORE UPDATE ON bookings
  FOR EACH ROW EXECUTE FUNCTION bookings_next_revision();
)sql";
  } else {
    out += R"sql(
CREATE TRIGGER bookings_revision AFTER UPDATE OF status, start_at, end_at ON bookings
  FOR EACH ROW WHEN OLD.status IS NOT NEW.status OR OLD.start_at <> NEW.start_at OR OLD.end_at <> NEW.end_at
BEGIN
  UPDATE bookings SET revision = revision + 1 WHERE id = NEW.id;
END;
)sql";
  }
  return out;
}

}  // namespace

Migration InvitationsMigration() {
  return {13, "booking revisions, email recipients, reminders", InvitationsSchema(false), InvitationsSchema(true)};
}

namespace {

std::string AtRestSchema() {
  return R"sql(
-- A /v1 booking's manage token sealed with the server's key ("v1:" + base64), written
-- when the booking is made; emails to its attendee and guests link with it, whoever made
-- the change. NULL for bookings made before this migration (their emails link only when
-- the change was made with the token).
ALTER TABLE v1_bookings ADD COLUMN manage_token_sealed TEXT;

-- The zone an email delivery's recipient reads its times in, when the event does not
-- imply it (a face-002 meeting's organiser: their account's zone).
ALTER TABLE notification_deliveries ADD COLUMN time_zone TEXT;

-- Pruning (--notify-retention-days) finds old events by time and their deliveries by
-- event, and deleting an event cascades to its deliveries.
CREATE INDEX notification_events_created ON notification_events(created_at);
CREATE INDEX notification_deliveries_event ON notification_deliveries(event_id);
)sql";
}

}  // namespace

Migration NotificationsAtRestMigration() {
  return {14, "sealed manage tokens for notifications", AtRestSchema(), AtRestSchema()};
}

}  // namespace kairos::store
