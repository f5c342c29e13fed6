#include "kairos/store/migrations.hpp"

#include <chrono>
#include <cstdint>
#include <set>
#include <stdexcept>

#include "kairos/store/calendar_schema.hpp"
#include "kairos/store/calendar_sync_schema.hpp"
#include "kairos/store/consultants_schema.hpp"
#include "kairos/store/covering_indexes_schema.hpp"
#include "kairos/store/freebusy_schema.hpp"
#include "kairos/store/notifications_schema.hpp"
#include "kairos/store/postgres_invariants_schema.hpp"
#include "kairos/store/scheduling_schema.hpp"
#include "kairos/store/teams_schema.hpp"
#include "kairos/store/v1_booking_schema.hpp"

namespace kairos::store {
namespace {

// Migration 1. Times are stored as UTC seconds since the epoch; booleans as 0/1. The
// dialects differ only in the id and integer column types.
std::string AccountsSchema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
CREATE TABLE accounts (
  id            )sql" + id + R"sql(,
  uuid          TEXT NOT NULL UNIQUE,
  username      TEXT,
  username_key  TEXT UNIQUE,
  email         TEXT,
  email_key     TEXT UNIQUE,
  first_name    TEXT NOT NULL DEFAULT '',
  last_name     TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  role          TEXT NOT NULL CHECK (role IN ('client', 'coach', 'admin')),
  is_active     )sql" + big + R"sql( NOT NULL DEFAULT 1,
  timezone      TEXT NOT NULL DEFAULT 'UTC',
  created_at    )sql" + big + R"sql( NOT NULL,
  updated_at    )sql" + big + R"sql( NOT NULL
);
CREATE TABLE auth_tokens (
  id          )sql" + id + R"sql(,
  account_id  )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  token_hash  TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('token', 'session')),
  csrf_token  TEXT,
  created_at  )sql" + big + R"sql( NOT NULL,
  expires_at  )sql" + big + R"sql( NOT NULL,
  revoked_at  )sql" + big + R"sql(
);
CREATE INDEX auth_tokens_account ON auth_tokens(account_id);
CREATE TABLE login_failures (
  id     )sql" + id + R"sql(,
  scope  TEXT NOT NULL CHECK (scope IN ('username', 'address')),
  key    TEXT NOT NULL,
  at     )sql" + big + R"sql( NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(scope, key, at);
)sql";
}

// Migration 7: failed logins are counted per username, per username and address, and
// per address ('username_address' is new), and all rows out of the window are deleted
// at once, by time. SQLite cannot change a CHECK constraint, so it rebuilds the table.
std::string LoginFailureScopesSchema(bool postgres) {
  const std::string scopes = "CHECK (scope IN ('username', 'username_address', 'address'))";
  if (postgres) {
    return R"sql(
ALTER TABLE login_failures DROP CONSTRAINT login_failures_scope_check;
ALTER TABLE login_failures ADD CONSTRAINT login_failures_scope_check )sql" + scopes + R"sql(;
CREATE INDEX login_failures_at ON login_failures(at);
)sql";
  }
  return R"sql(
CREATE TABLE login_failures_new (
  id     INTEGER PRIMARY KEY,
  scope  TEXT NOT NULL )sql" + scopes + R"sql(,
  key    TEXT NOT NULL,
  at     INTEGER NOT NULL
);
INSERT INTO login_failures_new (id, scope, key, at) SELECT id, scope, key, at FROM login_failures;
DROP TABLE login_failures;
ALTER TABLE login_failures_new RENAME TO login_failures;
CREATE INDEX login_failures_key ON login_failures(scope, key, at);
CREATE INDEX login_failures_at ON login_failures(at);
)sql";
}

