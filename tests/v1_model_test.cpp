// Kairos's own API, v1: /v1/me, /v1/schedules and /v1/event-types over a real server
// (docs/api.md). Every response these tests receive under /v1/ is checked against the
// schema /openapi.json declares for its operation and status.
#include <gtest/gtest.h>

#include <set>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/json_schema.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

class V1ModelTest : public SharedServerTest<V1ModelTest> {
 protected:
  HttpClient c_{server_->port()};

  static void SetUpTestSuite() {
    SharedServerTest::SetUpTestSuite();
    HttpClient c(server_->port());
    openapi_ = new json(c.Get("/openapi.json").Json());
  }
  static void TearDownTestSuite() {
    delete openapi_;
    openapi_ = nullptr;
    SharedServerTest::TearDownTestSuite();
  }

  // Sends a request and checks the answer against /openapi.json: the operation declares
  // the status, the body fits its schema, problems are application/problem+json.
  HttpResponse Call(const std::string& method, const std::string& target, const json& body = nullptr,
                    Headers headers = {}) {
    std::string text;
    if (!body.is_null()) {
      text = body.is_string() ? body.get<std::string>() : body.dump();
      headers.push_back({"Content-Type", "application/json"});
    }
    HttpResponse r = c_.Request(method, target, text, headers);
    ++checked_;
    if (r.status >= 400) {
      EXPECT_EQ(r.Header("content-type"), "application/problem+json") << method << " " << target;
    }
    std::string error;
    json schema = ResponseSchema(*openapi_, method, target, r.status, error);
    if (schema.is_null()) {
      // Router-level answers (405, 404 on a path no route has) are problems too.
      if (r.status == 405 || (r.status == 404 && error.rfind("no operation", 0) == 0)) {
        schema = {{"$ref", "#/components/schemas/Problem"}};
      } else {
        ADD_FAILURE() << error << ": " << r.body;
        return r;
      }
    }
    if (schema.contains("x-no-body")) {
      EXPECT_TRUE(r.body.empty()) << method << " " << target << " answered a body for " << r.status;
      return r;
    }
    json parsed = json::parse(r.body, nullptr, false);
    if (parsed.is_discarded()) {
      ADD_FAILURE() << method << " " << target << ": not JSON: " << r.body;
      return r;
    }
    for (const auto& e : SchemaErrors(schema, parsed, *openapi_)) {
      ADD_FAILURE() << method << " " << target << " " << r.status << " breaks its schema at " << e << "\n" << r.body;
    }
    return r;
  }

  // A 400 problem naming `field`.
  void ExpectField(const HttpResponse& r, const std::string& field, const std::string& what) {
    EXPECT_EQ(r.status, 400) << what << ": " << r.body;
    auto body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << what;
    EXPECT_EQ(body.value("status", 0), 400) << what;
    ASSERT_TRUE(body.contains("errors")) << what << ": " << r.body;
    EXPECT_EQ(body["errors"][0]["field"], field) << what << ": " << r.body;
  }

  static json Weekly(const char* day, const char* start, const char* end) {
    return {{"day", day}, {"start", start}, {"end", end}};
  }

  json GoodSchedule() {
    return {{"name", "Office hours"},
            {"time_zone", "Europe/Berlin"},
            {"weekly", json::array({Weekly("monday", "09:00", "12:00"), Weekly("monday", "13:00", "17:00"),
                                    Weekly("friday", "20:00", "24:00")})},
            {"overrides", json::array({{{"date", "2027-03-02"}, {"intervals", json::array()}},
                                       {{"date", "2027-03-01"},
                                        {"intervals", json::array({{{"start", "10:00"}, {"end", "11:00"}}})}}})}};
  }

  std::string NewSchedule(const TestAccount& a, json body = nullptr) {
    auto r = Call("POST", "/v1/schedules", body.is_null() ? GoodSchedule() : body, BearerAuth(a));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }

  std::string NewEventType(const TestAccount& a, json body) {
    auto r = Call("POST", "/v1/event-types", body, BearerAuth(a));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }

  static inline json* openapi_ = nullptr;
  static inline int checked_ = 0;
};

