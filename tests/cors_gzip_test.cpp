// Browsers on other origins (CORS, --cors-origins) and gzip-compressed responses, over
// real sockets against the real binary.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

constexpr char kApp[] = "https://app.example.com";
constexpr char kExchange[] = "/api/exchanges/123e4567-e89b-12d3-a456-426614174000/";

std::vector<std::string> CorsHeaderNames(const HttpResponse& r) {
  std::vector<std::string> out;
  for (const auto& [name, value] : r.headers) {
    if (name.rfind("access-control-", 0) == 0) out.push_back(name);
  }
  return out;
}

bool VaryHas(const HttpResponse& r, const std::string& field) {
  for (const auto& v : r.AllHeaders("vary")) {
    if (v.find(field) != std::string::npos) return true;
  }
  return false;
}

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return "(inflateInit2 failed)";
  std::string out;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "(not a gzip stream)";
}

class Cors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({.args = {"--cors-origins", std::string(kApp) + ",http://localhost:3000"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline ServerProcess* server_ = nullptr;
};

TEST_F(Cors, PreflightFromAnAllowedOriginIs204WithEveryHeader) {
  HttpClient c(server_->port());
  auto r = c.Request("OPTIONS", kExchange, "",
                     {{"Origin", kApp},
                      {"Access-Control-Request-Method", "PATCH"},
                      {"Access-Control-Request-Headers", "authorization, content-type, x-csrftoken, x-not-allowed"}});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.Header("access-control-allow-origin"), kApp);
  EXPECT_EQ(r.Header("access-control-allow-credentials"), "true");
  EXPECT_EQ(r.Header("access-control-allow-methods"), "GET, HEAD, PUT, PATCH, DELETE") << "from the router";
  EXPECT_EQ(r.Header("access-control-allow-headers"), "authorization, content-type, x-csrftoken")
      << "only the requested headers on the allow-list are echoed";
  EXPECT_EQ(r.Header("access-control-max-age"), "600");
  EXPECT_TRUE(VaryHas(r, "Origin"));
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(r.Header("x-request-id").empty());

  auto other = c.Request("OPTIONS", "/api/event/7/", "",
                         {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "PUT"},
                          {"Access-Control-Request-Headers", "Idempotency-Key,X-Requested-With"}});
  EXPECT_EQ(other.status, 204);
  EXPECT_EQ(other.Header("access-control-allow-origin"), "http://localhost:3000");
  EXPECT_EQ(other.Header("access-control-allow-methods"), "GET, HEAD, PUT, PATCH");
  EXPECT_EQ(other.Header("access-control-allow-headers"), "Idempotency-Key, X-Requested-With");
}

TEST_F(Cors, PreflightFromAnotherOriginIs403WithoutCorsHeaders) {
  HttpClient c(server_->port());
  for (std::string origin : {"https://evil.example", "http://app.example.com", "https://app.example.com:444", "null"}) {
    auto r = c.Request("OPTIONS", kExchange, "",
                       {{"Origin", origin}, {"Access-Control-Request-Method", "DELETE"},
                        {"Access-Control-Request-Headers", "authorization"}});
    EXPECT_EQ(r.status, 403) << origin;
    EXPECT_EQ(CorsHeaderNames(r), std::vector<std::string>{}) << origin;
  }
}

