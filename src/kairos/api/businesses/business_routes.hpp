// Face 003 (businesses): exchanges with opening hours, a day's time slots, bookings that
// create their time slot, and pre-generated slots. Errors are field-keyed,
// {"field": ["message"]}, or {"detail": "..."} for 401/403/404.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/businesses.hpp"

namespace kairos::api::businesses {

// Adds the /api/exchanges/, /api/time-slots/ and /api/bookings/ routes; they keep a
// reference to `businesses`, which must outlive the router.
void RegisterBusinessRoutes(http::Router& router, service::Businesses& businesses);

}  // namespace kairos::api::businesses
