// /v1/slots, /v1/slots/explain, /v1/holds and /v1/bookings over real sockets (SQLite, and
// as pg.* on PostgreSQL): every route's happy path, each refusal reason, who may do what
// (owner, another host, the attendee with and without the manage token, anonymous), bad
// input, Idempotency-Key, expiry of holds, and races for one slot.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"
#include "v1_support.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;
using namespace v1;

// Monday 4 March 2030; Berlin is UTC+1 then, so 09:00 local is 08:00Z.
constexpr const char* kMon9 = "2030-03-04T08:00:00Z";
constexpr const char* kMon930 = "2030-03-04T08:30:00Z";
constexpr const char* kMon10 = "2030-03-04T09:00:00Z";

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ" (days_from_civil).
std::int64_t Epoch(const std::string& t) {
  int y = std::stoi(t.substr(0, 4));
  unsigned m = std::stoul(t.substr(5, 2));
  unsigned d = std::stoul(t.substr(8, 2));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400 + std::stoi(t.substr(11, 2)) * 3600 + std::stoi(t.substr(14, 2)) * 60 + std::stoi(t.substr(17, 2));
}

class V1BookingsTest : public SharedServerTest<V1BookingsTest> {
 protected:
  HttpClient c_{server_->port()};
  TestAccount Host() { return SignUpAndLogin(c_, Unique("v1host")); }
  std::string Make(const TestAccount& host, const EventTypeSpec& spec = {}) {
    return MakeEventType(*server_, host, spec);
  }
  std::string Calendar(const TestAccount& host) {
    return "(SELECT id FROM calendars WHERE owner_account_id = " + std::to_string(host.id) + " AND kind = 'personal')";
  }
};

std::vector<std::string> Starts(const json& slots, const std::string& day) {
  std::vector<std::string> out;
  if (!slots["days"].contains(day)) return out;
  for (const auto& s : slots["days"][day]) out.push_back(s["start"]);
  return out;
}

TEST_F(V1BookingsTest, SlotsFollowTheScheduleInItsZoneAndGroupByTheAskedZone) {
  auto host = Host();
  EventTypeSpec spec;
  spec.weekly = {{1, 9 * 3600, 11 * 3600}};
  spec.overrides = {{"2030-03-11", {}}, {"2030-03-18", {{14 * 3600, 15 * 3600}}}};
  auto et = Make(host, spec);
  auto r = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-04&end=2030-03-18");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.Json();
  EXPECT_EQ(j["time_zone"], "Europe/Berlin");
  EXPECT_EQ(j["event_type_id"], et);
  EXPECT_EQ(Starts(j, "2030-03-04"), (std::vector<std::string>{"2030-03-04T08:00:00Z", "2030-03-04T08:30:00Z",
                                                                 "2030-03-04T09:00:00Z", "2030-03-04T09:30:00Z"}));
  EXPECT_EQ(j["days"]["2030-03-04"][0]["end"], "2030-03-04T08:30:00Z");
  EXPECT_EQ(j["days"]["2030-03-04"][0]["seats_remaining"], 1);
  EXPECT_FALSE(j["days"].contains("2030-03-11")) << "an empty override closes the date";
  EXPECT_EQ(Starts(j, "2030-03-18"), (std::vector<std::string>{"2030-03-18T13:00:00Z", "2030-03-18T13:30:00Z"}));
  // Across the spring change (31 March in Berlin) 09:00 stays 09:00 local.
  r = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-04-01&end=2030-04-01");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Starts(r.Json(), "2030-04-01").front(), "2030-04-01T07:00:00Z");
  // Days in another zone: Kiritimati is UTC+14, so Monday's 08:00Z-10:00Z starts are
  // 22:00-23:30 there, still the 4th.
  r = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-04&end=2030-03-05&time_zone=Pacific/Kiritimati");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["time_zone"], "Pacific/Kiritimati");
  EXPECT_EQ(Starts(r.Json(), "2030-03-04").size(), 4u);
  // Instants bound the range exactly.
  r = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-04T08:30:00Z&end=2030-03-04T09:30:00Z");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Starts(r.Json(), "2030-03-04"), (std::vector<std::string>{"2030-03-04T08:30:00Z", "2030-03-04T09:00:00Z"}));
}

