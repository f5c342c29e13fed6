// The pages a person reads in a browser (docs/pages.md): the front page, a host's public
// booking pages, the attendee's page to manage a booking, the host's app, the embedded
// assets and the embed script. Pages are small server-rendered shells; their modules
// (web/) call /v1 from the browser.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/service/event_types.hpp"
#include "kairos/service/v1_bookings.hpp"

namespace kairos::pages {

struct PageServices {
  service::Accounts& accounts;
  service::EventTypes& event_types;
  service::v1::V1Bookings& bookings;
};

void RegisterPageRoutes(http::Router& router, PageServices services);

}  // namespace kairos::pages
