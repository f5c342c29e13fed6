// The transport, router and operations routes, over real sockets against the real binary.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

class FoundationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({.args = {"--header-timeout-ms", "600", "--idle-timeout-ms", "5000"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ServerProcess* server_;

  void ExpectAlive() {
    HttpClient c(server_->port());
    EXPECT_EQ(c.Get("/healthz").status, 200);
  }
};
ServerProcess* FoundationTest::server_ = nullptr;

TEST_F(FoundationTest, HealthzAnswersJsonWithRequestId) {
  HttpClient c(server_->port());
  auto r = c.Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["status"], "ok");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("x-request-id").size(), 16u);
  auto r2 = c.Get("/healthz");
  EXPECT_NE(r.Header("x-request-id"), r2.Header("x-request-id"));
}

TEST_F(FoundationTest, EchoesAPlainClientRequestIdAndReplacesAHostileOne) {
  HttpClient c(server_->port());
  EXPECT_EQ(c.Get("/healthz", {{"X-Request-Id", "abc-123"}}).Header("x-request-id"), "abc-123");
  auto r = c.Get("/healthz", {{"X-Request-Id", "<script>alert(1)</script>"}});
  EXPECT_NE(r.Header("x-request-id"), "<script>alert(1)</script>");
  EXPECT_EQ(r.Header("x-request-id").size(), 16u);
}

TEST_F(FoundationTest, ReadyzChecksTheDatabase) {
  HttpClient c(server_->port());
  auto r = c.Get("/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["database"], "ok");
}

TEST_F(FoundationTest, MetricsCountRequestsByRouteAndStatus) {
  HttpClient c(server_->port());
  c.Get("/healthz");
  c.Get("/no/such/path");
  auto r = c.Get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.Header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find("kairos_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"), std::string::npos);
  EXPECT_NE(r.body.find("kairos_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"), std::string::npos);
  EXPECT_NE(r.body.find("kairos_http_request_duration_seconds_bucket{route=\"/healthz\",method=\"GET\","
                        "status_class=\"2xx\",le=\"+Inf\"}"),
            std::string::npos);
}

TEST_F(FoundationTest, OpenApiListsTheRouteTable) {
  HttpClient c(server_->port());
  auto doc = c.Get("/openapi.json").Json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["servers"][0]["url"], "/");
  EXPECT_TRUE(doc["paths"].contains("/healthz"));
  EXPECT_TRUE(doc["paths"]["/healthz"].contains("get"));
  EXPECT_TRUE(doc["paths"].contains("/openapi.json"));
}

TEST_F(FoundationTest, OpenApiOperationIdsAreUniqueAndUrlSafe) {
  HttpClient c(server_->port());
  auto doc = c.Get("/openapi.json").Json();
  std::set<std::string> ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      const std::string id = op["operationId"];
      EXPECT_FALSE(id.empty()) << method << " " << path;
      for (char ch : id) {
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') << id << " (" << method << " " << path << ")";
      }
      EXPECT_TRUE(ids.insert(id).second) << "duplicate operationId " << id;
      EXPECT_FALSE(op["responses"].empty()) << method << " " << path;
    }
  }
}

TEST_F(FoundationTest, UnknownPathIsJson404) {
  HttpClient c(server_->port());
  auto r = c.Get("/does-not-exist");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.Json().contains("detail"));
  EXPECT_EQ(c.Get("/healthz/").status, 404) << "trailing slashes are matched exactly";
}

TEST_F(FoundationTest, WrongMethodIs405WithAllow) {
  HttpClient c(server_->port());
  auto r = c.Post("/healthz", nlohmann::json::object());
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("allow"), "GET, HEAD");
  EXPECT_TRUE(r.Json().is_object());
}

TEST_F(FoundationTest, HeadHasNoBody) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse(true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), "15");
  EXPECT_EQ(c.Get("/healthz").status, 200) << "the connection is still in sync";
}

TEST_F(FoundationTest, OversizedBodyIs413BeforeItIsSent) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
  auto r = c.ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(r.Json().contains("detail"));
  ExpectAlive();
}

