// The schema of calendar integration (migrations 3 and 6), in both dialects.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration CalendarSyncMigration();
// Migration 6: each external event's content digest and zone, so SEQUENCE counts changes.
Migration CalendarEventRevisionsMigration();

}  // namespace kairos::store
