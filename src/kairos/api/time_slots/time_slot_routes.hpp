// Face 000 (personal time slots): the /users/time-slots/ routes — create one, create in
// bulk, list, summary, read, update, delete, upcoming available, book, block, unblock.
// Every route needs a Bearer token; errors are {"detail": "..."}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/time_slots.hpp"

namespace kairos::api::time_slots {

// Adds the routes; they keep a reference to `slots`, which must outlive the router.
void RegisterTimeSlotRoutes(http::Router& router, service::TimeSlots& slots);

}  // namespace kairos::api::time_slots
