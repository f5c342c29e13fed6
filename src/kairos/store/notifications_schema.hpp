// Migration 12: notifications through a transactional outbox. The booking module writes
// an event (and one delivery per subscribed webhook) in the same transaction as the
// booking change; a dispatcher claims due deliveries, sends them and records each attempt.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration NotificationsMigration();

}  // namespace kairos::store