TEST_F(V1BookingsTest, SlotsRefuseBadInputAndHideNonPublicEventTypes) {
  auto host = Host();
  auto other = Host();
  auto et = Make(host);
  auto bad = [&](const std::string& query, const std::string& field) {
    auto r = c_.Get("/v1/slots?" + query);
    EXPECT_EQ(r.status, 400) << query << " " << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json");
    EXPECT_EQ(r.Json()["errors"][0]["field"], field) << r.body;
  };
  bad("start=2030-03-04&end=2030-03-05", "event_type_id");
  bad("event_type_id=nope&start=2030-03-04&end=2030-03-05", "event_type_id");
  bad("event_type_id=" + et + "&end=2030-03-05", "start");
  bad("event_type_id=" + et + "&start=2030-02-30&end=2030-03-05", "start");
  bad("event_type_id=" + et + "&start=2030-03-04&end=tomorrow", "end");
  bad("event_type_id=" + et + "&start=2030-03-04&end=2030-03-03", "end");
  bad("event_type_id=" + et + "&start=2030-03-01&end=2030-05-02", "end");  // 63 days
  EXPECT_EQ(c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-01&end=2030-05-01").status, 200);  // 62
  bad("event_type_id=" + et + "&start=2030-03-04&end=2030-03-05&time_zone=Mars/Olympus", "time_zone");
  EventTypeSpec hidden;
  hidden.is_public = false;
  auto secret = Make(host, hidden);
  const std::string q = "/v1/slots?event_type_id=" + secret + "&start=2030-03-04&end=2030-03-04";
  EXPECT_EQ(c_.Get(q).status, 404);
  EXPECT_EQ(c_.Get(q, BearerAuth(other)).status, 404);
  EXPECT_EQ(c_.Get(q, BearerAuth(host)).status, 200);
  EXPECT_EQ(BookV1(c_, secret, kMon9).status, 404);
  EXPECT_EQ(BookV1(c_, secret, kMon9, BearerAuth(other)).status, 404);
  EXPECT_EQ(BookV1(c_, secret, kMon9, BearerAuth(host)).status, 201) << "the owner books their own";
}

TEST_F(V1BookingsTest, BookingHappyPathReadListIcsAndCancel) {
  auto host = Host();
  auto et = Make(host);
  auto body = BookingBody(et, kMon9);
  body["guests"] = {"bob@example.com"};
  auto r = c_.Post("/v1/bookings", body);
  ASSERT_EQ(r.status, 201) << r.body;
  json b = r.Json();
  EXPECT_EQ(b["status"], "accepted");
  EXPECT_EQ(b["start"], kMon9);
  EXPECT_EQ(b["end"], kMon930);
  EXPECT_EQ(b["event_type_id"], et);
  EXPECT_EQ(b["host"]["id"], host.uuid);
  EXPECT_EQ(b["host"]["email"], host.email);
  EXPECT_EQ(b["attendee"]["time_zone"], "Europe/London");
  EXPECT_EQ(b["guests"], json::array({"bob@example.com"}));
  const std::string id = b["id"];
  const std::string token = b["manage_token"];
  EXPECT_EQ(token.size(), 43u);
  // Only the token's hash is stored.
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM v1_bookings WHERE manage_token_hash = " + Q(token)), "0");

  auto got = c_.Get("/v1/bookings/" + id, BearerAuth(host));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_FALSE(got.Json().contains("manage_token"));
  EXPECT_EQ(got.Json()["id"], id);
  auto list = c_.Get("/v1/bookings", BearerAuth(host));
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["data"].size(), 1u);
  EXPECT_EQ(list.Json()["next_cursor"], nullptr);
  auto ics = c_.Get("/v1/bookings/" + id + ".ics?token=" + token);
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_EQ(ics.Header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_NE(ics.body.find("BEGIN:VEVENT"), std::string::npos);
  EXPECT_NE(ics.body.find("DTSTART:20300304T080000Z"), std::string::npos);
  EXPECT_EQ(c_.Get("/v1/bookings/" + id + ".ics").status, 401);

  // The time is gone from the listing, and back once cancelled.
  auto slots = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-04&end=2030-03-04");
  EXPECT_EQ(Starts(slots.Json(), "2030-03-04").front(), kMon930);
  auto cancelled = c_.Post("/v1/bookings/" + id + "/cancel?token=" + token, {{"reason", "ill"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Json()["status"], "cancelled");
  EXPECT_EQ(cancelled.Json()["reason"], "ill");
  EXPECT_EQ(c_.Post("/v1/bookings/" + id + "/cancel?token=" + token, json::object()).status, 409);
  slots = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-04&end=2030-03-04");
  EXPECT_EQ(Starts(slots.Json(), "2030-03-04").front(), kMon9);
  EXPECT_EQ(c_.Get("/v1/bookings?status=cancelled", BearerAuth(host)).Json()["data"].size(), 1u);
  EXPECT_EQ(c_.Get("/v1/bookings?status=accepted", BearerAuth(host)).Json()["data"].size(), 0u);
}

TEST_F(V1BookingsTest, ListIsPagedAndFiltered) {
  auto host = Host();
  auto et = Make(host);
  for (const char* s : {kMon9, kMon930, kMon10}) ASSERT_EQ(BookV1(c_, et, s).status, 201);
  auto page = c_.Get("/v1/bookings?limit=2", BearerAuth(host));
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.Json()["data"].size(), 2u);
  EXPECT_EQ(page.Json()["data"][0]["start"], kMon9);
  std::string cursor = page.Json()["next_cursor"];
  auto next = c_.Get("/v1/bookings?limit=2&cursor=" + cursor, BearerAuth(host));
  ASSERT_EQ(next.status, 200) << next.body;
  ASSERT_EQ(next.Json()["data"].size(), 1u);
  EXPECT_EQ(next.Json()["data"][0]["start"], kMon10);
  EXPECT_EQ(next.Json()["next_cursor"], nullptr);
  auto window = c_.Get(std::string("/v1/bookings?from=") + kMon930 + "&to=" + kMon10, BearerAuth(host));
  ASSERT_EQ(window.Json()["data"].size(), 1u);
  EXPECT_EQ(c_.Get("/v1/bookings?status=maybe", BearerAuth(host)).status, 400);
  EXPECT_EQ(c_.Get("/v1/bookings?from=yesterday", BearerAuth(host)).status, 400);
  EXPECT_EQ(c_.Get("/v1/bookings").status, 401);
  auto other = Host();
  EXPECT_EQ(c_.Get("/v1/bookings", BearerAuth(other)).Json()["data"].size(), 0u);
}

TEST_F(V1BookingsTest, WhoMayReadAndChangeABooking) {
  auto host = Host();
  auto other = Host();
  auto et = Make(host);
  auto r = BookV1(c_, et, kMon9);
  ASSERT_EQ(r.status, 201);
  const std::string id = r.Json()["id"];
  const std::string token = r.Json()["manage_token"];
  const std::string path = "/v1/bookings/" + id;
  EXPECT_EQ(c_.Get(path, BearerAuth(host)).status, 200);
  EXPECT_EQ(c_.Get(path + "?token=" + token).status, 200);
  EXPECT_EQ(c_.Get(path).status, 401);
  EXPECT_EQ(c_.Get(path + "?token=wrong").status, 404);
  EXPECT_EQ(c_.Get(path + "?token=" + std::string(43, 'A')).status, 404);
  EXPECT_EQ(c_.Get(path, BearerAuth(other)).status, 404);
  EXPECT_EQ(c_.Get("/v1/bookings/not-a-booking", BearerAuth(host)).status, 404);
  // Confirm and decline are the host's alone.
  EXPECT_EQ(c_.Post(path + "/confirm?token=" + token, json::object()).status, 401);
  EXPECT_EQ(c_.Post(path + "/decline", json::object(), BearerAuth(other)).status, 404);
  EXPECT_EQ(c_.Post(path + "/confirm", json::object(), BearerAuth(host)).status, 409) << "not pending";
  // Others can neither cancel nor reschedule.
  EXPECT_EQ(c_.Post(path + "/cancel", json::object(), BearerAuth(other)).status, 404);
  EXPECT_EQ(c_.Post(path + "/cancel", json::object()).status, 401);
  EXPECT_EQ(c_.Post(path + "/reschedule", {{"start", kMon10}}, BearerAuth(other)).status, 404);
  EXPECT_EQ(c_.Post(path + "/reschedule?token=nope", {{"start", kMon10}}).status, 404);
  // The attendee reschedules with the token, the host with their bearer token.
  auto moved = c_.Post(path + "/reschedule?token=" + token, {{"start", kMon10}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.Json()["id"], id);
  EXPECT_EQ(moved.Json()["start"], kMon10);
  moved = c_.Post(path + "/reschedule", {{"start", kMon930}}, BearerAuth(host));
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto cancelled = c_.Post(path + "/cancel", json::object(), BearerAuth(host));
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
}

TEST_F(V1BookingsTest, RescheduleIsAtomic) {
  auto host = Host();
  auto et = Make(host);
  auto a = BookV1(c_, et, kMon9);
  auto b = BookV1(c_, et, kMon10);
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201);
  const std::string path = "/v1/bookings/" + a.Json()["id"].get<std::string>();
  // Onto the other booking: refused, nothing changes.
  auto refused = c_.Post(path + "/reschedule", {{"start", kMon10}}, BearerAuth(host));
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(Reason(refused), "booked");
  EXPECT_EQ(c_.Get(path, BearerAuth(host)).Json()["start"], kMon9);
  EXPECT_EQ(Reason(BookV1(c_, et, kMon9)), "booked") << "the old time is still held";
  // Onto a half-hour overlapping itself: fine (its own time does not count).
  EventTypeSpec hourly;
  hourly.duration = 60;
  hourly.interval = 30;
  auto et2 = Make(host, hourly);
  auto c = BookV1(c_, et2, "2030-03-05T08:00:00Z");
  ASSERT_EQ(c.status, 201) << c.body;
  auto shifted = c_.Post("/v1/bookings/" + c.Json()["id"].get<std::string>() + "/reschedule",
                         {{"start", "2030-03-05T08:30:00Z"}}, BearerAuth(host));
  EXPECT_EQ(shifted.status, 200) << shifted.body;
  EXPECT_EQ(shifted.Json()["end"], "2030-03-05T09:30:00Z");
  EXPECT_EQ(BookV1(c_, et, "2030-03-05T08:00:00Z").status, 201) << "the old start is free again";
  auto bad = c_.Post(path + "/reschedule", {{"start", "2030-03-04 09:00"}}, BearerAuth(host));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["errors"][0]["field"], "start");
}

TEST_F(V1BookingsTest, EachRefusalHasItsStatusAndReason) {
  auto host = Host();
  EventTypeSpec spec;
  spec.buffer_after = 30;
  auto et = Make(host, spec);
  ASSERT_EQ(BookV1(c_, et, kMon9).status, 201);
  auto expect = [&](HttpResponse r, int status, const std::string& reason, const std::string& start,
                    const std::string& event_type) {
    EXPECT_EQ(r.status, status) << reason << " " << r.body;
    EXPECT_EQ(Reason(r), reason) << r.body;
    EXPECT_EQ(r.Json()["errors"][0]["field"], "start");
    auto why = Explain(c_, host, event_type, start);
    ASSERT_EQ(why.status, 200) << why.body;
    EXPECT_FALSE(why.Json()["offered"].get<bool>());
    EXPECT_EQ(why.Json()["reason"], reason) << why.body;
  };
  expect(BookV1(c_, et, kMon9), 409, "booked", kMon9, et);
  expect(BookV1(c_, et, kMon930), 409, "buffer", kMon930, et);
  expect(BookV1(c_, et, "2030-03-04T07:00:00Z"), 409, "outside_hours", "2030-03-04T07:00:00Z", et);
  expect(BookV1(c_, et, "2030-03-04T08:10:00Z"), 409, "outside_hours", "2030-03-04T08:10:00Z", et);
  expect(BookV1(c_, et, "2020-03-02T08:00:00Z"), 422, "too_soon", "2020-03-02T08:00:00Z", et);
  // Blocked hours on the host's calendar refuse the v1 time too. They are kept in the
  // calendar's zone (the account's, UTC here): 12:00Z.
  ExecSql(server_->db_path(), "INSERT INTO blocked_days (calendar_id, local_date, blocked_hours, created_at, "
                              "updated_at) VALUES (" + Calendar(host) + ", '2030-03-04', '12', 0, 0)");
  expect(BookV1(c_, et, "2030-03-04T12:00:00Z"), 409, "blocked", "2030-03-04T12:00:00Z", et);
  // A hold of someone else.
  ASSERT_EQ(HoldV1(c_, et, "2030-03-04T14:00:00Z").status, 201);
  expect(BookV1(c_, et, "2030-03-04T14:00:00Z"), 409, "held", "2030-03-04T14:00:00Z", et);
  auto held = Explain(c_, host, et, "2030-03-04T14:00:00Z").Json();
  EXPECT_TRUE(held["hold_id"].is_string()) << held;
  // Full: three seats, three bookings.
  EventTypeSpec seats;
  seats.seats = 3;
  auto group = Make(host, seats);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(BookV1(c_, group, "2030-03-05T08:00:00Z").status, 201);
  expect(BookV1(c_, group, "2030-03-05T08:00:00Z"), 409, "full", "2030-03-05T08:00:00Z", group);
  // Too far: a rolling window of 7 days.
  EventTypeSpec rolling;
  rolling.window = "rolling";
  rolling.window_days = 7;
  auto soon = Make(host, rolling);
  expect(BookV1(c_, soon, "2030-03-06T08:00:00Z"), 422, "too_far", "2030-03-06T08:00:00Z", soon);
  EXPECT_EQ(Explain(c_, host, soon, "2030-03-06T08:00:00Z").Json()["rule"], "booking_window");
  // A range window in the schedule's zone, inclusive.
  EventTypeSpec range;
  range.window = "range";
  range.window_start = "2030-03-05";
  range.window_end = "2030-03-06";
  auto ranged = Make(host, range);
  expect(BookV1(c_, ranged, "2030-03-04T15:30:00Z"), 422, "too_soon", "2030-03-04T15:30:00Z", ranged);
  expect(BookV1(c_, ranged, "2030-03-07T08:00:00Z"), 422, "too_far", "2030-03-07T08:00:00Z", ranged);
  EXPECT_EQ(BookV1(c_, ranged, "2030-03-06T15:30:00Z").status, 201);
  // Notice: 10 years is more than enough.
  EventTypeSpec notice;
  notice.notice = 60 * 24 * 3650;
  auto later = Make(host, notice);
  expect(BookV1(c_, later, "2030-03-05T08:00:00Z"), 422, "too_soon", "2030-03-05T08:00:00Z", later);
  EXPECT_EQ(Explain(c_, host, later, "2030-03-05T08:00:00Z").Json()["rule"], "minimum_notice");
  // What is offered explains as offered.
  auto ok = Explain(c_, host, et, "2030-03-04T10:00:00Z").Json();
  EXPECT_TRUE(ok["offered"].get<bool>()) << ok;
  EXPECT_EQ(ok["reason"], nullptr);
}

TEST_F(V1BookingsTest, SeatsAreSharedOnlyAmongTheEventTypesAttendees) {
  auto host = Host();
  EventTypeSpec seats;
  seats.seats = 4;
  auto group = Make(host, seats);
  auto single = Make(host);
  ASSERT_EQ(BookV1(c_, group, kMon9).status, 201);
  auto slots = c_.Get("/v1/slots?event_type_id=" + group + "&start=2030-03-04&end=2030-03-04").Json();
  EXPECT_EQ(slots["days"]["2030-03-04"][0]["seats_remaining"], 3);
  // The host is busy for anything else at a seated time, and the other way round.
  EXPECT_EQ(Reason(BookV1(c_, single, kMon9)), "booked");
  ASSERT_EQ(BookV1(c_, single, kMon10).status, 201);
  EXPECT_EQ(Reason(BookV1(c_, group, kMon10)), "booked");
  ASSERT_EQ(HoldV1(c_, single, kMon930).status, 201);
  EXPECT_EQ(Reason(BookV1(c_, group, kMon930)), "held");
  EXPECT_EQ(BookV1(c_, group, kMon9).status, 201) << "seats left at 09:00";
}

TEST_F(V1BookingsTest, LimitsCountOnlyTheEventTypesOwnBookings) {
  auto host = Host();
  EventTypeSpec daily;
  daily.limit_per_day = 1;
  auto et = Make(host, daily);
  auto other = Make(host);
  ASSERT_EQ(BookV1(c_, other, kMon9).status, 201) << "another event type's booking";
  ASSERT_EQ(BookV1(c_, et, kMon10).status, 201);
  auto r = BookV1(c_, et, "2030-03-04T10:00:00Z");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Reason(r), "limit_reached");
  EXPECT_EQ(Explain(c_, host, et, "2030-03-04T10:00:00Z").Json()["rule"], "limit_per_day");
  EXPECT_EQ(BookV1(c_, et, "2030-03-05T10:00:00Z").status, 201) << "the next day";
  auto slots = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-04&end=2030-03-06").Json();
  EXPECT_FALSE(slots["days"].contains("2030-03-04"));
  EXPECT_FALSE(slots["days"].contains("2030-03-05"));
  EXPECT_TRUE(slots["days"].contains("2030-03-06"));

  EventTypeSpec weekly;
  weekly.limit_per_week = 2;
  auto wk = Make(host, weekly);
  ASSERT_EQ(BookV1(c_, wk, "2030-03-11T08:00:00Z").status, 201);
  ASSERT_EQ(HoldV1(c_, wk, "2030-03-12T08:00:00Z").status, 201) << "a live hold counts too";
  r = BookV1(c_, wk, "2030-03-14T08:00:00Z");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Explain(c_, host, wk, "2030-03-14T08:00:00Z").Json()["rule"], "limit_per_week");
  EXPECT_EQ(BookV1(c_, wk, "2030-03-18T08:00:00Z").status, 201) << "the next ISO week";
}

