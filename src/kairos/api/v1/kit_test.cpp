#include "kairos/api/v1/kit.hpp"

#include <gtest/gtest.h>

#include "kairos/api/ops/ops_routes.hpp"

namespace kairos::api::v1 {
namespace {

http::Request WithQuery(std::string query) {
  http::Request r;
  r.query_string = std::move(query);
  return r;
}

http::Request WithBody(std::string body) {
  http::Request r;
  r.method = http::Method::kPost;
  r.body = std::move(body);
  return r;
}

TEST(V1Kit, ProblemsAreProblemJson) {
  auto r = Fail(InvalidArgument("weekly[2].start must be before its end.", "weekly[2].start"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = json::parse(r.body);
  EXPECT_EQ(body["status"], 400);
  EXPECT_EQ(body["title"], "Bad Request");
  EXPECT_EQ(body["errors"][0]["field"], "weekly[2].start");
  EXPECT_EQ(Fail(Unauthenticated("no")).status, 401);
  EXPECT_EQ(Fail(Forbidden("no")).status, 403);
  EXPECT_EQ(Fail(NotFound("no")).status, 404);
  EXPECT_EQ(Fail(Conflict("taken", "slug")).status, 409);
  EXPECT_EQ(Unprocessable(InvalidArgument("no")).status, 422);
  auto throttled = Fail(TooManyRequests("slow down", 7));
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.Header("Retry-After"), "7");
  EXPECT_EQ(NoContent().status, 204);
  EXPECT_EQ(Created(json::object()).status, 201);
}

TEST(V1Kit, TimestampsAreRfc3339AndAnsweredInUtc) {
  auto t = ParseTimestamp("2027-03-01T10:00:00+01:00", "start");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatTimestamp(*t), "2027-03-01T09:00:00Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2027-03-01T09:00:00Z", "start")), "2027-03-01T09:00:00Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2027-03-01t09:00:00.250z", "start")), "2027-03-01T09:00:00Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2027-03-01T04:30:00-04:30", "start")), "2027-03-01T09:00:00Z");
  for (const char* bad : {"2027-03-01 09:00:00Z", "2027-03-01T09:00Z", "2027-03-01T09:00:00", "2027-02-30T09:00:00Z",
                          "2027-03-01T25:00:00Z", "2027-03-01T09:00:00+0100", "2027-03-01T09:00:00.Z", "",
                          "2027-03-01T09:00:00Zjunk"}) {
    auto r = ParseTimestamp(bad, "start");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "start");
  }
}

TEST(V1Kit, ClocksDaysAndZones) {
  EXPECT_EQ(ParseClock("09:30", "s")->count(), 9 * 3600 + 30 * 60);
  EXPECT_FALSE(ParseClock("24:00", "s").ok());
  EXPECT_EQ(ParseClock("24:00", "e", true)->count(), 86400);
  EXPECT_FALSE(ParseClock("9:30", "s").ok());
  EXPECT_FALSE(ParseClock("09:30:00", "s").ok());
  EXPECT_FALSE(ParseClock("23:60", "s").ok());
  EXPECT_EQ(ParseClock("x", "weekly[0].start").error().field, "weekly[0].start");
  EXPECT_EQ(FormatClock(TimeOfDay{86400}), "24:00");
  EXPECT_EQ(FormatClock(TimeOfDay{9 * 3600}), "09:00");
  EXPECT_EQ(FormatDay(*ParseDay("2027-03-01", "date")), "2027-03-01");
  EXPECT_FALSE(ParseDay("2027-02-30", "date").ok());
  EXPECT_TRUE(ParseZone("Europe/Berlin", "time_zone").ok());
  EXPECT_EQ(ParseZone("Mars/Olympus", "time_zone").error().field, "time_zone");
}

TEST(V1Kit, PagesReadLimitAndCursor) {
  auto def = ReadPage(WithQuery(""));
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->limit, 50u);
  EXPECT_FALSE(def->after);
  EXPECT_EQ(ReadPage(WithQuery("limit=200"))->limit, 200u);
  for (const char* bad : {"limit=0", "limit=201", "limit=x", "limit=-1", "limit=", "limit=99999999999999999999"}) {
    auto r = ReadPage(WithQuery(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "limit");
  }
  service::PageKey key{"1700000000", 42};
  std::string cursor = EncodeCursor(key);
  for (char c : cursor) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << cursor;
  EXPECT_EQ(DecodeCursor(cursor), key);
  auto page = ReadPage(WithQuery("cursor=" + cursor + "&limit=3"));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->after, key);
  EXPECT_EQ(page->limit, 3u);
  for (const std::string& bad : std::vector<std::string>{"x", "!!!!", "", "WzFd", cursor + "A", std::string(600, 'A')}) {
    auto r = ReadPage(WithQuery("cursor=" + bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "cursor");
  }
}

