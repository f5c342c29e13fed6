// Nobody changes a calendar that is not theirs, through any face. The walk takes every
// write route the server documents in /openapi.json and sends it, aimed at one coach's
// resources (their time slot, booking, meeting, exchange, consultant windows and patterns,
// reservation), once without credentials and once as another account. Afterwards the
// coach's availability, blocked time, meetings and existing bookings must be exactly as
// before. Only the routes that book (a reservation is a booking, as on a public booking
// page) may add a booking to the coach's calendar, and they may change nothing else.
// A write route the walk has no case for fails the test, so a new route must join it.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"
#include "v1_support.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

// What a write route may do when someone other than the owner sends it.
enum class Kind {
  kOwnerOnly,  // acts on the named resource: refused (401, 403 or 404) for everyone but its owner
  kOwnScope,   // acts only on the caller's own data (or creates something new): the coach is untouched
  kBooking,    // books the coach's time: may succeed, but only adds a booking
};

// The coach's resources the routes are aimed at.
struct Targets {
  TestAccount coach;
  std::string slot;         // face 000 time slot (uuid)
  std::string booking;      // face 001 booking of the coach by a client (uuid)
  std::int64_t meeting = 0; // face 002 meeting the coach organised
  std::string exchange;     // face 003 exchange the coach owns (uuid)
  std::string exchange_booking;  // face 003 booking at that exchange by a client (uuid)
  std::int64_t consultant = 0;   // face 004's number for the coach
  std::int64_t window = 0;       // face 004 one-off availability
  std::int64_t pattern = 0;      // face 004 weekly pattern
  std::int64_t reservation = 0;  // face 004 reservation
  std::int64_t user = 0;         // face 004 user (created anonymously)
  std::string schedule;          // v1 schedule (uuid)
  std::string event_type;        // v1 event type (uuid), public
  std::string v1_booking;        // v1 booking of that event type by a client (uuid)
  std::string team;              // v1 team the coach owns (uuid), with a member
  std::string team_member;       // that member's account (uuid)
  std::string webhook;           // v1 webhook (uuid) on the coach's calendars
  std::string delivery;          // one of its deliveries (uuid)
};

struct Case {
  Kind kind;
  std::function<std::string(const Targets&)> target;  // path and query
  std::function<json(const Targets&)> body;
  bool anonymous_allowed = false;  // the route is public by its document
};

std::string Id(std::int64_t v) { return std::to_string(v); }

constexpr const char* kFutureDay = "2031-03-04";  // a Tuesday
constexpr const char* kOtherDay = "2031-03-05";

json MeetingBody(const Targets& t, int hour) {
  return {{"title", "walk"},
          {"time_slot", std::string(kOtherDay) + " " + (hour < 10 ? "0" : "") + std::to_string(hour) + ":00:00"},
          {"description", "d"},
          {"participants", json::array({t.coach.email})}};
}

json ExchangeHours() {
  json hours = json::array();
  for (int day = 1; day <= 7; ++day) {
    hours.push_back({{"day_of_week", day}, {"open_time", "01:00"}, {"close_time", "02:00"}, {"is_closed", false}});
  }
  return hours;
}

