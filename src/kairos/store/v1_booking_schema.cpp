#include "kairos/store/v1_booking_schema.hpp"

namespace kairos::store {
namespace {

std::string Schema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
-- A hold keeps [start_at, end_at) on a calendar for one event type until expires_at; it
-- counts as busy time only while expires_at is in the future. Only booking/ writes it.
CREATE TABLE holds (
  id            )sql" + id + R"sql(,
  uuid          TEXT NOT NULL UNIQUE,
  calendar_id   )sql" + big + R"sql( NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
  event_type_id )sql" + big + R"sql( NOT NULL REFERENCES event_types(id) ON DELETE CASCADE,
  start_at      )sql" + big + R"sql( NOT NULL,
  end_at        )sql" + big + R"sql( NOT NULL,
  units         )sql" + big + R"sql( NOT NULL DEFAULT 1 CHECK (units >= 1),
  expires_at    )sql" + big + R"sql( NOT NULL,
  created_at    )sql" + big + R"sql( NOT NULL,
  CHECK (end_at > start_at AND end_at - start_at <= 86400)
);
CREATE INDEX holds_calendar ON holds(calendar_id, start_at);
CREATE INDEX holds_event_type ON holds(event_type_id, start_at);

-- The v1 details of a booking made through /v1/bookings. The status is the v1 one
-- (accepted, pending, cancelled, declined); the booking's own status follows the machine
-- in core (accepted = confirmed, declined = cancelled). Only a hash of the manage token
-- is kept.
CREATE TABLE v1_bookings (
  booking_id         )sql" + big + R"sql( PRIMARY KEY REFERENCES bookings(id) ON DELETE CASCADE,
  event_type_id      )sql" + big + R"sql( REFERENCES event_types(id) ON DELETE SET NULL,
  host_account_id    )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  status             TEXT NOT NULL CHECK (status IN ('accepted', 'pending', 'cancelled', 'declined')),
  attendee_name      TEXT NOT NULL,
  attendee_email     TEXT NOT NULL,
  attendee_time_zone TEXT NOT NULL,
  guests             TEXT NOT NULL DEFAULT '[]',
  answers            TEXT NOT NULL DEFAULT '{}',
  manage_token_hash  TEXT NOT NULL UNIQUE,
  reason             TEXT,
  created_at         )sql" + big + R"sql( NOT NULL,
  updated_at         )sql" + big + R"sql( NOT NULL
);
CREATE INDEX v1_bookings_event_type ON v1_bookings(event_type_id, booking_id);
CREATE INDEX v1_bookings_host ON v1_bookings(host_account_id, booking_id);

-- Idempotency-Key: the first answer to a key in a scope (route and caller), replayed for
-- 24 hours to the same request; status 0 while the first request is being answered.
CREATE TABLE idempotency_keys (
  scope        TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       )sql" + big + R"sql( NOT NULL DEFAULT 0,
  response     TEXT,
  created_at   )sql" + big + R"sql( NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
)sql";
}

}  // namespace

Migration V1BookingMigration() { return {10, "v1 holds, booking details and idempotency keys", Schema(false), Schema(true)}; }

}  // namespace kairos::store
