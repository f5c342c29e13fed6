// Calendar integration over HTTP: the OAuth authorization-code flow with PKCE for Google
// and Outlook against a local stand-in for their token and event endpoints
// (tests/calendar/mock_provider.py), booking sync that creates, updates and cancels the
// external event, CalDAV against a real Radicale server, iCalendar feeds and .ics files
// read back with python-icalendar and python-caldav, and no secret stored or logged in
// clear.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/processes.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

const std::string kPython = "/usr/bin/python3";
const std::string kScripts = std::string(KAIROS_TESTS_DIR) + "/calendar/";
const std::string kRedirect = "https://app.example.com/calendar/callback";
const std::string kOtherRedirect = "https://app.example.com/other";

std::map<std::string, std::string> QueryOf(const std::string& url) {
  std::map<std::string, std::string> out;
  std::string q = url.substr(url.find('?') + 1);
  std::stringstream ss(q);
  std::string pair;
  while (std::getline(ss, pair, '&')) {
    auto eq = pair.find('=');
    std::string v = pair.substr(eq + 1), decoded;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '%' && i + 2 < v.size()) {
        decoded.push_back(static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        decoded.push_back(v[i] == '+' ? ' ' : v[i]);
      }
    }
    out[pair.substr(0, eq)] = decoded;
  }
  return out;
}

class CalendarIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir());
    std::string port_file = *dir_ + "/mock.port";
    mock_ = new Child({kPython, kScripts + "mock_provider.py", port_file}, *dir_ + "/mock.log");
    ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(port_file); })) << ReadAll(*dir_ + "/mock.log");
    mock_port_ = static_cast<std::uint16_t>(std::stoi(ReadAll(port_file)));

    radicale_port_ = FreePort();
    radicale_ = new Child({kPython, "-m", "radicale", "--server-hosts", "127.0.0.1:" + std::to_string(radicale_port_),
                           "--storage-filesystem-folder", *dir_ + "/radicale", "--auth-type", "none"},
                          *dir_ + "/radicale.log");
    ASSERT_TRUE(WaitFor([] { return Listening(radicale_port_); })) << ReadAll(*dir_ + "/radicale.log");

    std::string mock = "http://127.0.0.1:" + std::to_string(mock_port_);
    ServerProcessOptions options;
    options.args = {"--calendar-redirect-uris", kRedirect + "," + kOtherRedirect,
                    "--google-client-id", "g-client", "--google-client-secret", "g-secret",
                    "--google-auth-url", "https://accounts.example.test/o/oauth2/v2/auth",
                    "--google-token-url", mock + "/google/token", "--google-api-url", mock + "/google/calendar/v3",
                    "--outlook-client-id", "o-client", "--outlook-client-secret", "o-secret",
                    "--outlook-token-url", mock + "/outlook/token", "--outlook-api-url", mock + "/outlook/v1.0",
                    "--calendar-http-timeout-ms", "1000"};
    server_ = new ServerProcess(options);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete mock_;
    delete radicale_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    c_ = std::make_unique<HttpClient>(server_->port());
    m_ = std::make_unique<HttpClient>(mock_port_);
  }
  void TearDown() override { EXPECT_EQ(MockState()["problems"], json::array()) << "the mock saw wrong requests"; }

  static std::string Unique(const std::string& base) {
    static std::atomic<int> n{0};
    return base + std::to_string(++n);
  }
  TestAccount Client() { return SignUpAndLogin(*c_, Unique("calclient")); }
  TestAccount Coach(json extra = json::object()) {
    extra["role"] = "coach";
    return SignUpAndLogin(*c_, Unique("calcoach"), extra);
  }

  json MockState() { return m_->Get("/_control/state").Json(); }
  void MockFail(const std::string& mode, int count) { m_->Post("/_control/fail", {{"mode", mode}, {"count", count}}); }

  // auth-url, then the user approves at the (mock) provider, which hands back `code`.
  std::string Authorize(const TestAccount& who, const std::string& provider, const std::string& code,
                        const std::string& redirect = kRedirect) {
    auto r = c_->Get("/calendar/" + provider + "/auth-url?redirect_uri=" + UrlEncode(redirect), BearerAuth(who));
    EXPECT_EQ(r.status, 200) << r.body;
    auto q = QueryOf(r.Json()["auth_url"]);
    m_->Post("/_control/code", {{"code", code}, {"provider", provider}, {"challenge", q["code_challenge"]},
                                {"redirect_uri", redirect}});
    return r.Json()["state"];
  }
  HttpResponse Exchange(const TestAccount& who, const std::string& provider, const std::string& code,
                        const std::string& state, const std::string& redirect = kRedirect) {
    return c_->Post("/calendar/" + provider + "/exchange-token?redirect_uri=" + UrlEncode(redirect),
                    {{"code", code}, {"state", state}}, BearerAuth(who));
  }
  json Connect(const TestAccount& who, const std::string& provider) {
    std::string code = Unique("code-");
    auto r = Exchange(who, provider, code, Authorize(who, provider, code));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  std::string Book(const TestAccount& client, const TestAccount& coach, const std::string& when,
                   const std::string& notes = "") {
    json body = {{"coach_id", coach.uuid}, {"session_datetime", when}, {"duration_minutes", 60}};
    if (!notes.empty()) body["notes"] = notes;
    auto r = c_->Post("/booking", body, BearerAuth(client));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse Sync(const TestAccount& who, const std::string& booking, const std::string& type,
                    json extra = json::object()) {
    extra["booking_id"] = booking;
    extra["calendar_type"] = type;
    return c_->Post("/calendar/sync-booking", extra, BearerAuth(who));
  }
  json Ics(const std::string& text) {
    std::string path = *dir_ + "/" + Unique("file") + ".ics";
    std::ofstream(path, std::ios::binary) << text;
    return json::parse(Capture(kPython + " " + kScripts + "ics_tool.py " + path));
  }
  std::string CaldavUrl(const std::string& user) {
    return "http://127.0.0.1:" + std::to_string(radicale_port_) + "/" + user + "/kairos/";
  }
  json CaldavEvents(const std::string& user) {
    return json::parse(Capture(kPython + " " + kScripts + "caldav_tool.py dump " + CaldavUrl(user) + " " + user));
  }
  // A fresh Radicale collection for the account, connected as its CalDAV calendar.
  void ConnectRadicale(const TestAccount& who) {
    Capture(kPython + " " + kScripts + "caldav_tool.py make " + CaldavUrl(who.username) + " " + who.username);
    auto r = c_->Post("/calendar/caldav/connect",
                      {{"url", CaldavUrl(who.username)}, {"username", who.username}, {"password", "secret-pw"}},
                      BearerAuth(who));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // The event of that UID among the collection's events, or null.
  static json EventWithUid(const json& events, const std::string& uid) {
    for (const auto& e : events) {
      if (e["uid"] == uid) return e;
    }
    return nullptr;
  }
  static std::set<std::string> AttendeeEmails(const json& event) {
    std::set<std::string> out;
    for (const auto& a : event["attendees"]) out.insert(a["email"].get<std::string>());
    return out;
  }

  static void ExpectDetail(const HttpResponse& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object() && body.contains("detail")) << r.body;
    EXPECT_NE(body["detail"].get<std::string>().find(needle), std::string::npos) << r.body;
  }

  static std::string* dir_;
  static Child* mock_;
  static Child* radicale_;
  static std::uint16_t mock_port_;
  static std::uint16_t radicale_port_;
  static ServerProcess* server_;
  std::unique_ptr<HttpClient> c_;
  std::unique_ptr<HttpClient> m_;
};
std::string* CalendarIntegrationTest::dir_ = nullptr;
Child* CalendarIntegrationTest::mock_ = nullptr;
Child* CalendarIntegrationTest::radicale_ = nullptr;
std::uint16_t CalendarIntegrationTest::mock_port_ = 0;
std::uint16_t CalendarIntegrationTest::radicale_port_ = 0;
ServerProcess* CalendarIntegrationTest::server_ = nullptr;

TEST_F(CalendarIntegrationTest, AuthUrlCarriesClientRedirectScopesStateAndPkce) {
  auto a = Client();
  auto r = c_->Get("/calendar/google/auth-url?redirect_uri=" + UrlEncode(kRedirect), BearerAuth(a));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.Json();
  EXPECT_EQ(body.size(), 2u);
  std::string url = body["auth_url"];
  EXPECT_EQ(url.rfind("https://accounts.example.test/o/oauth2/v2/auth?", 0), 0u) << url;
  auto q = QueryOf(url);
  EXPECT_EQ(q["client_id"], "g-client");
  EXPECT_EQ(q["redirect_uri"], kRedirect);
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["scope"], "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.freebusy");
  EXPECT_EQ(q["state"], body["state"]);
  EXPECT_EQ(q["code_challenge_method"], "S256");
  EXPECT_EQ(q["code_challenge"].size(), 43u);
  EXPECT_EQ(q["access_type"], "offline");
  // A fresh state and challenge each time.
  auto again = c_->Get("/calendar/google/auth-url?redirect_uri=" + UrlEncode(kRedirect), BearerAuth(a)).Json();
  EXPECT_NE(again["state"], body["state"]);
  EXPECT_NE(QueryOf(again["auth_url"])["code_challenge"], q["code_challenge"]);

  auto o = c_->Get("/calendar/outlook/auth-url?redirect_uri=" + UrlEncode(kRedirect), BearerAuth(a));
  ASSERT_EQ(o.status, 200) << o.body;
  std::string ourl = o.Json()["auth_url"];
  EXPECT_EQ(ourl.rfind("https://login.microsoftonline.com/common/oauth2/v2.0/authorize?", 0), 0u) << ourl;
  auto oq = QueryOf(ourl);
  EXPECT_EQ(oq["client_id"], "o-client");
  EXPECT_EQ(oq["scope"], "offline_access Calendars.ReadWrite");
  EXPECT_EQ(oq["code_challenge_method"], "S256");

  ExpectDetail(c_->Get("/calendar/google/auth-url?redirect_uri=" + UrlEncode("https://evil.example/cb"), BearerAuth(a)),
               400, "allow-list");
  ExpectDetail(c_->Get("/calendar/outlook/auth-url", BearerAuth(a)), 400, "redirect_uri is required");
  ExpectDetail(c_->Get("/calendar/google/auth-url?redirect_uri=" + UrlEncode(kRedirect)), 401, "Not authenticated");
}

TEST_F(CalendarIntegrationTest, StatesAreSingleUseBoundAndExpiring) {
  auto a = Client();
  auto b = Client();
  // Used twice.
  std::string state = Authorize(a, "google", "code-reuse");
  auto first = Exchange(a, "google", "code-reuse", state);
  ASSERT_EQ(first.status, 200) << first.body;
  auto tokens = first.Json();
  EXPECT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens["token_type"], "Bearer");
  EXPECT_EQ(tokens["expires_in"], 3600);
  EXPECT_TRUE(tokens["access_token"].get<std::string>().starts_with("at-google-"));
  EXPECT_TRUE(tokens["refresh_token"].get<std::string>().starts_with("rt-google-"));
  ExpectDetail(Exchange(a, "google", "code-reuse", state), 400, "already been used");

  // Another account's state, and a state for the other provider.
  std::string foreign = Authorize(b, "google", "code-foreign");
  ExpectDetail(Exchange(a, "google", "code-foreign", foreign), 400, "Invalid state");
  ExpectDetail(Exchange(b, "outlook", "code-foreign", foreign), 400, "Invalid state");
  ExpectDetail(Exchange(a, "google", "code-x", "not-a-state"), 400, "Invalid state");
  // The redirect URI must be the one authorized, and on the allow-list.
  ExpectDetail(Exchange(b, "google", "code-foreign", foreign, kOtherRedirect), 400, "does not match");
  ExpectDetail(Exchange(b, "google", "code-foreign", foreign, "https://evil.example/cb"), 400, "allow-list");
  // Still usable after those refusals.
  EXPECT_EQ(Exchange(b, "google", "code-foreign", foreign).status, 200);

  // Expired after ten minutes.
  std::string old = Authorize(a, "outlook", "code-old");
  ExecSql(server_->db_path(), "UPDATE oauth_states SET expires_at = expires_at - 601 WHERE used_at IS NULL");
  ExpectDetail(Exchange(a, "outlook", "code-old", old), 400, "expired");

  // A code the provider refuses.
  std::string s2 = Authorize(a, "google", "code-good");
  ExpectDetail(Exchange(a, "google", "code-wrong", s2), 400, "invalid_grant");
  ExpectDetail(c_->Post("/calendar/google/exchange-token?redirect_uri=" + UrlEncode(kRedirect), {{"state", s2}},
                        BearerAuth(a)),
               400, "code");
}

