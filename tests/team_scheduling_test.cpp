// Collective and round-robin event types over HTTP (docs/teams.md), on SQLite and (pg.*)
// PostgreSQL: the event type's team fields and who may set them, team slots across zones
// and DST with hosts_available, a mandatory host, hosts busy through every face, the
// fairness rule and the round-robin view, reschedule and cancel, and races.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
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

json Weekdays(const std::string& from, const std::string& to) {
  json weekly = json::array();
  for (const char* day : {"monday", "tuesday", "wednesday", "thursday", "friday"}) {
    weekly.push_back({{"day", day}, {"start", from}, {"end", to}});
  }
  return weekly;
}

class TeamSchedulingTest : public SharedServerTest<TeamSchedulingTest> {
 protected:
  HttpClient c_{server_->port()};

  // An account with a schedule (its oldest) in `zone`, 09:00-17:00 on weekdays.
  TestAccount Host(const std::string& zone = "Europe/Berlin", const std::string& from = "09:00",
                   const std::string& to = "17:00") {
    auto a = SignUpAndLogin(c_, Unique("teamhost"));
    auto r = c_.Post("/v1/schedules", {{"name", "Hours"}, {"time_zone", zone}, {"weekly", Weekdays(from, to)}},
                     BearerAuth(a));
    EXPECT_EQ(r.status, 201) << r.body;
    return a;
  }

  // A team owned by hosts[0] with every other host accepted.
  std::string Team(const std::vector<TestAccount>& hosts) {
    auto r = c_.Post("/v1/teams", {{"name", "Team"}}, BearerAuth(hosts[0]));
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string team = r.Json()["id"];
    for (std::size_t i = 1; i < hosts.size(); ++i) {
      EXPECT_EQ(c_.Post("/v1/teams/" + team + "/members", {{"account_id", hosts[i].uuid}}, BearerAuth(hosts[0])).status,
                201);
      EXPECT_EQ(c_.Post("/v1/teams/" + team + "/accept", json::object(), BearerAuth(hosts[i])).status, 200);
    }
    return team;
  }

  json HostsJson(const std::vector<TestAccount>& hosts, const std::vector<int>& weights = {},
                 const std::set<std::size_t>& mandatory = {}) {
    json out = json::array();
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      out.push_back({{"account_id", hosts[i].uuid},
                     {"weight", weights.empty() ? 100 : weights[i]},
                     {"mandatory", mandatory.count(i) > 0}});
    }
    return out;
  }

  HttpResponse CreateTeamEventType(const TestAccount& by, const std::string& scheduling, const std::string& team,
                                   const json& hosts, int duration = 30) {
    return c_.Post("/v1/event-types",
                   {{"slug", "team-" + std::to_string(++slug_)},
                    {"title", "Team call"},
                    {"duration_minutes", duration},
                    {"public", true},
                    {"scheduling", scheduling},
                    {"team_id", team},
                    {"hosts", hosts}},
                   BearerAuth(by));
  }

  std::string EventType(const TestAccount& by, const std::string& scheduling, const std::string& team,
                        const json& hosts) {
    auto r = CreateTeamEventType(by, scheduling, team, hosts);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }

  json Slots(const std::string& et, const std::string& day) {
    auto r = c_.Get("/v1/slots?event_type_id=" + et + "&start=" + day + "&end=" + day + "&time_zone=UTC");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["days"].contains(day) ? r.Json()["days"][day] : json::array();
  }

  std::vector<std::string> Starts(const json& slots) {
    std::vector<std::string> out;
    for (const auto& s : slots) out.push_back(s["start"].get<std::string>() + "/" + std::to_string(s.value("hosts_available", -1)));
    return out;
  }

  std::string Sql(const std::string& sql) { return QuerySql(server_->db_path(), sql); }
  std::string Calendar(const TestAccount& a) {
    return "(SELECT id FROM calendars WHERE owner_account_id = " + std::to_string(a.id) + " AND kind = 'personal')";
  }
  // Active bookings on the account's personal calendar.
  int Active(const TestAccount& a) {
    return std::stoi(Sql("SELECT COUNT(*) FROM bookings WHERE calendar_id = " + Calendar(a) +
                         " AND status IN ('pending', 'confirmed', 'active')"));
  }

  // Rows written straight into the database are another process's write: team listings
  // see them once their kept copy expires (docs/teams.md, at most twice the two seconds).
  static void AwaitOtherWriters() { std::this_thread::sleep_for(std::chrono::milliseconds(4100)); }

  int slug_ = 0;
};