TEST_F(V1ModelTest, MeIsTheAccountOfTheToken) {
  auto a = SignUpAndLogin(c_, Unique("v1me"), {{"first_name", "Ada"}, {"last_name", "Lovelace"}});
  auto r = Call("GET", "/v1/me", nullptr, BearerAuth(a));
  ASSERT_EQ(r.status, 200) << r.body;
  auto me = r.Json();
  EXPECT_EQ(me["id"], a.uuid);
  EXPECT_EQ(me["username"], a.username);
  EXPECT_EQ(me["email"], a.email);
  EXPECT_EQ(me["name"], "Ada Lovelace");
  EXPECT_EQ(me["time_zone"], "UTC");
  EXPECT_EQ(Call("GET", "/v1/me", nullptr, SessionAuth(a)).status, 200) << "a session works too";

  auto anonymous = Call("GET", "/v1/me");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Json()["title"], "Unauthorized");
  EXPECT_EQ(Call("GET", "/v1/me", nullptr, {{"Authorization", "Bearer " + std::string(43, 'x')}}).status, 401);
}

TEST_F(V1ModelTest, RouterAnswersUnderV1AreProblems) {
  auto missing = Call("GET", "/v1/no-such-thing");
  EXPECT_EQ(missing.status, 404);
  // GET /v1/schedules/{id} takes "{uuid}" and "{uuid}.ics", so the handler (after
  // authentication) answers a segment that is neither.
  auto not_uuid = Call("GET", "/v1/schedules/not-a-uuid", nullptr, BearerAuth(SignUpAndLogin(c_, Unique("v1router"))));
  EXPECT_EQ(not_uuid.status, 404);
  EXPECT_EQ(not_uuid.Header("content-type"), "application/problem+json");
  auto not_uuid_event_type = Call("GET", "/v1/event-types/not-a-uuid");
  EXPECT_EQ(not_uuid_event_type.status, 404);
  auto wrong_method = Call("PUT", "/v1/me", json::object());
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_NE(wrong_method.Header("allow").find("GET"), std::string::npos);
}

TEST_F(V1ModelTest, SchedulesCreateReadUpdateDelete) {
  auto a = SignUpAndLogin(c_, Unique("v1sched"));
  auto created = Call("POST", "/v1/schedules", GoodSchedule(), BearerAuth(a));
  ASSERT_EQ(created.status, 201) << created.body;
  json s = created.Json();
  EXPECT_EQ(s["name"], "Office hours");
  EXPECT_EQ(s["time_zone"], "Europe/Berlin");
  EXPECT_EQ(s["weekly"].size(), 3u);
  EXPECT_EQ(s["weekly"][2], Weekly("friday", "20:00", "24:00"));
  ASSERT_EQ(s["overrides"].size(), 2u);
  EXPECT_EQ(s["overrides"][0]["date"], "2027-03-01") << "overrides answer in date order";
  EXPECT_EQ(s["overrides"][1]["intervals"], json::array()) << "no intervals: the date is closed";
  EXPECT_EQ(s["created_at"], s["updated_at"]);
  const std::string id = s["id"];

  auto got = Call("GET", "/v1/schedules/" + id, nullptr, BearerAuth(a));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Json(), s);

  // PATCH replaces the given fields whole and keeps the others.
  auto renamed = Call("PATCH", "/v1/schedules/" + id, {{"name", "Mornings"}}, BearerAuth(a));
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.Json()["name"], "Mornings");
  EXPECT_EQ(renamed.Json()["weekly"], s["weekly"]);
  auto replaced = Call("PATCH", "/v1/schedules/" + id,
                       {{"weekly", json::array({Weekly("tuesday", "08:00", "10:00")})}, {"overrides", json::array()},
                        {"time_zone", "America/New_York"}},
                       BearerAuth(a));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.Json()["weekly"], json::array({Weekly("tuesday", "08:00", "10:00")}));
  EXPECT_EQ(replaced.Json()["overrides"], json::array());
  EXPECT_EQ(replaced.Json()["time_zone"], "America/New_York");
  EXPECT_EQ(replaced.Json()["name"], "Mornings");

  // The zone defaults to the account's.
  auto defaulted = Call("POST", "/v1/schedules", {{"name", "Plain"}}, BearerAuth(a));
  ASSERT_EQ(defaulted.status, 201) << defaulted.body;
  EXPECT_EQ(defaulted.Json()["time_zone"], "UTC");
  EXPECT_EQ(defaulted.Json()["weekly"], json::array());

  EXPECT_EQ(Call("DELETE", "/v1/schedules/" + id, nullptr, BearerAuth(a)).status, 204);
  EXPECT_EQ(Call("GET", "/v1/schedules/" + id, nullptr, BearerAuth(a)).status, 404);
  EXPECT_EQ(Call("DELETE", "/v1/schedules/" + id, nullptr, BearerAuth(a)).status, 404);
  // Upper-case ids are the same ids.
  std::string upper = defaulted.Json()["id"];
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(Call("GET", "/v1/schedules/" + upper, nullptr, BearerAuth(a)).status, 200);
}

