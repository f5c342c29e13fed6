// What the /v1 slot, hold and booking routes share: the refusal answer (409 when the time
// is taken, 422 when the event type's rules forbid it, with the reason), the booking's
// JSON, and Idempotency-Key handling for the writes that create.
#pragma once

#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kairos/http/request.hpp"
#include "kairos/http/router.hpp"
#include "kairos/service/idempotency.hpp"
#include "kairos/service/v1_bookings.hpp"

namespace kairos::api::v1 {

// A problem with status 409 or 422, "errors": [{"field": "start", ...}] and "reason".
http::Response UnavailableResponse(const service::v1::Unavailable& u);

// The problem a refused hold, booking or reschedule answers: a Problem plus "reason".
nlohmann::json RefusalSchema();
http::ResponseDoc RefusalDoc(int status, std::string description);

nlohmann::json BookingJson(const service::v1::BookingView& b);
nlohmann::json BookingSchema();
nlohmann::json HoldSchema();

// Runs `run` once per Idempotency-Key (when the request has one): the first answer (201,
// 409 or 422) is kept for 24 hours and replayed, with Idempotent-Replayed: true, to the
// same request with the same key from the same caller; the key with another body is 422;
// while the first is still being answered, 409.
http::Response Idempotent(const http::Request& request, service::Idempotency& idempotency, std::string_view route,
                          const std::function<http::Response()>& run);

// Instants in answers: RFC 3339 in UTC.
nlohmann::json Instant3339(Instant t);

}  // namespace kairos::api::v1