// Wednesday 6 March 2030: New York (UTC-5) 09-17 is 14-22Z, Berlin (UTC+1) 08-16Z: both
// 14-16Z. Wednesday 13 March: New York is on summer time (UTC-4) from 10 March: 13-16Z.
TEST_F(TeamSchedulingTest, CollectiveAcrossZonesAndDstHoldsEveryCalendar) {
  auto ny = Host("America/New_York");
  auto berlin = Host("Europe/Berlin");
  const std::string team = Team({ny, berlin});
  auto created = CreateTeamEventType(ny, "collective", team, HostsJson({ny, berlin}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["scheduling"], "collective");
  EXPECT_EQ(created.Json()["team_id"], team);
  ASSERT_EQ(created.Json()["hosts"].size(), 2u);
  EXPECT_EQ(created.Json()["hosts"][1], (json{{"account_id", berlin.uuid}, {"mandatory", false}, {"weight", 100}}));
  const std::string et = created.Json()["id"];
  EXPECT_EQ(Starts(Slots(et, "2030-03-06")),
            (std::vector<std::string>{"2030-03-06T14:00:00Z/2", "2030-03-06T14:30:00Z/2", "2030-03-06T15:00:00Z/2",
                                      "2030-03-06T15:30:00Z/2"}));
  EXPECT_EQ(Slots(et, "2030-03-13").size(), 6u);
  EXPECT_EQ(Slots(et, "2030-03-13")[0]["start"], "2030-03-13T13:00:00Z");
  auto booked = v1::BookV1(c_, et, "2030-03-06T14:00:00Z");
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(booked.Json()["host"]["id"], ny.uuid);
  EXPECT_EQ(Active(ny), 1);
  EXPECT_EQ(Active(berlin), 1);
  EXPECT_EQ(v1::BookV1(c_, et, "2030-03-06T14:00:00Z").status, 409);
  EXPECT_EQ(v1::BookV1(c_, et, "2030-03-06T13:00:00Z").status, 409);  // New York is not working yet
  EXPECT_EQ(Slots(et, "2030-03-06").size(), 3u);
  // Cancelling gives every host its time back.
  const std::string id = booked.Json()["id"];
  auto cancelled = c_.Post("/v1/bookings/" + id + "/cancel", json::object(), BearerAuth(ny));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Active(ny), 0);
  EXPECT_EQ(Active(berlin), 0);
  EXPECT_EQ(Slots(et, "2030-03-06").size(), 4u);
}

