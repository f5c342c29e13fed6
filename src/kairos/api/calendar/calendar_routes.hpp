// Calendar integration (face 001's /calendar section, plus CalDAV and iCalendar feeds):
// OAuth authorization URLs and code exchange for Google and Outlook, CalDAV connection,
// booking sync, connections, feed tokens, the subscription feed and one booking's .ics.
// Errors are {"detail": "..."}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/calendar_sync.hpp"
#include "kairos/service/calendar_sync_feeds.hpp"

namespace kairos::api::calendar {

// Adds the routes; they keep references to both services, which must outlive the router.
void RegisterCalendarRoutes(http::Router& router, service::CalendarSync& sync, service::CalendarFeeds& feeds);

}  // namespace kairos::api::calendar
