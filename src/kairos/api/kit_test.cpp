#include "kairos/api/kit.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "kairos/api/authenticator.hpp"
#include "kairos/auth/credentials.hpp"

namespace kairos::api {
namespace {

TEST(Kit, CallerNeedsAPrincipal) {
  http::Request no_caller;
  EXPECT_THROW(Caller(no_caller), std::logic_error);
  http::Request with;
  with.principal = auth::Principal{.account_id = 4, .role = auth::Role::kCoach};
  EXPECT_EQ(Caller(with).account_id, 4);
}

TEST(Kit, CsrfCoversTheUnsafeMethods) {
  EXPECT_TRUE(IsUnsafeMethod(http::Method::kPost));
  EXPECT_TRUE(IsUnsafeMethod(http::Method::kDelete));
  EXPECT_TRUE(IsUnsafeMethod(http::Method::kOther));
  EXPECT_FALSE(IsUnsafeMethod(http::Method::kGet));
  EXPECT_FALSE(IsUnsafeMethod(http::Method::kHead));
}

http::Request WithQuery(std::string query) {
  http::Request r;
  r.query_string = std::move(query);
  return r;
}

TEST(Kit, IntegersInEachSyntax) {
  auto decimal = [](std::string_view t) { return ReadInteger(t, IntSyntax::kDecimal); };
  EXPECT_EQ(decimal("42")->value, 42);
  EXPECT_EQ(decimal("-7")->value, -7);
  EXPECT_FALSE(decimal("+7"));
  EXPECT_FALSE(decimal(" 7"));
  EXPECT_FALSE(decimal(""));
  EXPECT_FALSE(decimal("-"));
  EXPECT_FALSE(decimal("1.5"));
  EXPECT_TRUE(decimal("99999999999999999999")->saturated);
  EXPECT_EQ(decimal("99999999999999999999")->value, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(decimal("-99999999999999999999")->value, std::numeric_limits<std::int64_t>::min());
  EXPECT_FALSE(decimal("-9223372036854775808")->saturated);

  auto python = [](std::string_view t) { return ReadInteger(t, IntSyntax::kPython); };
  EXPECT_EQ(python(" +12 ")->value, 12);
  EXPECT_EQ(python("-3")->value, -3);
  EXPECT_FALSE(python("   "));
  EXPECT_FALSE(python("1x"));
  EXPECT_TRUE(python("99999999999999999999")->saturated);
}

TEST(Kit, QueryReaders) {
  auto req = WithQuery("limit=5&bad=x&day=2025-02-30&when=2025-03-01&big=123456789012345678901");
  auto limit = IntQuery(req, "limit", "limit must be between 1 and 100");
  ASSERT_TRUE(limit.ok());
  EXPECT_EQ(**limit, 5);
  EXPECT_FALSE(IntQuery(req, "absent", "m")->has_value());
  auto bad = IntQuery(req, "bad", "bad must be a number");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "bad must be a number");
  EXPECT_EQ(bad.error().field, "bad");
  EXPECT_EQ(**IntQuery(req, "big", "m"), std::numeric_limits<std::int64_t>::max());

  EXPECT_EQ(**QueryDate(req, "when"), Date{date::year{2025} / 3 / 1});
  EXPECT_FALSE(QueryDate(req, "absent")->has_value());
  auto day = QueryDate(req, "day");
  ASSERT_FALSE(day.ok());
  EXPECT_EQ(day.error().message.rfind("day: ", 0), 0u);
  EXPECT_EQ(day.error().field, "day");
}

TEST(Kit, PathIdsAndUuids) {
  http::Request req;
  req.params = {{"id", "12"}, {"huge", "99999999999999999999"}, {"word", "abc"}};
  EXPECT_EQ(PathInteger(req, "id"), 12);
  EXPECT_FALSE(PathInteger(req, "huge"));
  EXPECT_FALSE(PathInteger(req, "word"));
  EXPECT_EQ(NormalizedUuid("0F8FAD5B-D9CB-469F-A165-70867728950E"), "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(NormalizedUuid("Not-A-Uuid"), "Not-A-Uuid");
}

TEST(Kit, FaceErrorsMapConflictsAsTheDocumentSays) {
  const FaceErrors plain{http::ErrorStyle::kDetail};
  const FaceErrors as400{http::ErrorStyle::kErrorKey, ConflictStatus::k400};
  EXPECT_EQ(plain(Conflict("taken")).status, 409);
  EXPECT_EQ(plain(Conflict("taken")).body, R"({"detail":"taken"})");
  EXPECT_EQ(as400(Conflict("taken")).status, 400);
  EXPECT_EQ(as400(NotFound("gone")).status, 404);
  EXPECT_EQ(as400(NotFound("gone")).body, R"({"error":"gone"})");
  EXPECT_EQ(Named("date", InvalidArgument("bad", "date")).message, "date: bad");
}

// The router counts the session cookie as credentials only when told its name; the name
// is auth's, handed over by the face kit, so http knows none.
TEST(Kit, TheSessionCookieCountsOnlyWhenTheRouterIsToldItsName) {
  for (bool named : {false, true}) {
    http::Router router;
    FaceRoutes routes(router);
    routes.Add({http::Method::kGet, "/private", http::Access::kAuthenticated, http::ErrorStyle::kErrorKey, "x", "s", {},
                [](http::Request& r) { return http::JsonResponse(200, {{"id", Caller(r).account_id}}); }});
    router.SetAuthenticator(
        [](const http::Request& r) -> Result<auth::Principal> {
          if (r.Cookie(auth::kSessionCookie) == "good") return auth::Principal{.account_id = 9};
          return Unauthenticated("Invalid session.");
        },
        named ? std::string(auth::kSessionCookie) : std::string());
    http::Request req;
    req.path = "/private";
    req.headers.emplace_back("cookie", std::string(auth::kSessionCookie) + "=good");
    auto d = router.Dispatch(req);
    EXPECT_EQ(d.response.status, named ? 200 : 401);
    if (named) {
      EXPECT_EQ(d.response.body, R"({"id":9})");
    }
  }
}

// A request without credentials is told what the face's framework tells it.
TEST(Kit, FaceRoutesSayWhatTheirFrameworkSaysWithoutCredentials) {
  http::Router router;
  FaceRoutes routes(router);
  auto ok = [](http::Request&) { return http::JsonResponse(200, {}); };
  routes.Add({http::Method::kGet, "/fastapi", http::Access::kAuthenticated, http::ErrorStyle::kDetail, "x", "s", {}, ok});
  routes.Add({http::Method::kGet, "/drf", http::Access::kAuthenticated, http::ErrorStyle::kFieldKeyed, "x", "s", {}, ok});
  routes.Add({http::Method::kGet, "/flask", http::Access::kAuthenticated, http::ErrorStyle::kErrorKey, "x", "s", {}, ok});
  auto body = [&](std::string path) {
    http::Request req;
    req.path = std::move(path);
    auto d = router.Dispatch(req);
    EXPECT_EQ(d.response.status, 401);
    return d.response.body;
  };
  EXPECT_EQ(body("/fastapi"), R"({"detail":"Not authenticated"})");
  EXPECT_EQ(body("/drf"), R"({"detail":"Authentication credentials were not provided."})");
  EXPECT_EQ(body("/flask"), R"({"error":"Authentication credentials were not provided."})");
}

}  // namespace
}  // namespace kairos::api