// Migration 18: what the views across every consultant (face 004) read first, the
// calendars with availability in the asked dates, by time rather than by calendar: one-off
// windows by start (with their end and calendar, so the index alone answers), and active
// weekly rules by weekday. The same for both dialects.
const char* const kWindowsByTimeSchema = R"sql(
CREATE INDEX availability_windows_start ON availability_windows(start_at, end_at, calendar_id);
CREATE INDEX weekly_rules_active_weekday ON weekly_rules(iso_weekday, calendar_id)
  WHERE is_active = 1 AND is_closed = 0;
)sql";

// Migration 19: a calendar's bookings by start with their meeting, so face 002's event list
// finds the caller's meetings from the index alone instead of reading each booking's row.
// It replaces bookings_calendar(calendar_id, start_at), whose uses it serves as well: a
// booking is kept in as many indexes as before. The same for both dialects.
const char* const kBookingsWithMeetingSchema = R"sql(
CREATE INDEX bookings_calendar_meeting ON bookings(calendar_id, start_at, meeting_id);
DROP INDEX bookings_calendar;
)sql";

const char* const kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL)";

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kAll = {
      {1, "accounts and authentication", AccountsSchema(false), AccountsSchema(true)},
      CalendarsMigration(),
      CalendarSyncMigration(),
      BookingExclusionMigration(),
      MultiPlaceIndexesMigration(),
      CalendarEventRevisionsMigration(),
      {7, "login failures per username and address", LoginFailureScopesSchema(false), LoginFailureScopesSchema(true)},
      ConsultantNumbersMigration(),
      SchedulingMigration(),
      V1BookingMigration(),
      TeamsMigration(),
      NotificationsMigration(),
      InvitationsMigration(),
      NotificationsAtRestMigration(),
      CalendarBusyMigration(),
      FreeBusyTokensMigration(),
      CoveringIndexesMigration(),
      {18, "availability by time across calendars", kWindowsByTimeSchema, kWindowsByTimeSchema},
      {19, "bookings by calendar with their meeting", kBookingsWithMeetingSchema, kBookingsWithMeetingSchema},
  };
  return kAll;
}

// Servers starting together on one PostgreSQL database migrate one at a time (SQLite's
// BEGIN IMMEDIATE already does this). Held until the transaction ends.
void SerializeMigrations(Tx& tx) {
  if (tx.dialect() == Dialect::kPostgres) tx.Query("SELECT pg_advisory_xact_lock(4242020301)");
}

int SchemaVersion(Database& db) {
  db.Write([](Tx& tx) {
    SerializeMigrations(tx);
    tx.ExecScript(kCreateVersionTable);
  });
  return db.Read([](Tx& tx) {
    auto row = tx.QueryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return static_cast<int>(row->Int(0));
  });
}

int Migrate(Database& db) { return Migrate(db, AllMigrations()); }

int Migrate(Database& db, const std::vector<Migration>& all) {
  int current = SchemaVersion(db);
  if (!all.empty() && current > all.back().version) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this program knows (" + std::to_string(all.back().version) + ")");
  }
  // Every version not yet recorded, also one below the newest recorded: a database may
  // hold a later migration that was released before an earlier one.
  std::set<std::int64_t> done = db.Read([](Tx& tx) {
    std::set<std::int64_t> versions;
    for (const auto& row : tx.Query("SELECT version FROM schema_migrations")) versions.insert(row.Int(0));
    return versions;
  });
  int applied = 0;
  for (const Migration& m : all) {
    if (done.count(m.version) != 0) continue;
    db.Write([&](Tx& tx) {
      SerializeMigrations(tx);
      // Another process may have applied it since we looked.
      if (tx.QueryOne("SELECT 1 FROM schema_migrations WHERE version = ?", {Int(m.version)})) return;
      tx.ExecScript(tx.dialect() == Dialect::kSqlite ? m.sqlite_sql : m.postgres_sql);
      auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
      tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
              {Int(m.version), Text(m.name), Int(now.count())});
      ++applied;
    });
  }
  return applied;
}

}  // namespace kairos::store
