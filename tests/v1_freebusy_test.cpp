// GET /v1/users/{username}/freebusy.ics and its token routes over real sockets (SQLite,
// and as pg.* on PostgreSQL): the feed's periods are the bookings made through /v1 and
// faces 000 and 002, read back by python-icalendar and python-vobject; pending bookings
// are tentative, cancelled ones vanish; ETag revalidation; a wrong, foreign, rotated or
// revoked token answers 404 alike. The feed is also read by libical, the library
// Evolution's calendar reads free/busy with.
#include <gtest/gtest.h>
#include <libical/ical.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"
#include "v1_support.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;
using namespace v1;

const std::string kChecker = "/usr/bin/python3 " + std::string(KAIROS_TESTS_DIR) + "/calendar/freebusy_check.py ";

// "YYYY-MM-DD" of the first Monday at least a week after today (UTC), so the day lies
// inside the feed's window whenever the test runs.
std::string NextMonday() {
  using namespace std::chrono;
  auto today = floor<days>(system_clock::now());
  auto day = today + days{7};
  while (weekday{day} != Monday) day += days{1};
  year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

// "2031-01-06" + "09:00" -> "20310106T090000Z", the feed's form.
std::string Ical(const std::string& day, const std::string& hhmm) {
  return day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2) + "T" + hhmm.substr(0, 2) + hhmm.substr(3, 2) + "00Z";
}