// Every write route, by "METHOD pattern" as /openapi.json spells it.
std::map<std::string, Case> Cases() {
  auto path = [](std::string p) { return [p](const Targets&) { return p; }; };
  auto none = [](const Targets&) { return json::object(); };
  std::map<std::string, Case> c;
  // Face 000: personal time slots.
  c["POST /users/time-slots/"] = {Kind::kOwnScope, path("/users/time-slots/"), [](const Targets&) {
    return json{{"start_time", "2031-03-04T03:00:00"}, {"end_time", "2031-03-04T04:00:00"}, {"timezone", "UTC"}};
  }};
  c["POST /users/time-slots/bulk"] = {Kind::kOwnScope, path("/users/time-slots/bulk"), [](const Targets&) {
    return json{{"slots", json::array({{{"start_time", "2031-03-04T05:00:00"}, {"end_time", "2031-03-04T06:00:00"},
                                        {"timezone", "UTC"}}})}};
  }};
  c["PUT /users/time-slots/{slot_id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/users/time-slots/" + t.slot; },
      [](const Targets&) { return json{{"title", "taken over"}, {"status", "blocked"}}; }};
  c["DELETE /users/time-slots/{slot_id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/users/time-slots/" + t.slot; }, none};
  for (const char* action : {"block", "unblock", "book"}) {
    c[std::string("POST /users/time-slots/{slot_id}/") + action] = {
        Kind::kOwnerOnly, [action](const Targets& t) { return "/users/time-slots/" + t.slot + "/" + action; }, none};
  }
  // Face 001: coach bookings and calendar sync.
  c["POST /booking"] = {Kind::kBooking, path("/booking"), [](const Targets& t) {
    return json{{"coach_id", t.coach.uuid}, {"session_datetime", "2031-03-06T10:00:00Z"}, {"duration_minutes", 60}};
  }};
  c["DELETE /booking/{booking_id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/booking/" + t.booking; }, none};
  c["PATCH /booking/{booking_id}/status"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/booking/" + t.booking + "/status"; },
      [](const Targets&) { return json{{"status", "cancelled"}}; }};
  c["POST /calendar/sync-booking"] = {Kind::kOwnerOnly, path("/calendar/sync-booking"), [](const Targets& t) {
    return json{{"booking_id", t.booking}, {"calendar_type", "google"}};
  }};
  for (const char* provider : {"google", "outlook"}) {
    c[std::string("POST /calendar/") + provider + "/exchange-token"] = {
        Kind::kOwnScope, path(std::string("/calendar/") + provider + "/exchange-token?redirect_uri=x"),
        [](const Targets&) { return json{{"code", "c"}, {"state", "s"}}; }};
  }
  c["POST /calendar/caldav/connect"] = {Kind::kOwnScope, path("/calendar/caldav/connect"), [](const Targets&) {
    return json{{"url", "ftp://invalid"}, {"username", "u"}, {"password", "p"}};
  }};
  c["DELETE /calendar/connections/{calendar_type}"] = {Kind::kOwnScope, path("/calendar/connections/google"), none};
  // Busy time: the caller's own connections only (another account's switch or refresh
  // acts on the caller's, which it has not).
  c["PATCH /calendar/connections/{calendar_type}"] = {Kind::kOwnScope, path("/calendar/connections/caldav"),
                                                      [](const Targets&) { return json{{"busy", false}}; }};
  c["POST /calendar/connections/{calendar_type}/refresh"] = {
      Kind::kOwnScope, path("/calendar/connections/caldav/refresh"), none};
  c["POST /calendar/subscription/connect"] = {Kind::kOwnScope, path("/calendar/subscription/connect"),
                                              [](const Targets&) { return json{{"url", "ftp://invalid"}}; }};
  c["POST /calendar/feed-token"] = {Kind::kOwnScope, path("/calendar/feed-token"), none};
  c["DELETE /calendar/feed-token"] = {Kind::kOwnScope, path("/calendar/feed-token"), none};
  // Face 002: meetings with participants.
  c["POST /api/user/sign_up/"] = {Kind::kOwnScope, path("/api/user/sign_up/"), none, true};
  c["POST /api/user/login/"] = {Kind::kOwnScope, path("/api/user/login/"), [](const Targets& t) {
    return json{{"username", t.coach.username}, {"password", "not-the-password"}};
  }, true};
  c["POST /api/user/logout/"] = {Kind::kOwnScope, path("/api/user/logout/"), none};
  c["POST /api/user/block_slots/"] = {Kind::kOwnScope, path("/api/user/block_slots/"), [](const Targets&) {
    return json{{"date", kFutureDay}, {"blocked_slots", json::array({0, 1, 2, 3})}};
  }};
  c["POST /api/event/"] = {Kind::kBooking, path("/api/event/"), [](const Targets& t) { return MeetingBody(t, 20); }};
  c["PUT /api/event/{id}/"] = {Kind::kOwnerOnly, [](const Targets& t) { return "/api/event/" + Id(t.meeting) + "/"; },
                                [](const Targets& t) { return MeetingBody(t, 21); }};
  c["PATCH /api/event/{id}/"] = {Kind::kOwnerOnly,
                                  [](const Targets& t) { return "/api/event/" + Id(t.meeting) + "/"; },
                                  [](const Targets&) { return json{{"title", "taken over"}}; }};
  // Face 003: businesses.
  c["POST /api/exchanges/"] = {Kind::kOwnScope, path("/api/exchanges/"), [](const Targets&) {
    return json{{"business_name", "Elsewhere"}, {"operating_hours", ExchangeHours()}};
  }};
  c["PUT /api/exchanges/{uuid}/"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/api/exchanges/" + t.exchange + "/"; },
      [](const Targets&) { return json{{"business_name", "Taken"}, {"operating_hours", ExchangeHours()}}; }};
  c["PATCH /api/exchanges/{uuid}/"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/api/exchanges/" + t.exchange + "/"; },
      [](const Targets&) { return json{{"business_name", "Taken"}}; }};
  c["DELETE /api/exchanges/{uuid}/"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/api/exchanges/" + t.exchange + "/"; }, none};
  c["POST /api/time-slots/generate_slots/"] = {
      Kind::kOwnerOnly, path("/api/time-slots/generate_slots/"), [](const Targets& t) {
        return json{{"exchange_uuid", t.exchange}, {"start_date", kFutureDay}, {"end_date", kOtherDay},
                    {"slot_duration_minutes", 30}, {"max_capacity", 2}};
      }};
  c["POST /api/bookings/"] = {Kind::kBooking, path("/api/bookings/"), [](const Targets& t) {
    return json{{"exchange", t.exchange}, {"date", kOtherDay}, {"start_time", "01:00"}, {"end_time", "01:30"},
                {"customer_name", "Walker"}, {"customer_email", "walker@example.com"}};
  }};
  c["POST /api/bookings/{uuid}/cancel/"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/api/bookings/" + t.exchange_booking + "/cancel/"; }, none};
  // Face 004: consultants. Creating people is public; the coach's calendar is not.
  c["POST /consultant/"] = {Kind::kOwnScope, path("/consultant/"), [](const Targets&) {
    return json{{"first_name", "New"}, {"last_name", "Consultant"}};
  }, true};
  c["POST /user/"] = {Kind::kOwnScope, path("/user/"), [](const Targets&) {
    return json{{"first_name", "New"}, {"last_name", "User"}};
  }, true};
  c["POST /consultants/{id}/availabilities/"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/consultants/" + Id(t.consultant) + "/availabilities/"; },
      [](const Targets&) { return json{{"date", kOtherDay}, {"start_time", "02:00"}, {"end_time", "03:00"}}; }};
  c["DELETE /consultant/{id}/availability/"] = {
      Kind::kOwnerOnly,
      [](const Targets& t) { return "/consultant/" + Id(t.consultant) + "/availability/?availability_id=" + Id(t.window); },
      none};
  c["POST /consultant/{id}/recurring/"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/consultant/" + Id(t.consultant) + "/recurring/"; },
      [](const Targets&) { return json{{"day_of_week", 0}, {"start_time", "02:00"}, {"end_time", "03:00"}}; }};
  c["DELETE /consultant/{id}/availability/delete"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/consultant/" + Id(t.consultant) + "/availability/delete"; },
      [](const Targets&) { return json{{"date", "2031-03-10"}, {"start_time", "09:00"}, {"end_time", "10:00"}}; }};
  c["DELETE /consultant/{id}/recurring/{recurring_id}/"] = {
      Kind::kOwnerOnly,
      [](const Targets& t) { return "/consultant/" + Id(t.consultant) + "/recurring/" + Id(t.pattern) + "/"; }, none};
  c["DELETE /consultant/{id}/reservations/{reservation_id}/"] = {
      Kind::kOwnerOnly,
      [](const Targets& t) { return "/consultant/" + Id(t.consultant) + "/reservations/" + Id(t.reservation) + "/"; },
      none};
  c["POST /consultant/{id}/reserve/"] = {
      Kind::kBooking, [](const Targets& t) { return "/consultant/" + Id(t.consultant) + "/reserve/"; },
      [](const Targets& t) {
        return json{{"user", t.user}, {"date", "2031-03-07"}, {"start_time", "12:00"}, {"end_time", "13:00"}};
      },
      true};
  // Kairos's own API, v1: schedules and event types.
  c["POST /v1/schedules"] = {Kind::kOwnScope, path("/v1/schedules"), [](const Targets&) {
    return json{{"name", "Elsewhere"}, {"weekly", json::array({{{"day", "monday"}, {"start", "01:00"}, {"end", "02:00"}}})}};
  }};
  c["PATCH /v1/schedules/{id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/v1/schedules/" + t.schedule; },
      [](const Targets&) { return json{{"name", "Taken"}, {"weekly", json::array()}}; }};
  c["PUT /v1/schedules/{id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/v1/schedules/" + t.schedule + ".ics"; },
      [](const Targets&) { return json{{"name", "Taken"}}; }};
  c["DELETE /v1/schedules/{id}"] = {Kind::kOwnerOnly, [](const Targets& t) { return "/v1/schedules/" + t.schedule; }, none};
  c["POST /v1/event-types"] = {Kind::kOwnScope, path("/v1/event-types"), [](const Targets& t) {
    return json{{"slug", "walk"}, {"title", "Walk"}, {"duration_minutes", 30}, {"schedule_id", t.schedule}};
  }};
  c["PATCH /v1/event-types/{id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/v1/event-types/" + t.event_type; },
      [](const Targets&) { return json{{"title", "Taken"}, {"public", false}}; }};
  c["DELETE /v1/event-types/{id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/v1/event-types/" + t.event_type; }, none};
  // Kairos's own API, v1: holds and bookings.
  c["POST /v1/holds"] = {Kind::kBooking, path("/v1/holds"), [](const Targets& t) {
    return json{{"event_type_id", t.event_type}, {"start", "2030-03-05T11:00:00Z"}};
  }, true};
  // A hold's id is the capability to release it: without it, nobody releases anything.
  c["DELETE /v1/holds/{id}"] = {Kind::kOwnerOnly,
                                [](const Targets&) { return "/v1/holds/6f0d2c9e-0000-4000-8000-000000000000"; }, none,
                                true};
  c["POST /v1/bookings"] = {Kind::kBooking, path("/v1/bookings"), [](const Targets& t) {
    return v1::BookingBody(t.event_type, "2030-03-05T10:00:00Z");
  }, true};
  for (const char* action : {"cancel", "confirm", "decline"}) {
    c[std::string("POST /v1/bookings/{id}/") + action] = {
        Kind::kOwnerOnly, [action](const Targets& t) { return "/v1/bookings/" + t.v1_booking + "/" + action; }, none};
  }
  c["POST /v1/bookings/{id}/reschedule"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/v1/bookings/" + t.v1_booking + "/reschedule"; },
      [](const Targets&) { return json{{"start", "2030-03-05T12:00:00Z"}}; }};
  // v1 teams: only the team's owners and admins manage it; a stranger is told it does not exist.
  auto team = [](std::string tail) { return [tail](const Targets& t) { return "/v1/teams/" + t.team + tail; }; };
  c["POST /v1/teams"] = {Kind::kOwnScope, path("/v1/teams"), [](const Targets&) { return json{{"name", "walk"}}; }};
  c["PATCH /v1/teams/{id}"] = {Kind::kOwnerOnly, team(""), [](const Targets&) { return json{{"name", "taken"}}; }};
  c["DELETE /v1/teams/{id}"] = {Kind::kOwnerOnly, team(""), none};
  c["POST /v1/teams/{id}/members"] = {Kind::kOwnerOnly, team("/members"), [](const Targets& t) {
    return json{{"account_id", t.coach.uuid}, {"role", "owner"}};
  }};
  c["POST /v1/teams/{id}/accept"] = {Kind::kOwnerOnly, team("/accept"), none};
  c["PATCH /v1/teams/{id}/members/{account_id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/v1/teams/" + t.team + "/members/" + t.team_member; },
      [](const Targets&) { return json{{"role", "owner"}}; }};
  c["DELETE /v1/teams/{id}/members/{account_id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/v1/teams/" + t.team + "/members/" + t.coach.uuid; }, none};
  // v1 free/busy feed tokens: the caller's own.
  c["POST /v1/me/freebusy-token"] = {Kind::kOwnScope, path("/v1/me/freebusy-token"), none};
  c["DELETE /v1/me/freebusy-token"] = {Kind::kOwnScope, path("/v1/me/freebusy-token"), none};
  // v1 webhooks.
  c["POST /v1/webhooks"] = {Kind::kOwnScope, path("/v1/webhooks"), [](const Targets&) {
    return json{{"url", "http://203.0.113.20/elsewhere"}, {"events", json::array({"booking.created"})}};
  }};
  c["PATCH /v1/webhooks/{id}"] = {
      Kind::kOwnerOnly, [](const Targets& t) { return "/v1/webhooks/" + t.webhook; },
      [](const Targets&) { return json{{"url", "http://203.0.113.30/taken"}, {"active", false}}; }};
  c["DELETE /v1/webhooks/{id}"] = {Kind::kOwnerOnly, [](const Targets& t) { return "/v1/webhooks/" + t.webhook; }, none};
  c["POST /v1/webhooks/{id}/deliveries/{delivery_id}/redeliver"] = {
      Kind::kOwnerOnly,
      [](const Targets& t) { return "/v1/webhooks/" + t.webhook + "/deliveries/" + t.delivery + "/redeliver"; }, none};
  return c;
}




