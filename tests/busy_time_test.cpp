// Busy time read from connected calendars, over HTTP against the real binary: a CalDAV
// collection in a real Radicale on loopback and the same events served as an iCalendar
// subscription (python's http.server) block their hours in the availability and bookings
// of faces 001, 002, 003 (the exchange's owner), 004 and /v1; `busy: false` frees them;
// the background refresher reads a connection by itself; a subscription
// that stops answering keeps its last known busy time and shows in stale_sources.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/processes.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

const std::string kPython = "/usr/bin/python3";
const std::string kScripts = std::string(KAIROS_TESTS_DIR) + "/calendar/";

// The Monday at least two weeks from now (UTC), as YYYY-MM-DD: inside the time busy
// time is read for, and past any notice.
std::string MondayAhead(int weeks = 2) {
  std::time_t t = std::time(nullptr) + weeks * 7 * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  t += ((8 - tm.tm_wday) % 7) * 86400;
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}
std::string NextDay(const std::string& day) {
  std::tm tm{};
  strptime(day.c_str(), "%Y-%m-%d", &tm);
  std::time_t t = timegm(&tm) + 86400;
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}
std::string At(const std::string& day, const std::string& hhmm) { return day + "T" + hhmm + ":00Z"; }
std::string Ical(const std::string& day, const std::string& hhmm) {
  std::string d = day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
  return d + "T" + hhmm.substr(0, 2) + hhmm.substr(3, 2) + "00Z";
}

// The fixture: 10:00-11:00 UTC busy, 13:00-14:00 transparent (free), 15:00-16:00
// cancelled (free), and an event Kairos itself wrote at 16:00 (its booking blocks that).
// One VCALENDAR per event (a CalDAV resource holds one UID), or all in one (a feed).
std::vector<std::string> FixtureEvents(const std::string& day) {
  auto event = [&](const std::string& uid, const std::string& from, const std::string& to, const std::string& extra) {
    return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:" + Ical(day, from) +
           "\r\nDTEND:" + Ical(day, to) + "\r\nSUMMARY:" + uid + "\r\n" + extra + "END:VEVENT\r\n";
  };
  return {event("dentist", "10:00", "11:00", ""), event("reminder", "13:00", "14:00", "TRANSP:TRANSPARENT\r\n"),
          event("called-off", "15:00", "16:00", "STATUS:CANCELLED\r\n"),
          event("00000000-0000-4000-8000-000000000001@kairos", "16:00", "17:00", "")};
}
std::string Wrap(const std::string& events) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kairos tests//busy//EN\r\n" + events + "END:VCALENDAR\r\n";
}
std::string FixtureIcs(const std::string& day) {
  std::string all;
  for (const auto& e : FixtureEvents(day)) all += e;
  return Wrap(all);
}

class BusyTimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir());
    radicale_port_ = FreePort();
    radicale_ = new Child({kPython, "-m", "radicale", "--server-hosts", "127.0.0.1:" + std::to_string(radicale_port_),
                           "--storage-filesystem-folder", *dir_ + "/radicale", "--auth-type", "none"},
                          *dir_ + "/radicale.log");
    ASSERT_TRUE(WaitFor([] { return Listening(radicale_port_); })) << ReadAll(*dir_ + "/radicale.log");
    ServerProcessOptions options;
    // A long interval: the tests read on demand (the refresh route), so nothing races them.
    options.args = {"--calendar-allow-private", "--busy-refresh", "3600", "--calendar-http-timeout-ms", "2000"};
    server_ = new ServerProcess(options);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete radicale_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override { c_ = std::make_unique<HttpClient>(server_->port()); }

  static std::string Unique(const std::string& base) {
    static std::atomic<int> n{0};
    return base + std::to_string(++n);
  }
  TestAccount Coach() { return SignUpAndLogin(*c_, Unique("busycoach"), {{"role", "coach"}}); }
  TestAccount Client() { return SignUpAndLogin(*c_, Unique("busyclient")); }

  std::string CaldavUrl(const std::string& user) {
    return "http://127.0.0.1:" + std::to_string(radicale_port_) + "/" + user + "/busy/";
  }
  // A Radicale collection holding the fixture, connected as the coach's CalDAV calendar.
  void ConnectRadicale(const TestAccount& coach, const std::string& day) {
    const std::string url = CaldavUrl(coach.username);
    Capture(kPython + " " + kScripts + "caldav_tool.py make " + url + " " + coach.username);
    for (const std::string& event : FixtureEvents(day)) Put(coach, url + Unique("event") + ".ics", Wrap(event));
    auto r = c_->Post("/calendar/caldav/connect", {{"url", url}, {"username", coach.username}, {"password", "pw"}},
                      BearerAuth(coach));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void Put(const TestAccount& coach, const std::string& resource, const std::string& ics) {
    std::string file = *dir_ + "/" + Unique("fixture") + ".ics";
    std::ofstream(file, std::ios::binary) << ics;
    Capture(kPython + " -c \"import sys, requests; r = requests.put(sys.argv[1], data=open(sys.argv[2], 'rb').read(), "
                      "headers={'Content-Type': 'text/calendar'}, auth=(sys.argv[3], 'pw')); sys.exit(0 if r.status_code in (201, 204) else 1)\" " +
            resource + " " + file + " " + coach.username);
  }
  json Refresh(const TestAccount& coach, const std::string& type) {
    auto r = c_->Post("/calendar/connections/" + type + "/refresh", json::object(), BearerAuth(coach));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  // Face 001's offered starts for the coach on `day` (UTC coach: 09:00-17:00, hourly slots every 30 minutes).
  std::vector<std::string> Offered(const TestAccount& coach, const std::string& day) {
    auto r = c_->Get("/booking/coach/" + coach.uuid + "/availability?start_date=" + UrlEncode(At(day, "00:00")) +
                     "&end_date=" + UrlEncode(At(NextDay(day), "00:00")));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> starts;
    if (r.status != 200) return starts;
    const json body = r.Json();
    for (const auto& s : body["available_slots"]) starts.push_back(s["start"]);
    return starts;
  }
  static bool Has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
  // A /v1 event type of the coach: 60 minutes, weekdays 09:00-17:00 UTC.
  std::string EventType(const TestAccount& coach) {
    json weekly = json::array();
    for (const char* d : {"monday", "tuesday", "wednesday", "thursday", "friday"}) {
      weekly.push_back({{"day", d}, {"start", "09:00"}, {"end", "17:00"}});
    }
    auto s = c_->Post("/v1/schedules", {{"name", "Hours"}, {"time_zone", "UTC"}, {"weekly", weekly}},
                      BearerAuth(coach));
    EXPECT_EQ(s.status, 201) << s.body;
    auto e = c_->Post("/v1/event-types",
                      {{"slug", Unique("hour")}, {"title", "An hour"}, {"duration_minutes", 60},
                       {"schedule_id", s.Json()["id"]}, {"public", true}},
                      BearerAuth(coach));
    EXPECT_EQ(e.status, 201) << e.body;
    return e.Json()["id"];
  }
  json Slots(const std::string& event_type, const std::string& day) {
    auto r = c_->Get("/v1/slots?event_type_id=" + event_type + "&start=" + day + "&end=" + day);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  static std::vector<std::string> Starts(const json& slots, const std::string& day) {
    std::vector<std::string> out;
    if (!slots["days"].contains(day)) return out;
    for (const auto& s : slots["days"][day]) out.push_back(s["start"]);
    return out;
  }
  HttpResponse BookV1(const std::string& event_type, const std::string& start) {
    return c_->Post("/v1/bookings", {{"event_type_id", event_type},
                                     {"start", start},
                                     {"attendee", {{"name", "Ada"}, {"email", "ada@example.com"}}}});
  }
  json Connection(const TestAccount& coach, const std::string& type) {
    auto r = c_->Get("/calendar/connections", BearerAuth(coach));
    EXPECT_EQ(r.status, 200) << r.body;
    const json body = r.Json();
    for (const auto& c : body["connections"]) {
      if (c["calendar_type"] == type) return c;
    }
    return nullptr;
  }

  static std::string* dir_;
  static Child* radicale_;
  static std::uint16_t radicale_port_;
  static ServerProcess* server_;
  std::unique_ptr<HttpClient> c_;
};
std::string* BusyTimeTest::dir_ = nullptr;
Child* BusyTimeTest::radicale_ = nullptr;
std::uint16_t BusyTimeTest::radicale_port_ = 0;
ServerProcess* BusyTimeTest::server_ = nullptr;

TEST_F(BusyTimeTest, CaldavBusyHourIsNotOfferedNorBookableThroughFace001AndV1) {
  const std::string day = MondayAhead();
  auto coach = Coach();
  auto client = Client();
  const std::string event_type = EventType(coach);
  ASSERT_TRUE(Has(Offered(coach, day), At(day, "10:00"))) << "free before the calendar is read";

  ConnectRadicale(coach, day);
  json state = Refresh(coach, "caldav");
  EXPECT_EQ(state["busy_intervals"], 1) << state << ": only the opaque, confirmed event not written by Kairos";
  EXPECT_EQ(state["busy_error"], nullptr) << state;
  EXPECT_EQ(state["busy"], true) << "busy by default";
  EXPECT_NE(state["busy_fetched_at"], nullptr);

  auto offered = Offered(coach, day);
  for (const char* t : {"09:30", "10:00", "10:30"}) EXPECT_FALSE(Has(offered, At(day, t))) << t << " overlaps 10-11";
  for (const char* t : {"09:00", "11:00", "13:00", "15:00", "16:00"}) EXPECT_TRUE(Has(offered, At(day, t))) << t;
  auto refused = c_->Post("/booking", {{"coach_id", coach.uuid}, {"session_datetime", At(day, "10:00")},
                                       {"duration_minutes", 60}},
                          BearerAuth(client));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.Json(), json({{"detail", "Time slot is not available"}}));

  json slots = Slots(event_type, day);
  EXPECT_EQ(slots["stale_sources"], json::array()) << slots;
  auto starts = Starts(slots, day);
  EXPECT_FALSE(Has(starts, At(day, "10:00"))) << slots;
  EXPECT_TRUE(Has(starts, At(day, "11:00"))) << slots;
  EXPECT_TRUE(Has(starts, At(day, "13:00"))) << "transparent is free: " << slots;
  auto v1 = BookV1(event_type, At(day, "10:00"));
  EXPECT_EQ(v1.status, 409) << v1.body;
  EXPECT_EQ(v1.Json()["reason"], "busy") << v1.body;

  // busy: false makes the connection count as free.
  auto off = c_->Patch("/calendar/connections/caldav", {{"busy", false}}, BearerAuth(coach));
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Connection(coach, "caldav")["busy"], false);
  EXPECT_TRUE(Has(Offered(coach, day), At(day, "10:00")));
  EXPECT_TRUE(Has(Starts(Slots(event_type, day), day), At(day, "10:00")));
  EXPECT_EQ(BookV1(event_type, At(day, "10:00")).status, 201);
}

