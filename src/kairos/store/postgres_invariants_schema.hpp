// The database's own guard against double booking (migration 4), in both dialects.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration BookingExclusionMigration();

// Migration 5: partial indexes over the rows that offer more than one place.
Migration MultiPlaceIndexesMigration();

}  // namespace kairos::store
