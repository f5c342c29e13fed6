// Accounts and authentication over HTTP: face 002's sign-up and login as documented,
// tokens (Bearer and Token), sessions with CSRF, throttling, expiry, the command line.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

class AuthTest : public SharedServerTest<AuthTest> {
 protected:

  // A 400 in face 002's shape for a field, {"<field>": ["..."]}, as the original's
  // serializers answer, whose message mentions `needle`.
  static void Expect400(const HttpResponse& r, const std::string& field, const std::string& needle) {
    EXPECT_EQ(r.status, 400) << r.body;
    auto body = r.Json();
    ASSERT_TRUE(body.is_object() && body.size() == 1 && body.contains(field)) << r.body;
    ASSERT_TRUE(body[field].is_array());
    EXPECT_NE(body[field][0].get<std::string>().find(needle), std::string::npos) << r.body;
  }
  // A body that could not be read: 400 {"detail": "..."}, the framework's parse error.
  static void ExpectUnreadable(const HttpResponse& r, const std::string& needle) {
    EXPECT_EQ(r.status, 400) << r.body;
    auto body = r.Json();
    ASSERT_TRUE(body.is_object() && body.size() == 1 && body["detail"].is_string()) << r.body;
    EXPECT_NE(body["detail"].get<std::string>().find(needle), std::string::npos) << r.body;
  }
};