TEST_F(V1BookingsTest, HoldsKeepTimeUntilReleasedBookedOrExpired) {
  auto host = Host();
  auto et = Make(host);
  auto h = HoldV1(c_, et, kMon9);
  ASSERT_EQ(h.status, 201) << h.body;
  json hold = h.Json();
  EXPECT_EQ(hold["start"], kMon9);
  EXPECT_EQ(hold["end"], kMon930);
  const std::string id = hold["id"];
  EXPECT_EQ(Reason(HoldV1(c_, et, kMon9)), "held");
  EXPECT_EQ(HoldV1(c_, et, kMon9).status, 409);
  EXPECT_EQ(BookV1(c_, et, kMon9).status, 409);
  // The holder books with the hold: the hold becomes the booking.
  auto body = BookingBody(et, kMon9);
  body["hold_id"] = id;
  auto booked = c_.Post("/v1/bookings", body);
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(c_.Delete("/v1/holds/" + id).status, 404) << "the hold is gone";
  EXPECT_EQ(c_.Post("/v1/bookings", body).status, 404) << "a used hold";
  // Released: the time is free at once.
  auto h2 = HoldV1(c_, et, kMon10);
  ASSERT_EQ(h2.status, 201);
  EXPECT_EQ(c_.Delete("/v1/holds/" + h2.Json()["id"].get<std::string>()).status, 204);
  EXPECT_EQ(HoldV1(c_, et, kMon10).status, 201);
  // A hold for another time does not book this one.
  body = BookingBody(et, "2030-03-04T10:00:00Z");
  body["hold_id"] = HoldV1(c_, et, "2030-03-04T10:30:00Z").Json()["id"];
  EXPECT_EQ(c_.Post("/v1/bookings", body).status, 400);
  // Holds are busy time in other faces: face 000 cannot book the held time.
  auto slot = c_.Post("/users/time-slots/", {{"start_time", "2030-03-04T10:30:00"}, {"end_time", "2030-03-04T11:00:00"},
                                             {"timezone", "UTC"}}, BearerAuth(host));
  ASSERT_EQ(slot.status, 200) << slot.body;
  auto face = c_.Post("/users/time-slots/" + slot.Json()["id"].get<std::string>() + "/book", json::object(),
                      BearerAuth(host));
  EXPECT_EQ(face.status, 400) << face.body;
  EXPECT_NE(face.body.find("a booking already holds this time"), std::string::npos) << face.body;
  EXPECT_EQ(HoldV1(c_, et, "2020-03-02T08:00:00Z").status, 422);
  EXPECT_EQ(c_.Post("/v1/holds", {{"event_type_id", et}}).status, 400);
  EXPECT_EQ(c_.Post("/v1/holds", {{"event_type_id", et}, {"start", kMon9}, {"extra", 1}}).status, 400);
}