TEST_F(TeamSchedulingTest, WhoMaySetTheTeamFields) {
  auto owner = Host();
  auto member = Host();
  auto invited = Host();
  auto outsider = Host();
  const std::string team = Team({owner, member});
  ASSERT_EQ(c_.Post("/v1/teams/" + team + "/members", {{"account_id", invited.uuid}}, BearerAuth(owner)).status, 201);
  // A plain member cannot make the team's event types; hosts must be accepted members.
  EXPECT_EQ(CreateTeamEventType(member, "round_robin", team, HostsJson({owner, member})).status, 403);
  auto r = CreateTeamEventType(owner, "round_robin", team, HostsJson({owner, invited}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["errors"][0]["field"], "hosts[1].account_id");
  EXPECT_EQ(CreateTeamEventType(outsider, "round_robin", team, HostsJson({outsider})).status, 400);
  r = CreateTeamEventType(owner, "round_robin", team, json::array());
  EXPECT_EQ(r.Json()["errors"][0]["field"], "hosts");
  r = CreateTeamEventType(owner, "round_robin", team, HostsJson({owner, owner}));
  EXPECT_EQ(r.Json()["errors"][0]["field"], "hosts[1].account_id");
  r = CreateTeamEventType(owner, "round_robin", team, HostsJson({owner}, {0}));
  EXPECT_EQ(r.Json()["errors"][0]["field"], "hosts[0].weight");
  r = CreateTeamEventType(owner, "sometimes", team, HostsJson({owner}));
  EXPECT_EQ(r.Json()["errors"][0]["field"], "scheduling");
  auto individual = c_.Post("/v1/event-types",
                            {{"slug", "solo"}, {"title", "Solo"}, {"duration_minutes", 30}, {"hosts", HostsJson({owner})}},
                            BearerAuth(owner));
  EXPECT_EQ(individual.status, 400);
  // An account with the admin role may make any team event type directly.
  SetRole(*server_, outsider.username, "admin");
  auto direct = CreateTeamEventType(outsider, "collective", team, HostsJson({outsider, invited}));
  EXPECT_EQ(direct.status, 201) << direct.body;
  // Individual event types answer the defaults.
  auto plain = c_.Post("/v1/event-types", {{"slug", "plain"}, {"title", "Plain"}, {"duration_minutes", 30}},
                       BearerAuth(owner));
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_EQ(plain.Json()["scheduling"], "individual");
  EXPECT_TRUE(plain.Json()["team_id"].is_null());
  EXPECT_EQ(plain.Json()["hosts"], json::array());
  // A team with event types cannot be deleted.
  EXPECT_EQ(c_.Delete("/v1/teams/" + team, BearerAuth(owner)).status, 409);
}

// Three hosts, weights 1:2:3, the same slot booked three times: one booking per host,
// in the rule's order (all at zero and never booked: lowest id first), then 409.
TEST_F(TeamSchedulingTest, RoundRobinFollowsTheRuleAndShowsTheStanding) {
  std::vector<TestAccount> hosts{Host(), Host(), Host()};
  const std::string team = Team(hosts);
  const std::string et = EventType(hosts[0], "round_robin", team, HostsJson(hosts, {1, 2, 3}));
  auto slots = Slots(et, "2030-03-04");
  ASSERT_FALSE(slots.empty());
  EXPECT_EQ(slots[0]["hosts_available"], 3);
  std::vector<std::string> chosen;
  for (int i = 0; i < 3; ++i) {
    auto r = v1::BookV1(c_, et, "2030-03-04T08:00:00Z");
    ASSERT_EQ(r.status, 201) << r.body;
    chosen.push_back(r.Json()["host"]["id"]);
  }
  EXPECT_EQ(chosen, (std::vector<std::string>{hosts[0].uuid, hosts[1].uuid, hosts[2].uuid}));
  EXPECT_EQ(v1::BookV1(c_, et, "2030-03-04T08:00:00Z").status, 409);
  EXPECT_EQ(Slots(et, "2030-03-04")[0]["start"], "2030-03-04T08:30:00Z");
  // Next: ratios 1/1, 1/2, 1/3: the weight-3 host.
  auto r = v1::BookV1(c_, et, "2030-03-04T09:00:00Z");
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.Json()["host"]["id"], hosts[2].uuid);
  auto standing = c_.Get("/v1/event-types/" + et + "/round-robin", BearerAuth(hosts[0]));
  ASSERT_EQ(standing.status, 200) << standing.body;
  json s = standing.Json();
  EXPECT_EQ(s["hosts"][0]["bookings"], 1);
  EXPECT_EQ(s["hosts"][2]["bookings"], 2);
  EXPECT_EQ(s["hosts"][2]["weight"], 3);
  EXPECT_TRUE(s["hosts"][2]["last_booked_at"].is_string());
  EXPECT_EQ(s["next"], hosts[1].uuid);  // 1/2 against 1/1 and 2/3
  EXPECT_EQ(c_.Get("/v1/event-types/" + et + "/round-robin", BearerAuth(hosts[1])).status, 404);
  // Cancelling takes the booking out of the count.
  const std::string id = r.Json()["id"];
  ASSERT_EQ(c_.Post("/v1/bookings/" + id + "/cancel", json::object(), BearerAuth(hosts[2])).status, 200);
  EXPECT_EQ(c_.Get("/v1/event-types/" + et + "/round-robin", BearerAuth(hosts[0])).Json()["hosts"][2]["bookings"], 1);
}