TEST_F(AuthTest, SignUpAsDocumented) {
  HttpClient c(server_->port());
  auto r = c.Post("/api/user/sign_up/", {{"username", "test10"}, {"email", "test10@test.com"}, {"password", "Test@123"}});
  ASSERT_EQ(r.status, 200) << "the original's sign-up answers 200: " << r.body;
  auto body = r.Json();
  EXPECT_TRUE(body["id"].is_number_integer());
  EXPECT_EQ(body["username"], "test10");
  EXPECT_EQ(body["email"], "test10@test.com");
  EXPECT_EQ(body["uuid"].get<std::string>().size(), 36u);
  EXPECT_EQ(body["uuid"].get<std::string>()[14], '4') << "a version 4 UUID";
  EXPECT_EQ(body.size(), 4u) << r.body;

  auto login = c.Post("/api/user/login/", {{"username", "test10"}, {"password", "Test@123"}});
  ASSERT_EQ(login.status, 200) << login.body;
  auto lb = login.Json();
  EXPECT_EQ(lb["is_authenticated"], true);
  EXPECT_EQ(lb["user"]["id"], body["id"]);
  EXPECT_EQ(lb["user"]["username"], "test10");
  EXPECT_EQ(lb["user"]["email"], "test10@test.com");
  EXPECT_EQ(lb["user"]["uuid"], body["uuid"]);
  EXPECT_EQ(lb["auth_token"].get<std::string>().size(), 43u);

  std::string session = SetCookieHeader(login, "sessionid");
  EXPECT_NE(session.find("HttpOnly"), std::string::npos) << session;
  EXPECT_NE(session.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(session.find("Path=/"), std::string::npos);
  EXPECT_EQ(session.find("Secure"), std::string::npos);
  std::string csrf = SetCookieHeader(login, "csrftoken");
  EXPECT_EQ(csrf.find("HttpOnly"), std::string::npos) << "scripts must read the CSRF token";
  EXPECT_NE(csrf.find("SameSite=Lax"), std::string::npos);
}

TEST_F(AuthTest, TokenWorksAsBearerAndTokenWithAnySchemeCase) {
  HttpClient c(server_->port());
  auto a = SignUpAndLogin(c, "tokenuser");
  for (std::string scheme : {"Bearer", "Token", "bearer", "TOKEN"}) {
    auto r = c.Get("/api/user/me/", {{"Authorization", scheme + " " + a.token}});
    ASSERT_EQ(r.status, 200) << scheme << r.body;
    auto me = r.Json();
    EXPECT_EQ(me["id"], a.id);
    EXPECT_EQ(me["uuid"], a.uuid);
    EXPECT_EQ(me["username"], "tokenuser");
    EXPECT_EQ(me["email"], "tokenuser@example.com");
    EXPECT_EQ(me["first_name"], "");
    EXPECT_EQ(me["last_name"], "");
    EXPECT_EQ(me["timezone"], "UTC");
    EXPECT_EQ(me["role"], "client");
    EXPECT_EQ(me["is_active"], true);
  }
  EXPECT_EQ(c.Get("/api/user/me/", {{"Authorization", "Basic " + a.token}}).status, 401);
  EXPECT_EQ(c.Get("/api/user/me/", {{"Authorization", "Bearer"}}).status, 401);
  EXPECT_EQ(c.Get("/api/user/me/", {{"Authorization", "Token " + a.session_id}}).status, 401)
      << "a session id is not a token";
}

TEST_F(AuthTest, SessionNeedsCsrfForUnsafeMethods) {
  HttpClient c(server_->port());
  auto a = SignUpAndLogin(c, "sessionuser");
  ASSERT_FALSE(a.session_id.empty());
  ASSERT_FALSE(a.csrf_token.empty());
  EXPECT_EQ(c.Get("/api/user/me/", SessionAuth(a)).status, 200) << "safe methods need only the cookie";

  auto missing = c.Post("/api/user/logout/", json::object(), SessionAuth(a));
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.Json(), json({{"detail", "CSRF Failed: CSRF token missing or incorrect."}})) << missing.body;
  Headers wrong = SessionAuth(a);
  wrong.emplace_back("X-CSRFToken", a.token);
  EXPECT_EQ(c.Post("/api/user/logout/", json::object(), wrong).status, 403);
  Headers empty = SessionAuth(a);
  empty.emplace_back("X-CSRFToken", "");
  EXPECT_EQ(c.Post("/api/user/logout/", json::object(), empty).status, 403);

  auto out = c.Post("/api/user/logout/", json::object(), SessionAuthWithCsrf(a));
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_NE(SetCookieHeader(out, "sessionid").find("Max-Age=0"), std::string::npos);
  EXPECT_NE(SetCookieHeader(out, "csrftoken").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(c.Get("/api/user/me/", SessionAuth(a)).status, 401) << "the session is revoked";
  EXPECT_EQ(c.Get("/api/user/me/", TokenAuth(a)).status, 200) << "the token used elsewhere is not";
}

TEST_F(AuthTest, AuthorizationHeaderNeedsNoCsrfEvenWithACookie) {
  HttpClient c(server_->port());
  auto a = SignUpAndLogin(c, "headerwins");
  Headers h = SessionAuth(a);
  h.emplace_back("Authorization", "Token " + a.token);
  EXPECT_EQ(c.Post("/api/user/logout/", json::object(), h).status, 200);
  EXPECT_EQ(c.Get("/api/user/me/", TokenAuth(a)).status, 401) << "the token is revoked";
  EXPECT_EQ(c.Get("/api/user/me/", SessionAuth(a)).status, 200) << "the session is not";
}

TEST_F(AuthTest, NoOrBadCredentialsAre401InTheFacesShape) {
  HttpClient c(server_->port());
  auto r = c.Get("/api/user/me/");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Json(), json({{"detail", "Authentication credentials were not provided."}})) << r.body;
  EXPECT_EQ(c.Get("/api/user/me/", {{"Cookie", "sessionid=nonsense"}}).status, 401);
  auto bad = c.Get("/api/user/me/", {{"Authorization", "Token " + std::string(43, 'A')}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_TRUE(bad.Json()["detail"].is_string()) << bad.body;
  EXPECT_EQ(c.Get("/api/user/nope/").Json(), json({{"detail", "Not found."}}));
  auto wrong_method = c.Request("DELETE", "/api/user/sign_up/");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Json(), json({{"detail", "Method \"DELETE\" not allowed."}}));
}

TEST_F(AuthTest, PublicRoutesIgnoreStaleCredentials) {
  HttpClient c(server_->port());
  auto r = c.Post("/api/user/sign_up/", {{"username", "stale"}, {"email", "stale@example.com"}, {"password", "12345678"}},
                  {{"Authorization", "Token garbage"}, {"Cookie", "sessionid=old"}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(AuthTest, DuplicatesAreRefusedCaseInsensitively) {
  HttpClient c(server_->port());
  ASSERT_EQ(c.Post("/api/user/sign_up/", {{"username", "Dupe"}, {"email", "dupe@example.com"}, {"password", "password1"}})
                .status,
            200);
  // Field-keyed, worded as the original's user model words them.
  Expect400(c.Post("/api/user/sign_up/", {{"username", "dUPE"}, {"email", "other@example.com"}, {"password", "password1"}}),
            "username", "A user with that username already exists.");
  Expect400(c.Post("/api/user/sign_up/", {{"username", "other"}, {"email", "DUPE@Example.COM"}, {"password", "password1"}}),
            "email", "user with this email address already exists.");
  // Login is case-insensitive too, and accepts the email.
  EXPECT_EQ(c.Post("/api/user/login/", {{"username", "DUPE"}, {"password", "password1"}}).status, 200);
  EXPECT_EQ(c.Post("/api/user/login/", {{"username", "Dupe@example.com"}, {"password", "password1"}}).status, 200);
}

TEST_F(AuthTest, InvalidSignUpsAreRefusedClearly) {
  HttpClient c(server_->port());
  json ok = {{"username", "valid"}, {"email", "valid@example.com"}, {"password", "password1"}};
  auto with = [&](const std::string& key, const json& value) {
    json b = ok;
    b[key] = value;
    return c.Post("/api/user/sign_up/", b);
  };
  auto without = [&](const std::string& key) {
    json b = ok;
    b.erase(key);
    return c.Post("/api/user/sign_up/", b);
  };
  Expect400(with("password", "short"), "password", "password must be at least 8 characters");
  Expect400(with("email", "not-an-email"), "email", "email is not a valid email address");
  Expect400(with("email", "a@b"), "email", "email is not a valid email address");
  Expect400(with("email", "a b@example.com"), "email", "email is not a valid email address");
  Expect400(with("timezone", "Mars/Olympus"), "timezone", "Unknown time zone");
  Expect400(with("role", "admin"), "role", "role admin cannot be requested");
  Expect400(with("role", "superuser"), "role", "role must be");
  // A CharField takes numbers as their text, but not booleans, lists or objects.
  Expect400(with("username", json::array({42})), "username", "username must be a string");
  Expect400(with("username", json::object()), "username", "username must be a string");
  Expect400(with("password", true), "password", "password must be a string");
  Expect400(with("username", nullptr), "username", "username may not be null");
  Expect400(with("username", ""), "username", "username must not be empty");
  Expect400(with("username", "   "), "username", "username must not be empty");  // trimmed to nothing
  Expect400(with("username", "has space"), "username", "username must not contain spaces");
  Expect400(with("username", std::string("nul\0byte", 8)), "username", "username must not contain");
  Expect400(with("username", std::string(151, 'u')), "username", "username must be at most 150 characters");
  Expect400(with("email", std::string(250, 'e') + "@x.io"), "email", "email must be at most 254 characters");
  Expect400(with("first_name", std::string(151, 'f')), "first_name", "first_name must be at most 150 characters");
  Expect400(without("username"), "username", "username is required");
  Expect400(without("email"), "email", "email is required");
  Expect400(without("password"), "password", "password is required");
  ExpectUnreadable(c.Request("POST", "/api/user/sign_up/", "{\"username\": "), "not valid JSON");
  ExpectUnreadable(c.Request("POST", "/api/user/sign_up/", "[1,2]"), "must be a JSON object");
  // An empty body has no fields, as the framework reads it.
  Expect400(c.Request("POST", "/api/user/sign_up/", ""), "username", "username is required");
  ExpectUnreadable(c.Request("POST", "/api/user/login/", "nul\x01l"), "not valid JSON");
  Expect400(c.Post("/api/user/login/", {{"username", "valid"}}), "password", "password is required");
  // The original's login serializer refuses blank values before checking credentials.
  Expect400(c.Post("/api/user/login/", {{"username", "valid"}, {"password", ""}}), "password",
            "password may not be blank");
  Expect400(c.Post("/api/user/login/", {{"username", "  "}, {"password", "x"}}), "username",
            "username may not be blank");
  Expect400(c.Post("/api/user/login/", {{"username", json::array({1})}, {"password", "x"}}), "username",
            "username must be a string");
  EXPECT_EQ(c.Post("/api/user/sign_up/", ok).status, 200) << "none of the refused requests created the account";
}

// Bodies are read as the original's framework reads them: numbers become text, unknown
// fields are ignored, forms work as well as JSON, and surrounding whitespace is trimmed.
TEST_F(AuthTest, SignUpReadsBodiesAsTheFrameworkDoes) {
  HttpClient c(server_->port());
  auto numeric = c.Post("/api/user/sign_up/", {{"username", 4242}, {"email", "n4242@example.com"}, {"password", "password1"}});
  ASSERT_EQ(numeric.status, 200) << numeric.body;
  EXPECT_EQ(numeric.Json()["username"], "4242");

  auto extra = c.Post("/api/user/sign_up/", {{"username", "extra"},
                                             {"email", "extra@example.com"},
                                             {"password", "password1"},
                                             {"is_staff", true},
                                             {"is_superuser", true},
                                             {"id", 1}});
  ASSERT_EQ(extra.status, 200) << "unknown fields are ignored: " << extra.body;
  EXPECT_NE(extra.Json()["id"], 1);
  auto login = c.Post("/api/user/login/", {{"username", " extra "}, {"password", "password1"}});
  ASSERT_EQ(login.status, 200) << "the username's spaces are trimmed: " << login.body;
  auto me = c.Get("/api/user/me/", {{"Authorization", "Token " + login.Json()["auth_token"].get<std::string>()}});
  EXPECT_EQ(me.Json()["role"], "client") << "is_staff is no way to a role";

  auto form = c.Request("POST", "/api/user/sign_up/",
                        "username=formed&email=formed%40example.com&password=pass+word+1&ignored=x",
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(form.Json()["email"], "formed@example.com");
  const std::string boundary = "kairosBoundary7";
  std::string multipart;
  for (auto [k, v] : {std::pair{"username", "formed"}, std::pair{"password", "pass word 1"}}) {
    multipart += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + std::string(k) + "\"\r\n\r\n" + v + "\r\n";
  }
  multipart += "--" + boundary + "--\r\n";
  auto multi = c.Request("POST", "/api/user/login/", multipart,
                         {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  ASSERT_EQ(multi.status, 200) << multi.body;
  EXPECT_EQ(multi.Json()["user"]["username"], "formed");
  ExpectUnreadable(c.Request("POST", "/api/user/login/", "--nope\r\n", {{"Content-Type", "multipart/form-data"}}),
                   "multipart");
  Expect400(c.Request("POST", "/api/user/login/", "username=formed",
                      {{"Content-Type", "application/x-www-form-urlencoded"}}),
            "password", "password is required");
}

TEST_F(AuthTest, HostileStringsAreStoredVerbatim) {
  HttpClient c(server_->port());
  std::string username = "robert');DROP_TABLE_accounts;--\"\xF0\x9F\x98\x80";
  std::string first = std::string("Nul\0l \"quoted\" 'single' \xF0\x9F\x8E\x89 <b>", 30);
  std::string last = "O'Brien; DELETE FROM accounts WHERE 1=1 --";
  auto r = c.Post("/api/user/sign_up/", {{"username", username},
                                         {"email", "o'brien+tag@example.com"},
                                         {"password", "\xF0\x9F\x94\x91 p\"a's\\s\\u0000"},
                                         {"first_name", first},
                                         {"last_name", last},
                                         {"timezone", "Asia/Kolkata"},
                                         {"role", "coach"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["username"], username);
  auto login = c.Post("/api/user/login/", {{"username", username}, {"password", "\xF0\x9F\x94\x91 p\"a's\\s\\u0000"}});
  ASSERT_EQ(login.status, 200) << login.body;
  auto me = c.Get("/api/user/me/", {{"Authorization", "Token " + login.Json()["auth_token"].get<std::string>()}}).Json();
  EXPECT_EQ(me["username"], username);
  EXPECT_EQ(me["email"], "o'brien+tag@example.com");
  EXPECT_EQ(me["first_name"], first);
  EXPECT_EQ(me["last_name"], last);
  EXPECT_EQ(me["timezone"], "Asia/Kolkata");
  EXPECT_EQ(me["role"], "coach");
}

TEST_F(AuthTest, ConcurrentSignUpsOfOneUsernameCreateOneAccount) {
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server_->port());
      auto r = c.Post("/api/user/sign_up/", {{"username", "racer"},
                                             {"email", "racer" + std::to_string(i) + "@example.com"},
                                             {"password", "password1"}});
      (r.status == 200 ? created : r.status == 400 ? refused : other)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(refused, 15);
  EXPECT_EQ(other, 0);
}

TEST_F(AuthTest, ExpiredTokenIs401) {
  HttpClient c(server_->port());
  auto a = SignUpAndLogin(c, "expiring");
  ASSERT_EQ(c.Get("/api/user/me/", TokenAuth(a)).status, 200);
  ExecSql(server_->db_path(), "UPDATE auth_tokens SET expires_at = 1 WHERE account_id = " + std::to_string(a.id));
  auto r = c.Get("/api/user/me/", TokenAuth(a));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Json(), json({{"detail", "Token has expired."}}));
  EXPECT_EQ(c.Get("/api/user/me/", SessionAuth(a)).status, 401);
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserLookTheSame) {
  HttpClient c(server_->port());
  SignUpAndLogin(c, "known");
  auto wrong = c.Post("/api/user/login/", {{"username", "known"}, {"password", "wrong password"}});
  auto unknown = c.Post("/api/user/login/", {{"username", "nobody-at-all"}, {"password", "wrong password"}});
  // The original's answer: 401 with its message as a string, not a list.
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.Json(), json({{"err_message", "Credentials were not correct"}}));
}

TEST(AuthThrottle, RepeatedFailuresAre429AndSharedAcrossServers) {
  ServerProcess a({.args = {"--login-max-failures", "3", "--login-failure-window-seconds", "600"}});
  HttpClient ca(a.port());
  auto acct = SignUpAndLogin(ca, "victim");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ca.Post("/api/user/login/", {{"username", "victim"}, {"password", "guess" + std::to_string(i)}}).status, 401);
  }
  auto r = ca.Post("/api/user/login/", {{"username", "VICTIM"}, {"password", acct.password}});
  EXPECT_EQ(r.status, 429) << "even the right password waits";
  int retry = std::stoi(r.Header("retry-after"));
  EXPECT_GT(retry, 500);
  EXPECT_LE(retry, 600);
  EXPECT_TRUE(r.Json()["detail"].is_string()) << r.body;

  // A second server over the same database sees the same failures.
  ServerProcess b({.args = {"--login-max-failures", "3"}, .db_path = a.db_path()});
  HttpClient cb(b.port());
  EXPECT_EQ(cb.Post("/api/user/login/", {{"username", "victim"}, {"password", acct.password}}).status, 429);
  EXPECT_EQ(cb.Get("/api/user/me/", TokenAuth(acct)).status, 200) << "existing tokens keep working";
}

HttpResponse TryLogin(HttpClient& c, const std::string& username, const std::string& password,
                      const Headers& headers = {}) {
  return c.Post("/api/user/login/", {{"username", username}, {"password", password}}, headers);
}

// One person's wrong passwords lock out that username from that address, not everyone
// else behind the same address (a reverse proxy, an office NAT).
TEST(AuthThrottle, OnePersonsFailuresDoNotLockOutOthersAtTheSameAddress) {
  ServerProcess s({.args = {"--login-max-failures", "3", "--login-failure-window-seconds", "600"}});
  HttpClient c(s.port());
  auto amy = SignUpAndLogin(c, "amy");
  auto john = SignUpAndLogin(c, "john");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(TryLogin(c, "amy", "guess" + std::to_string(i)).status, 401);
  auto j = TryLogin(c, "john", john.password);
  EXPECT_EQ(j.status, 200) << "john shares amy's address, not her mistakes: " << j.body;
  auto a = TryLogin(c, "amy", amy.password);
  EXPECT_EQ(a.status, 429) << a.body;
  ASSERT_FALSE(a.Header("retry-after").empty());
  EXPECT_GT(std::stoi(a.Header("retry-after")), 500);
  EXPECT_EQ(TryLogin(c, "john", john.password).status, 200) << "still, after amy's locked attempt";
}

// A credential-stuffing run tries many usernames from one address: the address's own,
// higher limit stops it, for every username (here set through the environment).
TEST(AuthThrottle, ManyUsernamesFromOneAddressAreLockedOut) {
  ServerProcess s({.args = {"--login-max-failures", "3"}, .env = {{"KAIROS_LOGIN_MAX_ADDRESS_FAILURES", "6"}}});
  HttpClient c(s.port());
  auto john = SignUpAndLogin(c, "john");
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(TryLogin(c, "stuffed" + std::to_string(i), "password" + std::to_string(i)).status, 401) << i;
  }
  auto r = TryLogin(c, "stuffed6", "password6");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_FALSE(r.Header("retry-after").empty());
  EXPECT_EQ(TryLogin(c, "john", john.password).status, 429) << "the whole address waits";
}

// X-Forwarded-For is the client's to write, so it is believed only from a trusted proxy.
TEST(AuthThrottle, ForwardedForCountsOnlyFromTrustedProxies) {
  Headers from_a = {{"X-Forwarded-For", "203.0.113.5"}};
  Headers from_b = {{"X-Forwarded-For", "203.0.113.6"}};
  {
    ServerProcess s({.args = {"--login-max-failures", "2"}});
    HttpClient c(s.port());
    auto amy = SignUpAndLogin(c, "amy");
    for (int i = 0; i < 2; ++i) EXPECT_EQ(TryLogin(c, "amy", "guess", from_a).status, 401);
    EXPECT_EQ(TryLogin(c, "amy", amy.password, from_b).status, 429) << "the header is ignored: one address";
  }
  {
    ServerProcess s({.args = {"--login-max-failures", "2", "--trusted-proxies", "127.0.0.1"}});
    HttpClient c(s.port());
    auto amy = SignUpAndLogin(c, "amy");
    for (int i = 0; i < 2; ++i) EXPECT_EQ(TryLogin(c, "amy", "guess", from_a).status, 401);
    EXPECT_EQ(TryLogin(c, "amy", amy.password, from_a).status, 429);
    // What the client wrote left of the proxy's entry changes nothing.
    EXPECT_EQ(TryLogin(c, "amy", amy.password, {{"X-Forwarded-For", "198.51.100.1, 203.0.113.5"}}).status, 429);
    auto other = TryLogin(c, "amy", amy.password, from_b);
    EXPECT_EQ(other.status, 200) << "another forwarded address has its own lock: " << other.body;
    EXPECT_EQ(TryLogin(c, "amy", amy.password, from_a).status, 429) << "and that success does not lift this one";
    ASSERT_EQ(s.Stop(SIGTERM), 0);
    EXPECT_NE(s.Log().find("client=203.0.113.6"), std::string::npos) << "the access log names the client";
  }
}

TEST(AuthThrottle, MalformedTrustedProxiesStopTheServer) {
  std::string dir = MakeTempDir();
  auto [code, out] = RunKairos({"serve", "--listen", "127.0.0.1:0", "--db", dir + "/k.db", "--trusted-proxies",
                                "127.0.0.1,10.0.0.0/33"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("--trusted-proxies: \"10.0.0.0/33\""), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

TEST(AuthThrottle, ALockoutIsLoggedOnceAsAWarning) {
  ServerProcess s({.args = {"--login-max-failures", "2", "--login-failure-window-seconds", "600"}});
  HttpClient c(s.port());
  auto amy = SignUpAndLogin(c, "amy");
  for (int i = 0; i < 4; ++i) TryLogin(c, "amy", "Secret-Guess-771");
  ASSERT_EQ(s.Stop(SIGTERM), 0);
  std::string log = s.Log();
  const std::string line =
      " warning login lockout: scope=username_address username=\"amy\" address=127.0.0.1 failures=2 window=600s\n";
  auto at = log.find(line);
  EXPECT_NE(at, std::string::npos) << log;
  EXPECT_EQ(log.find(line, at + 1), std::string::npos) << "logged once: " << log;
  EXPECT_EQ(log.find("Secret-Guess-771"), std::string::npos) << "no password in the log";
}

TEST(AuthRehash, LoginRehashesWhenParametersChange) {
  std::string dir = MakeTempDir();
  std::string db = dir + "/k.db";
  {
    ServerProcess s({.args = {"--argon2-opslimit", "1"}, .db_path = db});
    HttpClient c(s.port());
    SignUpAndLogin(c, "rehash");
  }
  std::string before = QuerySql(db, "SELECT password_hash FROM accounts WHERE username = 'rehash'");
  ASSERT_EQ(before.rfind("$argon2id$", 0), 0u) << before;
  EXPECT_NE(before.find("t=1"), std::string::npos) << before;
  {
    ServerProcess s({.args = {"--argon2-opslimit", "2"}, .db_path = db});
    HttpClient c(s.port());
    EXPECT_EQ(c.Post("/api/user/login/", {{"username", "rehash"}, {"password", "correct horse battery staple"}}).status,
              200);
  }
  std::string after = QuerySql(db, "SELECT password_hash FROM accounts WHERE username = 'rehash'");
  EXPECT_NE(after, before);
  EXPECT_NE(after.find("t=2"), std::string::npos) << after;
  std::filesystem::remove_all(dir);
}

TEST(AuthCookies, SecureCookiesFlag) {
  ServerProcess s({.args = {"--secure-cookies"}});
  HttpClient c(s.port());
  c.Post("/api/user/sign_up/", {{"username", "secure"}, {"email", "secure@example.com"}, {"password", "password1"}});
  auto r = c.Post("/api/user/login/", {{"username", "secure"}, {"password", "password1"}});
  EXPECT_NE(SetCookieHeader(r, "sessionid").find("; Secure"), std::string::npos);
  EXPECT_NE(SetCookieHeader(r, "csrftoken").find("; Secure"), std::string::npos);
}

TEST(AuthLogging, NoSecretEverReachesTheLog) {
  ServerProcess s({.env = {{"KAIROS_LOG_LEVEL", "debug"}}});
  HttpClient c(s.port());
  const std::string password = "Zebra-Quasar-8812-Secret";
  ASSERT_EQ(c.Post("/api/user/sign_up/", {{"username", "logcheck"}, {"email", "logcheck@example.com"}, {"password", password}})
                .status,
            200);
  auto login = c.Post("/api/user/login/", {{"username", "logcheck"}, {"password", password}});
  ASSERT_EQ(login.status, 200);
  std::string token = login.Json()["auth_token"];
  std::string session = SetCookieValue(login, "sessionid");
  std::string csrf = SetCookieValue(login, "csrftoken");
  c.Post("/api/user/login/", {{"username", "logcheck"}, {"password", password + "-wrong"}});
  c.Get("/api/user/me/", {{"Authorization", "Token " + token}});
  c.Post("/api/user/logout/", json::object(), {{"Cookie", "sessionid=" + session}, {"X-CSRFToken", csrf}});
  c.Request("POST", "/api/user/login/", "{\"password\": \"" + password + "\", bad json");
  ASSERT_EQ(s.Stop(SIGTERM), 0);
  std::string log = s.Log();
  EXPECT_NE(log.find("/api/user/login/"), std::string::npos) << "the requests were logged";
  for (const std::string& secret : {password, token, session, csrf}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "secret leaked into the log";
  }
}

TEST(AuthCommandLine, AdministersAccounts) {
  ServerProcess s;
  const std::string db = s.db_path();
  auto [code, out] = RunKairos({"user", "add", "--db", db, "--username", "root", "--email", "root@example.com",
                                "--password", "admin-password", "--role", "admin", "--timezone", "Europe/Paris"});
  ASSERT_EQ(code, 0) << out;
  auto [code2, out2] = RunKairos({"user", "add", "--db", db, "--username", "piped", "--email", "piped@example.com",
                                  "--password-stdin", "--role", "coach"},
                                 {}, "stdin-password\n");
  ASSERT_EQ(code2, 0) << out2;
  auto [dup, dup_out] = RunKairos({"user", "add", "--db", db, "--username", "ROOT", "--email", "x@example.com",
                                   "--password", "whatever1"});
  EXPECT_NE(dup, 0);
  EXPECT_NE(dup_out.find("already exists"), std::string::npos) << dup_out;
  auto [bad_tz, bad_tz_out] = RunKairos({"user", "add", "--db", db, "--username", "tz", "--email", "tz@example.com",
                                         "--password", "whatever1", "--timezone", "Nowhere/Land"});
  EXPECT_NE(bad_tz, 0);

  HttpClient c(s.port());
  auto root = LogIn(c, {.username = "root", .password = "admin-password"});
  auto me = c.Get("/api/user/me/", TokenAuth(root)).Json();
  EXPECT_EQ(me["role"], "admin");
  EXPECT_EQ(me["timezone"], "Europe/Paris");
  auto piped = LogIn(c, {.username = "piped", .password = "stdin-password"});
  EXPECT_EQ(c.Get("/api/user/me/", TokenAuth(piped)).Json()["role"], "coach");

  SetRole(s, "piped", "client");
  EXPECT_EQ(c.Get("/api/user/me/", TokenAuth(piped)).Json()["role"], "client");

  auto [lcode, list] = RunKairos({"user", "list", "--db", db});
  EXPECT_EQ(lcode, 0);
  EXPECT_NE(list.find("\troot\troot@example.com\tadmin\tyes"), std::string::npos) << list;
  EXPECT_NE(list.find(root.uuid), std::string::npos) << list;

  auto [dcode, dout] = RunKairos({"user", "deactivate", "--db", db, "--username", "piped"});
  EXPECT_EQ(dcode, 0) << dout;
  EXPECT_EQ(c.Get("/api/user/me/", TokenAuth(piped)).status, 401) << "its tokens stop working";
  auto login = c.Post("/api/user/login/", {{"username", "piped"}, {"password", "stdin-password"}});
  EXPECT_EQ(login.status, 401) << "an inactive account cannot log in";
  EXPECT_EQ(login.Json(), json({{"err_message", "Credentials were not correct"}}));
  auto [l2, list2] = RunKairos({"user", "list", "--db", db});
  EXPECT_NE(list2.find("\tpiped\tpiped@example.com\tclient\tno"), std::string::npos) << list2;

  auto [ncode, nout] = RunKairos({"user", "set-role", "--db", db, "--username", "ghost", "--role", "coach"});
  EXPECT_NE(ncode, 0);
  EXPECT_NE(nout.find("not found"), std::string::npos) << nout;
}

}  // namespace
}  // namespace kairos::testing
