#include "kairos/api/consultants/consultant_routes.hpp"

#include <charconv>
#include <memory>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/api/consultants/slot_json.hpp"
#include "kairos/booking/calendars.hpp"
#include "kairos/service/consultants.hpp"

namespace kairos::api::consultants {
namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;
using service::Consultants;

constexpr ErrorStyle kStyle = ErrorStyle::kErrorKey;
// Bodies are read as the original's framework reads them: Django REST framework.
constexpr BodyProfile kBodies = BodyProfile::kDrf;
constexpr const char* kTag = "consultants (004)";
constexpr std::size_t kMaxPersonName = 50;  // the models' max_length
constexpr std::size_t kMaxTimeText = 32;    // longer than any date or time we accept
constexpr int kDefaultViewDays = 31;        // GET /consultant/<id>/availability/: weekly windows without a range

// This face answers with 404 for unknown resources and 400 for everything else it refuses,
// conflicts included.
constexpr FaceErrors Fail{kStyle, ConflictStatus::k400};

// The bodies' fields: what the readers read and /openapi.json documents.
constexpr BodyField kFirstName{"first_name", BodyField::Type::kString, true, kMaxPersonName};
constexpr BodyField kLastName{"last_name", BodyField::Type::kString, true, kMaxPersonName};
constexpr BodyField kTimezone{"timezone", BodyField::Type::kString, false, kMaxPersonName, false,
                              "An IANA time zone (default UTC)."};
constexpr BodyField kDate{"date", BodyField::Type::kString, true, kMaxTimeText, false, "Local date, YYYY-MM-DD."};
constexpr BodyField kStartTime{"start_time", BodyField::Type::kString, true, kMaxTimeText, false,
                               "Local time, HH:MM[:SS]."};
constexpr BodyField kEndTime{"end_time", BodyField::Type::kString, true, kMaxTimeText, false,
                             "Local time, HH:MM[:SS]."};
constexpr BodyField kAvailabilityId{"availability_id", BodyField::Type::kInteger, false, 0, false,
                                    "The one-off availability to delete, instead of date and times."};
constexpr BodyField kDayOfWeek{"day_of_week", BodyField::Type::kInteger, true, 0, false,
                               "0 (Monday) to 6 (Sunday)."};
constexpr BodyField kIsActive{"is_active", BodyField::Type::kBoolean, false, 0, false, "Default true."};
constexpr BodyField kUser{"user", BodyField::Type::kInteger, true, 0, false, "The user's number."};

// Path ids are decimal (the router checked), at most 18 digits, so they always fit.
std::int64_t PathInt(const Request& req, std::string_view name) { return PathInteger(req, name).value_or(0); }

std::int64_t PathId(const Request& req) { return PathInt(req, "id"); }

Result<Date> DateField(std::string_view text, std::string_view field) {
  auto day = ParseDate(text, field);
  if (!day.ok()) return Named(field, day.error());
  return day;
}

// A query integer; one too large for 64 bits is refused like any other non-integer.
Result<std::optional<std::int64_t>> QueryInt(const Request& req, const char* name) {
  Error invalid = InvalidArgument(std::string(name) + " must be an integer.", name);
  auto n = QueryInteger(req, name, IntSyntax::kDecimal, invalid);
  if (!n) return n.error();
  if (!*n) return std::optional<std::int64_t>();
  if ((*n)->saturated) return invalid;
  return std::optional<std::int64_t>((*n)->value);
}

Result<Date> BodyDate(JsonBody& body, const BodyField& field) {
  auto text = ReadString(body, field);
  if (!text.ok()) return text.error();
  return DateField(**text, field.name);
}

Result<TimeOfDay> BodyTime(JsonBody& body, const BodyField& field) {
  auto text = ReadString(body, field);
  if (!text.ok()) return text.error();
  auto time = ParseTimeOfDay(**text, field.name);
  if (!time.ok()) return Named(field.name, time.error());
  return time;
}

Result<TimeOfDay> QueryTime(const Request& req, const char* name) {
  auto text = req.Query(name);
  if (!text) return InvalidArgument(std::string(name) + " is required.", name);
  auto time = ParseTimeOfDay(*text, name);
  if (!time.ok()) return Named(name, time.error());
  return time;
}

Result<service::NewPerson> PersonFrom(const Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body.ok()) return body.error();
  auto first_name = ReadString(*body, kFirstName);
  if (!first_name.ok()) return first_name.error();
  auto last_name = ReadString(*body, kLastName);
  if (!last_name.ok()) return last_name.error();
  auto timezone = ReadString(*body, kTimezone);
  if (!timezone.ok()) return timezone.error();
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return service::NewPerson{std::move(**first_name), std::move(**last_name), timezone->value_or("UTC")};
}