TEST_F(CalendarIntegrationTest, GoogleSyncCreatesThenUpdatesThenCancels) {
  auto client = Client();
  auto coach = Coach();
  Connect(client, "google");
  std::string id = Book(client, coach, "2030-01-07T14:00:00Z", "Career, goals; and \\ more");

  auto r = Sync(client, id, "google", {{"timezone", "America/New_York"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto synced = r.Json();
  EXPECT_EQ(synced.size(), 3u);
  EXPECT_EQ(synced["status"], "confirmed");
  std::string event_id = synced["event_id"];
  std::string link = synced["meeting_link"];
  EXPECT_TRUE(link.starts_with("https://meet.google.com/")) << link;
  EXPECT_EQ(c_->Get("/booking/" + id, BearerAuth(coach)).Json()["meeting_link"], link);

  auto event = MockState()["events"]["google"][event_id];
  EXPECT_EQ(event["start"]["dateTime"], "2030-01-07T09:00:00-05:00");
  EXPECT_EQ(event["start"]["timeZone"], "America/New_York");
  EXPECT_EQ(event["end"]["dateTime"], "2030-01-07T10:00:00-05:00");
  EXPECT_EQ(event["description"], "Career, goals; and \\ more");
  EXPECT_EQ(event["conferenceData"]["entryPoints"][0]["uri"], link);
  EXPECT_EQ(event["attendees"].size(), 2u);

  // Syncing again updates the same event.
  ASSERT_EQ(c_->Patch("/booking/" + id + "/status", {{"status", "confirmed"}}, BearerAuth(coach)).status, 200);
  auto again = Sync(client, id, "google");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["event_id"], event_id);
  EXPECT_EQ(again.Json()["meeting_link"], link);
  auto events = MockState()["events"]["google"];
  int mine = 0;
  for (const auto& [k, e] : events.items()) mine += e["conferenceData"]["entryPoints"][0]["uri"] == link ? 1 : 0;
  EXPECT_EQ(mine, 1);
  EXPECT_EQ(events[event_id]["writes"], 2);
  EXPECT_EQ(events[event_id]["start"]["timeZone"], "UTC");

  // Cancelling the booking cancels the event.
  ASSERT_EQ(c_->Delete("/booking/" + id, BearerAuth(client)).status, 204);
  EXPECT_EQ(MockState()["events"]["google"][event_id]["deleted"], true);
  auto after = Sync(client, id, "google");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.Json()["status"], "cancelled");
  EXPECT_EQ(after.Json()["event_id"], event_id);
}

TEST_F(CalendarIntegrationTest, OutlookSyncRefreshesExpiredAndRevokedTokens) {
  auto client = Client();
  auto coach = Coach();
  auto tokens = Connect(client, "outlook");
  std::string id = Book(client, coach, "2030-01-08T10:00:00Z");

  // Expired by the clock: refreshed before the call.
  ExecSql(server_->db_path(), "UPDATE calendar_connections SET access_expires_at = 1 WHERE provider = 'outlook'");
  auto r = Sync(coach, id, "outlook", {{"timezone", "Europe/Paris"}});
  ExpectDetail(r, 400, "No outlook calendar connected");  // the coach has not connected one
  r = Sync(client, id, "outlook", {{"timezone", "Europe/Paris"}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::string event_id = r.Json()["event_id"];
  EXPECT_TRUE(r.Json()["meeting_link"].get<std::string>().starts_with("https://teams.microsoft.com/"));
  auto state = MockState();
  auto event = state["events"]["outlook"][event_id];
  EXPECT_EQ(event["start"]["dateTime"], "2030-01-08T11:00:00");
  EXPECT_EQ(event["start"]["timeZone"], "Europe/Paris");
  EXPECT_EQ(event["isOnlineMeeting"], true);
  auto live = state["access_tokens"];
  EXPECT_EQ(std::count(live.begin(), live.end(), tokens["access_token"]), 1) << "the old token stays valid";

  // Revoked at the provider before its time: a 401, a refresh (rotating the refresh
  // token, as Microsoft does) and one retry.
  for (const auto& t : live) m_->Post("/_control/revoke", {{"token", t}});
  auto again = Sync(client, id, "outlook");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["event_id"], event_id);
  EXPECT_EQ(MockState()["events"]["outlook"][event_id]["writes"], 2);
  // And the rotated refresh token was kept: revoke again, sync again.
  for (const auto& t : MockState()["access_tokens"]) m_->Post("/_control/revoke", {{"token", t}});
  EXPECT_EQ(Sync(client, id, "outlook").status, 200);

  // Cancel through the status route.
  ASSERT_EQ(c_->Patch("/booking/" + id + "/status", {{"status", "cancelled"}}, BearerAuth(client)).status, 200);
  EXPECT_EQ(MockState()["events"]["outlook"][event_id]["deleted"], true);
}

TEST_F(CalendarIntegrationTest, ProviderFailuresAre502AndLoseNothing) {
  auto client = Client();
  auto coach = Coach();
  // Token endpoint down: 502, and the state survives for a retry.
  std::string state = Authorize(client, "google", "code-flaky");
  MockFail("500", 1);
  ExpectDetail(Exchange(client, "google", "code-flaky", state), 502, "token endpoint answered HTTP 500");
  ASSERT_EQ(Exchange(client, "google", "code-flaky", state).status, 200);

  std::string id = Book(client, coach, "2030-01-09T10:00:00Z");
  MockFail("500", 1);
  ExpectDetail(Sync(client, id, "google"), 502, "Google Calendar answered HTTP 500");
  auto start = std::chrono::steady_clock::now();
  MockFail("hang", 1);
  ExpectDetail(Sync(client, id, "google"), 502, "did not answer in time");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_EQ(c_->Get("/booking/" + id, BearerAuth(client)).Json()["meeting_link"], nullptr);
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM calendar_event_links l JOIN bookings b ON "
                                         "b.id = l.booking_id WHERE b.uuid = '" + id + "'"),
            "0");
  // The connection still works.
  auto ok = Sync(client, id, "google");
  ASSERT_EQ(ok.status, 200) << ok.body;
}

