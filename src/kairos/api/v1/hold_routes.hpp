// /v1/holds (docs/api.md, "Holds").
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/idempotency.hpp"
#include "kairos/service/v1_bookings.hpp"

namespace kairos::api::v1 {

void RegisterHoldRoutes(http::Router& router, service::v1::V1Bookings& bookings, service::Idempotency& idempotency);

}  // namespace kairos::api::v1
