// /v1/schedules: weekly intervals in a zone, with per-date overrides (docs/api.md,
// "Schedules"). Owner only; another account's schedule is a 404.
#pragma once

#include <nlohmann/json.hpp>

#include "kairos/booking/event_types.hpp"
#include "kairos/http/router.hpp"
#include "kairos/service/schedules.hpp"

namespace kairos::api::v1 {

// The one description of a schedule: what the routes answer, what /openapi.json
// publishes ("Schedule"), and what the tests validate against.
nlohmann::json ScheduleSchema();
// The body of a create (name required) or an update (every field optional).
nlohmann::json ScheduleWriteSchema(bool create);
nlohmann::json ScheduleJson(const booking::Schedule& schedule);

void RegisterScheduleRoutes(http::Router& router, service::Schedules& schedules);

}  // namespace kairos::api::v1
