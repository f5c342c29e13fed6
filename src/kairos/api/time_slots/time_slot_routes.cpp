#include "kairos/api/time_slots/time_slot_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <array>
#include <memory>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/auth/policy.hpp"
#include "kairos/service/time_slots.hpp"

namespace kairos::api::time_slots {
namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;
using service::TimeSlot;
using service::TimeSlots;
using service::TimeSlotStatus;

constexpr ErrorStyle kStyle = ErrorStyle::kDetail;
constexpr const char* kTag = "personal time slots (000)";
// Bodies are read as the original's framework reads them: FastAPI (Pydantic v2, lax).
constexpr BodyProfile kBodies = BodyProfile::kPydantic;
constexpr std::size_t kMaxShortText = 64;   // zones, dates, times, statuses, patterns
constexpr std::size_t kMaxTitleLength = 255;  // the document's VARCHAR(255)

// The document answers every rule it lists, overlaps included, with 400.
constexpr FaceErrors Fail{kStyle, ConflictStatus::k400};

// The bodies' fields: what the readers read and /openapi.json documents.
using Type = BodyField::Type;
constexpr BodyField kStartTime{"start_time", Type::kString, true, kMaxShortText, false,
                               "Local date-time, YYYY-MM-DDTHH:MM[:SS] (no zone suffix)."};
constexpr BodyField kEndTime{"end_time", Type::kString, true, kMaxShortText, false,
                             "Local date-time, YYYY-MM-DDTHH:MM[:SS] (no zone suffix)."};
constexpr BodyField kTimezone{"timezone", Type::kString, false, kMaxShortText, true, "IANA zone (default UTC)."};
constexpr BodyField kTitle{"title", Type::kString, false, kMaxTitleLength, true};
constexpr BodyField kDescription{"description", Type::kString, false, kMaxTextLength, true};
constexpr BodyField kIsRecurring{"is_recurring", Type::kBoolean, false, 0, true};
constexpr BodyField kRecurringPattern{"recurring_pattern", Type::kString, false, kMaxShortText, true,
                                      "daily, weekly or monthly."};
constexpr BodyField kRecurringEndDate{"recurring_end_date", Type::kString, false, kMaxShortText, true,
                                      "YYYY-MM-DD, or a local date-time whose date is taken."};
constexpr BodyField kStartDate{"start_date", Type::kString, true, kMaxShortText, false, "YYYY-MM-DD."};
constexpr BodyField kEndDate{"end_date", Type::kString, true, kMaxShortText, false, "YYYY-MM-DD."};
constexpr BodyField kStartClock{"start_time", Type::kString, true, kMaxShortText, false, "HH:MM or HH:MM:SS."};
constexpr BodyField kEndClock{"end_time", Type::kString, true, kMaxShortText, false, "HH:MM or HH:MM:SS."};
constexpr BodyField kSlotDuration{"slot_duration_minutes", Type::kInteger, false, 0, true, "Default 45."};
constexpr BodyField kStatus{"status", Type::kString, false, kMaxShortText, true,
                            "available, booked, blocked or cancelled."};
// An array of integers read as the profile reads an int; documented beside the fields.
constexpr std::string_view kDaysOfWeek = "days_of_week";
// Fields an update refuses.
constexpr std::array<std::string_view, 3> kFixedFields = {"start_time", "end_time", "timezone"};

json Nullable(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// The document's slot shape, plus where a slot belongs in a recurring series.
json SlotJson(const TimeSlot& s) {
  return {{"id", s.uuid},
          {"user_id", s.owner_uuid},
          {"start_time", FormatUtc(s.interval.start)},
          {"end_time", FormatUtc(s.interval.end)},
          {"timezone", s.timezone},
          {"title", Nullable(s.title)},
          {"description", Nullable(s.description)},
          {"status", service::TimeSlotStatusName(s.status)},
          {"is_recurring", s.is_recurring},
          {"recurring_pattern",
           s.recurring_pattern ? json(service::RepeatPatternName(*s.recurring_pattern)) : json(nullptr)},
          {"recurring_end_date", s.recurring_end_date ? json(FormatDate(*s.recurring_end_date)) : json(nullptr)},
          {"series_id", Nullable(s.series_uuid)},
          {"duration_minutes", std::chrono::duration_cast<std::chrono::minutes>(s.interval.length()).count()},
          {"start_time_local", FormatLocalWithOffset(s.interval.start, s.zone)},
          {"end_time_local", FormatLocalWithOffset(s.interval.end, s.zone)},
          {"timezone_offset", FormatOffset(UtcOffset(s.interval.start, s.zone))},
          {"created_at", FormatUtc(s.created_at)},
          {"updated_at", FormatUtc(s.updated_at)}};
}

json SlotsJson(const std::vector<TimeSlot>& slots) {
  json items = json::array();
  for (const auto& s : slots) items.push_back(SlotJson(s));
  return items;
}

// A string field that may also be null or absent (both nullopt). NUL characters are
// refused: PostgreSQL cannot store them and would cut the text short.
Result<std::optional<std::string>> NullableString(JsonBody& body, std::string_view name, std::size_t max_length) {
  if (const json* raw = body.Raw(name); raw == nullptr || raw->is_null()) return std::optional<std::string>();
  auto text = body.OptionalString(name, max_length);
  if (text && *text && (*text)->find('\0') != std::string::npos) {
    return InvalidArgument(std::string(name) + " must not contain NUL characters", std::string(name));
  }
  return text;
}

// A field parsed from a string by `parse`, or nullopt when null or absent.
template <class T, class Parse>
Result<std::optional<T>> NullableParsed(JsonBody& body, const BodyField& field, Parse parse) {
  auto text = NullableString(body, field.name, field.max_length);
  if (!text) return text.error();
  if (!*text) return std::optional<T>();
  Result<T> parsed = parse(**text);
  if (!parsed) return Named(field.name, parsed.error());
  return std::optional<T>(*parsed);
}

template <class T, class Parse>
Result<T> RequiredParsed(JsonBody& body, const BodyField& field, Parse parse) {
  auto text = body.RequiredString(field.name, field.max_length);
  if (!text) return text.error();
  Result<T> parsed = parse(*text);
  if (!parsed) return Named(field.name, parsed.error());
  return parsed;
}

// "YYYY-MM-DD", or a local date-time whose date is taken.
Result<Date> ParseEndDate(std::string_view text) {
  if (text.size() == 10) return ParseDate(text, "recurring_end_date");
  auto local = ParseLocalDateTime(text, "recurring_end_date");
  if (!local) return local.error();
  return DateOf(*local);
}

Response Create(TimeSlots& slots, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  service::NewTimeSlot in;
  auto start = RequiredParsed<LocalDateTime>(*body, kStartTime,
                                             [](std::string_view t) { return ParseLocalDateTime(t, "start_time"); });
  if (!start) return Fail(start.error());
  auto end = RequiredParsed<LocalDateTime>(*body, kEndTime,
                                           [](std::string_view t) { return ParseLocalDateTime(t, "end_time"); });
  if (!end) return Fail(end.error());
  auto timezone = NullableString(*body, kTimezone.name, kTimezone.max_length);
  if (!timezone) return Fail(timezone.error());
  auto title = NullableString(*body, kTitle.name, kTitle.max_length);
  if (!title) return Fail(title.error());
  auto description = NullableString(*body, kDescription.name, kDescription.max_length);
  if (!description) return Fail(description.error());
  std::optional<bool> recurring;
  if (const json* raw = body->Raw(kIsRecurring.name); raw != nullptr && !raw->is_null()) {
    auto flag = body->OptionalBool(kIsRecurring.name);
    if (!flag) return Fail(flag.error());
    recurring = *flag;
  }
  auto pattern = NullableParsed<RepeatPattern>(*body, kRecurringPattern,
                                               [](std::string_view t) { return ParseRepeatPattern(t); });
  if (!pattern) return Fail(pattern.error());
  auto end_date = NullableParsed<Date>(*body, kRecurringEndDate, ParseEndDate);
  if (!end_date) return Fail(end_date.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());

  in.start = *start;
  in.end = *end;
  if (*timezone) in.timezone = std::move(**timezone);
  in.title = std::move(*title);
  in.description = std::move(*description);
  in.is_recurring = recurring.value_or(false);
  in.recurring_pattern = *pattern;
  in.recurring_end_date = *end_date;
  auto created = slots.Create(Caller(req), in, Now());
  if (!created) return Fail(created.error());
  json out = SlotJson(created->first);
  if (created->first.is_recurring) out["occurrences_created"] = created->occurrences;
  return http::JsonResponse(200, out);
}

Response CreateBulk(TimeSlots& slots, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  service::BulkTimeSlots in;
  auto start_date =
      RequiredParsed<Date>(*body, kStartDate, [](std::string_view t) { return ParseDate(t, "start_date"); });
  if (!start_date) return Fail(start_date.error());
  auto end_date = RequiredParsed<Date>(*body, kEndDate, [](std::string_view t) { return ParseDate(t, "end_date"); });
  if (!end_date) return Fail(end_date.error());
  auto start_time = RequiredParsed<TimeOfDay>(*body, kStartClock,
                                              [](std::string_view t) { return ParseTimeOfDay(t, "start_time"); });
  if (!start_time) return Fail(start_time.error());
  auto end_time =
      RequiredParsed<TimeOfDay>(*body, kEndClock, [](std::string_view t) { return ParseTimeOfDay(t, "end_time"); });
  if (!end_time) return Fail(end_time.error());
  auto timezone = NullableString(*body, kTimezone.name, kTimezone.max_length);
  if (!timezone) return Fail(timezone.error());
  if (const json* days = body->Raw(kDaysOfWeek); days != nullptr && !days->is_null()) {
    const Error bad = InvalidArgument("days_of_week must be an array of integers from 0 (Monday) to 6 (Sunday)",
                                      "days_of_week");
    if (!days->is_array()) return Fail(bad);
    std::vector<int> list;
    for (const json& d : *days) {
      // Each element is read as the profile reads an int ("1" and 1.0 are Tuesday).
      auto day = body->ToInt(d);
      if (!day) return Fail(bad);
      // Values beyond a weekday are refused by the service; clamp so none overflows an int.
      list.push_back(static_cast<int>(std::clamp<std::int64_t>(*day, -1, 7)));
    }
    in.days_of_week = std::move(list);
  }
  auto title = NullableString(*body, kTitle.name, kTitle.max_length);
  if (!title) return Fail(title.error());
  auto description = NullableString(*body, kDescription.name, kDescription.max_length);
  if (!description) return Fail(description.error());
  std::optional<std::int64_t> duration;
  if (const json* raw = body->Raw(kSlotDuration.name); raw != nullptr && !raw->is_null()) {
    auto minutes = body->OptionalInt(kSlotDuration.name);
    if (!minutes) return Fail(minutes.error());
    duration = *minutes;
  }
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());

  in.start_date = *start_date;
  in.end_date = *end_date;
  in.start_time = *start_time;
  in.end_time = *end_time;
  if (*timezone) in.timezone = std::move(**timezone);
  in.title = std::move(*title);
  in.description = std::move(*description);
  if (duration) in.duration = std::chrono::minutes(std::clamp<std::int64_t>(*duration, -1, 1'000'000));
  auto created = slots.CreateBulk(Caller(req), in, Now());
  if (!created) return Fail(created.error());
  return http::JsonResponse(
      200, {{"success", true},
            {"message", "Successfully created " + std::to_string(created->size()) + " time slots"},
            {"slots_created", created->size()},
            {"slots", SlotsJson(*created)},
            {"date_range", {{"start", FormatDate(in.start_date)}, {"end", FormatDate(in.end_date)}}},
            {"timezone", in.timezone}});
}

Response List(TimeSlots& slots, Request& req) {
  service::TimeSlotFilter filter;
  auto start = QueryDate(req, "start_date");
  if (!start) return Fail(start.error());
  filter.start_date = *start;
  auto end = QueryDate(req, "end_date");
  if (!end) return Fail(end.error());
  filter.end_date = *end;
  if (auto status = req.Query("status")) {
    auto parsed = service::ParseTimeSlotStatus(*status);
    if (!parsed) return Fail(parsed.error());
    filter.status = *parsed;
  }
  auto limit = IntQuery(req, "limit", "limit must be between 1 and 100");
  if (!limit) return Fail(limit.error());
  if (*limit) filter.limit = **limit;
  auto offset = IntQuery(req, "offset", "offset must be a non-negative integer");
  if (!offset) return Fail(offset.error());
  if (*offset) filter.offset = **offset;
  auto page = slots.List(Caller(req), filter);
  if (!page) return Fail(page.error());
  Response r = http::JsonResponse(200, SlotsJson(page->slots));
  r.SetHeader("X-Total-Count", std::to_string(page->total));
  return r;
}

Response Summary(TimeSlots& slots, Request& req) {
  auto s = slots.Summary(Caller(req), Now());
  if (!s) return Fail(s.error());
  return http::JsonResponse(
      200, {{"total_slots", s->total_slots},
            {"available_slots", s->available_slots},
            {"booked_slots", s->booked_slots},
            {"blocked_slots", s->blocked_slots},
            {"upcoming_slots", s->upcoming_slots},
            {"next_available_slot", s->next_available_slot ? SlotJson(*s->next_available_slot) : json(nullptr)},
            {"recent_slots", SlotsJson(s->recent_slots)}});
}

Response Upcoming(TimeSlots& slots, Request& req) {
  auto limit = IntQuery(req, "limit", "limit must be between 1 and 50");
  if (!limit) return Fail(limit.error());
  auto found = slots.Upcoming(Caller(req), limit->value_or(service::kDefaultUpcomingLimit), Now());
  if (!found) return Fail(found.error());
  return http::JsonResponse(200, SlotsJson(*found));
}

Response Get(TimeSlots& slots, Request& req) {
  auto slot = slots.Get(Caller(req), NormalizedUuid(req.Param("slot_id")));
  if (!slot) return Fail(slot.error());
  return http::JsonResponse(200, SlotJson(*slot));
}

Response Update(TimeSlots& slots, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  for (std::string_view fixed : kFixedFields) {
    if (body->Has(fixed)) {
      return Fail(InvalidArgument("Only title, description and status can be updated; to move a time slot, delete "
                                  "it and create another",
                                  std::string(fixed)));
    }
  }
  service::TimeSlotChanges changes;
  if (body->Has(kTitle.name)) {
    auto title = NullableString(*body, kTitle.name, kTitle.max_length);
    if (!title) return Fail(title.error());
    changes.title = std::move(*title);
  }
  if (body->Has(kDescription.name)) {
    auto description = NullableString(*body, kDescription.name, kDescription.max_length);
    if (!description) return Fail(description.error());
    changes.description = std::move(*description);
  }
  auto status = NullableParsed<TimeSlotStatus>(*body, kStatus,
                                               [](std::string_view t) { return service::ParseTimeSlotStatus(t); });
  if (!status) return Fail(status.error());
  changes.status = *status;
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto slot = slots.Update(Caller(req), NormalizedUuid(req.Param("slot_id")), changes, Now());
  if (!slot) return Fail(slot.error());
  return http::JsonResponse(200, SlotJson(*slot));
}

Response Delete(TimeSlots& slots, Request& req) {
  auto done = slots.Delete(Caller(req), NormalizedUuid(req.Param("slot_id")), Now());
  if (!done) return Fail(done.error());
  return http::JsonResponse(200, {{"success", true}, {"message", "Time slot deleted successfully"}});
}

Response ChangeStatus(TimeSlots& slots, Request& req, TimeSlotStatus to) {
  auto slot = slots.ChangeStatus(Caller(req), NormalizedUuid(req.Param("slot_id")), to, Now());
  if (!slot) return Fail(slot.error());
  return http::JsonResponse(200, SlotJson(*slot));
}

namespace doc {

using schema::ArrayOf;
using schema::Boolean;
using schema::Day;
using schema::Enum;
using schema::Integer;
using schema::Nullable;
using schema::Object;
using schema::String;
using schema::Timestamp;
using schema::Uuid;

json Ref(const char* name) { return {{"$ref", std::string("#/components/schemas/") + name}}; }

// What SlotJson writes.
json SlotProperties() {
  json local = {{"type", "string"}, {"pattern", "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}$"}};
  return {{"id", Uuid()},
          {"user_id", Uuid()},
          {"start_time", Timestamp()},
          {"end_time", Timestamp()},
          {"timezone", String()},
          {"title", Nullable(String())},
          {"description", Nullable(String())},
          {"status", Enum({"available", "booked", "blocked", "cancelled"})},
          {"is_recurring", Boolean()},
          {"recurring_pattern", Nullable(Enum({"daily", "weekly", "monthly"}))},
          {"recurring_end_date", Nullable(Day())},
          {"series_id", Nullable(Uuid())},
          {"duration_minutes", Integer()},
          {"start_time_local", local},
          {"end_time_local", local},
          {"timezone_offset", {{"type", "string"}, {"pattern", "^[+-]\\d{2}:\\d{2}$"}}},
          {"created_at", Timestamp()},
          {"updated_at", Timestamp()}};
}
std::vector<std::string> Names(const json& properties) {
  std::vector<std::string> out;
  for (const auto& [name, value] : properties.items()) out.push_back(name);
  return out;
}
json Slot() { return schema::ClosedObject(SlotProperties()); }
http::ResponseDoc SlotResponse(std::string what) { return Returns(200, std::move(what), Slot(), "TimeSlot"); }

// NullableString refuses NUL characters in every string it reads.
json NoNul(json body) {
  for (auto& [name, field] : body["properties"].items()) {
    if (name != kDaysOfWeek && name != kIsRecurring.name && name != kSlotDuration.name) {
      field["pattern"] = "^[^\\u0000]*$";
    }
  }
  return body;
}

http::RouteDoc CreateDoc() {
  http::RouteDoc d;
  d.request_body = NoNul(schema::Body(kBodies, {kStartTime, kEndTime, kTimezone, kTitle, kDescription, kIsRecurring,
                                                kRecurringPattern, kRecurringEndDate}));
  d.request_body_name = "TimeSlotCreate";
  json p = SlotProperties();
  std::vector<std::string> required = Names(p);
  p["occurrences_created"] = Integer(1);
  p["occurrences_created"]["description"] = "Recurring series only: the occurrences created.";
  d.responses = WithErrors({Returns(200, "The slot (the first of a series).", Object(p, required),
                                     "TimeSlotCreated")},
                           kStyle, {400, 401});
  return d;
}
http::RouteDoc BulkDoc() {
  http::RouteDoc d;
  json body = schema::Body(kBodies, {kStartDate, kEndDate, kStartClock, kEndClock, kTimezone, kTitle, kDescription,
                                     kSlotDuration});
  body["properties"][std::string(kDaysOfWeek)] =
      Nullable(ArrayOf(schema::Field(kBodies, {kDaysOfWeek, Type::kInteger})));
  body["properties"][std::string(kDaysOfWeek)]["description"] = "0 (Monday) to 6 (Sunday); default every day.";
  d.request_body = NoNul(body);
  d.request_body_name = "TimeSlotBulk";
  d.responses = WithErrors(
      {Returns(200, "The slots created, all or none.",
                schema::ClosedObject({{"success", Boolean()},
                                      {"message", String()},
                                      {"slots_created", Integer(0)},
                                      {"slots", ArrayOf(Ref("TimeSlot"))},
                                      {"date_range", schema::ClosedObject({{"start", Day()}, {"end", Day()}})},
                                      {"timezone", String()}}),
                "TimeSlotBulkCreated")},
      kStyle, {400, 401});
  return d;
}
http::RouteDoc ListDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "Your slots, by start time; X-Total-Count has the total.",
                                     ArrayOf(Ref("TimeSlot")))},
                           kStyle, {400, 401});
  d.query_schemas = {{"start_date", Day()},
                     {"end_date", Day()},
                     {"status", Enum({"available", "booked", "blocked", "cancelled"})},
                     {"limit", Integer(1, 100)},
                     {"offset", Integer(0)}};
  return d;
}
http::RouteDoc SummaryDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "Counts and slots.",
                                     schema::ClosedObject({{"total_slots", Integer(0)},
                                                           {"available_slots", Integer(0)},
                                                           {"booked_slots", Integer(0)},
                                                           {"blocked_slots", Integer(0)},
                                                           {"upcoming_slots", Integer(0)},
                                                           {"next_available_slot", Nullable(Ref("TimeSlot"))},
                                                           {"recent_slots", ArrayOf(Ref("TimeSlot"))}}),
                                     "TimeSlotSummary")},
                           kStyle, {401});
  return d;
}
http::RouteDoc UpcomingDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "Available slots after now, soonest first.", ArrayOf(Ref("TimeSlot")))},
                           kStyle, {400, 401});
  d.query_schemas = {{"limit", Integer(1, 50)}};
  return d;
}
http::RouteDoc GetDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({SlotResponse("The slot.")}, kStyle, {401, 404});
  return d;
}
http::RouteDoc UpdateDoc() {
  http::RouteDoc d;
  json body = NoNul(schema::Body(kBodies, {kTitle, kDescription, kStatus}));
  json fixed = json::array();
  for (std::string_view f : kFixedFields) fixed.push_back({{"required", json::array({std::string(f)})}});
  body["not"] = {{"anyOf", fixed}};
  body["description"] = "start_time, end_time and timezone cannot be changed.";
  d.request_body = body;
  d.request_body_name = "TimeSlotUpdate";
  d.responses = WithErrors({SlotResponse("The changed slot.")}, kStyle, {400, 401, 404});
  return d;
}
http::RouteDoc DeleteDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "Deleted.",
                                     schema::ClosedObject({{"success", Boolean()}, {"message", String()}}),
                                     "TimeSlotDeleted")},
                           kStyle, {400, 401, 404});
  return d;
}
http::RouteDoc StatusDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({SlotResponse("The slot with its new status.")}, kStyle, {400, 401, 404});
  return d;
}

}  // namespace doc

}  // namespace