// A consultant or a user: the face's own number as "id", and its account's uuid.
json PersonJson(const service::Person& p) {
  const service::Account& a = p.account;
  return {{"id", p.no},
          {"uuid", a.uuid},
          {"username", a.username},
          {"first_name", a.first_name},
          {"last_name", a.last_name},
          {"timezone", a.timezone}};
}

// A created object with the original service's confirmation beside it.
json WithMessage(json object, const char* message) {
  object["message"] = message;
  return object;
}

json AvailabilityJson(const service::OneOffAvailability& a) {
  return {{"id", a.id},
          {"consultant", a.consultant_id},
          {"date", FormatDate(a.date)},
          {"start_time", FormatTimeOfDay(a.start)},
          {"end_time", FormatTimeOfDay(a.end)},
          {"is_booked", a.is_booked}};
}

json RecurringJson(const service::RecurringAvailability& r) {
  return {{"id", r.id},
          {"consultant", r.consultant_id},
          {"day_of_week", r.day_of_week},
          {"start_time", FormatTimeOfDay(r.start)},
          {"end_time", FormatTimeOfDay(r.end)},
          {"is_active", r.is_active}};
}

// A list of free slots as the answer's body (SlotsJsonText: the bytes nlohmann would write).
Response SlotsResponse(const std::vector<service::FreeSlot>& slots) {
  Response r;
  r.status = 200;
  r.body = SlotsJsonText(slots);
  return r;
}

json OptionalId(const std::optional<std::int64_t>& id) { return id ? json(*id) : json(nullptr); }

Response CreatePerson(Consultants& service, Request& req, bool consultant) {
  auto in = PersonFrom(req);
  if (!in.ok()) return Fail(in.error());
  auto person = consultant ? service.CreateConsultant(*in, Now()) : service.CreateUser(*in);
  if (!person.ok()) return Fail(person.error());
  return http::JsonResponse(
      201, WithMessage(PersonJson(*person), consultant ? "Consultant created successfully" : "User created successfully"));
}

// The date, start_time and end_time every one-off write of this face names.
struct DayAndTimes {
  Date day;
  TimeOfDay start;
  TimeOfDay end;
};

Result<DayAndTimes> BodyDayAndTimes(JsonBody& body) {
  auto day = BodyDate(body, kDate);
  if (!day.ok()) return day.error();
  auto start = BodyTime(body, kStartTime);
  if (!start.ok()) return start.error();
  auto end = BodyTime(body, kEndTime);
  if (!end.ok()) return end.error();
  return DayAndTimes{*day, *start, *end};
}

Response GetConsultant(Consultants& service, Request& req) {
  auto account = service.FindConsultant(PathId(req));
  if (!account.ok()) return Fail(account.error());
  return http::JsonResponse(200, PersonJson(*account));
}

