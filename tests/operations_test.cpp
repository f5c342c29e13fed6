// Running Kairos for real: the Host rule, logging, backups, the configuration file, and
// the first lines a server prints. Every test runs the real binary.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/accounts.hpp"
#include "support/database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

class OperationsHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static HttpResponse Raw(const std::string& bytes) {
    HttpClient c(server_->port());
    c.Connect();
    c.SendRaw(bytes);
    return c.ReadResponse();
  }
  static inline ServerProcess* server_ = nullptr;
};

TEST_F(OperationsHost, Http11WithoutHostIs400) {
  auto r = Raw("GET /healthz HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.Json()["detail"].get<std::string>().find("Host"), std::string::npos) << r.body;
  EXPECT_EQ(r.Header("connection"), "close");
}

TEST_F(OperationsHost, TwoHostHeadersAre400EvenOnHttp10) {
  EXPECT_EQ(Raw("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status, 400);
  EXPECT_EQ(Raw("GET /healthz HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n").status, 400);
  EXPECT_EQ(Raw("GET /healthz HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n").status, 400);
}

TEST_F(OperationsHost, AnInvalidHostValueIs400) {
  EXPECT_EQ(Raw("GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n").status, 400);
  EXPECT_EQ(Raw("GET /healthz HTTP/1.1\r\nHost: user@example.com\r\n\r\n").status, 400);
  EXPECT_EQ(Raw("GET /healthz HTTP/1.1\r\nHost: example.com/path\r\n\r\n").status, 400);
}

TEST_F(OperationsHost, Http10WithoutHostIsServed) {
  auto r = Raw("GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["status"], "ok");
}

TEST_F(OperationsHost, UsualHostValuesAreServed) {
  for (std::string host : {"localhost", "127.0.0.1:8080", "[::1]:8080", "kairos.example.com", "xn--bcher-kva.example"}) {
    EXPECT_EQ(Raw("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").status, 200) << host;
  }
  // The server stays in service after refusing.
  Raw("GET /healthz HTTP/1.1\r\n\r\n");
  HttpClient c(server_->port());
  EXPECT_EQ(c.Get("/healthz").status, 200);
}

// Lines the server logged at a level ("debug", "info", ...), in the text format.
int CountLevel(const std::string& log, const std::string& level) {
  int n = 0;
  for (std::size_t at = log.find(" " + level + " "); at != std::string::npos; at = log.find(" " + level + " ", at + 1)) ++n;
  return n;
}

TEST(OperationsLogLevel, ServeAcceptsLogLevelAfterTheCommand) {
  ServerProcess server({.args = {"--log-level", "debug"}});
  HttpClient c(server.port());
  EXPECT_EQ(c.Get("/healthz").status, 200);
  server.Stop(SIGTERM);
  EXPECT_GT(CountLevel(server.Log(), "debug"), 0) << server.Log();
  EXPECT_NE(server.Log().find("settings: io-threads="), std::string::npos);
}

TEST(OperationsLogLevel, LogLevelBeforeTheCommandAndFromTheEnvironmentStillWork) {
  // Before the command: a warn level hides the info lines (start, requests, stop).
  {
    std::string dir = MakeTempDir();
    auto [code, out] = RunKairos({"--log-level", "warn", "migrate", "--db", dir + "/k.db"});
    EXPECT_EQ(code, 0) << out;
    EXPECT_EQ(CountLevel(out, "info"), 0) << out;
    std::filesystem::remove_all(dir);
  }
  ServerProcess quiet({.env = {{"KAIROS_LOG_LEVEL", "warn"}}});
  HttpClient c(quiet.port());
  EXPECT_EQ(c.Get("/healthz").status, 200);
  quiet.Stop(SIGTERM);
  EXPECT_EQ(CountLevel(quiet.Log(), "info"), 0) << quiet.Log();
  // The flag beats the environment.
  ServerProcess loud({.args = {"--log-level", "debug"}, .env = {{"KAIROS_LOG_LEVEL", "warn"}}});
  loud.Stop(SIGTERM);
  EXPECT_GT(CountLevel(loud.Log(), "debug"), 0) << loud.Log();
}

TEST(OperationsLogLevel, OtherCommandsAcceptItAfterTheirNameAndBadLevelsAreRefused) {
  std::string dir = MakeTempDir();
  auto [code, out] = RunKairos({"migrate", "--db", dir + "/k.db", "--log-level", "error"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(CountLevel(out, "info"), 0) << out;
  auto [ucode, uout] = RunKairos({"user", "list", "--db", dir + "/k.db", "--log-level", "warn"});
  EXPECT_EQ(ucode, 0) << uout;
  auto [bad, bad_out] = RunKairos({"serve", "--log-level", "loud"});
  EXPECT_NE(bad, 0);
  EXPECT_NE(bad_out.find("--log-level"), std::string::npos) << bad_out;
  auto [hcode, help] = RunKairos({"serve", "--help"});
  EXPECT_NE(help.find("--log-level"), std::string::npos) << help;
  std::filesystem::remove_all(dir);
}

// The JSON objects a server logged, one per line; a line that is not JSON fails the test.
std::vector<nlohmann::json> JsonLines(const std::string& log) {
  std::vector<nlohmann::json> out;
  std::size_t at = 0;
  while (at < log.size()) {
    auto end = log.find('\n', at);
    if (end == std::string::npos) end = log.size();
    std::string line = log.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    try {
      out.push_back(nlohmann::json::parse(line));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a JSON line: " << line;
    }
  }
  return out;
}

TEST(OperationsLogFormat, JsonLinesCarryEveryFieldOfARequest) {
  ServerProcess server({.args = {"--log-format", "json", "--trusted-proxies", "127.0.0.1"}});
  HttpClient c(server.port());
  auto account = SignUpAndLogin(c, "logjson");
  ASSERT_FALSE(account.token.empty());
  auto headers = BearerAuth(account);
  headers.emplace_back("X-Request-Id", "log-check-1");
  headers.emplace_back("X-Forwarded-For", "203.0.113.7");
  auto r = c.Request("PATCH", "/api/event/987654/?secret=hunter2", R"({"title": "private body text"})", headers);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(c.Get("/nowhere/at/all", {{"X-Request-Id", "log-check-2"}}).status, 404);
  ASSERT_EQ(server.Stop(SIGTERM), 0);

  std::string log = server.Log();
  auto lines = JsonLines(log);
  ASSERT_FALSE(lines.empty());
  const nlohmann::json* patched = nullptr;
  const nlohmann::json* unmatched = nullptr;
  const nlohmann::json* login = nullptr;
  for (const auto& j : lines) {
    EXPECT_TRUE(j["time"].is_string()) << j;
    EXPECT_EQ(j["time"].get<std::string>().back(), 'Z') << j;
    EXPECT_TRUE(j["level"].is_string()) << j;
    EXPECT_TRUE(j["msg"].is_string()) << j;
    if (j.value("request_id", "") == "log-check-1") patched = &j;
    if (j.value("request_id", "") == "log-check-2") unmatched = &j;
    if (j.value("route", "") == "/api/user/login/") login = &j;
  }
  ASSERT_NE(patched, nullptr) << log;
  EXPECT_EQ((*patched)["msg"], "request");
  EXPECT_EQ((*patched)["level"], "info");
  EXPECT_EQ((*patched)["method"], "PATCH");
  EXPECT_EQ((*patched)["route"], "/api/event/{id:int}/") << "the route's pattern, not the path";
  EXPECT_EQ((*patched)["status"], 404);
  EXPECT_TRUE((*patched)["duration_ms"].is_number());
  EXPECT_GE((*patched)["duration_ms"].get<double>(), 0);
  EXPECT_EQ((*patched)["client"], "203.0.113.7") << "X-Forwarded-For from a trusted proxy";
  EXPECT_EQ((*patched)["account_id"], account.id);

  ASSERT_NE(unmatched, nullptr) << log;
  EXPECT_EQ((*unmatched)["route"], "unmatched");
  EXPECT_EQ((*unmatched)["client"], "127.0.0.1");
  EXPECT_TRUE((*unmatched)["account_id"].is_null());

  ASSERT_NE(login, nullptr) << log;
  EXPECT_EQ((*login)["status"], 200);
  EXPECT_TRUE((*login)["account_id"].is_null()) << "logging in is not an authenticated request";

  // The startup and shutdown lines are JSON too.
  bool listening = false;
  for (const auto& j : lines) listening = listening || j["msg"].get<std::string>().find("listening on") != std::string::npos;
  EXPECT_TRUE(listening) << log;

  for (const std::string& secret : std::vector<std::string>{"hunter2", "987654", "private body text", account.token, account.password, "secret="}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log shows " << secret;
  }
}

TEST(OperationsLogFormat, TextLinesNameTheRouteClientAndAccount) {
  ServerProcess server({.env = {{"KAIROS_LOG_FORMAT", "text"}}});
  HttpClient c(server.port());
  auto account = SignUpAndLogin(c, "logtext");
  EXPECT_EQ(c.Get("/api/user/me/", BearerAuth(account)).status, 200);
  c.Get("/api/event/55/?token=abc");
  server.Stop(SIGTERM);
  std::string log = server.Log();
  EXPECT_NE(log.find(" info GET /api/user/me/ 200 "), std::string::npos) << log;
  EXPECT_NE(log.find("client=127.0.0.1 account=" + std::to_string(account.id) + "\n"), std::string::npos) << log;
  EXPECT_EQ(log.find(account.token), std::string::npos);
  EXPECT_EQ(log.find("token=abc"), std::string::npos);
  EXPECT_EQ(log.find("/api/event/55/"), std::string::npos) << "the pattern, not the path";
}

TEST(OperationsLogFormat, EnvironmentSelectsJsonAndBadFormatsAreRefused) {
  ServerProcess server({.env = {{"KAIROS_LOG_FORMAT", "json"}}});
  HttpClient c(server.port());
  c.Connect();
  c.SendRaw("GET /healthz HTTP/1.1\r\n\r\n");
  EXPECT_EQ(c.ReadResponse().status, 400);
  server.Stop(SIGTERM);
  bool refused = false;
  for (const auto& j : JsonLines(server.Log())) {
    if (j.value("status", 0) == 400) {
      refused = true;
      EXPECT_EQ(j["method"], "GET");
      EXPECT_EQ(j["error"], "Missing Host header.");
    }
  }
  EXPECT_TRUE(refused) << server.Log();
  auto [code, out] = RunKairos({"serve", "--log-format", "xml"});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("--log-format"), std::string::npos) << out;
}

// The first column of every row of a query on a SQLite file.
std::vector<std::string> SqliteColumn(const std::string& path, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(st) == SQLITE_ROW) {
      auto text = sqlite3_column_text(st, 0);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

class OperationsBackup : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PostgresBackend()) GTEST_SKIP() << "backup and restore are for SQLite; PostgreSQL has pg_dump";
    dir_ = MakeTempDir();
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(OperationsBackup, ABackupUnderWriteLoadHoldsEveryAcknowledgedReservation) {
  ServerProcess server;
  HttpClient c(server.port());
  auto consultant = c.Post("/consultant/", {{"first_name", "Backup"}, {"last_name", "Load"}, {"timezone", "UTC"}});
  ASSERT_EQ(consultant.status, 201) << consultant.body;
  auto user = c.Post("/user/", {{"first_name", "Jane"}, {"last_name", "Smith"}});
  ASSERT_EQ(user.status, 201) << user.body;
  std::string cid = std::to_string(consultant.Json()["id"].get<std::int64_t>());
  std::int64_t uid = user.Json()["id"].get<std::int64_t>();
  constexpr int kDays = 20;
  for (int d = 1; d <= kDays; ++d) {
    char day[16];
    std::snprintf(day, sizeof day, "2031-03-%02d", d);
    ASSERT_EQ(c.Post("/consultants/" + cid + "/availabilities/", {{"date", day}, {"start_time", "00:00"}, {"end_time", "23:45"}}).status,
              201);
  }

  // A writer reserving quarter hours one after another, recording what was acknowledged.
  std::mutex mu;
  std::vector<std::int64_t> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    HttpClient w(server.port());
    for (int d = 1; d <= kDays && !stop; ++d) {
      for (int q = 0; q < 95 && !stop; ++q) {
        char day[16], start[8], end[8];
        std::snprintf(day, sizeof day, "2031-03-%02d", d);
        std::snprintf(start, sizeof start, "%02d:%02d", q / 4, q % 4 * 15);
        std::snprintf(end, sizeof end, "%02d:%02d", (q + 1) / 4, (q + 1) % 4 * 15);
        auto r = w.Post("/consultant/" + cid + "/reserve/",
                        {{"user", uid}, {"date", day}, {"start_time", start}, {"end_time", end}});
        if (r.status != 201) {
          ++failures;
          continue;
        }
        // The reservation's id: "booking_id" in face 004's confirmation, "id" before it had one.
        auto body = r.Json();
        std::lock_guard lock(mu);
        acknowledged.push_back((body.contains("booking_id") ? body["booking_id"] : body["id"]).get<std::int64_t>());
      }
    }
  });
  auto count = [&] {
    std::lock_guard lock(mu);
    return acknowledged.size();
  };
  auto wait_for = [&](std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (count() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  };
  wait_for(100);
  std::vector<std::int64_t> before;
  {
    std::lock_guard lock(mu);
    before = acknowledged;
  }
  std::string backup = dir_ + "/backups/kairos-backup.db";
  auto [code, out] = RunKairos({"backup", "--db", server.db_path(), "--to", backup});
  std::size_t after_backup = count();
  wait_for(after_backup + 20);
  stop = true;
  writer.join();
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("integrity ok"), std::string::npos) << out;
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(count(), after_backup) << "the server kept accepting writes after the backup";
  ASSERT_GE(before.size(), 100u);

  std::string restored = dir_ + "/restored/kairos.db";
  auto [rcode, rout] = RunKairos({"restore", "--from", backup, "--db", restored});
  ASSERT_EQ(rcode, 0) << rout;
  EXPECT_EQ(SqliteColumn(restored, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_FALSE(std::filesystem::exists(restored + "-wal"));
  auto ids = SqliteColumn(restored, "SELECT id FROM bookings");
  std::set<std::int64_t> present;
  for (const auto& id : ids) present.insert(std::stoll(id));
  int missing = 0;
  for (auto id : before) missing += present.count(id) == 0;
  EXPECT_EQ(missing, 0) << "of " << before.size() << " reservations acknowledged before the backup";
  EXPECT_LE(present.size(), count()) << "nothing the server never acknowledged";

  // The restored database serves, and answers for a reservation made before the backup.
  ServerProcess again({.db_path = restored});
  HttpClient c2(again.port());
  EXPECT_EQ(c2.Get("/readyz").status, 200);
  EXPECT_EQ(c2.Get("/consultant/" + cid + "/").status, 200);
}

TEST_F(OperationsBackup, RestoreRefusesADatabaseInUseAndKeepsTheOneItReplaces) {
  std::string db = dir_ + "/live.db";
  std::string backup = dir_ + "/b.db";
  ASSERT_EQ(RunKairos({"migrate", "--db", db}).first, 0);
  ASSERT_EQ(RunKairos({"user", "add", "--db", db, "--username", "before", "--email", "before@example.com",
                       "--password", "long enough password"}).first, 0);
  auto [bcode, bout] = RunKairos({"backup", "--to", backup}, {{"KAIROS_DB", db}});
  ASSERT_EQ(bcode, 0) << bout;
  {
    ServerProcess server({.db_path = db});
    HttpClient c(server.port());
    SignUpAndLogin(c, "after");
    auto [code, out] = RunKairos({"restore", "--from", backup, "--db", db});
    EXPECT_EQ(code, 1) << out;
    EXPECT_NE(out.find("in use"), std::string::npos) << out;
    EXPECT_EQ(c.Get("/readyz").status, 200) << "the server is untouched";
  }
  auto [code, out] = RunKairos({"restore", "--from", backup, "--db", db});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(SqliteColumn(db, "SELECT username FROM accounts ORDER BY id"), std::vector<std::string>{"before"});
  EXPECT_EQ(SqliteColumn(db + ".before-restore", "SELECT username FROM accounts ORDER BY id"),
            (std::vector<std::string>{"before", "after"}));
  EXPECT_NE(out.find(".before-restore"), std::string::npos) << out;
}

TEST_F(OperationsBackup, BadInputIsRefusedClearly) {
  std::string db = dir_ + "/k.db";
  auto [c1, o1] = RunKairos({"backup", "--db", dir_ + "/missing.db", "--to", dir_ + "/b.db"});
  EXPECT_EQ(c1, 1);
  EXPECT_NE(o1.find("no database"), std::string::npos) << o1;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/missing.db")) << "a mistyped --db is not created";

  {
    std::ofstream junk(dir_ + "/junk.db");
    junk << "this is not a database at all, just some text that is long enough to matter";
  }
  auto [c2, o2] = RunKairos({"restore", "--from", dir_ + "/junk.db", "--db", db});
  EXPECT_EQ(c2, 1);
  EXPECT_FALSE(std::filesystem::exists(db));

  sqlite3* other = nullptr;
  sqlite3_open((dir_ + "/other.db").c_str(), &other);
  sqlite3_exec(other, "CREATE TABLE t (x)", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  auto [c3, o3] = RunKairos({"restore", "--from", dir_ + "/other.db", "--db", db});
  EXPECT_EQ(c3, 1);
  EXPECT_NE(o3.find("not a Kairos database"), std::string::npos) << o3;

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"backup", "--db", "postgresql://kairos:secret@db.internal/kairos", "--to", dir_ + "/b.db"},
           {"restore", "--db", "postgresql://kairos:secret@db.internal/kairos", "--from", dir_ + "/b.db"}}) {
    auto [code, out] = RunKairos(args);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find(args[0] == "backup" ? "pg_dump" : "pg_restore"), std::string::npos) << out;
    EXPECT_EQ(out.find("secret"), std::string::npos) << out;
  }
  EXPECT_NE(RunKairos({"backup", "--db", db}).first, 0) << "--to is required";
}

class OperationsConfig : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  // The worker-threads value a server started with, from its debug settings line.
  static std::string WorkerThreads(ServerProcess& server) {
    server.Stop(SIGTERM);
    std::string log = server.Log();
    auto at = log.find("worker-threads=");
    if (at == std::string::npos) return "not logged: " + log;
    at += std::string("worker-threads=").size();
    return log.substr(at, log.find(' ', at) - at);
  }
  std::string dir_;
};

TEST_F(OperationsConfig, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  std::string file = Write("kairos.toml", "worker-threads = 5\nlog-level = \"debug\"\n");
  {
    ServerProcess server({.args = {"--log-level", "debug"}});
    EXPECT_EQ(WorkerThreads(server), "8") << "the default";
  }
  {
    ServerProcess server({.args = {"--config", file}});
    EXPECT_EQ(WorkerThreads(server), "5") << "the file (whose log-level applies too)";
  }
  {
    ServerProcess server({.args = {"--config", file}, .env = {{"KAIROS_WORKER_THREADS", "6"}}});
    EXPECT_EQ(WorkerThreads(server), "6") << "the environment over the file";
  }
  {
    ServerProcess server({.args = {"--config", file, "--worker-threads", "7"}, .env = {{"KAIROS_WORKER_THREADS", "6"}}});
    EXPECT_EQ(WorkerThreads(server), "7") << "the flag over both";
  }
  {
    ServerProcess server({.env = {{"KAIROS_CONFIG", file}}});
    EXPECT_EQ(WorkerThreads(server), "5") << "KAIROS_CONFIG names the file";
  }
}

// GET and HEAD run on the I/O threads with SQLite and on the worker pool with PostgreSQL
// unless --read-threads says otherwise; wherever they run, concurrent clients that write
// and read on real sockets each read back what they wrote.
TEST_F(OperationsConfig, ReadsRunWhereReadThreadsSays) {
  auto where = [](ServerProcess& server) {
    server.Stop(SIGTERM);
    std::string log = server.Log();
    auto at = log.find("read-threads=");
    if (at == std::string::npos) return "not logged: " + log;
    at += std::string("read-threads=").size();
    return log.substr(at, log.find(' ', at) - at);
  };
  struct Case {
    std::vector<std::string> args;
    std::string logged;
  };
  for (const Case& c : {Case{{}, PostgresBackend() ? "workers" : "io"}, Case{{"--read-threads", "0"}, "io"},
                        Case{{"--read-threads", "3"}, "3"}}) {
    std::vector<std::string> args = {"--log-level", "debug"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    ServerProcess server({.args = args});
    std::atomic<int> wrong{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&, t] {
        HttpClient mine(server.port());
        for (int i = 0; i < 10; ++i) {
          std::string name = "R" + std::to_string(t) + "x" + std::to_string(i);
          auto made = mine.Post("/consultant/", {{"first_name", name}, {"last_name", "Reader"}});
          if (made.status != 201) {
            ++wrong;
            continue;
          }
          auto read = mine.Get("/consultant/" + std::to_string(made.Json()["id"].get<std::int64_t>()) + "/");
          if (read.status != 200 || read.Json().value("first_name", "") != name) ++wrong;
        }
      });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(wrong.load(), 0) << "with " << ::testing::PrintToString(c.args);
    EXPECT_EQ(where(server), c.logged) << ::testing::PrintToString(c.args);
  }
}

TEST_F(OperationsConfig, TheFileConfiguresAServerAndOtherCommands) {
  std::string db = dir_ + "/from-file.db";
  std::string file = Write("kairos.toml",
                           "# every kind of value\n"
                           "db = \"" + db + "\"\n"
                           "body-limit = 2048\n"
                           "access-log = false\n"
                           "trusted-proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n"
                           "log-format = \"json\"\n");
  auto [code, out] = RunKairos({"migrate", "--config", file});
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(std::filesystem::exists(db)) << "migrate took db from the file";
  // A server: the test's own --db flag wins over the file's; the rest comes from the file.
  ServerProcess server({.args = {"--config", file}});
  HttpClient c(server.port());
  EXPECT_EQ(c.Request("POST", "/nowhere", std::string(4096, 'x')).status, 413) << "body-limit from the file";
  EXPECT_EQ(c.Get("/healthz").status, 200);
  server.Stop(SIGTERM);
  std::string log = server.Log();
  EXPECT_EQ(log.find("\"route\""), std::string::npos) << "access-log = false: " << log;
  EXPECT_NE(log.find("{\"time\""), std::string::npos) << "log-format from the file: " << log;
  EXPECT_NE(log.find(server.db_path()), std::string::npos) << "the --db flag beat the file";
}

TEST_F(OperationsConfig, CheckAcceptsAValidFile) {
  std::string file = Write("good.toml",
                           "listen = \"0.0.0.0:8080\"\n"
                           "db = '/var/lib/kairos/kairos.db'\n"
                           "login-max-failures = 10\n"
                           "secure-cookies = true\n"
                           "trusted-proxies = \"10.0.0.0/8,192.168.0.1\"\n"
                           "calendar-redirect-uris = [\n  \"https://app.example.com/cb\",\n]\n"
                           "log-level = \"warn\"\n");
  auto [code, out] = RunKairos({"config", "check", file});
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("ok (7 settings)"), std::string::npos) << out;
}