// Team slots read every host's busy time in the same snapshot: a collective event type
// loses the busy hour, a round robin offers it with the one free host, and a booking
// there goes to that host.
TEST_F(BusyTimeTest, TeamSlotsCountAHostsBusyTime) {
  const std::string day = MondayAhead();
  auto busy = Coach();
  auto free = Coach();
  EventType(busy);  // each gets weekday hours, 09:00-17:00 UTC
  EventType(free);
  ConnectRadicale(busy, day);
  ASSERT_EQ(Refresh(busy, "caldav")["busy_intervals"], 1);

  auto team = c_->Post("/v1/teams", {{"name", "Busy team"}}, BearerAuth(busy));
  ASSERT_EQ(team.status, 201) << team.body;
  const std::string team_id = team.Json()["id"];
  ASSERT_EQ(c_->Post("/v1/teams/" + team_id + "/members", {{"account_id", free.uuid}}, BearerAuth(busy)).status, 201);
  ASSERT_EQ(c_->Post("/v1/teams/" + team_id + "/accept", json::object(), BearerAuth(free)).status, 200);
  auto team_type = [&](const std::string& scheduling) {
    auto r = c_->Post("/v1/event-types",
                      {{"slug", Unique("team")}, {"title", "Team hour"}, {"duration_minutes", 60}, {"public", true},
                       {"scheduling", scheduling}, {"team_id", team_id},
                       {"hosts", {{{"account_id", busy.uuid}}, {{"account_id", free.uuid}}}}},
                      BearerAuth(busy));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  };
  const std::string collective = team_type("collective");
  const std::string round_robin = team_type("round_robin");

  json both = Slots(collective, day);
  EXPECT_FALSE(Has(Starts(both, day), At(day, "10:00"))) << both;
  EXPECT_TRUE(Has(Starts(both, day), At(day, "11:00"))) << both;
  auto refused = BookV1(collective, At(day, "10:00"));
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.Json()["reason"], "busy") << refused.body;

  json either = Slots(round_robin, day);
  bool seen = false;
  for (const auto& s : either["days"][day]) {
    if (s["start"] != At(day, "10:00")) continue;
    seen = true;
    EXPECT_EQ(s["hosts_available"], 1) << s;
  }
  EXPECT_TRUE(seen) << either;
  auto booked = BookV1(round_robin, At(day, "10:00"));
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(booked.Json()["host"]["id"], free.uuid) << booked.body;
}

