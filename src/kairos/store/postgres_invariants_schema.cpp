// Migration 4: bookings on a calendar where everything has capacity 1 are marked
// `exclusive_hold` when inserted, and PostgreSQL refuses two such bookings holding
// overlapping time on one calendar, whichever server instance inserts them. Services
// still lock the calendar row and check first (that also covers larger capacities);
// the constraint is the last line. SQLite serializes writers (BEGIN IMMEDIATE) and only
// gets the column, so one INSERT serves both dialects.
#include "kairos/store/postgres_invariants_schema.hpp"

namespace kairos::store {
namespace {

const char* const kSqlite = R"sql(
ALTER TABLE bookings ADD COLUMN exclusive_hold INTEGER NOT NULL DEFAULT 0 CHECK (exclusive_hold IN (0, 1));
)sql";

// Existing rows keep 0: marking them could fail on history the row locks allowed
// (capacity lowered later), and new bookings are what the constraint must stop.
const char* const kPostgres = R"sql(
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings ADD COLUMN exclusive_hold BIGINT NOT NULL DEFAULT 0 CHECK (exclusive_hold IN (0, 1));
ALTER TABLE bookings ADD CONSTRAINT bookings_exclusive_no_overlap
  EXCLUDE USING gist (calendar_id WITH =, int8range(start_at, end_at) WITH &&)
  WHERE (exclusive_hold = 1 AND status IN ('pending', 'confirmed', 'active'));
)sql";

// Inserting a booking decides exclusive_hold by asking whether anything on the calendar
// offers more than one place. Indexes over just those rows make each question one
// lookup instead of a scan of the calendar's history; the same statements on both.
const char* const kMultiPlaceIndexes = R"sql(
CREATE INDEX slots_multi_place ON slots(calendar_id) WHERE capacity > 1;
CREATE INDEX availability_windows_multi_place ON availability_windows(calendar_id) WHERE capacity > 1;
CREATE INDEX weekly_rules_multi_place ON weekly_rules(calendar_id) WHERE capacity > 1;
)sql";

}  // namespace

Migration MultiPlaceIndexesMigration() {
  return {5, "indexes for the exclusive-hold decision", kMultiPlaceIndexes, kMultiPlaceIndexes};
}

Migration BookingExclusionMigration() {
  return {4, "bookings: exclusion of overlapping exclusive holds", kSqlite, kPostgres};
}

}  // namespace kairos::store