TEST(V1Kit, PageJsonCarriesTheNextCursor) {
  service::PageRequest q{.limit = 2};
  auto page = service::TakePage(std::vector<int>{1, 2, 3}, q, [](int v) { return service::PageKey{"", v}; });
  auto body = PageJson(page, [](int v) { return json(v); });
  EXPECT_EQ(body["data"], json::array({1, 2}));
  EXPECT_EQ(DecodeCursor(body["next_cursor"].get<std::string>())->id, 2);
  auto last = service::TakePage(std::vector<int>{1, 2}, q, [](int v) { return service::PageKey{"", v}; });
  EXPECT_TRUE(PageJson(last, [](int v) { return json(v); })["next_cursor"].is_null());
}

TEST(V1Kit, OptionalCallerIsThePrincipalWhenPresent) {
  http::Request anonymous;
  EXPECT_EQ(OptionalCaller(anonymous), nullptr);
  http::Request signed_in;
  signed_in.principal = auth::Principal{.account_id = 3};
  ASSERT_NE(OptionalCaller(signed_in), nullptr);
  EXPECT_EQ(OptionalCaller(signed_in)->account_id, 3);
}

TEST(V1Kit, BodiesAreStrict) {
  auto body = ReadBody(WithBody(R"({"name": "x", "extra": 1})"));
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(body->RequiredString("name", 10).ok());
  auto unknown = body->RejectUnknownFields();
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "extra");
  EXPECT_FALSE(ReadBody(WithBody("{")).ok());
  EXPECT_FALSE(ReadBody(WithBody("[]")).ok());
  auto typed = ReadBody(WithBody(R"({"n": "3"})"));
  EXPECT_FALSE(typed->RequiredInt("n").ok()) << "strict: a string is no integer";
}

TEST(V1Kit, NestedObjectsNameTheirFields) {
  json v = json::parse(R"({"day": "monday", "start": 9, "end": "17:00", "junk": true})");
  auto reader = ObjectReader::Of(v, "weekly[2]");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*reader->RequiredString("day", 10), "monday");
  auto start = reader->RequiredString("start", 5);
  ASSERT_FALSE(start.ok());
  EXPECT_EQ(start.error().field, "weekly[2].start");
  EXPECT_EQ(reader->RequiredString("missing", 5).error().field, "weekly[2].missing");
  EXPECT_FALSE(reader->RequiredInt("end").ok());
  EXPECT_EQ(reader->RejectUnknownFields().error().field, "weekly[2].junk");
  EXPECT_EQ(ObjectReader::Of(json::array(), "limits").error().field, "limits");
  json n = json::parse(R"({"a": 1, "b": 1.5, "c": false, "d": null})");
  auto r2 = ObjectReader::Of(n, "");
  EXPECT_EQ(*r2->RequiredInt("a"), 1);
  EXPECT_FALSE(r2->RequiredInt("b").ok());
  EXPECT_EQ(**r2->OptionalBool("c"), false);
  EXPECT_FALSE(r2->OptionalInt("d").ok()) << "null is not an integer unless a field reads it raw";
  EXPECT_TRUE(r2->RejectUnknownFields().ok());
}

TEST(V1Kit, RoutesDocumentSchemasInOpenApi) {
  http::Router router;
  http::Route route{http::Method::kPost, "/v1/things/{id:uuid}", http::Access::kAuthenticated, kStyle, "v1", "Make",
                    PageParams(), [](http::Request&) { return NoContent(); }};
  route.doc.request_body = schema::Object({{"name", schema::String(10)}}, {"name"});
  route.doc.responses = WithProblems({Success(201, "made", schema::Object({}, {}), "Thing")}, {400, 401});
  route.doc.path_params["id"] = "The thing's id.";
  DocumentPageParams(route.doc);
  router.Add(std::move(route));
  router.Add({http::Method::kGet, "/plain/", http::Access::kPublic, http::ErrorStyle::kDetail, "x", "Plain", {},
              [](http::Request&) { return NoContent(); }});
  auto doc = BuildOpenApi(router);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["servers"][0]["url"], "/");
  const auto& op = doc["paths"]["/v1/things/{id}"]["post"];
  EXPECT_EQ(op["operationId"], "post_v1_things_id");
  EXPECT_EQ(op["parameters"][0]["description"], "The thing's id.");
  EXPECT_EQ(op["parameters"][1]["schema"]["maximum"], 200);
  EXPECT_EQ(op["requestBody"]["content"]["application/json"]["schema"]["required"][0], "name");
  EXPECT_EQ(op["responses"]["201"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Thing");
  EXPECT_EQ(op["responses"]["400"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem");
  EXPECT_TRUE(doc["components"]["schemas"].contains("Problem"));
  EXPECT_TRUE(doc["paths"]["/plain/"]["get"]["responses"].contains("default"));
  EXPECT_EQ(doc["paths"]["/plain/"]["get"]["operationId"], "get_plain");
}

}  // namespace
}  // namespace kairos::api::v1
