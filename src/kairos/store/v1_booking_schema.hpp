// Migration 10: what the /v1 API's holds and bookings keep beyond the shared `bookings`
// table: holds (a time kept for a client for a few minutes, busy time in every face until
// it expires), the v1 details of a booking (event type, attendee, guests, answers, the
// hash of its manage token, the v1 status and reason) and idempotency keys.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration V1BookingMigration();

}  // namespace kairos::store