TEST_F(Cors, PreflightOnAPathWithoutRoutesIsAnsweredAsBefore) {
  HttpClient c(server_->port());
  auto r = c.Request("OPTIONS", "/nowhere", "", {{"Origin", kApp}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.Header("access-control-allow-methods").empty());
}

TEST_F(Cors, OptionsThatIsNoPreflightGoesToTheRouter) {
  HttpClient c(server_->port());
  auto r = c.Request("OPTIONS", "/openapi.json", "", {{"Origin", kApp}});
  EXPECT_EQ(r.status, 405) << "as without CORS";
  EXPECT_EQ(r.Header("allow"), "GET, HEAD");
  EXPECT_EQ(r.Header("access-control-allow-origin"), kApp) << "so the script can read the answer";
}

TEST_F(Cors, SimpleRequestFromAnAllowedOrigin) {
  HttpClient c(server_->port());
  auto r = c.Get("/healthz", {{"Origin", kApp}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("access-control-allow-origin"), kApp);
  EXPECT_EQ(r.Header("access-control-allow-credentials"), "true");
  EXPECT_EQ(r.Header("access-control-expose-headers"), "X-Request-Id, Retry-After, Location");
  EXPECT_TRUE(VaryHas(r, "Origin"));
  EXPECT_TRUE(r.Header("access-control-allow-methods").empty()) << "only preflights list methods";

  auto refused = c.Get("/api/event/", {{"Origin", kApp}});
  EXPECT_EQ(refused.status, 401) << "no credentials";
  EXPECT_EQ(refused.Header("access-control-allow-origin"), kApp) << "errors are readable too";
  EXPECT_EQ(refused.Header("access-control-allow-credentials"), "true");
}

TEST_F(Cors, SimpleRequestWithoutOriginOrFromAnotherOriginHasNoCorsHeaders) {
  HttpClient c(server_->port());
  auto none = c.Get("/healthz");
  EXPECT_EQ(none.status, 200);
  EXPECT_TRUE(CorsHeaderNames(none).empty());
  EXPECT_TRUE(VaryHas(none, "Origin")) << "caches must keep answers to different origins apart";

  auto other = c.Get("/healthz", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other.status, 200) << "the server answers; the browser withholds it from the script";
  EXPECT_TRUE(CorsHeaderNames(other).empty());
}

TEST(CorsOff, WithoutTheFlagNothingChanges) {
  ServerProcess s;
  HttpClient c(s.port());
  auto simple = c.Get("/healthz", {{"Origin", kApp}});
  EXPECT_EQ(simple.status, 200);
  EXPECT_TRUE(CorsHeaderNames(simple).empty());
  EXPECT_FALSE(VaryHas(simple, "Origin"));
  auto preflight = c.Request("OPTIONS", kExchange, "", {{"Origin", kApp}, {"Access-Control-Request-Method", "PATCH"}});
  EXPECT_EQ(preflight.status, 405) << "OPTIONS is answered as by any route without it";
  EXPECT_EQ(preflight.Header("allow"), "GET, HEAD, PUT, PATCH, DELETE");
  EXPECT_TRUE(CorsHeaderNames(preflight).empty());
}

TEST(CorsStar, AnyOriginWithoutCredentialsFromTheEnvironment) {
  ServerProcess s({.env = {{"KAIROS_CORS_ORIGINS", "*"}}});
  HttpClient c(s.port());
  auto simple = c.Get("/healthz", {{"Origin", "https://anyone.example"}});
  EXPECT_EQ(simple.Header("access-control-allow-origin"), "*");
  EXPECT_TRUE(simple.Header("access-control-allow-credentials").empty()) << "never with *";
  EXPECT_EQ(simple.Header("access-control-expose-headers"), "X-Request-Id, Retry-After, Location");
  auto preflight = c.Request("OPTIONS", "/healthz", "",
                             {{"Origin", "https://anyone.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), "*");
  EXPECT_TRUE(preflight.Header("access-control-allow-credentials").empty());
  EXPECT_EQ(preflight.Header("access-control-allow-methods"), "GET, HEAD");
}

TEST(CorsConfig, TheFileKeyWorksAndBadOriginsAreRefused) {
  std::string dir = MakeTempDir();
  {
    std::ofstream(dir + "/k.toml") << "cors-origins = [\"https://app.example.com\", \"http://localhost:3000\"]\n";
    ServerProcess s({.args = {"--config", dir + "/k.toml"}});
    HttpClient c(s.port());
    EXPECT_EQ(c.Get("/healthz", {{"Origin", "http://localhost:3000"}}).Header("access-control-allow-origin"),
              "http://localhost:3000");
  }
  std::ofstream(dir + "/bad.toml") << "cors-origins = \"https://app.example.com/\"\n";
  auto [check_code, check_out] = RunKairos({"config", "check", dir + "/bad.toml"});
  EXPECT_EQ(check_code, 2) << check_out;
  EXPECT_NE(check_out.find("line 1: --cors-origins: \"https://app.example.com/\""), std::string::npos) << check_out;

  auto [code, out] =
      RunKairos({"serve", "--listen", "127.0.0.1:0", "--db", dir + "/k.db", "--cors-origins", "app.example.com"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("--cors-origins: \"app.example.com\""), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

class Gzip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline ServerProcess* server_ = nullptr;
};

TEST_F(Gzip, OpenApiIsServedCompressedWhenAsked) {
  HttpClient c(server_->port());
  auto plain = c.Get("/openapi.json");
  ASSERT_EQ(plain.status, 200);
  ASSERT_GT(plain.body.size(), 1024u);
  EXPECT_TRUE(plain.Header("content-encoding").empty());

  auto zipped = c.Get("/openapi.json", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.Header("content-encoding"), "gzip");
  EXPECT_TRUE(VaryHas(zipped, "Accept-Encoding"));
  EXPECT_EQ(zipped.Header("content-type"), plain.Header("content-type"));
  EXPECT_EQ(zipped.Header("content-length"), std::to_string(zipped.body.size()));
  EXPECT_LT(zipped.body.size(), plain.body.size() / 2);
  std::string unzipped = Gunzip(zipped.body);
  EXPECT_EQ(unzipped, plain.body);
  EXPECT_EQ(nlohmann::json::parse(unzipped), plain.Json());

  auto weighted = c.Get("/openapi.json", {{"Accept-Encoding", "br;q=1.0, gzip;q=0.5"}});
  EXPECT_EQ(weighted.Header("content-encoding"), "gzip");
}

TEST_F(Gzip, IdentityWhenGzipIsRefusedOrNotAsked) {
  HttpClient c(server_->port());
  for (std::string ae : {"gzip;q=0", "identity", "br, gzip;q=0, *;q=1", ""}) {
    Headers h;
    if (!ae.empty()) h.emplace_back("Accept-Encoding", ae);
    auto r = c.Get("/openapi.json", h);
    EXPECT_EQ(r.status, 200) << ae;
    EXPECT_TRUE(r.Header("content-encoding").empty()) << ae;
    EXPECT_TRUE(VaryHas(r, "Accept-Encoding")) << ae;
    EXPECT_NO_THROW(r.Json()) << ae;
  }
}

TEST_F(Gzip, SmallResponsesAndHeadAreNotCompressed) {
  HttpClient c(server_->port());
  auto small = c.Get("/healthz", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small.status, 200);
  EXPECT_TRUE(small.Header("content-encoding").empty());
  EXPECT_EQ(small.Json()["status"], "ok");

  auto plain = c.Get("/openapi.json");
  auto head = c.Request("HEAD", "/openapi.json", "", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.Header("content-encoding").empty());
  EXPECT_EQ(head.Header("content-length"), std::to_string(plain.body.size()));
  EXPECT_TRUE(head.body.empty());
  auto after = c.Get("/healthz");
  EXPECT_EQ(after.status, 200) << "the connection is still in step after HEAD";
}

TEST(GzipWithCors, BothVaryFieldsAreListed) {
  ServerProcess s({.args = {"--cors-origins", kApp}});
  HttpClient c(s.port());
  auto r = c.Get("/openapi.json", {{"Origin", kApp}, {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(r.Header("content-encoding"), "gzip");
  EXPECT_EQ(r.Header("access-control-allow-origin"), kApp);
  EXPECT_EQ(r.Header("vary"), "Origin, Accept-Encoding");
}

}  // namespace
}  // namespace kairos::testing