TEST_F(BusyTimeTest, SubscriptionGivesTheSameBusyTimeAndKeepsItWhenItFails) {
  const std::string day = MondayAhead(3);
  auto by_caldav = Coach();
  auto by_feed = Coach();
  ConnectRadicale(by_caldav, day);
  Refresh(by_caldav, "caldav");

  const std::string served = *dir_ + "/" + Unique("served");
  std::filesystem::create_directories(served);
  std::ofstream(served + "/busy.ics", std::ios::binary) << FixtureIcs(day);
  const std::uint16_t port = FreePort();
  auto files = std::make_unique<Child>(
      std::vector<std::string>{kPython, "-m", "http.server", "--bind", "127.0.0.1", "--directory", served,
                               std::to_string(port)},
      *dir_ + "/files.log");
  ASSERT_TRUE(WaitFor([&] { return Listening(port); })) << ReadAll(*dir_ + "/files.log");
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/busy.ics";
  auto r = c_->Post("/calendar/subscription/connect", {{"url", url}}, BearerAuth(by_feed));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json({{"calendar_type", "subscription"}})) << "the URL is not echoed";
  EXPECT_EQ(r.body.find("127.0.0.1"), std::string::npos);
  json state = Refresh(by_feed, "subscription");
  EXPECT_EQ(state["busy_intervals"], 1) << state;
  EXPECT_EQ(Offered(by_feed, day), Offered(by_caldav, day)) << "the same events, the same free time";
  EXPECT_FALSE(Has(Offered(by_feed, day), At(day, "10:00")));

  // The feed goes away: the refresh fails, the last known busy time still counts, and
  // the coach's /v1 slots name the connection as stale.
  const std::string event_type = EventType(by_feed);
  EXPECT_EQ(Slots(event_type, day)["stale_sources"], json::array());
  files.reset();
  json failed = Refresh(by_feed, "subscription");
  EXPECT_NE(failed["busy_error"], nullptr) << failed;
  EXPECT_EQ(failed["busy_intervals"], 1) << failed;
  EXPECT_FALSE(Has(Offered(by_feed, day), At(day, "10:00")));
  json slots = Slots(event_type, day);
  EXPECT_EQ(slots["stale_sources"], json::array({failed["id"]})) << slots;
  EXPECT_FALSE(Has(Starts(slots, day), At(day, "10:00"))) << slots;
  auto metrics = c_->Get("/metrics");
  EXPECT_NE(metrics.body.find("kairos_busy_refreshes_total{result=\"failed\"}"), std::string::npos);
}

