// Migration 2: the booking domain shared by every face. One model: calendars with
// availability (weekly rules, one-off windows, explicit slots), blocked time, and
// bookings that hold capacity. Times are UTC seconds; local dates and times are kept
// as entered where a face shows them back.
#include "kairos/store/calendar_schema.hpp"

namespace kairos::store {
namespace {

// The same statements for both dialects, but for the id and integer column types.
std::string Schema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
CREATE TABLE calendars (
  id               )sql" + id + R"sql(,
  uuid             TEXT NOT NULL UNIQUE,
  owner_account_id )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind             TEXT NOT NULL CHECK (kind IN ('personal', 'business')),
  name             TEXT NOT NULL DEFAULT '',
  description      TEXT NOT NULL DEFAULT '',
  timezone         TEXT NOT NULL DEFAULT 'UTC',
  capacity         )sql" + big + R"sql( NOT NULL DEFAULT 1 CHECK (capacity >= 1),
  created_at       )sql" + big + R"sql( NOT NULL,
  updated_at       )sql" + big + R"sql( NOT NULL
);
CREATE UNIQUE INDEX calendars_one_personal ON calendars(owner_account_id) WHERE kind = 'personal';
CREATE INDEX calendars_owner ON calendars(owner_account_id, kind);

CREATE TABLE weekly_rules (
  id           )sql" + id + R"sql(,
  uuid         TEXT NOT NULL UNIQUE,
  calendar_id  )sql" + big + R"sql( NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
  iso_weekday  )sql" + big + R"sql( NOT NULL CHECK (iso_weekday BETWEEN 1 AND 7),
  start_second )sql" + big + R"sql( NOT NULL DEFAULT 0,
  end_second   )sql" + big + R"sql( NOT NULL DEFAULT 0,
  is_closed    )sql" + big + R"sql( NOT NULL DEFAULT 0,
  is_active    )sql" + big + R"sql( NOT NULL DEFAULT 1,
  capacity     )sql" + big + R"sql( NOT NULL DEFAULT 1 CHECK (capacity >= 1),
  valid_from   TEXT,
  valid_until  TEXT,
  created_at   )sql" + big + R"sql( NOT NULL,
  updated_at   )sql" + big + R"sql( NOT NULL,
  CHECK (is_closed = 1 OR (start_second >= 0 AND end_second <= 86400 AND end_second > start_second))
);
CREATE INDEX weekly_rules_calendar ON weekly_rules(calendar_id, iso_weekday);

CREATE TABLE availability_windows (
  id          )sql" + id + R"sql(,
  uuid        TEXT NOT NULL UNIQUE,
  calendar_id )sql" + big + R"sql( NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
  start_at    )sql" + big + R"sql( NOT NULL,
  end_at      )sql" + big + R"sql( NOT NULL,
  local_date  TEXT NOT NULL,
  local_start TEXT NOT NULL,
  local_end   TEXT NOT NULL,
  capacity    )sql" + big + R"sql( NOT NULL DEFAULT 1 CHECK (capacity >= 1),
  created_at  )sql" + big + R"sql( NOT NULL,
  updated_at  )sql" + big + R"sql( NOT NULL,
  CHECK (end_at > start_at AND end_at - start_at <= 172800)
);
CREATE INDEX availability_windows_time ON availability_windows(calendar_id, start_at);

CREATE TABLE slots (
  id                 )sql" + id + R"sql(,
  uuid               TEXT NOT NULL UNIQUE,
  calendar_id        )sql" + big + R"sql( NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
  start_at           )sql" + big + R"sql( NOT NULL,
  end_at             )sql" + big + R"sql( NOT NULL,
  timezone           TEXT NOT NULL DEFAULT 'UTC',
  title              TEXT,
  description        TEXT,
  status             TEXT NOT NULL DEFAULT 'available'
                     CHECK (status IN ('available', 'booked', 'blocked', 'cancelled')),
  capacity           )sql" + big + R"sql( NOT NULL DEFAULT 1 CHECK (capacity >= 1),
  is_recurring       )sql" + big + R"sql( NOT NULL DEFAULT 0,
  recurring_pattern  TEXT CHECK (recurring_pattern IN ('daily', 'weekly', 'monthly')),
  recurring_end_date )sql" + big + R"sql(,
  series_uuid        TEXT,
  created_at         )sql" + big + R"sql( NOT NULL,
  updated_at         )sql" + big + R"sql( NOT NULL,
  CHECK (end_at > start_at AND end_at - start_at <= 172800)
);
CREATE INDEX slots_time ON slots(calendar_id, start_at);
CREATE INDEX slots_series ON slots(series_uuid);

CREATE TABLE blocked_days (
  id            )sql" + id + R"sql(,
  calendar_id   )sql" + big + R"sql( NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
  local_date    TEXT NOT NULL,
  blocked_hours TEXT NOT NULL,
  created_at    )sql" + big + R"sql( NOT NULL,
  updated_at    )sql" + big + R"sql( NOT NULL,
  UNIQUE (calendar_id, local_date)
);

CREATE TABLE meetings (
  id                   )sql" + id + R"sql(,
  uuid                 TEXT NOT NULL UNIQUE,
  organiser_account_id )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title                TEXT NOT NULL DEFAULT '',
  description          TEXT NOT NULL DEFAULT '',
  start_at             )sql" + big + R"sql( NOT NULL,
  end_at               )sql" + big + R"sql( NOT NULL,
  status               TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
  created_at           )sql" + big + R"sql( NOT NULL,
  updated_at           )sql" + big + R"sql( NOT NULL,
  CHECK (end_at > start_at AND end_at - start_at <= 172800)
);
CREATE INDEX meetings_time ON meetings(start_at);