TEST_F(V1ModelTest, SchedulesAreTheOwnersOnly) {
  auto owner = SignUpAndLogin(c_, Unique("v1owner"));
  auto other = SignUpAndLogin(c_, Unique("v1other"));
  const std::string id = NewSchedule(owner);
  const std::string path = "/v1/schedules/" + id;
  EXPECT_EQ(Call("GET", path, nullptr, BearerAuth(other)).status, 404);
  EXPECT_EQ(Call("PATCH", path, {{"name", "Mine now"}}, BearerAuth(other)).status, 404);
  EXPECT_EQ(Call("DELETE", path, nullptr, BearerAuth(other)).status, 404);
  EXPECT_EQ(Call("GET", path).status, 401);
  EXPECT_EQ(Call("PATCH", path, {{"name", "x"}}).status, 401);
  EXPECT_EQ(Call("DELETE", path).status, 401);
  EXPECT_EQ(Call("POST", "/v1/schedules", GoodSchedule()).status, 401);
  EXPECT_EQ(Call("GET", "/v1/schedules").status, 401);
  auto theirs = Call("GET", "/v1/schedules", nullptr, BearerAuth(other));
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(theirs.Json()["data"].empty());
  auto mine = Call("GET", path, nullptr, BearerAuth(owner));
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(mine.Json()["name"], "Office hours") << "nothing changed";
}

