// Face 000 (personal time slots) over HTTP: every /users/time-slots/ route as documented,
// local times in any IANA zone, bulk creation across DST, no overlaps and atomic bulk
// writes (also under concurrent requests), recurring series, the status table,
// owner-only access, bad input, and the slots agreeing with the other faces (their
// bookings hold a slot's time; a booked slot is busy for them).
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

constexpr const char* kBase = "/users/time-slots/";

class TimeSlotsTest : public SharedServerTest<TimeSlotsTest> {
 protected:

  void SetUp() override { c_ = std::make_unique<HttpClient>(server_->port()); }

  TestAccount User(const json& extra = json::object()) { return SignUpAndLogin(*c_, Unique("slotuser"), extra); }

  HttpResponse Create(const TestAccount& who, const json& body) { return c_->Post(kBase, body, BearerAuth(who)); }
  // Creates a slot and returns its JSON; fails the test unless 200.
  json CreateOk(const TestAccount& who, const std::string& start, const std::string& end,
                const std::string& zone = "UTC", json extra = json::object()) {
    extra["start_time"] = start;
    extra["end_time"] = end;
    extra["timezone"] = zone;
    auto r = Create(who, extra);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.Json() : json::object();
  }
  HttpResponse Bulk(const TestAccount& who, const json& body) {
    return c_->Post(std::string(kBase) + "bulk", body, BearerAuth(who));
  }
  HttpResponse Action(const TestAccount& who, const std::string& id, const std::string& action) {
    return c_->Post(std::string(kBase) + id + "/" + action, json::object(), BearerAuth(who));
  }
  json List(const TestAccount& who, const std::string& query = "") {
    auto r = c_->Get(std::string(kBase) + query, BearerAuth(who));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.Json() : json::array();
  }
  std::string CalendarOf(const TestAccount& who) {
    return QuerySql(server_->db_path(),
                    "SELECT c.id FROM calendars c JOIN accounts a ON a.id = c.owner_account_id WHERE a.uuid = '" +
                        who.uuid + "' AND c.kind = 'personal'");
  }

  static void ExpectDetail(const HttpResponse& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = r.Json();
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body.size(), 1u) << r.body;
    ASSERT_TRUE(body["detail"].is_string()) << r.body;
    EXPECT_NE(body["detail"].get<std::string>().find(needle), std::string::npos) << r.body;
  }

  std::unique_ptr<HttpClient> c_;
};

std::vector<std::string> Field(const json& slots, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& s : slots) out.push_back(s[name].get<std::string>());
  return out;
}

TEST_F(TimeSlotsTest, CreateAsDocumented) {
  auto user = User();
  json body = {{"start_time", "2030-01-15T14:00:00"},
               {"end_time", "2030-01-15T14:45:00"},
               {"timezone", "Asia/Kolkata"},
               {"title", "Available for calls"},
               {"description", "I'm available for mentoring calls during this time"},
               {"is_recurring", false}};
  auto r = Create(user, body);
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = r.Json();
  EXPECT_EQ(s["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(s["user_id"], user.uuid);
  EXPECT_EQ(s["start_time"], "2030-01-15T08:30:00Z");
  EXPECT_EQ(s["end_time"], "2030-01-15T09:15:00Z");
  EXPECT_EQ(s["timezone"], "Asia/Kolkata");
  EXPECT_EQ(s["title"], "Available for calls");
  EXPECT_EQ(s["description"], "I'm available for mentoring calls during this time");
  EXPECT_EQ(s["status"], "available");
  EXPECT_EQ(s["is_recurring"], false);
  EXPECT_EQ(s["duration_minutes"], 45);
  EXPECT_EQ(s["start_time_local"], "2030-01-15T14:00:00+05:30");
  EXPECT_EQ(s["end_time_local"], "2030-01-15T14:45:00+05:30");
  EXPECT_EQ(s["timezone_offset"], "+05:30");
  EXPECT_EQ(s["created_at"].get<std::string>().back(), 'Z');
  EXPECT_EQ(s["created_at"], s["updated_at"]);
  EXPECT_TRUE(s["recurring_pattern"].is_null());
  EXPECT_TRUE(s["recurring_end_date"].is_null());
  EXPECT_TRUE(s["series_id"].is_null());
  EXPECT_FALSE(s.contains("occurrences_created"));

  // Defaults: UTC, no title or description; every supported duration; any IANA zone.
  auto d = Create(user, {{"start_time", "2030-01-16T10:00"}, {"end_time", "2030-01-16T12:00"}});
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.Json()["timezone"], "UTC");
  EXPECT_EQ(d.Json()["timezone_offset"], "+00:00");
  EXPECT_EQ(d.Json()["duration_minutes"], 120);
  EXPECT_TRUE(d.Json()["title"].is_null());
  auto k = CreateOk(user, "2030-07-01T09:00:00", "2030-07-01T09:15:00", "Asia/Kathmandu");
  EXPECT_EQ(k["start_time"], "2030-07-01T03:15:00Z");
  EXPECT_EQ(k["timezone_offset"], "+05:45");
  auto ny = CreateOk(user, "2030-07-01T09:00:00", "2030-07-01T10:30:00", "America/New_York");
  EXPECT_EQ(ny["start_time"], "2030-07-01T13:00:00Z");
  EXPECT_EQ(ny["start_time_local"], "2030-07-01T09:00:00-04:00");
  EXPECT_EQ(ny["duration_minutes"], 90);

  // GET returns the same slot.
  auto g = c_->Get(kBase + s["id"].get<std::string>(), BearerAuth(user));
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(g.Json(), s);
}

TEST_F(TimeSlotsTest, CreateEnforcesTheDocumentsRules) {
  auto user = User();
  auto create = [&](const std::string& start, const std::string& end, const std::string& zone = "UTC") {
    return Create(user, {{"start_time", start}, {"end_time", end}, {"timezone", zone}});
  };
  ExpectDetail(create("2030-01-15T15:00:00", "2030-01-15T14:00:00"), 400, "Start time must be before end time");
  ExpectDetail(create("2030-01-15T15:00:00", "2030-01-15T15:00:00"), 400, "Start time must be before end time");
  ExpectDetail(create("2020-01-15T14:00:00", "2020-01-15T14:45:00"), 400, "Time slot must be in the future");
  ExpectDetail(create("2030-01-15T14:00:00", "2030-01-15T14:50:00"), 400,
               "Slot duration must be 15, 30, 45, 60, 90 or 120 minutes");
  ExpectDetail(create("2030-01-15T14:00:00", "2030-01-15T18:00:00"), 400, "is 240 minutes");
  ExpectDetail(create("2030-01-15T14:00:00", "2030-01-15T14:45:00", "Mars/Olympus"), 400,
               "Unknown time zone: Mars/Olympus");
  ExpectDetail(create("2030-02-30T10:00:00", "2030-02-30T10:45:00"), 400, "start_time");
  ExpectDetail(create("2030-01-15T24:30:00", "2030-01-15T25:15:00"), 400, "start_time");
  ExpectDetail(create("2030-01-15T10:00:00", "2030-01-15T10:61:00"), 400, "end_time");
  // Local times only: an offset or Z is not a wall-clock time.
  ExpectDetail(create("2030-01-15T14:00:00Z", "2030-01-15T14:45:00Z"), 400, "start_time");
  ExpectDetail(create("tomorrow", "2030-01-15T14:45:00"), 400, "start_time");

  auto raw = [&](const std::string& body) {
    return c_->Request("POST", kBase, body, {{"Authorization", "Bearer " + user.token},
                                            {"Content-Type", "application/json"}});
  };
  ExpectDetail(raw("{\"start_time\": "), 400, "JSON");
  ExpectDetail(raw(""), 400, "JSON");
  ExpectDetail(raw("[1, 2]"), 400, "object");
  json good = {{"start_time", "2030-01-15T14:00:00"}, {"end_time", "2030-01-15T14:45:00"}};
  ExpectDetail(Create(user, json{{"end_time", "2030-01-15T14:45:00"}}), 400, "start_time");
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"start_time", 123}, {"end_time", nullptr}, {"timezone", 5}, {"title", json::array()},
           {"description", 1.5}, {"is_recurring", "maybe"}, {"is_recurring", 2}, {"recurring_pattern", 1}}) {
    json b = good;
    b[field] = value;
    ExpectDetail(Create(user, b), 400, field);
  }
  json longtitle = good;
  longtitle["title"] = std::string(256, 'x');
  ExpectDetail(Create(user, longtitle), 400, "title");
  EXPECT_TRUE(List(user).empty());
}