TEST_F(CalendarIntegrationTest, SyncAuthorizationAndBadInput) {
  auto client = Client();
  auto coach = Coach();
  auto stranger = Client();
  auto admin = Client();
  SetRole(*server_, admin.username, "admin");
  auto tokens = Connect(stranger, "google");
  std::string id = Book(client, coach, "2030-01-10T10:00:00Z");

  ExpectDetail(Sync(stranger, id, "google"), 403, "Unauthorized");
  ExpectDetail(Sync(admin, id, "google"), 403, "Unauthorized");
  ExpectDetail(Sync(client, "123e4567-e89b-12d3-a456-426614174000", "google"), 404, "Booking not found");
  ExpectDetail(Sync(client, id, "ical"), 400, "calendar_type must be one of");
  ExpectDetail(Sync(client, "nope", "google"), 400, "booking_id");
  ExpectDetail(Sync(client, id, "google", {{"timezone", "Mars/Olympus"}}), 400, "Unknown time zone");
  // Pydantic ignores fields the model does not declare.
  ExpectDetail(Sync(client, id, "google", {{"colour", "red"}}), 400, "No google calendar connected");
  ExpectDetail(Sync(client, id, "google"), 400, "No google calendar connected");
  ExpectDetail(Sync(client, id, "caldav"), 400, "No CalDAV calendar connected");
  ExpectDetail(c_->Post("/calendar/sync-booking", {{"booking_id", id}, {"calendar_type", "google"}}), 401,
               "Not authenticated");

  // A caller-supplied access token is used as is (the mock checks the bearer).
  auto with_token = Sync(coach, id, "google", {{"access_token", tokens["access_token"]}});
  ASSERT_EQ(with_token.status, 200) << with_token.body;
  ExpectDetail(Sync(client, id, "google", {{"access_token", "at-forged"}}), 400, "refused the credentials");
}

TEST_F(CalendarIntegrationTest, CaldavConnectSyncChangeCancelAgainstRadicale) {
  auto client = Client();
  auto coach = Coach();
  std::string user = client.username;
  Capture(kPython + " " + kScripts + "caldav_tool.py make " + CaldavUrl(user) + " " + user);

  ExpectDetail(c_->Post("/calendar/caldav/connect",
                        {{"url", "http://127.0.0.1:" + std::to_string(radicale_port_) + "/" + user + "/none/"},
                         {"username", user}, {"password", "secret-pw"}},
                        BearerAuth(client)),
               400, "No calendar collection");
  ExpectDetail(c_->Post("/calendar/caldav/connect", {{"url", "ftp://x"}, {"username", user}, {"password", "p"}},
                        BearerAuth(client)),
               400, "http or https");
  ExpectDetail(c_->Post("/calendar/caldav/connect", {{"url", CaldavUrl(user)}, {"username", user}}, BearerAuth(client)),
               400, "password");
  auto connected = c_->Post("/calendar/caldav/connect",
                            {{"url", CaldavUrl(user)}, {"username", user}, {"password", "secret-pw"}},
                            BearerAuth(client));
  ASSERT_EQ(connected.status, 200) << connected.body;
  auto list = c_->Get("/calendar/connections", BearerAuth(client)).Json()["connections"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["calendar_type"], "caldav");
  EXPECT_EQ(list[0]["url"], CaldavUrl(user));

  std::string id = Book(client, coach, "2030-01-11T10:00:00Z", "Bring notes, please");
  auto r = Sync(client, id, "caldav");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["event_id"], id + "@kairos");
  auto events = CaldavEvents(user);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["uid"], id + "@kairos");
  EXPECT_EQ(events[0]["start"], "2030-01-11T10:00:00+0000");
  EXPECT_EQ(events[0]["end"], "2030-01-11T11:00:00+0000");
  EXPECT_EQ(events[0]["sequence"], 0);
  EXPECT_EQ(events[0]["status"], "TENTATIVE");
  EXPECT_EQ(events[0]["description"], "Bring notes, please");

  ASSERT_EQ(c_->Patch("/booking/" + id + "/status", {{"status", "confirmed"}}, BearerAuth(coach)).status, 200);
  ASSERT_EQ(Sync(client, id, "caldav").status, 200);
  events = CaldavEvents(user);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["sequence"], 1);
  EXPECT_EQ(events[0]["status"], "CONFIRMED");

  ASSERT_EQ(c_->Delete("/booking/" + id, BearerAuth(coach)).status, 204);
  events = CaldavEvents(user);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["sequence"], 2);
  EXPECT_EQ(events[0]["status"], "CANCELLED");

  EXPECT_EQ(c_->Delete("/calendar/connections/caldav", BearerAuth(client)).status, 204);
  ExpectDetail(c_->Delete("/calendar/connections/caldav", BearerAuth(client)), 404, "No caldav calendar");
}