TEST_F(V1ModelTest, ScheduleValidationNamesTheField) {
  auto a = SignUpAndLogin(c_, Unique("v1valid"));
  auto with = [this](json patch) {
    json b = GoodSchedule();
    b.merge_patch(patch);
    return b;
  };
  auto weekly = [&](json list) { return with({{"weekly", list}}); };
  json many_weekly = json::array();
  for (int i = 0; i < 101; ++i) many_weekly.push_back(Weekly("monday", "00:00", "00:01"));
  json many_overrides = json::array();
  for (int i = 0; i < 1001; ++i) {
    many_overrides.push_back({{"date", "2027-01-01"}, {"intervals", json::array()}});
  }
  json many_intervals = json::array();
  for (int i = 0; i < 25; ++i) {
    char start[6], end[6];
    std::snprintf(start, sizeof start, "%02d:00", i % 24);
    std::snprintf(end, sizeof end, "%02d:30", i % 24);
    many_intervals.push_back({{"start", start}, {"end", end}});
  }
  const std::vector<std::tuple<std::string, json, std::string>> cases = {
      {"no name", json{{"time_zone", "UTC"}}, "name"},
      {"blank name", with({{"name", "   "}}), "name"},
      {"long name", with({{"name", std::string(151, 'n')}}), "name"},
      {"name not a string", with({{"name", 5}}), "name"},
      {"unknown zone", with({{"time_zone", "Mars/Olympus_Mons"}}), "time_zone"},
      {"weekly not a list", with({{"weekly", "monday"}}), "weekly"},
      {"bad day", weekly(json::array({Weekly("funday", "09:00", "10:00")})), "weekly[0].day"},
      {"bad start", weekly(json::array({Weekly("monday", "9:00", "10:00")})), "weekly[0].start"},
      {"seconds", weekly(json::array({Weekly("monday", "09:00:00", "10:00")})), "weekly[0].start"},
      {"start at 24:00", weekly(json::array({Weekly("monday", "24:00", "24:00")})), "weekly[0].start"},
      {"end before start", weekly(json::array({Weekly("monday", "10:00", "09:00")})), "weekly[0].end"},
      {"empty interval", weekly(json::array({Weekly("monday", "10:00", "10:00")})), "weekly[0].end"},
      {"overlap", weekly(json::array({Weekly("monday", "09:00", "12:00"), Weekly("tuesday", "09:00", "10:00"),
                                      Weekly("monday", "11:00", "13:00")})),
       "weekly[2].start"},
      {"unknown nested field", weekly(json::array({{{"day", "monday"}, {"start", "09:00"}, {"end", "10:00"},
                                                    {"colour", "red"}}})),
       "weekly[0].colour"},
      {"missing end", weekly(json::array({{{"day", "monday"}, {"start", "09:00"}}})), "weekly[0].end"},
      {"too many weekly", weekly(many_weekly), "weekly"},
      {"bad override date", with({{"overrides", json::array({{{"date", "2027-02-30"}}})}}), "overrides[0].date"},
      {"duplicate override date",
       with({{"overrides", json::array({{{"date", "2027-03-01"}}, {{"date", "2027-03-02"}}, {{"date", "2027-03-01"}}})}}),
       "overrides[2].date"},
      {"override overlap",
       with({{"overrides", json::array({{{"date", "2027-03-01"},
                                         {"intervals", json::array({{{"start", "09:00"}, {"end", "11:00"}},
                                                                    {{"start", "10:00"}, {"end", "12:00"}}})}}})}}),
       "overrides[0].intervals[1].start"},
      {"override end", with({{"overrides", json::array({{{"date", "2027-03-01"},
                                                          {"intervals", json::array({{{"start", "09:00"},
                                                                                      {"end", "25:00"}}})}}})}}),
       "overrides[0].intervals[0].end"},
      {"too many override intervals",
       with({{"overrides", json::array({{{"date", "2027-03-01"}, {"intervals", many_intervals}}})}}),
       "overrides[0].intervals"},
      {"too many overrides", with({{"overrides", many_overrides}}), "overrides"},
      {"unknown field", with({{"colour", "red"}}), "colour"},
  };
  for (const auto& [what, body, field] : cases) {
    ExpectField(Call("POST", "/v1/schedules", body, BearerAuth(a)), field, what);
  }
  // 24:00 is a fine end.
  EXPECT_EQ(Call("POST", "/v1/schedules", weekly(json::array({Weekly("sunday", "23:00", "24:00")})), BearerAuth(a)).status,
            201);
  // Touching intervals do not overlap.
  EXPECT_EQ(Call("POST", "/v1/schedules",
                 weekly(json::array({Weekly("monday", "09:00", "10:00"), Weekly("monday", "10:00", "11:00")})),
                 BearerAuth(a))
                .status,
            201);
  // The same rules on update, and bodies that are no JSON object at all.
  const std::string id = NewSchedule(a);
  ExpectField(Call("PATCH", "/v1/schedules/" + id, {{"weekly", json::array({Weekly("monday", "10:00", "09:00")})}},
                   BearerAuth(a)),
              "weekly[0].end", "update");
  ExpectField(Call("PATCH", "/v1/schedules/" + id, {{"name", ""}}, BearerAuth(a)), "name", "blank on update");
  for (const char* bad : {"{", "[]", "\"text\"", "{\"name\": \"x\",}"}) {
    auto r = Call("POST", "/v1/schedules", json(bad), BearerAuth(a));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  auto empty = c_.Request("POST", "/v1/schedules", "", BearerAuth(a));
  EXPECT_EQ(empty.status, 400);
}

TEST_F(V1ModelTest, ListsArePagedWithCursors) {
  auto a = SignUpAndLogin(c_, Unique("v1pages"));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(NewSchedule(a, {{"name", "S" + std::to_string(i)}}));
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    std::string target = "/v1/schedules?limit=2" + (cursor.empty() ? "" : "&cursor=" + UrlEncode(cursor));
    auto r = Call("GET", target, nullptr, BearerAuth(a));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = r.Json();
    EXPECT_LE(body["data"].size(), 2u);
    for (const auto& s : body["data"]) seen.push_back(s["id"]);
    ++pages;
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, ids) << "every schedule once, oldest first";
  auto all = Call("GET", "/v1/schedules", nullptr, BearerAuth(a));
  EXPECT_EQ(all.Json()["data"].size(), 5u);
  EXPECT_TRUE(all.Json()["next_cursor"].is_null());
  auto exact = Call("GET", "/v1/schedules?limit=5", nullptr, BearerAuth(a));
  EXPECT_TRUE(exact.Json()["next_cursor"].is_null()) << "no empty last page";

  for (const char* bad : {"limit=0", "limit=201", "limit=abc", "limit=-3", "limit=2.5"}) {
    ExpectField(Call("GET", std::string("/v1/schedules?") + bad, nullptr, BearerAuth(a)), "limit", bad);
    ExpectField(Call("GET", std::string("/v1/event-types?") + bad, nullptr, BearerAuth(a)), "limit", bad);
  }
  for (const char* bad : {"cursor=garbage!", "cursor=", "cursor=WzFd"}) {
    ExpectField(Call("GET", std::string("/v1/schedules?") + bad, nullptr, BearerAuth(a)), "cursor", bad);
  }
  EXPECT_EQ(Call("GET", "/v1/schedules?limit=200", nullptr, BearerAuth(a)).status, 200);
}