class OwnershipWalkTest : public SharedServerTest<OwnershipWalkTest> {
 protected:
  HttpClient c_{server_->port()};

  std::string Sql(const std::string& sql) { return QuerySql(server_->db_path(), sql); }

  // Everything of the coach's that no one else may change, as one string: availability,
  // blocked time, slots, calendars, meetings, and the bookings that existed at `max_booking`.
  // A booking at an exchange may add the time slot it books (face 003 keeps slots per
  // time), so the routes that book are compared without the exchange's slots.
  std::string Fingerprint(const TestAccount& coach, const std::string& max_booking, bool with_business_slots = true) {
    const std::string cals = "(SELECT id FROM calendars WHERE owner_account_id = " + Id(coach.id) + ")";
    const std::string personal =
        "(SELECT id FROM calendars WHERE kind = 'personal' AND owner_account_id = " + Id(coach.id) + ")";
    const std::string teams = "(SELECT team_id FROM team_members WHERE account_id = " + Id(coach.id) + ")";
    auto part = [&](const std::string& what, const std::string& from) {
      return Sql("SELECT COUNT(*) || '/' || COALESCE(SUM(" + what + "), 0) FROM " + from);
    };
    return part("LENGTH(name) + LENGTH(description) + LENGTH(timezone) + capacity", "calendars WHERE id IN " + cals) +
           "|" +
           part("iso_weekday * 1000000 + start_second * 3 + end_second + is_active + is_closed * 7",
                "weekly_rules WHERE calendar_id IN " + cals) +
           "|" + part("start_at + end_at * 3", "availability_windows WHERE calendar_id IN " + cals) + "|" +
           part("start_at + end_at * 3 + LENGTH(status) + LENGTH(COALESCE(title, ''))",
                "slots WHERE calendar_id IN " + (with_business_slots ? cals : personal)) +
           "|" + part("LENGTH(local_date) + LENGTH(blocked_hours)", "blocked_days WHERE calendar_id IN " + cals) + "|" +
           part("start_at + end_at * 3 + LENGTH(status) + LENGTH(title)",
                "meetings WHERE organiser_account_id = " + Id(coach.id)) +
           "|" +
           part("start_at + end_at * 3 + LENGTH(status)",
                "bookings WHERE id <= " + max_booking + " AND calendar_id IN " + cals) +
           "|" + part("LENGTH(name)", "teams WHERE id IN " + teams) + "|" +
           part("account_id * 7 + LENGTH(role) + COALESCE(accepted_at, 0) % 1000", "team_members WHERE team_id IN " + teams) +
           "|" + part("LENGTH(name) + LENGTH(time_zone) + updated_at", "schedules WHERE owner_account_id = " + Id(coach.id)) +
           "|" +
           part("iso_weekday * 1000000 + start_second * 3 + end_second",
                "schedule_weekly WHERE schedule_id IN (SELECT id FROM schedules WHERE owner_account_id = " +
                    Id(coach.id) + ")") +
           "|" +
           part("LENGTH(slug) + LENGTH(title) + duration_minutes + is_public + COALESCE(schedule_id, 0) + updated_at",
                "event_types WHERE owner_account_id = " + Id(coach.id));
  }

