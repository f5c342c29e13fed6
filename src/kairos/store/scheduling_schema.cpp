#include "kairos/store/scheduling_schema.hpp"

namespace kairos::store {
namespace {

std::string Schema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
CREATE TABLE schedules (
  id               )sql" + id + R"sql(,
  uuid             TEXT NOT NULL UNIQUE,
  owner_account_id )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  time_zone        TEXT NOT NULL,
  created_at       )sql" + big + R"sql( NOT NULL,
  updated_at       )sql" + big + R"sql( NOT NULL
);
CREATE INDEX schedules_owner ON schedules(owner_account_id, id);

-- The weekly intervals, local to the schedule's zone, in the order they were given.
CREATE TABLE schedule_weekly (
  id           )sql" + id + R"sql(,
  schedule_id  )sql" + big + R"sql( NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  position     )sql" + big + R"sql( NOT NULL,
  iso_weekday  )sql" + big + R"sql( NOT NULL CHECK (iso_weekday BETWEEN 1 AND 7),
  start_second )sql" + big + R"sql( NOT NULL,
  end_second   )sql" + big + R"sql( NOT NULL,
  CHECK (start_second >= 0 AND end_second <= 86400 AND end_second > start_second)
);
CREATE INDEX schedule_weekly_schedule ON schedule_weekly(schedule_id, position);

-- A date's override replaces the weekly intervals of that local date. A row with no
-- times closes the date; rows with times are its intervals.
CREATE TABLE schedule_overrides (
  id           )sql" + id + R"sql(,
  schedule_id  )sql" + big + R"sql( NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  local_date   TEXT NOT NULL,
  position     )sql" + big + R"sql( NOT NULL,
  start_second )sql" + big + R"sql(,
  end_second   )sql" + big + R"sql(,
  CHECK ((start_second IS NULL AND end_second IS NULL) OR
         (start_second >= 0 AND end_second <= 86400 AND end_second > start_second))
);
CREATE INDEX schedule_overrides_date ON schedule_overrides(schedule_id, local_date, position);

CREATE TABLE event_types (
  id                     )sql" + id + R"sql(,
  uuid                   TEXT NOT NULL UNIQUE,
  owner_account_id       )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  slug                   TEXT NOT NULL,
  title                  TEXT NOT NULL,
  description            TEXT NOT NULL DEFAULT '',
  duration_minutes       )sql" + big + R"sql( NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
  schedule_id            )sql" + big + R"sql( REFERENCES schedules(id) ON DELETE SET NULL,
  slot_interval_minutes  )sql" + big + R"sql( CHECK (slot_interval_minutes BETWEEN 1 AND 1440),
  buffer_before_minutes  )sql" + big + R"sql( NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 1440),
  buffer_after_minutes   )sql" + big + R"sql( NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 1440),
  minimum_notice_minutes )sql" + big + R"sql( NOT NULL DEFAULT 0 CHECK (minimum_notice_minutes >= 0),
  window_type            TEXT NOT NULL DEFAULT 'unlimited' CHECK (window_type IN ('rolling', 'range', 'unlimited')),
  window_days            )sql" + big + R"sql(,
  window_start_date      TEXT,
  window_end_date        TEXT,
  limit_per_day          )sql" + big + R"sql( CHECK (limit_per_day >= 1),
  limit_per_week         )sql" + big + R"sql( CHECK (limit_per_week >= 1),
  seats_per_slot         )sql" + big + R"sql( NOT NULL DEFAULT 1 CHECK (seats_per_slot >= 1),
  requires_confirmation  )sql" + big + R"sql( NOT NULL DEFAULT 0 CHECK (requires_confirmation IN (0, 1)),
  is_public              )sql" + big + R"sql( NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
  hold_minutes           )sql" + big + R"sql( NOT NULL DEFAULT 10 CHECK (hold_minutes BETWEEN 1 AND 30),
  questions              TEXT NOT NULL DEFAULT '[]',
  created_at             )sql" + big + R"sql( NOT NULL,
  updated_at             )sql" + big + R"sql( NOT NULL,
  UNIQUE (owner_account_id, slug)
);
CREATE INDEX event_types_schedule ON event_types(schedule_id);
)sql";
}

}  // namespace

Migration SchedulingMigration() { return {9, "schedules and event types", Schema(false), Schema(true)}; }

}  // namespace kairos::store
