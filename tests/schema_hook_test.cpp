// The schema hook (support/schema_hook.hpp): responses of documented faces are checked
// against the running server's /openapi.json, and a response that breaks its declared
// schema fails the test.
#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>

#include <functional>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/json_schema.hpp"
#include "support/schema_hook.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

const char* kUnknownCoach =
    "/booking/coach/00000000-0000-4000-8000-000000000000/availability?start_date=2030-01-07&end_date=2030-01-08";

class SchemaHookTest : public SharedServerTest<SchemaHookTest> {
 protected:
  json OpenApi() {
    HttpClient c(server_->port());
    return c.Get("/openapi.json").Json();
  }

  // A response the served document accepts is refused once the named schema is made to
  // disagree with it: by CheckResponse, and through the client, which fails the running
  // test. `send` makes the request (it runs twice).
  void ExpectCaught(const std::string& method, const std::string& target, const std::string& schema_name,
                    const std::function<void(json&)>& break_schema, const std::function<HttpResponse(HttpClient&)>& send,
                    const std::string& operation_id) {
    HttpClient c(server_->port());
    HttpResponse r = send(c);
    json doc = OpenApi();
    ASSERT_EQ(CheckResponse(doc, method, target, r.status, r.body), "") << r.body;
    ASSERT_TRUE(doc["components"]["schemas"].contains(schema_name)) << schema_name;
    break_schema(doc["components"]["schemas"][schema_name]);
    std::string error = CheckResponse(doc, method, target, r.status, r.body);
    EXPECT_NE(error.find(operation_id), std::string::npos) << error;
    EXPECT_NE(error.find("breaks its schema"), std::string::npos) << error;
    SetOpenApiForPort(server_->port(), doc);
    EXPECT_NONFATAL_FAILURE(send(c), "breaks its schema");
    SetOpenApiForPort(server_->port(), nullptr);
  }
};

TEST_F(SchemaHookTest, DocumentedFacesDeclareEveryOperation) {
  json doc = OpenApi();
  int operations = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    if (!SchemaChecked(path)) continue;
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      ++operations;
      const json& responses = op["responses"];
      // The faces answer any other status in their error shape (/v1 lists its problems).
      if (path.rfind("/v1/", 0) != 0) {
        EXPECT_TRUE(responses.contains("default") && responses["default"].contains("content"))
            << method << " " << path << " has no default error schema";
      }
      bool success = false;
      for (const auto& [status, r] : responses.items()) {
        success = success || (status.front() == '2' && (status == "204" || r.contains("content")));
      }
      EXPECT_TRUE(success) << method << " " << path << " declares no success response with its body";
    }
  }
  // 000 time slots (11), 001 coach bookings (7) and calendar integration (12), 002 (13),
  // 003 (12), 004 (15)
  EXPECT_GE(operations, 70);
}

// Every route of the server, on every face, /v1 and the operations routes, declares at
// least one response of its own status (not only `default`), with its body's schema or as
// a 204 without a body.
TEST_F(SchemaHookTest, EveryOperationDeclaresItsAnswer) {
  json doc = OpenApi();
  int operations = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      ++operations;
      bool declared = false;
      for (const auto& [status, r] : op["responses"].items()) {
        if (status == "default") continue;
        bool schema = r.contains("content") && !r["content"].empty() && r["content"].begin()->contains("schema");
        // No content (204) and redirects (3xx) have no body to describe.
        declared = declared || schema || status == "204" || status.front() == '3';
      }
      EXPECT_TRUE(declared) << method << " " << path << " declares only a default response";
    }
  }
  EXPECT_GE(operations, 70);
}

TEST_F(SchemaHookTest, AResponseThatFitsPasses) {
  HttpClient c(server_->port());
  auto r = c.Get(kUnknownCoach);  // checked by the hook; no failure expected
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(CheckResponse(OpenApi(), "GET", kUnknownCoach, r.status, r.body), "");
}

