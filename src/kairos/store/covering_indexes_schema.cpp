#include "kairos/store/covering_indexes_schema.hpp"

namespace kairos::store {
namespace {

// The same statements on both backends; the partial index's predicate is the one the
// holding-bookings query repeats (kHoldingStatusesSql), so both planners use it; status is
// also a column, as SQLite reads an index alone only when it holds every column named.
constexpr const char* kSchema = R"sql(
CREATE INDEX bookings_holding_span ON bookings(calendar_id, start_at, end_at, units, id, status)
  WHERE status IN ('pending', 'confirmed', 'active');
DROP INDEX bookings_holding;
CREATE INDEX availability_windows_span ON availability_windows(calendar_id, start_at, end_at, capacity, id);
DROP INDEX availability_windows_time;
CREATE INDEX slots_span ON slots(calendar_id, start_at, end_at, status, capacity, id);
DROP INDEX slots_time;
)sql";

}  // namespace

Migration CoveringIndexesMigration() { return {17, "covering indexes for overlap queries", kSchema, kSchema}; }

}  // namespace kairos::store
