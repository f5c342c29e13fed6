#include "kairos/api/coach/booking_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <memory>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/auth/policy.hpp"
#include "kairos/service/coach_bookings.hpp"

namespace kairos::api::coach {
namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;
using service::CoachBookings;
using service::CoachSession;

constexpr ErrorStyle kStyle = ErrorStyle::kDetail;
constexpr const char* kTag = "coach bookings (001)";
// Bodies are read as the original's framework reads them: FastAPI (Pydantic v2, lax).
constexpr BodyProfile kBodies = BodyProfile::kPydantic;
constexpr std::size_t kMaxIdLength = 64;

constexpr FaceErrors Fail{kStyle};

// The bodies' fields: what the readers read and /openapi.json documents.
constexpr BodyField kCoachIdField{"coach_id", BodyField::Type::kString, true, kMaxIdLength, false,
                                  "The coach's id, a UUID."};
constexpr BodyField kSessionDatetimeField{"session_datetime", BodyField::Type::kString, true, kMaxIdLength, false,
                                          "The session's start: an ISO datetime with Z or an offset."};
constexpr BodyField kDurationField{"duration_minutes", BodyField::Type::kInteger, false, 0, false,
                                   "15-480, default 60."};
constexpr BodyField kNotesField{"notes", BodyField::Type::kString, false, kMaxTextLength, true};
constexpr BodyField kStatusField{"status", BodyField::Type::kString, true, kMaxIdLength, false,
                                 "pending, confirmed, completed or cancelled."};

json Nullable(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

std::int64_t Minutes(const Interval& i) {
  return std::chrono::duration_cast<std::chrono::minutes>(i.length()).count();
}

// The create response: the fields the document shows for it.
json CreatedJson(const CoachSession& s) {
  return {{"id", s.uuid},
          {"client_id", s.client ? json(s.client->uuid) : json(nullptr)},
          {"coach_id", s.coach.uuid},
          {"session_datetime", FormatUtc(s.interval.start)},
          {"duration_minutes", Minutes(s.interval)},
          {"status", service::SessionStatusName(s.status)},
          {"payment_id", Nullable(s.payment_id)},
          {"meeting_link", Nullable(s.meeting_link)},
          {"notes", Nullable(s.notes)},
          {"created_at", FormatUtc(s.created_at)},
          {"updated_at", FormatUtc(s.updated_at)}};
}

// Everywhere else: the detail shape, with the parties' names and emails.
json DetailJson(const CoachSession& s) {
  json j = CreatedJson(s);
  j["client_name"] = s.client ? json(s.client->name) : json(nullptr);
  j["client_email"] = s.client ? json(s.client->email) : json(nullptr);
  j["coach_name"] = s.coach.name;
  j["coach_email"] = s.coach.email;
  return j;
}

// "2025-11-15T14:00:00Z", "2025-11-15T19:30:00+05:30", or a plain date meaning its UTC midnight.
Result<Instant> DateQuery(const Request& req, std::string_view name) {
  auto text = req.Query(name);
  if (!text) return InvalidArgument(std::string(name) + " is required", std::string(name));
  if (text->size() == 10) {
    auto day = ParseDate(*text, name);
    if (!day.ok()) return Named(name, day.error());
    return Instant{date::sys_days{*day}};
  }
  auto instant = ParseInstant(*text, name);
  if (!instant.ok()) return Named(name, instant.error());
  return instant;
}

Response Create(CoachBookings& bookings, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  auto coach_id = ReadString(*body, kCoachIdField);
  if (!coach_id) return Fail(coach_id.error());
  auto when = ReadString(*body, kSessionDatetimeField);
  if (!when) return Fail(when.error());
  auto duration = ReadInt(*body, kDurationField);
  if (!duration) return Fail(duration.error());
  auto notes = ReadString(*body, kNotesField);
  if (!notes) return Fail(notes.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  if (!http::IsUuid(**coach_id)) return Fail(InvalidArgument("coach_id must be a valid UUID", "coach_id"));
  auto start = ParseInstant(**when, "session_datetime");
  if (!start) return Fail(Named("session_datetime", start.error()));

  service::NewCoachSession in;
  in.coach_uuid = NormalizedUuid(std::move(**coach_id));
  in.start = *start;
  // Lengths beyond any session are clamped into the refused range without overflowing.
  if (*duration) in.length = std::chrono::minutes(std::clamp<std::int64_t>(**duration, -1, 1'000'000));
  in.notes = std::move(*notes);
  auto session = bookings.Create(Caller(req), in, Now());
  if (!session) return Fail(session.error());
  return http::JsonResponse(201, CreatedJson(*session));
}

Response Get(CoachBookings& bookings, Request& req) {
  auto session = bookings.Get(Caller(req), NormalizedUuid(req.Param("booking_id")));
  if (!session) return Fail(session.error());
  return http::JsonResponse(200, DetailJson(*session));
}

Response List(CoachBookings& bookings, Request& req, bool as_coach) {
  service::SessionListQuery query;
  auto skip = IntQuery(req, "skip", "skip must be a non-negative integer");
  if (!skip) return Fail(skip.error());
  if (*skip) query.skip = **skip;
  auto limit = IntQuery(req, "limit", "limit must be between 1 and 100");
  if (!limit) return Fail(limit.error());
  if (*limit) query.limit = **limit;
  if (auto status = req.Query("status")) {
    auto parsed = service::ParseSessionStatus(*status);
    if (!parsed) return Fail(parsed.error());
    query.status = *parsed;
  }
  const auth::Principal& caller = Caller(req);
  auto page = as_coach ? bookings.ListForCoach(caller, NormalizedUuid(req.Param("coach_id")), query)
                       : bookings.ListForClient(caller, NormalizedUuid(req.Param("client_id")), query);
  if (!page) return Fail(page.error());
  json items = json::array();
  for (const auto& s : page->sessions) items.push_back(DetailJson(s));
  return http::JsonResponse(200, {{"bookings", items}, {"total", page->total}, {"skip", page->skip},
                                  {"limit", page->limit}});
}

Response ChangeStatus(CoachBookings& bookings, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  auto status = ReadString(*body, kStatusField);
  if (!status) return Fail(status.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto to = service::ParseSessionStatus(**status);
  if (!to) return Fail(to.error());
  auto session = bookings.ChangeStatus(Caller(req), NormalizedUuid(req.Param("booking_id")), *to, Now());
  if (!session) return Fail(session.error());
  return http::JsonResponse(200, DetailJson(*session));
}

Response Cancel(CoachBookings& bookings, Request& req) {
  auto done = bookings.Cancel(Caller(req), NormalizedUuid(req.Param("booking_id")), Now());
  if (!done) return Fail(done.error());
  return http::EmptyResponse(204);
}

Response Availability(CoachBookings& bookings, Request& req) {
  service::AvailabilityQuery query;
  auto start = DateQuery(req, "start_date");
  if (!start) return Fail(start.error());
  auto end = DateQuery(req, "end_date");
  if (!end) return Fail(end.error());
  query.range = {*start, *end};
  auto duration = IntQuery(req, "duration_minutes", "Duration must be between 15 and 480 minutes");
  if (!duration) return Fail(duration.error());
  if (*duration) query.length = std::chrono::minutes(std::clamp<std::int64_t>(**duration, -1, 1'000'000));
  auto step = IntQuery(req, "step_minutes", "step_minutes must be a multiple of 30 between 30 and 480");
  if (!step) return Fail(step.error());
  if (*step) query.step = std::chrono::minutes(std::clamp<std::int64_t>(**step, -1, 1'000'000));

  std::string coach_id = NormalizedUuid(req.Param("coach_id"));
  auto slots = bookings.Availability(coach_id, query, Now());
  if (!slots) return Fail(slots.error());
  json items = json::array();
  for (const Interval& i : *slots) {
    items.push_back({{"start", FormatUtc(i.start)}, {"end", FormatUtc(i.end)}, {"duration_minutes", Minutes(i)}});
  }
  return http::JsonResponse(200, {{"coach_id", coach_id}, {"available_slots", items}});
}

namespace doc {

using schema::ArrayOf;
using schema::ClosedObject;
using schema::Enum;
using schema::Integer;
using schema::Nullable;
using schema::String;
using schema::Timestamp;
using schema::Uuid;

// What CreatedJson writes.
json CreatedProperties() {
  return {{"id", Uuid()},
          {"client_id", Nullable(Uuid())},
          {"coach_id", Uuid()},
          {"session_datetime", Timestamp()},
          {"duration_minutes", Integer()},
          {"status", Enum({"pending", "confirmed", "completed", "cancelled"})},
          {"payment_id", Nullable(String())},
          {"meeting_link", Nullable(String())},
          {"notes", Nullable(String())},
          {"created_at", Timestamp()},
          {"updated_at", Timestamp()}};
}
json Created() { return ClosedObject(CreatedProperties()); }
// What DetailJson writes.
json Detail() {
  json p = CreatedProperties();
  p["client_name"] = Nullable(String());
  p["client_email"] = Nullable(String());
  p["coach_name"] = String();
  p["coach_email"] = String();
  return ClosedObject(p);
}
http::ResponseDoc DetailResponse(int status, std::string what) {
  return Returns(status, std::move(what), Detail(), "CoachBooking");
}

http::RouteDoc CreateDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kCoachIdField, kSessionDatetimeField, kDurationField, kNotesField});
  d.request_body_name = "CoachBookingCreate";
  d.responses = WithErrors({Returns(201, "The booking, pending.", Created(), "CoachBookingCreated")}, kStyle,
                           {400, 401, 403, 404, 409});
  return d;
}
http::RouteDoc GetDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({DetailResponse(200, "The booking.")}, kStyle, {401, 403, 404});
  return d;
}
http::RouteDoc ListDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "One page of bookings.",
                                     ClosedObject({{"bookings", ArrayOf(Detail())},
                                                   {"total", Integer(0)},
                                                   {"skip", Integer(0)},
                                                   {"limit", Integer(1, 100)}}),
                                     "CoachBookingPage")},
                           kStyle, {400, 401, 403, 404});
  d.query_schemas = {{"skip", Integer(0)},
                     {"limit", Integer(1, 100)},
                     {"status", Enum({"pending", "confirmed", "completed", "cancelled"})}};
  return d;
}
http::RouteDoc StatusDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kStatusField});
  d.request_body_name = "CoachBookingStatus";
  d.responses = WithErrors({DetailResponse(200, "The booking with its new status.")}, kStyle,
                           {400, 401, 403, 404, 409});
  return d;
}
http::RouteDoc CancelDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(204, "Cancelled.")}, kStyle, {400, 401, 403, 404, 409});
  return d;
}
http::RouteDoc AvailabilityDoc() {
  http::RouteDoc d;
  json slot = ClosedObject({{"start", Timestamp()}, {"end", Timestamp()}, {"duration_minutes", Integer()}});
  d.responses = WithErrors({Returns(200, "The coach's bookable slots.",
                                     ClosedObject({{"coach_id", String()}, {"available_slots", ArrayOf(slot)}}),
                                     "CoachAvailability")},
                           kStyle, {400, 404});
  json when = {{"anyOf", json::array({schema::Day(), {{"type", "string"}, {"format", "date-time"}}})}};
  json step = Integer(30, 480);
  step["multipleOf"] = 30;
  d.query_schemas = {{"start_date", when}, {"end_date", when}, {"duration_minutes", Integer(15, 480)},
                     {"step_minutes", step}};
  return d;
}

}  // namespace doc

}  // namespace

