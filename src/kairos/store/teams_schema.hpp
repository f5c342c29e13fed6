// Migration 11: teams (members with roles, invited then accepted), the hosts of team
// event types (mandatory, weight), event types' scheduling kind and team, and the other
// hosts' calendar rows of a team booking.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration TeamsMigration();

}  // namespace kairos::store
