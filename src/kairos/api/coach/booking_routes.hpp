// Face 001 (coach bookings): the /booking routes — create, read, list, change status,
// cancel, and a coach's availability. Errors are {"detail": "..."}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/service/coach_bookings.hpp"
#include "kairos/store/database.hpp"

namespace kairos::api::coach {

// Adds the routes; they keep references to `db` and `accounts`, which must outlive the router.
// `on_cancelled` hears of every cancelled session (calendar integration).
void RegisterBookingRoutes(http::Router& router, store::Database& db, service::Accounts& accounts,
                           service::SessionCancelledListener on_cancelled = {});

}  // namespace kairos::api::coach
