// Several stateless servers on one database, and the database restarting under load.
// Three kairos processes share one database (a SQLite file, or in postgres mode one
// PostgreSQL database) while 64 clients race for the same and overlapping times on
// exchanges of capacity 1 and 3; a query on the database afterwards proves no calendar
// ever holds more overlapping bookings than its capacity. In postgres mode a private
// cluster is restarted while bookings are in flight: those fail with 503, the server
// recovers by itself, and every acknowledged booking is in the database.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "support/accounts.hpp"
#include "support/database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

constexpr const char* kMonday = "2030-01-07";

json Weekdays() {
  json hours = json::array();
  for (int day = 1; day <= 7; ++day) {
    hours.push_back({{"day_of_week", day}, {"open_time", "09:00"}, {"close_time", "17:00"}, {"is_closed", false}});
  }
  return hours;
}

std::string CreateExchange(HttpClient& c, const TestAccount& owner, int capacity) {
  auto r = c.Post("/api/exchanges/",
                  {{"business_name", "Shared"}, {"operating_hours", Weekdays()}, {"default_capacity", capacity}},
                  BearerAuth(owner));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.Json()["uuid"].get<std::string>() : "";
}

HttpResponse Book(HttpClient& c, const TestAccount& who, const std::string& exchange, const std::string& day,
                  const std::string& start, const std::string& end) {
  return c.Post("/api/bookings/",
                {{"exchange", exchange}, {"date", day}, {"start_time", start}, {"end_time", end},
                 {"customer_name", "Racer"}, {"customer_email", "racer@example.com"}},
                BearerAuth(who));
}

// The most by which any calendar's holding bookings exceed its capacity at some instant
// (the peak of overlap is at some booking's start); <= 0 when the invariant holds.
const char* const kWorstExcess =
    "SELECT COALESCE(MAX(t.held - t.capacity), -1) FROM (SELECT c.capacity AS capacity, "
    "(SELECT SUM(o.units) FROM bookings o WHERE o.calendar_id = b.calendar_id AND o.status IN "
    "('pending', 'confirmed', 'active') AND o.start_at <= b.start_at AND o.end_at > b.start_at) AS held "
    "FROM bookings b JOIN calendars c ON c.id = b.calendar_id WHERE b.status IN ('pending', 'confirmed', 'active')) t";