json Meeting30() { return {{"slug", "intro-call"}, {"title", "Intro call"}, {"duration_minutes", 30}}; }

TEST_F(V1ModelTest, EventTypesCreateWithDefaultsUpdateAndDelete) {
  auto a = SignUpAndLogin(c_, Unique("v1evt"));
  auto created = Call("POST", "/v1/event-types", Meeting30(), BearerAuth(a));
  ASSERT_EQ(created.status, 201) << created.body;
  json e = created.Json();
  EXPECT_EQ(e["slug"], "intro-call");
  EXPECT_EQ(e["description"], "");
  EXPECT_EQ(e["slot_interval_minutes"], 30) << "defaults to the duration";
  EXPECT_EQ(e["hold_minutes"], 10);
  EXPECT_EQ(e["seats_per_slot"], 1);
  EXPECT_EQ(e["public"], false);
  EXPECT_EQ(e["requires_confirmation"], false);
  EXPECT_TRUE(e["schedule_id"].is_null());
  EXPECT_EQ(e["booking_window"], (json{{"type", "unlimited"}, {"days", nullptr}, {"start_date", nullptr},
                                       {"end_date", nullptr}}));
  EXPECT_EQ(e["limits"], (json{{"per_day", nullptr}, {"per_week", nullptr}}));
  EXPECT_EQ(e["questions"], json::array());
  const std::string id = e["id"];

  const std::string schedule = NewSchedule(a);
  json full = {{"slug", "deep-dive"},
               {"title", "Deep dive"},
               {"description", "An hour on your question."},
               {"duration_minutes", 60},
               {"schedule_id", schedule},
               {"slot_interval_minutes", 15},
               {"buffer_before_minutes", 5},
               {"buffer_after_minutes", 10},
               {"minimum_notice_minutes", 120},
               {"booking_window", {{"type", "rolling"}, {"days", 30}}},
               {"limits", {{"per_day", 3}, {"per_week", 10}}},
               {"seats_per_slot", 4},
               {"requires_confirmation", true},
               {"public", true},
               {"hold_minutes", 5},
               {"questions", json::array({{{"name", "topic"}, {"label", "Topic"}, {"type", "select"},
                                           {"required", true}, {"options", json::array({"a", "b"})}},
                                          {{"name", "phone_number"}, {"label", "Phone"}, {"type", "phone"}}})}};
  auto deep = Call("POST", "/v1/event-types", full, BearerAuth(a));
  ASSERT_EQ(deep.status, 201) << deep.body;
  json d = deep.Json();
  EXPECT_EQ(d["schedule_id"], schedule);
  EXPECT_EQ(d["slot_interval_minutes"], 15);
  EXPECT_EQ(d["booking_window"]["days"], 30);
  EXPECT_EQ(d["limits"]["per_week"], 10);
  EXPECT_EQ(d["questions"][0]["options"], json::array({"a", "b"}));
  EXPECT_EQ(d["questions"][1]["required"], false);
  EXPECT_EQ(d["questions"][1]["options"], json::array());

  auto patched = Call("PATCH", "/v1/event-types/" + id,
                      {{"title", "Intro"}, {"booking_window", {{"type", "range"}, {"start_date", "2027-03-01"},
                                                               {"end_date", "2027-03-31"}}},
                       {"slot_interval_minutes", 10}},
                      BearerAuth(a));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["title"], "Intro");
  EXPECT_EQ(patched.Json()["slug"], "intro-call");
  EXPECT_EQ(patched.Json()["booking_window"]["end_date"], "2027-03-31");
  EXPECT_EQ(patched.Json()["slot_interval_minutes"], 10);
  auto reset = Call("PATCH", "/v1/event-types/" + id, {{"slot_interval_minutes", nullptr}}, BearerAuth(a));
  EXPECT_EQ(reset.Json()["slot_interval_minutes"], 30) << "null: back to the duration";

  auto listed = Call("GET", "/v1/event-types", nullptr, BearerAuth(a));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.Json()["data"].size(), 2u);

  // Deleting the schedule leaves the event type without one.
  EXPECT_EQ(Call("DELETE", "/v1/schedules/" + schedule, nullptr, BearerAuth(a)).status, 204);
  EXPECT_TRUE(Call("GET", "/v1/event-types/" + d["id"].get<std::string>(), nullptr, BearerAuth(a))
                  .Json()["schedule_id"]
                  .is_null());

  EXPECT_EQ(Call("DELETE", "/v1/event-types/" + id, nullptr, BearerAuth(a)).status, 204);
  EXPECT_EQ(Call("GET", "/v1/event-types/" + id, nullptr, BearerAuth(a)).status, 404);
  // The slug is free again.
  EXPECT_EQ(Call("POST", "/v1/event-types", Meeting30(), BearerAuth(a)).status, 201);
}