TEST_F(V1BookingsTest, AnExpiredHoldStopsCountingAtOnce) {
  auto host = Host();
  auto et = Make(host);
  auto h = HoldV1(c_, et, kMon9);
  ASSERT_EQ(h.status, 201);
  EXPECT_EQ(BookV1(c_, et, kMon9).status, 409);
  ExecSql(server_->db_path(), "UPDATE holds SET expires_at = expires_at - 3600 WHERE uuid = " +
                                  Q(h.Json()["id"].get<std::string>()));
  auto slots = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-04&end=2030-03-04").Json();
  EXPECT_EQ(Starts(slots, "2030-03-04").front(), kMon9);
  EXPECT_EQ(BookV1(c_, et, kMon9).status, 201);
  auto body = BookingBody(et, kMon10);
  body["hold_id"] = h.Json()["id"];
  EXPECT_EQ(c_.Post("/v1/bookings", body).status, 404) << "an expired hold books nothing";
}

TEST_F(V1BookingsTest, PendingBookingsHoldTheirTimeUntilDeclined) {
  auto host = Host();
  EventTypeSpec spec;
  spec.requires_confirmation = true;
  auto et = Make(host, spec);
  auto a = BookV1(c_, et, kMon9);
  ASSERT_EQ(a.status, 201);
  EXPECT_EQ(a.Json()["status"], "pending");
  EXPECT_EQ(Reason(BookV1(c_, et, kMon9)), "booked");
  const std::string path = "/v1/bookings/" + a.Json()["id"].get<std::string>();
  auto declined = c_.Post(path + "/decline", {{"reason", "busy"}}, BearerAuth(host));
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.Json()["status"], "declined");
  EXPECT_EQ(declined.Json()["reason"], "busy");
  auto b = BookV1(c_, et, kMon9);
  ASSERT_EQ(b.status, 201) << "a declined booking frees its time";
  auto confirmed = c_.Post("/v1/bookings/" + b.Json()["id"].get<std::string>() + "/confirm", json::object(),
                           BearerAuth(host));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.Json()["status"], "accepted");
  EXPECT_EQ(c_.Post(path + "/confirm", json::object(), BearerAuth(host)).status, 409);
}