TEST_F(BusyTimeTest, CaldavBusyHourIsNotOfferedNorBookableThroughFaces002And004) {
  const std::string day = MondayAhead(4);
  auto host = Coach();
  auto organiser = Client();
  ConnectRadicale(host, day);
  ASSERT_EQ(Refresh(host, "caldav")["busy_intervals"], 1);

  // 002: the host's open day (UTC) loses the busy hour; a meeting then is refused.
  auto hours = c_->Get("/api/user/get_available_slots/?date=" + day, TokenAuth(host));
  ASSERT_EQ(hours.status, 200) << hours.body;
  const json available = hours.Json()["response"]["available_time_slots"];
  auto offers = [&](int h) { return std::find(available.begin(), available.end(), json(h)) != available.end(); };
  EXPECT_FALSE(offers(10)) << available;
  EXPECT_TRUE(offers(9) && offers(11) && offers(13) && offers(15)) << available;
  auto meeting = [&](int h) {
    return c_->Post("/api/event/",
                    {{"title", "Review"},
                     {"time_slot", day + " " + (h < 10 ? "0" : "") + std::to_string(h) + ":00:00"},
                     {"description", "busy time"},
                     {"participants", {host.email}}},
                    TokenAuth(organiser));
  };
  auto refused = meeting(10);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find(host.email), std::string::npos) << refused.body;
  EXPECT_EQ(meeting(11).status, 201);

  // 004: a window 09:00-17:00 on the host's consultant number; the busy hour cannot be reserved.
  auto me = c_->Get("/api/user/me/", TokenAuth(host));
  ASSERT_EQ(me.status, 200) << me.body;
  const std::string consultant = std::to_string(me.Json()["consultant_id"].get<std::int64_t>());
  auto window = c_->Post("/consultants/" + consultant + "/availabilities/",
                         {{"date", day}, {"start_time", "09:00"}, {"end_time", "17:00"}}, TokenAuth(host));
  ASSERT_EQ(window.status, 201) << window.body;
  auto user = c_->Post("/user/", {{"first_name", "Busy"}, {"last_name", "User"}});
  ASSERT_EQ(user.status, 201) << user.body;
  auto reserve = [&](const std::string& from, const std::string& to) {
    return c_->Post("/consultant/" + consultant + "/reserve/",
                    {{"user", user.Json()["id"]}, {"date", day}, {"start_time", from}, {"end_time", to}});
  };
  auto busy = reserve("10:00", "11:00");
  EXPECT_NE(busy.status, 201) << busy.body;
  EXPECT_GE(busy.status, 400) << busy.body;
  EXPECT_LT(busy.status, 500) << busy.body;
  EXPECT_TRUE(busy.Json().contains("error")) << busy.body;
  EXPECT_EQ(reserve("12:00", "13:00").status, 201);
}

// Face 003: an exchange counts its owner's busy time (the owner runs it).
TEST_F(BusyTimeTest, CaldavBusyHourIsNotOfferedNorBookableThroughFace003sOwnerCalendar) {
  const std::string day = MondayAhead(6);
  auto owner = Client();
  auto customer = Client();
  ConnectRadicale(owner, day);
  ASSERT_EQ(Refresh(owner, "caldav")["busy_intervals"], 1);
  json hours = json::array();
  for (int d = 1; d <= 7; ++d) hours.push_back({{"day_of_week", d}, {"open_time", "09:00"}, {"close_time", "17:00"}});
  auto created = c_->Post("/api/exchanges/", {{"business_name", "Busy Shop"}, {"operating_hours", hours}},
                          BearerAuth(owner));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string exchange = created.Json()["uuid"];
  auto listing = c_->Get("/api/time-slots/available_slots/?exchange=" + exchange + "&date=" + day + "&slot_duration=60",
                         BearerAuth(customer));
  ASSERT_EQ(listing.status, 200) << listing.body;
  const json slots = listing.Json()["slots"];
  auto available = [&](const std::string& hhmm) {
    for (const auto& s : slots) {
      if (s["start_time"] == hhmm) return s["is_available"].get<bool>();
    }
    return false;
  };
  EXPECT_FALSE(available("10:00")) << slots;
  EXPECT_TRUE(available("11:00")) << slots;
  EXPECT_TRUE(available("13:00")) << "transparent is free: " << slots;
  auto book = [&](const std::string& from, const std::string& to) {
    return c_->Post("/api/bookings/", {{"exchange", exchange}, {"date", day}, {"start_time", from}, {"end_time", to},
                                       {"customer_name", "John Doe"}, {"customer_email", "john@example.com"}},
                    BearerAuth(customer));
  };
  auto refused = book("10:00", "11:00");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(book("11:00", "12:00").status, 201);
}