void RegisterTimeSlotRoutes(http::Router& router, service::TimeSlots& time_slots) {
  FaceRoutes routes(router);
  TimeSlots* slots = &time_slots;
  auto route = [&](Method method, std::string pattern, std::string summary, std::vector<http::QueryParam> query,
                   http::Handler handler, http::RouteDoc doc) {
    routes.Add({method, std::move(pattern), Access::kAuthenticated, kStyle, kTag, std::move(summary),
                std::move(query), std::move(handler), {}, std::move(doc)});
  };

  router.SetPrefixStyle("/users/time-slots", kStyle);
  route(Method::kPost, "/users/time-slots/",
        "Create a time slot (or a recurring series) from local start_time/end_time in a time zone; the duration "
        "must be 15, 30, 45, 60, 90 or 120 minutes and may not overlap your other slots.",
        {}, [slots](Request& req) { return Create(*slots, req); }, doc::CreateDoc());
  route(Method::kPost, "/users/time-slots/bulk",
        "Create slots of slot_duration_minutes (default 45) between start_time and end_time on the chosen "
        "days_of_week (0 = Monday; default every day) of a date range of at most 90 days: all or none.",
        {}, [slots](Request& req) { return CreateBulk(*slots, req); }, doc::BulkDoc());
  route(Method::kGet, "/users/time-slots/", "Your time slots by start time (total in X-Total-Count).",
        {{"start_date", "Only slots starting on or after this local date (YYYY-MM-DD)."},
         {"end_date", "Only slots starting on or before this local date (YYYY-MM-DD)."},
         {"status", "Only slots with this status: available, booked, blocked or cancelled."},
         {"limit", "Slots to return, 1-100 (default 50)."},
         {"offset", "Slots to skip, 0 or more (default 0)."}},
        [slots](Request& req) { return List(*slots, req); }, doc::ListDoc());
  route(Method::kGet, "/users/time-slots/summary",
        "Counts of your slots by status, upcoming available slots, the next available slot and the 5 last created.", {},
        [slots](Request& req) { return Summary(*slots, req); }, doc::SummaryDoc());
  route(Method::kGet, "/users/time-slots/available/upcoming",
        "Your available slots that start after now, soonest first.",
        {{"limit", "Slots to return, 1-50 (default 10)."}},
        [slots](Request& req) { return Upcoming(*slots, req); }, doc::UpcomingDoc());
  route(Method::kGet, "/users/time-slots/{slot_id}", "One of your time slots.", {},
        [slots](Request& req) { return Get(*slots, req); }, doc::GetDoc());
  route(Method::kPut, "/users/time-slots/{slot_id}",
        "Change a slot's title, description or status (same transitions as book, block and unblock, or cancelled).",
        {}, [slots](Request& req) { return Update(*slots, req); }, doc::UpdateDoc());
  route(Method::kDelete, "/users/time-slots/{slot_id}", "Delete one of your time slots (one occurrence of a series).",
        {}, [slots](Request& req) { return Delete(*slots, req); }, doc::DeleteDoc());
  route(Method::kPost, "/users/time-slots/{slot_id}/book",
        "Book an available slot that has not started and whose time no booking holds.", {},
        [slots](Request& req) { return ChangeStatus(*slots, req, TimeSlotStatus::kBooked); }, doc::StatusDoc());
  route(Method::kPost, "/users/time-slots/{slot_id}/block", "Block an available slot.", {},
        [slots](Request& req) { return ChangeStatus(*slots, req, TimeSlotStatus::kBlocked); }, doc::StatusDoc());
  route(Method::kPost, "/users/time-slots/{slot_id}/unblock", "Make a blocked slot available again.", {},
        [slots](Request& req) { return ChangeStatus(*slots, req, TimeSlotStatus::kAvailable); }, doc::StatusDoc());
}

}  // namespace kairos::api::time_slots
