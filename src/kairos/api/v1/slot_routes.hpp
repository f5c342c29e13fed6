// /v1/slots and /v1/slots/explain (docs/api.md, "Slots").
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/v1_bookings.hpp"

namespace kairos::api::v1 {

void RegisterSlotRoutes(http::Router& router, service::v1::V1Bookings& bookings);

}  // namespace kairos::api::v1