Response AddAvailability(Consultants& service, Request& req) {
  auto consultant = service.MayChange(PathId(req), req.principal);
  if (!consultant.ok()) return Fail(consultant.error());
  auto body = JsonBody::Parse(req, kBodies);
  if (!body.ok()) return Fail(body.error());
  auto when = BodyDayAndTimes(*body);
  if (!when.ok()) return Fail(when.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto added = service.AddAvailability(*consultant, when->day, when->start, when->end, Now());
  if (!added.ok()) return Fail(added.error());
  return http::JsonResponse(201, WithMessage(AvailabilityJson(*added), "availability slot created successfully"));
}

Response ConsultantFreeTime(Consultants& service, Request& req) {
  auto consultant = service.FindConsultant(PathId(req));
  if (!consultant.ok()) return Fail(consultant.error());
  auto first = QueryDate(req, "start_date");
  if (!first.ok()) return Fail(first.error());
  auto last = QueryDate(req, "end_date");
  if (!last.ok()) return Fail(last.error());
  auto dated = [&]() {
    Date today = LocalDate(Now(), booking::ZoneOrUtc(consultant->account.timezone));
    Date from = first->value_or(today);
    Date to = last->value_or(Date{date::sys_days{from} + date::days{kDefaultViewDays - 1}});
    return service.FreeTime(consultant->no, from, to, Now());
  };
  // Without a range, as the original: every free future one-off window, however far ahead
  // (and the weekly windows over the next kDefaultViewDays days).
  auto slots = *first || *last ? dated() : service.UpcomingFreeTime(consultant->no, kDefaultViewDays, Now());
  if (!slots.ok()) return Fail(slots.error());
  return SlotsResponse(*slots);
}

// The daily view, as the original: {"date", "total_slots", "availabilities"}; a date no
// consultant can still reach (before today in the last time zone, UTC-12) is refused.
Response DateFreeTime(Consultants& service, Request& req) {
  auto day = ParseDate(req.Param("date"), "date");
  if (!day.ok()) return Fail(InvalidArgument("Invalid date format. Use YYYY-MM-DD. " + day.error().message, "date"));
  if (*day < LocalDate(Now(), booking::ZoneOrUtc("Etc/GMT+12"))) {
    return Fail(InvalidArgument("Cannot query availability for past dates", "date"));
  }
  auto slots = service.FreeTime(std::nullopt, *day, *day, Now());
  if (!slots.ok()) return Fail(slots.error());
  // The object's keys in nlohmann's order, around the written array.
  Response r = SlotsResponse(*slots);
  r.body = "{\"availabilities\":" + r.body + ",\"date\":\"" + FormatDate(*day) +
           "\",\"total_slots\":" + std::to_string(slots->size()) + "}";
  return r;
}

// Deletes a one-off window named as the original does, by its date, start_time and end_time
// (in the JSON body), or by availability_id (in the query or the body).
Response DeleteAvailability(Consultants& service, Request& req) {
  auto consultant = service.MayChange(PathId(req), req.principal);
  if (!consultant.ok()) return Fail(consultant.error());
  auto from_query = QueryInt(req, "availability_id");
  if (!from_query.ok()) return Fail(from_query.error());
  std::optional<std::int64_t> from_body;
  std::optional<DayAndTimes> when;
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto body = JsonBody::Parse(req, kBodies);
    if (!body.ok()) return Fail(body.error());
    auto id = ReadInt(*body, kAvailabilityId);
    if (!id.ok()) return Fail(id.error());
    from_body = *id;
    if (body->Has(kDate.name) || body->Has(kStartTime.name) || body->Has(kEndTime.name)) {
      auto named = BodyDayAndTimes(*body);
      if (!named.ok()) return Fail(named.error());
      when = *named;
    }
    if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  }
  if (*from_query && from_body && **from_query != *from_body) {
    return Fail(InvalidArgument("availability_id differs between the query and the body.", "availability_id"));
  }
  std::optional<std::int64_t> id = *from_query ? *from_query : from_body;
  if (id && when) {
    return Fail(InvalidArgument("Name the time slot by date, start_time and end_time or by availability_id, not both.",
                                "availability_id"));
  }
  if (!id && !when) {
    return Fail(InvalidArgument("date, start_time and end_time are required (or availability_id).", "date"));
  }
  Status done = id ? service.DeleteAvailability(*consultant, *id)
                   : service.DeleteAvailabilityAt(*consultant, when->day, when->start, when->end);
  if (!done) return Fail(done.error());
  return http::EmptyResponse(204);
}

