#include "kairos/api/v1/hold_routes.hpp"

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/booking_answers.hpp"
#include "kairos/api/v1/kit.hpp"

namespace kairos::api::v1 {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;

constexpr const char* kTag = "v1 holds";

}  // namespace

void RegisterHoldRoutes(http::Router& router, service::v1::V1Bookings& bookings, service::Idempotency& idempotency) {
  http::Route create{
      Method::kPost, "/v1/holds", Access::kPublic, kStyle, kTag,
      "Keep a start for a few minutes (the event type's hold_minutes) while the booking form is filled in.", {},
      [&bookings, &idempotency](Request& req) -> Response {
        return Idempotent(req, idempotency, "POST /v1/holds", [&]() -> Response {
          auto body = ReadBody(req);
          if (!body) return Fail(body.error());
          auto id = body->RequiredString("event_type_id", 64);
          if (!id) return Fail(id.error());
          if (!http::IsUuid(*id)) return Fail(InvalidArgument("event_type_id must be a UUID.", "event_type_id"));
          auto start_text = body->RequiredString("start", 64);
          if (!start_text) return Fail(start_text.error());
          auto start = ParseTimestamp(*start_text, "start");
          if (!start) return Fail(start.error());
          if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
          auto held = bookings.CreateHold(OptionalCaller(req), NormalizedUuid(*id), *start, Now());
          if (!held) return Fail(held.error());
          if (auto* u = std::get_if<service::v1::Unavailable>(&*held)) return UnavailableResponse(*u);
          const auto& h = std::get<service::v1::HoldView>(*held);
          return Created({{"id", h.id},
                          {"start", Instant3339(h.interval.start)},
                          {"end", Instant3339(h.interval.end)},
                          {"expires_at", Instant3339(h.expires_at)}});
        });
      }};
  create.doc.operation_id = "createHold";
  create.doc.description =
      "While the hold lives nobody else can hold or book that time (409). Its id is the capability to release it "
      "or to book it (POST /v1/bookings with hold_id). Honours Idempotency-Key.";
  create.doc.request_body = schema::Object({{"event_type_id", schema::Uuid()}, {"start", schema::Timestamp()}},
                                           {"event_type_id", "start"});
  create.doc.request_body_name = "HoldCreate";
  create.doc.responses = {Success(201, "The hold.", HoldSchema(), "Hold"), Problem(400, "Bad input."),
                          Problem(404, "No such event type (or not public)."),
                          RefusalDoc(409, "The time is not available (reason says why)."),
                          RefusalDoc(422, "The event type's rules forbid the time, or the Idempotency-Key was reused.")};
  router.Add(std::move(create));

  http::Route release{Method::kDelete, "/v1/holds/{id:uuid}", Access::kPublic, kStyle, kTag,
                      "Release a hold (its id is the capability).", {}, [&bookings](Request& req) -> Response {
                        auto s = bookings.ReleaseHold(NormalizedUuid(req.Param("id")), Now());
                        if (!s) return Fail(s.error());
                        return NoContent();
                      }};
  release.doc.operation_id = "releaseHold";
  release.doc.path_params = {{"id", "The hold's id."}};
  release.doc.responses = {Success(204, "Released."), Problem(404, "No live hold with that id.")};
  router.Add(std::move(release));
}

}  // namespace kairos::api::v1