TEST_F(OperationsConfig, CheckRefusesWhatIsWrongNamingTheLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"# fine\nlistn = \"127.0.0.1:1\"\n", "line 2: unknown key \"listn\""},
      {"listen = 8080\n", "line 1: \"listen\" must be a string, not an integer"},
      {"\n\nlogin-max-failures = \"ten\"\n", "line 3: \"login-max-failures\" must be an integer, not a string"},
      {"secure-cookies = \"yes\"\n", "line 1: \"secure-cookies\" must be a boolean"},
      {"trusted-proxies = 5\n", "line 1: \"trusted-proxies\" must be a string or an array of strings"},
      {"io-threads = 100\n", "line 1: --io-threads: Value 100 not in range"},
      {"log-level = \"loud\"\n", "line 1: --log-level"},
      {"listen = \"nowhere\"\n", "line 1: listen address must be host:port"},
      {"trusted-proxies = [\"10.0.0.0/99\"]\n", "line 1: --trusted-proxies"},
      {"no-secure-cookies = true\n", "line 1: unknown key"},
      {"to = \"/tmp/x\"\n", "line 1: unknown key \"to\""},
      {"config = \"/etc/other.toml\"\n", "line 1: unknown key \"config\""},
      {"[server]\nlisten = \"x:1\"\n", "line 1: tables"},
      {"a = 1\nlisten = \"a:1\"\nlisten = \"b:1\"\n", "line 3: \"listen\" is set twice"},
      {"worker-threads = 2.5\n", "line 1: floats are not supported"},
  };
  for (const auto& [text, expected] : cases) {
    std::string file = Write("bad.toml", text);
    auto [code, out] = RunKairos({"config", "check", file});
    EXPECT_EQ(code, 2) << text << out;
    EXPECT_NE(out.find(file + ": " + expected), std::string::npos) << "for:\n" << text << "got: " << out;
  }
  auto [code, out] = RunKairos({"config", "check", dir_ + "/missing.toml"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("missing.toml"), std::string::npos) << out;
}

