// Walks the whole route table from /openapi.json and checks that every authenticated
// operation refuses missing, malformed, expired and revoked credentials with 401. New
// routes of any face are covered as soon as they are registered.
#include <gtest/gtest.h>

#include <random>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

struct Operation {
  std::string method;
  std::string path;  // parameters substituted
};

std::string RandomUuid() {
  static std::mt19937_64 rng(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      out.push_back('-');
    } else {
      out.push_back(i == 14 ? '4' : kHex[rng() % 16]);
    }
  }
  return out;
}

// A concrete path for an OpenAPI path template, from its parameters' schemas.
std::string Substitute(std::string path, const nlohmann::json& op) {
  if (!op.contains("parameters")) return path;
  for (const auto& p : op["parameters"]) {
    if (p["in"] != "path") continue;
    const auto& schema = p["schema"];
    std::string value = "x";
    if (schema["type"] == "integer") value = "1";
    else if (schema.value("format", "") == "uuid") value = RandomUuid();
    else if (schema.value("format", "") == "date") value = "2030-01-01";
    std::string placeholder = "{" + p["name"].get<std::string>() + "}";
    path.replace(path.find(placeholder), placeholder.size(), value);
  }
  return path;
}

std::vector<Operation> AuthenticatedOperations(HttpClient& c) {
  auto doc = c.Get("/openapi.json").Json();
  std::vector<Operation> out;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!op.contains("security") || op["security"].empty()) continue;
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out.push_back({upper, Substitute(path, op)});
    }
  }
  return out;
}

void ExpectAll401(HttpClient& c, const std::vector<Operation>& ops, const Headers& headers, const std::string& what) {
  for (const auto& op : ops) {
    auto r = c.Request(op.method, op.path, op.method == "GET" || op.method == "DELETE" ? "" : "{}", headers);
    EXPECT_EQ(r.status, 401) << what << ": " << op.method << " " << op.path << " → " << r.body;
    EXPECT_TRUE(r.Json().is_object()) << op.method << " " << op.path;
  }
}

TEST(RouteTable, EveryAuthenticatedRouteRefusesBadCredentials) {
  ServerProcess server;
  HttpClient c(server.port());
  auto ops = AuthenticatedOperations(c);
  ASSERT_FALSE(ops.empty());
  bool has_me = std::any_of(ops.begin(), ops.end(), [](const Operation& o) { return o.path == "/api/user/me/"; });
  EXPECT_TRUE(has_me) << "the walk reads the real table";

  ExpectAll401(c, ops, {}, "no credentials");
  ExpectAll401(c, ops, {{"Authorization", "Token not-a-token"}}, "malformed token");
  ExpectAll401(c, ops, {{"Authorization", "Bearer " + std::string(43, 'x')}}, "unknown token");
  ExpectAll401(c, ops, {{"Authorization", "Digest abc"}}, "unknown scheme");
  ExpectAll401(c, ops, {{"Cookie", "sessionid=forged"}}, "forged session");

  auto expired = SignUpAndLogin(c, "expired");
  ExecSql(server.db_path(), "UPDATE auth_tokens SET expires_at = 1 WHERE account_id = " + std::to_string(expired.id));
  ExpectAll401(c, ops, BearerAuth(expired), "expired token");
  ExpectAll401(c, ops, SessionAuthWithCsrf(expired), "expired session");

  auto revoked = SignUpAndLogin(c, "revoked");
  ASSERT_EQ(c.Post("/api/user/logout/", nlohmann::json::object(), TokenAuth(revoked)).status, 200);
  ExpectAll401(c, ops, TokenAuth(revoked), "revoked token");
}

}  // namespace
}  // namespace kairos::testing
