// /metrics for real: the real binary, bookings and refusals made through face 004, the
// exposition checked by Prometheus' own promtool (scripts/install-deps.sh installs the
// Debian package `prometheus`, which has it), and the families and counters asserted.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

// Runs a shell command; returns {exit status, stdout+stderr}.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string dir = MakeTempDir();
  int status = std::system(("( " + command + " ) > " + dir + "/out 2>&1").c_str());
  std::ifstream in(dir + "/out");
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
}

// The exposition's samples: "name{labels}" exactly as written -> value.
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

double Value(const std::map<std::string, double>& samples, const std::string& series) {
  auto it = samples.find(series);
  return it == samples.end() ? -1 : it->second;
}

std::string Bookings(const std::string& outcome, const std::string& reason = "") {
  return "kairos_bookings_total{face=\"consultant\",outcome=\"" + outcome + "\"" +
         (reason.empty() ? "" : ",reason=\"" + reason + "\"") + "}";
}

TEST(OperationsMetrics, PromtoolAcceptsTheExpositionAndBookingsAreCounted) {
  if (std::system("command -v promtool > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no promtool (the Debian package prometheus; scripts/install-deps.sh installs it)";
  }
  ServerProcess server;
  HttpClient c(server.port());
  auto before = Samples(c.Get("/metrics").body);
  ASSERT_EQ(Value(before, Bookings("created")), 0) << "every face's counters start at 0";

  auto consultant = c.Post("/consultant/", {{"first_name", "Metric"}, {"last_name", "Counted"}, {"timezone", "UTC"}});
  ASSERT_EQ(consultant.status, 201) << consultant.body;
  auto user = c.Post("/user/", {{"first_name", "Jane"}, {"last_name", "Smith"}});
  ASSERT_EQ(user.status, 201) << user.body;
  std::string cid = std::to_string(consultant.Json()["id"].get<std::int64_t>());
  std::int64_t uid = user.Json()["id"].get<std::int64_t>();
  ASSERT_EQ(c.Post("/consultants/" + cid + "/availabilities/",
                   {{"date", "2031-03-03"}, {"start_time", "09:00"}, {"end_time", "12:00"}})
                .status,
            201);
  // A weekly pattern on Tuesdays (day 1), for a Tuesday long past.
  ASSERT_EQ(c.Post("/consultant/" + cid + "/recurring/", {{"day_of_week", 1}, {"start_time", "09:00"}, {"end_time", "11:00"}})
                .status,
            201);
  auto reserve = [&](const std::string& start, const std::string& end, const std::string& day = "2031-03-03") {
    return c.Post("/consultant/" + cid + "/reserve/",
                  {{"user", uid}, {"date", day}, {"start_time", start}, {"end_time", end}});
  };
  auto first = reserve("09:00", "09:30");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(reserve("09:30", "10:00").status, 201);
  ASSERT_EQ(reserve("10:00", "10:30").status, 201);
  auto taken = reserve("09:00", "09:30");
  EXPECT_NE(taken.status, 201) << taken.body;
  auto past = reserve("09:00", "09:30", "2020-01-07");
  EXPECT_NE(past.status, 201) << past.body;
  auto body = first.Json();
  std::string rid = std::to_string((body.contains("booking_id") ? body["booking_id"] : body["id"]).get<std::int64_t>());
  auto cancelled = c.Delete("/consultant/" + cid + "/reservations/" + rid + "/");
  EXPECT_LT(cancelled.status, 300) << cancelled.body;

  auto r = c.Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  std::string dir = MakeTempDir();
  std::ofstream(dir + "/metrics.txt") << r.body;
  auto [code, out] = Shell("promtool check metrics < " + dir + "/metrics.txt");
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out, "") << "promtool's lint problems:\n" << out;
  std::filesystem::remove_all(dir);

  // Every family has HELP and TYPE, and every sample belongs to a family with a TYPE.
  std::set<std::string> typed, helped;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string hash, kind, name;
    words >> hash >> kind >> name;
    if (hash == "#" && kind == "TYPE") typed.insert(name);
    if (hash == "#" && kind == "HELP") helped.insert(name);
  }
  EXPECT_EQ(typed, helped);
  auto samples = Samples(r.body);
  for (const auto& [series, value] : samples) {
    std::string name = series.substr(0, series.find('{'));
    bool known = typed.count(name) > 0;
    for (std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (!known && name.ends_with(suffix)) known = typed.count(name.substr(0, name.size() - suffix.size())) > 0;
    }
    EXPECT_TRUE(known) << series << " has no TYPE line";
  }
  for (std::string family : {"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
                             "process_max_fds", "process_start_time_seconds", "kairos_build_info",
                             "kairos_http_requests_total", "kairos_http_request_duration_seconds",
                             "kairos_bookings_total", "kairos_db_pool_waits_total",
                             "kairos_db_pool_wait_seconds_total"}) {
    EXPECT_TRUE(typed.count(family)) << family << " missing from\n" << r.body;
  }
  EXPECT_GT(Value(samples, "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(Value(samples, "process_open_fds"), 3);
  EXPECT_GE(Value(samples, "process_max_fds"), Value(samples, "process_open_fds"));
  EXPECT_NE(r.body.find("kairos_build_info{version=\""), std::string::npos);

  // The histogram by route pattern, method and status class: three reservations made.
  EXPECT_EQ(Value(samples, "kairos_http_request_duration_seconds_count{route=\"/consultant/{id:int}/reserve/\","
                           "method=\"POST\",status_class=\"2xx\"}"),
            3)
      << r.body;
  EXPECT_EQ(Value(samples, "kairos_http_request_duration_seconds_bucket{route=\"/consultant/{id:int}/reserve/\","
                           "method=\"POST\",status_class=\"4xx\",le=\"+Inf\"}"),
            2)
      << r.body;

  // Bookings: three created, one refused as taken, one as too soon, one cancelled.
  EXPECT_EQ(Value(samples, Bookings("created")) - Value(before, Bookings("created")), 3) << r.body;
  EXPECT_EQ(Value(samples, Bookings("refused", "taken")) - Value(before, Bookings("refused", "taken")), 1)
      << taken.body << "\n" << r.body;
  EXPECT_EQ(Value(samples, Bookings("refused", "too_soon")) - Value(before, Bookings("refused", "too_soon")), 1)
      << past.body << "\n" << r.body;
  EXPECT_EQ(Value(samples, Bookings("cancelled")) - Value(before, Bookings("cancelled")), 1) << r.body;
  EXPECT_EQ(Value(samples, "kairos_bookings_total{face=\"business\",outcome=\"created\"}"), 0) << "other faces untouched";

  // The pools of the backend in use, waited on or not.
  for (std::string pool : PostgresBackend() ? std::set<std::string>{"postgres"}
                                            : std::set<std::string>{"sqlite_writer", "sqlite_readers"}) {
    EXPECT_GE(Value(samples, "kairos_db_pool_waits_total{pool=\"" + pool + "\"}"), 0) << pool << "\n" << r.body;
    EXPECT_GE(Value(samples, "kairos_db_pool_wait_seconds_total{pool=\"" + pool + "\"}"), 0) << pool;
  }
}

// One connection and four threads running reads: concurrent reads have to wait for it,
// and say so.
TEST(OperationsMetrics, PoolWaitsAreCountedWhenThePoolIsExhausted) {
  const std::string pool = PostgresBackend() ? "postgres" : "sqlite_readers";
  ServerProcess server({.args = {PostgresBackend() ? "--db-pool-size" : "--db-readers", "1", "--worker-threads", "4",
                                 "--read-threads", "4"}});
  HttpClient c(server.port());
  auto consultant = c.Post("/consultant/", {{"first_name", "Pool"}, {"last_name", "Waits"}, {"timezone", "UTC"}});
  ASSERT_EQ(consultant.status, 201) << consultant.body;
  std::string path = "/consultant/" + std::to_string(consultant.Json()["id"].get<std::int64_t>()) + "/";
  const std::string waits = "kairos_db_pool_waits_total{pool=\"" + pool + "\"}";
  const std::string seconds = "kairos_db_pool_wait_seconds_total{pool=\"" + pool + "\"}";
  std::map<std::string, double> samples;
  for (int round = 0; round < 20 && Value(samples, waits) <= 0; ++round) {
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&] {
        HttpClient mine(server.port());
        for (int i = 0; i < 50; ++i) mine.Get(path);
      });
    }
    for (auto& t : clients) t.join();
    samples = Samples(c.Get("/metrics").body);
  }
  EXPECT_GT(Value(samples, waits), 0) << "200 reads per round on 4 workers never waited";
  EXPECT_GT(Value(samples, seconds), 0);
  EXPECT_EQ(Value(samples, "kairos_db_pool_size{pool=\"" + pool + "\"}"), 1);
}

}  // namespace
}  // namespace kairos::testing