TEST_F(V1ModelTest, EventTypeValidationNamesTheField) {
  auto a = SignUpAndLogin(c_, Unique("v1evalid"));
  auto other = SignUpAndLogin(c_, Unique("v1evother"));
  const std::string foreign_schedule = NewSchedule(other);
  auto with = [](json patch) {
    json b = Meeting30();
    b.update(patch);
    return b;
  };
  auto question = [&with](json q) { return with({{"questions", json::array({q})}}); };
  const std::vector<std::tuple<std::string, json, std::string>> cases = {
      {"no slug", json{{"title", "t"}, {"duration_minutes", 30}}, "slug"},
      {"no title", json{{"slug", "s"}, {"duration_minutes", 30}}, "title"},
      {"no duration", json{{"slug", "s"}, {"title", "t"}}, "duration_minutes"},
      {"upper-case slug", with({{"slug", "Intro"}}), "slug"},
      {"slug with space", with({{"slug", "intro call"}}), "slug"},
      {"empty slug", with({{"slug", ""}}), "slug"},
      {"long slug", with({{"slug", std::string(101, 'a')}}), "slug"},
      {"blank title", with({{"title", " "}}), "title"},
      {"zero duration", with({{"duration_minutes", 0}}), "duration_minutes"},
      {"long duration", with({{"duration_minutes", 1441}}), "duration_minutes"},
      {"duration as text", with({{"duration_minutes", "30"}}), "duration_minutes"},
      {"huge duration", with({{"duration_minutes", 99999999999999LL}}), "duration_minutes"},
      {"interval", with({{"slot_interval_minutes", 0}}), "slot_interval_minutes"},
      {"buffer", with({{"buffer_before_minutes", -1}}), "buffer_before_minutes"},
      {"notice", with({{"minimum_notice_minutes", -5}}), "minimum_notice_minutes"},
      {"rolling without days", with({{"booking_window", {{"type", "rolling"}}}}), "booking_window.days"},
      {"rolling zero days", with({{"booking_window", {{"type", "rolling"}, {"days", 0}}}}), "booking_window.days"},
      {"range backwards", with({{"booking_window", {{"type", "range"}, {"start_date", "2027-03-02"},
                                                    {"end_date", "2027-03-01"}}}}),
       "booking_window.end_date"},
      {"range without start", with({{"booking_window", {{"type", "range"}, {"end_date", "2027-03-01"}}}}),
       "booking_window.start_date"},
      {"bad window type", with({{"booking_window", {{"type", "forever"}}}}), "booking_window.type"},
      {"unknown window field", with({{"booking_window", {{"type", "unlimited"}, {"weeks", 2}}}}), "booking_window.weeks"},
      {"per_day zero", with({{"limits", {{"per_day", 0}}}}), "limits.per_day"},
      {"seats", with({{"seats_per_slot", 0}}), "seats_per_slot"},
      {"hold too long", with({{"hold_minutes", 31}}), "hold_minutes"},
      {"hold zero", with({{"hold_minutes", 0}}), "hold_minutes"},
      {"public as text", with({{"public", "yes"}}), "public"},
      {"schedule of another account", with({{"schedule_id", foreign_schedule}}), "schedule_id"},
      {"schedule not a uuid", with({{"schedule_id", "nope"}}), "schedule_id"},
      {"select without options", question({{"name", "topic"}, {"label", "Topic"}, {"type", "select"}}),
       "questions[0].options"},
      {"bad question name", question({{"name", "Topic-1"}, {"label", "Topic"}, {"type", "text"}}), "questions[0].name"},
      {"bad question type", question({{"name", "topic"}, {"label", "Topic"}, {"type", "date"}}), "questions[0].type"},
      {"blank label", question({{"name", "topic"}, {"label", ""}, {"type", "text"}}), "questions[0].label"},
      {"options on text", question({{"name", "topic"}, {"label", "T"}, {"type", "text"}, {"options", json::array({"a"})}}),
       "questions[0].options"},
      {"duplicate question names",
       with({{"questions", json::array({{{"name", "topic"}, {"label", "A"}, {"type", "text"}},
                                        {{"name", "topic"}, {"label", "B"}, {"type", "email"}}})}}),
       "questions[1].name"},
      {"unknown question field", question({{"name", "topic"}, {"label", "T"}, {"type", "text"}, {"hint", "h"}}),
       "questions[0].hint"},
      {"unknown field", with({{"colour", "red"}}), "colour"},
  };
  for (const auto& [what, body, field] : cases) {
    ExpectField(Call("POST", "/v1/event-types", body, BearerAuth(a)), field, what);
  }
  // A slug is unique per owner: 409 for the same owner, fine for another.
  ASSERT_EQ(Call("POST", "/v1/event-types", Meeting30(), BearerAuth(a)).status, 201);
  auto duplicate = Call("POST", "/v1/event-types", Meeting30(), BearerAuth(a));
  EXPECT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_EQ(duplicate.Json()["errors"][0]["field"], "slug");
  EXPECT_EQ(Call("POST", "/v1/event-types", Meeting30(), BearerAuth(other)).status, 201);
  const std::string second = NewEventType(a, with({{"slug", "second"}}));
  auto renamed = Call("PATCH", "/v1/event-types/" + second, {{"slug", "intro-call"}}, BearerAuth(a));
  EXPECT_EQ(renamed.status, 409) << renamed.body;
  // A patch that makes the whole invalid: a range's end before the kept start.
  ASSERT_EQ(Call("PATCH", "/v1/event-types/" + second,
                 {{"booking_window", {{"type", "range"}, {"start_date", "2027-03-01"}, {"end_date", "2027-03-05"}}}},
                 BearerAuth(a))
                .status,
            200);
  ExpectField(Call("PATCH", "/v1/event-types/" + second, {{"duration_minutes", 0}}, BearerAuth(a)),
              "duration_minutes", "update");
  ExpectField(Call("PATCH", "/v1/event-types/" + second, {{"nope", 1}}, BearerAuth(a)), "nope", "unknown on update");
}

