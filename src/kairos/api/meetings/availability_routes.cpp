#include "kairos/api/meetings/availability_routes.hpp"

#include <memory>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/api/meetings/face.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/auth/policy.hpp"
#include "kairos/service/meetings.hpp"

namespace kairos::api::meetings {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;
using service::DayHours;
using service::Meetings;

// More entries than hours in a day is allowed (duplicates are dropped), within reason.
constexpr std::size_t kMaxBlockedEntries = 240;

// The block body's fields: what BlockSlots reads and /openapi.json documents.
constexpr BodyField kDateField{"date", BodyField::Type::kString, true, 32, false, "The day, YYYY-MM-DD."};
constexpr std::string_view kBlockedSlots = "blocked_slots";  // a list of hours, read by ReadHours

// A day never defined has no stamps of its own; like the original's unsaved record, it
// shows the time of the request.
json Stamp(const std::optional<Instant>& t) { return json(UtcStamp(t.value_or(Now()))); }

Response DayResponse(const DayHours& d) {
  return http::JsonResponse(
      200, {{"response",
             {{"id", d.id ? json(*d.id) : json(nullptr)},
              {"user", {{"id", d.user.id}, {"username", d.user.username}, {"email", d.user.email}}},
              {"date", FormatDate(d.day)},
              {"blocked_slots", d.blocked},
              {"available_time_slots", d.available},
              {"created", Stamp(d.created_at)},
              {"modified", Stamp(d.updated_at)}}}});
}

// The hours of a list, at least one, each 0–23 and read as the body's profile reads an
// integer (so 10, 10.0 and "10" are one hour; 1.5 and true are none).
Result<std::vector<int>> ReadHours(const JsonBody& body, const json* raw) {
  const std::string field(kBlockedSlots);
  const Error wrong = InvalidArgument("blocked_slots must be a list of hours from 0 to 23", field);
  if (raw == nullptr) return InvalidArgument("blocked_slots is required", field);
  if (!raw->is_array()) return wrong;
  if (raw->size() > kMaxBlockedEntries) {
    return InvalidArgument("blocked_slots has too many entries", field);
  }
  // The original's list may not be empty; blocking adds hours, so an empty list adds none.
  if (raw->empty()) return InvalidArgument("This list may not be empty.", field);
  std::vector<int> hours;
  for (const auto& v : *raw) {
    auto h = body.ToInt(v);
    if (!h || *h < 0 || *h >= service::kHoursPerDay) return wrong;
    hours.push_back(static_cast<int>(*h));
  }
  return hours;
}

Result<Date> ReadDate(std::string_view text) {
  auto day = ParseDate(text, "date");
  if (!day) return InvalidArgument("date must be a valid date, YYYY-MM-DD", "date");
  return *day;
}

Response BlockSlots(Meetings& meetings, Request& req) {
  auto body = JsonBody::Parse(req, kFaceBodies);
  if (!body) return BodyError(body.error());
  auto date_text = body->RequiredString(kDateField.name, kDateField.max_length);
  if (!date_text) return FaceError(date_text.error());
  auto hours = ReadHours(*body, body->List(kBlockedSlots));
  if (!hours) return FaceError(hours.error());
  if (auto s = body->RejectUnknownFields(); !s) return FaceError(s.error());
  auto day = ReadDate(*date_text);
  if (!day) return FaceError(day.error());
  auto result = meetings.BlockHours(Caller(req), *day, std::move(*hours), Now());
  if (!result) return FaceError(result.error());
  return DayResponse(*result);
}

Response AvailableSlots(Meetings& meetings, Request& req) {
  auto date_text = req.Query("date");
  if (!date_text) return FaceError(InvalidArgument("date is required (YYYY-MM-DD)", "date"));
  auto day = ReadDate(*date_text);
  if (!day) return FaceError(day.error());
  auto result = meetings.Hours(Caller(req), req.Query("user").value_or(""), *day);
  // An unknown user is a field error of the original's query serializer.
  if (!result && result.error().code == ErrorCode::kNotFound) {
    return FaceError(
        InvalidArgument("Invalid email \"" + req.Query("user").value_or("") + "\" - object does not exist.", "user"));
  }
  if (!result) return FaceError(result.error());
  return DayResponse(*result);
}

namespace doc {

using schema::ArrayOf;
using schema::ClosedObject;
using schema::Integer;
using schema::Nullable;
using schema::String;

// What DayResponse writes.
http::ResponseDoc Day(std::string what) {
  json stamp = {{"type", "string"}, {"pattern", "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"}};
  json hours = ArrayOf(Integer(0, service::kHoursPerDay - 1));
  json day = ClosedObject({{"id", Nullable(Integer())},
                           {"user", ClosedObject({{"id", Integer()}, {"username", String()}, {"email", String()}})},
                           {"date", schema::Day()},
                           {"blocked_slots", hours},
                           {"available_time_slots", hours},
                           {"created", stamp},
                           {"modified", stamp}});
  return Returns(200, std::move(what), ClosedObject({{"response", day}}), "MeetingsDayHours");
}

http::RouteDoc BlockDoc() {
  http::RouteDoc d;
  json body = schema::Body(kFaceBodies, {kDateField});
  // Each hour is read as the profile reads an integer; at least one.
  json hour = schema::Field(kFaceBodies, {kBlockedSlots, BodyField::Type::kInteger});
  json list = ArrayOf(hour, kMaxBlockedEntries);
  list["minItems"] = 1;
  list["description"] = "Local hours, 0-23.";
  body["properties"][std::string(kBlockedSlots)] = list;
  body["required"].push_back(std::string(kBlockedSlots));
  d.request_body = body;
  d.request_body_name = "MeetingsBlockSlots";
  d.responses = WithErrors({Day("The day's hours, with the new blocked ones.")}, kFaceStyle, {400, 401});
  return d;
}

http::RouteDoc AvailableDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Day("The day's blocked and available hours.")}, kFaceStyle, {400, 401});
  d.query_schemas = {{"date", schema::Day()}, {"user", String()}};
  return d;
}

}  // namespace doc

}  // namespace

void RegisterAvailabilityRoutes(http::Router& router, service::Meetings& meetings_service) {
  FaceRoutes routes(router);
  Meetings* meetings = &meetings_service;
  routes.Add({Method::kPost, "/api/user/block_slots/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "Add to the caller's blocked hours (0-23, local time) of one day; refused if a new hour holds an event.",
              {}, [meetings](Request& req) { return BlockSlots(*meetings, req); }, {}, doc::BlockDoc()});
  routes.Add({Method::kGet, "/api/user/get_available_slots/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "An account's blocked and available hours (0-23, its local time) of one day.",
              {{"date", "The day, YYYY-MM-DD.", true},
               {"user", "The account's email; default the caller.", false}},
              [meetings](Request& req) { return AvailableSlots(*meetings, req); }, {}, doc::AvailableDoc(),
              /*keep_answer=*/true});
}

}  // namespace kairos::api::meetings