// The background refresher reads a newly connected CalDAV calendar without being asked.
TEST_F(BusyTimeTest, BackgroundRefresherReadsConnectedCalendars) {
  ServerProcessOptions options;
  options.args = {"--calendar-allow-private", "--busy-refresh", "1"};
  ServerProcess server(options);
  HttpClient c(server.port());
  auto coach = SignUpAndLogin(c, Unique("bgcoach"), {{"role", "coach"}});
  const std::string day = MondayAhead(5);
  const std::string url = CaldavUrl(coach.username);
  Capture(kPython + " " + kScripts + "caldav_tool.py make " + url + " " + coach.username);
  for (const std::string& event : FixtureEvents(day)) Put(coach, url + Unique("event") + ".ics", Wrap(event));
  auto offered = [&] {
    auto r = c.Get("/booking/coach/" + coach.uuid + "/availability?start_date=" + UrlEncode(At(day, "00:00")) +
                   "&end_date=" + UrlEncode(At(NextDay(day), "00:00")));
    return r.body;
  };
  auto start = [&](const std::string& hhmm) { return "\"start\":\"" + At(day, hhmm) + "\""; };
  ASSERT_NE(offered().find(start("10:00")), std::string::npos);
  auto r = c.Post("/calendar/caldav/connect", {{"url", url}, {"username", coach.username}, {"password", "pw"}},
                  BearerAuth(coach));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(WaitFor([&] { return offered().find(start("10:00")) == std::string::npos; }, 1000))
      << "the refresher never read the calendar: " << offered();
  EXPECT_NE(offered().find(start("11:00")), std::string::npos);
}

TEST_F(BusyTimeTest, BadInputAndOwnership) {
  auto coach = Coach();
  auto other = Coach();
  auto bad = [&](const HttpResponse& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.Json().value("detail", "").find(needle), std::string::npos) << r.body;
  };
  bad(c_->Post("/calendar/subscription/connect", {{"url", "ftp://example.com/x.ics"}}, BearerAuth(coach)), 400,
      "https:// or webcal://");
  bad(c_->Post("/calendar/subscription/connect", {{"url", std::string(3000, 'a')}}, BearerAuth(coach)), 400, "url");
  bad(c_->Post("/calendar/subscription/connect", json::object(), BearerAuth(coach)), 400, "url");
  bad(c_->Patch("/calendar/connections/caldav", {{"busy", "maybe"}}, BearerAuth(coach)), 400, "busy");
  bad(c_->Patch("/calendar/connections/nowhere", {{"busy", true}}, BearerAuth(coach)), 400, "calendar_type");
  bad(c_->Patch("/calendar/connections/caldav", {{"busy", true}}, BearerAuth(coach)), 404, "No caldav calendar");
  bad(c_->Post("/calendar/connections/google/refresh", json::object(), BearerAuth(coach)), 404,
      "No google calendar connected");
  // A connection is its owner's: another account refreshing or switching "caldav" acts on its own (none).
  ConnectRadicale(coach, MondayAhead());
  bad(c_->Post("/calendar/connections/caldav/refresh", json::object(), BearerAuth(other)), 404, "No caldav calendar");
  bad(c_->Patch("/calendar/connections/caldav", {{"busy", false}}, BearerAuth(other)), 404, "No caldav calendar");
  EXPECT_EQ(Connection(coach, "caldav")["busy"], true);
  EXPECT_EQ(c_->Post("/calendar/connections/caldav/refresh", json::object()).status, 401);
}

}  // namespace
}  // namespace kairos::testing
