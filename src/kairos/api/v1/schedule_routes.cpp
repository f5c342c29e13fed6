#include "kairos/api/v1/schedule_routes.hpp"

#include <array>

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/kit.hpp"
#include "kairos/core/vavailability.hpp"
#include "kairos/service/schedule_ical.hpp"

namespace kairos::api::v1 {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;

constexpr std::array<const char*, 7> kDays = {"monday", "tuesday", "wednesday", "thursday",
                                              "friday", "saturday", "sunday"};
constexpr const char* kTag = "v1 schedules";

std::optional<int> IsoWeekdayOf(std::string_view name) {
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (name == kDays[i]) return static_cast<int>(i) + 1;
  }
  return std::nullopt;
}

std::string At(const std::string& list, std::size_t i) { return list + "[" + std::to_string(i) + "]"; }

json SpanSchema() {
  return schema::Object({{"start", schema::Clock()}, {"end", schema::Clock()}}, {"start", "end"});
}

json SpanJson(const booking::LocalSpan& s) { return {{"start", FormatClock(s.start)}, {"end", FormatClock(s.end)}}; }

// {"start": "HH:MM", "end": "HH:MM" or "24:00"} at `path`.
Result<booking::LocalSpan> ReadSpan(ObjectReader& r) {
  auto start = r.RequiredString("start", 5);
  if (!start) return start.error();
  auto end = r.RequiredString("end", 5);
  if (!end) return end.error();
  auto s = ParseClock(*start, r.FieldPath("start"));
  if (!s) return s.error();
  auto e = ParseClock(*end, r.FieldPath("end"), true);
  if (!e) return e.error();
  return booking::LocalSpan{*s, *e};
}

Result<std::vector<booking::WeeklySpan>> ReadWeekly(const json& raw) {
  if (!raw.is_array()) return InvalidArgument("weekly must be a list of intervals.", "weekly");
  if (raw.size() > service::kMaxWeeklyIntervals) {
    return InvalidArgument("weekly has more than " + std::to_string(service::kMaxWeeklyIntervals) + " intervals.",
                           "weekly");
  }
  std::vector<booking::WeeklySpan> out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto r = ObjectReader::Of(raw[i], At("weekly", i));
    if (!r) return r.error();
    auto day = r->RequiredString("day", 16);
    if (!day) return day.error();
    auto weekday = IsoWeekdayOf(*day);
    if (!weekday) return InvalidArgument(r->FieldPath("day") + " must be monday to sunday.", r->FieldPath("day"));
    auto span = ReadSpan(*r);
    if (!span) return span.error();
    if (auto s = r->RejectUnknownFields(); !s) return s.error();
    out.push_back({*weekday, *span});
  }
  return out;
}

Result<std::vector<service::ScheduleOverride>> ReadOverrides(const json& raw) {
  if (!raw.is_array()) return InvalidArgument("overrides must be a list.", "overrides");
  if (raw.size() > service::kMaxOverrides) {
    return InvalidArgument("overrides has more than " + std::to_string(service::kMaxOverrides) + " dates.",
                           "overrides");
  }
  std::vector<service::ScheduleOverride> out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto r = ObjectReader::Of(raw[i], At("overrides", i));
    if (!r) return r.error();
    auto date_text = r->RequiredString("date", 10);
    if (!date_text) return date_text.error();
    auto date = ParseDay(*date_text, r->FieldPath("date"));
    if (!date) return date.error();
    service::ScheduleOverride o{*date, {}};
    if (const json* intervals = r->Raw("intervals")) {
      const std::string path = r->FieldPath("intervals");
      if (!intervals->is_array()) return InvalidArgument(path + " must be a list of intervals.", path);
      if (intervals->size() > service::kMaxOverrideIntervals) {
        return InvalidArgument(path + " has more than " + std::to_string(service::kMaxOverrideIntervals) +
                                   " intervals.",
                               path);
      }
      for (std::size_t k = 0; k < intervals->size(); ++k) {
        auto s = ObjectReader::Of((*intervals)[k], At(path, k));
        if (!s) return s.error();
        auto span = ReadSpan(*s);
        if (!span) return span.error();
        if (auto u = s->RejectUnknownFields(); !u) return u.error();
        o.intervals.push_back(*span);
      }
    }
    if (auto s = r->RejectUnknownFields(); !s) return s.error();
    out.push_back(std::move(o));
  }
  return out;
}

Result<service::ScheduleFields> ReadFields(const Request& req) {
  auto body = ReadBody(req);
  if (!body) return body.error();
  service::ScheduleFields f;
  if (body->Has("name")) {
    auto name = body->RequiredString("name", service::kMaxScheduleName);
    if (!name) return name.error();
    f.name = std::move(*name);
  }
  if (body->Has("time_zone")) {
    auto zone = body->RequiredString("time_zone", 64);
    if (!zone) return zone.error();
    f.time_zone = std::move(*zone);
  }
  if (const json* weekly = body->Raw("weekly")) {
    auto w = ReadWeekly(*weekly);
    if (!w) return w.error();
    f.weekly = std::move(*w);
  }
  if (const json* overrides = body->Raw("overrides")) {
    auto o = ReadOverrides(*overrides);
    if (!o) return o.error();
    f.overrides = std::move(*o);
  }
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return f;
}

