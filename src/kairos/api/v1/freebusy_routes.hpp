// The free/busy feed (docs/calendar-integration.md, "Feeds out"): GET
// /v1/users/{username}/freebusy.ics?token=…, and the owner's routes that make, show and
// revoke its token under /v1/me/freebusy-token.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/service/freebusy_feed.hpp"

namespace kairos::api::v1 {

void RegisterFreeBusyRoutes(http::Router& router, service::FreeBusyFeeds& feeds, service::Accounts& accounts);

}  // namespace kairos::api::v1