TEST_F(FoundationTest, OversizedChunkedBodyIs413) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk(64 * 1024, 'a');
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
  try {
    for (int i = 0; i < 20; ++i) c.SendRaw(std::string(size) + chunk + "\r\n");
  } catch (const std::exception&) {
    // The server may close before everything is sent; the response is still readable.
  }
  auto r = c.ReadResponse();
  EXPECT_EQ(r.status, 413);
  ExpectAlive();
}

TEST_F(FoundationTest, BodyJustUnderTheLimitIsRead) {
  HttpClient c(server_->port());
  std::string body(1024 * 1024 - 10, 'x');
  auto r = c.Request("POST", "/no-such-route", body);
  EXPECT_EQ(r.status, 404);
}

TEST_F(FoundationTest, HugeHeadersAre431) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
  auto r = c.ReadResponse();
  EXPECT_EQ(r.status, 431);
  ExpectAlive();
}

TEST_F(FoundationTest, MalformedRequestLineIs400AndServerLives) {
  for (std::string bad : {"GARBAGE\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
                          "\x01\x02\x03\r\n\r\n", "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    HttpClient c(server_->port());
    c.Connect();
    c.SendRaw(bad);
    try {
      auto r = c.ReadResponse();
      EXPECT_EQ(r.status, 400) << bad;
    } catch (const std::runtime_error&) {
      // Closing without an answer is also acceptable for bytes that are not HTTP at all.
    }
  }
  ExpectAlive();
}

TEST_F(FoundationTest, AbsoluteFormTargetIs400) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("GET http://example.com/healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.ReadResponse().status, 400);
}

TEST_F(FoundationTest, SlowHeadersAreCutOff) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.WaitClosed(5000)) << "a client that never finishes its headers is disconnected";
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  ExpectAlive();
}

TEST_F(FoundationTest, KeepAliveServesManyRequestsOnOneConnection) {
  HttpClient c(server_->port());
  for (int i = 0; i < 500; ++i) ASSERT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(c.connects(), 1);
}

TEST_F(FoundationTest, PipelinedRequestsAreAnsweredInOrder) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.ReadResponse().status, 200);
  EXPECT_EQ(c.ReadResponse().status, 404);
  EXPECT_EQ(c.ReadResponse().Json()["status"], "ready");
}

TEST_F(FoundationTest, ConnectionCloseIsHonoured) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(c.connected());
}

