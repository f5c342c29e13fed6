#include "kairos/api/businesses/business_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/auth/policy.hpp"
#include "kairos/core/text.hpp"
#include "kairos/service/businesses.hpp"

namespace kairos::api::businesses {
namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;
using service::Businesses;

constexpr ErrorStyle kStyle = ErrorStyle::kFieldKeyed;
constexpr const char* kTag = "businesses (003)";
// Bodies are read as the original's framework reads them: Django REST framework.
constexpr BodyProfile kBodies = BodyProfile::kDrf;
constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxPhoneLength = 32;
constexpr std::size_t kMaxHoursEntries = 50;
constexpr const char* kDateFormat = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
constexpr const char* kTimeFormat = "Time has wrong format. Use one of these formats instead: hh:mm[:ss].";

constexpr FaceErrors Fail{kStyle};

// The bodies' fields: what the readers read and /openapi.json documents.
constexpr BodyField kBusinessName{"business_name", BodyField::Type::kString, true, service::kMaxBusinessNameLength};
constexpr BodyField kDescription{"description", BodyField::Type::kString, false, kMaxTextLength, true};
constexpr BodyField kTimezone{"timezone", BodyField::Type::kString, false, kMaxIdLength, false,
                              "An IANA time zone (default UTC)."};
constexpr BodyField kDefaultCapacity{"default_capacity", BodyField::Type::kInteger, false, 0, false,
                                     "1-1000 (default 1)."};
constexpr std::string_view kOperatingHours = "operating_hours";  // a list of kHours* entries, read by HoursEntry
// One operating_hours entry.
constexpr BodyField kHoursDay{"day_of_week", BodyField::Type::kInteger, true, 0, false, "1 (Monday) to 7 (Sunday)."};
constexpr BodyField kHoursClosed{"is_closed", BodyField::Type::kBoolean, false, 0, false, "Default false."};
constexpr BodyField kHoursOpen{"open_time", BodyField::Type::kString, false, kMaxIdLength, true, "hh:mm[:ss]"};
constexpr BodyField kHoursClose{"close_time", BodyField::Type::kString, false, kMaxIdLength, true, "hh:mm[:ss]"};
// generate_slots.
constexpr BodyField kExchangeUuid{"exchange_uuid", BodyField::Type::kString, true, kMaxIdLength, false,
                                  "The exchange's UUID."};
constexpr BodyField kStartDate{"start_date", BodyField::Type::kString, true, kMaxIdLength, false, "YYYY-MM-DD"};
constexpr BodyField kEndDate{"end_date", BodyField::Type::kString, true, kMaxIdLength, false,
                             "YYYY-MM-DD, at most 92 days after start_date."};
constexpr BodyField kSlotMinutes{"slot_duration_minutes", BodyField::Type::kInteger, false, 0, false,
                                 "5-480 (default 60)."};
constexpr BodyField kMaxCapacity{"max_capacity", BodyField::Type::kInteger, false, 0, false,
                                 "1-1000 (default: the exchange's default_capacity)."};
// A booking.
constexpr BodyField kExchange{"exchange", BodyField::Type::kString, true, kMaxIdLength, false, "The exchange's UUID."};
constexpr BodyField kDate{"date", BodyField::Type::kString, true, kMaxIdLength, false,
                          "The local date, YYYY-MM-DD."};
constexpr BodyField kStartTime{"start_time", BodyField::Type::kString, true, kMaxIdLength, false,
                               "Local time, hh:mm[:ss]."};
constexpr BodyField kEndTime{"end_time", BodyField::Type::kString, true, kMaxIdLength, false,
                             "Local time, hh:mm[:ss]."};
constexpr BodyField kCustomerName{"customer_name", BodyField::Type::kString, true, kMaxNameLength};
constexpr BodyField kCustomerEmail{"customer_email", BodyField::Type::kString, true, kMaxEmailLength};
constexpr BodyField kCustomerPhone{"customer_phone", BodyField::Type::kString, false, kMaxPhoneLength, true};
constexpr BodyField kNotes{"notes", BodyField::Type::kString, false, kMaxTextLength, true};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

json Nullable(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json HoursJson(const service::OpeningHours& h) {
  return {{"uuid", h.uuid},
          {"day_of_week", h.day_of_week},
          {"day_name", std::string(WeekdayName(h.day_of_week))},
          {"open_time", h.open_time ? json(FormatTimeOfDay(*h.open_time)) : json(nullptr)},
          {"close_time", h.close_time ? json(FormatTimeOfDay(*h.close_time)) : json(nullptr)},
          {"is_closed", h.is_closed}};
}

json ExchangeJson(const service::Exchange& e) {
  json hours = json::array();
  for (const auto& h : e.operating_hours) hours.push_back(HoursJson(h));
  return {{"uuid", e.uuid},
          {"business_name", e.business_name},
          {"description", e.description},
          {"timezone", e.timezone},
          {"default_capacity", e.default_capacity},
          {"operating_hours", hours},
          {"created_at", FormatUtc(e.created_at)},
          {"updated_at", FormatUtc(e.updated_at)}};
}

json BookingJson(const service::ExchangeBooking& b) {
  json details = nullptr;
  if (b.time_slot) {
    details = {{"uuid", b.time_slot->uuid},
               {"date", FormatDate(b.time_slot->date)},
               {"start_time", FormatTimeOfDay(b.time_slot->start_time)},
               {"end_time", FormatTimeOfDay(b.time_slot->end_time)},
               {"available_capacity", b.time_slot->available_capacity}};
  }
  return {{"uuid", b.uuid},
          {"user", Nullable(b.user_uuid)},
          {"exchange", b.exchange_uuid},
          {"time_slot", b.time_slot ? json(b.time_slot->uuid) : json(nullptr)},
          {"time_slot_details", details},
          {"exchange_name", b.exchange_name},
          {"user_name", b.user_name},
          {"status", b.status},
          {"customer_name", b.customer_name},
          {"customer_email", b.customer_email},
          {"customer_phone", Nullable(b.customer_phone)},
          {"notes", Nullable(b.notes)},
          {"created_at", FormatUtc(b.created_at)},
          {"updated_at", FormatUtc(b.updated_at)}};
}

// A field that must hold a UUID, lower-cased as stored.
Result<std::string> UuidField(JsonBody& body, const BodyField& field) {
  auto text = ReadString(body, field);
  if (!text) return text.error();
  if (!http::IsUuid(**text)) return InvalidArgument("Must be a valid UUID.", std::string(field.name));
  return Lower(std::move(**text));
}

Result<Date> DateField(JsonBody& body, const BodyField& field) {
  auto text = ReadString(body, field);
  if (!text) return text.error();
  auto day = ParseDate(**text, field.name);
  if (!day) return InvalidArgument(kDateFormat, std::string(field.name));
  return *day;
}

Result<TimeOfDay> TimeField(JsonBody& body, const BodyField& field) {
  auto text = ReadString(body, field);
  if (!text) return text.error();
  auto time = ParseTimeOfDay(**text, field.name);
  if (!time) return InvalidArgument(kTimeFormat, std::string(field.name));
  return *time;
}

// One operating_hours entry; errors name the entry and stay under "operating_hours".
Result<service::OpeningHours> HoursEntry(const json& entry, std::size_t index) {
  auto prefix = [&](const Error& e) {
    return InvalidArgument("Entry " + std::to_string(index + 1) + ": " + e.message, "operating_hours");
  };
  if (!entry.is_object()) return prefix(InvalidArgument("must be an object."));
  auto body = JsonBody::Parse(entry.dump(), kBodies);
  if (!body) return prefix(body.error());
  service::OpeningHours h;
  auto day = ReadInt(*body, kHoursDay);
  if (!day) return prefix(day.error());
  h.day_of_week = static_cast<int>(std::clamp<std::int64_t>(**day, 0, 8));
  auto closed = ReadBool(*body, kHoursClosed);
  if (!closed) return prefix(closed.error());
  h.is_closed = closed->value_or(false);
  for (auto [field, out] : {std::pair{&kHoursOpen, &h.open_time}, std::pair{&kHoursClose, &h.close_time}}) {
    auto text = ReadString(*body, *field);  // null reads as absent
    if (!text) return prefix(text.error());
    if (!*text || h.is_closed) continue;
    auto time = ParseTimeOfDay(**text, field->name);
    if (!time) return prefix(InvalidArgument(std::string(field->name) + ": " + kTimeFormat));
    *out = *time;
  }
  if (auto s = body->RejectUnknownFields(); !s) return prefix(s.error());
  return h;
}

enum class Fields { kCreate, kReplace, kPatch };

// business_name is required except in a PATCH.
constexpr BodyField NameField(Fields fields) {
  BodyField f = kBusinessName;
  f.required = fields != Fields::kPatch;
  return f;
}

Result<service::ExchangeInput> ExchangeBody(const Request& req, Fields fields) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return body.error();
  service::ExchangeInput in;
  auto name = ReadString(*body, NameField(fields));
  if (!name) return name.error();
  in.business_name = std::move(*name);
  auto description = ReadString(*body, kDescription);  // null reads as absent
  if (!description) return description.error();
  in.description = std::move(*description);
  auto timezone = ReadString(*body, kTimezone);
  if (!timezone) return timezone.error();
  in.timezone = std::move(*timezone);
  auto capacity = ReadInt(*body, kDefaultCapacity);
  if (!capacity) return capacity.error();
  in.default_capacity = *capacity;
  if (const json* hours = body->Raw(kOperatingHours)) {
    const std::string field(kOperatingHours);
    if (!hours->is_array()) return InvalidArgument("Expected a list of items.", field);
    if (hours->size() > kMaxHoursEntries) return InvalidArgument("Give at most one entry per day of the week.", field);
    std::vector<service::OpeningHours> parsed;
    for (std::size_t i = 0; i < hours->size(); ++i) {
      auto entry = HoursEntry((*hours)[i], i);
      if (!entry) return entry.error();
      parsed.push_back(std::move(*entry));
    }
    in.operating_hours = std::move(parsed);
  }
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return in;
}

// A query integer that must be whole; out-of-range digits (of either sign) read as a huge
// value so the service's range check names the limits.
Result<std::optional<std::int64_t>> IntQuery(const Request& req, std::string_view name) {
  auto n = QueryInteger(req, name, IntSyntax::kDecimal, InvalidArgument("A valid integer is required.", std::string(name)));
  if (!n) return n.error();
  if (!*n) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>((*n)->saturated ? INT64_MAX : (*n)->value);
}

Result<service::PageQuery> PageParams(const Request& req) {
  service::PageQuery p;
  auto page = IntQuery(req, "page");
  if (!page) return NotFound("Invalid page.");
  if (*page) p.page = **page;
  auto size = IntQuery(req, "page_size");
  if (!size) return size.error();
  if (*size) p.page_size = **size;
  return p;
}

// Next/previous links like Django REST framework's: the request's own URL with the page
// replaced, on the Host the client used (echoed only when it is a plain host[:port]).
std::string PageUrl(const Request& req, std::int64_t page) {
  std::string_view host = req.Header("host");
  bool plain = !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
  std::string query;
  for (const auto& [name, value] : req.QueryPairs()) {
    if (name == "page") continue;
    query += (query.empty() ? "" : "&") + PercentEncode(name) + "=" + PercentEncode(value);
  }
  if (page > 1) query += (query.empty() ? "" : "&") + std::string("page=") + std::to_string(page);
  return "http://" + std::string(plain ? host : "localhost") + req.path + (query.empty() ? "" : "?" + query);
}

template <class T, class F>
Response PageResponse(const Request& req, const service::PageQuery& query, const service::PageOf<T>& page,
                      F to_json) {
  json results = json::array();
  for (const auto& item : page.items) results.push_back(to_json(item));
  json next = query.page * query.page_size < page.count ? json(PageUrl(req, query.page + 1)) : json(nullptr);
  json previous = query.page > 1 ? json(PageUrl(req, query.page - 1)) : json(nullptr);
  return http::JsonResponse(200, {{"count", page.count}, {"next", next}, {"previous", previous}, {"results", results}});
}

Response CreateExchange(Businesses& businesses, Request& req) {
  auto in = ExchangeBody(req, Fields::kCreate);
  if (!in) return Fail(in.error());
  auto exchange = businesses.CreateExchange(Caller(req), *in, Now());
  if (!exchange) return Fail(exchange.error());
  return http::JsonResponse(201, ExchangeJson(*exchange));
}

Response ListExchanges(Businesses& businesses, Request& req) {
  auto query = PageParams(req);
  if (!query) return Fail(query.error());
  auto page = businesses.ListExchanges(Caller(req), *query);
  if (!page) return Fail(page.error());
  return PageResponse(req, *query, *page, ExchangeJson);
}

Response GetExchange(Businesses& businesses, Request& req) {
  auto exchange = businesses.GetExchange(Caller(req), Lower(req.Param("uuid")));
  if (!exchange) return Fail(exchange.error());
  return http::JsonResponse(200, ExchangeJson(*exchange));
}

Response UpdateExchange(Businesses& businesses, Request& req, Fields fields) {
  auto in = ExchangeBody(req, fields);
  if (!in) return Fail(in.error());
  auto exchange = businesses.UpdateExchange(Caller(req), Lower(req.Param("uuid")), *in, Now());
  if (!exchange) return Fail(exchange.error());
  return http::JsonResponse(200, ExchangeJson(*exchange));
}

Response DeleteExchange(Businesses& businesses, Request& req) {
  auto done = businesses.DeleteExchange(Caller(req), Lower(req.Param("uuid")));
  if (!done) return Fail(done.error());
  return http::EmptyResponse(204);
}

Response AvailableSlots(Businesses& businesses, Request& req) {
  auto exchange = req.Query("exchange");
  if (!exchange) return Fail(InvalidArgument("This query parameter is required.", "exchange"));
  if (!http::IsUuid(*exchange)) return Fail(InvalidArgument("Must be a valid UUID.", "exchange"));
  std::optional<Date> day;
  if (auto text = req.Query("date")) {
    auto parsed = ParseDate(*text, "date");
    if (!parsed) return Fail(InvalidArgument(kDateFormat, "date"));
    day = *parsed;
  }
  auto minutes = IntQuery(req, "slot_duration");
  if (!minutes) return Fail(minutes.error());
  auto result = businesses.AvailableSlots(Lower(*exchange), day, minutes->value_or(service::kDefaultSlotMinutes),
                                          Now());
  if (!result) return Fail(result.error());
  json slots = json::array();
  for (const auto& s : result->slots) {
    slots.push_back({{"start_time", FormatHourMinute(s.start_time)},
                     {"end_time", FormatHourMinute(s.end_time)},
                     {"is_available", s.is_available},
                     {"available_capacity", s.available_capacity}});
  }
  json body = {{"exchange", result->exchange_uuid},
               {"business_name", result->business_name},
               {"date", FormatDate(result->date)},
               {"day_of_week", result->day_of_week},
               {"slot_duration_minutes", result->slot_minutes},
               {"slots", slots}};
  if (result->closed_message) body["message"] = *result->closed_message;
  return http::JsonResponse(200, body);
}

Response GenerateSlots(Businesses& businesses, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  service::SlotGeneration in;
  auto exchange = UuidField(*body, kExchangeUuid);
  if (!exchange) return Fail(exchange.error());
  in.exchange_uuid = std::move(*exchange);
  auto start = DateField(*body, kStartDate);
  if (!start) return Fail(start.error());
  in.start_date = *start;
  auto end = DateField(*body, kEndDate);
  if (!end) return Fail(end.error());
  in.end_date = *end;
  auto minutes = ReadInt(*body, kSlotMinutes);
  if (!minutes) return Fail(minutes.error());
  in.slot_minutes = minutes->value_or(service::kDefaultSlotMinutes);
  auto capacity = ReadInt(*body, kMaxCapacity);
  if (!capacity) return Fail(capacity.error());
  in.max_capacity = *capacity;
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto generated = businesses.GenerateSlots(Caller(req), in, Now());
  if (!generated) return Fail(generated.error());
  return http::JsonResponse(201, {{"exchange", in.exchange_uuid},
                                  {"start_date", FormatDate(in.start_date)},
                                  {"end_date", FormatDate(in.end_date)},
                                  {"slot_duration_minutes", in.slot_minutes},
                                  {"max_capacity", generated->max_capacity},
                                  {"slots_created", generated->created},
                                  {"slots_updated", generated->updated}});
}

Response CreateBooking(Businesses& businesses, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  service::NewExchangeBooking in;
  auto exchange = UuidField(*body, kExchange);
  if (!exchange) return Fail(exchange.error());
  in.exchange_uuid = std::move(*exchange);
  auto day = DateField(*body, kDate);
  if (!day) return Fail(day.error());
  in.date = *day;
  auto start = TimeField(*body, kStartTime);
  if (!start) return Fail(start.error());
  in.start_time = *start;
  auto end = TimeField(*body, kEndTime);
  if (!end) return Fail(end.error());
  in.end_time = *end;
  auto name = ReadString(*body, kCustomerName);
  if (!name) return Fail(name.error());
  in.customer_name = std::move(**name);
  auto email = ReadString(*body, kCustomerEmail);
  if (!email) return Fail(email.error());
  in.customer_email = std::move(**email);
  auto phone = ReadString(*body, kCustomerPhone);  // null reads as absent
  if (!phone) return Fail(phone.error());
  in.customer_phone = std::move(*phone);
  auto notes = ReadString(*body, kNotes);
  if (!notes) return Fail(notes.error());
  in.notes = std::move(*notes);
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto booking = businesses.Book(Caller(req), in, Now());
  if (!booking) return Fail(booking.error());
  return http::JsonResponse(201, BookingJson(*booking));
}

Response ListBookings(Businesses& businesses, Request& req) {
  service::BookingFilter filter;
  auto page = PageParams(req);
  if (!page) return Fail(page.error());
  filter.page = *page;
  if (auto exchange = req.Query("exchange")) {
    if (!http::IsUuid(*exchange)) return Fail(InvalidArgument("Must be a valid UUID.", "exchange"));
    filter.exchange_uuid = Lower(*exchange);
  }
  filter.status = req.Query("status");
  auto bookings = businesses.ListBookings(Caller(req), filter, Now());
  if (!bookings) return Fail(bookings.error());
  return PageResponse(req, filter.page, *bookings, BookingJson);
}

Response GetBooking(Businesses& businesses, Request& req) {
  auto booking = businesses.GetBooking(Caller(req), Lower(req.Param("uuid")), Now());
  if (!booking) return Fail(booking.error());
  return http::JsonResponse(200, BookingJson(*booking));
}

Response CancelBooking(Businesses& businesses, Request& req) {
  auto booking = businesses.CancelBooking(Caller(req), Lower(req.Param("uuid")), Now());
  if (!booking) return Fail(booking.error());
  return http::JsonResponse(200, BookingJson(*booking));
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

// HH:MM:SS (24:00:00 for the end of a day), as FormatTimeOfDay writes a time.
json Time() { return {{"type", "string"}, {"pattern", "^(([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d|24:00:00)$"}}; }

// What HoursJson writes.
json Hours() {
  return ClosedObject({{"uuid", Uuid()},
                       {"day_of_week", Integer(1, 7)},
                       {"day_name", Enum({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})},
                       {"open_time", Nullable(Time())},
                       {"close_time", Nullable(Time())},
                       {"is_closed", schema::Boolean()}});
}
// What ExchangeJson writes.
json Exchange() {
  return ClosedObject({{"uuid", Uuid()},
                       {"business_name", String()},
                       {"description", String()},
                       {"timezone", String()},
                       {"default_capacity", Integer(1)},
                       {"operating_hours", ArrayOf(Hours())},
                       {"created_at", Timestamp()},
                       {"updated_at", Timestamp()}});
}
// What BookingJson writes.
json Booking() {
  json slot = ClosedObject({{"uuid", Uuid()},
                            {"date", schema::Day()},
                            {"start_time", Time()},
                            {"end_time", Time()},
                            {"available_capacity", Integer(0)}});
  return ClosedObject({{"uuid", Uuid()},
                       {"user", Nullable(Uuid())},
                       {"exchange", Uuid()},
                       {"time_slot", Nullable(Uuid())},
                       {"time_slot_details", Nullable(slot)},
                       {"exchange_name", String()},
                       {"user_name", String()},
                       {"status", Enum({"pending", "confirmed", "completed", "cancelled"})},
                       {"customer_name", String()},
                       {"customer_email", String()},
                       {"customer_phone", Nullable(String())},
                       {"notes", Nullable(String())},
                       {"created_at", Timestamp()},
                       {"updated_at", Timestamp()}});
}
// What PageResponse writes around the items.
json Page(json item) {
  return ClosedObject({{"count", Integer(0)},
                       {"next", Nullable(String())},
                       {"previous", Nullable(String())},
                       {"results", ArrayOf(std::move(item))}});
}
std::map<std::string, json> PageQueries() { return {{"page", Integer(1)}, {"page_size", Integer(1, 100)}}; }

// An exchange's body: its fields, and operating_hours as a list of entries read as HoursEntry reads them.
json ExchangeBody(Fields fields) {
  json body = schema::Body(kBodies, {NameField(fields), kDescription, kTimezone, kDefaultCapacity});
  json entry = schema::Body(kBodies, {kHoursDay, kHoursClosed, kHoursOpen, kHoursClose});
  json list = ArrayOf(entry, kMaxHoursEntries);
  list["description"] = "The opening hours, one entry per day; when given, replaces all of them.";
  body["properties"][std::string(kOperatingHours)] = list;
  return body;
}
http::RouteDoc ExchangeWrite(Fields fields, int status, std::string what) {
  http::RouteDoc d;
  d.request_body = ExchangeBody(fields);
  d.request_body_name = fields == Fields::kPatch ? "ExchangePatch" : "ExchangeWrite";
  d.responses = WithErrors({Returns(status, std::move(what), Exchange(), "Exchange")}, kStyle, {400, 401, 403, 404});
  return d;
}
http::RouteDoc ExchangeListDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "One page of the caller's exchanges.", Page(Exchange()), "ExchangePage")},
                           kStyle, {400, 401, 404});
  d.query_schemas = PageQueries();
  return d;
}
http::RouteDoc ExchangeGetDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "The exchange.", Exchange(), "Exchange")}, kStyle, {401, 403, 404});
  return d;
}
http::RouteDoc ExchangeDeleteDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(204, "Deleted.")}, kStyle, {401, 403, 404});
  return d;
}
http::RouteDoc AvailableSlotsDoc() {
  http::RouteDoc d;
  json slot = ClosedObject({{"start_time", schema::Clock()},
                            {"end_time", schema::Clock()},
                            {"is_available", schema::Boolean()},
                            {"available_capacity", Integer(0)}});
  json day = schema::Object({{"exchange", Uuid()},
                             {"business_name", String()},
                             {"date", schema::Day()},
                             {"day_of_week", Integer(1, 7)},
                             {"slot_duration_minutes", Integer()},
                             {"slots", ArrayOf(slot)},
                             {"message", String()}},
                            {"exchange", "business_name", "date", "day_of_week", "slot_duration_minutes", "slots"});
  d.responses = WithErrors({Returns(200, "The day's slots; a closed day has none and a message.", day,
                                     "ExchangeDaySlots")},
                           kStyle, {400, 401, 404});
  d.query_schemas = {{"exchange", Uuid()}, {"date", schema::Day()}, {"slot_duration", Integer(5, 480)}};
  return d;
}
http::RouteDoc GenerateSlotsDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kExchangeUuid, kStartDate, kEndDate, kSlotMinutes, kMaxCapacity});
  d.request_body_name = "GenerateSlots";
  d.responses = WithErrors({Returns(201, "What was created and updated.",
                                     ClosedObject({{"exchange", Uuid()},
                                                   {"start_date", schema::Day()},
                                                   {"end_date", schema::Day()},
                                                   {"slot_duration_minutes", Integer()},
                                                   {"max_capacity", Integer()},
                                                   {"slots_created", Integer(0)},
                                                   {"slots_updated", Integer(0)}}),
                                     "GeneratedSlots")},
                           kStyle, {400, 401, 403, 404});
  return d;
}
http::RouteDoc BookDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kExchange, kDate, kStartTime, kEndTime, kCustomerName, kCustomerEmail,
                                          kCustomerPhone, kNotes});
  d.request_body_name = "ExchangeBookingCreate";
  d.responses = WithErrors({Returns(201, "The booking, pending.", Booking(), "ExchangeBooking")}, kStyle,
                           {400, 401, 404});
  return d;
}
http::RouteDoc BookingListDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "One page of bookings.", Page(Booking()), "ExchangeBookingPage")}, kStyle,
                           {400, 401, 404});
  d.query_schemas = PageQueries();
  d.query_schemas["exchange"] = Uuid();
  d.query_schemas["status"] = Enum({"pending", "confirmed", "completed", "cancelled"});
  return d;
}
http::RouteDoc BookingDoc(std::string what, std::initializer_list<int> errors) {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, std::move(what), Booking(), "ExchangeBooking")}, kStyle, errors);
  return d;
}

}  // namespace doc

}  // namespace