TEST_F(V1ModelTest, EventTypesAreTheOwnersUnlessPublic) {
  auto owner = SignUpAndLogin(c_, Unique("v1host"));
  auto other = SignUpAndLogin(c_, Unique("v1guest"));
  const std::string hidden = NewEventType(owner, Meeting30());
  const std::string shown =
      NewEventType(owner, {{"slug", "open-call"}, {"title", "Open"}, {"duration_minutes", 20}, {"public", true}});

  // A private one: the owner only; others and anonymous callers get 404.
  EXPECT_EQ(Call("GET", "/v1/event-types/" + hidden, nullptr, BearerAuth(owner)).status, 200);
  EXPECT_EQ(Call("GET", "/v1/event-types/" + hidden, nullptr, BearerAuth(other)).status, 404);
  EXPECT_EQ(Call("GET", "/v1/event-types/" + hidden).status, 404);
  EXPECT_EQ(Call("GET", "/v1/users/" + owner.username + "/event-types/intro-call").status, 404);
  // A public one: anyone reads it, by id or by username and slug.
  EXPECT_EQ(Call("GET", "/v1/event-types/" + shown).status, 200);
  EXPECT_EQ(Call("GET", "/v1/event-types/" + shown, nullptr, BearerAuth(other)).status, 200);
  auto by_slug = Call("GET", "/v1/users/" + owner.username + "/event-types/open-call");
  ASSERT_EQ(by_slug.status, 200) << by_slug.body;
  EXPECT_EQ(by_slug.Json()["id"], shown);
  std::string upper = owner.username;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(Call("GET", "/v1/users/" + upper + "/event-types/open-call").status, 200) << "usernames fold case";
  EXPECT_EQ(Call("GET", "/v1/users/" + other.username + "/event-types/open-call").status, 404);
  EXPECT_EQ(Call("GET", "/v1/users/nobody-here/event-types/open-call").status, 404);
  auto listed = Call("GET", "/v1/users/" + owner.username + "/event-types");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.Json()["data"].size(), 1u) << "public ones only";
  EXPECT_EQ(listed.Json()["data"][0]["slug"], "open-call");
  EXPECT_EQ(Call("GET", "/v1/users/nobody-here/event-types").status, 404);
  ExpectField(Call("GET", "/v1/users/" + owner.username + "/event-types?limit=0"), "limit", "public list");

  // Writes: the owner only, public or not.
  for (const std::string& id : {hidden, shown}) {
    EXPECT_EQ(Call("PATCH", "/v1/event-types/" + id, {{"title", "Taken"}}, BearerAuth(other)).status, 404);
    EXPECT_EQ(Call("DELETE", "/v1/event-types/" + id, nullptr, BearerAuth(other)).status, 404);
    EXPECT_EQ(Call("PATCH", "/v1/event-types/" + id, {{"title", "Taken"}}).status, 401);
    EXPECT_EQ(Call("DELETE", "/v1/event-types/" + id).status, 401);
  }
  EXPECT_EQ(Call("POST", "/v1/event-types", Meeting30()).status, 401);
  EXPECT_EQ(Call("GET", "/v1/event-types").status, 401);
  auto theirs = Call("GET", "/v1/event-types", nullptr, BearerAuth(other));
  EXPECT_TRUE(theirs.Json()["data"].empty());
  EXPECT_EQ(Call("GET", "/v1/event-types/" + hidden, nullptr, BearerAuth(owner)).Json()["title"], "Intro call");
  // Making it private hides it again.
  ASSERT_EQ(Call("PATCH", "/v1/event-types/" + shown, {{"public", false}}, BearerAuth(owner)).status, 200);
  EXPECT_EQ(Call("GET", "/v1/event-types/" + shown).status, 404);
  EXPECT_EQ(Call("GET", "/v1/users/" + owner.username + "/event-types/open-call").status, 404);
}