TEST(MultiInstance, SixtyFourClientsOnThreeServersNeverExceedCapacity) {
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/shared.db");
  std::vector<std::unique_ptr<ServerProcess>> servers;
  // One migrates first; the others find the schema in place.
  for (int i = 0; i < 3; ++i) servers.push_back(std::make_unique<ServerProcess>(ServerProcessOptions{.db_path = db}));

  HttpClient setup(servers[0]->port());
  auto owner = SignUpAndLogin(setup, "owner");
  std::vector<TestAccount> bookers;
  for (int i = 0; i < 8; ++i) bookers.push_back(SignUpAndLogin(setup, "booker" + std::to_string(i)));
  const std::string alone = CreateExchange(setup, owner, 1);
  const std::string shared = CreateExchange(setup, owner, 3);

  // Overlapping times on the exchanges' grids (slots are laid from opening, by length).
  const std::vector<std::pair<std::string, std::string>> times = {
      {"09:00", "10:00"}, {"09:00", "09:30"}, {"09:30", "10:00"}, {"09:00", "10:30"}, {"10:00", "10:30"}};
  constexpr int kClients = 64;
  std::atomic<int> ready{0};
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::mutex mu;
  std::vector<std::string> unexpected;
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(servers[i % servers.size()]->port());
      c.Connect();
      ready.fetch_add(1);
      while (ready.load() < kClients) std::this_thread::yield();
      for (const std::string& exchange : {alone, shared}) {
        const auto& [start, end] = times[(i / 3) % times.size()];
        auto r = Book(c, bookers[i % bookers.size()], exchange, kMonday, start, end);
        if (r.status == 201) {
          created.fetch_add(1);
        } else if (r.status == 400 && r.body.find("maximum capacity") != std::string::npos) {
          refused.fetch_add(1);
        } else {
          std::lock_guard lock(mu);
          unexpected.push_back(std::to_string(r.status) + " " + r.body);
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " unexpected answers, first: " << unexpected.front();
  EXPECT_EQ(created.load() + refused.load(), 2 * kClients);
  // Capacity 1 takes at least one booking; capacity 3 at least three.
  EXPECT_GE(created.load(), 4);
  int worst = std::stoi(QuerySql(db, kWorstExcess));
  EXPECT_LE(worst, 0) << "a calendar holds more overlapping bookings than its capacity";
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM bookings WHERE status = 'pending'"), std::to_string(created.load()))
      << "every acknowledged booking is stored, and nothing else";

  servers.clear();
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

struct Hour {
  std::string date, start, end;
};

// The n-th of distinct hours to book: 09:00 to 17:00 on the days from 2030-01-07 on.
Hour NthHour(int n) {
  using namespace std::chrono;
  year_month_day day{sys_days{year{2030} / January / 7} + days{n / 8}};
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  char start[8];
  char end[8];
  std::snprintf(start, sizeof start, "%02d:00", 9 + n % 8);
  std::snprintf(end, sizeof end, "%02d:00", 10 + n % 8);
  return {date, start, end};
}

// Runs tests/pg/cluster.sh on a private cluster (the shared one serves other tests).
int Cluster(const std::string& action, const std::string& state) {
  std::string command = "bash " + std::string(KAIROS_TESTS_DIR) + "/pg/cluster.sh " + action + " " + state;
  return std::system(command.c_str());
}

TEST(PostgresRestart, InFlightRequestsFailCleanlyAndNothingAcknowledgedIsLost) {
  if (!PostgresBackend()) GTEST_SKIP() << "restarts a PostgreSQL cluster: runs as pg.PostgresRestart";
  std::string state = MakeTempDir();
  struct StopCluster {
    std::string state;
    ~StopCluster() {
      Cluster("stop", state);
      std::filesystem::remove_all(state);
    }
  } stop_cluster{state};
  ASSERT_EQ(Cluster("start", state), 0);
  std::string port;
  {
    std::ifstream in(state + "/port");
    in >> port;
  }
  const std::string admin = "postgresql://kairos@127.0.0.1:" + port + "/postgres";
  ASSERT_EQ(PostgresExec(admin, "CREATE DATABASE restarted"), "");
  const std::string db = "postgresql://kairos@127.0.0.1:" + port + "/restarted";
  auto server = std::make_unique<ServerProcess>(ServerProcessOptions{.args = {"--db-pool-size", "4"}, .db_path = db});

  HttpClient setup(server->port());
  auto owner = SignUpAndLogin(setup, "owner");
  const std::string exchange = CreateExchange(setup, owner, 1);
  std::atomic<int> next{0};

  constexpr int kClients = 8;
  std::atomic<bool> stop{false};
  std::atomic<int> unavailable{0};
  std::atomic<int> dropped{0};
  std::vector<std::string> dropped_ids;
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::vector<std::string> unexpected;
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&] {
      HttpClient c(server->port());
      while (!stop.load()) {
        int n = next.fetch_add(1);
        Hour h = NthHour(n);
        HttpResponse r;
        // Sent raw: HttpClient::Post would resend on a dropped connection, and a
        // resent booking could not tell an acknowledged one from a duplicate.
        try {
          if (!c.connected()) c.Connect();
          json body = {{"exchange", exchange}, {"date", h.date}, {"start_time", h.start}, {"end_time", h.end},
                       {"customer_name", "Racer"}, {"customer_email", "racer@example.com"}};
          std::string text = body.dump();
          c.SendRaw("POST /api/bookings/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: req" + std::to_string(n) +
                    "\r\nAuthorization: Bearer " + owner.token +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
                    "\r\n\r\n" + text);
          r = c.ReadResponse();
        } catch (const std::exception& e) {
          c.Close();
          r.body = e.what();  // a dropped connection: status 0
        }
        std::lock_guard lock(mu);
        if (r.status == 0) {
          ++dropped;
          dropped_ids.push_back("req" + std::to_string(n) + ": " + r.body);
        } else if (r.status == 201) {
          acknowledged.push_back(r.Json()["uuid"].get<std::string>());
        } else if (r.status == 503) {
          ++unavailable;
        } else {
          unexpected.push_back(std::to_string(r.status) + " " + r.body + " for " + h.date + " " + h.start);
        }
      }
    });
  }
  auto count = [&] {
    std::lock_guard lock(mu);
    return acknowledged.size();
  };
  while (count() < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(Cluster("restart", state), 0);
  // The same server, not restarted, books again once the database is back.
  std::size_t after_restart = count();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count() < after_restart + 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop.store(true);
  for (auto& t : threads) t.join();

  EXPECT_GE(count(), after_restart + 50) << "the server did not recover after the restart";
  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " answers neither 201 nor 503, first: "
                                  << unexpected.front() << "\nserver log:\n" << server->Log();
  std::set<std::string> stored;
  for (const auto& uuid : acknowledged) {
    if (PostgresQuery(db, "SELECT uuid FROM bookings WHERE uuid = '" + uuid + "'") == uuid) stored.insert(uuid);
  }
  EXPECT_EQ(stored.size(), acknowledged.size()) << "an acknowledged booking was lost";
  // A 503 after the server committed (the connection died on the way back) may leave its
  // booking stored: the client was told to retry, not that nothing happened.
  EXPECT_GE(unavailable.load(), 1) << "no request was in flight during the restart";
  // Every request gets an answer: 201, or 503 while the database is away.
  EXPECT_EQ(dropped.load(), 0) << "first: " << (dropped_ids.empty() ? "" : dropped_ids.front())
                               << "\nserver log:\n" << server->Log();
  RecordProperty("unavailable_during_restart", unavailable.load());
  RecordProperty("dropped_during_restart", dropped.load());

  server.reset();
}

}  // namespace
}  // namespace kairos::testing
