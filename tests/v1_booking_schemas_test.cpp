// Every answer of the /v1 slot, hold and booking routes fits the schema /openapi.json
// declares for its operation and status (and the status is declared at all): happy
// paths, refusals (409 and 422 with their reason), bad input, 401 and 404.
#include <gtest/gtest.h>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/json_schema.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"
#include "v1_support.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;
using namespace v1;

class V1BookingSchemasTest : public SharedServerTest<V1BookingSchemasTest> {
 protected:
  HttpClient c_{server_->port()};

  HttpResponse Call(const std::string& method, const std::string& target, const json& body = nullptr,
                    Headers headers = {}) {
    std::string text;
    if (!body.is_null()) {
      text = body.is_string() ? body.get<std::string>() : body.dump();
      headers.push_back({"Content-Type", "application/json"});
    }
    HttpResponse r = c_.Request(method, target, text, headers);
    if (r.status >= 400) EXPECT_EQ(r.Header("content-type"), "application/problem+json") << method << " " << target;
    static const json openapi = HttpClient(server_->port()).Get("/openapi.json").Json();
    std::string error;
    json schema = ResponseSchema(openapi, method, target, r.status, error);
    if (schema.is_null()) {
      ADD_FAILURE() << method << " " << target << " " << r.status << ": " << error << ": " << r.body;
      return r;
    }
    if (schema.contains("x-no-body")) {
      EXPECT_TRUE(r.body.empty()) << method << " " << target;
      return r;
    }
    if (r.Header("content-type").rfind("text/calendar", 0) == 0) return r;
    json parsed = json::parse(r.body, nullptr, false);
    if (parsed.is_discarded()) {
      ADD_FAILURE() << method << " " << target << ": not JSON: " << r.body;
      return r;
    }
    for (const auto& e : SchemaErrors(schema, parsed, openapi)) {
      ADD_FAILURE() << method << " " << target << " " << r.status << " breaks its schema at " << e << "\n" << r.body;
    }
    return r;
  }
};