TEST_F(TeamSchedulingTest, MandatoryHostMustBeFreeAndAttends) {
  std::vector<TestAccount> hosts{Host(), Host(), Host()};
  const std::string team = Team(hosts);
  const std::string et = EventType(hosts[0], "round_robin", team, HostsJson(hosts, {}, {0}));
  EXPECT_EQ(Slots(et, "2030-03-04")[0]["hosts_available"], 2);  // the two rotating hosts
  auto booked = v1::BookV1(c_, et, "2030-03-04T10:00:00Z");
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(booked.Json()["host"]["id"], hosts[1].uuid);
  EXPECT_EQ(Active(hosts[0]), 1);  // the mandatory host attends
  EXPECT_EQ(Active(hosts[1]), 1);
  EXPECT_EQ(Active(hosts[2]), 0);
  for (const auto& s : Slots(et, "2030-03-04")) EXPECT_NE(s["start"], "2030-03-04T10:00:00Z");
  EXPECT_EQ(v1::BookV1(c_, et, "2030-03-04T10:00:00Z").status, 409);  // the mandatory host is taken
  // The mandatory host busy at 08:00Z (a face-001 booking): not offered, though two are free.
  ExecSql(server_->db_path(),
          "INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, units, status, created_at, updated_at) "
          "VALUES ('" + v1::NewUuid() + "', " + Calendar(hosts[0]) + ", 'coach', 1898841600, 1898843400, 1, "
          "'confirmed', 0, 0)");  // 2030-03-04T08:00:00Z
  AwaitOtherWriters();
  EXPECT_NE(Slots(et, "2030-03-04")[0]["start"], "2030-03-04T08:00:00Z");
  EXPECT_EQ(v1::BookV1(c_, et, "2030-03-04T08:00:00Z").status, 409);
}

// Every face's bookings keep a host busy: rows as faces 000 (slot), 001 (coach), 002
// (meeting), 003 (business) and 004 (consultant) write them on the personal calendar.
TEST_F(TeamSchedulingTest, HostsBusyThroughEveryFace) {
  std::vector<TestAccount> hosts{Host(), Host()};
  const std::string team = Team(hosts);
  const std::string et = EventType(hosts[0], "collective", team, HostsJson(hosts));
  ASSERT_EQ(Slots(et, "2030-03-05").size(), 16u);
  // The personal calendars exist once something is booked on them.
  auto first = v1::BookV1(c_, et, "2030-03-05T15:30:00Z");
  ASSERT_EQ(first.status, 201) << first.body;
  const char* faces[] = {"slot", "coach", "meeting", "business", "consultant"};
  for (int i = 0; i < 5; ++i) {
    const auto& h = hosts[i % 2];
    const std::int64_t start = 1898928000 + i * 3600;  // 2030-03-05T08:00:00Z + i hours
    ExecSql(server_->db_path(),
            "INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, units, status, created_at, updated_at) "
            "VALUES ('" + v1::NewUuid() + "', " + Calendar(h) + ", '" + faces[i] + "', " + std::to_string(start) + ", " +
                std::to_string(start + 1800) + ", 1, 'confirmed', 0, 0)");
  }
  AwaitOtherWriters();
  std::vector<std::string> starts;
  for (const auto& s : Slots(et, "2030-03-05")) starts.push_back(s["start"]);
  for (const char* busy : {"2030-03-05T08:00:00Z", "2030-03-05T09:00:00Z", "2030-03-05T10:00:00Z",
                           "2030-03-05T11:00:00Z", "2030-03-05T12:00:00Z", "2030-03-05T15:30:00Z"}) {
    EXPECT_EQ(std::count(starts.begin(), starts.end(), busy), 0) << busy;
    EXPECT_EQ(v1::BookV1(c_, et, busy).status, 409) << busy;
  }
  EXPECT_EQ(starts.size(), 10u);
}

