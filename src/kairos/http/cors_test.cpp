#include "kairos/http/cors.hpp"

#include <gtest/gtest.h>

namespace kairos::http {
namespace {

CorsPolicy Policy(std::vector<std::string> entries) {
  auto p = CorsPolicy::Parse(entries);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : CorsPolicy{};
}

Request Preflight(std::string origin, std::string method, std::string headers = {}) {
  Request r;
  r.method = Method::kOptions;
  r.path = "/api/things";
  r.headers = {{"origin", std::move(origin)}, {"access-control-request-method", std::move(method)}};
  if (!headers.empty()) r.headers.emplace_back("access-control-request-headers", std::move(headers));
  return r;
}

TEST(Cors, NoOriginsMeansOff) {
  CorsPolicy off = Policy({});
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.Matches("https://app.example.com"), CorsPolicy::Match::kNone);
  Request r;
  r.headers = {{"origin", "https://app.example.com"}};
  Response resp;
  ApplyCors(off, r, resp);
  EXPECT_TRUE(resp.headers.empty());
}

TEST(Cors, OriginsMatchExactly) {
  CorsPolicy p = Policy({"https://app.example.com, http://localhost:3000", "https://Other.example.com"});
  EXPECT_TRUE(p.enabled());
  EXPECT_EQ(p.Matches("https://app.example.com"), CorsPolicy::Match::kExact);
  EXPECT_EQ(p.Matches("http://localhost:3000"), CorsPolicy::Match::kExact);
  EXPECT_EQ(p.Matches("https://other.example.com"), CorsPolicy::Match::kExact) << "hosts are case-insensitive";
  EXPECT_EQ(p.Matches("HTTPS://APP.EXAMPLE.COM"), CorsPolicy::Match::kExact);
  EXPECT_EQ(p.Matches("http://app.example.com"), CorsPolicy::Match::kNone) << "the scheme is part of the origin";
  EXPECT_EQ(p.Matches("https://app.example.com:8443"), CorsPolicy::Match::kNone) << "so is the port";
  EXPECT_EQ(p.Matches("http://localhost"), CorsPolicy::Match::kNone);
  EXPECT_EQ(p.Matches("https://evil.app.example.com"), CorsPolicy::Match::kNone) << "no suffix matching";
  EXPECT_EQ(p.Matches("https://app.example.com.evil"), CorsPolicy::Match::kNone) << "no prefix matching";
  EXPECT_EQ(p.Matches(""), CorsPolicy::Match::kNone);
  EXPECT_EQ(p.Matches("null"), CorsPolicy::Match::kNone);
}

TEST(Cors, StarMatchesAnyOtherOriginButNotNull) {
  CorsPolicy p = Policy({"*,https://app.example.com"});
  EXPECT_EQ(p.Matches("https://app.example.com"), CorsPolicy::Match::kExact);
  EXPECT_EQ(p.Matches("https://anyone.example"), CorsPolicy::Match::kAny);
  EXPECT_EQ(p.Matches("null"), CorsPolicy::Match::kNone);
  EXPECT_EQ(p.Matches(""), CorsPolicy::Match::kNone);
}

TEST(Cors, MalformedOriginsAreRefused) {
  for (std::string bad : {"app.example.com", "https://app.example.com/", "https://app.example.com/path",
                          "https://", "https://user@app.example.com", "https://app.example.com:port",
                          "https://app.example.com?x", "null", "://app.example.com", "https://a b.com"}) {
    auto p = CorsPolicy::Parse({bad});
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_NE(p.error().message.find("--cors-origins: "), std::string::npos) << p.error().message;
    }
  }
  EXPECT_TRUE(CorsPolicy::Parse({"http://[::1]:8080"}).ok());
  EXPECT_TRUE(CorsPolicy::Parse({"http://127.0.0.1:3000"}).ok());
}

