#include "kairos/api/businesses/business_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
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
Result<std::string> UuidField(JsonBody& body, std::string_view name) {
  auto text = body.RequiredString(name, kMaxIdLength);
  if (!text) return text.error();
  if (!http::IsUuid(*text)) return InvalidArgument("Must be a valid UUID.", std::string(name));
  return Lower(std::move(*text));
}

Result<Date> DateField(JsonBody& body, std::string_view name) {
  auto text = body.RequiredString(name, kMaxIdLength);
  if (!text) return text.error();
  auto day = ParseDate(*text, name);
  if (!day) return InvalidArgument(kDateFormat, std::string(name));
  return *day;
}

Result<TimeOfDay> TimeField(JsonBody& body, std::string_view name) {
  auto text = body.RequiredString(name, kMaxIdLength);
  if (!text) return text.error();
  auto time = ParseTimeOfDay(*text, name);
  if (!time) return InvalidArgument(kTimeFormat, std::string(name));
  return *time;
}

// A string that may also be sent as null (the same as leaving it out).
Result<std::optional<std::string>> NullableString(JsonBody& body, std::string_view name, std::size_t max_length) {
  const json* raw = body.Raw(name);
  if (raw == nullptr || raw->is_null()) return std::optional<std::string>();
  return body.OptionalString(name, max_length);
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
  auto day = body->RequiredInt("day_of_week");
  if (!day) return prefix(day.error());
  h.day_of_week = static_cast<int>(std::clamp<std::int64_t>(*day, 0, 8));
  auto closed = body->OptionalBool("is_closed");
  if (!closed) return prefix(closed.error());
  h.is_closed = closed->value_or(false);
  for (auto [name, out] : {std::pair{"open_time", &h.open_time}, std::pair{"close_time", &h.close_time}}) {
    auto text = NullableString(*body, name, kMaxIdLength);
    if (!text) return prefix(text.error());
    if (!*text || h.is_closed) continue;
    auto time = ParseTimeOfDay(**text, name);
    if (!time) return prefix(InvalidArgument(std::string(name) + ": " + kTimeFormat));
    *out = *time;
  }
  if (auto s = body->RejectUnknownFields(); !s) return prefix(s.error());
  return h;
}

enum class Fields { kCreate, kReplace, kPatch };