TEST_F(CalendarIntegrationTest, CaldavEventsAreWrittenInTheRequestedZoneAcrossDst) {
  auto client = Client();
  auto coach = Coach();
  ConnectRadicale(client);
  // New York is UTC-4 in July (EDT) and UTC-5 in January (EST).
  std::string summer = Book(client, coach, "2030-07-15T14:00:00Z");
  std::string winter = Book(client, coach, "2030-01-15T14:00:00Z");
  ASSERT_EQ(Sync(client, summer, "caldav", {{"timezone", "America/New_York"}}).status, 200);
  ASSERT_EQ(Sync(client, winter, "caldav", {{"timezone", "America/New_York"}}).status, 200);

  auto events = CaldavEvents(client.username);
  ASSERT_EQ(events.size(), 2u);
  auto s = EventWithUid(events, summer + "@kairos");
  auto w = EventWithUid(events, winter + "@kairos");
  ASSERT_TRUE(s.is_object() && w.is_object()) << events.dump();
  for (const auto& e : {s, w}) {
    EXPECT_EQ(e["tzid"], "America/New_York") << e.dump();
    EXPECT_EQ(e["vtimezones"], json::array({"America/New_York"})) << e.dump();
  }
  // The wall clock in New York, and the same instants as the bookings when resolved
  // through the resource's own VTIMEZONE.
  EXPECT_EQ(s["start_local"], "2030-07-15T10:00:00");
  EXPECT_EQ(s["start"], "2030-07-15T10:00:00-0400");
  EXPECT_EQ(s["start_utc"], "2030-07-15T14:00:00Z");
  EXPECT_EQ(s["end_utc"], "2030-07-15T15:00:00Z");
  EXPECT_EQ(w["start_local"], "2030-01-15T09:00:00");
  EXPECT_EQ(w["start"], "2030-01-15T09:00:00-0500");
  EXPECT_EQ(w["start_utc"], "2030-01-15T14:00:00Z");
  EXPECT_EQ(w["end_utc"], "2030-01-15T15:00:00Z");

  // A zone east of UTC, without daylight saving time.
  std::string kolkata = Book(client, coach, "2030-07-16T14:00:00Z");
  ASSERT_EQ(Sync(client, kolkata, "caldav", {{"timezone", "Asia/Kolkata"}}).status, 200);
  auto k = EventWithUid(CaldavEvents(client.username), kolkata + "@kairos");
  EXPECT_EQ(k["tzid"], "Asia/Kolkata") << k.dump();
  EXPECT_EQ(k["start_local"], "2030-07-16T19:30:00");
  EXPECT_EQ(k["start_utc"], "2030-07-16T14:00:00Z");
}

TEST_F(CalendarIntegrationTest, CaldavResourcesCarryNoMethod) {
  auto client = Client();
  auto coach = Coach();
  ConnectRadicale(client);
  std::string id = Book(client, coach, "2030-01-17T10:00:00Z");
  ASSERT_EQ(Sync(client, id, "caldav").status, 200);
  ASSERT_EQ(c_->Delete("/booking/" + id, BearerAuth(client)).status, 204);
  auto events = CaldavEvents(client.username);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["status"], "CANCELLED");
  EXPECT_EQ(events[0]["method"], "") << "RFC 4791 4.1: no METHOD in a calendar collection";
  // A UTC event needs no VTIMEZONE.
  EXPECT_EQ(events[0]["tzid"], "");
  EXPECT_EQ(events[0]["vtimezones"], json::array());
}

TEST_F(CalendarIntegrationTest, CaldavEventsNameTheOrganizerAndAttendees) {
  auto client = Client();
  auto coach = Coach();
  ConnectRadicale(client);
  ConnectRadicale(coach);
  std::string id = Book(client, coach, "2030-01-18T10:00:00Z");
  ASSERT_EQ(Sync(client, id, "caldav").status, 200);
  ASSERT_EQ(Sync(coach, id, "caldav").status, 200);
  for (const auto* who : {&client, &coach}) {
    auto events = CaldavEvents(who->username);
    ASSERT_EQ(events.size(), 1u);
    auto e = events[0];
    ASSERT_TRUE(e["organizer"].is_object()) << e.dump();
    EXPECT_EQ(e["organizer"]["email"], coach.email);
    EXPECT_EQ(e["organizer"]["cn"], coach.username);
    EXPECT_EQ(AttendeeEmails(e), (std::set<std::string>{client.email, coach.email})) << e.dump();
    for (const auto& a : e["attendees"]) {
      bool host = a["email"] == coach.email;
      EXPECT_EQ(a["cn"], host ? coach.username : client.username);
      EXPECT_EQ(a["role"], host ? "CHAIR" : "REQ-PARTICIPANT");
      EXPECT_EQ(a["partstat"], "ACCEPTED");
    }
  }

  // A face-002 meeting, synced by a participant: the organiser and every participant,
  // under the meeting's UID.
  auto friend_ = Client();
  auto other = Client();
  ConnectRadicale(friend_);
  auto meeting = c_->Post("/api/event/",
                          {{"title", "Roadmap"}, {"time_slot", "2030-01-21 10:00:00"}, {"description", ""},
                           {"participants", {friend_.email, other.email}}},
                          TokenAuth(client));
  ASSERT_EQ(meeting.status, 201) << meeting.body;
  std::string meeting_id = std::to_string(meeting.Json()["response"]["id"].get<std::int64_t>());
  std::string meeting_uuid = QuerySql(server_->db_path(), "SELECT uuid FROM meetings WHERE id = " + meeting_id);
  std::string booking = QuerySql(server_->db_path(),
                                 "SELECT b.uuid FROM bookings b JOIN calendars c ON c.id = b.calendar_id JOIN accounts "
                                 "a ON a.id = c.owner_account_id WHERE b.meeting_id = " + meeting_id +
                                     " AND a.username = '" + friend_.username + "'");
  ASSERT_FALSE(booking.empty());
  auto r = Sync(friend_, booking, "caldav");
  ASSERT_EQ(r.status, 200) << r.body;
  auto events = CaldavEvents(friend_.username);
  ASSERT_EQ(events.size(), 1u);
  auto e = events[0];
  EXPECT_EQ(e["summary"], "Roadmap");
  ASSERT_TRUE(e["organizer"].is_object()) << e.dump();
  EXPECT_EQ(e["organizer"]["email"], client.email);
  EXPECT_EQ(AttendeeEmails(e), (std::set<std::string>{client.email, friend_.email, other.email})) << e.dump();
  for (const auto& a : e["attendees"]) {
    EXPECT_EQ(a["role"], a["email"] == client.email ? "CHAIR" : "REQ-PARTICIPANT");
  }

  // The UID is the documented `meeting-<meeting uuid>@kairos`, the same as in the feed.
  EXPECT_EQ(r.Json()["event_id"], "meeting-" + meeting_uuid + "@kairos");
  EXPECT_EQ(e["uid"], "meeting-" + meeting_uuid + "@kairos");
  std::string token = c_->Post("/calendar/feed-token", json::object(), BearerAuth(friend_)).Json()["token"];
  auto feed = Ics(c_->Get("/calendar/feed.ics?token=" + token).body);
  ASSERT_EQ(feed["events"].size(), 1u);
  EXPECT_EQ(feed["events"][0]["uid"], "meeting-" + meeting_uuid + "@kairos");
}