TEST_F(V1ModelTest, OpenApiDocumentsEveryV1Operation) {
  const json& doc = *openapi_;
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["components"]["schemas"].contains("Schedule"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("EventType"));
  int operations = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    if (path.rfind("/v1/", 0) != 0) continue;
    for (const auto& [method, op] : item.items()) {
      ++operations;
      EXPECT_FALSE(op["responses"].contains("default")) << method << " " << path;
      bool success = false;
      for (const auto& [status, response] : op["responses"].items()) {
        if (status[0] == '2') success = true;
        // 204 and 304 never carry a body.
        if (status != "204" && status != "304") {
          EXPECT_TRUE(response.contains("content")) << method << " " << path << " " << status;
        }
      }
      EXPECT_TRUE(success) << method << " " << path;
      if (method == "post" || method == "patch") {
        EXPECT_TRUE(op.contains("requestBody")) << method << " " << path;
      }
    }
  }
  EXPECT_GE(operations, 13);
  // The checker is able to fail: a schedule without its id does not fit.
  json s = {{"name", "x"}};
  EXPECT_FALSE(SchemaErrors({{"$ref", "#/components/schemas/Schedule"}}, s, doc).empty());
  EXPECT_FALSE(SchemaErrors({{"$ref", "#/components/schemas/Problem"}}, json{{"status", "400"}}, doc).empty());
}

}  // namespace
}  // namespace kairos::testing
