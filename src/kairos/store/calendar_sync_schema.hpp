// The schema of calendar integration (migrations 3, 6 and 15), in both dialects.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration CalendarSyncMigration();
// Migration 6: each external event's content digest and zone, so SEQUENCE counts changes.
Migration CalendarEventRevisionsMigration();
// Migration 15: the busy switch, subscription connections and each connection's busy time.
Migration CalendarBusyMigration();

}  // namespace kairos::store
