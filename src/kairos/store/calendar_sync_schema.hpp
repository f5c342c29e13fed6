// The schema of calendar integration (migration 3), in both dialects.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration CalendarSyncMigration();

}  // namespace kairos::store