void RegisterBookingRoutes(http::Router& router, service::CoachBookings& coach_bookings) {
  FaceRoutes routes(router);
  CoachBookings* bookings = &coach_bookings;
  const std::vector<http::QueryParam> page_params = {
      {"skip", "Records to skip (default 0)."},
      {"limit", "Records to return, 1-100 (default 20)."},
      {"status", "Only bookings with this status: pending, confirmed, completed or cancelled."}};

  router.SetPrefixStyle("/booking", kStyle);
  routes.Add({Method::kPost, "/booking", Access::kAuthenticated, kStyle, kTag,
              "Book a coaching session (clients only): coach_id, session_datetime, duration_minutes (15-480, "
              "default 60), notes. Starts pending.",
              {}, [bookings](Request& req) { return Create(*bookings, req); }, {}, doc::CreateDoc()});
  routes.Add({Method::kGet, "/booking/{booking_id}", Access::kAuthenticated, kStyle, kTag,
              "A booking with the parties' names and emails (its client, its coach or an admin).", {},
              [bookings](Request& req) { return Get(*bookings, req); }, {}, doc::GetDoc()});
  routes.Add({Method::kGet, "/booking/client/{client_id}", Access::kAuthenticated, kStyle, kTag,
              "A client's bookings, latest session first (the client or an admin).", page_params,
              [bookings](Request& req) { return List(*bookings, req, false); }, {}, doc::ListDoc()});
  routes.Add({Method::kGet, "/booking/coach/{coach_id}", Access::kAuthenticated, kStyle, kTag,
              "A coach's bookings, latest session first (the coach or an admin).", page_params,
              [bookings](Request& req) { return List(*bookings, req, true); }, {}, doc::ListDoc()});
  routes.Add({Method::kPatch, "/booking/{booking_id}/status", Access::kAuthenticated, kStyle, kTag,
              "Change a booking's status: the coach or an admin confirms and completes; any party cancels.", {},
              [bookings](Request& req) { return ChangeStatus(*bookings, req); }, {}, doc::StatusDoc()});
  routes.Add({Method::kDelete, "/booking/{booking_id}", Access::kAuthenticated, kStyle, kTag,
              "Cancel a pending or confirmed booking (its client, its coach or an admin).", {},
              [bookings](Request& req) { return Cancel(*bookings, req); }, {}, doc::CancelDoc()});
  routes.Add({Method::kGet, "/booking/coach/{coach_id}/availability", Access::kPublic, kStyle, kTag,
              "A coach's bookable slots: the coach's free time, or 09:00-17:00 Monday-Friday in the coach's time "
              "zone when the coach defines no availability.",
              {{"start_date", "Range start: ISO datetime with Z or offset, or YYYY-MM-DD (UTC midnight).", true},
               {"end_date", "Range end, after start_date and at most 30 days later.", true},
               {"duration_minutes", "Slot length, 15-480 (default 60)."},
               {"step_minutes", "Minutes between slot starts, a multiple of 30 up to 480 (default 30)."}},
              [bookings](Request& req) { return Availability(*bookings, req); }, {}, doc::AvailabilityDoc()});
}

}  // namespace kairos::api::coach