// Pydantic's lax mode: bool from "false"/"yes"/0/1, int from "45" and 45.0; fields the
// model does not declare are ignored.
TEST_F(TimeSlotsTest, BodiesAreReadAsPydanticsLaxMode) {
  auto user = User();
  auto r = Create(user, {{"start_time", "2030-03-15T14:00:00"},
                         {"end_time", "2030-03-15T14:45:00"},
                         {"is_recurring", "false"},
                         {"color", "blue"},
                         {"user_id", "someone-else"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["is_recurring"], false);
  EXPECT_EQ(r.Json()["user_id"], user.uuid);
  auto bulk = Bulk(user, {{"start_date", "2030-03-18"}, {"end_date", "2030-03-18"}, {"start_time", "09:00"},
                          {"end_time", "10:30"}, {"slot_duration_minutes", "45"}, {"repeat", true}});
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  auto whole = Bulk(user, {{"start_date", "2030-03-19"}, {"end_date", "2030-03-19"}, {"start_time", "09:00"},
                           {"end_time", "10:30"}, {"slot_duration_minutes", 45.0}, {"days_of_week", {"1"}}});
  EXPECT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(List(user, "?limit=100").size(), 5u) << "one, two of 45 minutes, and two more";
}

TEST_F(TimeSlotsTest, HostileTextIsStoredAndReturnedVerbatim) {
  auto user = User();
  const std::string title = "<script>alert('x')</script>'; DROP TABLE slots; -- \"q\" \\ 日本語 🎉";
  const std::string description = std::string("line1\nline2\ttab ") + "%00 %s {{x}}";
  auto s = CreateOk(user, "2030-01-15T14:00:00", "2030-01-15T14:30:00", "UTC",
                    {{"title", title}, {"description", description}});
  EXPECT_EQ(s["title"], title);
  EXPECT_EQ(s["description"], description);
  auto listed = List(user);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["title"], title);
  EXPECT_EQ(
      QuerySql(server_->db_path(), "SELECT COUNT(*) FROM slots WHERE uuid = '" + s["id"].get<std::string>() + "'"),
      "1");
  // NUL characters are refused rather than cut short by a backend.
  const std::string nul = std::string("a") + '\0' + "b";
  ExpectDetail(Create(user, {{"start_time", "2030-01-15T15:00:00"}, {"end_time", "2030-01-15T15:15:00"},
                             {"title", nul}}),
               400, "title must not contain NUL characters");
  ExpectDetail(c_->Put(kBase + s["id"].get<std::string>(), {{"description", nul}}, BearerAuth(user)), 400,
               "description must not contain NUL characters");
}

TEST_F(TimeSlotsTest, ConcurrentCreatesNeverOverlap) {
  auto user = User();
  std::atomic<int> created{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server_->port());
      // Every request overlaps every other: 10:00-11:00 shifted by i minutes.
      std::string minute = (i < 10 ? "0" : "") + std::to_string(i);
      auto r = c.Post(kBase, {{"start_time", "2030-04-01T10:" + minute + ":00"},
                              {"end_time", "2030-04-01T11:" + minute + ":00"}}, BearerAuth(user));
      (r.status == 200 ? created : refused)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), 15);
  EXPECT_EQ(List(user).size(), 1u);
}

