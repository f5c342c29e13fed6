// Face 002 (meetings with participants): the /api/event/ routes — book a meeting, list
// the caller's upcoming meetings a page at a time, replace or patch a meeting. Errors are
// {"err_message": ["..."]}; single meetings are wrapped in {"response": ...}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/store/database.hpp"

namespace kairos::api::meetings {

// Adds the routes; they keep references to `db` and `accounts`, which must outlive the router.
void RegisterMeetingRoutes(http::Router& router, store::Database& db, service::Accounts& accounts);

}  // namespace kairos::api::meetings