TEST_F(OperationsConfig, ABadFileStopsEveryCommandBeforeItStarts) {
  std::string file = Write("bad.toml", "worker-threads = \"many\"\n");
  auto [code, out] = RunKairos({"serve", "--listen", "127.0.0.1:0", "--db", dir_ + "/k.db", "--config", file});
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("bad.toml: line 1"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/k.db")) << "refused before the database is opened";
  auto [mcode, mout] = RunKairos({"migrate", "--db", dir_ + "/k.db"}, {{"KAIROS_CONFIG", file}});
  EXPECT_EQ(mcode, 2) << mout;
}

TEST(OperationsStartup, TheFirstLinesSayWhereWhatAndWhatNext) {
  if (PostgresBackend()) GTEST_SKIP() << "the SQLite wording is checked; PostgreSQL says PostgreSQL";
  std::string dir = MakeTempDir();
  std::string db = dir + "/k.db";
  {
    ServerProcess server({.db_path = db});
    server.Stop(SIGTERM);
    std::string log = server.Log();
    std::string url = "http://127.0.0.1:" + std::to_string(server.port());
    EXPECT_NE(log.find("listening on 127.0.0.1:" + std::to_string(server.port()) + " (" + url + ")"), std::string::npos)
        << log;
    EXPECT_NE(log.find("database: SQLite " + db + ", schema version "), std::string::npos) << log;
    EXPECT_NE(log.find("next step: no admin account yet; create one with: kairos user add --db " + db), std::string::npos)
        << log;
    EXPECT_NE(log.find("--role admin"), std::string::npos) << log;
    EXPECT_NE(log.find("API description: " + url + "/openapi.json"), std::string::npos) << log;
  }
  auto [code, out] = RunKairos({"user", "add", "--db", db, "--username", "root", "--email", "root@example.com",
                                "--role", "admin", "--password", "long enough password"});
  ASSERT_EQ(code, 0) << out;
  {
    ServerProcess server({.db_path = db});
    server.Stop(SIGTERM);
    EXPECT_EQ(server.Log().find("no admin account yet"), std::string::npos) << "an admin exists now";
    EXPECT_NE(server.Log().find("openapi.json"), std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST(OperationsStartup, ABusyPortIsReportedBeforeTheDatabaseIsTouched) {
  ServerProcess first;
  std::string dir = MakeTempDir();
  std::string db = dir + "/second/k.db";
  std::string listen = "127.0.0.1:" + std::to_string(first.port());
  auto [code, out] = RunKairos({"serve", "--listen", listen, "--db", db});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("cannot listen on " + listen), std::string::npos) << out;
  EXPECT_NE(out.find("in use"), std::string::npos) << out;
  EXPECT_EQ(out.find("migration"), std::string::npos) << "nothing was migrated: " << out;
  EXPECT_FALSE(std::filesystem::exists(dir + "/second")) << "the database was not even created";
  HttpClient c(first.port());
  EXPECT_EQ(c.Get("/healthz").status, 200) << "the first server is unharmed";
  std::filesystem::remove_all(dir);
}

TEST(OperationsStartup, MakeRunBuildsOnlyTheServer) {
  if (PostgresBackend()) GTEST_SKIP() << "nothing here depends on the database; run once";
  if (std::system("command -v make > /dev/null 2>&1") != 0) GTEST_SKIP() << "no make";
  std::string dir = MakeTempDir();
  std::string cmd = "make -n -C " KAIROS_TESTS_DIR "/.. run BUILD=" + dir + "/b > " + dir + "/out 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(dir + "/out");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("--target kairos "), std::string::npos) << text;
  EXPECT_EQ(text.find("kairos_http_tests"), std::string::npos) << text;
  EXPECT_FALSE(std::filesystem::exists(dir + "/b")) << "make -n ran nothing";
  std::filesystem::remove_all(dir);
}

// Runs a shell command; returns {exit status, stdout+stderr}.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string dir = MakeTempDir();
  int status = std::system(("( " + command + " ) > " + dir + "/out 2>&1").c_str());
  std::ifstream in(dir + "/out");
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
}

bool Have(const std::string& tool) { return Shell("command -v " + tool).first == 0; }

TEST(OperationsPackage, TheDefaultConfigurationIsValid) {
  if (PostgresBackend()) GTEST_SKIP() << "nothing here depends on the database; run once";
  auto [code, out] = RunKairos({"config", "check", KAIROS_TESTS_DIR "/../packaging/kairos.toml"});
  EXPECT_EQ(code, 0) << out;
}

TEST(OperationsPackage, TheUnitIsHardenedAndSystemdAcceptsIt) {
  if (PostgresBackend()) GTEST_SKIP() << "nothing here depends on the database; run once";
  std::ifstream in(KAIROS_TESTS_DIR "/../packaging/kairos.service");
  std::string unit((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::string line : {"User=kairos", "ProtectSystem=strict", "StateDirectory=kairos", "NoNewPrivileges=yes",
                           "CapabilityBoundingSet=\n", "PrivateTmp=yes", "ProtectHome=yes",
                           "Environment=KAIROS_CONFIG=/etc/kairos/kairos.toml", "ExecStart=/usr/bin/kairos serve"}) {
    EXPECT_NE(unit.find(line), std::string::npos) << line;
  }
  if (!Have("systemd-analyze")) GTEST_SKIP() << "no systemd-analyze";
  // verify wants the programs it names to exist: point them at the built binary.
  std::string dir = MakeTempDir();
  auto [code, out] = Shell("sed 's|/usr/bin/kairos|" KAIROS_BINARY "|g' " KAIROS_TESTS_DIR
                           "/../packaging/kairos.service > " + dir + "/kairos.service && systemd-analyze verify " + dir +
                           "/kairos.service");
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out.find("kairos.service:"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

TEST(OperationsPackage, TheDebianPackageBuildsAndLintianFindsNoError) {
  if (PostgresBackend()) GTEST_SKIP() << "nothing here depends on the database; run once";
  for (const char* tool : {"dpkg-deb", "dpkg-shlibdeps", "strip", "lintian"}) {
    if (!Have(tool)) GTEST_SKIP() << "no " << tool << " (scripts/install-deps.sh packaging installs it)";
  }
  std::string dir = MakeTempDir();
  auto [code, out] = Shell("bash " KAIROS_TESTS_DIR "/../scripts/build-deb.sh " KAIROS_BINARY " " + dir);
  ASSERT_EQ(code, 0) << out;
  std::string deb = out.substr(0, out.find('\n'));
  ASSERT_TRUE(std::filesystem::exists(deb)) << out;

  auto [ccode, contents] = Shell("dpkg-deb --contents " + deb);
  ASSERT_EQ(ccode, 0) << contents;
  for (std::string path : {"./usr/bin/kairos", "./lib/systemd/system/kairos.service", "./etc/kairos/kairos.toml",
                           "./usr/share/doc/kairos/copyright", "./usr/share/doc/kairos/changelog.gz",
                           "./usr/share/doc/kairos/README.md.gz", "./usr/share/doc/kairos/deployment.md.gz",
                           "./usr/share/man/man1/kairos.1.gz"}) {
    EXPECT_NE(contents.find(path + "\n"), std::string::npos) << path << " in\n" << contents;
  }
  auto [icode, control] = Shell("dpkg-deb --field " + deb + " Package Depends && dpkg-deb --info " + deb + " conffiles");
  EXPECT_EQ(icode, 0) << control;
  EXPECT_NE(control.find("Package: kairos"), std::string::npos) << control;
  EXPECT_NE(control.find("adduser"), std::string::npos) << control;
  EXPECT_NE(control.find("libsqlite3"), std::string::npos) << control;
  EXPECT_NE(control.find("/etc/kairos/kairos.toml"), std::string::npos) << "the configuration is a conffile";

  // The packaged binary runs (stripped, same program).
  std::string extracted = dir + "/x";
  auto [xcode, xout] = Shell("dpkg-deb --extract " + deb + " " + extracted + " && " + extracted + "/usr/bin/kairos version");
  EXPECT_EQ(xcode, 0) << xout;
  EXPECT_EQ(xout.rfind("kairos ", 0), 0u) << xout;

  auto [lcode, lout] = Shell("lintian --fail-on error " + deb);
  EXPECT_EQ(lcode, 0) << lout;
  EXPECT_EQ(lout.find("\nE: "), std::string::npos) << lout;
  EXPECT_NE(lout.rfind("E: ", 0), 0u) << lout;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kairos::testing
