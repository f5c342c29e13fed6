// Running Kairos for real: the Host rule, logging, backups, the configuration file, and
// the first lines a server prints. Every test runs the real binary.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/accounts.hpp"
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

}  // namespace
}  // namespace kairos::testing
