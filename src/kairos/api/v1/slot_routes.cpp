#include "kairos/api/v1/slot_routes.hpp"

#include <mutex>

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/booking_answers.hpp"
#include "kairos/api/v1/kit.hpp"

namespace kairos::api::v1 {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;

constexpr const char* kTag = "v1 slots";

// A date of the asked zone (YYYY-MM-DD) or an RFC 3339 instant.
Result<service::v1::SlotBound> ReadBound(const Request& req, std::string_view name) {
  auto text = req.Query(name);
  if (!text || text->empty()) return InvalidArgument(std::string(name) + " is required.", std::string(name));
  if (text->size() == 10) {
    auto day = ParseDay(*text, name);
    if (!day) return day.error();
    return service::v1::SlotBound(*day);
  }
  auto t = ParseTimestamp(*text, name);
  if (!t) return InvalidArgument(std::string(name) + " must be a date YYYY-MM-DD or an RFC 3339 instant.",
                                 std::string(name));
  return service::v1::SlotBound(*t);
}

Result<std::string> EventTypeId(const Request& req) {
  auto id = req.Query("event_type_id");
  if (!id || id->empty()) return InvalidArgument("event_type_id is required.", "event_type_id");
  if (!http::IsUuid(*id)) return InvalidArgument("event_type_id must be a UUID.", "event_type_id");
  return NormalizedUuid(*id);
}

json SlotsSchema() {
  json slot = schema::Object(
      {{"start", schema::Timestamp()},
       {"end", schema::Timestamp()},
       {"seats_remaining", schema::Integer(1)},
       {"hosts_available", schema::Integer(1)}},  // team event types only (docs/teams.md)
      {"start", "end", "seats_remaining"});
  return schema::Object({{"event_type_id", schema::Uuid()},
                         {"time_zone", schema::String()},
                         {"days", {{"type", "object"}, {"additionalProperties", schema::ArrayOf(slot)}}},
                         // Connected calendars of the hosts whose last busy-time refresh failed or is
                         // older than two refresh intervals (docs/calendar-integration.md).
                         {"stale_sources", schema::ArrayOf(schema::Integer(1))}},
                        {"event_type_id", "time_zone", "days", "stale_sources"});
}

json ExplanationSchema() {
  const json reason = schema::Nullable(schema::Enum(
      {"outside_hours", "blocked", "busy", "booked", "held", "full", "buffer", "too_soon", "too_far", "limit_reached"}));
  const json rule =
      schema::Nullable(schema::Enum({"limit_per_day", "limit_per_week", "minimum_notice", "booking_window"}));
  json host = schema::Object({{"account_id", schema::Uuid()},
                              {"offered", schema::Boolean()},
                              {"reason", reason},
                              {"booking_id", schema::Nullable(schema::Uuid())},
                              {"hold_id", schema::Nullable(schema::Uuid())},
                              {"rule", rule}},
                             {"account_id", "offered", "reason", "booking_id", "hold_id", "rule"});
  return schema::Object({{"start", schema::Timestamp()},
                         {"offered", schema::Boolean()},
                         {"reason", reason},
                         {"booking_id", schema::Nullable(schema::Uuid())},
                         {"hold_id", schema::Nullable(schema::Uuid())},
                         {"rule", rule},
                         {"hosts", schema::ArrayOf(host)}},  // team event types only (docs/teams.md)
                        {"start", "offered", "reason", "booking_id", "hold_id", "rule"});
}

// reason, booking_id, hold_id and rule of an explanation (null when offered).
void PutWhy(json& out, const std::optional<service::v1::Unavailable>& why) {
  out["reason"] = nullptr;
  out["booking_id"] = nullptr;
  out["hold_id"] = nullptr;
  out["rule"] = nullptr;
  if (!why) return;
  out["reason"] = why->reason;
  if (why->booking_id) out["booking_id"] = *why->booking_id;
  if (why->hold_id) out["hold_id"] = *why->hold_id;
  if (why->rule) out["rule"] = *why->rule;
}

json SlotsBody(const service::v1::SlotDays& found) {
  json days = json::object();
  for (const auto& [day, list] : found.days) {
    json slots = json::array();
    for (const auto& s : list) {
      json slot = {{"start", Instant3339(s.interval.start)},
                   {"end", Instant3339(s.interval.end)},
                   {"seats_remaining", s.seats_remaining}};
      if (s.hosts_available) slot["hosts_available"] = *s.hosts_available;
      slots.push_back(std::move(slot));
    }
    days[FormatDay(day)] = std::move(slots);
  }
  return {{"event_type_id", found.event_type_id},
          {"time_zone", found.time_zone},
          {"days", days},
          {"stale_sources", found.stale_sources}};
}

}  // namespace