Response AddRecurring(Consultants& service, Request& req) {
  auto consultant = service.MayChange(PathId(req), req.principal);
  if (!consultant.ok()) {
    // The original validates the consultant as a field of the pattern: 400, not 404.
    if (consultant.error().code != ErrorCode::kNotFound) return Fail(consultant.error());
    return Fail(InvalidArgument("consultant: Invalid pk \"" + req.Param("id") + "\" - object does not exist.",
                                "consultant"));
  }
  auto body = JsonBody::Parse(req, kBodies);
  if (!body.ok()) return Fail(body.error());
  auto day = ReadInt(*body, kDayOfWeek);
  if (!day.ok()) return Fail(day.error());
  auto start = BodyTime(*body, kStartTime);
  if (!start.ok()) return Fail(start.error());
  auto end = BodyTime(*body, kEndTime);
  if (!end.ok()) return Fail(end.error());
  auto active = ReadBool(*body, kIsActive);
  if (!active.ok()) return Fail(active.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  if (**day < 0 || **day > 6) {
    return Fail(InvalidArgument("day_of_week must be between 0 (Monday) and 6 (Sunday).", "day_of_week"));
  }
  auto added = service.AddRecurring(*consultant, static_cast<int>(**day), *start, *end, active->value_or(true), Now());
  if (!added.ok()) return Fail(added.error());
  return http::JsonResponse(201, WithMessage(RecurringJson(*added), "Recurring availability created successfully"));
}

Response ListRecurring(Consultants& service, Request& req) {
  auto rules = service.ListRecurring(PathId(req));
  // The original filters patterns by consultant: an unknown one simply has none.
  if (!rules.ok() && rules.error().code == ErrorCode::kNotFound) return http::JsonResponse(200, json::array());
  if (!rules.ok()) return Fail(rules.error());
  json out = json::array();
  for (const auto& r : *rules) out.push_back(RecurringJson(r));
  return http::JsonResponse(200, out);
}

Response Reserve(Consultants& service, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body.ok()) return Fail(body.error());
  service::ReservationRequest in;
  auto user = ReadInt(*body, kUser);
  if (!user.ok()) return Fail(user.error());
  auto when = BodyDayAndTimes(*body);
  if (!when.ok()) return Fail(when.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto parties = service.MayReserve(PathId(req), **user, req.principal);
  if (!parties.ok()) return Fail(parties.error());
  in.date = when->day;
  in.start = when->start;
  in.end = when->end;
  auto r = service.Reserve(*parties, in, Now());
  if (!r.ok()) return Fail(r.error());
  // The original's confirmation (message, booking_id, the consultant's name, date and
  // times), with the numbers a client needs beside it.
  return http::JsonResponse(201, {{"message", "Booking created successfully"},
                                  {"booking_id", r->id},
                                  {"consultant", r->consultant_name},
                                  {"date", FormatDate(r->date)},
                                  {"start_time", FormatTimeOfDay(r->start)},
                                  {"end_time", FormatTimeOfDay(r->end)},
                                  {"consultant_id", r->consultant_id},
                                  {"user", r->user_id},
                                  {"availability", OptionalId(r->availability_id)},
                                  {"recurring", OptionalId(r->recurring_id)}});
}

Response DeleteRecurring(Consultants& service, Request& req) {
  auto consultant = service.MayChange(PathId(req), req.principal);
  if (!consultant.ok()) return Fail(consultant.error());
  if (auto s = service.DeleteRecurring(*consultant, PathInt(req, "recurring_id")); !s) return Fail(s.error());
  return http::EmptyResponse(204);
}

Response CancelReservation(Consultants& service, Request& req) {
  auto consultant = service.MayChange(PathId(req), req.principal);
  if (!consultant.ok()) return Fail(consultant.error());
  if (auto s = service.CancelReservation(*consultant, PathInt(req, "reservation_id"), Now()); !s) {
    return Fail(s.error());
  }
  return http::EmptyResponse(204);
}

// The monthly view, as the original: year and month required, a flat array of slots.
Response MonthlyFreeTime(Consultants& service, Request& req) {
  const char* const invalid = "Invalid month or year format: ";
  auto year = QueryInt(req, "year");
  if (!year.ok()) return Fail(InvalidArgument(invalid + year.error().message, "year"));
  auto month = QueryInt(req, "month");
  if (!month.ok()) return Fail(InvalidArgument(invalid + month.error().message, "month"));
  auto consultant = QueryInt(req, "consultant");
  if (!consultant.ok()) return Fail(consultant.error());
  if (!*year) return Fail(InvalidArgument(std::string(invalid) + "year is required.", "year"));
  if (!*month) return Fail(InvalidArgument(std::string(invalid) + "month is required.", "month"));
  std::int64_t y = **year;
  std::int64_t m = **month;
  if (y < 1 || y > 9999) return Fail(InvalidArgument(std::string(invalid) + "year must be between 1 and 9999.", "year"));
  if (m < 1 || m > 12) return Fail(InvalidArgument(std::string(invalid) + "month must be between 1 and 12.", "month"));
  date::year_month ym{date::year{static_cast<int>(y)}, date::month{static_cast<unsigned>(m)}};
  Date first = ym / date::day{1};
  Date last = ym / date::last;
  auto slots = service.FreeTime(*consultant, first, last, Now());
  if (!slots.ok()) return Fail(slots.error());
  return SlotsResponse(*slots);
}

// The time-range view, as the original: start_date, end_date, start_time and end_time all
// required; a flat array of the slots on those dates lying wholly within those times.
Response TimeRangeFreeTime(Consultants& service, Request& req) {
  for (const char* name : {"start_date", "end_date", "start_time", "end_time"}) {
    if (!req.Query(name)) {
      return Fail(InvalidArgument(
          std::string("All parameters are required: start_date, end_date, start_time, end_time (") + name +
              " is missing).",
          name));
    }
  }
  auto first = QueryDate(req, "start_date");
  if (!first.ok()) return Fail(first.error());
  auto last = QueryDate(req, "end_date");
  if (!last.ok()) return Fail(last.error());
  auto from = QueryTime(req, "start_time");
  if (!from.ok()) return Fail(from.error());
  auto to = QueryTime(req, "end_time");
  if (!to.ok()) return Fail(to.error());
  auto consultant = QueryInt(req, "consultant");
  if (!consultant.ok()) return Fail(consultant.error());
  auto slots = service.FreeTime(*consultant, **first, **last, Now());
  if (!slots.ok()) return Fail(slots.error());
  std::vector<service::FreeSlot> within;
  for (const auto& slot : *slots) {
    if (slot.start >= *from && slot.end <= *to) within.push_back(slot);
  }
  return SlotsResponse(within);
}

namespace doc {

using schema::ArrayOf;
using schema::Boolean;
using schema::ClosedObject;
using schema::Enum;
using schema::Integer;
using schema::Nullable;
using schema::String;
using schema::Uuid;

// HH:MM:SS (24:00:00 for the end of a day), as FormatTimeOfDay writes a time.
json Time() { return {{"type", "string"}, {"pattern", "^(([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d|24:00:00)$"}}; }

// What PersonJson writes, with the creation's message.
json Person(std::optional<const char*> message) {
  json p = {{"id", Integer(1)},
            {"uuid", Uuid()},
            {"username", String()},
            {"first_name", String()},
            {"last_name", String()},
            {"timezone", String()}};
  if (message) p["message"] = Enum({*message});
  return ClosedObject(p);
}
// What AvailabilityJson writes, with the creation's message.
json Availability() {
  return ClosedObject({{"id", Integer()},
                       {"consultant", Integer()},
                       {"date", schema::Day()},
                       {"start_time", Time()},
                       {"end_time", Time()},
                       {"is_booked", Boolean()},
                       {"message", Enum({"availability slot created successfully"})}});
}
// What RecurringJson writes (created: with its message).
json Recurring(bool created) {
  json p = {{"id", Integer()},
            {"consultant", Integer()},
            {"day_of_week", Integer(0, 6)},
            {"start_time", Time()},
            {"end_time", Time()},
            {"is_active", Boolean()}};
  if (created) p["message"] = Enum({"Recurring availability created successfully"});
  return ClosedObject(p);
}
// What SlotJson writes.
json Slot() {
  return ClosedObject({{"consultant", Integer()},
                       {"date", schema::Day()},
                       {"start_time", Time()},
                       {"end_time", Time()},
                       {"timezone", String()},
                       {"is_booked", {{"type", "boolean"}, {"enum", json::array({false})}}},
                       {"source", Enum({"recurring", "one_off"})},
                       {"availability", Nullable(Integer())},
                       {"recurring", Nullable(Integer())}});
}
http::ResponseDoc Slots(std::string what) { return Returns(200, std::move(what), ArrayOf(Slot()), "ConsultantSlots"); }

// Reads answer 400 (bad input) and 404; writes may also need the person's credentials.
std::vector<http::ResponseDoc> ReadAnswers(std::vector<http::ResponseDoc> ok) {
  return WithErrors(std::move(ok), kStyle, {400, 404});
}
std::vector<http::ResponseDoc> WriteAnswers(std::vector<http::ResponseDoc> ok) {
  return WithErrors(std::move(ok), kStyle, {400, 401, 403, 404});
}

http::RouteDoc CreatePersonDoc(bool consultant) {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kFirstName, kLastName, kTimezone});
  d.request_body_name = "NewPerson";
  const char* message = consultant ? "Consultant created successfully" : "User created successfully";
  d.responses = WithErrors({Returns(201, consultant ? "The consultant." : "The user.", Person(message),
                                    consultant ? "ConsultantCreated" : "UserCreated")},
                           kStyle, {400});
  return d;
}
http::RouteDoc GetConsultantDoc() {
  http::RouteDoc d;
  d.responses = ReadAnswers({Returns(200, "The consultant.", Person(std::nullopt), "Consultant")});
  return d;
}
http::RouteDoc AddAvailabilityDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kDate, kStartTime, kEndTime});
  d.request_body_name = "ConsultantAvailabilityCreate";
  d.responses = WriteAnswers({Returns(201, "The one-off availability.", Availability(), "ConsultantAvailability")});
  return d;
}
http::RouteDoc FreeTimeDoc() {
  http::RouteDoc d;
  d.responses = ReadAnswers({Slots("The consultant's free slots by date and time.")});
  d.query_schemas = {{"start_date", schema::Day()}, {"end_date", schema::Day()}};
  return d;
}
http::RouteDoc DateFreeTimeDoc() {
  http::RouteDoc d;
  d.responses = ReadAnswers({Returns(200, "Every consultant's free slots on the date.",
                                     ClosedObject({{"date", schema::Day()},
                                                   {"total_slots", Integer(0)},
                                                   {"availabilities", ArrayOf(Slot())}}),
                                     "ConsultantDaySlots")});
  d.path_params = {{"date", "YYYY-MM-DD, not before today in the last time zone (UTC-12)."}};
  return d;
}
http::RouteDoc DeleteAvailabilityDoc() {
  http::RouteDoc d;
  // Date, start_time and end_time together, or availability_id (here or in the query).
  json body = schema::Body(kBodies, {kAvailabilityId, kDate, kStartTime, kEndTime});
  body.erase("required");
  d.request_body = body;
  d.request_body_name = "ConsultantAvailabilityDelete";
  d.responses = WriteAnswers({Returns(204, "Deleted.")});
  d.query_schemas = {{"availability_id", Integer()}};
  return d;
}
http::RouteDoc AddRecurringDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kDayOfWeek, kStartTime, kEndTime, kIsActive});
  d.request_body_name = "RecurringAvailabilityCreate";
  d.responses = WriteAnswers({Returns(201, "The weekly availability.", Recurring(true), "RecurringAvailabilityCreated")});
  return d;
}
http::RouteDoc ListRecurringDoc() {
  http::RouteDoc d;
  d.responses = ReadAnswers({Returns(200, "The consultant's weekly patterns (none for an unknown consultant).",
                                     ArrayOf(Recurring(false)), "RecurringAvailabilities")});
  return d;
}
http::RouteDoc DeleteDoc() {
  http::RouteDoc d;
  d.responses = WriteAnswers({Returns(204, "Deleted.")});
  return d;
}
http::RouteDoc ReserveDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kUser, kDate, kStartTime, kEndTime});
  d.request_body_name = "ConsultantReserve";
  d.responses = WriteAnswers({Returns(201, "The reservation's confirmation.",
                                      ClosedObject({{"message", Enum({"Booking created successfully"})},
                                                    {"booking_id", Integer()},
                                                    {"consultant", String()},
                                                    {"date", schema::Day()},
                                                    {"start_time", Time()},
                                                    {"end_time", Time()},
                                                    {"consultant_id", Integer()},
                                                    {"user", Integer()},
                                                    {"availability", Nullable(Integer())},
                                                    {"recurring", Nullable(Integer())}}),
                                      "ConsultantReservation")});
  return d;
}
http::RouteDoc MonthlyDoc() {
  http::RouteDoc d;
  d.responses = ReadAnswers({Slots("The month's free slots by date and time.")});
  d.query_schemas = {{"year", Integer(1, 9999)}, {"month", Integer(1, 12)}, {"consultant", Integer()}};
  return d;
}
http::RouteDoc TimeRangeDoc() {
  http::RouteDoc d;
  d.responses = ReadAnswers({Slots("The free slots within the dates and times.")});
  json time = {{"type", "string"}, {"pattern", "^\\d{2}:\\d{2}(:\\d{2})?$"}};
  d.query_schemas = {{"start_date", schema::Day()}, {"end_date", schema::Day()}, {"start_time", time},
                     {"end_time", time}, {"consultant", Integer()}};
  return d;
}

}  // namespace doc

}  // namespace