TEST_F(CalendarIntegrationTest, CaldavSequenceCountsChangesAndTheUidStays) {
  auto client = Client();
  auto coach = Coach();
  ConnectRadicale(client);
  std::string id = Book(client, coach, "2030-01-22T10:00:00Z");
  std::string uid = id + "@kairos";
  auto stored = [&] {
    return QuerySql(server_->db_path(), "SELECT l.sequence FROM calendar_event_links l JOIN bookings b ON b.id = "
                                        "l.booking_id WHERE b.uuid = '" + id + "'");
  };
  auto sync_and_read = [&] {
    auto r = Sync(client, id, "caldav");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["event_id"], uid);
    auto events = CaldavEvents(client.username);
    EXPECT_EQ(events.size(), 1u) << events.dump();
    EXPECT_EQ(events[0]["uid"], uid);
    return events[0];
  };

  auto first = sync_and_read();
  EXPECT_EQ(first["sequence"], 0);
  // Written again unchanged: the same revision.
  EXPECT_EQ(sync_and_read()["sequence"], 0);
  EXPECT_EQ(stored(), "0");
  // A status change is a new revision, once.
  ASSERT_EQ(c_->Patch("/booking/" + id + "/status", {{"status", "confirmed"}}, BearerAuth(coach)).status, 200);
  auto confirmed = sync_and_read();
  EXPECT_EQ(confirmed["sequence"], 1);
  EXPECT_EQ(confirmed["status"], "CONFIRMED");
  EXPECT_EQ(confirmed["href"], first["href"]);
  EXPECT_EQ(sync_and_read()["sequence"], 1);
  // Shown in another zone: the same instants, but a new representation.
  ASSERT_EQ(Sync(client, id, "caldav", {{"timezone", "Europe/Paris"}}).status, 200);
  EXPECT_EQ(CaldavEvents(client.username)[0]["sequence"], 2);
  EXPECT_EQ(stored(), "2");
  // Cancelling rewrites it once more, still in that zone.
  ASSERT_EQ(c_->Delete("/booking/" + id, BearerAuth(client)).status, 204);
  auto cancelled = CaldavEvents(client.username);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0]["uid"], uid);
  EXPECT_EQ(cancelled[0]["sequence"], 3);
  EXPECT_EQ(cancelled[0]["status"], "CANCELLED");
  EXPECT_EQ(cancelled[0]["tzid"], "Europe/Paris");
  EXPECT_EQ(stored(), "3");
  // A sync after the cancellation changes nothing.
  ASSERT_EQ(Sync(client, id, "caldav").Json()["status"], "cancelled");
  EXPECT_EQ(CaldavEvents(client.username)[0]["sequence"], 3);
}

TEST_F(CalendarIntegrationTest, FeedsArePublishedWithAnOrganizerAndNoAttendees) {
  auto client = Client();
  auto coach = Coach();
  std::string id = Book(client, coach, "2030-01-23T10:00:00Z");
  std::string token = c_->Post("/calendar/feed-token", json::object(), BearerAuth(client)).Json()["token"];
  auto feed = Ics(c_->Get("/calendar/feed.ics?token=" + token).body);
  auto one = Ics(c_->Get("/calendar/bookings/" + id + "/event.ics", BearerAuth(client)).body);
  for (const auto& parsed : {feed, one}) {
    EXPECT_EQ(parsed["problems"], json::array());
    EXPECT_EQ(parsed["method"], "PUBLISH");
    ASSERT_EQ(parsed["events"].size(), 1u);
    // RFC 5546 3.2.1: a PUBLISH names its organizer and invites no attendee.
    EXPECT_EQ(parsed["events"][0]["organizer"], "mailto:" + coach.email);
    EXPECT_EQ(parsed["events"][0]["attendees"], 0);
  }
}