TEST(Cors, IsPreflightNeedsOptionsOriginAndRequestMethod) {
  EXPECT_TRUE(IsPreflight(Preflight("https://a.example", "POST")));
  Request r = Preflight("https://a.example", "POST");
  r.method = Method::kGet;
  EXPECT_FALSE(IsPreflight(r));
  Request no_method;
  no_method.method = Method::kOptions;
  no_method.headers = {{"origin", "https://a.example"}};
  EXPECT_FALSE(IsPreflight(no_method));
}

TEST(Cors, PreflightFromAListedOrigin) {
  CorsPolicy p = Policy({"https://app.example.com"});
  auto answer = AnswerPreflight(p, Preflight("https://app.example.com", "PATCH", "content-type, x-secret, authorization"),
                                {Method::kPatch, Method::kGet, Method::kDelete});
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 204);
  EXPECT_TRUE(answer->body.empty());
  EXPECT_EQ(answer->Header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(answer->Header("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(answer->Header("Access-Control-Allow-Methods"), "GET, HEAD, PATCH, DELETE");
  EXPECT_EQ(answer->Header("Access-Control-Allow-Headers"), "content-type, authorization") << "x-secret is not allowed";
  EXPECT_EQ(answer->Header("Access-Control-Max-Age"), "600");
  EXPECT_EQ(answer->Header("Vary"), "Origin, Access-Control-Request-Headers");
}

TEST(Cors, PreflightWithoutRequestedHeadersHasNoAllowHeaders) {
  CorsPolicy p = Policy({"https://app.example.com"});
  auto answer = AnswerPreflight(p, Preflight("https://app.example.com", "POST"), {Method::kPost});
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->Header("Access-Control-Allow-Methods"), "POST");
  EXPECT_TRUE(answer->Header("Access-Control-Allow-Headers").empty());
}

TEST(Cors, PreflightWithStarHasNoCredentials) {
  CorsPolicy p = Policy({"*"});
  auto answer = AnswerPreflight(p, Preflight("https://anyone.example", "GET", "X-CSRFToken"), {Method::kGet});
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 204);
  EXPECT_EQ(answer->Header("Access-Control-Allow-Origin"), "*");
  EXPECT_TRUE(answer->Header("Access-Control-Allow-Credentials").empty());
  EXPECT_EQ(answer->Header("Access-Control-Allow-Headers"), "X-CSRFToken");
}

TEST(Cors, PreflightFromAnotherOriginIsRefusedWithoutCorsHeaders) {
  CorsPolicy p = Policy({"https://app.example.com"});
  auto answer = AnswerPreflight(p, Preflight("https://evil.example", "POST", "authorization"), {Method::kPost});
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 403);
  for (const auto& [name, value] : answer->headers) {
    EXPECT_NE(name.rfind("Access-Control-", 0), 0u) << name;
  }
}

TEST(Cors, PreflightOnAPathWithoutRoutesIsLeftToTheRouter) {
  CorsPolicy p = Policy({"https://app.example.com"});
  EXPECT_FALSE(AnswerPreflight(p, Preflight("https://app.example.com", "GET"), {}).has_value());
}

TEST(Cors, SimpleResponses) {
  CorsPolicy p = Policy({"https://app.example.com"});
  Request from_app;
  from_app.headers = {{"origin", "https://app.example.com"}};
  Response r;
  r.SetHeader("Vary", "Accept");
  ApplyCors(p, from_app, r);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(r.Header("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(r.Header("Access-Control-Expose-Headers"), "X-Request-Id, Retry-After, Location");
  EXPECT_EQ(r.Header("Vary"), "Accept, Origin");

  Request from_elsewhere;
  from_elsewhere.headers = {{"origin", "https://evil.example"}};
  Response other;
  ApplyCors(p, from_elsewhere, other);
  EXPECT_TRUE(other.Header("Access-Control-Allow-Origin").empty());
  EXPECT_EQ(other.Header("Vary"), "Origin") << "a cache must still tell the answers apart";

  Request no_origin;
  Response plain;
  ApplyCors(p, no_origin, plain);
  EXPECT_TRUE(plain.Header("Access-Control-Allow-Origin").empty());
}

}  // namespace
}  // namespace kairos::http
