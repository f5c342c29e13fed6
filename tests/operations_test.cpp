// Running Kairos for real: the Host rule, logging, backups, the configuration file, and
// the first lines a server prints. Every test runs the real binary.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace kairos::testing
