#include "kairos/http/router.hpp"

#include <gtest/gtest.h>

namespace kairos::http {
namespace {

Handler Echo(std::string name) {
  return [name](Request& r) {
    Response resp;
    resp.body = name;
    for (const auto& [k, v] : r.params) resp.body += "|" + k + "=" + v;
    return resp;
  };
}

Request Make(Method m, std::string path) {
  Request r;
  r.method = m;
  r.path = std::move(path);
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add({Method::kGet, "/users/time-slots/summary", Access::kPublic, ErrorStyle::kDetail, "t", "s", {}, Echo("summary")});
    router_.Add({Method::kGet, "/users/time-slots/{slot_id:uuid}", Access::kPublic, ErrorStyle::kDetail, "t", "s", {}, Echo("slot")});
    router_.Add({Method::kPut, "/users/time-slots/{slot_id:uuid}", Access::kPublic, ErrorStyle::kDetail, "t", "s", {}, Echo("put")});
    router_.Add({Method::kGet, "/api/event/", Access::kPublic, ErrorStyle::kErrMessage, "m", "s", {}, Echo("events")});
    router_.Add({Method::kPatch, "/api/event/{id:int}/", Access::kPublic, ErrorStyle::kErrMessage, "m", "s", {}, Echo("patch")});
    router_.Add({Method::kGet, "/consultants/availabilities/{date:date}/", Access::kPublic, ErrorStyle::kErrorKey, "c", "s", {}, Echo("day")});
    router_.Add({Method::kGet, "/things/{name}", Access::kPublic, ErrorStyle::kDetail, "x", "s", {}, Echo("thing")});
    router_.Add({Method::kGet, "/private", Access::kAuthenticated, ErrorStyle::kErrorKey, "x", "s", {}, Echo("private"),
                 "Sign in first."});
    router_.SetPrefixStyle("/api/", ErrorStyle::kErrMessage);
  }
  Router router_;
};

TEST_F(RouterTest, LiteralSegmentsWinOverParameters) {
  auto r = Make(Method::kGet, "/users/time-slots/summary");
  EXPECT_EQ(router_.Dispatch(r).response.body, "summary");
}

TEST_F(RouterTest, TypedParametersAreCheckedAndCaptured) {
  auto ok = Make(Method::kGet, "/users/time-slots/123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(router_.Dispatch(ok).response.body, "slot|slot_id=123e4567-e89b-12d3-a456-426614174000");
  auto bad = Make(Method::kGet, "/users/time-slots/not-a-uuid");
  EXPECT_EQ(router_.Dispatch(bad).response.status, 404);
  auto id = Make(Method::kPatch, "/api/event/42/");
  EXPECT_EQ(router_.Dispatch(id).response.body, "patch|id=42");
  auto neg = Make(Method::kPatch, "/api/event/-1/");
  EXPECT_EQ(router_.Dispatch(neg).response.status, 404);
  auto day = Make(Method::kGet, "/consultants/availabilities/2024-12-25/");
  EXPECT_EQ(router_.Dispatch(day).response.body, "day|date=2024-12-25");
  auto any = Make(Method::kGet, "/things/hello");
  EXPECT_EQ(router_.Dispatch(any).response.body, "thing|name=hello");
  auto empty = Make(Method::kGet, "/things/");
  EXPECT_EQ(router_.Dispatch(empty).response.status, 404);
}

TEST_F(RouterTest, TrailingSlashesAreExact) {
  auto without = Make(Method::kGet, "/api/event");
  EXPECT_EQ(router_.Dispatch(without).response.status, 404);
  auto with = Make(Method::kGet, "/api/event/");
  EXPECT_EQ(router_.Dispatch(with).response.body, "events");
}

TEST_F(RouterTest, WrongMethodIs405WithAllowInTheFaceStyle) {
  auto r = Make(Method::kDelete, "/users/time-slots/123e4567-e89b-12d3-a456-426614174000");
  auto d = router_.Dispatch(r);
  EXPECT_EQ(d.response.status, 405);
  EXPECT_EQ(d.response.Header("Allow"), "GET, HEAD, PUT");
  auto m = Make(Method::kPost, "/api/event/");
  auto dm = router_.Dispatch(m);
  EXPECT_EQ(dm.response.status, 405);
  EXPECT_NE(dm.response.body.find("err_message"), std::string::npos);
}

TEST_F(RouterTest, RoutesAtListsEveryMethodOfAPath) {
  auto at = router_.RoutesAt("/users/time-slots/123e4567-e89b-12d3-a456-426614174000");
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(at[0]->pattern, "/users/time-slots/{slot_id:uuid}");
  EXPECT_EQ(at[0]->method, Method::kGet);
  EXPECT_EQ(at[1]->method, Method::kPut);
  EXPECT_TRUE(router_.RoutesAt("/users/time-slots/not-a-uuid").empty());
  EXPECT_TRUE(router_.RoutesAt("/nowhere").empty());
}

TEST_F(RouterTest, HeadUsesTheGetRoute) {
  auto r = Make(Method::kHead, "/api/event/");
  EXPECT_EQ(router_.Dispatch(r).response.body, "events");
}

TEST_F(RouterTest, AuthenticatedRoutesNeedTheAuthenticator) {
  auto r = Make(Method::kGet, "/private");
  auto d = router_.Dispatch(r);
  EXPECT_EQ(d.response.status, 401);
  // The words are the route's (its face's), in the route's style.
  EXPECT_EQ(d.response.body, R"({"error":"Sign in first."})");
  EXPECT_EQ(d.response.Header("WWW-Authenticate"), "Bearer");
  router_.Add({Method::kGet, "/private-detail", Access::kAuthenticated, ErrorStyle::kDetail, "x", "s", {}, Echo("p"),
               "Who are you?"});
  auto detail = Make(Method::kGet, "/private-detail");
  EXPECT_EQ(router_.Dispatch(detail).response.body, R"({"detail":"Who are you?"})");
  // An authenticated route that would say nothing is a programming error.
  EXPECT_THROW(router_.Add({Method::kGet, "/mute", Access::kAuthenticated, ErrorStyle::kDetail, "x", "s", {}, Echo("m")}),
               std::invalid_argument);

  router_.SetAuthenticator([](const Request& req) -> Result<auth::Principal> {
    if (req.Header("authorization") == "Token good") return auth::Principal{7, "u", auth::Role::kCoach};
    return Unauthenticated("Invalid token.");
  });
  auto bad = Make(Method::kGet, "/private");
  bad.headers.emplace_back("authorization", "Token bad");
  EXPECT_EQ(router_.Dispatch(bad).response.status, 401);
  auto good = Make(Method::kGet, "/private");
  good.headers.emplace_back("authorization", "Token good");
  EXPECT_EQ(router_.Dispatch(good).response.body, "private");
  EXPECT_EQ(good.principal->account_id, 7);

  // Public routes ignore bad credentials but pick up good ones.
  auto pub = Make(Method::kGet, "/api/event/");
  pub.headers.emplace_back("authorization", "Token bad");
  EXPECT_EQ(router_.Dispatch(pub).response.status, 200);
  EXPECT_FALSE(pub.principal.has_value());
}

TEST_F(RouterTest, HandlerExceptionsBecome500AndUnavailableBecomes503) {
  Router router;
  router.Add({Method::kGet, "/boom", Access::kPublic, ErrorStyle::kErrorKey, "x", "s", {},
              [](Request&) -> Response { throw std::runtime_error("secret detail"); }});
  router.Add({Method::kGet, "/busy", Access::kPublic, ErrorStyle::kDetail, "x", "s", {},
              [](Request&) -> Response { throw UnavailableError("db down"); }});
  std::string logged;
  router.on_exception = [&](const Request&, const std::string& what) { logged = what; };
  auto boom = Make(Method::kGet, "/boom");
  auto d = router.Dispatch(boom);
  EXPECT_EQ(d.response.status, 500);
  EXPECT_EQ(d.response.body.find("secret"), std::string::npos) << "internal details stay in the log";
  EXPECT_EQ(logged, "secret detail");
  auto busy = Make(Method::kGet, "/busy");
  auto b = router.Dispatch(busy);
  EXPECT_EQ(b.response.status, 503);
  EXPECT_EQ(b.response.Header("Retry-After"), "1");
}

TEST(RouterAdd, RejectsDuplicatesAndBadPatterns) {
  Router router;
  router.Add({Method::kGet, "/a", Access::kPublic, ErrorStyle::kDetail, "", "", {}, Echo("a")});
  EXPECT_THROW(router.Add({Method::kGet, "/a", Access::kPublic, ErrorStyle::kDetail, "", "", {}, Echo("a")}),
               std::invalid_argument);
  EXPECT_THROW(router.Add({Method::kGet, "nope", Access::kPublic, ErrorStyle::kDetail, "", "", {}, Echo("a")}),
               std::invalid_argument);
  EXPECT_THROW(router.Add({Method::kGet, "/x/{id:float}", Access::kPublic, ErrorStyle::kDetail, "", "", {}, Echo("a")}),
               std::invalid_argument);
}

TEST(ErrorStyles, EachFaceHasItsShape) {
  Error e = InvalidArgument("Start time must be before end time", "start_time");
  EXPECT_EQ(ErrorResponse(ErrorStyle::kDetail, e).body, R"({"detail":"Start time must be before end time"})");
  EXPECT_EQ(ErrorResponse(ErrorStyle::kErrMessage, e).body, R"({"err_message":["Start time must be before end time"]})");
  EXPECT_EQ(ErrorResponse(ErrorStyle::kFieldKeyed, e).body, R"({"start_time":["Start time must be before end time"]})");
  EXPECT_EQ(ErrorResponse(ErrorStyle::kErrorKey, e).body, R"({"error":"Start time must be before end time"})");
  EXPECT_EQ(ErrorResponse(ErrorStyle::kFieldKeyed, NotFound("Not found.")).body, R"({"detail":"Not found."})");
  EXPECT_EQ(ErrorResponse(ErrorStyle::kDetail, e).status, 400);
  EXPECT_EQ(ErrorResponse(ErrorStyle::kDetail, e, 422).status, 422);
}

// Django's APPEND_SLASH, only under the prefixes that ask for it, only when the
// slash-less path matches nothing and the slashed one matches a route.
TEST_F(RouterTest, AppendSlashRedirectsUnderItsPrefixes) {
  router_.SetAppendSlash("/api/event/");
  Request r = Make(Method::kPost, "/api/event");
  r.target = "/api/event?a=1&b=%20";
  r.query_string = "a=1&b=%20";
  auto d = router_.Dispatch(r);
  EXPECT_EQ(d.response.status, 301);
  EXPECT_EQ(d.response.Header("Location"), "/api/event/?a=1&b=%20");
  EXPECT_EQ(d.route, nullptr);

  Request id = Make(Method::kGet, "/api/event/7");
  id.target = "/api/event/7";
  EXPECT_EQ(router_.Dispatch(id).response.Header("Location"), "/api/event/7/");
  Request none = Make(Method::kGet, "/api/event/x");
  none.target = "/api/event/x";
  EXPECT_EQ(router_.Dispatch(none).response.status, 404) << "no slashed route matches";
  Request other = Make(Method::kGet, "/consultants/availabilities/2030-01-01");
  other.target = other.path;
  EXPECT_EQ(router_.Dispatch(other).response.status, 404) << "not under a prefix that asked";
  Request slashed = Make(Method::kGet, "/api/event/");
  slashed.target = slashed.path;
  EXPECT_EQ(router_.Dispatch(slashed).response.body, "events");
}

}  // namespace
}  // namespace kairos::http