void RegisterBusinessRoutes(http::Router& router, service::Businesses& businesses) {
  FaceRoutes routes(router);
  Businesses* b = &businesses;
  const std::vector<http::QueryParam> page_params = {
      {"page", "Page number from 1 (default 1)."},
      {"page_size", "Items per page, 1-100 (default 20)."}};
  std::vector<http::QueryParam> booking_params = page_params;
  booking_params.push_back({"exchange", "Only bookings at this exchange (UUID)."});
  booking_params.push_back({"status", "Only bookings with this status: pending, confirmed, completed or cancelled."});

  for (const char* prefix : {"/api/exchanges/", "/api/time-slots/", "/api/bookings/"}) {
    router.SetPrefixStyle(prefix, kStyle);
    router.SetAppendSlash(prefix);  // Django's APPEND_SLASH
  }
  routes.Add({Method::kPost, "/api/exchanges/", Access::kAuthenticated, kStyle, kTag,
              "Create an exchange owned by the caller: business_name, description, timezone (IANA, default UTC), "
              "default_capacity (1-1000, default 1), operating_hours (one entry per day_of_week 1=Monday..7=Sunday).",
              {}, [b](Request& req) { return CreateExchange(*b, req); }, {},
              doc::ExchangeWrite(Fields::kCreate, 201, "The exchange.")});
  routes.Add({Method::kGet, "/api/exchanges/", Access::kAuthenticated, kStyle, kTag,
              "The caller's exchanges, oldest first (count, next, previous, results).", page_params,
              [b](Request& req) { return ListExchanges(*b, req); }, {}, doc::ExchangeListDoc()});
  routes.Add({Method::kGet, "/api/exchanges/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "An exchange with its operating hours (owner only).", {},
              [b](Request& req) { return GetExchange(*b, req); }, {}, doc::ExchangeGetDoc()});
  routes.Add({Method::kPut, "/api/exchanges/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "Update an exchange (owner only; business_name required); operating_hours, when given, replaces all "
              "hours.",
              {}, [b](Request& req) { return UpdateExchange(*b, req, Fields::kReplace); }, {},
              doc::ExchangeWrite(Fields::kReplace, 200, "The exchange.")});
  routes.Add({Method::kPatch, "/api/exchanges/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "Change some of an exchange's fields (owner only); operating_hours, when given, replaces all hours.",
              {}, [b](Request& req) { return UpdateExchange(*b, req, Fields::kPatch); }, {},
              doc::ExchangeWrite(Fields::kPatch, 200, "The exchange.")});
  routes.Add({Method::kDelete, "/api/exchanges/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "Delete an exchange with its hours, time slots and bookings (owner only).", {},
              [b](Request& req) { return DeleteExchange(*b, req); }, {}, doc::ExchangeDeleteDoc()});
  routes.Add({Method::kGet, "/api/time-slots/available_slots/", Access::kAuthenticated, kStyle, kTag,
              "A day's slots from opening time with is_available and available_capacity, in the exchange's time "
              "zone; a closed day has no slots and a message.",
              {{"exchange", "UUID of the exchange.", true},
               {"date", "Local date YYYY-MM-DD (default: today in the exchange's time zone)."},
               {"slot_duration", "Slot length in minutes, 5-480 (default 60)."}},
              [b](Request& req) { return AvailableSlots(*b, req); }, {}, doc::AvailableSlotsDoc()});
  routes.Add({Method::kPost, "/api/time-slots/generate_slots/", Access::kAuthenticated, kStyle, kTag,
              "Pre-create time slots within opening hours (owner only): exchange_uuid, start_date, end_date (at most "
              "92 days), slot_duration_minutes (5-480, default 60), max_capacity (1-1000). Existing slots at the "
              "same times take the new capacity.",
              {}, [b](Request& req) { return GenerateSlots(*b, req); }, {}, doc::GenerateSlotsDoc()});
  routes.Add({Method::kPost, "/api/bookings/", Access::kAuthenticated, kStyle, kTag,
              "Book exchange, date, start_time, end_time (local) for customer_name and customer_email; uses or "
              "creates the time slot. Starts pending.",
              {}, [b](Request& req) { return CreateBooking(*b, req); }, {}, doc::BookDoc()});
  routes.Add({Method::kGet, "/api/bookings/", Access::kAuthenticated, kStyle, kTag,
              "Bookings the caller made or received at their exchanges, latest appointment first (count, next, "
              "previous, results).",
              booking_params, [b](Request& req) { return ListBookings(*b, req); }, {}, doc::BookingListDoc()});
  routes.Add({Method::kGet, "/api/bookings/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "A booking with its time slot (the booker or the exchange's owner).", {},
              [b](Request& req) { return GetBooking(*b, req); }, {},
              doc::BookingDoc("The booking.", {401, 403, 404})});
  routes.Add({Method::kPost, "/api/bookings/{uuid:uuid}/cancel/", Access::kAuthenticated, kStyle, kTag,
              "Cancel a pending or confirmed booking (the booker or the exchange's owner), giving its slot's unit "
              "back.",
              {}, [b](Request& req) { return CancelBooking(*b, req); }, {},
              doc::BookingDoc("The booking, cancelled.", {400, 401, 403, 404})});
}

}  // namespace kairos::api::businesses