// The same, booked for real through the faces over HTTP: face 000 (a host books their own
// time slot), 001 (a client books a session with a host as coach), 002 (a meeting with a
// host as participant) and 004 (a reservation on a host's consultant number). Face 003
// books exchanges, calendars of their own that are never a person's, so it cannot make a
// host busy. Tuesday 5 March 2030, Berlin hours 09-17 (08-16Z).
TEST_F(TeamSchedulingTest, HostsBookedThroughTheFacesAreNotOffered) {
  std::vector<TestAccount> hosts;
  for (int i = 0; i < 2; ++i) {
    auto a = SignUpAndLogin(c_, Unique("facehost"), {{"role", "coach"}});
    auto r = c_.Post("/v1/schedules", {{"name", "Hours"}, {"time_zone", "Europe/Berlin"}, {"weekly", Weekdays("09:00", "17:00")}},
                     BearerAuth(a));
    ASSERT_EQ(r.status, 201) << r.body;
    hosts.push_back(a);
  }
  const std::string team = Team(hosts);
  const std::string et = EventType(hosts[0], "collective", team, HostsJson(hosts));
  ASSERT_EQ(Slots(et, "2030-03-05").size(), 16u);

  // 000: host 0 publishes 08:00-09:00Z and books it.
  auto slot = c_.Post("/users/time-slots/",
                      {{"start_time", "2030-03-05T08:00:00"}, {"end_time", "2030-03-05T09:00:00"}, {"timezone", "UTC"}},
                      BearerAuth(hosts[0]));
  ASSERT_EQ(slot.status, 200) << slot.body;
  const std::string slot_id = slot.Json()["id"];
  auto booked = c_.Post("/users/time-slots/" + slot_id + "/book", json::object(), BearerAuth(hosts[0]));
  ASSERT_EQ(booked.status, 200) << booked.body;
  // 001: a client books host 1 as coach, 09:00Z for an hour.
  auto client = SignUpAndLogin(c_, Unique("faceclient"));
  auto session = c_.Post("/booking",
                         {{"coach_id", hosts[1].uuid}, {"session_datetime", "2030-03-05T09:00:00Z"}, {"duration_minutes", 60}},
                         BearerAuth(client));
  ASSERT_EQ(session.status, 201) << session.body;
  // 002: an organiser's meeting at 10:00Z with host 0 as participant.
  auto organiser = SignUpAndLogin(c_, Unique("faceorganiser"));
  auto meeting = c_.Post("/api/event/",
                         {{"title", "Review"},
                          {"time_slot", "2030-03-05 10:00:00"},
                          {"description", "busy through face 002"},
                          {"participants", {hosts[0].email}}},
                         TokenAuth(organiser));
  ASSERT_EQ(meeting.status, 201) << meeting.body;
  // 004: a window 11:00-12:00 on host 1's consultant number, reserved by a user.
  auto me = c_.Get("/api/user/me/", TokenAuth(hosts[1]));
  ASSERT_EQ(me.status, 200) << me.body;
  const std::string consultant = std::to_string(me.Json()["consultant_id"].get<std::int64_t>());
  auto window = c_.Post("/consultants/" + consultant + "/availabilities/",
                        {{"date", "2030-03-05"}, {"start_time", "11:00"}, {"end_time", "12:00"}}, TokenAuth(hosts[1]));
  ASSERT_EQ(window.status, 201) << window.body;
  auto user = c_.Post("/user/", {{"first_name", "Face"}, {"last_name", "User"}});
  ASSERT_EQ(user.status, 201) << user.body;
  auto reserved = c_.Post("/consultant/" + consultant + "/reserve/",
                          {{"user", user.Json()["id"]}, {"date", "2030-03-05"}, {"start_time", "11:00"}, {"end_time", "12:00"}});
  ASSERT_EQ(reserved.status, 201) << reserved.body;

  std::set<std::string> starts;
  for (const auto& s : Slots(et, "2030-03-05")) starts.insert(s["start"].get<std::string>());
  for (const char* busy : {"2030-03-05T08:00:00Z", "2030-03-05T08:30:00Z", "2030-03-05T09:00:00Z",
                           "2030-03-05T09:30:00Z", "2030-03-05T10:00:00Z", "2030-03-05T11:00:00Z",
                           "2030-03-05T11:30:00Z"}) {
    EXPECT_EQ(starts.count(busy), 0u) << busy << " is busy through a face";
    EXPECT_EQ(v1::BookV1(c_, et, busy).status, 409) << busy;
  }
  for (const char* free : {"2030-03-05T12:00:00Z", "2030-03-05T15:30:00Z"}) {
    EXPECT_EQ(starts.count(free), 1u) << free << " is free for both hosts";
  }
  // The team's own booking is busy time for the faces in turn: face 001 no longer offers it.
  ASSERT_EQ(v1::BookV1(c_, et, "2030-03-05T13:00:00Z").status, 201);
  auto again = c_.Post("/booking",
                       {{"coach_id", hosts[1].uuid}, {"session_datetime", "2030-03-05T13:00:00Z"}, {"duration_minutes", 30}},
                       BearerAuth(client));
  EXPECT_EQ(again.status, 400) << again.body;
}