TEST_F(V1BookingSchemasTest, EveryAnswerFitsItsDeclaredSchema) {
  auto host = SignUpAndLogin(c_, Unique("schemahost"));
  auto other = SignUpAndLogin(c_, Unique("schemaother"));
  EventTypeSpec spec;
  spec.requires_confirmation = true;
  spec.limit_per_day = 3;
  auto et = MakeEventType(*server_, host, spec);
  const auto auth = BearerAuth(host);

  EXPECT_EQ(Call("GET", "/v1/slots?event_type_id=" + et + "&start=2030-03-04&end=2030-03-05").status, 200);
  EXPECT_EQ(Call("GET", "/v1/slots?event_type_id=" + et + "&start=2030-03-04").status, 400);
  EXPECT_EQ(Call("GET", "/v1/slots?event_type_id=" + NewUuid() + "&start=2030-03-04&end=2030-03-05").status, 404);
  const std::string explain = "/v1/slots/explain?event_type_id=" + et + "&start=";
  EXPECT_EQ(Call("GET", explain + "2030-03-04T08:00:00Z", nullptr, auth).status, 200);
  EXPECT_EQ(Call("GET", explain + "2030-03-04T08:00:00Z").status, 401);
  EXPECT_EQ(Call("GET", explain + "2030-03-04T08:00:00Z", nullptr, BearerAuth(other)).status, 403);
  EXPECT_EQ(Call("GET", explain + "soon", nullptr, auth).status, 400);

  auto hold = Call("POST", "/v1/holds", {{"event_type_id", et}, {"start", "2030-03-04T08:00:00Z"}});
  ASSERT_EQ(hold.status, 201);
  EXPECT_EQ(Call("POST", "/v1/holds", {{"event_type_id", et}, {"start", "2030-03-04T08:00:00Z"}}).status, 409);
  EXPECT_EQ(Call("POST", "/v1/holds", {{"event_type_id", et}, {"start", "2020-03-02T08:00:00Z"}}).status, 422);
  EXPECT_EQ(Call("POST", "/v1/holds", {{"event_type_id", et}}).status, 400);
  EXPECT_EQ(Call("POST", "/v1/holds", {{"event_type_id", NewUuid()}, {"start", "2030-03-04T08:00:00Z"}}).status, 404);
  EXPECT_EQ(Call("GET", explain + "2030-03-04T08:00:00Z", nullptr, auth).Json()["reason"], "held");
  EXPECT_EQ(Call("DELETE", "/v1/holds/" + hold.Json()["id"].get<std::string>()).status, 204);
  EXPECT_EQ(Call("DELETE", "/v1/holds/" + hold.Json()["id"].get<std::string>()).status, 404);

  auto booked = Call("POST", "/v1/bookings", BookingBody(et, "2030-03-04T08:00:00Z"), {{"Idempotency-Key", "s1"}});
  ASSERT_EQ(booked.status, 201);
  EXPECT_EQ(Call("POST", "/v1/bookings", BookingBody(et, "2030-03-04T08:00:00Z"), {{"Idempotency-Key", "s1"}}).status,
            201);
  EXPECT_EQ(Call("POST", "/v1/bookings", BookingBody(et, "2030-03-04T09:00:00Z"), {{"Idempotency-Key", "s1"}}).status,
            422);
  EXPECT_EQ(Call("POST", "/v1/bookings", BookingBody(et, "2030-03-04T08:00:00Z")).status, 409);
  EXPECT_EQ(Call("POST", "/v1/bookings", BookingBody(et, "2020-03-02T08:00:00Z")).status, 422);
  EXPECT_EQ(Call("POST", "/v1/bookings", json{{"event_type_id", et}}).status, 400);
  const std::string id = booked.Json()["id"];
  const std::string token = booked.Json()["manage_token"];
  const std::string path = "/v1/bookings/" + id;

  EXPECT_EQ(Call("GET", "/v1/bookings", nullptr, auth).status, 200);
  EXPECT_EQ(Call("GET", "/v1/bookings?status=nope", nullptr, auth).status, 400);
  EXPECT_EQ(Call("GET", "/v1/bookings").status, 401);
  EXPECT_EQ(Call("GET", path, nullptr, auth).status, 200);
  EXPECT_EQ(Call("GET", path + "?token=" + token).status, 200);
  EXPECT_EQ(Call("GET", path).status, 401);
  EXPECT_EQ(Call("GET", path, nullptr, BearerAuth(other)).status, 404);
  EXPECT_EQ(Call("GET", path + ".ics?token=" + token).status, 200);

  EXPECT_EQ(Call("POST", path + "/reschedule?token=" + token, {{"start", "2030-03-04T09:00:00Z"}}).status, 200);
  auto second = Call("POST", "/v1/bookings", BookingBody(et, "2030-03-04T10:00:00Z"));
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(Call("POST", path + "/reschedule?token=" + token, {{"start", "2030-03-04T10:00:00Z"}}).status, 409);
  EXPECT_EQ(Call("POST", path + "/reschedule?token=" + token, {{"start", "2020-03-02T08:00:00Z"}}).status, 422);
  EXPECT_EQ(Call("POST", path + "/reschedule?token=" + token, {{"start", "later"}}).status, 400);
  EXPECT_EQ(Call("POST", path + "/reschedule", {{"start", "2030-03-04T11:00:00Z"}}).status, 401);
  EXPECT_EQ(Call("POST", path + "/confirm", nullptr, auth).status, 200);
  EXPECT_EQ(Call("POST", path + "/confirm", nullptr, auth).status, 409);
  EXPECT_EQ(Call("POST", path + "/decline", nullptr, BearerAuth(other)).status, 404);
  const std::string second_path = "/v1/bookings/" + second.Json()["id"].get<std::string>();
  EXPECT_EQ(Call("POST", second_path + "/decline", {{"reason", 3}}, auth).status, 400);
  EXPECT_EQ(Call("POST", second_path + "/decline", {{"reason", "No"}}, auth).status, 200);
  EXPECT_EQ(Call("POST", path + "/cancel?token=" + token, {{"reason", "Ill"}}).status, 200);
  EXPECT_EQ(Call("POST", path + "/cancel?token=" + token, nullptr).status, 409);
  EXPECT_EQ(Call("POST", path + "/cancel").status, 401);
}

}  // namespace
}  // namespace kairos::testing
