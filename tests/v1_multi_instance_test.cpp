// /v1 holds, bookings and reschedules raced by 64 clients across three servers on one
// database (a SQLite file, or as pg.* one PostgreSQL database): the calendar lock and
// the hold check in the same transaction keep exactly one winner per place, and a query
// afterwards proves no time holds more than its seats.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "support/accounts.hpp"
#include "support/database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "v1_support.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;
using namespace v1;

struct Tally {
  std::atomic<int> won{0};
  std::mutex mu;
  std::vector<std::string> unexpected;
};

// 64 clients, spread over the servers, send at once; counts successes (201 created, 200
// rescheduled), and anything that is neither that nor a 409.
void Race(const std::vector<std::unique_ptr<ServerProcess>>& servers, Tally& tally,
          const std::function<HttpResponse(HttpClient&, int)>& send) {
  constexpr int kClients = 64;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(servers[i % servers.size()]->port());
      c.Connect();
      ready.fetch_add(1);
      while (ready.load() < kClients) std::this_thread::yield();
      auto r = send(c, i);
      if (r.status == 201 || r.status == 200) {
        tally.won.fetch_add(1);
      } else if (r.status != 409) {
        std::lock_guard lock(tally.mu);
        tally.unexpected.push_back(std::to_string(r.status) + " " + r.body);
      }
    });
  }
  for (auto& t : threads) t.join();
}

int Won(const std::vector<std::unique_ptr<ServerProcess>>& servers,
        const std::function<HttpResponse(HttpClient&, int)>& send) {
  Tally tally;
  Race(servers, tally, send);
  EXPECT_TRUE(tally.unexpected.empty()) << tally.unexpected.size() << " unexpected, first: " << tally.unexpected.front();
  return tally.won.load();
}

TEST(V1MultiInstance, SixtyFourClientsOnThreeServersHoldAndBookOnePlace) {
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/shared.db");
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (int i = 0; i < 3; ++i) servers.push_back(std::make_unique<ServerProcess>(ServerProcessOptions{.db_path = db}));
  HttpClient setup(servers[0]->port());
  auto host = SignUpAndLogin(setup, "v1mihost");
  auto one = MakeEventType(*servers[0], host, {});
  EventTypeSpec seats;
  seats.seats = 3;
  auto three = MakeEventType(*servers[0], host, seats);

  EXPECT_EQ(Won(servers, [&](HttpClient& c, int) { return BookV1(c, one, "2030-03-04T08:00:00Z"); }), 1);
  EXPECT_EQ(Won(servers, [&](HttpClient& c, int) { return HoldV1(c, one, "2030-03-04T09:00:00Z"); }), 1);
  EXPECT_EQ(Won(servers,
                [&](HttpClient& c, int i) {
                  return i % 2 ? HoldV1(c, one, "2030-03-04T10:00:00Z") : BookV1(c, one, "2030-03-04T10:00:00Z");
                }),
            1);
  EXPECT_EQ(Won(servers, [&](HttpClient& c, int) { return BookV1(c, three, "2030-03-05T08:00:00Z"); }), 3);
  EXPECT_EQ(Won(servers,
                [&](HttpClient& c, int i) {
                  return i % 2 ? HoldV1(c, three, "2030-03-05T09:00:00Z") : BookV1(c, three, "2030-03-05T09:00:00Z");
                }),
            3);
  // The held time cannot be booked from another server.
  auto held = HoldV1(setup, one, "2030-03-04T11:00:00Z");
  ASSERT_EQ(held.status, 201);
  HttpClient elsewhere(servers[2]->port());
  EXPECT_EQ(Reason(BookV1(elsewhere, one, "2030-03-04T11:00:00Z")), "held");

  // A reschedule racing new bookings for its target: exactly one ends on the time.
  for (int round = 0; round < 4; ++round) {
    const std::string from = "2030-03-0" + std::to_string(6 + round / 2) + "T" + (round % 2 ? "12" : "08") + ":00:00Z";
    const std::string to = "2030-03-0" + std::to_string(6 + round / 2) + "T" + (round % 2 ? "14" : "10") + ":00:00Z";
    auto a = BookV1(setup, one, from);
    ASSERT_EQ(a.status, 201) << a.body;
    const std::string path = "/v1/bookings/" + a.Json()["id"].get<std::string>() + "/reschedule";
    Tally tally;
    Race(servers, tally, [&](HttpClient& c, int i) {
      return i == 0 ? c.Post(path, {{"start", to}}, BearerAuth(host)) : BookV1(c, one, to);
    });
    EXPECT_TRUE(tally.unexpected.empty()) << tally.unexpected.front();
    EXPECT_EQ(tally.won.load(), 1) << to;
  }

  // No instant holds more active bookings than the event type's seats (1, or 3 for
  // the group), counted over every v1 booking of the host.
  const std::string worst = QuerySql(
      db, "SELECT COALESCE(MAX(t.held - t.seats), -1) FROM (SELECT e.seats_per_slot AS seats, (SELECT COUNT(*) FROM "
          "bookings o WHERE o.calendar_id = b.calendar_id AND o.status IN ('pending', 'confirmed', 'active') AND "
          "o.start_at <= b.start_at AND o.end_at > b.start_at) AS held FROM bookings b JOIN v1_bookings v ON "
          "v.booking_id = b.id JOIN event_types e ON e.id = v.event_type_id WHERE b.status IN ('pending', "
          "'confirmed', 'active')) t");
  EXPECT_LE(std::stoi(worst), 0) << "a time holds more bookings than its seats";
  if (IsDatabaseUrl(db)) {
    EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM bookings b JOIN v1_bookings v ON v.booking_id = b.id JOIN event_types "
                           "e ON e.id = v.event_type_id WHERE e.seats_per_slot > 1 AND b.exclusive_hold <> 0"),
              "0")
        << "seats never take PostgreSQL's exclusive hold";
  }
  servers.clear();
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kairos::testing
