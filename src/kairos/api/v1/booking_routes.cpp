#include "kairos/api/v1/booking_routes.hpp"

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/booking_answers.hpp"
#include "kairos/api/v1/kit.hpp"

namespace kairos::api::v1 {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;

constexpr const char* kTag = "v1 bookings";
constexpr std::size_t kMaxReason = 1000;

Result<service::v1::Attendee> ReadAttendee(const json* raw) {
  if (raw == nullptr) return InvalidArgument("attendee is required.", "attendee");
  auto r = ObjectReader::Of(*raw, "attendee");
  if (!r) return r.error();
  service::v1::Attendee a;
  auto name = r->RequiredString("name", 200);
  if (!name) return name.error();
  a.name = *name;
  auto email = r->RequiredString("email", 254);
  if (!email) return email.error();
  a.email = *email;
  auto zone = r->OptionalString("time_zone", 64);
  if (!zone) return zone.error();
  a.time_zone = zone->value_or("");
  if (auto s = r->RejectUnknownFields(); !s) return s.error();
  return a;
}

Result<service::v1::BookingInput> ReadBooking(const Request& req) {
  auto body = ReadBody(req);
  if (!body) return body.error();
  service::v1::BookingInput in;
  auto id = body->RequiredString("event_type_id", 64);
  if (!id) return id.error();
  if (!http::IsUuid(*id)) return InvalidArgument("event_type_id must be a UUID.", "event_type_id");
  in.event_type_id = NormalizedUuid(*id);
  auto start_text = body->RequiredString("start", 64);
  if (!start_text) return start_text.error();
  auto start = ParseTimestamp(*start_text, "start");
  if (!start) return start.error();
  in.start = *start;
  auto attendee = ReadAttendee(body->Raw("attendee"));
  if (!attendee) return attendee.error();
  in.attendee = *attendee;
  if (const json* guests = body->Raw("guests"); guests != nullptr) {
    if (!guests->is_array()) return InvalidArgument("guests must be an array of email addresses.", "guests");
    for (std::size_t i = 0; i < guests->size(); ++i) {
      const json& g = (*guests)[i];
      std::string field = "guests[" + std::to_string(i) + "]";
      if (!g.is_string()) return InvalidArgument(field + " must be an email address.", field);
      in.guests.push_back(g.get<std::string>());
    }
  }
  if (const json* answers = body->Raw("answers"); answers != nullptr) {
    if (!answers->is_object()) return InvalidArgument("answers must be an object.", "answers");
    in.answers = *answers;
  }
  if (const json* hold = body->Raw("hold_id"); hold != nullptr && !hold->is_null()) {
    if (!hold->is_string() || !http::IsUuid(hold->get<std::string>())) {
      return InvalidArgument("hold_id must be a hold's id.", "hold_id");
    }
    in.hold_id = NormalizedUuid(hold->get<std::string>());
  }
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return in;
}

// An optional {"reason": "..."} body (an empty body is none).
Result<std::optional<std::string>> ReadReason(const Request& req) {
  if (req.body.empty()) return std::optional<std::string>();
  auto body = ReadBody(req);
  if (!body) return body.error();
  std::optional<std::string> reason;
  if (const json* raw = body->Raw("reason"); raw != nullptr && !raw->is_null()) {
    if (!raw->is_string()) return InvalidArgument("reason must be a string.", "reason");
    if (Characters(raw->get<std::string>()) > kMaxReason) {
      return InvalidArgument("reason must be at most 1000 characters.", "reason");
    }
    reason = raw->get<std::string>();
  }
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return reason;
}

// An optional empty body: nothing, or {} (strictly: no fields).
Status ReadNothing(const Request& req) {
  if (req.body.empty()) return {};
  auto body = ReadBody(req);
  if (!body) return body.error();
  return body->RejectUnknownFields();
}

service::v1::BookingCaller CallerOf(const Request& req) { return {OptionalCaller(req), req.Query("token")}; }

Response Answer(const Result<service::v1::BookingView>& b) {
  if (!b) return Fail(b.error());
  return Ok(BookingJson(*b));
}

Response Answer(const service::v1::Outcome<service::v1::BookingView>& b, int status) {
  if (!b) return Fail(b.error());
  if (auto* u = std::get_if<service::v1::Unavailable>(&*b)) return UnavailableResponse(*u);
  return http::JsonResponse(status, BookingJson(std::get<service::v1::BookingView>(*b)));
}

std::map<std::string, std::string> IdParam() { return {{"id", "The booking's id."}}; }

}  // namespace