TEST_F(V1BookingsTest, BadInputNamesTheField) {
  auto host = Host();
  EventTypeSpec spec;
  spec.questions =
      R"([{"name":"topic","label":"Topic","type":"text","required":true,"options":[]},)"
      R"({"name":"size","label":"Size","type":"select","required":false,"options":["S","M"]}])";
  auto et = Make(host, spec);
  auto field_of = [&](const json& body) {
    auto r = c_.Post("/v1/bookings", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    return r.Json()["errors"][0]["field"].get<std::string>();
  };
  json ok = BookingBody(et, kMon9);
  ok["answers"] = {{"topic", "Roadmap"}};
  EXPECT_EQ(field_of(BookingBody(et, kMon9)), "answers.topic");
  json b = ok;
  b["answers"]["size"] = "XL";
  EXPECT_EQ(field_of(b), "answers.size");
  b = ok;
  b["answers"]["colour"] = "red";
  EXPECT_EQ(field_of(b), "answers.colour");
  b = ok;
  b["attendee"]["email"] = "not an email";
  EXPECT_EQ(field_of(b), "attendee.email");
  b = ok;
  b["attendee"].erase("name");
  EXPECT_EQ(field_of(b), "attendee.name");
  b = ok;
  b["attendee"]["time_zone"] = "Nowhere/Else";
  EXPECT_EQ(field_of(b), "attendee.time_zone");
  b = ok;
  b["guests"] = {"x"};
  EXPECT_EQ(field_of(b), "guests[0]");
  b = ok;
  b["start"] = "2030-03-04T08:00:00";
  EXPECT_EQ(field_of(b), "start");
  b = ok;
  b["surprise"] = true;
  EXPECT_EQ(field_of(b), "surprise");
  b = ok;
  b["event_type_id"] = "x";
  EXPECT_EQ(field_of(b), "event_type_id");
  auto raw = c_.Request("POST", "/v1/bookings", "{not json", {{"Content-Type", "application/json"}});
  EXPECT_EQ(raw.status, 400);
  EXPECT_EQ(raw.Header("content-type"), "application/problem+json");
  auto good = c_.Post("/v1/bookings", ok);
  EXPECT_EQ(good.status, 201) << good.body;
  EXPECT_EQ(good.Json()["answers"]["topic"], "Roadmap");
}

TEST_F(V1BookingsTest, IdempotencyKeyReplaysTheFirstAnswer) {
  auto host = Host();
  auto et = Make(host);
  Headers key{{"Idempotency-Key", Unique("key-")}};
  auto first = BookV1(c_, et, kMon9, key);
  ASSERT_EQ(first.status, 201);
  auto again = BookV1(c_, et, kMon9, key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  // Neither the key nor the manage token in the answer is readable in the database.
  const std::string token = first.Json()["manage_token"];
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM idempotency_keys WHERE response LIKE '%" + token +
                                             "%' OR key = " + Q(key[0].second)),
            "0");
  auto other_body = BookV1(c_, et, kMon10, key);
  EXPECT_EQ(other_body.status, 422) << other_body.body;
  // A refusal is an answer too.
  Headers key2{{"Idempotency-Key", Unique("key-")}};
  auto refused = BookV1(c_, et, kMon9, key2);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(BookV1(c_, et, kMon9, key2).body, refused.body);
  // Holds too.
  Headers key3{{"Idempotency-Key", Unique("key-")}};
  auto h = HoldV1(c_, et, kMon10, key3);
  ASSERT_EQ(h.status, 201);
  EXPECT_EQ(HoldV1(c_, et, kMon10, key3).body, h.body);
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM bookings b JOIN v1_bookings v ON v.booking_id = b.id "
                                         "WHERE v.host_account_id = " + std::to_string(host.id)),
            "1");
  // Concurrent duplicates never both book.
  Headers key4{{"Idempotency-Key", Unique("key-")}};
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      HttpClient c(server_->port());
      auto r = BookV1(c, et, "2030-03-05T08:00:00Z", key4);
      if (r.status == 201) ++created;
      EXPECT_TRUE(r.status == 201 || r.status == 409) << r.status << " " << r.body;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(created.load(), 1);
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM bookings b JOIN v1_bookings v ON v.booking_id = b.id "
                                         "WHERE v.host_account_id = " + std::to_string(host.id) +
                                         " AND b.start_at = " + std::to_string(Epoch("2030-03-05T08:00:00Z"))),
            "1");
  EXPECT_EQ(BookV1(c_, et, "2030-03-06T08:00:00Z", {{"Idempotency-Key", std::string(300, 'k')}}).status, 400);
}