TEST_F(CalendarIntegrationTest, FeedListsBookingsAndMeetingsAsValidIcalendar) {
  auto client = Client();
  auto kolkata = Coach({{"timezone", "Asia/Kolkata"}});
  std::string notes = "Line one, with commas; semicolons \\ backslashes\nand a second line that is long enough to "
                      "need folding at seventy-five octets — with UTF-8 éèà too.";
  // 09:30 in Kolkata (UTC+05:30) is 04:00 UTC.
  std::string session = Book(client, kolkata, "2030-01-14T04:00:00Z", notes);
  std::string cancelled = Book(client, kolkata, "2030-01-14T06:00:00Z");
  ASSERT_EQ(c_->Delete("/booking/" + cancelled, BearerAuth(client)).status, 204);
  auto friend_ = Client();
  auto meeting = c_->Post("/api/event/",
                          {{"title", "Planning, Q1"}, {"time_slot", "2030-01-15 10:00:00"}, {"description", "d"},
                           {"participants", {friend_.email}}},
                          TokenAuth(client));
  ASSERT_EQ(meeting.status / 100, 2) << meeting.body;

  auto created = c_->Post("/calendar/feed-token", json::object(), BearerAuth(client));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string token = created.Json()["token"];
  EXPECT_EQ(created.Json()["feed_path"], "/calendar/feed.ics?token=" + token);
  auto feed = c_->Get("/calendar/feed.ics?token=" + token);
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.Header("content-type"), "text/calendar; charset=utf-8");
  auto parsed = Ics(feed.body);
  EXPECT_EQ(parsed["problems"], json::array());
  std::map<std::string, json> by_uid;
  for (const auto& e : parsed["events"]) by_uid[e["uid"]] = e;
  ASSERT_EQ(by_uid.size(), 3u) << feed.body;
  auto s = by_uid[session + "@kairos"];
  EXPECT_EQ(s["start"], "2030-01-14T04:00:00+0000");
  EXPECT_EQ(s["end"], "2030-01-14T05:00:00+0000");
  EXPECT_EQ(s["status"], "TENTATIVE");
  EXPECT_EQ(s["description"], notes);
  EXPECT_NE(s["summary"].get<std::string>().find("Coaching session"), std::string::npos);
  EXPECT_EQ(by_uid[cancelled + "@kairos"]["status"], "CANCELLED");
  bool found_meeting = false;
  for (const auto& [uid, e] : by_uid) {
    if (uid.starts_with("meeting-")) {
      found_meeting = true;
      EXPECT_EQ(e["summary"], "Planning, Q1");
      EXPECT_EQ(e["status"], "CONFIRMED");
    }
  }
  EXPECT_TRUE(found_meeting) << feed.body;
  EXPECT_NE(feed.body.find("Planning\\, Q1"), std::string::npos);

  // The coach's own feed shows the session in UTC too; the participant sees the meeting.
  auto coach_token = c_->Post("/calendar/feed-token", json::object(), BearerAuth(kolkata)).Json()["token"];
  auto coach_feed = Ics(c_->Get("/calendar/feed.ics?token=" + coach_token.get<std::string>()).body);
  EXPECT_EQ(coach_feed["events"].size(), 2u);
  auto friend_token = c_->Post("/calendar/feed-token", json::object(), BearerAuth(friend_)).Json()["token"];
  auto friend_feed = Ics(c_->Get("/calendar/feed.ics?token=" + friend_token.get<std::string>()).body);
  ASSERT_EQ(friend_feed["events"].size(), 1u);
  EXPECT_EQ(friend_feed["events"][0]["summary"], "Planning, Q1");

  // One booking's file.
  auto one = c_->Get("/calendar/bookings/" + session + "/event.ics", BearerAuth(kolkata));
  ASSERT_EQ(one.status, 200) << one.body;
  auto one_parsed = Ics(one.body);
  EXPECT_EQ(one_parsed["problems"], json::array());
  ASSERT_EQ(one_parsed["events"].size(), 1u);
  EXPECT_EQ(one_parsed["events"][0]["start"], "2030-01-14T04:00:00+0000");
  ExpectDetail(c_->Get("/calendar/bookings/" + session + "/event.ics", BearerAuth(friend_)), 403, "Unauthorized");
  ExpectDetail(c_->Get("/calendar/bookings/123e4567-e89b-12d3-a456-426614174000/event.ics", BearerAuth(client)), 404,
               "Booking not found");

  // Rotation revokes the old token; DELETE revokes the new one.
  std::string rotated = c_->Post("/calendar/feed-token", json::object(), BearerAuth(client)).Json()["token"];
  ExpectDetail(c_->Get("/calendar/feed.ics?token=" + token), 404, "Feed not found");
  EXPECT_EQ(c_->Get("/calendar/feed.ics?token=" + rotated).status, 200);
  EXPECT_EQ(c_->Delete("/calendar/feed-token", BearerAuth(client)).status, 204);
  ExpectDetail(c_->Get("/calendar/feed.ics?token=" + rotated), 404, "Feed not found");
  ExpectDetail(c_->Delete("/calendar/feed-token", BearerAuth(client)), 404, "No feed token");
  ExpectDetail(c_->Get("/calendar/feed.ics"), 404, "Feed not found");
}