CREATE TABLE bookings (
  id                )sql" + id + R"sql(,
  uuid              TEXT NOT NULL UNIQUE,
  calendar_id       )sql" + big + R"sql( NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
  client_account_id )sql" + big + R"sql( REFERENCES accounts(id) ON DELETE SET NULL,
  meeting_id        )sql" + big + R"sql( REFERENCES meetings(id) ON DELETE CASCADE,
  slot_id           )sql" + big + R"sql( REFERENCES slots(id) ON DELETE SET NULL,
  window_id         )sql" + big + R"sql( REFERENCES availability_windows(id) ON DELETE SET NULL,
  face              TEXT NOT NULL,
  start_at          )sql" + big + R"sql( NOT NULL,
  end_at            )sql" + big + R"sql( NOT NULL,
  units             )sql" + big + R"sql( NOT NULL DEFAULT 1 CHECK (units >= 1),
  status            TEXT NOT NULL
                    CHECK (status IN ('pending', 'confirmed', 'completed', 'cancelled', 'active')),
  notes             TEXT,
  customer_name     TEXT,
  customer_email    TEXT,
  customer_phone    TEXT,
  payment_id        TEXT,
  meeting_link      TEXT,
  created_at        )sql" + big + R"sql( NOT NULL,
  updated_at        )sql" + big + R"sql( NOT NULL,
  CHECK (end_at > start_at AND end_at - start_at <= 172800)
);
CREATE INDEX bookings_holding ON bookings(calendar_id, start_at)
  WHERE status IN ('pending', 'confirmed', 'active');
CREATE INDEX bookings_calendar ON bookings(calendar_id, start_at);
CREATE INDEX bookings_client ON bookings(client_account_id, start_at);
CREATE INDEX bookings_meeting ON bookings(meeting_id);
CREATE INDEX bookings_window ON bookings(window_id);
CREATE INDEX bookings_slot ON bookings(slot_id);
)sql";
}

}  // namespace

Migration CalendarsMigration() {
  return {2, "calendars, availability and bookings", Schema(false), Schema(true)};
}

}  // namespace kairos::store