void RegisterConsultantRoutes(http::Router& router, service::Consultants& consultants, ConsultantRoutesOptions options) {
  FaceRoutes routes(router);
  for (const char* prefix : {"/consultant/", "/consultants/", "/user/", "/availabilities/"}) {
    router.SetPrefixStyle(prefix, kStyle);
    router.SetAppendSlash(prefix);  // Django's APPEND_SLASH
  }
  Consultants* service = &consultants;
  const Access access = options.require_auth ? Access::kAuthenticated : Access::kPublic;
  // Each handler holds the service, which lives as long as the route table.
  // `keep`: the free-time views read only the database and the time, so their answers
  // may be kept (http::AnswerKeeper).
  auto add = [&](Method method, std::string pattern, std::string summary, std::vector<http::QueryParam> query,
                 Response (*handler)(Consultants&, Request&), http::RouteDoc doc, bool keep = false) {
    routes.Add({method, std::move(pattern), access, kStyle, kTag, std::move(summary), std::move(query),
                [service, handler](Request& req) { return handler(*service, req); }, {}, std::move(doc), keep});
  };
  const std::vector<http::QueryParam> no_query;
  add(Method::kPost, "/consultant/",
      "Create a consultant (first_name, last_name; optional timezone, default UTC); numbered from 1, username "
      "consultant-<id>.",
      no_query, [](Consultants& s, Request& r) { return CreatePerson(s, r, true); }, doc::CreatePersonDoc(true));
  add(Method::kGet, "/consultant/{id:int}/", "A consultant by its number, with its account's uuid.", no_query,
      GetConsultant, doc::GetConsultantDoc());
  add(Method::kPost, "/user/",
      "Create a user who books consultations (first_name, last_name; optional timezone); numbered from 1, username "
      "user-<id>.",
      no_query, [](Consultants& s, Request& r) { return CreatePerson(s, r, false); }, doc::CreatePersonDoc(false));
  add(Method::kPost, "/consultants/{id:int}/availabilities/",
      "Add a one-off availability (date, start_time, end_time in the consultant's time zone).", no_query,
      AddAvailability, doc::AddAvailabilityDoc());
  add(Method::kGet, "/consultant/{id:int}/availability/",
      "A consultant's free slots (one-off and recurring, minus bookings) by date; without dates every future "
      "one-off slot and the weekly ones of the next 31 days.",
      {{"start_date", "First local date, YYYY-MM-DD (default today in the consultant's zone)", false},
       {"end_date", "Last local date, inclusive (default start_date + 30 days; at most 92 days in all)", false}},
      ConsultantFreeTime, doc::FreeTimeDoc(), true);
  add(Method::kGet, "/consultants/availabilities/{date}/",
      "Every consultant's free slots on one date (each in its own time zone): {date, total_slots, availabilities}.",
      no_query, DateFreeTime, doc::DateFreeTimeDoc(), true);
  for (const char* pattern : {"/consultant/{id:int}/availability/", "/consultant/{id:int}/availability/delete"}) {
    add(Method::kDelete, pattern,
        "Delete an unbooked one-off availability named by body {\"date\", \"start_time\", \"end_time\"}, or by "
        "?availability_id=<id> or body {\"availability_id\": <id>}.",
        {{"availability_id", "The one-off availability to delete (instead of date and times in the body)", false}},
        DeleteAvailability, doc::DeleteAvailabilityDoc());
  }
  add(Method::kPost, "/consultant/{id:int}/recurring/",
      "Add a weekly availability (day_of_week 0=Monday..6=Sunday, start_time, end_time; optional is_active).",
      no_query, AddRecurring, doc::AddRecurringDoc());
  add(Method::kGet, "/consultant/{id:int}/recurring/", "A consultant's weekly availability patterns.", no_query,
      ListRecurring, doc::ListRecurringDoc());
  add(Method::kDelete, "/consultant/{id:int}/recurring/{recurring_id:int}/",
      "Remove a weekly availability pattern (reservations already made stay booked).", no_query, DeleteRecurring,
      doc::DeleteDoc());
  add(Method::kDelete, "/consultant/{id:int}/reservations/{reservation_id:int}/",
      "Cancel a reservation made through this face; its time is free again.", no_query, CancelReservation,
      doc::DeleteDoc());
  add(Method::kPost, "/consultant/{id:int}/reserve/",
      "Reserve offered time for a user (user, date, start_time, end_time); any part of one free slot.", no_query,
      Reserve, doc::ReserveDoc());
  add(Method::kGet, "/availabilities/monthly/", "Free slots of one month, as one array by date and time.",
      {{"year", "Year, e.g. 2025", true},
       {"month", "Month 1-12", true},
       {"consultant", "Only this consultant's slots (default: every consultant)", false}},
      MonthlyFreeTime, doc::MonthlyDoc(), true);
  add(Method::kGet, "/availabilities/timerange/",
      "Free slots between two dates (at most 92 days) lying within start_time and end_time, as one array.",
      {{"start_date", "First local date, YYYY-MM-DD", true},
       {"end_date", "Last local date, inclusive", true},
       {"start_time", "Slots starting at or after this local time, HH:MM[:SS]", true},
       {"end_time", "Slots ending at or before this local time, HH:MM[:SS]", true},
       {"consultant", "Only this consultant's slots (default: every consultant)", false}},
      TimeRangeFreeTime, doc::TimeRangeDoc(), true);
}

}  // namespace kairos::api::consultants
