// /v1/event-types and the public lookups under /v1/users/{username}/event-types
// (docs/api.md, "Event types").
#pragma once

#include <nlohmann/json.hpp>

#include "kairos/booking/event_types.hpp"
#include "kairos/http/router.hpp"
#include "kairos/service/event_types.hpp"

namespace kairos::api::v1 {

// The one description of an event type: answered, published as "EventType", validated
// against in the tests.
nlohmann::json EventTypeSchema();
// The body of a create (slug, title, duration_minutes required) or an update (all optional).
nlohmann::json EventTypeWriteSchema(bool create);
nlohmann::json EventTypeJson(const booking::EventType& event_type);

void RegisterEventTypeRoutes(http::Router& router, service::EventTypes& event_types);

}  // namespace kairos::api::v1
