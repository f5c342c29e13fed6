#include "kairos/api/meetings/meeting_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>

#include "kairos/api/json_body.hpp"
#include "kairos/api/meetings/face.hpp"
#include "kairos/auth/policy.hpp"
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

Result<std::vector<std::string>> ReadEmails(const json& raw) {
  const Error wrong = InvalidArgument("participants must be a list of emails", "participants");
  if (!raw.is_array()) return wrong;
  if (raw.size() > service::kMaxParticipants) {
    return InvalidArgument("A meeting has at most " + std::to_string(service::kMaxParticipants) + " participants",
                           "participants");
  }
  std::vector<std::string> emails;
  for (const auto& v : raw) {
    if (!v.is_string() || v.get_ref<const std::string&>().size() > kMaxEmailLength) return wrong;
    emails.push_back(v.get<std::string>());
  }
  return emails;
}

Result<MeetingFields> ReadMeeting(std::string_view text, Fields which) {
  auto body = JsonBody::Parse(text);
  if (!body) return body.error();
  const bool required = which != Fields::kPatch;
  MeetingFields out;

  auto title = ReadString(*body, "title", kMaxTitleLength, required);
  if (!title) return title.error();
  if (*title && (*title)->find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument("title may not be blank", "title");
  }
  out.title = std::move(*title);

  auto time_slot = ReadString(*body, "time_slot", kMaxTimeSlotLength, required);
  if (!time_slot) return time_slot.error();
  if (*time_slot) {
    auto parsed = ParseLocalDateTime(**time_slot, "time_slot");
    if (!parsed) return InvalidArgument("time_slot must be a valid date and time, YYYY-MM-DD HH:MM:SS", "time_slot");
    out.time_slot = *parsed;
  }

  auto description = ReadString(*body, "description", kMaxTextLength, required);
  if (!description) return description.error();
  out.description = std::move(*description);

  const json* participants = body->Raw("participants");
  if (participants == nullptr && required) return InvalidArgument("participants is required", "participants");
  if (participants != nullptr) {
    auto emails = ReadEmails(*participants);
    if (!emails) return emails.error();
    out.participants = std::move(*emails);
  }

  if (which != Fields::kCreate) {
    auto status = ReadString(*body, "status", 16, which == Fields::kReplace);
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
  auto fields = ReadMeeting(req.body, Fields::kCreate);
  if (!fields) return FaceError(fields.error());
  auto meeting = meetings.Create(auth::Caller(req), *fields, Now());
  if (!meeting) return FaceError(meeting.error());
  return http::JsonResponse(201, {{"response", MeetingJson(*meeting)}});
}

Response Update(Meetings& meetings, Request& req, Fields which) {
  std::int64_t id = 0;
  const std::string& text = req.Param("id");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  // Ids too large for 64 bits name no meeting.
  if (ec != std::errc() || end != text.data() + text.size()) return FaceError(NotFound("Not found."));
  // Access is decided before the body is read, so strangers learn nothing from validation.
  if (auto s = meetings.MayUpdate(auth::Caller(req), id); !s) return FaceError(s.error());
  auto fields = ReadMeeting(req.body, which);
  if (!fields) return FaceError(fields.error());
  auto meeting = meetings.Update(auth::Caller(req), id, *fields, Now());
  if (!meeting) return FaceError(meeting.error());
  return http::JsonResponse(200, {{"response", MeetingJson(*meeting)}});
}

// The page asked for: absent is the first, "last" the last; anything but a positive
// number is an invalid page, as Django REST framework answers.
Result<service::PageRequest> ReadPage(const Request& req) {
  auto text = req.Query("page");
  if (!text) return service::PageRequest{};
  if (*text == "last") return service::PageRequest{1, true};
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 1) return NotFound("Invalid page.");
  return service::PageRequest{n, false};
}

// The base of next/previous links, from the Host header the client used; a Host that is
// not a plain host[:port] is not echoed back.
std::string ListUrl(const Request& req) {
  std::string_view host = req.Header("host");
  bool plain = !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
  return "http://" + std::string(plain ? host : "localhost") + "/api/event/";
}

Response List(Meetings& meetings, Request& req) {
  auto request = ReadPage(req);
  if (!request) return FaceError(request.error());
  auto page = meetings.Upcoming(auth::Caller(req), *request, Now());
  if (!page) return FaceError(page.error());
  const std::string base = ListUrl(req);
  json next = nullptr;
  json previous = nullptr;
  if (page->page < page->pages) next = base + "?page=" + std::to_string(page->page + 1);
  // Like Django REST framework, the link to the first page carries no page parameter.
  if (page->page == 2) previous = base;
  if (page->page > 2) previous = base + "?page=" + std::to_string(page->page - 1);
  json results = json::array();
  for (const auto& m : page->meetings) results.push_back(MeetingJson(m));
  return http::JsonResponse(200,
                            {{"count", page->count}, {"next", next}, {"previous", previous}, {"results", results}});
}

}  // namespace

void RegisterMeetingRoutes(http::Router& router, store::Database& db, service::Accounts& accounts) {
  auto meetings = std::make_shared<Meetings>(db, accounts);
  router.Add({Method::kPost, "/api/event/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "Book a one-hour meeting at time_slot (organiser's local time) with participants (emails).", {},
              [meetings](Request& req) { return Create(*meetings, req); }});
  router.Add({Method::kGet, "/api/event/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "The caller's meetings that have not ended, by start, 10 per page (count, next, previous, results).",
              {{"page", "Page number from 1, or \"last\"; default 1.", false}},
              [meetings](Request& req) { return List(*meetings, req); }});
  router.Add({Method::kPut, "/api/event/{id:int}/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "Replace a meeting (organiser only): title, time_slot, description, participants and status.", {},
              [meetings](Request& req) { return Update(*meetings, req, Fields::kReplace); }});
  router.Add({Method::kPatch, "/api/event/{id:int}/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "Change some of a meeting's fields (organiser only); status cancelled frees its hour.", {},
              [meetings](Request& req) { return Update(*meetings, req, Fields::kPatch); }});
}

}  // namespace kairos::api::meetings