// What calendar software reads in the feed (freebusy_check.py's JSON).
json Read(const std::string& ics) {
  char path[] = "/tmp/kairos-freebusy-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path, std::ios::binary) << ics;
  FILE* pipe = popen((kChecker + path + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  int status = pclose(pipe);
  std::remove(path);
  EXPECT_EQ(status, 0) << out << "\n" << ics;
  if (status != 0) return json::object();
  return json::parse(out);
}

// The FREEBUSY periods as libical reads them: {"FBTYPE", start, end} in the feed's form,
// or a failure naming what libical could not read.
std::vector<std::vector<std::string>> ReadWithLibical(const std::string& ics) {
  std::vector<std::vector<std::string>> out;
  icalcomponent* root = icalparser_parse_string(ics.c_str());
  EXPECT_NE(root, nullptr) << ics;
  if (root == nullptr) return out;
  EXPECT_EQ(icalcomponent_isa(root), ICAL_VCALENDAR_COMPONENT);
  // libical marks what it could not read with X-LIC-ERROR properties.
  std::function<int(icalcomponent*)> errors = [&](icalcomponent* c) {
    int n = icalcomponent_count_properties(c, ICAL_XLICERROR_PROPERTY);
    for (icalcomponent* k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k != nullptr;
         k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
      n += errors(k);
    }
    return n;
  };
  EXPECT_EQ(errors(root), 0) << icalcomponent_as_ical_string(root);
  EXPECT_EQ(icalcomponent_count_components(root, ICAL_VFREEBUSY_COMPONENT), 1);
  icalcomponent* fb = icalcomponent_get_first_component(root, ICAL_VFREEBUSY_COMPONENT);
  auto utc = [](icaltimetype t) {
    EXPECT_TRUE(icaltime_is_utc(t));
    return std::string(icaltime_as_ical_string(t));
  };
  for (icalproperty* p = fb ? icalcomponent_get_first_property(fb, ICAL_FREEBUSY_PROPERTY) : nullptr; p != nullptr;
       p = icalcomponent_get_next_property(fb, ICAL_FREEBUSY_PROPERTY)) {
    icalperiodtype period = icalproperty_get_freebusy(p);
    icalparameter* type = icalproperty_get_first_parameter(p, ICAL_FBTYPE_PARAMETER);
    icalparameter_fbtype fbtype = type == nullptr ? ICAL_FBTYPE_BUSY : icalparameter_get_fbtype(type);
    std::string kind = fbtype == ICAL_FBTYPE_BUSY ? "BUSY" : fbtype == ICAL_FBTYPE_BUSYTENTATIVE ? "BUSY-TENTATIVE" : "other";
    icaltimetype end = icaltime_is_null_time(period.end) ? icaltime_add(period.start, period.duration) : period.end;
    out.push_back({kind, utc(period.start), utc(end)});
  }
  icalcomponent_free(root);
  return out;
}

class V1FreeBusyTest : public SharedServerTest<V1FreeBusyTest> {
 protected:
  HttpClient c_{server_->port()};
  TestAccount Host() { return SignUpAndLogin(c_, Unique("fbhost"), {{"timezone", "UTC"}}); }
  // A new token for `who`; returns the feed's path.
  std::string FeedPath(const TestAccount& who) {
    auto r = c_.Post("/v1/me/freebusy-token", json::object(), BearerAuth(who));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json()["feed_path"].get<std::string>() : "";
  }
};

TEST_F(V1FreeBusyTest, PeriodsAreTheBookingsOfEveryFace) {
  const std::string day = NextMonday();
  auto host = Host();
  EventTypeSpec spec;
  spec.time_zone = "UTC";
  auto et = MakeEventType(*server_, host, spec);
  spec.requires_confirmation = true;
  auto confirm = MakeEventType(*server_, host, spec);

  // /v1: two touching bookings (one period), and a pending one (tentative).
  auto first = BookV1(c_, et, day + "T09:00:00Z");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(BookV1(c_, et, day + "T09:30:00Z").status, 201);
  auto pending = BookV1(c_, confirm, day + "T11:00:00Z");
  ASSERT_EQ(pending.status, 201) << pending.body;
  ASSERT_EQ(pending.Json()["status"], "pending");
  auto cancelled = BookV1(c_, et, day + "T16:00:00Z");
  ASSERT_EQ(cancelled.status, 201);
  ASSERT_EQ(c_.Post("/v1/bookings/" + cancelled.Json()["id"].get<std::string>() + "/cancel", json::object(),
                    BearerAuth(host)).status, 200);
  // Face 000: the host's own time slot, booked.
  auto slot = c_.Post("/users/time-slots/", {{"start_time", day + "T13:00:00"}, {"end_time", day + "T13:30:00"},
                                             {"timezone", "UTC"}}, BearerAuth(host));
  ASSERT_EQ(slot.status, 200) << slot.body;
  ASSERT_EQ(c_.Post("/users/time-slots/" + slot.Json()["id"].get<std::string>() + "/book", json::object(),
                    BearerAuth(host)).status, 200);
  // Face 002: someone else's meeting with the host as a participant.
  auto organiser = Host();
  auto meeting = c_.Post("/api/event/", {{"title", "Review"}, {"time_slot", day + " 15:00:00"},
                                         {"description", "d"}, {"participants", {host.email}}},
                         TokenAuth(organiser));
  ASSERT_EQ(meeting.status, 201) << meeting.body;
  // Another account's booking is not the host's busy time.
  auto other_et = MakeEventType(*server_, organiser, {.time_zone = "UTC"});
  ASSERT_EQ(BookV1(c_, other_et, day + "T10:00:00Z").status, 201);

  auto path = FeedPath(host);
  ASSERT_NE(path.find("/v1/users/" + host.username + "/freebusy.ics?token="), std::string::npos) << path;
  auto r = c_.Get(path);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(r.Header("cache-control"), "private, no-cache");
  json feed = Read(r.body);
  EXPECT_EQ(feed["method"], "PUBLISH");
  EXPECT_EQ(feed["uid"], "freebusy-" + host.username + "@kairos");
  EXPECT_EQ(feed["organizer"], "mailto:" + host.email);
  EXPECT_EQ(feed["busy"], json::array({json::array({Ical(day, "09:00"), Ical(day, "10:00")}),
                                       json::array({Ical(day, "13:00"), Ical(day, "13:30")}),
                                       json::array({Ical(day, "15:00"), Ical(day, "16:00")})}));
  EXPECT_EQ(feed["tentative"], json::array({json::array({Ical(day, "11:00"), Ical(day, "11:30")})}));
  using Row = std::vector<std::string>;
  EXPECT_EQ(ReadWithLibical(r.body),
            (std::vector<Row>{{"BUSY", Ical(day, "09:00"), Ical(day, "10:00")},
                              {"BUSY", Ical(day, "13:00"), Ical(day, "13:30")},
                              {"BUSY", Ical(day, "15:00"), Ical(day, "16:00")},
                              {"BUSY-TENTATIVE", Ical(day, "11:00"), Ical(day, "11:30")}}));
  // The window starts today (UTC) and covers at least the coming 8 weeks.
  EXPECT_EQ(feed["dtstart"].get<std::string>().substr(9), "000000Z");
  EXPECT_LE(feed["dtstart"].get<std::string>(), feed["dtstamp"].get<std::string>());
  auto weeks8 = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) + std::chrono::days{56};
  std::chrono::year_month_day end{weeks8};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(end.year()), static_cast<unsigned>(end.month()),
                static_cast<unsigned>(end.day()));
  EXPECT_GT(feed["dtend"].get<std::string>(), std::string(buf) + "T000000Z");

  // The same answer revalidates; a change makes a new one.
  const std::string etag = r.Header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = c_.Get(path, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(c_.Get(path, {{"If-None-Match", "\"other\", W/" + etag}}).status, 304);
  EXPECT_EQ(c_.Get(path, {{"If-None-Match", "\"other\""}}).status, 200);
  ASSERT_EQ(c_.Post("/v1/bookings/" + first.Json()["id"].get<std::string>() + "/cancel", json::object(),
                    BearerAuth(host)).status, 200);
  auto changed = c_.Get(path, {{"If-None-Match", etag}});
  ASSERT_EQ(changed.status, 200);
  EXPECT_NE(changed.Header("etag"), etag);
  EXPECT_EQ(Read(changed.body)["busy"][0], json::array({Ical(day, "09:30"), Ical(day, "10:00")}));
}

TEST_F(V1FreeBusyTest, WrongForeignRotatedAndRevokedTokensAnswer404Alike) {
  auto host = Host();
  auto other = Host();
  EXPECT_EQ(c_.Post("/v1/me/freebusy-token", json::object()).status, 401);
  EXPECT_EQ(c_.Get("/v1/me/freebusy-token", BearerAuth(host)).status, 404);
  EXPECT_EQ(c_.Delete("/v1/me/freebusy-token", BearerAuth(host)).status, 404);

  auto old_path = FeedPath(host);
  ASSERT_EQ(c_.Get(old_path).status, 200);
  auto shown = c_.Get("/v1/me/freebusy-token", BearerAuth(host));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_FALSE(shown.Json().contains("token"));
  const std::string token = old_path.substr(old_path.find("token=") + 6);
  // Only the digest is stored.
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM freebusy_tokens WHERE token_digest = " + Q(token)), "0");

  std::vector<HttpResponse> refused = {
      c_.Get("/v1/users/" + host.username + "/freebusy.ics"),
      c_.Get("/v1/users/" + host.username + "/freebusy.ics?token=nope"),
      c_.Get("/v1/users/" + other.username + "/freebusy.ics?token=" + token),
      c_.Get("/v1/users/nobody-here/freebusy.ics?token=" + token),
  };
  auto new_path = FeedPath(host);
  refused.push_back(c_.Get(old_path));
  ASSERT_EQ(c_.Get(new_path).status, 200);
  // Usernames are case-insensitive.
  std::string upper = new_path;
  for (std::size_t i = 10; i < 10 + host.username.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_EQ(c_.Get(upper).status, 200) << upper;
  ASSERT_EQ(c_.Delete("/v1/me/freebusy-token", BearerAuth(host)).status, 204);
  refused.push_back(c_.Get(new_path));
  for (const auto& r : refused) {
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json");
    EXPECT_NE(r.body.find("Feed not found"), std::string::npos) << r.body;
  }
}

}  // namespace
}  // namespace kairos::testing