TEST_F(TimeSlotsTest, SlotsOfOneAccountNeverOverlap) {
  auto user = User();
  auto first = CreateOk(user, "2030-01-15T14:00:00", "2030-01-15T14:45:00", "Asia/Kolkata");
  const std::string id = first["id"];
  auto overlap = Create(user, {{"start_time", "2030-01-15T14:30:00"}, {"end_time", "2030-01-15T15:15:00"},
                               {"timezone", "Asia/Kolkata"}});
  ExpectDetail(overlap, 400, "Time slot overlaps an existing time slot");
  ExpectDetail(overlap, 400, id);
  ExpectDetail(overlap, 400, "2030-01-15T14:00:00+05:30 to 2030-01-15T14:45:00+05:30");
  // The same instant written in another zone overlaps too.
  ExpectDetail(Create(user, {{"start_time", "2030-01-15T08:30:00"}, {"end_time", "2030-01-15T09:00:00"}}), 400,
               id);
  // Touching is not overlapping; another account's slots do not count.
  CreateOk(user, "2030-01-15T14:45:00", "2030-01-15T15:30:00", "Asia/Kolkata");
  CreateOk(User(), "2030-01-15T14:00:00", "2030-01-15T14:45:00", "Asia/Kolkata");
  // A cancelled slot frees its time; a blocked one does not.
  auto blocked = CreateOk(user, "2030-01-16T10:00:00", "2030-01-16T11:00:00");
  ASSERT_EQ(Action(user, blocked["id"], "block").status, 200);
  ExpectDetail(Create(user, {{"start_time", "2030-01-16T10:30:00"}, {"end_time", "2030-01-16T11:00:00"}}), 400,
               "overlaps");
  auto cancel = c_->Put(kBase + id, {{"status", "cancelled"}}, BearerAuth(user));
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  CreateOk(user, "2030-01-15T14:00:00", "2030-01-15T14:30:00", "Asia/Kolkata");
}

TEST_F(TimeSlotsTest, BulkCreatesAsDocumentedWithTheRightCount) {
  auto user = User();
  // 2030-01-14 is a Monday: Monday to Friday, 14:00-18:00 in 45-minute slots is 5 a day.
  json body = {{"start_date", "2030-01-14"}, {"end_date", "2030-01-20"}, {"start_time", "14:00"},
               {"end_time", "18:00"},        {"timezone", "Asia/Kolkata"}, {"days_of_week", {0, 1, 2, 3, 4}},
               {"title", "Mentoring Hours"}, {"description", "Available for mentoring calls"},
               {"slot_duration_minutes", 45}};
  auto r = Bulk(user, body);
  ASSERT_EQ(r.status, 200) << r.body;
  auto b = r.Json();
  EXPECT_EQ(b["success"], true);
  EXPECT_EQ(b["message"], "Successfully created 25 time slots");
  EXPECT_EQ(b["slots_created"], 25);
  ASSERT_EQ(b["slots"].size(), 25u);
  EXPECT_EQ(b["date_range"], (json{{"start", "2030-01-14"}, {"end", "2030-01-20"}}));
  EXPECT_EQ(b["timezone"], "Asia/Kolkata");
  auto locals = Field(b["slots"], "start_time_local");
  EXPECT_EQ(std::vector<std::string>(locals.begin(), locals.begin() + 6),
            (std::vector<std::string>{"2030-01-14T14:00:00+05:30", "2030-01-14T14:45:00+05:30",
                                      "2030-01-14T15:30:00+05:30", "2030-01-14T16:15:00+05:30",
                                      "2030-01-14T17:00:00+05:30", "2030-01-15T14:00:00+05:30"}));
  EXPECT_EQ(b["slots"][0]["start_time"], "2030-01-14T08:30:00Z");
  EXPECT_EQ(b["slots"][24]["end_time_local"], "2030-01-18T17:45:00+05:30");
  for (const auto& s : b["slots"]) {
    EXPECT_EQ(s["title"], "Mentoring Hours");
    EXPECT_EQ(s["duration_minutes"], 45);
    EXPECT_EQ(s["status"], "available");
  }
  EXPECT_EQ(List(user, "?limit=100").size(), 25u);

  // Defaults: every day of the week, 45 minutes, UTC.
  auto d = Bulk(user, {{"start_date", "2030-02-02"}, {"end_date", "2030-02-03"}, {"start_time", "09:00"},
                       {"end_time", "10:30"}});
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.Json()["slots_created"], 4);  // Saturday and Sunday included
  EXPECT_EQ(Field(d.Json()["slots"], "start_time"),
            (std::vector<std::string>{"2030-02-02T09:00:00Z", "2030-02-02T09:45:00Z", "2030-02-03T09:00:00Z",
                                      "2030-02-03T09:45:00Z"}));
  EXPECT_EQ(d.Json()["timezone"], "UTC");
}

