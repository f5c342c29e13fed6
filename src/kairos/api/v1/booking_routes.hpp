// /v1/bookings (docs/api.md, "Bookings"): book an event type, list, read, cancel,
// reschedule, confirm, decline, and the booking as an .ics file.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/idempotency.hpp"
#include "kairos/service/v1_bookings.hpp"

namespace kairos::api::v1 {

void RegisterBookingRoutes(http::Router& router, service::v1::V1Bookings& bookings, service::Idempotency& idempotency);

}  // namespace kairos::api::v1