void RegisterBookingRoutes(http::Router& router, service::v1::V1Bookings& bookings, service::Idempotency& idempotency) {
  FaceRoutes routes(router);
  const json booking_schema = BookingSchema();
  auto ok = [&] { return Success(200, "The booking.", booking_schema, "Booking"); };
  const std::vector<http::QueryParam> token_param = {
      {"token", "The booking's manage token (attendees); hosts use their bearer token instead.", false}};

  http::Route create{
      Method::kPost, "/v1/bookings", Access::kPublic, kStyle, kTag,
      "Book an event type: public ones by anyone, the owner's own others by the owner.", {},
      [&bookings, &idempotency](Request& req) -> Response {
        return Idempotent(req, idempotency, "POST /v1/bookings", [&]() -> Response {
          auto in = ReadBooking(req);
          if (!in) return Fail(in.error());
          return Answer(bookings.Create(OptionalCaller(req), *in, Now()), 201);
        });
      }};
  create.doc.operation_id = "createBooking";
  create.doc.description =
      "409 when the time is not available (taken, held, full, outside hours, blocked, inside a buffer), 422 when "
      "the event type's rules forbid it (too soon, too far, over a limit); the problem's reason says which. "
      "Required questions are enforced as 400 naming answers.<name>. Honours Idempotency-Key.";
  create.doc.request_body = schema::Object(
      {{"event_type_id", schema::Uuid()},
       {"start", schema::Timestamp()},
       {"attendee", schema::Object({{"name", schema::String(200, 1)},
                                    {"email", schema::String(254)},
                                    {"time_zone", schema::String(64)}},
                                   {"name", "email"})},
       {"guests", schema::ArrayOf(schema::String(254), 10)},
       {"answers", {{"type", "object"}, {"additionalProperties", schema::String(2000)}}},
       {"hold_id", schema::Nullable(schema::Uuid())}},
      {"event_type_id", "start", "attendee"});
  create.doc.request_body_name = "BookingCreate";
  create.doc.responses = {Success(201, "The booking, with its manage token.", booking_schema, "Booking"),
                          Problem(400, "Bad input."), Problem(404, "No such event type (or not public)."),
                          RefusalDoc(409, "The time is not available (reason says why)."),
                          RefusalDoc(422, "The event type's rules forbid the time, or the Idempotency-Key was reused.")};
  routes.Add(std::move(create));

  http::Route list{Method::kGet, "/v1/bookings", Access::kAuthenticated, kStyle, kTag,
                   "The bookings of the caller's event types, by start.", PageParams(),
                   [&bookings](Request& req) -> Response {
                     auto page = ReadPage(req);
                     if (!page) return Fail(page.error());
                     service::v1::BookingFilter filter;
                     if (auto status = req.Query("status")) {
                       filter.status = booking::ParseV1Status(*status);
                       if (!filter.status) {
                         return Fail(InvalidArgument("status must be accepted, pending, cancelled or declined.",
                                                     "status"));
                       }
                     }
                     auto from = QueryTimestamp(req, "from");
                     if (!from) return Fail(from.error());
                     filter.from = *from;
                     auto to = QueryTimestamp(req, "to");
                     if (!to) return Fail(to.error());
                     filter.to = *to;
                     if (auto faces = req.Query("faces")) {
                       if (*faces != "all" && *faces != "v1") {
                         return Fail(InvalidArgument("faces must be all or v1.", "faces"));
                       }
                       filter.all_faces = *faces == "all";
                     }
                     auto found = bookings.List(Caller(req), filter, page->limit, page->after ? &*page->after : nullptr);
                     if (!found) return Fail(found.error());
                     return Ok(PageJson(*found, BookingJson));
                   }};
  list.query.push_back({"status", "accepted, pending, cancelled or declined.", false});
  list.query.push_back({"from", "Bookings starting at or after this RFC 3339 instant.", false});
  list.query.push_back({"to", "Bookings starting before this RFC 3339 instant.", false});
  list.query.push_back({"faces",
                        "v1 (the default): bookings made through /v1. all: also every booking made through faces "
                        "000 to 004 on calendars the caller owns.",
                        false});
  list.doc.operation_id = "listBookings";
  list.doc.description =
      "Each item's face says where the booking was made (v1, 000, 001, 002, 003, 004). Another face's booking has "
      "event_type_id null, no guests or answers, its attendee from the booking's customer or client account, and "
      "its status mapped onto /v1's: pending, accepted (confirmed, active, completed) or cancelled.";
  list.doc.query_schemas["faces"] = schema::Enum({"v1", "all"});
  DocumentPageParams(list.doc);
  list.doc.query_schemas["status"] = schema::Enum({"accepted", "pending", "cancelled", "declined"});
  list.doc.query_schemas["from"] = schema::Timestamp();
  list.doc.query_schemas["to"] = schema::Timestamp();
  list.doc.responses = WithProblems({Success(200, "A page of bookings.", schema::PageOf(booking_schema, "Booking"))},
                                    {400, 401});
  routes.Add(std::move(list));

  // "{id}" or "{id}.ics": one pattern, since a segment is matched whole.
  http::Route get{Method::kGet, "/v1/bookings/{id}", Access::kPublic, kStyle, kTag,
                  "One booking (host, or ?token=); {id}.ics answers it as text/calendar.", token_param,
                  [&bookings](Request& req) -> Response {
                    std::string id = req.Param("id");
                    bool ics = id.size() > 4 && id.compare(id.size() - 4, 4, ".ics") == 0;
                    if (ics) id.resize(id.size() - 4);
                    if (!http::IsUuid(id)) return Fail(NotFound("Booking not found"));
                    id = NormalizedUuid(id);
                    if (!ics) return Answer(bookings.Get(CallerOf(req), id));
                    auto text = bookings.Ics(CallerOf(req), id, Now());
                    if (!text) return Fail(text.error());
                    Response r;
                    r.status = 200;
                    r.content_type = "text/calendar; charset=utf-8";
                    r.body = *text;
                    return r;
                  }};
  get.doc.operation_id = "getBooking";
  get.doc.path_params = {{"id", "The booking's id, or the id followed by .ics for the iCalendar file."}};
  get.doc.description = "GET /v1/bookings/{id}.ics answers the booking as a text/calendar file (RFC 5545).";
  get.doc.responses = {ok(), Problem(401, "Neither the host's credentials nor a token."),
                       Problem(404, "No such booking, or not the caller's.")};
  routes.Add(std::move(get));

  http::Route cancel{Method::kPost, "/v1/bookings/{id:uuid}/cancel", Access::kPublic, kStyle, kTag,
                     "Cancel a booking (host, or ?token=).", token_param, [&bookings](Request& req) -> Response {
                       auto reason = ReadReason(req);
                       if (!reason) return Fail(reason.error());
                       return Answer(bookings.Cancel(CallerOf(req), NormalizedUuid(req.Param("id")), *reason, Now()));
                     }};
  cancel.doc.operation_id = "cancelBooking";
  cancel.doc.path_params = IdParam();
  cancel.doc.description =
      "The host may also cancel a booking another face made on their calendar (faces 000, 001, 003, 004; see "
      "GET /v1/bookings?faces=all), as that face cancels it: its time is free again there. Those faces keep no "
      "reason. A face-002 meeting's booking answers 409 (cancel the meeting through /meetings).";
  cancel.doc.request_body = schema::Object({{"reason", schema::Nullable(schema::String(1000))}}, {});
  cancel.doc.responses = {ok(), Problem(400, "Bad input."), Problem(401, "Neither credentials nor a token."),
                          Problem(404, "No such booking, or not the caller's."),
                          Problem(409, "The booking is already cancelled or declined, or is a meeting's.")};
  routes.Add(std::move(cancel));

  http::Route reschedule{
      Method::kPost, "/v1/bookings/{id:uuid}/reschedule", Access::kPublic, kStyle, kTag,
      "Move a booking to another start, atomically (host, or ?token=).", token_param,
      [&bookings](Request& req) -> Response {
        auto body = ReadBody(req);
        if (!body) return Fail(body.error());
        auto start_text = body->RequiredString("start", 64);
        if (!start_text) return Fail(start_text.error());
        auto start = ParseTimestamp(*start_text, "start");
        if (!start) return Fail(start.error());
        if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
        return Answer(bookings.Reschedule(CallerOf(req), NormalizedUuid(req.Param("id")), *start, Now()), 200);
      }};
  reschedule.doc.operation_id = "rescheduleBooking";
  reschedule.doc.description =
      "The new time is booked and the old one released in one transaction, or nothing changes; the booking keeps "
      "its id. Refusals as for POST /v1/bookings.";
  reschedule.doc.path_params = IdParam();
  reschedule.doc.request_body = schema::Object({{"start", schema::Timestamp()}}, {"start"});
  reschedule.doc.responses = {ok(),
                              Problem(400, "Bad input."),
                              Problem(401, "Neither credentials nor a token."),
                              Problem(404, "No such booking, or not the caller's."),
                              RefusalDoc(409, "The new time is not available, or the booking is cancelled."),
                              RefusalDoc(422, "The event type's rules forbid the new time.")};
  routes.Add(std::move(reschedule));

  http::Route confirm{Method::kPost, "/v1/bookings/{id:uuid}/confirm", Access::kAuthenticated, kStyle, kTag,
                      "Accept a pending booking (host only).", {}, [&bookings](Request& req) -> Response {
                        if (auto s = ReadNothing(req); !s) return Fail(s.error());
                        return Answer(bookings.Confirm(Caller(req), NormalizedUuid(req.Param("id")), Now()));
                      }};
  confirm.doc.operation_id = "confirmBooking";
  confirm.doc.path_params = IdParam();
  confirm.doc.request_body = schema::Object(json::object(), {});
  confirm.doc.description =
      "The body is empty or {}. Also a pending booking another face made on the caller's calendar (faces 000, 001, "
      "003, 004), as that face confirms it; a face-002 meeting's booking answers 409.";
  confirm.doc.responses = WithProblems({ok()}, {400, 401, 404, 409});
  routes.Add(std::move(confirm));

  http::Route decline{Method::kPost, "/v1/bookings/{id:uuid}/decline", Access::kAuthenticated, kStyle, kTag,
                      "Decline a pending booking (host only).", {}, [&bookings](Request& req) -> Response {
                        auto reason = ReadReason(req);
                        if (!reason) return Fail(reason.error());
                        return Answer(
                            bookings.Decline(Caller(req), NormalizedUuid(req.Param("id")), *reason, Now()));
                      }};
  decline.doc.operation_id = "declineBooking";
  decline.doc.path_params = IdParam();
  decline.doc.description =
      "Also a pending booking another face made on the caller's calendar: the face has no declined state, so it "
      "is cancelled as that face cancels it (and answers status cancelled; the reason is not kept there).";
  decline.doc.request_body = schema::Object({{"reason", schema::Nullable(schema::String(1000))}}, {});
  decline.doc.responses = WithProblems({ok()}, {400, 401, 404, 409});
  routes.Add(std::move(decline));
}

}  // namespace kairos::api::v1