TEST_F(TimeSlotsTest, BulkFollowsWallClockTimeAcrossDst) {
  auto user = User();
  // New York moves to daylight time on Sunday 2030-03-10.
  auto r = Bulk(user, {{"start_date", "2030-03-07"}, {"end_date", "2030-03-13"}, {"start_time", "14:00"},
                       {"end_time", "15:00"}, {"timezone", "America/New_York"}, {"slot_duration_minutes", 60}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto slots = r.Json()["slots"];
  ASSERT_EQ(slots.size(), 7u);
  EXPECT_EQ(Field(slots, "start_time"),
            (std::vector<std::string>{"2030-03-07T19:00:00Z", "2030-03-08T19:00:00Z", "2030-03-09T19:00:00Z",
                                      "2030-03-10T18:00:00Z", "2030-03-11T18:00:00Z", "2030-03-12T18:00:00Z",
                                      "2030-03-13T18:00:00Z"}));
  EXPECT_EQ(slots[0]["start_time_local"], "2030-03-07T14:00:00-05:00");
  EXPECT_EQ(slots[0]["timezone_offset"], "-05:00");
  EXPECT_EQ(slots[3]["start_time_local"], "2030-03-10T14:00:00-04:00");
  EXPECT_EQ(slots[3]["timezone_offset"], "-04:00");

  // On the day itself a window across the gap holds one real hour less: 00:00-04:00
  // local is three hours, and 02:00 does not exist.
  auto gap = Bulk(user, {{"start_date", "2030-03-10"}, {"end_date", "2030-03-10"}, {"start_time", "00:00"},
                         {"end_time", "04:00"}, {"timezone", "America/New_York"}, {"slot_duration_minutes", 60}});
  ASSERT_EQ(gap.status, 200) << gap.body;
  EXPECT_EQ(Field(gap.Json()["slots"], "start_time_local"),
            (std::vector<std::string>{"2030-03-10T00:00:00-05:00", "2030-03-10T01:00:00-05:00",
                                      "2030-03-10T03:00:00-04:00"}));
  // A single slot at a local time in the gap moves forward by the gap (RFC 5545); its
  // duration is the real time between its instants.
  auto other = User();
  auto moved = CreateOk(other, "2030-03-10T02:30:00", "2030-03-10T04:15:00", "America/New_York");
  EXPECT_EQ(moved["start_time_local"], "2030-03-10T03:30:00-04:00");
  EXPECT_EQ(moved["start_time"], "2030-03-10T07:30:00Z");
  EXPECT_EQ(moved["duration_minutes"], 45);
  ExpectDetail(Create(other, {{"start_time", "2030-03-10T02:30:00"}, {"end_time", "2030-03-10T03:30:00"},
                             {"timezone", "America/New_York"}}),
               400, "Start time must be before end time");
}

TEST_F(TimeSlotsTest, BulkValidatesEveryRule) {
  auto user = User();
  json good = {{"start_date", "2030-01-14"}, {"end_date", "2030-01-20"}, {"start_time", "14:00"},
               {"end_time", "18:00"}, {"timezone", "Asia/Kolkata"}};
  auto with = [&](const std::string& field, const json& value) {
    json b = good;
    if (value.is_discarded()) {
      b.erase(field);
    } else {
      b[field] = value;
    }
    return Bulk(user, b);
  };
  ExpectDetail(with("end_date", "2030-04-15"), 400, "Date range cannot exceed 90 days");
  EXPECT_EQ(with("end_date", "2030-04-14").status, 200);  // exactly 90 days later
  ExpectDetail(with("start_date", "2020-01-01"), 400, "Start date cannot be in the past");
  ExpectDetail(with("end_date", "2030-01-13"), 400, "end_date must not be before start_date");
  ExpectDetail(with("end_time", "14:00"), 400, "Start time must be before end time");
  ExpectDetail(with("start_time", "24:30"), 400, "start_time");
  ExpectDetail(with("end_time", "18:60"), 400, "end_time");
  ExpectDetail(with("start_date", "2030-02-30"), 400, "start_date");
  ExpectDetail(with("start_date", json::value_t::discarded), 400, "start_date");
  ExpectDetail(with("timezone", "Nowhere/Special"), 400, "Unknown time zone");
  ExpectDetail(with("slot_duration_minutes", 50), 400, "slot_duration_minutes must be 15, 30, 45, 60, 90 or 120");
  ExpectDetail(with("slot_duration_minutes", "forty-five"), 400, "slot_duration_minutes");
  ExpectDetail(with("slot_duration_minutes", 45.5), 400, "slot_duration_minutes");
  ExpectDetail(with("slot_duration_minutes", 1e30), 400, "slot_duration_minutes");
  ExpectDetail(with("days_of_week", json::array({7})), 400, "between 0 (Monday) and 6 (Sunday)");
  ExpectDetail(with("days_of_week", json::array({-1})), 400, "between 0 (Monday) and 6 (Sunday)");
  ExpectDetail(with("days_of_week", json::array({99999999999LL})), 400, "between 0 (Monday) and 6");
  ExpectDetail(with("days_of_week", json::array({"mon"})), 400, "days_of_week");
  ExpectDetail(with("days_of_week", json::array({0.5})), 400, "days_of_week");
  ExpectDetail(with("days_of_week", 1), 400, "days_of_week");
  ExpectDetail(with("days_of_week", json::array()), 400, "at least one day");
  // Nothing fits: a 30-minute window cannot hold a 45-minute slot.
  json tiny = good;
  tiny["end_time"] = "14:30";
  ExpectDetail(Bulk(user, tiny), 400, "No time slots fit");
  // 91 days of 15-minute slots around the clock is far over the cap.
  ExpectDetail(Bulk(user, {{"start_date", "2030-01-01"}, {"end_date", "2030-04-01"}, {"start_time", "00:00"},
                           {"end_time", "23:45"}, {"slot_duration_minutes", 15}}),
               400, "at most 2000");
  // Only the one 90-day request above was created.
  EXPECT_EQ(List(user, "?limit=1").size(), 1u);
}

TEST_F(TimeSlotsTest, BulkIsAtomicAndListsItsConflicts) {
  auto user = User();
  auto existing = CreateOk(user, "2030-01-15T15:30:00", "2030-01-15T16:15:00", "Asia/Kolkata");
  auto other = CreateOk(user, "2030-01-16T10:45:00", "2030-01-16T11:15:00");  // 16:15-16:45 in Kolkata
  auto r = Bulk(user, {{"start_date", "2030-01-14"}, {"end_date", "2030-01-18"}, {"start_time", "14:00"},
                       {"end_time", "18:00"}, {"timezone", "Asia/Kolkata"}});
  ExpectDetail(r, 400, "2 overlaps with existing time slots");
  ExpectDetail(r, 400, existing["id"]);
  ExpectDetail(r, 400, other["id"]);
  ExpectDetail(r, 400, "2030-01-15T15:30:00+05:30 to 2030-01-15T16:15:00+05:30");
  // Nothing of the request was written.
  EXPECT_EQ(List(user).size(), 2u);

  // Without the conflicting days it succeeds; repeating it conflicts everywhere.
  json ok = {{"start_date", "2030-01-21"}, {"end_date", "2030-01-22"}, {"start_time", "14:00"},
             {"end_time", "18:00"}, {"timezone", "Asia/Kolkata"}};
  ASSERT_EQ(Bulk(user, ok).status, 200);
  auto again = Bulk(user, ok);
  ExpectDetail(again, 400, "10 overlaps with existing time slots");
  ExpectDetail(again, 400, "and 5 more");
  EXPECT_EQ(List(user).size(), 12u);
}

TEST_F(TimeSlotsTest, RecurringSeriesExpandInLocalTime) {
  auto user = User();
  // Weekly on Mondays at 09:00 New York time, across the DST change of 2030-03-10.
  auto r = Create(user, {{"start_time", "2030-01-07T09:00:00"}, {"end_time", "2030-01-07T10:00:00"},
                         {"timezone", "America/New_York"}, {"title", "Office hours"}, {"is_recurring", true},
                         {"recurring_pattern", "weekly"}, {"recurring_end_date", "2030-03-25"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto first = r.Json();
  EXPECT_EQ(first["occurrences_created"], 12);
  EXPECT_EQ(first["is_recurring"], true);
  EXPECT_EQ(first["recurring_pattern"], "weekly");
  EXPECT_EQ(first["recurring_end_date"], "2030-03-25");
  EXPECT_EQ(first["series_id"].get<std::string>().size(), 36u);
  EXPECT_EQ(first["start_time"], "2030-01-07T14:00:00Z");

  auto all = List(user);
  ASSERT_EQ(all.size(), 12u);
  for (const auto& s : all) {
    EXPECT_EQ(s["series_id"], first["series_id"]);
    EXPECT_EQ(s["title"], "Office hours");
    EXPECT_EQ(s["start_time_local"].get<std::string>().substr(10, 9), "T09:00:00") << s.dump();
    EXPECT_EQ(s["duration_minutes"], 60);
  }
  EXPECT_EQ(all[8]["start_time"], "2030-03-04T14:00:00Z");
  EXPECT_EQ(all[9]["start_time"], "2030-03-11T13:00:00Z");
  EXPECT_EQ(all[11]["start_time_local"], "2030-03-25T09:00:00-04:00");

  // Deleting one occurrence leaves the rest of the series.
  ASSERT_EQ(c_->Delete(kBase + all[1]["id"].get<std::string>(), BearerAuth(user)).status, 200);
  EXPECT_EQ(List(user).size(), 11u);

  // Daily and monthly; an end date given as a date-time counts by its date.
  auto daily = Create(user, {{"start_time", "2030-05-01T18:00:00"}, {"end_time", "2030-05-01T18:30:00"},
                             {"is_recurring", true}, {"recurring_pattern", "daily"},
                             {"recurring_end_date", "2030-05-05T00:00:00"}});
  ASSERT_EQ(daily.status, 200) << daily.body;
  EXPECT_EQ(daily.Json()["occurrences_created"], 5);
  auto monthly = Create(user, {{"start_time", "2030-01-31T08:00:00"}, {"end_time", "2030-01-31T08:15:00"},
                               {"is_recurring", true}, {"recurring_pattern", "monthly"},
                               {"recurring_end_date", "2030-06-30"}});
  ASSERT_EQ(monthly.status, 200) << monthly.body;
  EXPECT_EQ(monthly.Json()["occurrences_created"], 3);  // months without a 31st are skipped

  // The rules.
  json base = {{"start_time", "2031-01-06T09:00:00"}, {"end_time", "2031-01-06T09:30:00"}, {"is_recurring", true}};
  auto with = [&](json extra) {
    json b = base;
    b.update(extra);
    return Create(user, b);
  };
  ExpectDetail(with({{"recurring_end_date", "2031-02-01"}}), 400, "recurring_pattern is required");
  ExpectDetail(with({{"recurring_pattern", "weekly"}}), 400, "recurring_end_date is required");
  ExpectDetail(with({{"recurring_pattern", "yearly"}, {"recurring_end_date", "2031-02-01"}}), 400,
               "recurring_pattern");
  ExpectDetail(with({{"recurring_pattern", "weekly"}, {"recurring_end_date", "2031-01-05"}}), 400,
               "must not be before");
  ExpectDetail(with({{"recurring_pattern", "weekly"}, {"recurring_end_date", "2031-02-30"}}), 400,
               "recurring_end_date");
  ExpectDetail(with({{"recurring_pattern", "daily"}, {"recurring_end_date", "2033-01-01"}}), 400,
               "at most 366 occurrences");
  ExpectDetail(with({{"is_recurring", false}, {"recurring_pattern", "daily"}}), 400, "is_recurring");
  // A series that would overlap an existing slot creates nothing.
  CreateOk(user, "2031-01-20T09:15:00", "2031-01-20T09:30:00");
  auto before = List(user, "?limit=100").size();
  auto clash = with({{"recurring_pattern", "weekly"}, {"recurring_end_date", "2031-03-01"}});
  ExpectDetail(clash, 400, "1 overlaps with existing time slots");
  ExpectDetail(clash, 400, "2031-01-20T09:00:00+00:00 to 2031-01-20T09:30:00+00:00");
  EXPECT_EQ(List(user, "?limit=100").size(), before);
}

TEST_F(TimeSlotsTest, ListFiltersPaginatesAndValidates) {
  auto user = User();
  // 05:00 in Kolkata on the 15th is 23:30 UTC on the 14th: dates filter by local date.
  auto early = CreateOk(user, "2030-01-15T05:00:00", "2030-01-15T05:45:00", "Asia/Kolkata");
  auto noon = CreateOk(user, "2030-01-15T12:00:00", "2030-01-15T12:30:00");
  auto late = CreateOk(user, "2030-01-16T23:30:00", "2030-01-17T00:00:00", "America/Los_Angeles");  // 17th UTC
  auto next = CreateOk(user, "2030-01-20T09:00:00", "2030-01-20T09:15:00");
  ASSERT_EQ(Action(user, noon["id"], "block").status, 200);

  auto all = List(user);
  EXPECT_EQ(Field(all, "id"), (std::vector<std::string>{early["id"], noon["id"], late["id"], next["id"]}));
  auto r = c_->Get(std::string(kBase) + "?limit=2&offset=1", BearerAuth(user));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Field(r.Json(), "id"), (std::vector<std::string>{noon["id"], late["id"]}));
  EXPECT_EQ(r.Header("X-Total-Count"), "4");
  EXPECT_TRUE(List(user, "?offset=10").empty());
  EXPECT_TRUE(List(user, "?offset=9223372036854775807").empty());

  EXPECT_EQ(Field(List(user, "?start_date=2030-01-15&end_date=2030-01-15"), "id"),
            (std::vector<std::string>{early["id"], noon["id"]}));
  EXPECT_EQ(Field(List(user, "?start_date=2030-01-16&end_date=2030-01-16"), "id"),
            (std::vector<std::string>{late["id"]}));
  EXPECT_EQ(Field(List(user, "?start_date=2030-01-17"), "id"), (std::vector<std::string>{next["id"]}));
  EXPECT_EQ(Field(List(user, "?end_date=2030-01-14"), "id"), (std::vector<std::string>{}));
  EXPECT_EQ(Field(List(user, "?start_date=2030-01-15&status=available&limit=10"), "id"),
            (std::vector<std::string>{early["id"], late["id"], next["id"]}));
  EXPECT_EQ(Field(List(user, "?status=blocked"), "id"), (std::vector<std::string>{noon["id"]}));
  EXPECT_TRUE(List(User(), "?start_date=2030-01-15").empty());

  auto bad = [&](const std::string& query, const std::string& needle) {
    ExpectDetail(c_->Get(std::string(kBase) + query, BearerAuth(user)), 400, needle);
  };
  bad("?limit=0", "limit must be between 1 and 100");
  bad("?limit=101", "limit must be between 1 and 100");
  bad("?limit=99999999999999999999999", "limit must be between 1 and 100");
  bad("?limit=ten", "limit must be between 1 and 100");
  bad("?limit=", "limit must be between 1 and 100");
  bad("?offset=-1", "offset must be a non-negative integer");
  bad("?offset=1.5", "offset must be a non-negative integer");
  bad("?status=pending", "status must be one of: available, booked, blocked, cancelled");
  bad("?start_date=2030-02-30", "start_date");
  bad("?end_date=15-01-2030", "end_date");
  bad("?start_date=2030-01-16&end_date=2030-01-15", "end_date must not be before start_date");
}

TEST_F(TimeSlotsTest, SummaryCountsAndPointsAtTheNextAvailableSlot) {
  auto user = User();
  auto empty = c_->Get(std::string(kBase) + "summary", BearerAuth(user));
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.Json(), (json{{"total_slots", 0}, {"available_slots", 0}, {"booked_slots", 0},
                                {"blocked_slots", 0}, {"upcoming_slots", 0}, {"next_available_slot", nullptr},
                                {"recent_slots", json::array()}}));

  std::vector<json> slots;
  for (int day = 10; day <= 16; ++day) {
    slots.push_back(CreateOk(user, "2030-01-" + std::to_string(day) + "T09:00:00",
                             "2030-01-" + std::to_string(day) + "T09:30:00"));
  }
  ASSERT_EQ(Action(user, slots[0]["id"], "book").status, 200);
  ASSERT_EQ(Action(user, slots[1]["id"], "block").status, 200);
  ASSERT_EQ(c_->Put(kBase + slots[2]["id"].get<std::string>(), {{"status", "cancelled"}}, BearerAuth(user)).status,
            200);
  // One available slot in the past does not count as upcoming.
  ExecSql(server_->db_path(), "UPDATE slots SET start_at = start_at - 400000000, end_at = end_at - 400000000 "
                              "WHERE uuid = '" + slots[3]["id"].get<std::string>() + "'");
  auto r = c_->Get(std::string(kBase) + "summary", BearerAuth(user));
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = r.Json();
  EXPECT_EQ(s.size(), 7u);
  EXPECT_EQ(s["total_slots"], 7);
  EXPECT_EQ(s["available_slots"], 4);
  EXPECT_EQ(s["booked_slots"], 1);
  EXPECT_EQ(s["blocked_slots"], 1);
  EXPECT_EQ(s["upcoming_slots"], 3);
  EXPECT_EQ(s["next_available_slot"]["id"], slots[4]["id"]);
  EXPECT_EQ(s["next_available_slot"]["start_time_local"], "2030-01-14T09:00:00+00:00");
  // The five last created, newest first.
  EXPECT_EQ(Field(s["recent_slots"], "id"),
            (std::vector<std::string>{slots[6]["id"], slots[5]["id"], slots[4]["id"], slots[3]["id"],
                                      slots[2]["id"]}));
}

TEST_F(TimeSlotsTest, UpcomingListsAvailableFutureSlotsSoonestFirst) {
  auto user = User();
  auto r = Bulk(user, {{"start_date", "2030-01-14"}, {"end_date", "2030-01-20"}, {"start_time", "09:00"},
                       {"end_time", "18:00"}, {"slot_duration_minutes", 60}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto created = r.Json()["slots"];
  ASSERT_EQ(created.size(), 63u);
  ASSERT_EQ(Action(user, created[0]["id"], "block").status, 200);
  ASSERT_EQ(Action(user, created[2]["id"], "book").status, 200);

  auto get = [&](const std::string& query) {
    return c_->Get(std::string(kBase) + "available/upcoming" + query, BearerAuth(user));
  };
  auto d = get("");
  ASSERT_EQ(d.status, 200) << d.body;
  ASSERT_EQ(d.Json().size(), 10u);
  EXPECT_EQ(d.Json()[0]["id"], created[1]["id"]);
  EXPECT_EQ(d.Json()[1]["id"], created[3]["id"]);
  for (const auto& s : d.Json()) EXPECT_EQ(s["status"], "available");
  EXPECT_EQ(get("?limit=3").Json().size(), 3u);
  EXPECT_EQ(get("?limit=50").Json().size(), 50u);
  ExpectDetail(get("?limit=51"), 400, "limit must be between 1 and 50");
  ExpectDetail(get("?limit=0"), 400, "limit must be between 1 and 50");
  ExpectDetail(get("?limit=-5"), 400, "limit must be between 1 and 50");
  ExpectDetail(get("?limit=1e3"), 400, "limit must be between 1 and 50");
  EXPECT_TRUE(c_->Get(std::string(kBase) + "available/upcoming", BearerAuth(User())).Json().empty());
}

TEST_F(TimeSlotsTest, StatusTransitionsFollowTheTable) {
  auto user = User();
  auto slot = CreateOk(user, "2030-01-15T14:00:00", "2030-01-15T14:45:00");
  const std::string id = slot["id"];
  auto expect_status = [&](const HttpResponse& r, const std::string& status) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["status"], status);
  };
  ExpectDetail(Action(user, id, "unblock"), 400, "Cannot change time slot status from available to available");
  expect_status(Action(user, id, "block"), "blocked");
  ExpectDetail(Action(user, id, "block"), 400, "from blocked to blocked");
  ExpectDetail(Action(user, id, "book"), 400, "from blocked to booked");
  expect_status(Action(user, id, "unblock"), "available");
  expect_status(Action(user, id, "book"), "booked");
  ExpectDetail(Action(user, id, "book"), 400, "from booked to booked");
  ExpectDetail(Action(user, id, "block"), 400, "from booked to blocked");
  ExpectDetail(Action(user, id, "unblock"), 400, "from booked to available");
  ExpectDetail(c_->Put(kBase + id, {{"status", "available"}}, BearerAuth(user)), 400, "from booked to available");

  // PUT: title and description, the same status is no change, then cancel (final).
  auto put = c_->Put(kBase + id, {{"title", "Renamed"}, {"description", nullptr}, {"status", "booked"}},
                     BearerAuth(user));
  expect_status(put, "booked");
  EXPECT_EQ(put.Json()["title"], "Renamed");
  EXPECT_TRUE(put.Json()["description"].is_null());
  EXPECT_EQ(put.Json()["start_time"], slot["start_time"]);
  auto untouched = c_->Put(kBase + id, json::object(), BearerAuth(user));
  ASSERT_EQ(untouched.status, 200);
  EXPECT_EQ(untouched.Json()["title"], "Renamed");
  expect_status(c_->Put(kBase + id, {{"status", "cancelled"}}, BearerAuth(user)), "cancelled");
  ExpectDetail(Action(user, id, "book"), 400, "from cancelled to booked");
  ExpectDetail(c_->Put(kBase + id, {{"status", "available"}}, BearerAuth(user)), 400, "from cancelled to available");

  // PUT validates its body and never moves a slot.
  auto other = CreateOk(user, "2030-01-16T14:00:00", "2030-01-16T14:45:00");
  const std::string oid = other["id"];
  ExpectDetail(c_->Put(kBase + oid, {{"status", "pending"}}, BearerAuth(user)), 400, "status must be one of");
  ExpectDetail(c_->Put(kBase + oid, {{"start_time", "2030-01-16T15:00:00"}}, BearerAuth(user)), 400,
               "Only title, description and status can be updated");
  ExpectDetail(c_->Put(kBase + oid, {{"title", 7}}, BearerAuth(user)), 400, "title");
  EXPECT_EQ(c_->Put(kBase + oid, {{"owner", "me"}}, BearerAuth(user)).status, 200) << "unknown fields are ignored";
  ExpectDetail(c_->Request("PUT", kBase + oid, "{not json", {{"Authorization", "Bearer " + user.token}}), 400,
               "JSON");
  expect_status(c_->Put(kBase + oid, {{"status", "blocked"}}, BearerAuth(user)), "blocked");
  expect_status(c_->Put(kBase + oid, {{"status", "available"}}, BearerAuth(user)), "available");

  // A slot that has started cannot be booked.
  ExecSql(server_->db_path(), "UPDATE slots SET start_at = start_at - 400000000, end_at = end_at - 400000000 "
                              "WHERE uuid = '" + oid + "'");
  ExpectDetail(Action(user, oid, "book"), 400, "already started");
}

TEST_F(TimeSlotsTest, DeleteRemovesTheSlot) {
  auto user = User();
  auto slot = CreateOk(user, "2030-01-15T14:00:00", "2030-01-15T14:45:00");
  const std::string id = slot["id"];
  auto d = c_->Delete(kBase + id, BearerAuth(user));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.Json(), (json{{"success", true}, {"message", "Time slot deleted successfully"}}));
  ExpectDetail(c_->Get(kBase + id, BearerAuth(user)), 404, "Time slot not found");
  ExpectDetail(c_->Delete(kBase + id, BearerAuth(user)), 404, "Time slot not found");
  // Its time is free again.
  CreateOk(user, "2030-01-15T14:00:00", "2030-01-15T14:45:00");
}

TEST_F(TimeSlotsTest, OnlyTheOwnerSeesOrChangesASlot) {
  auto owner = User();
  auto intruder = User();
  auto slot = CreateOk(owner, "2030-01-15T14:00:00", "2030-01-15T14:45:00");
  const std::string id = slot["id"];
  const std::string path = kBase + id;
  ExpectDetail(c_->Get(path, BearerAuth(intruder)), 404, "Time slot not found");
  ExpectDetail(c_->Put(path, {{"title", "mine now"}}, BearerAuth(intruder)), 404, "Time slot not found");
  ExpectDetail(c_->Delete(path, BearerAuth(intruder)), 404, "Time slot not found");
  for (const char* action : {"book", "block", "unblock"}) {
    ExpectDetail(Action(intruder, id, action), 404, "Time slot not found");
  }
  EXPECT_TRUE(List(intruder).empty());
  EXPECT_EQ(c_->Get(std::string(kBase) + "summary", BearerAuth(intruder)).Json()["total_slots"], 0);
  // Nothing changed.
  auto mine = c_->Get(path, BearerAuth(owner));
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.Json(), slot);

  // Upper-case UUIDs name the same slot; malformed ids are simply not found.
  std::string upper = id;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(c_->Get(kBase + upper, BearerAuth(owner)).status, 200);
  ExpectDetail(c_->Get(std::string(kBase) + "not-a-uuid", BearerAuth(owner)), 404, "Time slot not found");
  ExpectDetail(c_->Get(std::string(kBase) + "1%27%20OR%20%271%27=%271", BearerAuth(owner)), 404,
               "Time slot not found");
  ExpectDetail(Action(owner, "00000000-0000-4000-8000-000000000000", "book"), 404, "Time slot not found");

  // Every route wants a Bearer token: 401 {"detail": "Not authenticated"}.
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", kBase},          {"POST", std::string(kBase) + "bulk"},
      {"GET", kBase},           {"GET", std::string(kBase) + "summary"},
      {"GET", path},            {"PUT", path},
      {"DELETE", path},         {"GET", std::string(kBase) + "available/upcoming"},
      {"POST", path + "/book"}, {"POST", path + "/block"},
      {"POST", path + "/unblock"}};
  for (const auto& [method, target] : routes) {
    auto r = c_->Request(method, target, "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 401) << method << " " << target;
    EXPECT_EQ(r.Json(), (json{{"detail", "Not authenticated"}})) << method << " " << target;
    auto bad = c_->Request(method, target, "{}", {{"Authorization", "Bearer not-a-token"}});
    EXPECT_EQ(bad.status, 401) << method << " " << target;
  }
  ExpectDetail(c_->Get(std::string(kBase) + "nothing/here/at/all", BearerAuth(owner)), 404, "Not found");
  ExpectDetail(c_->Get("/users/time-slots", BearerAuth(owner)), 404, "Not found");
}

TEST_F(TimeSlotsTest, OtherFacesBookingsHoldASlotsTime) {
  auto user = User();
  auto held = CreateOk(user, "2030-01-15T14:00:00", "2030-01-15T14:45:00");
  auto free = CreateOk(user, "2030-01-15T15:00:00", "2030-01-15T15:45:00");
  const std::string cal = CalendarOf(user);
  ASSERT_FALSE(cal.empty());
  // A meeting through another face, 14:30-15:00 UTC on the owner's personal calendar.
  const std::string booking = "meeting-" + user.uuid;
  ExecSql(server_->db_path(), "INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, status, created_at, "
                              "updated_at) VALUES ('" + booking + "', " + cal + ", 'meeting', 1894717800, 1894719600, "
                              "'active', 0, 0)");
  // It reads booked (its stored status stays available) and cannot be booked here.
  auto g = c_->Get(kBase + held["id"].get<std::string>(), BearerAuth(user));
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.Json()["status"], "booked");
  ExpectDetail(Action(user, held["id"], "book"), 400, "a booking already holds this time");
  auto upcoming = c_->Get(std::string(kBase) + "available/upcoming", BearerAuth(user)).Json();
  EXPECT_EQ(Field(upcoming, "id"), (std::vector<std::string>{free["id"]}));
  auto summary = c_->Get(std::string(kBase) + "summary", BearerAuth(user)).Json();
  EXPECT_EQ(summary["next_available_slot"]["id"], free["id"]);
  EXPECT_EQ(summary["available_slots"], 1);
  EXPECT_EQ(summary["booked_slots"], 1);
  EXPECT_EQ(Field(List(user, "?status=booked"), "id"), (std::vector<std::string>{held["id"]}));
  EXPECT_EQ(Field(List(user, "?status=available"), "id"), (std::vector<std::string>{free["id"]}));

  // Once that booking is cancelled the slot is available again.
  ExecSql(server_->db_path(), "UPDATE bookings SET status = 'cancelled' WHERE uuid = '" + booking + "'");
  auto again = Action(user, held["id"], "book");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["status"], "booked");
}