json ScheduleProperties() {
  return {{"name", schema::String(service::kMaxScheduleName, 1)},
          {"time_zone", schema::String(64, 1)},
          {"weekly", schema::ArrayOf(schema::Object({{"day", schema::Enum({"monday", "tuesday", "wednesday", "thursday",
                                                                           "friday", "saturday", "sunday"})},
                                                     {"start", schema::Clock()},
                                                     {"end", schema::Clock()}},
                                                    {"day", "start", "end"}),
                                     service::kMaxWeeklyIntervals)},
          {"overrides", schema::ArrayOf(schema::Object({{"date", schema::Day()},
                                                        {"intervals", schema::ArrayOf(SpanSchema(),
                                                                                      service::kMaxOverrideIntervals)}},
                                                       {"date"}),
                                        service::kMaxOverrides)}};
}

// "{uuid}" or "{uuid}.ics", the uuid normalised; nullopt for anything else.
struct ScheduleTarget {
  std::string uuid;
  bool ics = false;
};
std::optional<ScheduleTarget> ScheduleId(std::string id) {
  bool ics = id.size() > 4 && id.compare(id.size() - 4, 4, ".ics") == 0;
  if (ics) id.resize(id.size() - 4);
  if (!http::IsUuid(id)) return std::nullopt;
  return ScheduleTarget{NormalizedUuid(id), ics};
}

}  // namespace

json ScheduleSchema() {
  json p = ScheduleProperties();
  p["overrides"]["items"]["required"] = json::array({"date", "intervals"});
  p["id"] = schema::Uuid();
  p["created_at"] = schema::Timestamp();
  p["updated_at"] = schema::Timestamp();
  return schema::Object(p, {"id", "name", "time_zone", "weekly", "overrides", "created_at", "updated_at"});
}

json ScheduleWriteSchema(bool create) {
  return schema::Object(ScheduleProperties(), create ? std::vector<std::string>{"name"} : std::vector<std::string>{});
}

json ScheduleJson(const booking::Schedule& s) {
  json weekly = json::array();
  for (const auto& w : s.weekly) {
    weekly.push_back({{"day", kDays[static_cast<std::size_t>(w.iso_weekday - 1)]},
                      {"start", FormatClock(w.span.start)},
                      {"end", FormatClock(w.span.end)}});
  }
  json overrides = json::array();
  for (const auto& [day, spans] : s.overrides) {
    json intervals = json::array();
    for (const auto& span : spans) intervals.push_back(SpanJson(span));
    overrides.push_back({{"date", FormatDay(day)}, {"intervals", intervals}});
  }
  return {{"id", s.uuid},
          {"name", s.name},
          {"time_zone", s.time_zone},
          {"weekly", weekly},
          {"overrides", overrides},
          {"created_at", FormatTimestamp(s.created_at)},
          {"updated_at", FormatTimestamp(s.updated_at)}};
}

