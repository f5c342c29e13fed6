// Face 001 (coach bookings): the /booking routes — create, read, list, change status,
// cancel, and a coach's availability. Errors are {"detail": "..."}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/coach_bookings.hpp"

namespace kairos::api::coach {

// Adds the routes; they keep a reference to `bookings`, which must outlive the router.
void RegisterBookingRoutes(http::Router& router, service::CoachBookings& bookings);

}  // namespace kairos::api::coach