TEST_F(V1BookingsTest, OtherFacesBookingsAreBusyAndTheOtherWayRound) {
  auto host = Host();
  auto et = Make(host);
  // Face 000: the host books their own time slot at 09:00 Berlin.
  auto slot = c_.Post("/users/time-slots/", {{"start_time", "2030-03-04T08:00:00"}, {"end_time", "2030-03-04T08:30:00"},
                                             {"timezone", "UTC"}}, BearerAuth(host));
  ASSERT_EQ(slot.status, 200) << slot.body;
  ASSERT_EQ(c_.Post("/users/time-slots/" + slot.Json()["id"].get<std::string>() + "/book", json::object(),
                    BearerAuth(host)).status, 200);
  // A booked face-000 slot is busy time of its own (the engine reads it as blocked),
  // besides its booking row.
  auto taken = BookV1(c_, et, kMon9);
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(Reason(taken), "blocked");
  // A v1 booking makes face 000 refuse in its own words.
  ASSERT_EQ(BookV1(c_, et, kMon10).status, 201);
  auto later = c_.Post("/users/time-slots/", {{"start_time", "2030-03-04T09:00:00"}, {"end_time", "2030-03-04T09:30:00"},
                                              {"timezone", "UTC"}}, BearerAuth(host));
  ASSERT_EQ(later.status, 200) << later.body;
  auto refused = c_.Post("/users/time-slots/" + later.Json()["id"].get<std::string>() + "/book", json::object(),
                         BearerAuth(host));
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("a booking already holds this time"), std::string::npos) << refused.body;
}

