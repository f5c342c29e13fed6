// Migration 9: Kairos's own scheduling model (the /v1 API): schedules (a named weekly
// pattern in a time zone, with per-date overrides) and event types (what a host offers:
// length, grid, buffers, notice, window, limits, seats, questions).
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration SchedulingMigration();

}  // namespace kairos::store
