#include "kairos/api/meetings/meeting_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/api/meetings/face.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/auth/policy.hpp"
#include "kairos/core/text.hpp"
#include "kairos/service/meetings.hpp"

namespace kairos::api::meetings {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;
using service::Meeting;
using service::MeetingFields;
using service::Meetings;

constexpr std::size_t kMaxTitleLength = 255;
constexpr std::size_t kMaxTimeSlotLength = 32;

// The body's fields: what ReadMeeting reads and /openapi.json documents. Which are
// required depends on the operation (ReadMeeting's `which`).
using Type = BodyField::Type;
constexpr BodyField kTitleField{"title", Type::kString, false, kMaxTitleLength, false, "Not blank."};
constexpr BodyField kTimeSlotField{"time_slot", Type::kString, false, kMaxTimeSlotLength, false,
                                   "The organiser's local time, YYYY-MM-DD HH:MM:SS."};
constexpr BodyField kDescriptionField{"description", Type::kString, false, kMaxTextLength, true};
constexpr BodyField kStatusField{"status", Type::kString, false, 16, false, "active or cancelled."};
constexpr std::string_view kParticipants = "participants";  // a list of emails, read by ReadEmails

json MeetingJson(const Meeting& m) {
  return {{"id", m.id},
          {"participants", m.participants},
          {"organiser", m.organiser},
          {"created", UtcStamp(m.created_at)},
          {"modified", UtcStamp(m.updated_at)},
          {"title", m.title},
          {"description", m.description},
          {"time_slot", FormatLocalDateTimeSpaced(m.time_slot)},
          {"status", service::MeetingStatusName(m.status)}};
}

// Which fields a request must carry: all of them (POST without status, PUT) or any (PATCH).
enum class Fields { kCreate, kReplace, kPatch };

Result<std::optional<std::string>> ReadString(JsonBody& body, std::string_view name, std::size_t max_length,
                                              bool required) {
  if (required) {
    auto s = body.RequiredString(name, max_length);
    if (!s) return s.error();
    return std::optional<std::string>(std::move(*s));
  }
  return body.OptionalString(name, max_length);
}

// The emails of a list: each element read as the body's profile reads a string.
Result<std::vector<std::string>> ReadEmails(const JsonBody& body, const json& raw) {
  const Error wrong = InvalidArgument("participants must be a list of emails", "participants");
  if (!raw.is_array()) return wrong;
  if (raw.size() > service::kMaxParticipants) {
    return InvalidArgument("A meeting has at most " + std::to_string(service::kMaxParticipants) + " participants",
                           "participants");
  }
  std::vector<std::string> emails;
  for (const auto& v : raw) {
    auto email = body.ToString(v);
    if (!email || email->size() > kMaxEmailLength) return wrong;
    emails.push_back(std::move(*email));
  }
  return emails;
}

// The fields of a create, replace or patch. An error naming no field means the body
// could not be read at all.
Result<MeetingFields> ReadMeeting(const Request& req, Fields which) {
  auto body = JsonBody::Parse(req, kFaceBodies);
  if (!body) return body.error();
  const bool required = which != Fields::kPatch;
  MeetingFields out;

  auto title = ReadString(*body, kTitleField.name, kTitleField.max_length, required);
  if (!title) return title.error();
  if (*title && (*title)->find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument("title may not be blank", "title");
  }
  out.title = std::move(*title);

  auto time_slot = ReadString(*body, kTimeSlotField.name, kTimeSlotField.max_length, required);
  if (!time_slot) return time_slot.error();
  if (*time_slot) {
    auto parsed = ParseLocalDateTime(**time_slot, "time_slot");
    if (!parsed) return InvalidArgument("time_slot must be a valid date and time, YYYY-MM-DD HH:MM:SS", "time_slot");
    out.time_slot = *parsed;
  }

  // The original's serializers allow a null description (stored here as empty); a
  // change may not blank it, though a new meeting may have none.
  const json* raw_description = body->Raw(kDescriptionField.name);
  if (raw_description != nullptr && raw_description->is_null()) {
    out.description = std::string();
  } else {
    auto description = ReadString(*body, kDescriptionField.name, kDescriptionField.max_length, required);
    if (!description) return description.error();
    if (which != Fields::kCreate && *description && (*description)->empty()) {
      return InvalidArgument("description may not be blank", "description");
    }
    out.description = std::move(*description);
  }

  const json* participants = body->List(kParticipants);
  if (participants == nullptr && required) return InvalidArgument("participants is required", "participants");
  if (participants != nullptr) {
    auto emails = ReadEmails(*body, *participants);
    if (!emails) return emails.error();
    out.participants = std::move(*emails);
  }

  if (which != Fields::kCreate) {
    auto status = ReadString(*body, kStatusField.name, kStatusField.max_length, which == Fields::kReplace);
    if (!status) return status.error();
    if (*status) {
      auto parsed = service::ParseMeetingStatus(**status);
      if (!parsed) return parsed.error();
      out.status = *parsed;
    }
  }
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return out;
}

Response Create(Meetings& meetings, Request& req) {
  auto fields = ReadMeeting(req, Fields::kCreate);
  if (!fields) return BodyError(fields.error());
  auto meeting = meetings.Create(Caller(req), *fields, Now());
  if (!meeting) return FaceError(meeting.error());
  return http::JsonResponse(201, {{"response", MeetingJson(*meeting)}});
}

// The meeting id of the path; ids too large for 64 bits name no meeting.
std::optional<std::int64_t> MeetingId(const Request& req) { return PathInteger(req, "id"); }

Response Update(Meetings& meetings, Request& req, Fields which) {
  auto id = MeetingId(req);
  if (!id) return FaceError(NotFound("Not found."));
  // Access is decided before the body is read, so strangers learn nothing from validation.
  if (auto s = meetings.MayUpdate(Caller(req), *id); !s) return FaceError(s.error());
  auto fields = ReadMeeting(req, which);
  if (!fields) return BodyError(fields.error());
  auto meeting = meetings.Update(Caller(req), *id, *fields, Now());
  if (!meeting) return FaceError(meeting.error());
  return http::JsonResponse(200, {{"response", MeetingJson(*meeting)}});
}

// One meeting, unwrapped, as the original's retrieve answers (the document has no such
// route, so no {"response": ...}).
Response Get(Meetings& meetings, Request& req) {
  auto id = MeetingId(req);
  if (!id) return FaceError(NotFound("Not found."));
  auto meeting = meetings.Find(Caller(req), *id);
  if (!meeting) return FaceError(meeting.error());
  return http::JsonResponse(200, MeetingJson(*meeting));
}

// A query number as Django REST framework's LimitOffsetPagination reads one (Python's
// int(): whitespace and a sign allowed); nullopt when it is none.
// Numbers beyond 64 bits are none.
std::optional<std::int64_t> QueryNumber(std::optional<std::string> text) {
  if (!text) return std::nullopt;
  auto n = ReadInteger(*text, IntSyntax::kPython);
  if (!n || n->saturated) return std::nullopt;
  return n->value;
}

// The list's URL with limit and offset set (offset dropped when absent), the other
// parameters kept, keys sorted: the links DRF's LimitOffsetPagination builds.
std::string PageLink(const Request& req, std::int64_t limit, std::optional<std::int64_t> offset) {
  std::string_view host = req.Header("host");
  bool plain = !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
  std::map<std::string, std::vector<std::string>> query;
  for (auto& [k, v] : req.QueryPairs()) query[k].push_back(v);
  query["limit"] = {std::to_string(limit)};
  if (offset) query["offset"] = {std::to_string(*offset)};
  else query.erase("offset");
  std::string link = "http://" + std::string(plain ? host : "localhost") + "/api/event/";
  char sep = '?';
  for (const auto& [k, values] : query) {
    for (const auto& v : values) {
      link += sep + PercentEncodeAround(k, ' ', '+') + "=" + PercentEncodeAround(v, ' ', '+');
      sep = '&';
    }
  }
  return link;
}

// The caller's upcoming meetings, `limit` (default 10) from `offset` (default 0), as
// LimitOffsetPagination pages them: an unreadable or non-positive limit is the default,
// an unreadable or negative offset is 0; ?status= keeps meetings of that status.
Response List(Meetings& meetings, Request& req) {
  service::MeetingListRequest request;
  if (auto limit = QueryNumber(req.Query("limit")); limit && *limit > 0) request.limit = *limit;
  if (auto offset = QueryNumber(req.Query("offset")); offset && *offset >= 0) request.offset = *offset;
  request.status = req.Query("status");
  auto page = meetings.Upcoming(Caller(req), request, Now());
  if (!page) return FaceError(page.error());
  const std::int64_t limit = request.limit;
  const std::int64_t offset = request.offset;
  json next = nullptr;
  json previous = nullptr;
  if (offset < page->count && limit < page->count - offset) next = PageLink(req, limit, offset + limit);
  if (offset > 0) {
    previous = offset - limit <= 0 ? PageLink(req, limit, std::nullopt) : PageLink(req, limit, offset - limit);
  }
  json results = json::array();
  for (const auto& m : page->meetings) results.push_back(MeetingJson(m));
  return http::JsonResponse(200,
                            {{"count", page->count}, {"next", next}, {"previous", previous}, {"results", results}});
}

namespace doc {

using schema::ArrayOf;
using schema::ClosedObject;
using schema::Integer;
using schema::Nullable;
using schema::String;

json Stamp() {
  return {{"type", "string"}, {"pattern", "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"}};
}
// What MeetingJson writes.
json MeetingSchema() {
  return ClosedObject({{"id", Integer()},
                       {"participants", ArrayOf(String())},
                       {"organiser", String()},
                       {"created", Stamp()},
                       {"modified", Stamp()},
                       {"title", String()},
                       {"description", String()},
                       {"time_slot", Stamp()},
                       {"status", schema::Enum({"active", "cancelled"})}});
}
json Ref() { return {{"$ref", "#/components/schemas/Meeting"}}; }

// The body ReadMeeting reads for `which`.
json Body(Fields which) {
  const bool required = which != Fields::kPatch;
  std::vector<BodyField> fields = {kTitleField, kTimeSlotField, kDescriptionField};
  if (which != Fields::kCreate) fields.push_back(kStatusField);
  for (auto& f : fields) f.required = required && (f.name != kStatusField.name || which == Fields::kReplace);
  json properties = json::object();
  json names = json::array();
  for (const auto& f : fields) {
    properties[std::string(f.name)] = schema::Field(kFaceBodies, f);
    if (f.required) names.push_back(std::string(f.name));
  }
  json email = schema::Field(kFaceBodies, {kParticipants, Type::kString, false, kMaxEmailLength});
  json list = ArrayOf(email, service::kMaxParticipants);
  list["description"] = "Emails (each at most 254 bytes).";
  properties[std::string(kParticipants)] = list;
  if (required) names.push_back(std::string(kParticipants));
  json body = {{"type", "object"}, {"properties", properties}};
  if (!names.empty()) body["required"] = names;
  return body;
}

http::RouteDoc CreateDoc() {
  http::RouteDoc d;
  d.request_body = Body(Fields::kCreate);
  d.request_body_name = "MeetingCreate";
  d.responses = WithErrors({Returns(201, "The meeting, active.", ClosedObject({{"response", Ref()}}),
                                    "MeetingResponse")},
                           kFaceStyle, {400, 401});
  return d;
}
http::RouteDoc ListDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "One page of the caller's meetings.",
                                    ClosedObject({{"count", Integer(0)},
                                                  {"next", Nullable(String())},
                                                  {"previous", Nullable(String())},
                                                  {"results", ArrayOf(Ref())}}),
                                    "MeetingPage")},
                           kFaceStyle, {401});
  // Unreadable numbers fall back to the defaults rather than being refused.
  d.query_schemas = {{"limit", Integer(1)}, {"offset", Integer(0)}, {"status", schema::Enum({"active", "cancelled"})}};
  return d;
}
http::RouteDoc GetDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "The meeting, not wrapped.", MeetingSchema(), "Meeting")}, kFaceStyle,
                           {401, 404});
  return d;
}
http::RouteDoc UpdateDoc(Fields which) {
  http::RouteDoc d;
  d.request_body = Body(which);
  d.request_body_name = which == Fields::kReplace ? "MeetingReplace" : "MeetingPatch";
  d.responses = WithErrors({Returns(200, "The changed meeting.", ClosedObject({{"response", Ref()}}),
                                    "MeetingResponse")},
                           kFaceStyle, {400, 401, 403, 404});
  return d;
}

}  // namespace doc

}  // namespace

