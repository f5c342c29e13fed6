// The schema of the booking domain (migration 2), in both dialects.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration CalendarsMigration();

}  // namespace kairos::store
