// GET and PUT /v1/schedules/{id}.ics over real sockets (SQLite, and as pg.* on
// PostgreSQL): a schedule with hours across the change to summer time and overrides,
// exported as RFC 7953 VAVAILABILITY and imported into a fresh schedule, offers the very
// same /v1/slots over two months; what a schedule cannot hold is refused with 400; only
// the owner reads or replaces it.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include <unistd.h>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"
#include "v1_support.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

const Headers kCalendar = {{"Content-Type", "text/calendar; charset=utf-8"}};

Headers With(Headers a, const Headers& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The weekly intervals and overrides of a schedule's JSON, as sets (order is not meaning).
std::set<std::string> Weekly(const json& s) {
  std::set<std::string> out;
  for (const auto& w : s["weekly"]) out.insert(w.dump());
  return out;
}

// What python-icalendar reads in an export (vavailability_check.py's JSON).
json ReadExport(const std::string& ics) {
  char path[] = "/tmp/kairos-vavailability-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path, std::ios::binary) << ics;
  FILE* pipe = popen(("/usr/bin/python3 " + std::string(KAIROS_TESTS_DIR) + "/calendar/vavailability_check.py " +
                      path + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  int status = pclose(pipe);
  std::remove(path);
  EXPECT_EQ(status, 0) << out << "\n" << ics;
  if (status != 0) return json::object();
  return json::parse(out);
}

class V1ScheduleIcsTest : public SharedServerTest<V1ScheduleIcsTest> {
 protected:
  HttpClient c_{server_->port()};
  TestAccount Host() { return SignUpAndLogin(c_, Unique("icshost"), {{"timezone", "UTC"}}); }
  std::string Schedule(const TestAccount& host, const json& body) {
    auto r = c_.Post("/v1/schedules", body, BearerAuth(host));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json()["id"].get<std::string>() : "";
  }
  std::string EventType(const TestAccount& host, const std::string& slug, const std::string& schedule) {
    auto r = c_.Post("/v1/event-types",
                     {{"slug", slug}, {"title", slug}, {"duration_minutes", 45}, {"schedule_id", schedule}, {"public", true}},
                     BearerAuth(host));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json()["id"].get<std::string>() : "";
  }
  json Slots(const std::string& event_type) {
    auto r = c_.Get("/v1/slots?event_type_id=" + event_type + "&start=2027-03-01&end=2027-04-30&time_zone=UTC");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.Json()["days"] : json();
  }
  HttpResponse Put(const TestAccount& host, const std::string& id, const std::string& body,
                   const Headers& type = kCalendar) {
    return c_.Request("PUT", "/v1/schedules/" + id + ".ics", body, With(BearerAuth(host), type));
  }
};

TEST_F(V1ScheduleIcsTest, ExportedScheduleReimportedOffersTheSameSlotsAcrossSummerTime) {
  auto host = Host();
  // Berlin moves to summer time on Sunday 28 March 2027.
  auto original = Schedule(host, {{"name", "Studio"},
                                  {"time_zone", "Europe/Berlin"},
                                  {"weekly", json::array({{{"day", "monday"}, {"start", "09:00"}, {"end", "12:00"}},
                                                          {{"day", "monday"}, {"start", "13:00"}, {"end", "17:30"}},
                                                          {{"day", "wednesday"}, {"start", "09:00"}, {"end", "12:00"}},
                                                          {{"day", "friday"}, {"start", "09:00"}, {"end", "12:00"}},
                                                          {{"day", "saturday"}, {"start", "20:00"}, {"end", "24:00"}},
                                                          {{"day", "sunday"}, {"start", "01:00"}, {"end", "04:00"}}})},
                                  {"overrides", json::array({{{"date", "2027-03-24"}, {"intervals", json::array()}},
                                                             {{"date", "2027-03-30"},
                                                              {"intervals", json::array({{{"start", "07:15"},
                                                                                          {"end", "08:00"}},
                                                                                         {{"start", "18:00"},
                                                                                          {"end", "24:00"}}})}}})}});
  auto ics = c_.Get("/v1/schedules/" + original + ".ics", BearerAuth(host));
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_EQ(ics.Header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_NE(ics.body.find("BEGIN:VAVAILABILITY\r\n"), std::string::npos);
  EXPECT_NE(ics.body.find("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"), std::string::npos);
  EXPECT_NE(ics.body.find("RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\n"), std::string::npos) << ics.body;
  EXPECT_NE(ics.body.find("PRIORITY:1\r\n"), std::string::npos);
  EXPECT_NE(ics.body.find("DTSTART;TZID=Europe/Berlin:20270330T071500\r\n"), std::string::npos) << ics.body;
  // An independent reader sees the same hours: weekly rules by weekday and wall clock,
  // overrides as one-day VAVAILABILITYs of higher priority.
  json read = ReadExport(ics.body);
  EXPECT_EQ(read["tzids"], json::array({"Europe/Berlin"}));
  std::set<std::string> weekly;
  for (const auto& w : read["weekly"]) {
    weekly.insert(w[0].get<std::string>() + " " + w[1].get<std::string>().substr(9) + "-" +
                  w[2].get<std::string>().substr(9));
  }
  EXPECT_EQ(weekly, (std::set<std::string>{"MO,WE,FR 090000-120000", "MO 130000-173000", "SA 200000-000000",
                                           "SU 010000-040000"}));
  EXPECT_EQ(read["dated"],
            json::parse(R"([[1, "20270324T000000", "20270325T000000", []],
                            [1, "20270330T000000", "20270331T000000",
                             [["20270330T071500", "20270330T080000"], ["20270330T180000", "20270331T000000"]]]])"));
  EXPECT_EQ(c_.Get("/v1/schedules/" + original + ".ics").status, 401);
  EXPECT_EQ(c_.Get("/v1/schedules/" + original + ".ics", BearerAuth(Host())).status, 404);

  auto copy = Schedule(host, {{"name", "Copy"}, {"time_zone", "UTC"}});
  auto put = Put(host, copy, ics.body);
  ASSERT_EQ(put.status, 200) << put.body;
  auto before = c_.Get("/v1/schedules/" + original, BearerAuth(host)).Json();
  json after = put.Json();
  EXPECT_EQ(after["time_zone"], "Europe/Berlin");
  EXPECT_EQ(after["name"], "Copy");
  EXPECT_EQ(Weekly(after), Weekly(before));
  EXPECT_EQ(after["overrides"], before["overrides"]);

  auto a = Slots(EventType(host, "original", original));
  auto b = Slots(EventType(host, "copy", copy));
  EXPECT_EQ(a, b);
  // The comparison has something in it: the DST week, both sides of the change.
  ASSERT_TRUE(a.contains("2027-03-22") && a.contains("2027-03-29")) << a.dump();
  EXPECT_EQ(a["2027-03-22"][0]["start"], "2027-03-22T08:00:00Z");  // 09:00 CET
  EXPECT_EQ(a["2027-03-29"][0]["start"], "2027-03-29T07:00:00Z");  // 09:00 CEST
  EXPECT_FALSE(a.contains("2027-03-24"));                          // closed by override
  EXPECT_EQ(a["2027-03-30"][0]["start"], "2027-03-30T05:15:00Z");  // the override's 07:15
  // The export of the copy says the same.
  auto again = c_.Get("/v1/schedules/" + copy + ".ics", BearerAuth(host));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Put(host, original, again.body).status, 200);
  EXPECT_EQ(Slots(EventType(host, "original-again", original)), a);
}

TEST_F(V1ScheduleIcsTest, WhatAScheduleCannotHoldIsRefusedWith400) {
  auto host = Host();
  auto id = Schedule(host, {{"name", "Target"}, {"time_zone", "UTC"},
                            {"weekly", json::array({{{"day", "monday"}, {"start", "09:00"}, {"end", "10:00"}}})}});
  const std::string head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n";
  const std::string tail = "END:VCALENDAR\r\n";
  auto available = [](const std::string& start, const std::string& end, const std::string& rrule) {
    return "BEGIN:AVAILABLE\r\nUID:a@test\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;TZID=Europe/Berlin:" + start +
           "\r\nDTEND;TZID=Europe/Berlin:" + end + "\r\n" + (rrule.empty() ? "" : "RRULE:" + rrule + "\r\n") +
           "END:AVAILABLE\r\n";
  };
  auto vav = [&](const std::string& inner) {
    return head + "BEGIN:VAVAILABILITY\r\nUID:v@test\r\nDTSTAMP:20270101T000000Z\r\n" + inner +
           "END:VAVAILABILITY\r\n" + tail;
  };
  struct Case {
    std::string what;
    std::string body;
    std::string needle;
  };
  std::vector<Case> cases = {
      {"not iCalendar", "{\"weekly\": []}", "Not iCalendar"},
      {"a VEVENT", head + "BEGIN:VEVENT\r\nUID:e@test\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270301T090000Z\r\n"
                          "END:VEVENT\r\n" + tail, "Unsupported component VEVENT"},
      {"too large", vav(std::string(300 * 1024, 'X') + "\r\n"), "larger than"},
      {"daily rule", vav(available("20270301T090000", "20270301T100000", "FREQ=DAILY")), "not supported"},
      {"counted rule", vav(available("20270301T090000", "20270301T100000", "FREQ=WEEKLY;BYDAY=MO;COUNT=3")),
       "not supported"},
      {"monthly byday", vav(available("20270301T090000", "20270301T100000", "FREQ=WEEKLY;BYDAY=1MO")), "not supported"},
      {"no rule", vav(available("20270301T090000", "20270301T100000", "")), "needs RRULE"},
      {"two days long", vav(available("20270301T090000", "20270302T100000", "FREQ=WEEKLY;BYDAY=MO")),
       "more than one day"},
      {"floating", vav("BEGIN:AVAILABLE\r\nUID:a@test\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270301T090000\r\n"
                       "DTEND:20270301T100000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\nEND:AVAILABLE\r\n"),
       "floating"},
      {"no weekly", head + tail, "Expected one VAVAILABILITY"},
  };
  for (const auto& c : cases) {
    auto r = Put(host, id, c.body);
    EXPECT_EQ(r.status, 400) << c.what << ": " << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json") << c.what;
    EXPECT_NE(r.body.find(c.needle), std::string::npos) << c.what << ": " << r.body;
  }
  auto good = vav(available("20270301T090000", "20270301T100000", "FREQ=WEEKLY;BYDAY=MO,TH"));
  EXPECT_EQ(Put(host, id, good, {{"Content-Type", "application/json"}}).status, 400);
  EXPECT_EQ(c_.Request("PUT", "/v1/schedules/" + id, good, With(BearerAuth(host), kCalendar)).status, 400);
  EXPECT_EQ(Put(Host(), id, good).status, 404);
  EXPECT_EQ(c_.Request("PUT", "/v1/schedules/" + id + ".ics", good, kCalendar).status, 401);
  // Nothing refused changed it.
  auto unchanged = c_.Get("/v1/schedules/" + id, BearerAuth(host)).Json();
  EXPECT_EQ(unchanged["time_zone"], "UTC");
  EXPECT_EQ(unchanged["weekly"].size(), 1u);
  auto r = Put(host, id, good);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["time_zone"], "Europe/Berlin");
  EXPECT_EQ(r.Json()["weekly"].size(), 2u);
}

}  // namespace
}  // namespace kairos::testing