// GET /v1/bookings?faces=all lists what every face booked on the host's calendars, each
// with its face, and /v1's cancel / confirm / decline act on them as the faces do: a face-000
// slot, a face-001 session, a face-002 meeting, a face-003 exchange booking and a face-004
// reservation, on Monday 4 March 2030.
TEST_F(V1BookingsTest, EveryFacesBookingIsListedAndChangedThroughV1) {
  auto host = SignUpAndLogin(c_, Unique("v1faces"), {{"role", "coach"}});
  auto hours = c_.Post("/v1/schedules", {{"name", "Hours"}, {"time_zone", "UTC"},
                                         {"weekly", {{{"day", "monday"}, {"start", "08:00"}, {"end", "17:00"}}}}},
                       BearerAuth(host));
  ASSERT_EQ(hours.status, 201) << hours.body;
  auto et = Make(host);
  ASSERT_EQ(BookV1(c_, et, "2030-03-04T15:00:00Z", BearerAuth(host)).status, 201);
  // 000: the host books their own time slot at 08:00Z.
  auto slot = c_.Post("/users/time-slots/", {{"start_time", "2030-03-04T08:00:00"}, {"end_time", "2030-03-04T08:30:00"},
                                             {"timezone", "UTC"}}, BearerAuth(host));
  ASSERT_EQ(slot.status, 200) << slot.body;
  const std::string slot_id = slot.Json()["id"];
  ASSERT_EQ(c_.Post("/users/time-slots/" + slot_id + "/book", json::object(), BearerAuth(host)).status, 200);
  // 001: a client books two sessions with the host as coach (both pending).
  auto client = SignUpAndLogin(c_, Unique("v1facesclient"), {{"first_name", "Cleo"}, {"last_name", "Client"}});
  auto session = [&](const char* at) {
    return c_.Post("/booking", {{"coach_id", host.uuid}, {"session_datetime", at}, {"duration_minutes", 60}},
                   BearerAuth(client));
  };
  auto first = session("2030-03-04T09:00:00Z");
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = session("2030-03-04T13:00:00Z");
  ASSERT_EQ(second.status, 201) << second.body;
  // 002: an organiser's meeting at 10:00Z with the host as participant.
  auto organiser = SignUpAndLogin(c_, Unique("v1facesorg"));
  auto meeting = c_.Post("/api/event/", {{"title", "Review"}, {"time_slot", "2030-03-04 10:00:00"},
                                         {"description", "through face 002"}, {"participants", {host.email}}},
                         TokenAuth(organiser));
  ASSERT_EQ(meeting.status, 201) << meeting.body;
  // 003: the host's exchange, booked by the client at 14:00 (its zone is UTC).
  json exchange_hours = json::array();
  for (int day = 1; day <= 7; ++day) {
    exchange_hours.push_back({{"day_of_week", day}, {"open_time", "09:00"}, {"close_time", "17:00"}, {"is_closed", false}});
  }
  auto exchange = c_.Post("/api/exchanges/", {{"business_name", "Repair Shop"}, {"operating_hours", exchange_hours}},
                          BearerAuth(host));
  ASSERT_EQ(exchange.status, 201) << exchange.body;
  const std::string exchange_id = exchange.Json()["uuid"];
  auto shop = c_.Post("/api/bookings/", {{"exchange", exchange_id}, {"date", "2030-03-04"}, {"start_time", "14:00"},
                                         {"end_time", "15:00"}, {"customer_name", "John Doe"},
                                         {"customer_email", "john@example.com"}},
                      BearerAuth(client));
  ASSERT_EQ(shop.status, 201) << shop.body;
  // 004: a window 11:00-14:00 on the host's consultant number, 11:00-12:00 reserved by a
  // user (the window is face 001's availability from now on: 13:00 is inside it).
  auto me = c_.Get("/api/user/me/", TokenAuth(host));
  ASSERT_EQ(me.status, 200) << me.body;
  const std::string consultant = std::to_string(me.Json()["consultant_id"].get<std::int64_t>());
  ASSERT_EQ(c_.Post("/consultants/" + consultant + "/availabilities/",
                    {{"date", "2030-03-04"}, {"start_time", "11:00"}, {"end_time", "14:00"}}, TokenAuth(host)).status,
            201);
  auto user = c_.Post("/user/", {{"first_name", "Face"}, {"last_name", "User"}});
  ASSERT_EQ(user.status, 201) << user.body;
  ASSERT_EQ(c_.Post("/consultant/" + consultant + "/reserve/", {{"user", user.Json()["id"]}, {"date", "2030-03-04"},
                                                                {"start_time", "11:00"}, {"end_time", "12:00"}}).status,
            201);

  // The default answer is unchanged: /v1's own booking only (now with its face).
  auto only = c_.Get("/v1/bookings?from=2030-03-04T00:00:00Z&to=2030-03-05T00:00:00Z", BearerAuth(host));
  ASSERT_EQ(only.status, 200) << only.body;
  ASSERT_EQ(only.Json()["data"].size(), 1u) << only.body;
  EXPECT_EQ(only.Json()["data"][0]["face"], "v1");
  auto all = c_.Get("/v1/bookings?faces=all&from=2030-03-04T00:00:00Z&to=2030-03-05T00:00:00Z", BearerAuth(host));
  ASSERT_EQ(all.status, 200) << all.body;
  std::vector<std::string> faces;
  std::map<std::string, json> by_face;
  const json listed = all.Json();
  for (const auto& b : listed["data"]) {
    faces.push_back(b["face"]);
    by_face[b["face"]] = b;
  }
  EXPECT_EQ(faces, (std::vector<std::string>{"000", "001", "002", "004", "001", "003", "v1"})) << all.body;
  EXPECT_EQ(by_face["001"]["attendee"]["name"], "Cleo Client");
  EXPECT_EQ(by_face["001"]["status"], "pending");
  EXPECT_TRUE(by_face["001"]["event_type_id"].is_null());
  EXPECT_EQ(by_face["001"]["host"]["id"], host.uuid);
  EXPECT_EQ(by_face["003"]["attendee"]["email"], "john@example.com");
  EXPECT_EQ(by_face["003"]["start"], "2030-03-04T14:00:00Z");
  EXPECT_EQ(by_face["000"]["status"], "accepted");
  EXPECT_EQ(by_face["000"]["attendee"]["email"], host.email) << "the host booked their own slot";
  // Paged by start across the faces, the status filter mapped.
  auto page = c_.Get("/v1/bookings?faces=all&limit=3&from=2030-03-04T00:00:00Z", BearerAuth(host));
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.Json()["data"].size(), 3u);
  auto rest = c_.Get("/v1/bookings?faces=all&from=2030-03-04T00:00:00Z&cursor=" +
                         page.Json()["next_cursor"].get<std::string>(), BearerAuth(host));
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(rest.Json()["data"].size(), 4u) << rest.body;
  auto pending = c_.Get("/v1/bookings?faces=all&status=pending", BearerAuth(host));
  ASSERT_EQ(pending.status, 200);
  EXPECT_EQ(pending.Json()["data"].size(), 3u) << pending.body;  // the sessions and the shop's booking
  EXPECT_EQ(c_.Get("/v1/bookings?faces=some", BearerAuth(host)).status, 400);
  // Another account sees none of them, nor may change them.
  auto other = Host();
  EXPECT_EQ(c_.Get("/v1/bookings?faces=all", BearerAuth(other)).Json()["data"].size(), 0u);
  const std::string shop_id = by_face["003"]["id"];
  EXPECT_EQ(c_.Post("/v1/bookings/" + shop_id + "/cancel", json::object(), BearerAuth(other)).status, 404);
  EXPECT_EQ(c_.Get("/v1/bookings/" + shop_id, BearerAuth(host)).Json()["face"], "003");

  // Cancelling the face-003 booking through /v1 frees 14:00 in face 003's own answer.
  auto slots_at_2 = [&] {
    auto r = c_.Get("/api/time-slots/available_slots/?exchange=" + exchange_id + "&date=2030-03-04&slot_duration=60",
                    BearerAuth(host));
    EXPECT_EQ(r.status, 200) << r.body;
    const json listing = r.Json();
    for (const auto& s : listing["slots"]) {
      if (s["start_time"] == "14:00") return s["is_available"].get<bool>();
    }
    return false;
  };
  EXPECT_FALSE(slots_at_2());
  auto cancelled = c_.Post("/v1/bookings/" + shop_id + "/cancel", {{"reason", "Closed that day"}}, BearerAuth(host));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Json()["status"], "cancelled");
  EXPECT_TRUE(slots_at_2());
  auto shown = c_.Get("/api/bookings/" + shop.Json()["uuid"].get<std::string>() + "/", BearerAuth(client));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.Json()["status"], "cancelled");
  EXPECT_EQ(c_.Post("/v1/bookings/" + shop_id + "/cancel", json::object(), BearerAuth(host)).status, 409);

  // Confirming a pending face-001 session: face 001 shows it confirmed.
  const std::string first_id = first.Json()["id"];
  auto confirmed = c_.Post("/v1/bookings/" + first_id + "/confirm", json::object(), BearerAuth(host));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.Json()["status"], "accepted");
  EXPECT_EQ(confirmed.Json()["face"], "001");
  EXPECT_EQ(c_.Get("/booking/" + first_id, BearerAuth(client)).Json()["status"], "confirmed");
  EXPECT_EQ(c_.Post("/v1/bookings/" + first_id + "/confirm", json::object(), BearerAuth(host)).status, 409);
  // Declining the other: face 001 cancels it, and books 13:00 again.
  EXPECT_EQ(session("2030-03-04T13:00:00Z").status, 400) << "13:00 is taken";
  const std::string second_id = second.Json()["id"];
  auto declined = c_.Post("/v1/bookings/" + second_id + "/decline", {{"reason", "Away"}}, BearerAuth(host));
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.Json()["status"], "cancelled");
  EXPECT_EQ(c_.Get("/booking/" + second_id, BearerAuth(client)).Json()["status"], "cancelled");
  auto again = session("2030-03-04T13:00:00Z");
  EXPECT_EQ(again.status, 201) << again.body;
  // Cancelling the booked face-000 slot's booking cancels the slot, as face 000 does: the
  // event type offers and books 08:00 again.
  EXPECT_EQ(BookV1(c_, et, "2030-03-04T08:00:00Z").status, 409);
  auto unslotted = c_.Post("/v1/bookings/" + by_face["000"]["id"].get<std::string>() + "/cancel", json::object(),
                           BearerAuth(host));
  ASSERT_EQ(unslotted.status, 200) << unslotted.body;
  EXPECT_EQ(unslotted.Json()["status"], "cancelled");
  EXPECT_EQ(c_.Get("/users/time-slots/" + slot_id, BearerAuth(host)).Json()["status"], "cancelled");
  EXPECT_EQ(BookV1(c_, et, "2030-03-04T08:00:00Z").status, 201);
  // A meeting's booking changes with the meeting only.
  const std::string meeting_booking = by_face["002"]["id"];
  EXPECT_EQ(c_.Post("/v1/bookings/" + meeting_booking + "/cancel", json::object(), BearerAuth(host)).status, 409);
}

