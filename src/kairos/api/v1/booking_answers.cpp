#include "kairos/api/v1/booking_answers.hpp"

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/kit.hpp"
#include "kairos/auth/crypto.hpp"

namespace kairos::api::v1 {

using nlohmann::json;

json Instant3339(Instant t) { return FormatTimestamp(t); }

http::Response UnavailableResponse(const service::v1::Unavailable& u) {
  Error e = u.rules ? InvalidArgument(u.message, "start") : Conflict(u.message, "start");
  http::Response r = Fail(e, u.rules ? 422 : 409);
  json body = json::parse(r.body, nullptr, false);
  if (body.is_object()) {
    body["reason"] = u.reason;
    r.body = body.dump();
  }
  return r;
}

json RefusalSchema() {
  json s = schema::Problem();
  s["properties"]["reason"] = schema::Enum({"outside_hours", "blocked", "busy", "booked", "held", "full", "buffer",
                                            "too_soon", "too_far", "limit_reached"});
  s["properties"]["reason"]["description"] =
      "Why the time is not available (409) or the event type's rules forbid it (422); absent for other conflicts.";
  return s;
}

http::ResponseDoc RefusalDoc(int status, std::string description) {
  return {status, std::move(description), RefusalSchema(), "Refusal", "application/problem+json"};
}

json BookingJson(const service::v1::BookingView& b) {
  json j = {{"id", b.id},
            {"face", b.face},
            {"status", booking::V1StatusName(b.status)},
            {"start", Instant3339(b.interval.start)},
            {"end", Instant3339(b.interval.end)},
            {"event_type_id", b.event_type_id ? json(*b.event_type_id) : json(nullptr)},
            {"host", {{"id", b.host.id}, {"name", b.host.name}, {"email", b.host.email}}},
            {"attendee", {{"name", b.attendee.name}, {"email", b.attendee.email}, {"time_zone", b.attendee.time_zone}}},
            {"guests", b.guests},
            {"answers", b.answers},
            {"reason", b.reason ? json(*b.reason) : json(nullptr)},
            {"created_at", Instant3339(b.created_at)},
            {"updated_at", Instant3339(b.updated_at)}};
  if (b.manage_token) j["manage_token"] = *b.manage_token;
  return j;
}

json BookingSchema() {
  json person = schema::Object({{"id", schema::Uuid()}, {"name", schema::String()}, {"email", schema::String()}},
                               {"id", "name", "email"});
  json attendee = schema::Object(
      {{"name", schema::String(200, 1)}, {"email", schema::String(254)}, {"time_zone", schema::String()}},
      {"name", "email", "time_zone"});
  json s = schema::Object(
      {{"id", schema::Uuid()},
       {"face", schema::Enum({"v1", "000", "001", "002", "003", "004"})},
       {"status", schema::Enum({"accepted", "pending", "cancelled", "declined"})},
       {"start", schema::Timestamp()},
       {"end", schema::Timestamp()},
       {"event_type_id", schema::Nullable(schema::Uuid())},
       {"host", person},
       {"attendee", attendee},
       {"guests", schema::ArrayOf(schema::String(254), 10)},
       {"answers", {{"type", "object"}, {"additionalProperties", schema::String(2000)}}},
       {"reason", schema::Nullable(schema::String(1000))},
       {"manage_token", schema::String()},
       {"created_at", schema::Timestamp()},
       {"updated_at", schema::Timestamp()}},
      {"id", "face", "status", "start", "end", "event_type_id", "host", "attendee", "guests", "answers", "reason", "created_at",
       "updated_at"});
  s["properties"]["manage_token"]["description"] =
      "Only in the answer that created the booking: the attendee's capability to read, cancel and reschedule it.";
  s["properties"]["face"]["description"] =
      "Where the booking was made: v1, or face 000 (time slots), 001 (coach), 002 (meetings), 003 (businesses), "
      "004 (consultants); the others are listed with GET /v1/bookings?faces=all.";
  return s;
}

json HoldSchema() {
  return schema::Object({{"id", schema::Uuid()},
                         {"start", schema::Timestamp()},
                         {"end", schema::Timestamp()},
                         {"expires_at", schema::Timestamp()}},
                        {"id", "start", "end", "expires_at"});
}

http::Response Idempotent(const http::Request& request, service::Idempotency& idempotency, std::string_view route,
                          const std::function<http::Response()>& run) {
  const std::string key(request.Header("idempotency-key"));
  if (key.empty()) return run();
  if (key.size() > 255) {
    return Fail(InvalidArgument("Idempotency-Key must be at most 255 characters.", "Idempotency-Key"));
  }
  const auth::Principal* caller = OptionalCaller(request);
  const std::string scope = std::string(route) + " " + (caller ? caller->account_uuid : std::string("anonymous"));
  json parsed = json::parse(request.body, nullptr, false);
  const std::string canonical = parsed.is_discarded() ? request.body : parsed.dump();
  auto claim = idempotency.Begin(scope, key, auth::SecretDigest(canonical), Now());
  switch (claim.kind) {
    case service::Idempotency::Kind::kReplay: {
      http::Response r;
      r.status = claim.status;
      r.body = claim.body;
      r.content_type = claim.status >= 400 ? "application/problem+json" : "application/json";
      r.SetHeader("Idempotent-Replayed", "true");
      return r;
    }
    case service::Idempotency::Kind::kMismatch:
      return Unprocessable(InvalidArgument("This Idempotency-Key was used with another request body.",
                                           "Idempotency-Key"));
    case service::Idempotency::Kind::kInProgress:
      return Fail(Conflict("A request with this Idempotency-Key is still being answered.", "Idempotency-Key"));
    case service::Idempotency::Kind::kNew:
      break;
  }
  http::Response r;
  try {
    r = run();
  } catch (...) {
    idempotency.Abandon(scope, key);
    throw;
  }
  if (r.status == 201 || r.status == 409 || r.status == 422) {
    idempotency.Finish(scope, key, r.status, r.body);
  } else {
    idempotency.Abandon(scope, key);
  }
  return r;
}

}  // namespace kairos::api::v1