TEST_F(TeamSchedulingTest, RescheduleKeepsTheHostWhenFree) {
  std::vector<TestAccount> hosts{Host(), Host()};
  const std::string team = Team(hosts);
  const std::string et = EventType(hosts[0], "round_robin", team, HostsJson(hosts));
  auto booked = v1::BookV1(c_, et, "2030-03-04T08:00:00Z");
  ASSERT_EQ(booked.status, 201);
  const std::string id = booked.Json()["id"];
  const std::string token = booked.Json()["manage_token"];
  const std::string host = booked.Json()["host"]["id"];
  EXPECT_EQ(host, hosts[0].uuid);
  auto moved = c_.Post("/v1/bookings/" + id + "/reschedule", {{"start", "2030-03-04T09:00:00Z"}},
                       {{"Authorization", "Bearer " + hosts[0].token}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.Json()["host"]["id"], hosts[0].uuid);
  EXPECT_EQ(moved.Json()["start"], "2030-03-04T09:00:00Z");
  // Host 0 busy at 11:00 through another booking: the reschedule goes to host 1.
  ExecSql(server_->db_path(),
          "INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, units, status, created_at, updated_at) "
          "VALUES ('" + v1::NewUuid() + "', " + Calendar(hosts[0]) + ", 'coach', 1898848800, 1898850600, 1, "
          "'confirmed', 0, 0)");  // 2030-03-04T10:00:00Z
  moved = c_.Post("/v1/bookings/" + id + "/reschedule", {{"start", "2030-03-04T10:00:00Z"}},
                  {{"Authorization", "Bearer " + hosts[0].token}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.Json()["host"]["id"], hosts[1].uuid);
  EXPECT_EQ(Active(hosts[0]), 1);  // only the other booking
  EXPECT_EQ(Active(hosts[1]), 1);
}

int Race(std::uint16_t port, int clients, const std::function<HttpResponse(HttpClient&)>& send,
         std::map<std::string, int>* hosts = nullptr) {
  std::atomic<int> won{0};
  std::atomic<bool> go{false};
  std::mutex m;
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&] {
      HttpClient c(port);
      while (!go.load()) std::this_thread::yield();
      auto r = send(c);
      if (r.status == 201) {
        ++won;
        if (hosts) {
          std::lock_guard<std::mutex> lock(m);
          ++(*hosts)[r.Json()["host"]["id"]];
        }
      } else {
        EXPECT_EQ(r.status, 409) << r.body;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return won.load();
}

TEST_F(TeamSchedulingTest, SixtyFourClientsOnOneCollectiveSlot) {
  std::vector<TestAccount> hosts{Host(), Host(), Host()};
  const std::string team = Team(hosts);
  const std::string et = EventType(hosts[0], "collective", team, HostsJson(hosts));
  EXPECT_EQ(Race(server_->port(), 64, [&](HttpClient& c) { return v1::BookV1(c, et, "2030-03-06T08:00:00Z"); }), 1);
  for (const auto& h : hosts) EXPECT_EQ(Active(h), 1);
}

TEST_F(TeamSchedulingTest, SixtyFourClientsOnARoundRobinSlotWithThreeFreeHosts) {
  std::vector<TestAccount> hosts{Host(), Host(), Host()};
  const std::string team = Team(hosts);
  const std::string et = EventType(hosts[0], "round_robin", team, HostsJson(hosts));
  std::map<std::string, int> by_host;
  EXPECT_EQ(Race(server_->port(), 64, [&](HttpClient& c) { return v1::BookV1(c, et, "2030-03-06T08:00:00Z"); },
                 &by_host),
            3);
  EXPECT_EQ(by_host, (std::map<std::string, int>{{hosts[0].uuid, 1}, {hosts[1].uuid, 1}, {hosts[2].uuid, 1}}));
}

// Explain names, per host, why a time is not offered (Berlin 09-17 is 08-16Z in March;
// New York's 09-17 is 14-22Z on Wednesday 6 March 2030).
TEST_F(TeamSchedulingTest, ExplainSaysPerHostWhyATimeIsNotOffered) {
  auto berlin = Host();
  auto ny = Host("America/New_York");
  const std::string team = Team({berlin, ny});
  const std::string et = EventType(berlin, "collective", team, HostsJson({berlin, ny}));
  auto early = v1::Explain(c_, berlin, et, "2030-03-06T09:00:00Z");
  ASSERT_EQ(early.status, 200) << early.body;
  EXPECT_EQ(early.Json()["offered"], false);
  EXPECT_EQ(early.Json()["reason"], "outside_hours");
  ASSERT_EQ(early.Json()["hosts"].size(), 2u);
  EXPECT_EQ(early.Json()["hosts"][0], (json{{"account_id", berlin.uuid}, {"offered", true}, {"reason", nullptr},
                                            {"booking_id", nullptr}, {"hold_id", nullptr}, {"rule", nullptr}}));
  EXPECT_EQ(early.Json()["hosts"][1]["account_id"], ny.uuid);
  EXPECT_EQ(early.Json()["hosts"][1]["offered"], false);
  EXPECT_EQ(early.Json()["hosts"][1]["reason"], "outside_hours");
  auto both = v1::Explain(c_, berlin, et, "2030-03-06T14:00:00Z");
  EXPECT_EQ(both.Json()["offered"], true);
  EXPECT_EQ(both.Json()["hosts"][1]["offered"], true);
  auto booked = v1::BookV1(c_, et, "2030-03-06T14:00:00Z");
  ASSERT_EQ(booked.status, 201) << booked.body;
  auto taken = v1::Explain(c_, berlin, et, "2030-03-06T14:00:00Z");
  EXPECT_EQ(taken.Json()["offered"], false);
  EXPECT_EQ(taken.Json()["reason"], "booked");
  const json taken_hosts = taken.Json()["hosts"];
  for (const auto& h : taken_hosts) {
    EXPECT_EQ(h["reason"], "booked") << h;
    EXPECT_TRUE(h["booking_id"].is_string()) << h;
  }
  // A round robin is offered while one rotating host is free; the busy one says why.
  auto other = Host();
  const std::string team2 = Team({berlin, other});
  const std::string rr = EventType(berlin, "round_robin", team2, HostsJson({berlin, other}));
  auto one = v1::Explain(c_, berlin, rr, "2030-03-06T14:00:00Z");
  EXPECT_EQ(one.Json()["offered"], true);
  EXPECT_EQ(one.Json()["hosts"][0]["reason"], "booked");
  EXPECT_EQ(one.Json()["hosts"][1]["offered"], true);
  // An individual event type's explanation has no hosts.
  EXPECT_FALSE(v1::Explain(c_, berlin, v1::MakeEventType(*server_, berlin, {}), "2030-03-06T14:00:00Z")
                   .Json()
                   .contains("hosts"));
}

// /v1/bookings lists a team booking to every host of its event type and to the team's
// owners and admins, not to a plain member.
TEST_F(TeamSchedulingTest, TeamBookingsAreListedToHostsAndTeamManagers) {
  auto owner = Host();
  auto admin = Host();
  auto member = Host();
  std::vector<TestAccount> hosts{Host(), Host()};
  const std::string team = Team({owner, admin, member, hosts[0], hosts[1]});
  ASSERT_EQ(c_.Patch("/v1/teams/" + team + "/members/" + admin.uuid, {{"role", "admin"}}, BearerAuth(owner)).status,
            200);
  const std::string et = EventType(owner, "round_robin", team, HostsJson(hosts));
  auto booked = v1::BookV1(c_, et, "2030-03-07T09:00:00Z");
  ASSERT_EQ(booked.status, 201) << booked.body;
  const std::string id = booked.Json()["id"];
  auto listed = [&](const TestAccount& a) {
    auto r = c_.Get("/v1/bookings", BearerAuth(a));
    EXPECT_EQ(r.status, 200) << r.body;
    int n = 0;
    const json page = r.Json();
    for (const auto& b : page["data"]) n += b["id"] == id;
    return n;
  };
  EXPECT_EQ(listed(hosts[0]), 1);
  EXPECT_EQ(listed(hosts[1]), 1);  // the host the rule did not choose
  EXPECT_EQ(listed(owner), 1);
  EXPECT_EQ(listed(admin), 1);
  EXPECT_EQ(listed(member), 0);
}

// A refused team booking is counted in /metrics like an individual one.
TEST_F(TeamSchedulingTest, RefusedTeamBookingsAreCounted) {
  std::vector<TestAccount> hosts{Host(), Host()};
  const std::string team = Team(hosts);
  const std::string et = EventType(hosts[0], "collective", team, HostsJson(hosts));
  const std::string series = "kairos_bookings_total{face=\"v1\",outcome=\"refused\",reason=\"outside_hours\"} ";
  auto count = [&] {
    const std::string text = c_.Get("/metrics").body;
    auto at = text.find(series);
    EXPECT_NE(at, std::string::npos) << text.substr(0, 2000);
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + series.size()));
  };
  const double before = count();
  EXPECT_EQ(v1::BookV1(c_, et, "2030-03-07T20:00:00Z").status, 409);
  EXPECT_EQ(count(), before + 1);
}

}  // namespace
}  // namespace kairos::testing
