#include "kairos/api/meetings/availability_routes.hpp"

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
using service::DayHours;
using service::Meetings;

// More entries than hours in a day is allowed (duplicates are dropped), within reason.
constexpr std::size_t kMaxBlockedEntries = 240;

json Stamp(const std::optional<Instant>& t) { return t ? json(UtcStamp(*t)) : json(nullptr); }

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

// The hours of a JSON array: integers only (no booleans, fractions or strings), 0–23.
Result<std::vector<int>> ReadHours(const json* raw) {
  const Error wrong = InvalidArgument("blocked_slots must be a list of hours from 0 to 23", "blocked_slots");
  if (raw == nullptr) return InvalidArgument("blocked_slots is required", "blocked_slots");
  if (!raw->is_array()) return wrong;
  if (raw->size() > kMaxBlockedEntries) {
    return InvalidArgument("blocked_slots has too many entries", "blocked_slots");
  }
  std::vector<int> hours;
  for (const auto& v : *raw) {
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() >= static_cast<std::uint64_t>(service::kHoursPerDay)) {
      return wrong;
    }
    hours.push_back(static_cast<int>(v.get<std::uint64_t>()));
  }
  return hours;
}

Result<Date> ReadDate(std::string_view text) {
  auto day = ParseDate(text, "date");
  if (!day) return InvalidArgument("date must be a valid date, YYYY-MM-DD", "date");
  return *day;
}

Response BlockSlots(Meetings& meetings, Request& req) {
  auto body = JsonBody::Parse(req.body);
  if (!body) return FaceError(body.error());
  auto date_text = body->RequiredString("date", 32);
  if (!date_text) return FaceError(date_text.error());
  auto hours = ReadHours(body->Raw("blocked_slots"));
  if (!hours) return FaceError(hours.error());
  if (auto s = body->RejectUnknownFields(); !s) return FaceError(s.error());
  auto day = ReadDate(*date_text);
  if (!day) return FaceError(day.error());
  auto result = meetings.BlockHours(auth::Caller(req), *day, std::move(*hours), Now());
  if (!result) return FaceError(result.error());
  return DayResponse(*result);
}

Response AvailableSlots(Meetings& meetings, Request& req) {
  auto date_text = req.Query("date");
  if (!date_text) return FaceError(InvalidArgument("date is required (YYYY-MM-DD)", "date"));
  auto day = ReadDate(*date_text);
  if (!day) return FaceError(day.error());
  auto result = meetings.Hours(auth::Caller(req), req.Query("user").value_or(""), *day);
  if (!result) return FaceError(result.error());
  return DayResponse(*result);
}

}  // namespace

void RegisterAvailabilityRoutes(http::Router& router, store::Database& db, service::Accounts& accounts) {
  auto meetings = std::make_shared<Meetings>(db, accounts);
  router.Add({Method::kPost, "/api/user/block_slots/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "Replace the caller's blocked hours (0-23, local time) of one day; refused if an hour holds an event.",
              {}, [meetings](Request& req) { return BlockSlots(*meetings, req); }});
  router.Add({Method::kGet, "/api/user/get_available_slots/", Access::kAuthenticated, kFaceStyle, kFaceTag,
              "An account's blocked and available hours (0-23, its local time) of one day.",
              {{"date", "The day, YYYY-MM-DD.", true},
               {"user", "The account's email; default the caller.", false}},
              [meetings](Request& req) { return AvailableSlots(*meetings, req); }});
}

}  // namespace kairos::api::meetings