void RegisterScheduleRoutes(http::Router& router, service::Schedules& schedules) {
  FaceRoutes routes(router);
  const std::map<std::string, std::string> id_param = {{"id", "The schedule's id."}};

  http::Route create{Method::kPost, "/v1/schedules", Access::kAuthenticated, kStyle, kTag, "Create a schedule.", {},
                     [&schedules](Request& req) -> Response {
                       auto fields = ReadFields(req);
                       if (!fields) return Fail(fields.error());
                       auto s = schedules.Create(Caller(req), *fields, Now());
                       if (!s) return Fail(s.error());
                       return Created(ScheduleJson(*s));
                     }};
  create.doc.operation_id = "createSchedule";
  create.doc.description = "time_zone defaults to the account's zone; weekly and overrides to none.";
  create.doc.request_body = ScheduleWriteSchema(true);
  create.doc.request_body_name = "ScheduleCreate";
  create.doc.responses = WithProblems({Success(201, "The schedule.", ScheduleSchema(), "Schedule")}, {400, 401});
  routes.Add(std::move(create));

  http::Route list{Method::kGet, "/v1/schedules", Access::kAuthenticated, kStyle, kTag,
                   "The caller's schedules, oldest first.", PageParams(),
                     PageHandler([&schedules](Request& req, const service::PageRequest& page) {
                       return schedules.List(Caller(req), page);
                     }, ScheduleJson)};
  list.doc.operation_id = "listSchedules";
  DocumentPageParams(list.doc);
  list.doc.responses =
      WithProblems({Success(200, "A page of schedules.", schema::PageOf(ScheduleSchema(), "schedules"), "SchedulePage")},
                   {400, 401});
  routes.Add(std::move(list));

  // "{id}" or "{id}.ics": one pattern, since a segment is matched whole.
  http::Route get{Method::kGet, "/v1/schedules/{id}", Access::kAuthenticated, kStyle, kTag,
                  "One schedule; {id}.ics answers it as RFC 7953 VAVAILABILITY (text/calendar).", {},
                  [&schedules](Request& req) -> Response {
                    auto id = ScheduleId(req.Param("id"));
                    if (!id) return Fail(NotFound("Schedule not found"));
                    auto s = schedules.Get(Caller(req), id->uuid);
                    if (!s) return Fail(s.error());
                    if (!id->ics) return Ok(ScheduleJson(*s));
                    Response r;
                    r.status = 200;
                    r.content_type = "text/calendar; charset=utf-8";
                    r.SetHeader("Content-Disposition", "attachment; filename=\"schedule-" + s->uuid + ".ics\"");
                    r.SetHeader("Cache-Control", "private, no-store");
                    r.body = service::ScheduleIcs(*s, Now());
                    return r;
                  }};
  get.doc.operation_id = "getSchedule";
  get.doc.path_params = {{"id", "The schedule's id, or the id followed by .ics for the VAVAILABILITY file."}};
  get.doc.description = "GET /v1/schedules/{id}.ics answers the schedule as RFC 7953 VAVAILABILITY; the mapping is "
                        "in docs/api.md (\"Schedules as iCalendar\").";
  get.doc.responses = WithProblems({Success(200, "The schedule (or, for {id}.ics, its text/calendar file).",
                                            ScheduleSchema(), "Schedule")},
                                   {401, 404});
  routes.Add(std::move(get));

  http::Route import_ics{Method::kPut, "/v1/schedules/{id}", Access::kAuthenticated, kStyle, kTag,
                     "PUT {id}.ics: replace the schedule's zone, weekly hours and overrides with an RFC 7953 "
                     "VAVAILABILITY (Content-Type text/calendar).",
                     {}, [&schedules](Request& req) -> Response {
                       auto id = ScheduleId(req.Param("id"));
                       if (!id) return Fail(NotFound("Schedule not found"));
                       // Owner first: another account's schedule reads as not found, whatever the body.
                       if (auto s = schedules.Get(Caller(req), id->uuid); !s) return Fail(s.error());
                       if (!id->ics) {
                         return Fail(InvalidArgument("PUT takes the iCalendar form: PUT /v1/schedules/{id}.ics "
                                                     "(change fields with PATCH /v1/schedules/{id})."));
                       }
                       std::string_view type = req.Header("content-type");
                       if (type.substr(0, type.find(';')) != "text/calendar") {
                         return Fail(InvalidArgument("The body must be text/calendar (RFC 7953 VAVAILABILITY).",
                                                     "Content-Type"));
                       }
                       auto read = ReadWeeklyAvailability(req.body, service::kMaxScheduleIcs);
                       if (!read) return Fail(read.error());
                       auto s = schedules.Update(Caller(req), id->uuid, service::FieldsFromAvailability(*read), Now());
                       if (!s) return Fail(s.error());
                       return Ok(ScheduleJson(*s));
                     }};
  import_ics.doc.operation_id = "importScheduleIcs";
  import_ics.doc.path_params = {{"id", "The schedule's id followed by .ics."}};
  import_ics.doc.description =
      "The body is a text/calendar VCALENDAR (at most 256 KiB) as GET /v1/schedules/{id}.ics writes it; what a "
      "schedule cannot hold (other components, other RRULEs, floating times, several zones) is refused with 400.";
  import_ics.doc.responses = WithProblems({Success(200, "The schedule as imported.", ScheduleSchema(), "Schedule")},
                                      {400, 401, 404});
  routes.Add(std::move(import_ics));

  http::Route update{Method::kPatch, "/v1/schedules/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                     "Change a schedule: each given field replaces the stored one whole.", {},
                     [&schedules](Request& req) -> Response {
                       auto fields = ReadFields(req);
                       if (!fields) return Fail(fields.error());
                       auto s = schedules.Update(Caller(req), NormalizedUuid(req.Param("id")), *fields, Now());
                       if (!s) return Fail(s.error());
                       return Ok(ScheduleJson(*s));
                     }};
  update.doc.operation_id = "updateSchedule";
  update.doc.description =
      "Fields left out are kept; a given list (weekly, overrides) replaces the stored list whole.";
  update.doc.path_params = id_param;
  update.doc.request_body = ScheduleWriteSchema(false);
  update.doc.request_body_name = "ScheduleUpdate";
  update.doc.responses = WithProblems({Success(200, "The schedule.", ScheduleSchema(), "Schedule")}, {400, 401, 404});
  routes.Add(std::move(update));

  http::Route remove{Method::kDelete, "/v1/schedules/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                     "Delete a schedule; its event types keep existing with no schedule.", {},
                     [&schedules](Request& req) -> Response {
                       auto s = schedules.Delete(Caller(req), NormalizedUuid(req.Param("id")));
                       if (!s) return Fail(s.error());
                       return NoContent();
                     }};
  remove.doc.operation_id = "deleteSchedule";
  remove.doc.path_params = id_param;
  remove.doc.responses = WithProblems({Success(204, "Deleted.")}, {401, 404});
  routes.Add(std::move(remove));
}

}  // namespace kairos::api::v1