TEST_F(FoundationTest, ExpectContinueIsAnswered) {
  HttpClient c(server_->port());
  c.Connect();
  c.SendRaw("POST /nowhere HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  c.SendRaw("{}");
  EXPECT_EQ(c.ReadResponse().status, 404);
}

TEST_F(FoundationTest, RandomBytesNeverCrashOrYield500) {
  std::mt19937 rng(20261122);
  for (int i = 0; i < 200; ++i) {
    std::string junk;
    int len = 1 + static_cast<int>(rng() % 300);
    bool http_like = i % 2 == 0;
    if (http_like) junk = "POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(rng() % 50) + "\r\n";
    for (int j = 0; j < len; ++j) junk.push_back(static_cast<char>(rng() % 256));
    junk += "\r\n\r\n";
    HttpClient c(server_->port());
    c.Connect();
    try {
      c.SendRaw(junk);
      auto r = c.ReadResponse();
      EXPECT_LT(r.status, 500) << "case " << i;
    } catch (const std::runtime_error&) {
      // Closed without an answer, or the read timed out waiting for a body never sent.
    }
  }
  ExpectAlive();
}

TEST_F(FoundationTest, ManyConcurrentKeepAliveClientsAllGetCorrectAnswers) {
  constexpr int kThreads = 24;
  constexpr int kRequests = 150;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient c(server_->port());
      for (int i = 0; i < kRequests; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto r = c.Get(i % 3 == 0 ? "/readyz" : "/healthz", {{"X-Request-Id", id}});
        if (r.status == 200 && r.Header("x-request-id") == id) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests) << "every response matches its own request";
}

TEST(ServerLifecycle, AHandlerSlowerThanTheReadTimeoutsStillAnswers) {
  // A deliberately expensive password hash makes sign-up outlast the body timeout.
  ServerProcess server({.args = {"--body-timeout-ms", "150", "--header-timeout-ms", "150", "--argon2-opslimit", "12",
                                 "--argon2-memlimit", "67108864"}});
  HttpClient c(server.port());
  std::string body = R"({"username": "slowpoke", "email": "slow@example.com", "password": "Secret123!"})";
  c.Connect();
  // Headers and body in two writes, so the body is read under the body deadline.
  c.SendRaw("POST /api/user/sign_up/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  c.SendRaw(body);
  auto r = c.ReadResponse();
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(ServerLifecycle, GracefulShutdownFinishesTheRequestInFlight) {
  ServerProcess server({.args = {"--shutdown-timeout-ms", "10000"}});
  HttpClient busy(server.port());
  HttpClient idle(server.port());
  ASSERT_EQ(idle.Get("/healthz").status, 200);
  busy.Connect();
  busy.SendRaw("POST /in-flight HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server.Signal(SIGTERM);
  EXPECT_TRUE(idle.WaitClosed(5000)) << "idle connections are closed at once";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  HttpClient fresh(server.port());
  EXPECT_THROW(fresh.Get("/healthz"), std::runtime_error) << "no new connections after SIGTERM";
  busy.SendRaw("12345");
  auto r = busy.ReadResponse();
  EXPECT_EQ(r.status, 404) << "the request in flight is answered";
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(server.WaitExit(10000), 0);
  EXPECT_NE(server.Log().find("stopped"), std::string::npos);
}

TEST(ServerLifecycle, SigintAlsoStopsCleanly) {
  ServerProcess server;
  HttpClient c(server.port());
  ASSERT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(server.Stop(SIGINT), 0);
}

TEST(CommandLine, VersionHelpAndMigrate) {
  auto [code, out] = RunKairos({"version"});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out.rfind("kairos ", 0), 0u) << out;

  auto [hcode, help] = RunKairos({"serve", "--help"});
  EXPECT_EQ(hcode, 0);
  EXPECT_NE(help.find("KAIROS_LISTEN"), std::string::npos) << help;
  EXPECT_NE(help.find("KAIROS_DB"), std::string::npos);
  EXPECT_NE(help.find("--body-limit"), std::string::npos);

  std::string dir = MakeTempDir();
  std::string db = dir + "/nested/folder/k.db";
  auto [mcode, mout] = RunKairos({"migrate", "--db", db});
  EXPECT_EQ(mcode, 0) << mout;
  EXPECT_TRUE(std::filesystem::exists(db));

  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_prepare_v2(h, "SELECT MIN(version), COUNT(*) FROM schema_migrations", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  EXPECT_GE(sqlite3_column_int(st, 1), 1);
  sqlite3_finalize(st);
  sqlite3_close(h);

  // Running it again applies nothing and keeps the data.
  auto [again, again_out] = RunKairos({"migrate"}, {{"KAIROS_DB", db}});
  EXPECT_EQ(again, 0) << again_out;
  std::filesystem::remove_all(dir);
}

TEST(CommandLine, EnvironmentSelectsTheDatabase) {
  std::string dir = MakeTempDir();
  std::string db = dir + "/from-env.db";
  auto [code, out] = RunKairos({"migrate"}, {{"KAIROS_DB", db}});
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(std::filesystem::exists(db));
  std::filesystem::remove_all(dir);
}

TEST(CommandLine, BadFlagsFailClearly) {
  auto [code, out] = RunKairos({"serve", "--listen", "nonsense"});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("host:port"), std::string::npos) << out;
  auto [code2, out2] = RunKairos({"serve", "--io-threads", "0"});
  EXPECT_NE(code2, 0);
}

}  // namespace
}  // namespace kairos::testing