TEST_F(SchemaHookTest, AWronglyDeclaredSchemaIsCaught) {
  HttpClient c(server_->port());
  auto r = c.Get(kUnknownCoach);
  ASSERT_EQ(r.status, 404) << r.body;

  // Declare the face's error as {"error": "..."} instead of {"detail": "..."}.
  json wrong = OpenApi();
  ASSERT_TRUE(wrong["components"]["schemas"].contains("DetailError"));
  wrong["components"]["schemas"]["DetailError"] = {
      {"type", "object"}, {"properties", {{"error", {{"type", "string"}}}}}, {"required", {"error"}},
      {"additionalProperties", false}};
  std::string error = CheckResponse(wrong, "GET", kUnknownCoach, r.status, r.body);
  EXPECT_NE(error.find("get_booking_coach_coach_id_availability"), std::string::npos) << error;
  EXPECT_NE(error.find("404"), std::string::npos) << error;
  EXPECT_NE(error.find("/booking/coach/00000000-0000-4000-8000-000000000000/availability"), std::string::npos)
      << error;
  EXPECT_NE(error.find("breaks its schema"), std::string::npos) << error;
  EXPECT_NE(error.find(r.body), std::string::npos) << error;

  // Through the client: the hook fails the running test.
  SetOpenApiForPort(server_->port(), wrong);
  EXPECT_NONFATAL_FAILURE(c.Get(kUnknownCoach), "breaks its schema");
  SetOpenApiForPort(server_->port(), nullptr);
}

TEST_F(SchemaHookTest, AStatusNeitherDeclaredNorDefaultPasses) {
  json doc = OpenApi();
  json& responses = doc["paths"]["/booking/coach/{coach_id}/availability"]["get"]["responses"];
  responses.erase("404");
  responses.erase("default");
  EXPECT_EQ(CheckResponse(doc, "GET", kUnknownCoach, 404, R"({"detail":"Coach not found"})"), "");
  EXPECT_TRUE(Undocumented().count("get_booking_coach_coach_id_availability 404"));
  // With a default schema, an undeclared status is checked against it.
  responses["default"] = {{"description", "any"},
                          {"content", {{"application/json", {{"schema", {{"type", "array"}}}}}}}};
  EXPECT_NE(CheckResponse(doc, "GET", kUnknownCoach, 404, R"({"detail":"Coach not found"})"), "");
}

// One route of each face covered after the first ones: a schema that disagrees with what
// the route answers is caught.
TEST_F(SchemaHookTest, CalendarIntegrationResponsesAreChecked) {
  HttpClient c(server_->port());
  TestAccount a = SignUpAndLogin(c, Unique("hookcal"));
  ExpectCaught("GET", "/calendar/connections", "CalendarConnections",
               [](json& s) { s["required"].push_back("total"); },
               [&](HttpClient& client) {
                 auto r = client.Get("/calendar/connections", BearerAuth(a));
                 EXPECT_EQ(r.status, 200) << r.body;
                 return r;
               },
               "get_calendar_connections");
}

TEST_F(SchemaHookTest, BusinessResponsesAreChecked) {
  HttpClient c(server_->port());
  TestAccount a = SignUpAndLogin(c, Unique("hookbiz"));
  ExpectCaught("GET", "/api/exchanges/", "ExchangePage",
               [](json& s) { s["properties"]["count"] = {{"type", "string"}}; },
               [&](HttpClient& client) {
                 auto r = client.Get("/api/exchanges/", TokenAuth(a));
                 EXPECT_EQ(r.status, 200) << r.body;
                 return r;
               },
               "get_api_exchanges");
}

TEST_F(SchemaHookTest, ConsultantResponsesAreChecked) {
  HttpClient c(server_->port());
  auto created = c.Post("/consultant/", {{"first_name", "Hook"}, {"last_name", "Consultant"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string target = "/consultant/" + std::to_string(created.Json()["id"].get<std::int64_t>()) + "/";
  ExpectCaught("GET", target, "Consultant", [](json& s) { s["properties"]["id"] = {{"type", "string"}}; },
               [&](HttpClient& client) {
                 auto r = client.Get(target);
                 EXPECT_EQ(r.status, 200) << r.body;
                 return r;
               },
               "get_consultant_id");
}

// The operations routes are not under a checked prefix (the hook's own fetch would count
// in /metrics), so they are checked here.
TEST_F(SchemaHookTest, OperationsRoutesFitTheirSchemas) {
  json doc = OpenApi();
  HttpClient c(server_->port());
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/openapi.json"}) {
    auto r = c.Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(CheckResponse(doc, "GET", path, r.status, r.body), "") << path;
    EXPECT_FALSE(doc["paths"][path]["get"]["responses"]["200"]["content"].empty()) << path;
  }
  auto r = c.Request("POST", "/healthz", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(CheckResponse(doc, "POST", "/healthz", r.status, r.body), "");  // no such operation
}

}  // namespace
}  // namespace kairos::testing
