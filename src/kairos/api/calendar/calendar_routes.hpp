// Calendar integration (face 001's /calendar section, plus CalDAV and iCalendar feeds):
// OAuth authorization URLs and code exchange for Google and Outlook, CalDAV connection,
// booking sync, connections (with their busy switch and busy-time refresh), iCalendar
// subscriptions read for busy time, feed tokens, the subscription feed and one booking's .ics.
// Errors are {"detail": "..."}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/calendar_busy.hpp"
#include "kairos/service/calendar_sync.hpp"
#include "kairos/service/calendar_sync_feeds.hpp"

namespace kairos::api::calendar {

// Adds the routes; they keep references to the services, which must outlive the router.
void RegisterCalendarRoutes(http::Router& router, service::CalendarSync& sync, service::CalendarFeeds& feeds,
                            service::CalendarBusy& busy);

}  // namespace kairos::api::calendar