  Headers AuthFor(const std::string& path, const TestAccount& a) {
    return path.rfind("/api/user/", 0) == 0 || path.rfind("/api/event/", 0) == 0 ? TokenAuth(a) : BearerAuth(a);
  }

  Targets MakeTargets() {
    Targets t;
    t.coach = SignUpAndLogin(c_, Unique("walkcoach"), {{"role", "coach"}});
    // A webhook first, so the bookings below give it deliveries (to a documentation
    // address: the attempts fail in the background, which the walk does not look at).
    auto webhook = c_.Post("/v1/webhooks",
                           {{"url", "http://203.0.113.10/hook"}, {"events", json::array({"booking.requested"})}},
                           BearerAuth(t.coach));
    EXPECT_EQ(webhook.status, 201) << webhook.body;
    t.webhook = webhook.Json()["id"];
    auto client = SignUpAndLogin(c_, Unique("walkclient"));
    auto booking = c_.Post("/booking",
                           {{"coach_id", t.coach.uuid}, {"session_datetime", "2031-03-06T14:00:00Z"}, {"duration_minutes", 60}},
                           BearerAuth(client));
    EXPECT_EQ(booking.status, 201) << booking.body;
    t.booking = booking.Json()["id"];
    // Booked first: until the coach publishes availability, face 001 offers fallback hours.
    auto slot = c_.Post("/users/time-slots/",
                        {{"start_time", "2031-03-04T08:00:00"}, {"end_time", "2031-03-04T09:00:00"}, {"timezone", "UTC"}},
                        BearerAuth(t.coach));
    EXPECT_EQ(slot.status, 200) << slot.body;
    t.slot = slot.Json()["id"];
    auto meeting = c_.Post("/api/event/",
                           {{"title", "mine"}, {"time_slot", "2031-03-08 15:00:00"},
                            {"description", "d"}, {"participants", json::array({client.email})}},
                           TokenAuth(t.coach));
    EXPECT_EQ(meeting.status, 201) << meeting.body;
    t.meeting = meeting.Json()["response"]["id"];
    auto exchange = c_.Post("/api/exchanges/", {{"business_name", "Coach's"}, {"operating_hours", ExchangeHours()}},
                            BearerAuth(t.coach));
    EXPECT_EQ(exchange.status, 201) << exchange.body;
    t.exchange = exchange.Json()["uuid"];
    auto exchange_booking = c_.Post("/api/bookings/",
                                    {{"exchange", t.exchange}, {"date", kFutureDay}, {"start_time", "01:00"},
                                     {"end_time", "01:30"}, {"customer_name", "C"}, {"customer_email", "c@example.com"}},
                                    BearerAuth(client));
    EXPECT_EQ(exchange_booking.status, 201) << exchange_booking.body;
    t.exchange_booking = exchange_booking.Json()["uuid"];
    auto me = c_.Get("/api/user/me/", TokenAuth(t.coach));
    EXPECT_EQ(me.status, 200) << me.body;
    t.consultant = me.Json().value("consultant_id", std::int64_t{0});
    const std::string consultant = "/consultant/" + Id(t.consultant);
    auto window = c_.Post("/consultants/" + Id(t.consultant) + "/availabilities/",
                          {{"date", "2031-03-10"}, {"start_time", "09:00"}, {"end_time", "10:00"}}, BearerAuth(t.coach));
    EXPECT_EQ(window.status, 201) << window.body;
    t.window = window.Json()["id"];
    auto pattern = c_.Post(consultant + "/recurring/", {{"day_of_week", 4}, {"start_time", "10:00"}, {"end_time", "16:00"}},
                           BearerAuth(t.coach));
    EXPECT_EQ(pattern.status, 201) << pattern.body;
    t.pattern = pattern.Json()["id"];
    auto user = c_.Post("/user/", {{"first_name", "Walk"}, {"last_name", "User"}});
    EXPECT_EQ(user.status, 201) << user.body;
    t.user = user.Json()["id"];
    auto reservation = c_.Post(consultant + "/reserve/",
                               {{"user", t.user}, {"date", "2031-03-07"}, {"start_time", "10:00"}, {"end_time", "11:00"}});
    EXPECT_EQ(reservation.status, 201) << reservation.body;
    t.reservation = reservation.Json()["booking_id"];
    auto schedule = c_.Post("/v1/schedules",
                            {{"name", "Coach's week"},
                             {"weekly", json::array({{{"day", "tuesday"}, {"start", "09:00"}, {"end", "17:00"}}})}},
                            BearerAuth(t.coach));
    EXPECT_EQ(schedule.status, 201) << schedule.body;
    t.schedule = schedule.Json()["id"];
    auto event_type = c_.Post("/v1/event-types",
                              {{"slug", "coaching"}, {"title", "Coaching"}, {"duration_minutes", 60},
                               {"schedule_id", t.schedule}, {"public", true}},
                              BearerAuth(t.coach));
    EXPECT_EQ(event_type.status, 201) << event_type.body;
    t.event_type = event_type.Json()["id"];
    auto v1_booking = c_.Post("/v1/bookings", v1::BookingBody(t.event_type, "2030-03-05T09:00:00Z"), BearerAuth(client));
    EXPECT_EQ(v1_booking.status, 201) << v1_booking.body;
    t.v1_booking = v1_booking.Json()["id"];
    auto team = c_.Post("/v1/teams", {{"name", "Walk team"}}, BearerAuth(t.coach));
    EXPECT_EQ(team.status, 201) << team.body;
    t.team = team.Json()["id"];
    auto member = SignUpAndLogin(c_, Unique("walkmember"));
    t.team_member = member.uuid;
    EXPECT_EQ(c_.Post("/v1/teams/" + t.team + "/members", {{"account_id", member.uuid}}, BearerAuth(t.coach)).status, 201);
    auto deliveries = c_.Get("/v1/webhooks/" + t.webhook + "/deliveries", BearerAuth(t.coach));
    EXPECT_EQ(deliveries.status, 200) << deliveries.body;
    EXPECT_FALSE(deliveries.Json()["data"].empty()) << deliveries.body;
    if (!deliveries.Json()["data"].empty()) t.delivery = deliveries.Json()["data"][0]["id"];
    return t;
  }
};