TEST_F(TimeSlotsTest, ABookedOrBlockedSlotIsBusyInOtherFaces) {
  // A coach with no availability of their own is offered 09:00-17:00 Monday-Friday by
  // face 001; a slot booked or blocked here takes its hour out of that offer.
  auto coach = SignUpAndLogin(*c_, Unique("slotcoach"), {{"role", "coach"}});
  auto booked = CreateOk(coach, "2030-01-07T10:00:00", "2030-01-07T11:00:00");  // a Monday
  auto blocked = CreateOk(coach, "2030-01-07T13:00:00", "2030-01-07T14:00:00");
  ASSERT_EQ(Action(coach, booked["id"], "book").status, 200);
  ASSERT_EQ(Action(coach, blocked["id"], "block").status, 200);
  auto r = c_->Get("/booking/coach/" + coach.uuid +
                   "/availability?start_date=2030-01-07T00:00:00Z&end_date=2030-01-08T00:00:00Z&step_minutes=60");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> starts;
  auto offered = r.Json();
  for (const auto& s : offered["available_slots"]) starts.push_back(s["start"]);
  EXPECT_EQ(starts, (std::vector<std::string>{"2030-01-07T09:00:00Z", "2030-01-07T11:00:00Z", "2030-01-07T12:00:00Z",
                                              "2030-01-07T14:00:00Z", "2030-01-07T15:00:00Z",
                                              "2030-01-07T16:00:00Z"}));
}