Result<service::ExchangeInput> ExchangeBody(const Request& req, Fields fields) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return body.error();
  service::ExchangeInput in;
  if (fields == Fields::kPatch) {
    auto name = body->OptionalString("business_name", service::kMaxBusinessNameLength);
    if (!name) return name.error();
    in.business_name = std::move(*name);
  } else {
    auto name = body->RequiredString("business_name", service::kMaxBusinessNameLength);
    if (!name) return name.error();
    in.business_name = std::move(*name);
  }
  auto description = NullableString(*body, "description", kMaxTextLength);
  if (!description) return description.error();
  in.description = std::move(*description);
  auto timezone = body->OptionalString("timezone", kMaxIdLength);
  if (!timezone) return timezone.error();
  in.timezone = std::move(*timezone);
  auto capacity = body->OptionalInt("default_capacity");
  if (!capacity) return capacity.error();
  in.default_capacity = *capacity;
  if (const json* hours = body->Raw("operating_hours")) {
    if (!hours->is_array()) return InvalidArgument("Expected a list of items.", "operating_hours");
    if (hours->size() > kMaxHoursEntries) {
      return InvalidArgument("Give at most one entry per day of the week.", "operating_hours");
    }
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
  auto exchange = UuidField(*body, "exchange_uuid");
  if (!exchange) return Fail(exchange.error());
  in.exchange_uuid = std::move(*exchange);
  auto start = DateField(*body, "start_date");
  if (!start) return Fail(start.error());
  in.start_date = *start;
  auto end = DateField(*body, "end_date");
  if (!end) return Fail(end.error());
  in.end_date = *end;
  auto minutes = body->OptionalInt("slot_duration_minutes");
  if (!minutes) return Fail(minutes.error());
  in.slot_minutes = minutes->value_or(service::kDefaultSlotMinutes);
  auto capacity = body->OptionalInt("max_capacity");
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
  auto exchange = UuidField(*body, "exchange");
  if (!exchange) return Fail(exchange.error());
  in.exchange_uuid = std::move(*exchange);
  auto day = DateField(*body, "date");
  if (!day) return Fail(day.error());
  in.date = *day;
  auto start = TimeField(*body, "start_time");
  if (!start) return Fail(start.error());
  in.start_time = *start;
  auto end = TimeField(*body, "end_time");
  if (!end) return Fail(end.error());
  in.end_time = *end;
  auto name = body->RequiredString("customer_name", kMaxNameLength);
  if (!name) return Fail(name.error());
  in.customer_name = std::move(*name);
  auto email = body->RequiredString("customer_email", kMaxEmailLength);
  if (!email) return Fail(email.error());
  in.customer_email = std::move(*email);
  auto phone = NullableString(*body, "customer_phone", kMaxPhoneLength);
  if (!phone) return Fail(phone.error());
  in.customer_phone = std::move(*phone);
  auto notes = NullableString(*body, "notes", kMaxTextLength);
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
              {}, [b](Request& req) { return CreateExchange(*b, req); }});
  routes.Add({Method::kGet, "/api/exchanges/", Access::kAuthenticated, kStyle, kTag,
              "The caller's exchanges, oldest first (count, next, previous, results).", page_params,
              [b](Request& req) { return ListExchanges(*b, req); }});
  routes.Add({Method::kGet, "/api/exchanges/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "An exchange with its operating hours (owner only).", {},
              [b](Request& req) { return GetExchange(*b, req); }});
  routes.Add({Method::kPut, "/api/exchanges/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "Update an exchange (owner only; business_name required); operating_hours, when given, replaces all "
              "hours.",
              {}, [b](Request& req) { return UpdateExchange(*b, req, Fields::kReplace); }});
  routes.Add({Method::kPatch, "/api/exchanges/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "Change some of an exchange's fields (owner only); operating_hours, when given, replaces all hours.",
              {}, [b](Request& req) { return UpdateExchange(*b, req, Fields::kPatch); }});
  routes.Add({Method::kDelete, "/api/exchanges/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "Delete an exchange with its hours, time slots and bookings (owner only).", {},
              [b](Request& req) { return DeleteExchange(*b, req); }});
  routes.Add({Method::kGet, "/api/time-slots/available_slots/", Access::kAuthenticated, kStyle, kTag,
              "A day's slots from opening time with is_available and available_capacity, in the exchange's time "
              "zone; a closed day has no slots and a message.",
              {{"exchange", "UUID of the exchange.", true},
               {"date", "Local date YYYY-MM-DD (default: today in the exchange's time zone)."},
               {"slot_duration", "Slot length in minutes, 5-480 (default 60)."}},
              [b](Request& req) { return AvailableSlots(*b, req); }});
  routes.Add({Method::kPost, "/api/time-slots/generate_slots/", Access::kAuthenticated, kStyle, kTag,
              "Pre-create time slots within opening hours (owner only): exchange_uuid, start_date, end_date (at most "
              "92 days), slot_duration_minutes (5-480, default 60), max_capacity (1-1000). Existing slots at the "
              "same times take the new capacity.",
              {}, [b](Request& req) { return GenerateSlots(*b, req); }});
  routes.Add({Method::kPost, "/api/bookings/", Access::kAuthenticated, kStyle, kTag,
              "Book exchange, date, start_time, end_time (local) for customer_name and customer_email; uses or "
              "creates the time slot. Starts pending.",
              {}, [b](Request& req) { return CreateBooking(*b, req); }});
  routes.Add({Method::kGet, "/api/bookings/", Access::kAuthenticated, kStyle, kTag,
              "Bookings the caller made or received at their exchanges, latest appointment first (count, next, "
              "previous, results).",
              booking_params, [b](Request& req) { return ListBookings(*b, req); }});
  routes.Add({Method::kGet, "/api/bookings/{uuid:uuid}/", Access::kAuthenticated, kStyle, kTag,
              "A booking with its time slot (the booker or the exchange's owner).", {},
              [b](Request& req) { return GetBooking(*b, req); }});
  routes.Add({Method::kPost, "/api/bookings/{uuid:uuid}/cancel/", Access::kAuthenticated, kStyle, kTag,
              "Cancel a pending or confirmed booking (the booker or the exchange's owner), giving its slot's unit "
              "back.",
              {}, [b](Request& req) { return CancelBooking(*b, req); }});
}

}  // namespace kairos::api::businesses