TEST_F(CalendarIntegrationTest, NoSecretInTheDatabaseOrTheLog) {
  auto client = Client();
  auto coach = Coach();
  std::string state = Authorize(client, "google", "code-secret");
  auto tokens = Exchange(client, "google", "code-secret", state).Json();
  std::string user = client.username;
  Capture(kPython + " " + kScripts + "caldav_tool.py make " + CaldavUrl(user) + " " + user);
  std::string password = "pw-" + Unique("very-secret");
  ASSERT_EQ(c_->Post("/calendar/caldav/connect", {{"url", CaldavUrl(user)}, {"username", user}, {"password", password}},
                     BearerAuth(client))
                .status,
            200);
  std::string feed = c_->Post("/calendar/feed-token", json::object(), BearerAuth(client)).Json()["token"];
  ASSERT_EQ(c_->Get("/calendar/feed.ics?token=" + feed).status, 200);
  std::string id = Book(client, coach, "2030-01-16T10:00:00Z");
  ASSERT_EQ(Sync(client, id, "google").status, 200);
  std::string pending_state = Authorize(client, "outlook", "code-pending");

  std::string stored = ReadAll(server_->db_path()) + ReadAll(server_->db_path() + "-wal");
  std::string log = server_->Log();
  for (const std::string& secret : {tokens["access_token"].get<std::string>(),
                                    tokens["refresh_token"].get<std::string>(), password, feed, state, pending_state,
                                    std::string("g-secret")}) {
    EXPECT_EQ(stored.find(secret), std::string::npos) << "database holds " << secret;
    EXPECT_EQ(log.find(secret), std::string::npos) << "log holds " << secret;
  }
  EXPECT_NE(QuerySql(server_->db_path(), "SELECT access_token_sealed FROM calendar_connections LIMIT 1").rfind("v1:", 0),
            std::string::npos);
  auto key = std::filesystem::status(server_->dir() + "/calendar.key").permissions();
  EXPECT_EQ(key & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}


// The Monday at least `weeks` weeks ahead (UTC), YYYY-MM-DD: inside the time busy time is read for.
std::string MondayAhead(int weeks) {
  std::time_t t = std::time(nullptr) + weeks * 7 * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  t += ((8 - tm.tm_wday) % 7) * 86400;
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Google's freeBusy and Graph's calendarView through the mock (which checks every
// parameter): their busy time is not offered by face 001; a provider answering 500 or
// too late keeps the last known busy time and shows the error, availability unaffected.
TEST_F(CalendarIntegrationTest, GoogleAndOutlookBusyTimeIsReadAndKeptWhenTheyFail) {
  const std::string day = MondayAhead(2);
  auto at = [&](const std::string& hhmm) { return day + "T" + hhmm + ":00Z"; };
  auto offered = [&](const TestAccount& coach) {
    auto r = c_->Get("/booking/coach/" + coach.uuid + "/availability?start_date=" + UrlEncode(at("00:00")) +
                     "&end_date=" + UrlEncode(day + "T23:59:00Z"));
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> starts;
    const json body = r.Json();
    for (const auto& slot : body["available_slots"]) starts.insert(slot["start"].get<std::string>());
    return starts;
  };
  auto refresh = [&](const TestAccount& coach, const std::string& type) {
    auto r = c_->Post("/calendar/connections/" + type + "/refresh", json::object(), BearerAuth(coach));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  };

  auto g = Coach();
  Connect(g, "google");
  m_->Post("/_control/busy", {{"provider", "google"}, {"busy", {{{"start", at("10:00")}, {"end", at("11:00")}}}}});
  json state = refresh(g, "google");
  EXPECT_EQ(state["busy_intervals"], 1) << state;
  EXPECT_EQ(state["busy_error"], nullptr) << state;
  EXPECT_EQ(offered(g).count(at("10:00")), 0u);
  EXPECT_EQ(offered(g).count(at("11:00")), 1u);

  auto o = Coach();
  Connect(o, "outlook");
  m_->Post("/_control/busy",
           {{"provider", "outlook"},
            {"events", {{{"id", "e1"}, {"showAs", "busy"}, {"start", at("10:00")}, {"end", at("11:00")}},
                        {{"id", "e2"}, {"showAs", "free"}, {"start", at("13:00")}, {"end", at("14:00")}},
                        {{"id", "e3"}, {"showAs", "oof"}, {"isCancelled", true}, {"start", at("15:00")},
                         {"end", at("16:00")}},
                        {{"id", "e4"}, {"showAs", "tentative"}, {"start", at("14:00")}, {"end", at("14:30")}},
                        {{"id", "e5"}, {"showAs", "workingElsewhere"}, {"start", at("12:00")}, {"end", at("13:00")}}}}});
  state = refresh(o, "outlook");
  EXPECT_EQ(state["busy_intervals"], 2) << state << ": busy and tentative, across three pages";
  auto free = offered(o);
  EXPECT_EQ(free.count(at("10:00")), 0u);
  EXPECT_EQ(free.count(at("13:30")), 0u) << "tentative 14:00-14:30 blocks";
  for (const char* t : {"11:00", "12:00", "15:00"}) EXPECT_EQ(free.count(at(t)), 1u) << t;

  // Failures keep the last busy time; the error shows on the connection.
  MockFail("500", 1);
  state = refresh(g, "google");
  EXPECT_NE(state["busy_error"], nullptr) << state;
  EXPECT_EQ(state["busy_intervals"], 1) << state;
  EXPECT_EQ(offered(g).count(at("10:00")), 0u) << "the last known busy time still counts";
  MockFail("hang", 1);
  state = refresh(o, "outlook");
  EXPECT_NE(state["busy_error"], nullptr) << state;
  EXPECT_EQ(state["busy_intervals"], 2) << state;
  EXPECT_EQ(offered(o).count(at("10:00")), 0u);
  auto list = c_->Get("/calendar/connections", BearerAuth(o));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.Json()["connections"][0]["busy_error"], nullptr) << list.body;
  // A later success clears the error.
  state = refresh(g, "google");
  EXPECT_EQ(state["busy_error"], nullptr) << state;
}

// Without --calendar-allow-private (this suite's server), a subscription over http://
// or at a loopback or private address is refused before anything is fetched.
TEST_F(CalendarIntegrationTest, SubscriptionsAtPrivateAddressesNeedTheOperatorsFlag) {
  auto who = Client();
  for (const char* url : {"http://example.com/cal.ics", "https://127.0.0.1/cal.ics", "webcal://10.1.2.3/cal.ics",
                          "https://localhost/cal.ics", "https://[::1]/cal.ics"}) {
    auto r = c_->Post("/calendar/subscription/connect", {{"url", url}}, BearerAuth(who));
    EXPECT_EQ(r.status, 400) << url << " " << r.body;
    EXPECT_EQ(r.body.find("Calendar subscription answered"), std::string::npos) << url << ": nothing was fetched";
  }
  auto list = c_->Get("/calendar/connections", BearerAuth(who));
  EXPECT_EQ(list.Json()["connections"], json::array());
}

}  // namespace
}  // namespace kairos::testing
