#include "support/accounts.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/database.hpp"

namespace kairos::testing {

TestAccount LogIn(HttpClient& client, TestAccount a) {
  auto r = client.Post("/api/user/login/", {{"username", a.username}, {"password", a.password}});
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return a;
  auto body = r.Json();
  a.id = body["user"]["id"].get<std::int64_t>();
  a.uuid = body["user"]["uuid"].get<std::string>();
  a.token = body["auth_token"].get<std::string>();
  a.session_id = SetCookieValue(r, "sessionid");
  a.csrf_token = SetCookieValue(r, "csrftoken");
  return a;
}

TestAccount SignUpAndLogin(HttpClient& client, const std::string& username, const nlohmann::json& extra) {
  TestAccount a;
  a.username = username;
  a.email = username + "@example.com";
  a.password = "correct horse battery staple";
  nlohmann::json body = {{"username", a.username}, {"email", a.email}, {"password", a.password}};
  if (extra.is_object()) body.update(extra);
  auto r = client.Post("/api/user/sign_up/", body);
  EXPECT_EQ(r.status, 200) << r.body;
  return LogIn(client, a);
}

Headers BearerAuth(const TestAccount& a) { return {{"Authorization", "Bearer " + a.token}}; }
Headers TokenAuth(const TestAccount& a) { return {{"Authorization", "Token " + a.token}}; }
Headers SessionAuth(const TestAccount& a) { return {{"Cookie", "sessionid=" + a.session_id + "; csrftoken=" + a.csrf_token}}; }
Headers SessionAuthWithCsrf(const TestAccount& a) {
  Headers h = SessionAuth(a);
  h.emplace_back("X-CSRFToken", a.csrf_token);
  return h;
}

std::string SetCookieHeader(const HttpResponse& response, const std::string& name) {
  for (const auto& value : response.AllHeaders("set-cookie")) {
    if (value.rfind(name + "=", 0) == 0) return value;
  }
  return "";
}

std::string SetCookieValue(const HttpResponse& response, const std::string& name) {
  std::string header = SetCookieHeader(response, name);
  if (header.empty()) return "";
  return header.substr(name.size() + 1, header.find(';') - name.size() - 1);
}

void SetRole(const ServerProcess& server, const std::string& username, const std::string& role) {
  auto [code, out] = RunKairos({"user", "set-role", "--db", server.db_path(), "--username", username, "--role", role});
  ASSERT_EQ(code, 0) << out;
}

void ExecSql(const std::string& db_path, const std::string& sql) {
  if (IsDatabaseUrl(db_path)) {
    std::string error = PostgresExec(db_path, sql);
    ASSERT_TRUE(error.empty()) << error << " in: " << sql;
    return;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

std::string QuerySql(const std::string& db_path, const std::string& sql) {
  if (IsDatabaseUrl(db_path)) return PostgresQuery(db_path, sql);
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) return "";
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st, 0);
    if (text) out = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace kairos::testing
