// Face 002 (meetings with participants): an account's hours under /api/user/ — block
// hours of a day, and read any account's free hours of a day. Errors are
// {"err_message": ["..."]}; answers are wrapped in {"response": ...}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/meetings.hpp"

namespace kairos::api::meetings {

// Adds the routes; they keep a reference to `meetings`, which must outlive the router.
void RegisterAvailabilityRoutes(http::Router& router, service::Meetings& meetings);

}  // namespace kairos::api::meetings
