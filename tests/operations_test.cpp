// Running Kairos for real: the Host rule, logging, backups, the configuration file, and
// the first lines a server prints. Every test runs the real binary.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace kairos::testing
