// Account helpers for HTTP tests of every face: sign up and log in through face 002,
// build credential headers, promote through the command line, edit the database.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {

struct TestAccount {
  std::int64_t id = 0;  // faces 002 and 004
  std::string uuid;     // faces 000, 001 and 003
  std::string username;
  std::string email;
  std::string password;
  std::string token;       // from the login response
  std::string session_id;  // the sessionid cookie
  std::string csrf_token;  // the csrftoken cookie
};

// Signs up `username` (email <username>@example.com, a fixed password, plus any `extra`
// sign-up fields such as {"role": "coach"}) and logs in. Fails the test on any error.
TestAccount SignUpAndLogin(HttpClient& client, const std::string& username, const nlohmann::json& extra = {});

// Logs in again as an existing account, returning fresh credentials.
TestAccount LogIn(HttpClient& client, TestAccount account);

// "Authorization: Bearer <token>" and "Authorization: Token <token>".
Headers BearerAuth(const TestAccount& a);
Headers TokenAuth(const TestAccount& a);
// The session cookie alone, and with the matching X-CSRFToken header.
Headers SessionAuth(const TestAccount& a);
Headers SessionAuthWithCsrf(const TestAccount& a);

// The value a Set-Cookie header of the response gives that cookie, or empty.
std::string SetCookieValue(const HttpResponse& response, const std::string& name);
// The whole Set-Cookie header for that cookie, or empty.
std::string SetCookieHeader(const HttpResponse& response, const std::string& name);

// Changes an account's role with `kairos user set-role` on the server's database.
void SetRole(const ServerProcess& server, const std::string& username, const std::string& role);

// Runs SQL directly on a server's database, a SQLite file or a postgresql:// URL (e.g. to
// expire a token); fails the test on error. Write SQL both dialects accept.
void ExecSql(const std::string& db_path, const std::string& sql);
// The first column of the first row of a query, as text ("" when no row).
std::string QuerySql(const std::string& db_path, const std::string& sql);

}  // namespace kairos::testing