TEST_F(OwnershipWalkTest, EveryWriteRouteRefusesStrangersOnACoachsCalendar) {
  Targets t = MakeTargets();
  ASSERT_FALSE(HasFailure());
  auto other = SignUpAndLogin(c_, Unique("walkother"), {{"role", "coach"}});
  auto stranger_client = SignUpAndLogin(c_, Unique("walkstranger"));
  const std::string max_booking = Sql("SELECT MAX(id) FROM bookings");
  std::string before = Fingerprint(t.coach, max_booking);
  const std::string before_without_business_slots = Fingerprint(t.coach, max_booking, false);

  auto openapi = c_.Get("/openapi.json");
  ASSERT_EQ(openapi.status, 200);
  auto cases = Cases();
  std::set<std::string> walked;
  const json doc = openapi.Json();
  for (const auto& [raw_path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper;
      for (char ch : method) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (upper != "POST" && upper != "PUT" && upper != "PATCH" && upper != "DELETE") continue;
      const std::string key = upper + " " + raw_path;
      auto found = cases.find(key);
      ASSERT_NE(found, cases.end()) << "the walk has no case for the write route " << key;
      walked.insert(key);
      const Case& k = found->second;
      const std::string target = k.target(t);
      const std::string body = k.body(t).dump();
      for (int who = 0; who < 3; ++who) {
        Headers headers = who == 0 ? Headers{} : AuthFor(target, who == 1 ? other : stranger_client);
        if (!body.empty() && body != "{}") headers.push_back({"Content-Type", "application/json"});
        auto r = c_.Request(upper, target, upper == "DELETE" && body == "{}" ? "" : body, headers);
        const std::string as = who == 0 ? "anonymous" : who == 1 ? "another coach" : "another client";
        EXPECT_LT(r.status, 500) << key << " as " << as << ": " << r.body;
        if (k.kind == Kind::kOwnerOnly) {
          EXPECT_TRUE(r.status == 401 || r.status == 403 || r.status == 404)
              << key << " as " << as << " answered " << r.status << ": " << r.body;
        } else if (who == 0 && !k.anonymous_allowed) {
          EXPECT_EQ(r.status, 401) << key << " anonymous: " << r.body;
        }
        if (k.kind == Kind::kBooking) {
          EXPECT_EQ(Fingerprint(t.coach, max_booking, false), before_without_business_slots)
              << key << " as " << as << " changed more than the coach's bookings";
          before = Fingerprint(t.coach, max_booking);
        } else {
          EXPECT_EQ(Fingerprint(t.coach, max_booking), before) << key << " as " << as << " changed the coach's calendar";
        }
      }
    }
  }
  // Every case is still a route: a renamed route must not leave the walk blind.
  for (const auto& [key, unused] : cases) EXPECT_TRUE(walked.count(key)) << key << " is no longer a route";

  // The bodies are good ones: the coach's own credentials get through on the consultant
  // routes the anonymous write once reached.
  const std::string consultant = "/consultant/" + Id(t.consultant);
  auto add = c_.Post("/consultants/" + Id(t.consultant) + "/availabilities/",
                     {{"date", kOtherDay}, {"start_time", "02:00"}, {"end_time", "03:00"}}, BearerAuth(t.coach));
  EXPECT_EQ(add.status, 201) << add.body;
  auto weekly = c_.Post(consultant + "/recurring/", {{"day_of_week", 0}, {"start_time", "02:00"}, {"end_time", "03:00"}},
                        TokenAuth(t.coach));
  EXPECT_EQ(weekly.status, 201) << weekly.body;
  EXPECT_EQ(c_.Delete(consultant + "/recurring/" + Id(t.pattern) + "/", BearerAuth(t.coach)).status, 204);
  EXPECT_EQ(c_.Delete(consultant + "/reservations/" + Id(t.reservation) + "/", BearerAuth(t.coach)).status, 204);
  EXPECT_EQ(c_.Delete(consultant + "/availability/?availability_id=" + Id(t.window), BearerAuth(t.coach)).status, 204);
  EXPECT_NE(Fingerprint(t.coach, max_booking), before);
}

}  // namespace
}  // namespace kairos::testing