// Races on real sockets: many clients, one slot.
int Race(std::uint16_t port, int clients, const std::function<HttpResponse(HttpClient&, int)>& send) {
  const int success = 201;
  std::atomic<int> won{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(port);
      while (!go.load()) std::this_thread::yield();
      auto r = send(c, i);
      if (r.status == success) {
        ++won;
      } else {
        EXPECT_EQ(r.status, 409) << r.body;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return won.load();
}

TEST_F(V1BookingsTest, SixtyFourClientsRaceForOneSlot) {
  auto host = Host();
  auto et = Make(host);
  EXPECT_EQ(Race(server_->port(), 64, [&](HttpClient& c, int) { return BookV1(c, et, kMon9); }), 1);
  EXPECT_EQ(Race(server_->port(), 64, [&](HttpClient& c, int) { return HoldV1(c, et, kMon10); }), 1);
  EXPECT_EQ(Race(server_->port(), 64,
                 [&](HttpClient& c, int i) { return i % 2 ? HoldV1(c, et, kMon930) : BookV1(c, et, kMon930); }),
            1);
  EventTypeSpec seats;
  seats.seats = 5;
  auto group = Make(host, seats);
  EXPECT_EQ(Race(server_->port(), 64, [&](HttpClient& c, int) { return BookV1(c, group, "2030-03-05T08:00:00Z"); }),
            5);
  EXPECT_EQ(Race(server_->port(), 64,
                 [&](HttpClient& c, int i) {
                   return i % 2 ? HoldV1(c, group, "2030-03-05T09:00:00Z") : BookV1(c, group, "2030-03-05T09:00:00Z");
                 }),
            5);
}

TEST_F(V1BookingsTest, ARescheduleRacingANewBookingLeavesOneOnTheTime) {
  auto host = Host();
  auto et = Make(host);
  for (int round = 0; round < 8; ++round) {
    const std::string from = "2030-03-0" + std::to_string(4 + round % 4) + "T" + (round < 4 ? "08" : "12") + ":00:00Z";
    const std::string to = "2030-03-0" + std::to_string(4 + round % 4) + "T" + (round < 4 ? "10" : "14") + ":00:00Z";
    auto a = BookV1(c_, et, from);
    ASSERT_EQ(a.status, 201) << a.body;
    const std::string path = "/v1/bookings/" + a.Json()["id"].get<std::string>() + "/reschedule";
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i) {
      threads.emplace_back([&, i] {
        HttpClient c(server_->port());
        while (!go.load()) std::this_thread::yield();
        auto r = i == 0 ? c.Post(path, {{"start", to}}, BearerAuth(host)) : BookV1(c, et, to);
        EXPECT_TRUE(r.status == 200 || r.status == 201 || r.status == 409) << r.status << " " << r.body;
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    const std::string starts = QuerySql(
        server_->db_path(), "SELECT COUNT(*) FROM bookings WHERE status IN ('pending', 'confirmed', 'active') AND "
                            "calendar_id = " + Calendar(host) + " AND start_at = " +
                                std::to_string(Epoch(to)));
    EXPECT_EQ(starts, "1") << to;
  }
}

}  // namespace
}  // namespace kairos::testing

namespace kairos::testing {
namespace {

using nlohmann::json;
using namespace v1;

// The HTTP version of the property test (src/kairos/service/v1_bookings_test.cpp has the
// large one): on random event types over a calendar that face 000 and v1 bookings fill,
// every start GET /v1/slots offers is booked with 201 and every other start is refused
// with the reason GET /v1/slots/explain gives.
TEST_F(V1BookingsTest, WhatSlotsOfferBooksAndTheRestIsRefusedAsExplained) {
  std::srand(7);
  auto pick = [](int lo, int hi) { return lo + std::rand() % (hi - lo + 1); };
  for (int round = 0; round < 3; ++round) {
    auto host = Host();
    EventTypeSpec spec;
    spec.weekly = {{2, 9 * 3600, 13 * 3600}};
    spec.duration = 15 * pick(1, 4);
    spec.interval = pick(0, 1) ? 0 : 15 * pick(1, 2);
    spec.buffer_before = 15 * pick(0, 1);
    spec.buffer_after = 15 * pick(0, 2);
    spec.seats = pick(1, 2);
    if (pick(0, 1)) spec.limit_per_day = pick(2, 4);
    auto et = Make(host, spec);
    // Face 000: the host books one of their own time slots inside the hours.
    const std::string h = "0" + std::to_string(pick(8, 9));
    auto slot = c_.Post("/users/time-slots/", {{"start_time", "2030-03-05T" + h + ":15:00"},
                                               {"end_time", "2030-03-05T" + h + ":45:00"},
                                               {"timezone", "UTC"}}, BearerAuth(host));
    ASSERT_EQ(slot.status, 200) << slot.body;
    ASSERT_EQ(c_.Post("/users/time-slots/" + slot.Json()["id"].get<std::string>() + "/book", json::object(),
                      BearerAuth(host)).status, 200);
    for (int step = 0; step < 6; ++step) {
      auto listed = c_.Get("/v1/slots?event_type_id=" + et + "&start=2030-03-05&end=2030-03-05");
      ASSERT_EQ(listed.status, 200) << listed.body;
      std::set<std::string> offered;
      for (const auto& s : Starts(listed.Json(), "2030-03-05")) offered.insert(s);
      // Every quarter hour of the morning (UTC 07:00 to 12:45).
      for (int q = 28; q < 52; ++q) {
        char start[32];
        std::snprintf(start, sizeof start, "2030-03-05T%02d:%02d:00Z", q / 4, q % 4 * 15);
        auto why = Explain(c_, host, et, start);
        ASSERT_EQ(why.status, 200);
        ASSERT_EQ(why.Json()["offered"].get<bool>(), offered.count(start) > 0) << start << " " << why.body;
        if (offered.count(start)) continue;
        auto refused = BookV1(c_, et, start);
        ASSERT_TRUE(refused.status == 409 || refused.status == 422) << start << " " << refused.body;
        EXPECT_EQ(Reason(refused), why.Json()["reason"]) << start;
      }
      if (offered.empty()) break;
      // Book one of the offered starts: accepted.
      auto it = offered.begin();
      std::advance(it, pick(0, static_cast<int>(offered.size()) - 1));
      auto made = BookV1(c_, et, *it);
      EXPECT_EQ(made.status, 201) << *it << " " << made.body;
    }
  }
}

}  // namespace
}  // namespace kairos::testing