TEST_F(TimeSlotsTest, BookingASlotConsultsBlockedHoursAndHoldsItsTimeEverywhere) {
  auto user = User();
  auto slot = CreateOk(user, "2030-01-09T10:00:00", "2030-01-09T11:00:00");
  // Face 002 blocks 10:00 that day on the same calendar: the slot cannot be booked.
  auto block = c_->Post("/api/user/block_slots/", {{"date", "2030-01-09"}, {"blocked_slots", {10}}}, TokenAuth(user));
  ASSERT_EQ(block.status, 200) << block.body;
  ExpectDetail(Action(user, slot["id"], "book"), 400, "Time slot is not available: its time is blocked");
  // Another slot that day books; the booking is a real one, so face 002 now refuses to
  // block its hour (blocking never overlaps a booking), and the row is on the slot.
  auto free = CreateOk(user, "2030-01-09T12:00:00", "2030-01-09T13:00:00");
  auto booked = Action(user, free["id"], "book");
  ASSERT_EQ(booked.status, 200) << booked.body;
  auto clash = c_->Post("/api/user/block_slots/", {{"date", "2030-01-09"}, {"blocked_slots", {12}}}, TokenAuth(user));
  EXPECT_EQ(clash.status, 400) << clash.body;
  EXPECT_NE(clash.body.find("There is already an event booked at time slot : 12"), std::string::npos) << clash.body;
  const std::string held = "SELECT b.status FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE s.uuid = '" +
                           free["id"].get<std::string>() + "'";
  EXPECT_EQ(QuerySql(server_->db_path(), held), "confirmed");
  // Cancelling the slot gives the time back: now the hour can be blocked.
  ASSERT_EQ(c_->Put(kBase + free["id"].get<std::string>(), {{"status", "cancelled"}}, BearerAuth(user)).status, 200);
  EXPECT_EQ(QuerySql(server_->db_path(), held), "cancelled");
  auto later = c_->Post("/api/user/block_slots/", {{"date", "2030-01-09"}, {"blocked_slots", {12}}}, TokenAuth(user));
  EXPECT_EQ(later.status, 200) << later.body;
}

