// Face 002 (meetings with participants): the /api/event/ routes — book a meeting, list
// the caller's upcoming meetings a page at a time, replace or patch a meeting. Errors are
// {"err_message": ["..."]}; single meetings are wrapped in {"response": ...}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/meetings.hpp"

namespace kairos::api::meetings {

// Adds the routes; they keep a reference to `meetings`, which must outlive the router.
void RegisterMeetingRoutes(http::Router& router, service::Meetings& meetings);

}  // namespace kairos::api::meetings
