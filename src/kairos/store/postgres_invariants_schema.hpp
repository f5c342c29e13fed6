// The database's own guard against double booking (migration 4), in both dialects.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration BookingExclusionMigration();

}  // namespace kairos::store
