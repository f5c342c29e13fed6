// Migration 17: covering indexes for the overlap queries every availability listing and
// booking check runs (booking::LoadSnapshots). They hold the columns those queries read,
// so a calendar's bookings, windows and slots over a range are read from the index alone,
// without a lookup into the table per row. Each replaces the narrower index it extends.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration CoveringIndexesMigration();

}  // namespace kairos::store