void RegisterSlotRoutes(http::Router& router, service::v1::V1Bookings& bookings) {
  FaceRoutes routes(router);
  http::Route slots{
      Method::kGet, "/v1/slots", Access::kPublic, kStyle, kTag,
      "The starts an event type offers, grouped by local day.",
      {{"event_type_id", "The event type (public, or the caller's own).", true},
       {"start", "The first day (YYYY-MM-DD, in time_zone) or an RFC 3339 instant.", true},
       {"end", "The last day, inclusive, or an RFC 3339 instant; at most 62 days after start.", true},
       {"time_zone", "The zone days are read and grouped in; default the schedule's.", false}},
      [&bookings](Request& req) -> Response {
        auto id = EventTypeId(req);
        if (!id) return Fail(id.error());
        auto start = ReadBound(req, "start");
        if (!start) return Fail(start.error());
        auto end = ReadBound(req, "end");
        if (!end) return Fail(end.error());
        service::v1::SlotsQuery q{*id, *start, *end, req.Query("time_zone")};
        auto found = bookings.Slots(OptionalCaller(req), q, Now());
        if (!found) return Fail(found.error());
        // A kept team listing is rendered once; every request it serves gets those bytes.
        if (const auto& kept = found->rendered) {
          std::call_once(kept->once, [&] { kept->body = Ok(SlotsBody(*found)).body; });
          Response r;
          r.status = 200;
          r.body = kept->body;
          return r;
        }
        return Ok(SlotsBody(*found));
      }};
  slots.doc.operation_id = "listSlots";
  slots.doc.description =
      "Everything the booking path knows counts: the schedule and its overrides, the host's own availability, "
      "every face's bookings, blocked time, holds of others, buffers, notice, the booking window, limits and seats. "
      "Days are the asked zone's; starts are UTC.";
  slots.doc.query_schemas = {{"event_type_id", schema::Uuid()},
                             {"start", schema::String()},
                             {"end", schema::String()},
                             {"time_zone", schema::String()}};
  slots.doc.responses = {Success(200, "The offered starts by local day.", SlotsSchema(), "SlotDays"),
                         Problem(400, "Bad input."), Problem(404, "No such event type (or not public).")};
  routes.Add(std::move(slots));

  http::Route explain{
      Method::kGet, "/v1/slots/explain", Access::kAuthenticated, kStyle, kTag,
      "Why a start is or is not offered (the event type's owner only).",
      {{"event_type_id", "The event type.", true}, {"start", "An RFC 3339 instant.", true}},
      [&bookings](Request& req) -> Response {
        auto id = EventTypeId(req);
        if (!id) return Fail(id.error());
        auto start = QueryTimestamp(req, "start");
        if (!start) return Fail(start.error());
        if (!*start) return Fail(InvalidArgument("start is required.", "start"));
        auto found = bookings.Explain(Caller(req), *id, **start, Now());
        if (!found) return Fail(found.error());
        json out = {{"start", Instant3339(found->start)}, {"offered", found->offered}};
        PutWhy(out, found->why);
        if (!found->hosts.empty()) {
          json hosts = json::array();
          for (const auto& h : found->hosts) {
            json host = {{"account_id", h.account_id}, {"offered", h.offered}};
            PutWhy(host, h.why);
            hosts.push_back(std::move(host));
          }
          out["hosts"] = std::move(hosts);
        }
        return Ok(out);
      }};
  explain.doc.operation_id = "explainSlot";
  explain.doc.query_schemas = {{"event_type_id", schema::Uuid()}, {"start", schema::Timestamp()}};
  explain.doc.responses =
      WithProblems({Success(200, "Whether the start is offered, and why not.", ExplanationSchema(), "SlotExplanation")},
                   {400, 401, 403, 404});
  routes.Add(std::move(explain));
}

}  // namespace kairos::api::v1