void RegisterMeetingRoutes(http::Router& router, service::Meetings& meetings_service) {
  FaceRoutes routes(router);
  Meetings* meetings = &meetings_service;
  routes.Add({Method::kPost, "/api/event/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "Book a one-hour meeting at time_slot (organiser's local time) with participants (emails).", {},
              [meetings](Request& req) { return Create(*meetings, req); }, {}, doc::CreateDoc()});
  routes.Add({Method::kGet, "/api/event/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "The caller's meetings that have not ended, by start (count, next, previous, results).",
              {{"limit", "How many, from 1; default 10.", false},
               {"offset", "How many to skip; default 0.", false},
               {"status", "Only meetings with this status (active or cancelled).", false}},
              [meetings](Request& req) { return List(*meetings, req); }, {}, doc::ListDoc(), /*keep_answer=*/true});
  routes.Add({Method::kGet, "/api/event/{id:int}/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "One of the caller's meetings (any participant's), not wrapped.", {},
              [meetings](Request& req) { return Get(*meetings, req); }, {}, doc::GetDoc()});
  routes.Add({Method::kPut, "/api/event/{id:int}/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "Replace a meeting (any participant): title, time_slot, description, participants and status.", {},
              [meetings](Request& req) { return Update(*meetings, req, Fields::kReplace); }, {},
              doc::UpdateDoc(Fields::kReplace)});
  routes.Add({Method::kPatch, "/api/event/{id:int}/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "Change some of a meeting's fields (any participant); status cancelled frees its hour.", {},
              [meetings](Request& req) { return Update(*meetings, req, Fields::kPatch); }, {},
              doc::UpdateDoc(Fields::kPatch)});
}

}  // namespace kairos::api::meetings