TEST_F(TimeSlotsTest, RoutesAreInTheOpenApiDocument) {
  auto doc = c_->Get("/openapi.json").Json();
  const auto& paths = doc["paths"];
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"/users/time-slots/", "post"},
      {"/users/time-slots/", "get"},
      {"/users/time-slots/bulk", "post"},
      {"/users/time-slots/summary", "get"},
      {"/users/time-slots/available/upcoming", "get"},
      {"/users/time-slots/{slot_id}", "get"},
      {"/users/time-slots/{slot_id}", "put"},
      {"/users/time-slots/{slot_id}", "delete"},
      {"/users/time-slots/{slot_id}/book", "post"},
      {"/users/time-slots/{slot_id}/block", "post"},
      {"/users/time-slots/{slot_id}/unblock", "post"}};
  for (const auto& [path, method] : expected) {
    ASSERT_TRUE(paths.contains(path) && paths[path].contains(method)) << method << " " << path;
    const auto& op = paths[path][method];
    EXPECT_FALSE(op["summary"].get<std::string>().empty()) << path;
    EXPECT_FALSE(op["security"].empty()) << path;
  }
  std::set<std::string> names;
  for (const auto& p : paths["/users/time-slots/"]["get"]["parameters"]) names.insert(p["name"]);
  for (const char* n : {"start_date", "end_date", "status", "limit", "offset"}) EXPECT_TRUE(names.count(n)) << n;
}

}  // namespace
}  // namespace kairos::testing
