// Notifications over HTTP (docs/notifications.md): bookings made through faces 000-004
// reach their hosts' webhooks as signed events, exactly the expected ones; a receiver that
// fails is retried with the same event id; a kill -9 between a booking's commit and its
// delivery loses nothing; two instances on one database deliver each event once. The
// receiver is a small Python http.server (tests/notify/receiver.py) on loopback that
// checks each signature with the verifier the document gives.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/accounts.hpp"
#include "support/database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "v1_support.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::vector<std::string> kFast = {"--webhooks-allow-private", "--notify-poll-ms", "100",
                                        "--notify-retry-base-ms", "300"};

std::string Unique(const std::string& base) {
  static int n = 0;
  return base + std::to_string(getpid()) + "x" + std::to_string(++n);
}

class Receiver {
 public:
  explicit Receiver(int fail_first = 0) : dir_(MakeTempDir()) {
    pid_ = fork();
    if (pid_ == 0) {
      std::string script = std::string(KAIROS_TESTS_DIR) + "/notify/receiver.py";
      std::string n = std::to_string(fail_first);
      execl("/usr/bin/python3", "python3", script.c_str(), dir_.c_str(), "--fail-first", n.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && !std::filesystem::exists(dir_ + "/port"); ++i) std::this_thread::sleep_for(50ms);
    std::ifstream in(dir_ + "/port");
    in >> port_;
    EXPECT_GT(port_, 0) << "the receiver did not start";
  }
  ~Receiver() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  void SetSecret(const std::string& path, const std::string& secret) {
    secrets_[path] = secret;
    {
      std::ofstream out(dir_ + "/secrets.tmp");
      out << secrets_.dump();
    }
    std::filesystem::rename(dir_ + "/secrets.tmp", dir_ + "/secrets.json");
  }
  std::vector<json> Received() const {
    std::vector<json> out;
    std::ifstream in(dir_ + "/received.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      // A line the writer has not finished yet is read on the next look.
      if (in.eof()) break;
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
  // Waits until at least n requests came (or the timeout), then returns them all.
  std::vector<json> WaitFor(std::size_t n, std::chrono::milliseconds timeout = 20s) const {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (Received().size() < n && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
    return Received();
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  json secrets_ = json::object();
};

// Registers a webhook for every event type at the receiver's `path`.
json AddWebhook(HttpClient& c, const TestAccount& who, Receiver& receiver, const std::string& path) {
  auto r = c.Post("/v1/webhooks",
                  {{"url", receiver.Url(path)},
                   {"events", {"booking.created", "booking.requested", "booking.confirmed", "booking.declined",
                               "booking.cancelled", "booking.rescheduled", "booking.reminder"}}},
                  BearerAuth(who));
  EXPECT_EQ(r.status, 201) << r.body;
  json w = r.Json();
  receiver.SetSecret(path, w.value("secret", ""));
  return w;
}

// Face 000: `who` publishes a slot on 2030-03-04 at `hour` (UTC) and books it.
std::string BookOwnSlot(HttpClient& c, const TestAccount& who, int hour) {
  char start[32], end[32];
  std::snprintf(start, sizeof start, "2030-03-04T%02d:00:00", hour);
  std::snprintf(end, sizeof end, "2030-03-04T%02d:30:00", hour);
  auto slot = c.Post("/users/time-slots/", {{"start_time", start}, {"end_time", end}, {"timezone", "UTC"}},
                     BearerAuth(who));
  EXPECT_EQ(slot.status, 200) << slot.body;
  const std::string id = slot.Json().value("id", "");
  auto booked = c.Post("/users/time-slots/" + id + "/book", json::object(), BearerAuth(who));
  EXPECT_EQ(booked.status, 200) << booked.body;
  return id;
}

std::vector<std::string> TypesAt(const std::vector<json>& received, const std::string& path) {
  std::vector<std::string> out;
  for (const auto& r : received) {
    if (r["path"] == path) out.push_back(r["body"]["type"]);
  }
  return out;
}

TEST(NotificationsTest, EveryFaceBooksIntoExactlyTheExpectedSignedEvents) {
  Receiver receiver;
  ServerProcess server({.args = kFast});
  HttpClient c(server.port());
  auto client = SignUpAndLogin(c, Unique("nclient"));

  // Face 000: a coach books their own slot, then deletes it.
  auto h0 = SignUpAndLogin(c, Unique("nh0"), {{"role", "coach"}});
  AddWebhook(c, h0, receiver, "/h0");
  const std::string slot = BookOwnSlot(c, h0, 10);
  auto deleted = c.Request("DELETE", "/users/time-slots/" + slot, "", BearerAuth(h0));
  ASSERT_LT(deleted.status, 300) << deleted.body;

  // Face 001: a client requests a session with a coach (pending).
  auto h1 = SignUpAndLogin(c, Unique("nh1"), {{"role", "coach"}});
  AddWebhook(c, h1, receiver, "/h1");
  auto session = c.Post("/booking",
                        {{"coach_id", h1.uuid}, {"session_datetime", "2030-03-04T10:00:00Z"}, {"duration_minutes", 60}},
                        BearerAuth(client));
  ASSERT_EQ(session.status, 201) << session.body;
  const std::string session_id = session.Json()["id"];
  auto confirmed = c.Patch("/booking/" + session_id + "/status", {{"status", "confirmed"}}, BearerAuth(h1));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;

  // Face 002: a meeting with h2 as participant, moved an hour later, retitled, called off.
  auto h2 = SignUpAndLogin(c, Unique("nh2"));
  auto organiser = SignUpAndLogin(c, Unique("norg"));
  AddWebhook(c, h2, receiver, "/h2");
  auto meeting = c.Post("/api/event/",
                        {{"title", "plan"},
                         {"time_slot", "2030-03-04 10:00:00"},
                         {"description", "plan"},
                         {"participants", {h2.email}}},
                        TokenAuth(organiser));
  ASSERT_EQ(meeting.status, 201) << meeting.body;
  const std::string meeting_id = std::to_string(meeting.Json()["response"]["id"].get<std::int64_t>());
  auto moved = c.Patch("/api/event/" + meeting_id + "/", {{"time_slot", "2030-03-04 11:00:00"}}, TokenAuth(organiser));
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto retitled = c.Patch("/api/event/" + meeting_id + "/", {{"title", "plan b"}}, TokenAuth(organiser));
  ASSERT_EQ(retitled.status, 200) << retitled.body;  // the same time: no event
  auto called_off = c.Patch("/api/event/" + meeting_id + "/", {{"status", "cancelled"}}, TokenAuth(organiser));
  ASSERT_EQ(called_off.status, 200) << called_off.body;

  // Face 003: a customer books an exchange h3 owns (pending); the owner cancels it.
  auto h3 = SignUpAndLogin(c, Unique("nh3"));
  AddWebhook(c, h3, receiver, "/h3");
  json hours = json::array();
  for (int day = 1; day <= 5; ++day) {
    hours.push_back({{"day_of_week", day}, {"open_time", "09:00"}, {"close_time", "17:00"}, {"is_closed", false}});
  }
  auto exchange = c.Post("/api/exchanges/",
                         {{"business_name", "Repairs"}, {"description", "d"}, {"operating_hours", hours}},
                         BearerAuth(h3));
  ASSERT_EQ(exchange.status, 201) << exchange.body;
  auto business_booking = c.Post("/api/bookings/",
                                 {{"exchange", exchange.Json()["uuid"]},
                                  {"date", "2030-01-07"},
                                  {"start_time", "10:00"},
                                  {"end_time", "10:30"},
                                  {"customer_name", "John Doe"},
                                  {"customer_email", "john@example.com"}},
                                 BearerAuth(client));
  ASSERT_EQ(business_booking.status, 201) << business_booking.body;
  const std::string business_uuid = business_booking.Json()["uuid"];
  auto cancelled = c.Post("/api/bookings/" + business_uuid + "/cancel/", json::object(), BearerAuth(h3));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;

  // Face 004: a reservation on h4's consultant number.
  auto h4 = SignUpAndLogin(c, Unique("nh4"), {{"role", "coach"}});
  AddWebhook(c, h4, receiver, "/h4");
  auto me = c.Get("/api/user/me/", TokenAuth(h4));
  const std::string consultant = std::to_string(me.Json()["consultant_id"].get<std::int64_t>());
  ASSERT_EQ(c.Post("/consultants/" + consultant + "/availabilities/",
                   {{"date", "2030-03-04"}, {"start_time", "10:00"}, {"end_time", "11:00"}}, TokenAuth(h4))
                .status,
            201);
  auto user = c.Post("/user/", {{"first_name", "Res"}, {"last_name", "User"}});
  ASSERT_EQ(user.status, 201) << user.body;
  auto reserved = c.Post("/consultant/" + consultant + "/reserve/",
                         {{"user", user.Json()["id"]}, {"date", "2030-03-04"}, {"start_time", "10:00"},
                          {"end_time", "11:00"}});
  ASSERT_EQ(reserved.status, 201) << reserved.body;

  auto received = receiver.WaitFor(10);
  std::this_thread::sleep_for(800ms);  // nothing more comes
  received = receiver.Received();
  ASSERT_EQ(received.size(), 10u) << json(received).dump(2);

  EXPECT_EQ(TypesAt(received, "/h0"), (std::vector<std::string>{"booking.created", "booking.cancelled"}));
  EXPECT_EQ(TypesAt(received, "/h1"), (std::vector<std::string>{"booking.requested", "booking.confirmed"}));
  EXPECT_EQ(TypesAt(received, "/h2"),
            (std::vector<std::string>{"booking.created", "booking.rescheduled", "booking.cancelled"}));
  EXPECT_EQ(TypesAt(received, "/h3"), (std::vector<std::string>{"booking.requested", "booking.cancelled"}));
  EXPECT_EQ(TypesAt(received, "/h4"), std::vector<std::string>{"booking.created"});

  const std::map<std::string, std::string> faces = {
      {"/h0", "slot"}, {"/h1", "coach"}, {"/h2", "meeting"}, {"/h3", "business"}, {"/h4", "consultant"}};
  std::set<std::string> event_ids;
  for (const auto& r : received) {
    const json& body = r["body"];
    SCOPED_TRACE(body.dump());
    EXPECT_TRUE(r["signature_ok"].get<bool>());
    EXPECT_EQ(r["content_type"], "application/json");
    EXPECT_EQ(r["event_id"], body["id"]);
    EXPECT_EQ(r["event_type"], body["type"]);
    EXPECT_EQ(body["data"]["face"], faces.at(r["path"]));
    EXPECT_EQ(body["data"]["id"].get<std::string>().size(), 36u);
    EXPECT_EQ(body["created_at"].get<std::string>().back(), 'Z');
    event_ids.insert(body["id"]);
  }
  EXPECT_EQ(event_ids.size(), received.size());

  for (const auto& r : received) {
    const json& data = r["body"]["data"];
    if (r["path"] == "/h3") {
      EXPECT_EQ(data["id"], business_uuid);
      EXPECT_EQ(data["attendee"]["email"], "john@example.com");
      EXPECT_EQ(data["start"], "2030-01-07T10:00:00Z");
    }
    if (r["path"] == "/h3" && r["body"]["type"] == "booking.cancelled") EXPECT_EQ(data["status"], "cancelled");
    if (r["path"] == "/h2" && r["body"]["type"] == "booking.rescheduled") {
      EXPECT_EQ(data["start"], "2030-03-04T11:00:00Z");
      EXPECT_EQ(data["previous"]["start"], "2030-03-04T10:00:00Z");
      EXPECT_EQ(data["host"]["email"], h2.email);
    }
    if (r["path"] == "/h1") {
      EXPECT_EQ(data["id"], session_id);
      EXPECT_EQ(data["status"], r["body"]["type"] == "booking.requested" ? "pending" : "confirmed");
      EXPECT_EQ(data["host"]["id"], h1.uuid);
      EXPECT_EQ(data["attendee"]["id"], client.uuid);
    }
  }
}

TEST(NotificationsTest, AReceiverThatFailsGetsTheSameEventAgain) {
  Receiver receiver(1);  // 500 first, then 204
  ServerProcess server({.args = kFast});
  HttpClient c(server.port());
  auto host = SignUpAndLogin(c, Unique("nretry"), {{"role", "coach"}});
  json hook = AddWebhook(c, host, receiver, "/retry");
  BookOwnSlot(c, host, 12);

  auto received = receiver.WaitFor(2);
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0]["answered"], 500);
  EXPECT_EQ(received[1]["answered"], 204);
  EXPECT_EQ(received[0]["event_id"], received[1]["event_id"]);
  EXPECT_EQ(received[0]["delivery_id"], received[1]["delivery_id"]);
  EXPECT_TRUE(received[1]["signature_ok"].get<bool>());

  const std::string id = hook["id"];
  json deliveries;
  for (int i = 0; i < 50; ++i) {
    deliveries = c.Get("/v1/webhooks/" + id + "/deliveries", BearerAuth(host)).Json();
    if (deliveries["data"].size() == 1 && deliveries["data"][0]["state"] == "sent") break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(deliveries["data"].size(), 1u) << deliveries.dump();
  EXPECT_EQ(deliveries["data"][0]["state"], "sent");
  EXPECT_EQ(deliveries["data"][0]["attempts"], 2);
  EXPECT_EQ(deliveries["data"][0]["last_status"], 204);
  EXPECT_EQ(deliveries["data"][0]["event_id"], received[0]["event_id"]);
  const std::string attempts = QuerySql(server.db_path(), "SELECT COUNT(*) FROM notification_attempts");
  EXPECT_EQ(attempts, "2");

  // Redelivery sends the same event once more.
  const std::string delivery = deliveries["data"][0]["id"];
  auto again = c.Post("/v1/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", json::object(),
                      BearerAuth(host));
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.Json()["state"], "pending");
  received = receiver.WaitFor(3);
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[2]["event_id"], received[0]["event_id"]);
}

TEST(NotificationsTest, WebhooksAreTheOwnersOnlyAndCheckedOnTheWayIn) {
  Receiver receiver;
  ServerProcess open({.args = kFast});
  ServerProcess strict;  // private targets refused
  HttpClient c(open.port());
  HttpClient s(strict.port());
  auto owner = SignUpAndLogin(c, Unique("nown"));
  auto other = SignUpAndLogin(c, Unique("noth"));

  auto anonymous = c.Post("/v1/webhooks", {{"url", receiver.Url("/x")}, {"events", {"booking.created"}}});
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;

  auto created = c.Post("/v1/webhooks", {{"url", receiver.Url("/x")}, {"events", {"booking.created"}}},
                        BearerAuth(owner));
  ASSERT_EQ(created.status, 201) << created.body;
  json w = created.Json();
  EXPECT_EQ(w["secret"].get<std::string>().size(), 64u);
  EXPECT_EQ(w["active"], true);
  EXPECT_EQ(w["events"], json({"booking.created"}));
  const std::string id = w["id"];

  auto got = c.Get("/v1/webhooks/" + id, BearerAuth(owner));
  ASSERT_EQ(got.status, 200);
  EXPECT_FALSE(got.Json().contains("secret"));
  EXPECT_EQ(c.Get("/v1/webhooks", BearerAuth(owner)).Json()["data"].size(), 1u);
  EXPECT_EQ(c.Get("/v1/webhooks", BearerAuth(other)).Json()["data"].size(), 0u);
  EXPECT_EQ(c.Get("/v1/webhooks/" + id, BearerAuth(other)).status, 404);
  EXPECT_EQ(c.Patch("/v1/webhooks/" + id, {{"active", false}}, BearerAuth(other)).status, 404);
  EXPECT_EQ(c.Get("/v1/webhooks/" + id + "/deliveries", BearerAuth(other)).status, 404);
  EXPECT_EQ(c.Request("DELETE", "/v1/webhooks/" + id, "", BearerAuth(other)).status, 404);

  auto patched = c.Patch("/v1/webhooks/" + id, {{"events", {"booking.cancelled", "booking.created"}}, {"active", false}},
                         BearerAuth(owner));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["events"], json({"booking.created", "booking.cancelled"}));
  EXPECT_EQ(patched.Json()["active"], false);

  auto field_of = [](const HttpResponse& r) {
    auto body = json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("errors") || body["errors"].empty()) return std::string();
    return body["errors"][0].value("field", "");
  };
  auto bad = [&](HttpClient& via, const json& body, const std::string& field) {
    auto r = via.Post("/v1/webhooks", body, BearerAuth(owner));
    EXPECT_EQ(r.status, 400) << body.dump() << ": " << r.body;
    EXPECT_EQ(field_of(r), field) << body.dump() << ": " << r.body;
  };
  bad(c, {{"url", "ftp://example.com/x"}, {"events", {"booking.created"}}}, "url");
  bad(c, {{"url", "not a url"}, {"events", {"booking.created"}}}, "url");
  bad(c, {{"url", "http://example.com/" + std::string(2100, 'a')}, {"events", {"booking.created"}}}, "url");
  bad(c, {{"url", receiver.Url("/x")}, {"events", json::array()}}, "events");
  bad(c, {{"url", receiver.Url("/x")}, {"events", {"booking.exploded"}}}, "events");
  bad(c, {{"url", receiver.Url("/x")}}, "events");
  auto strict_owner = SignUpAndLogin(s, Unique("nstrict"));
  for (std::string url : {receiver.Url("/x"), std::string("http://10.1.2.3/x"), std::string("http://169.254.169.254/x"),
                          std::string("http://[::1]:80/x"), std::string("http://localhost/x")}) {
    auto r = s.Post("/v1/webhooks", {{"url", url}, {"events", {"booking.created"}}}, BearerAuth(strict_owner));
    EXPECT_EQ(r.status, 400) << url << ": " << r.body;
    EXPECT_EQ(field_of(r), "url") << url;
  }

  EXPECT_EQ(c.Request("DELETE", "/v1/webhooks/" + id, "", BearerAuth(owner)).status, 204);
  EXPECT_EQ(c.Get("/v1/webhooks/" + id, BearerAuth(owner)).status, 404);
}

TEST(NotificationsTest, KillNineAfterTheCommitLosesNoEvent) {
  Receiver receiver;
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/kill.db");
  std::string host_uuid;
  {
    // A dispatcher that looks once at start, then not for ten minutes.
    ServerProcess server({.args = {"--webhooks-allow-private", "--notify-poll-ms", "600000"}, .db_path = db});
    HttpClient c(server.port());
    auto host = SignUpAndLogin(c, Unique("nkill"), {{"role", "coach"}});
    AddWebhook(c, host, receiver, "/kill");
    std::this_thread::sleep_for(300ms);
    BookOwnSlot(c, host, 14);
    EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  }
  EXPECT_TRUE(receiver.Received().empty());
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_deliveries WHERE state = 'pending'"), "1");
  {
    ServerProcess restarted({.args = kFast, .db_path = db});
    auto received = receiver.WaitFor(1);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0]["body"]["type"], "booking.created");
    EXPECT_TRUE(received[0]["signature_ok"].get<bool>());
  }
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

bool LogSays(const ServerProcess& server, const std::string& text);

TEST(NotificationsTest, WebhookSecretsAreSealedAtRestAndOldOnesSealedAtStart) {
  Receiver receiver;
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/seal.db");
  TestAccount host;
  std::string secret, webhook;
  {
    ServerProcess server({.args = kFast, .db_path = db});
    HttpClient c(server.port());
    host = SignUpAndLogin(c, Unique("nseal"), {{"role", "coach"}});
    json w = AddWebhook(c, host, receiver, "/seal");
    secret = w["secret"];
    webhook = w["id"];
    const std::string stored = QuerySql(db, "SELECT secret FROM webhooks WHERE uuid = '" + webhook + "'");
    EXPECT_EQ(stored.rfind("v1:", 0), 0u) << stored;
    EXPECT_EQ(stored.find(secret), std::string::npos);
    BookOwnSlot(c, host, 9);
    auto received = receiver.WaitFor(1);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_TRUE(received[0]["signature_ok"].get<bool>());
  }
  // As a server from before sealing left it: the secret in clear.
  ExecSql(db, "UPDATE webhooks SET secret = '" + secret + "' WHERE uuid = '" + webhook + "'");
  {
    ServerProcess restarted({.args = kFast, .db_path = db});
    EXPECT_TRUE(LogSays(restarted, "sealed 1 webhook secret(s) stored in clear")) << restarted.Log();
    const std::string stored = QuerySql(db, "SELECT secret FROM webhooks WHERE uuid = '" + webhook + "'");
    EXPECT_EQ(stored.rfind("v1:", 0), 0u) << stored;
    HttpClient c(restarted.port());
    BookOwnSlot(c, host, 11);
    auto received = receiver.WaitFor(2);
    ASSERT_EQ(received.size(), 2u);
    for (const auto& r : received) EXPECT_TRUE(r["signature_ok"].get<bool>()) << r.dump();
  }
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

TEST(NotificationsTest, TwoInstancesOnOneDatabaseDeliverEachEventOnce) {
  Receiver receiver;
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/shared.db");
  const std::vector<std::string> args = {"--webhooks-allow-private", "--notify-poll-ms", "20"};
  {
    ServerProcess a({.args = args, .db_path = db});
    ServerProcess b({.args = args, .db_path = db});
    HttpClient ca(a.port());
    HttpClient cb(b.port());
    auto host = SignUpAndLogin(ca, Unique("ntwo"), {{"role", "coach"}});
    AddWebhook(ca, host, receiver, "/two");
    constexpr int kBookings = 16;
    for (int i = 0; i < kBookings; ++i) BookOwnSlot(i % 2 == 0 ? ca : cb, host, i % 24);
    auto received = receiver.WaitFor(kBookings);
    std::this_thread::sleep_for(1s);
    received = receiver.Received();
    std::set<std::string> ids;
    for (const auto& r : received) ids.insert(r["event_id"]);
    EXPECT_EQ(received.size(), static_cast<std::size_t>(kBookings));
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kBookings));
    EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_attempts"), std::to_string(kBookings));
    EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_deliveries WHERE state = 'sent' AND attempts = 1"),
              std::to_string(kBookings));
  }
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

// Whether the server's log says `text` within a few seconds (startup lines follow the port).
bool LogSays(const ServerProcess& server, const std::string& text) {
  for (int i = 0; i < 100; ++i) {
    if (server.Log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// An SMTP server on loopback (tests/notify/smtp_sink.py, aiosmtpd) that keeps every message.
class SmtpSink {
 public:
  SmtpSink() : dir_(MakeTempDir()) {
    pid_ = fork();
    if (pid_ == 0) {
      std::string script = std::string(KAIROS_TESTS_DIR) + "/notify/smtp_sink.py";
      execl("/usr/bin/python3", "python3", script.c_str(), dir_.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && !std::filesystem::exists(dir_ + "/port"); ++i) std::this_thread::sleep_for(50ms);
    std::ifstream in(dir_ + "/port");
    in >> port_;
    EXPECT_GT(port_, 0) << "the SMTP sink did not start (is python3-aiosmtpd installed?)";
  }
  ~SmtpSink() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }
  std::string Url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<json> WaitFor(std::size_t n, std::chrono::milliseconds timeout = 20s) const {
    auto until = std::chrono::steady_clock::now() + timeout;
    std::vector<json> out;
    for (;;) {
      out.clear();
      std::ifstream in(dir_ + "/mail.jsonl");
      std::string line;
      while (std::getline(in, line)) {
        // A line the writer has not finished yet is read on the next look.
        if (in.eof()) break;
        if (!line.empty()) out.push_back(json::parse(line));
      }
      if (out.size() >= n || std::chrono::steady_clock::now() >= until) return out;
      std::this_thread::sleep_for(50ms);
    }
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST(NotificationsTest, EmailGoesThroughTheSameOutboxWhenSmtpIsSet) {
  SmtpSink smtp;
  std::vector<std::string> args = kFast;
  args.insert(args.end(), {"--smtp-url", smtp.Url(), "--smtp-from", "bookings@example.com"});
  ServerProcess server({.args = args});
  EXPECT_TRUE(LogSays(server, "email on")) << server.Log();
  HttpClient c(server.port());
  auto owner = SignUpAndLogin(c, Unique("nmail"));
  auto client = SignUpAndLogin(c, Unique("nmailc"));
  json hours = json::array();
  for (int day = 1; day <= 5; ++day) {
    hours.push_back({{"day_of_week", day}, {"open_time", "09:00"}, {"close_time", "17:00"}, {"is_closed", false}});
  }
  auto exchange = c.Post("/api/exchanges/",
                         {{"business_name", "Mail shop"}, {"description", "d"}, {"operating_hours", hours}},
                         BearerAuth(owner));
  ASSERT_EQ(exchange.status, 201) << exchange.body;
  auto booked = c.Post("/api/bookings/",
                       {{"exchange", exchange.Json()["uuid"]},
                        {"date", "2030-01-07"},
                        {"start_time", "11:00"},
                        {"end_time", "11:30"},
                        {"customer_name", "Jane Roe"},
                        {"customer_email", "jane@example.com"}},
                       BearerAuth(client));
  ASSERT_EQ(booked.status, 201) << booked.body;
  const std::string uuid = booked.Json()["uuid"];
  ASSERT_EQ(c.Post("/api/bookings/" + uuid + "/cancel/", json::object(), BearerAuth(owner)).status, 200);

  // Each event to the customer and to the exchange's owner.
  auto mail = smtp.WaitFor(4);
  std::this_thread::sleep_for(500ms);
  mail = smtp.WaitFor(4);
  ASSERT_EQ(mail.size(), 4u);
  std::vector<std::string> event_ids;
  std::multiset<std::string> seen;
  for (const auto& m : mail) {
    EXPECT_EQ(m["from"], "bookings@example.com");
    ASSERT_EQ(m["to"].size(), 1u);
    const std::string to = m["to"][0];
    EXPECT_TRUE(to == "jane@example.com" || to == owner.email) << to;
    EXPECT_EQ(m["headers"]["To"], to);
    EXPECT_EQ(m["headers"]["Kairos-Booking-Id"], uuid);
    ASSERT_FALSE(m.contains("ics_error")) << m["ics_error"];
    ASSERT_TRUE(m.contains("ics")) << m.dump();
    EXPECT_EQ(m["ics"]["events"][0]["uid"], uuid + "@kairos");
    EXPECT_EQ(m["ics"]["events"][0]["dtstart"], "2030-01-07T11:00:00Z");
    const std::string type = m["headers"]["Kairos-Event-Type"];
    EXPECT_EQ(m["ics"]["method"], type == "booking.cancelled" ? "CANCEL" : "REQUEST");
    seen.insert(type + " " + to);
    event_ids.push_back(m["headers"]["Kairos-Event-Id"]);
  }
  EXPECT_EQ(seen, (std::multiset<std::string>{"booking.requested jane@example.com", "booking.requested " + owner.email,
                                              "booking.cancelled jane@example.com",
                                              "booking.cancelled " + owner.email}));
  // The same events as in the outbox, delivered by email.
  for (const auto& id : event_ids) {
    EXPECT_EQ(QuerySql(server.db_path(), "SELECT d.state FROM notification_deliveries d JOIN notification_events e ON "
                                         "e.id = d.event_id WHERE e.uuid = '" + id + "' AND d.email IS NOT NULL"),
              "sent");
  }
}

TEST(NotificationsTest, WithoutSmtpEmailIsOffAndSaidSoAtStart) {
  ServerProcess server({.args = kFast});
  EXPECT_TRUE(LogSays(server, "email off")) << server.Log();
  HttpClient c(server.port());
  auto coach = SignUpAndLogin(c, Unique("nnomail"), {{"role", "coach"}});
  BookOwnSlot(c, coach, 9);
  EXPECT_EQ(QuerySql(server.db_path(), "SELECT COUNT(*) FROM notification_deliveries WHERE email IS NOT NULL"), "0");
  // Nobody would receive the event (no webhook, no email), so none is stored.
  EXPECT_EQ(QuerySql(server.db_path(), "SELECT COUNT(*) FROM notification_events"), "0");
}


// The webhook requests at `path` of one type.
std::vector<json> OfType(const std::vector<json>& received, const std::string& path, const std::string& type) {
  std::vector<json> out;
  for (const auto& r : received) {
    if (r["path"] == path && r["body"]["type"] == type) out.push_back(r["body"]);
  }
  return out;
}

TEST(NotificationsTest, V1DeclineRescheduleAndExchangeDeletionAreAnnounced) {
  Receiver receiver;
  ServerProcess server({.args = kFast});
  HttpClient c(server.port());
  auto host = SignUpAndLogin(c, Unique("nv1"));
  AddWebhook(c, host, receiver, "/v1h");
  v1::EventTypeSpec asks;
  asks.requires_confirmation = true;
  const std::string et_ask = v1::MakeEventType(server, host, asks);
  const std::string et = v1::MakeEventType(server, host, {});

  // Requested, then declined by the host.
  auto requested = v1::BookV1(c, et_ask, "2030-03-04T08:00:00Z");
  ASSERT_EQ(requested.status, 201) << requested.body;
  const std::string requested_id = requested.Json()["id"];
  auto declined = c.Post("/v1/bookings/" + requested_id + "/decline", {{"reason", "busy"}}, BearerAuth(host));
  ASSERT_EQ(declined.status, 200) << declined.body;

  // Booked, then moved by the attendee with the manage token.
  auto booked = v1::BookV1(c, et, "2030-03-04T09:00:00Z");
  ASSERT_EQ(booked.status, 201) << booked.body;
  const std::string id = booked.Json()["id"];
  const std::string token = booked.Json()["manage_token"];
  auto moved = c.Post("/v1/bookings/" + id + "/reschedule?token=" + token, {{"start", "2030-03-04T10:00:00Z"}});
  ASSERT_EQ(moved.status, 200) << moved.body;

  // Face 003: an exchange with a pending booking and a cancelled one is deleted.
  auto owner = SignUpAndLogin(c, Unique("nv1x"));
  auto customer = SignUpAndLogin(c, Unique("nv1c"));
  AddWebhook(c, owner, receiver, "/x");
  json hours = json::array();
  for (int day = 1; day <= 5; ++day) {
    hours.push_back({{"day_of_week", day}, {"open_time", "09:00"}, {"close_time", "17:00"}, {"is_closed", false}});
  }
  auto exchange = c.Post("/api/exchanges/", {{"business_name", "Gone"}, {"description", "d"}, {"operating_hours", hours}},
                         BearerAuth(owner));
  ASSERT_EQ(exchange.status, 201) << exchange.body;
  const std::string exchange_uuid = exchange.Json()["uuid"];
  std::vector<std::string> business;
  for (const char* at : {"10:00", "11:00"}) {
    auto b = c.Post("/api/bookings/",
                    {{"exchange", exchange_uuid}, {"date", "2030-01-07"}, {"start_time", at}, {"end_time",
                      std::string(at).substr(0, 2) + ":30"}, {"customer_name", "Cy"}, {"customer_email", "cy@example.com"}},
                    BearerAuth(customer));
    ASSERT_EQ(b.status, 201) << b.body;
    business.push_back(b.Json()["uuid"]);
  }
  ASSERT_EQ(c.Post("/api/bookings/" + business[1] + "/cancel/", json::object(), BearerAuth(owner)).status, 200);
  auto deleted = c.Request("DELETE", "/api/exchanges/" + exchange_uuid + "/", "", BearerAuth(owner));
  ASSERT_LT(deleted.status, 300) << deleted.body;

  auto received = receiver.WaitFor(9);
  std::this_thread::sleep_for(800ms);
  received = receiver.Received();
  EXPECT_EQ(TypesAt(received, "/v1h"), (std::vector<std::string>{"booking.requested", "booking.declined",
                                                                  "booking.created", "booking.rescheduled"}));
  EXPECT_EQ(TypesAt(received, "/x"), (std::vector<std::string>{"booking.requested", "booking.requested",
                                                               "booking.cancelled", "booking.cancelled"}));
  auto decline = OfType(received, "/v1h", "booking.declined");
  ASSERT_EQ(decline.size(), 1u);
  EXPECT_EQ(decline[0]["data"]["id"], requested_id);
  EXPECT_EQ(decline[0]["data"]["status"], "cancelled");
  EXPECT_EQ(decline[0]["data"]["face"], "v1");
  auto created = OfType(received, "/v1h", "booking.created");
  auto rescheduled = OfType(received, "/v1h", "booking.rescheduled");
  ASSERT_EQ(created.size(), 1u);
  ASSERT_EQ(rescheduled.size(), 1u);
  const json& data = rescheduled[0]["data"];
  EXPECT_EQ(data["id"], id);
  EXPECT_EQ(data["start"], "2030-03-04T10:00:00Z");
  EXPECT_EQ(data["end"], "2030-03-04T10:30:00Z");
  EXPECT_EQ(data["previous"], json({{"id", id}, {"start", "2030-03-04T09:00:00Z"}, {"end", "2030-03-04T09:30:00Z"}}));
  EXPECT_EQ(data["attendee"]["email"], "ada@example.com");
  EXPECT_EQ(data["attendee"]["time_zone"], "Europe/London");
  EXPECT_EQ(data["ical_uid"], id + "@kairos");
  EXPECT_EQ(created[0]["data"]["sequence"], 0);
  EXPECT_GT(data["sequence"].get<int>(), 0);
  // The booking's SEQUENCE is the revision the .ics route shows too.
  auto ics = c.Get("/v1/bookings/" + id + ".ics?token=" + token);
  EXPECT_NE(ics.body.find("SEQUENCE:" + std::to_string(data["sequence"].get<int>())), std::string::npos) << ics.body;
  // The deleted exchange's live booking, cancelled; the one already cancelled is not again.
  auto gone = OfType(received, "/x", "booking.cancelled");
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(gone[0]["data"]["id"], business[1]);
  EXPECT_EQ(gone[1]["data"]["id"], business[0]);
  EXPECT_EQ(gone[1]["data"]["status"], "cancelled");
  EXPECT_EQ(gone[1]["data"]["face"], "business");
}

// The decoded part of a message with that MIME type ("" when none).
std::string PartText(const json& mail, const std::string& type) {
  for (const auto& p : mail["parts"]) {
    if (p["type"] == type) return p["text"];
  }
  return "";
}

TEST(NotificationsTest, EmailsInviteAttendeeGuestsAndHostInTheirOwnZonesAcrossDst) {
  SmtpSink smtp;
  std::vector<std::string> args = kFast;
  args.insert(args.end(), {"--smtp-url", smtp.Url(), "--smtp-from", "bookings@example.com", "--public-url",
                           "https://book.example.test/"});
  ServerProcess server({.args = args});
  EXPECT_TRUE(LogSays(server, "emails link https://book.example.test/manage/")) << server.Log();
  HttpClient c(server.port());
  auto host = SignUpAndLogin(c, Unique("ninv"));
  // The host reads the calendar's zone; the attendee the one the booking records.
  // (The personal calendar is made at the first booking, in the account's zone.)
  ExecSql(server.db_path(), "UPDATE accounts SET timezone = 'America/New_York' WHERE id = " + std::to_string(host.id));
  ExecSql(server.db_path(), "UPDATE calendars SET timezone = 'America/New_York' WHERE owner_account_id = " +
                                std::to_string(host.id));
  v1::EventTypeSpec spec;
  spec.time_zone = "Europe/Paris";
  const std::string et = v1::MakeEventType(server, host, spec);
  // Friday 29 March 2030, 10:00 in Paris (CET, UTC+1); Paris moves to CEST on Sunday 31.
  json body = {{"event_type_id", et},
               {"start", "2030-03-29T09:00:00Z"},
               {"attendee", {{"name", "<b>Ada & Co</b>"}, {"email", "ada@example.com"}, {"time_zone", "Europe/Paris"}}},
               {"guests", {"guest@example.com"}}};
  auto booked = c.Post("/v1/bookings", body);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const std::string id = booked.Json()["id"];
  const std::string token = booked.Json()["manage_token"];
  // Monday 1 April, 10:00 in Paris again, now UTC+2.
  auto moved = c.Post("/v1/bookings/" + id + "/reschedule?token=" + token, {{"start", "2030-04-01T08:00:00Z"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto cancelled = c.Post("/v1/bookings/" + id + "/cancel", {{"reason", "ill"}}, BearerAuth(host));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;

  auto mail = smtp.WaitFor(9);
  std::this_thread::sleep_for(800ms);
  mail = smtp.WaitFor(9);
  ASSERT_EQ(mail.size(), 9u);
  const std::vector<std::string> types = {"booking.created", "booking.rescheduled", "booking.cancelled"};
  std::map<std::string, std::map<std::string, json>> by;  // type -> recipient -> mail
  for (const auto& m : mail) {
    ASSERT_EQ(m["to"].size(), 1u);
    by[m["headers"]["Kairos-Event-Type"]][m["to"][0]] = m;
  }
  const std::string manage = "https://book.example.test/manage/" + id + "?token=" + token;
  std::map<std::string, std::int64_t> last_sequence;
  for (const auto& type : types) {
    ASSERT_EQ(by[type].size(), 3u) << type;
    for (const std::string& who : std::vector<std::string>{"ada@example.com", "guest@example.com", host.email}) {
      SCOPED_TRACE(type + " to " + who);
      ASSERT_TRUE(by[type].count(who));
      const json& m = by[type][who];
      EXPECT_EQ(m["content_type"], "multipart/alternative");
      ASSERT_EQ(m["parts"].size(), 3u);
      EXPECT_EQ(m["parts"][0]["type"], "text/plain");
      EXPECT_EQ(m["parts"][1]["type"], "text/html");
      EXPECT_EQ(m["parts"][2]["type"], "text/calendar");
      const std::string method = type == "booking.cancelled" ? "CANCEL" : "REQUEST";
      EXPECT_EQ(m["parts"][2]["params"]["method"], method);
      ASSERT_FALSE(m.contains("ics_error")) << m["ics_error"];
      const json& ics = m["ics"];
      EXPECT_EQ(ics["method"], method);
      ASSERT_EQ(ics["events"].size(), 1u);
      const json& e = ics["events"][0];
      EXPECT_EQ(e["uid"], id + "@kairos");
      EXPECT_EQ(e["status"], type == "booking.cancelled" ? "CANCELLED" : "CONFIRMED");
      EXPECT_NE(e["organizer"].get<std::string>().find(host.email), std::string::npos) << e.dump();
      const std::string attendees = e["attendees"].dump();
      EXPECT_NE(attendees.find("ada@example.com"), std::string::npos) << attendees;
      EXPECT_NE(attendees.find("guest@example.com"), std::string::npos) << attendees;
      const bool first = type == "booking.created";
      EXPECT_EQ(e["dtstart"], first ? "2030-03-29T09:00:00Z" : "2030-04-01T08:00:00Z");
      EXPECT_EQ(e["dtend"], first ? "2030-03-29T09:30:00Z" : "2030-04-01T08:30:00Z");
      const std::string text = PartText(m, "text/plain");
      if (who == host.email) {
        EXPECT_EQ(e["tzid"], "America/New_York");
        // New York is already on summer time on 29 March: 05:00 (UTC-4), then 04:00.
        EXPECT_EQ(e["dtstart_local"], first ? "2030-03-29T05:00:00" : "2030-04-01T04:00:00");
        EXPECT_NE(text.find("America/New_York"), std::string::npos) << text;
      } else {
        EXPECT_EQ(e["tzid"], "Europe/Paris");
        // The same wall-clock time on both sides of the change; the offset moves.
        EXPECT_EQ(e["dtstart_local"], first ? "2030-03-29T10:00:00" : "2030-04-01T10:00:00");
        EXPECT_EQ(e["utcoffset"], first ? 3600 : 7200);
        EXPECT_NE(text.find("10:00"), std::string::npos) << text;
        EXPECT_NE(text.find("Europe/Paris"), std::string::npos) << text;
      }
      // SEQUENCE grows with each change, the same for every recipient.
      const std::int64_t seq = e["sequence"];
      if (!last_sequence.count(who)) {
        EXPECT_EQ(seq, 0);
      } else {
        EXPECT_GT(seq, last_sequence[who]);
      }
      last_sequence[who] = seq;
      // The attendee's and the guest's manage link, also on the host's cancellation.
      const std::string html = PartText(m, "text/html");
      const bool link = who != host.email;
      EXPECT_EQ(text.find(manage) != std::string::npos, link) << text;
      EXPECT_EQ(html.find("/manage/") != std::string::npos, link) << html;
      // Names are escaped in HTML.
      EXPECT_NE(html.find("&lt;b&gt;Ada &amp; Co&lt;/b&gt;"), std::string::npos) << html;
      EXPECT_EQ(html.find("<b>Ada"), std::string::npos) << html;
    }
  }
  EXPECT_EQ(last_sequence["ada@example.com"], last_sequence[host.email]);
  // The manage token leaves the database once its email is sent.
  EXPECT_EQ(QuerySql(server.db_path(), "SELECT COUNT(*) FROM notification_deliveries WHERE manage_token IS NOT NULL"),
            "0");
}

// The manage token in a message's "Cancel or reschedule" link to that booking ("" when none).
std::string ManageToken(const std::string& text, const std::string& booking_id) {
  const std::string prefix = "https://book.example.test/manage/" + booking_id + "?token=";
  auto at = text.find(prefix);
  if (at == std::string::npos) return "";
  auto from = at + prefix.size();
  auto end = text.find_first_of("\r\n \"<", from);
  return text.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

TEST(NotificationsTest, EveryEmailToTheAttendeeAndGuestsLinksToTheBookingWhoeverChangedIt) {
  SmtpSink smtp;
  std::vector<std::string> args = kFast;
  args.insert(args.end(), {"--smtp-url", smtp.Url(), "--smtp-from", "bookings@example.com", "--public-url",
                           "https://book.example.test"});
  ServerProcess server({.args = args});
  HttpClient c(server.port());
  auto host = SignUpAndLogin(c, Unique("nlink"));
  v1::EventTypeSpec asks;
  asks.requires_confirmation = true;
  const std::string et = v1::MakeEventType(server, host, asks);
  auto book = [&](const std::string& start) {
    json body = {{"event_type_id", et},
                 {"start", start},
                 {"attendee", {{"name", "Ada"}, {"email", "ada@example.com"}, {"time_zone", "Europe/London"}}},
                 {"guests", {"guest@example.com"}}};
    auto r = c.Post("/v1/bookings", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json();
  };
  // Every change after the booking is the host's: confirm, reschedule, cancel; decline.
  const json kept = book("2030-03-04T08:00:00Z");
  const std::string kept_id = kept["id"];
  ASSERT_EQ(c.Post("/v1/bookings/" + kept_id + "/confirm", json::object(), BearerAuth(host)).status, 200);
  auto moved = c.Post("/v1/bookings/" + kept_id + "/reschedule", {{"start", "2030-03-04T10:00:00Z"}}, BearerAuth(host));
  ASSERT_EQ(moved.status, 200) << moved.body;
  ASSERT_EQ(c.Post("/v1/bookings/" + kept_id + "/cancel", {{"reason", "ill"}}, BearerAuth(host)).status, 200);
  const json refused = book("2030-03-04T09:00:00Z");
  const std::string refused_id = refused["id"];
  ASSERT_EQ(c.Post("/v1/bookings/" + refused_id + "/decline", {{"reason", "busy"}}, BearerAuth(host)).status, 200);

  // The emails link from the sealed token: it never waits in the clear in a delivery row.
  EXPECT_EQ(QuerySql(server.db_path(), "SELECT COUNT(*) FROM notification_deliveries WHERE manage_token IS NOT NULL"),
            "0");
  // Six events, each to the attendee, the guest and the host.
  auto mail = smtp.WaitFor(18);
  std::this_thread::sleep_for(800ms);
  mail = smtp.WaitFor(18);
  ASSERT_EQ(mail.size(), 18u);
  std::multiset<std::string> seen;
  for (const auto& m : mail) {
    ASSERT_EQ(m["to"].size(), 1u);
    const std::string to = m["to"][0];
    const std::string id = m["headers"]["Kairos-Booking-Id"];
    const std::string type = m["headers"]["Kairos-Event-Type"];
    SCOPED_TRACE(type + " of " + id + " to " + to);
    seen.insert(type + " " + (id == kept_id ? "kept" : "refused") + " " + to);
    const std::string text = PartText(m, "text/plain");
    const std::string html = PartText(m, "text/html");
    if (to == host.email) {
      // The host's own email carries no attendee token.
      EXPECT_EQ(text.find("token="), std::string::npos) << text;
      EXPECT_EQ(html.find("token="), std::string::npos) << html;
      continue;
    }
    const std::string token = ManageToken(text, id);
    ASSERT_FALSE(token.empty()) << text;
    EXPECT_EQ(token, (id == kept_id ? kept : refused)["manage_token"]);
    EXPECT_NE(html.find("/manage/" + id + "?token=" + token), std::string::npos) << html;
    // The link's token is the booking's capability.
    auto shown = c.Get("/v1/bookings/" + id + "?token=" + token);
    EXPECT_EQ(shown.status, 200) << shown.body;
  }
  std::multiset<std::string> expected;
  for (const std::string& to : {std::string("ada@example.com"), std::string("guest@example.com"), host.email}) {
    for (const char* type : {"booking.requested", "booking.confirmed", "booking.rescheduled", "booking.cancelled"}) {
      expected.insert(std::string(type) + " kept " + to);
    }
    expected.insert("booking.requested refused " + to);
    expected.insert("booking.declined refused " + to);
  }
  EXPECT_EQ(seen, expected);
  // At rest the token is sealed, not in clear.
  const std::string sealed =
      QuerySql(server.db_path(), "SELECT v.manage_token_sealed FROM v1_bookings v JOIN bookings b ON b.id = "
                                 "v.booking_id WHERE b.uuid = '" + kept_id + "'");
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u) << sealed;
  EXPECT_EQ(sealed.find(kept["manage_token"].get<std::string>()), std::string::npos);
}

TEST(NotificationsTest, ABookingFromBeforeSealedTokensLinksOnlyWhenTheChangeShowedTheToken) {
  SmtpSink smtp;
  std::vector<std::string> args = kFast;
  args.insert(args.end(), {"--smtp-url", smtp.Url(), "--smtp-from", "bookings@example.com", "--public-url",
                           "https://book.example.test"});
  ServerProcess server({.args = args});
  HttpClient c(server.port());
  auto host = SignUpAndLogin(c, Unique("nold"));
  const std::string et = v1::MakeEventType(server, host, {});
  auto booked = v1::BookV1(c, et, "2030-03-04T08:00:00Z");
  ASSERT_EQ(booked.status, 201) << booked.body;
  const std::string id = booked.Json()["id"];
  const std::string token = booked.Json()["manage_token"];
  ASSERT_EQ(smtp.WaitFor(2).size(), 2u);
  // As migration 14 leaves a booking made before it: no sealed token.
  ExecSql(server.db_path(), "UPDATE v1_bookings SET manage_token_sealed = NULL WHERE booking_id = (SELECT id FROM "
                            "bookings WHERE uuid = '" + id + "')");
  auto moved = c.Post("/v1/bookings/" + id + "/reschedule?token=" + token, {{"start", "2030-03-04T09:00:00Z"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  ASSERT_EQ(smtp.WaitFor(4).size(), 4u);
  ASSERT_EQ(c.Post("/v1/bookings/" + id + "/cancel", json::object(), BearerAuth(host)).status, 200);
  auto mail = smtp.WaitFor(6);
  std::this_thread::sleep_for(500ms);
  mail = smtp.WaitFor(6);
  ASSERT_EQ(mail.size(), 6u);
  std::map<std::string, std::string> token_in;  // type -> the attendee's link token
  for (const auto& m : mail) {
    if (m["to"][0] == "ada@example.com") {
      token_in[m["headers"]["Kairos-Event-Type"]] = ManageToken(PartText(m, "text/plain"), id);
    }
  }
  EXPECT_EQ(token_in["booking.created"], token);      // sealed when made
  EXPECT_EQ(token_in["booking.rescheduled"], token);  // shown by the attendee
  EXPECT_EQ(token_in["booking.cancelled"], "");       // the host's change, nothing sealed
}

TEST(NotificationsTest, AMeetingEmailsItsOrganiserOncePerChangeInTheirOwnZone) {
  SmtpSink smtp;
  std::vector<std::string> args = kFast;
  args.insert(args.end(), {"--smtp-url", smtp.Url(), "--smtp-from", "bookings@example.com"});
  ServerProcess server({.args = args});
  HttpClient c(server.port());
  auto organiser = SignUpAndLogin(c, Unique("norgm"));
  auto p1 = SignUpAndLogin(c, Unique("npart1"));
  auto p2 = SignUpAndLogin(c, Unique("npart2"));
  ExecSql(server.db_path(), "UPDATE accounts SET timezone = 'Asia/Tokyo' WHERE id = " + std::to_string(organiser.id));
  ExecSql(server.db_path(), "UPDATE accounts SET timezone = 'Europe/Paris' WHERE id IN (" + std::to_string(p1.id) +
                                ", " + std::to_string(p2.id) + ")");
  // 10:00 in Tokyo: 01:00 UTC, 02:00 in Paris.
  auto meeting = c.Post("/api/event/",
                        {{"title", "plan"},
                         {"time_slot", "2030-03-04 10:00:00"},
                         {"description", "plan"},
                         {"participants", {p1.email, p2.email}}},
                        TokenAuth(organiser));
  ASSERT_EQ(meeting.status, 201) << meeting.body;
  const std::string id = std::to_string(meeting.Json()["response"]["id"].get<std::int64_t>());
  // The organiser reads their account's zone, even when their calendar's differs.
  ExecSql(server.db_path(), "UPDATE calendars SET timezone = 'UTC' WHERE owner_account_id = " +
                                std::to_string(organiser.id));
  ASSERT_EQ(c.Patch("/api/event/" + id + "/", {{"time_slot", "2030-03-04 11:00:00"}}, TokenAuth(organiser)).status,
            200);
  ASSERT_EQ(c.Patch("/api/event/" + id + "/", {{"title", "plan b"}}, TokenAuth(organiser)).status, 200);
  ASSERT_EQ(c.Patch("/api/event/" + id + "/", {{"status", "cancelled"}}, TokenAuth(organiser)).status, 200);

  auto mail = smtp.WaitFor(9);
  std::this_thread::sleep_for(800ms);
  mail = smtp.WaitFor(9);
  ASSERT_EQ(mail.size(), 9u);
  std::map<std::string, int> count;  // "type to"
  for (const auto& m : mail) {
    ASSERT_EQ(m["to"].size(), 1u);
    const std::string to = m["to"][0];
    const std::string type = m["headers"]["Kairos-Event-Type"];
    SCOPED_TRACE(type + " to " + to);
    ++count[type + " " + to];
    ASSERT_FALSE(m.contains("ics_error")) << m["ics_error"];
    const json& e = m["ics"]["events"][0];
    EXPECT_EQ(m["ics"]["method"], type == "booking.cancelled" ? "CANCEL" : "REQUEST");
    EXPECT_EQ(e["uid"].get<std::string>().rfind("meeting-", 0), 0u) << e.dump();
    const bool first = type == "booking.created";
    EXPECT_EQ(e["dtstart"], first ? "2030-03-04T01:00:00Z" : "2030-03-04T02:00:00Z");
    const std::string text = PartText(m, "text/plain");
    if (to == organiser.email) {
      EXPECT_EQ(e["tzid"], "Asia/Tokyo");
      EXPECT_EQ(e["dtstart_local"], first ? "2030-03-04T10:00:00" : "2030-03-04T11:00:00");
      EXPECT_NE(text.find("Asia/Tokyo"), std::string::npos) << text;
      EXPECT_NE(text.find("Your meeting plan"), std::string::npos) << text;
    } else {
      EXPECT_EQ(e["tzid"], "Europe/Paris");
      EXPECT_EQ(e["dtstart_local"], first ? "2030-03-04T02:00:00" : "2030-03-04T03:00:00");
    }
  }
  std::map<std::string, int> expected;
  for (const char* type : {"booking.created", "booking.rescheduled", "booking.cancelled"}) {
    for (const std::string& to : {organiser.email, p1.email, p2.email}) expected[std::string(type) + " " + to] = 1;
  }
  EXPECT_EQ(count, expected);
}

TEST(NotificationsTest, WithoutPublicUrlTheStartLogSaysEmailsHaveNoManageLink) {
  SmtpSink smtp;
  std::vector<std::string> args = kFast;
  args.insert(args.end(), {"--smtp-url", smtp.Url(), "--smtp-from", "bookings@example.com"});
  ServerProcess server({.args = args});
  EXPECT_TRUE(LogSays(server, "no --public-url, so booking emails carry no manage link")) << server.Log();
  HttpClient c(server.port());
  auto host = SignUpAndLogin(c, Unique("nnolink"));
  const std::string et = v1::MakeEventType(server, host, {});
  auto booked = v1::BookV1(c, et, "2030-03-04T08:00:00Z");
  ASSERT_EQ(booked.status, 201) << booked.body;
  auto mail = smtp.WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  for (const auto& m : mail) EXPECT_EQ(PartText(m, "text/plain").find("/manage/"), std::string::npos);
}

// "YYYY-MM-DDTHH:MM:SSZ" for a Unix time.
std::string Rfc3339(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// An event type open around the clock every day (UTC), 30-minute bookings, with reminders.
std::string AlwaysOpen(HttpClient& c, const ServerProcess& server, const TestAccount& host, const json& reminders) {
  v1::EventTypeSpec spec;
  spec.time_zone = "UTC";
  spec.weekly.clear();
  for (int d = 1; d <= 7; ++d) spec.weekly.push_back({d, 0, 86400});
  const std::string et = v1::MakeEventType(server, host, spec);
  auto patched = c.Patch("/v1/event-types/" + et, {{"reminders", reminders}}, BearerAuth(host));
  EXPECT_EQ(patched.status, 200) << patched.body;
  return et;
}

TEST(NotificationsTest, EventTypeRemindersAreValidatedAndShown) {
  ServerProcess server({.args = kFast});
  HttpClient c(server.port());
  auto host = SignUpAndLogin(c, Unique("nrem"));
  const std::string et = AlwaysOpen(c, server, host, json::array({{{"minutes_before", 60}}, {{"minutes_before", 1440}}}));
  auto got = c.Get("/v1/event-types/" + et, BearerAuth(host));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.Json()["reminders"], json::array({{{"minutes_before", 1440}}, {{"minutes_before", 60}}}));
  auto field = [&](const json& reminders) {
    auto r = c.Patch("/v1/event-types/" + et, {{"reminders", reminders}}, BearerAuth(host));
    EXPECT_EQ(r.status, 400) << reminders.dump() << ": " << r.body;
    auto body = json::parse(r.body, nullptr, false);
    return body.is_object() && body.contains("errors") ? body["errors"][0].value("field", "") : std::string();
  };
  EXPECT_EQ(field(json::array({{{"minutes_before", 0}}})), "reminders[0].minutes_before");
  EXPECT_EQ(field(json::array({{{"minutes_before", 40321}}})), "reminders[0].minutes_before");
  EXPECT_EQ(field(json::array({{{"minutes_before", 5}}, {{"minutes_before", 5}}})), "reminders[1].minutes_before");
  EXPECT_EQ(field(json::array({{{"minutes_before", "5"}}})), "reminders[0].minutes_before");
  EXPECT_EQ(field(json::array({{{"minutes", 5}}})), "reminders[0].minutes_before");
  json six = json::array();
  for (int i = 1; i <= 6; ++i) six.push_back({{"minutes_before", i}});
  EXPECT_EQ(field(six), "reminders");
  EXPECT_EQ(field(json("soon")), "reminders");
  auto cleared = c.Patch("/v1/event-types/" + et, {{"reminders", json::array()}}, BearerAuth(host));
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.Json()["reminders"], json::array());
}

TEST(NotificationsTest, RemindersAreSentOnceAndNotForCancelledOrMovedTimes) {
  Receiver receiver;
  SmtpSink smtp;
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/reminders.db");
  std::vector<std::string> args = kFast;
  args.insert(args.end(), {"--smtp-url", smtp.Url(), "--smtp-from", "bookings@example.com"});
  // Slots start on the half hour; the first is three hours ahead.
  const std::int64_t now = UnixNow();
  const std::int64_t s1 = (now / 1800 + 1) * 1800 + 3 * 3600;
  std::string kept, moved;
  std::int64_t s4 = s1 + 6 * 3600;
  {
    ServerProcess server({.args = args, .db_path = db});
    HttpClient c(server.port());
    auto host = SignUpAndLogin(c, Unique("nremind"));
    AddWebhook(c, host, receiver, "/r");
    const std::string et = AlwaysOpen(c, server, host, json::array({{{"minutes_before", 60}}}));
    auto a = v1::BookV1(c, et, Rfc3339(s1));
    ASSERT_EQ(a.status, 201) << a.body;
    kept = a.Json()["id"];
    auto b = v1::BookV1(c, et, Rfc3339(s1 + 1800));
    ASSERT_EQ(b.status, 201) << b.body;
    ASSERT_EQ(c.Post("/v1/bookings/" + b.Json()["id"].get<std::string>() + "/cancel", json::object(), BearerAuth(host))
                  .status,
              200);
    auto m = v1::BookV1(c, et, Rfc3339(s1 + 3600));
    ASSERT_EQ(m.status, 201) << m.body;
    moved = m.Json()["id"];
    ASSERT_EQ(c.Post("/v1/bookings/" + moved + "/reschedule", {{"start", Rfc3339(s4)}}, BearerAuth(host)).status, 200);
    // Its reminder would be due before the booking was made: none.
    auto soon = v1::BookV1(c, et, Rfc3339((now / 1800 + 1) * 1800));
    ASSERT_EQ(soon.status, 201) << soon.body;
    EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM booking_reminders WHERE state = 'pending'"), "2");
  }
  auto reminders = [&] {
    std::vector<json> out;
    for (const auto& r : receiver.Received()) {
      if (r["body"]["type"] == "booking.reminder") out.push_back(r["body"]);
    }
    return out;
  };
  auto reminder_mail = [&] {
    std::size_t n = 0;
    for (const auto& m : smtp.WaitFor(0, 0ms)) n += m["headers"]["Kairos-Event-Type"] == "booking.reminder";
    return n;
  };
  auto wait_reminders = [&](std::size_t n) {
    for (int i = 0; i < 200 && (reminders().size() < n || reminder_mail() < 2 * n); ++i) {
      std::this_thread::sleep_for(50ms);
    }
    std::this_thread::sleep_for(800ms);  // nothing more comes
  };
  // Half an hour before the first booking: its reminder (60 min before) is due.
  {
    std::vector<std::string> later = args;
    later.insert(later.end(), {"--notify-reminder-clock-offset-s", std::to_string(s1 - 1800 - UnixNow())});
    ServerProcess server({.args = later, .db_path = db});
    wait_reminders(1);
    auto sent = reminders();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0]["data"]["id"], kept);
    EXPECT_EQ(sent[0]["data"]["reminder"]["minutes_before"], 60);
    EXPECT_EQ(reminder_mail(), 2u);  // the attendee and the host
  }
  // Half an hour before the moved booking's new time: its reminder, for that time only;
  // the cancelled booking's never; the first one's not again.
  for (int round = 0; round < 2; ++round) {
    std::vector<std::string> later = args;
    later.insert(later.end(), {"--notify-reminder-clock-offset-s", std::to_string(s4 - 1800 - UnixNow())});
    ServerProcess server({.args = later, .db_path = db});
    wait_reminders(2);
    auto sent = reminders();
    ASSERT_EQ(sent.size(), 2u) << json(sent).dump();
    EXPECT_EQ(sent[1]["data"]["id"], moved);
    EXPECT_EQ(sent[1]["data"]["start"], Rfc3339(s4));
    EXPECT_EQ(reminder_mail(), 4u);
  }
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_events WHERE type = 'booking.reminder'"), "2");
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

TEST(NotificationsTest, TwoInstancesSendEachReminderOnce) {
  Receiver receiver;
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/shared-reminders.db");
  const std::int64_t now = UnixNow();
  // Bookings a day ahead with reminders a day before: both clocks, half an hour before
  // the first booking, read every reminder as due at once.
  const std::int64_t first = (now / 1800 + 1) * 1800 + 25 * 3600;
  const std::vector<std::string> args = {"--webhooks-allow-private", "--notify-poll-ms", "20",
                                         "--notify-reminder-clock-offset-s", std::to_string(first - 1800 - now)};
  constexpr int kBookings = 8;
  {
    ServerProcess a({.args = args, .db_path = db});
    ServerProcess b({.args = args, .db_path = db});
    HttpClient ca(a.port());
    HttpClient cb(b.port());
    auto host = SignUpAndLogin(ca, Unique("nremtwo"));
    AddWebhook(ca, host, receiver, "/two");
    const std::string et = AlwaysOpen(ca, a, host, json::array({{{"minutes_before", 1440}}}));
    for (int i = 0; i < kBookings; ++i) {
      auto r = v1::BookV1(i % 2 == 0 ? ca : cb, et, Rfc3339(first + i * 1800));
      ASSERT_EQ(r.status, 201) << r.body;
    }
    std::set<std::string> ids;
    std::size_t reminders = 0;
    for (int i = 0; i < 200; ++i) {
      reminders = 0;
      for (const auto& r : receiver.Received()) reminders += r["body"]["type"] == "booking.reminder";
      if (reminders >= static_cast<std::size_t>(kBookings)) break;
      std::this_thread::sleep_for(50ms);
    }
    std::this_thread::sleep_for(1s);
    reminders = 0;
    for (const auto& r : receiver.Received()) {
      if (r["body"]["type"] != "booking.reminder") continue;
      ++reminders;
      ids.insert(r["body"]["data"]["id"]);
    }
    EXPECT_EQ(reminders, static_cast<std::size_t>(kBookings));
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kBookings));
    EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_events WHERE type = 'booking.reminder'"),
              std::to_string(kBookings));
  }
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

TEST(NotificationsTest, KillNineBeforeDeliveryLosesNoEmailOrReminder) {
  SmtpSink smtp;
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/kill-mail.db");
  const std::int64_t now = UnixNow();
  const std::int64_t start = (now / 1800 + 1) * 1800 + 3 * 3600;
  std::vector<std::string> mail_args = {"--smtp-url", smtp.Url(), "--smtp-from", "bookings@example.com",
                                        "--notify-reminder-clock-offset-s", std::to_string(start - 3000 - now)};
  std::string id;
  {
    // A dispatcher that looks once at start, then not for ten minutes.
    std::vector<std::string> args = mail_args;
    args.insert(args.end(), {"--notify-poll-ms", "600000"});
    ServerProcess server({.args = args, .db_path = db});
    HttpClient c(server.port());
    auto host = SignUpAndLogin(c, Unique("nkillmail"));
    const std::string et = AlwaysOpen(c, server, host, json::array({{{"minutes_before", 60}}}));
    std::this_thread::sleep_for(300ms);
    auto r = v1::BookV1(c, et, Rfc3339(start));
    ASSERT_EQ(r.status, 201) << r.body;
    id = r.Json()["id"];
    EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  }
  EXPECT_TRUE(smtp.WaitFor(0, 0ms).empty());
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM booking_reminders WHERE state = 'pending'"), "1");
  {
    std::vector<std::string> args = mail_args;
    args.insert(args.end(), {"--notify-poll-ms", "100"});
    ServerProcess restarted({.args = args, .db_path = db});
    auto mail = smtp.WaitFor(4);
    std::this_thread::sleep_for(800ms);
    mail = smtp.WaitFor(4);
    ASSERT_EQ(mail.size(), 4u);  // booked and reminded, each to the attendee and the host
    std::multiset<std::string> types;
    for (const auto& m : mail) {
      EXPECT_EQ(m["headers"]["Kairos-Booking-Id"], id);
      types.insert(m["headers"]["Kairos-Event-Type"]);
    }
    EXPECT_EQ(types, (std::multiset<std::string>{"booking.created", "booking.created", "booking.reminder",
                                                 "booking.reminder"}));
  }
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

TEST(NotificationsTest, EventsDoneForLongerThanTheRetentionArePrunedWithTheirAttempts) {
  std::string dir = MakeTempDir();
  std::string db = FreshDatabase(dir + "/prune.db");
  { ServerProcess migrate({.args = kFast, .db_path = db}); }  // the schema
  const std::int64_t now = UnixNow();
  const std::int64_t old = now - 40 * 86400;
  const std::int64_t recent = now - 86400;
  auto event = [&](const std::string& uuid, std::int64_t created) {
    ExecSql(db, "INSERT INTO notification_events (uuid, type, booking_uuid, face, payload, created_at) VALUES ('" +
                    uuid + "', 'booking.created', 'b', 'v1', '{}', " + std::to_string(created) + ")");
  };
  auto delivery = [&](const std::string& event_uuid, const std::string& state, std::int64_t updated) {
    const std::string uuid = event_uuid + "-d";
    // A pending one is due far ahead, so the dispatcher leaves it alone.
    const std::int64_t next = state == "pending" ? 4102444800000 : updated * 1000;
    ExecSql(db, "INSERT INTO notification_deliveries (uuid, event_id, email, recipient, state, attempts, "
                "next_attempt_at, retry_from, created_at, updated_at) VALUES ('" + uuid +
                    "', (SELECT id FROM notification_events WHERE uuid = '" + event_uuid + "'), 'x@example.com', "
                    "'host', '" + state + "', 1, " + std::to_string(next) + ", " + std::to_string(updated) + ", " +
                    std::to_string(updated) + ", " + std::to_string(updated) + ")");
    ExecSql(db, "INSERT INTO notification_attempts (delivery_id, instance, at_ms, status, duration_ms) VALUES "
                "((SELECT id FROM notification_deliveries WHERE uuid = '" + uuid + "'), 'test', " +
                    std::to_string(updated * 1000) + ", 250, 5)");
  };
  event("old-sent", old);
  delivery("old-sent", "sent", old);
  event("old-failed", old);
  delivery("old-failed", "failed", old);
  event("old-unaddressed", old);  // its webhook was deleted with its deliveries
  event("old-pending", old);
  delivery("old-pending", "pending", old);
  event("old-redelivered", old);  // sent again yesterday
  delivery("old-redelivered", "sent", recent);
  event("new-sent", recent);
  delivery("new-sent", "sent", recent);
  {
    ServerProcess server({.args = {"--notify-poll-ms", "100", "--notify-retention-days", "30"}, .db_path = db});
    EXPECT_TRUE(LogSays(server, "pruned 3 event(s) older than the retention")) << server.Log();
  }
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_events"), "3");
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_events WHERE uuid IN ('new-sent', 'old-pending', "
                         "'old-redelivered')"),
            "3");
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_deliveries"), "3");
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_attempts"), "3");
  EXPECT_EQ(QuerySql(db, "SELECT COUNT(*) FROM notification_attempts a JOIN notification_deliveries d ON d.id = "
                         "a.delivery_id JOIN notification_events e ON e.id = d.event_id WHERE e.uuid LIKE 'old-%'"),
            "2");
  if (IsDatabaseUrl(db)) DropPostgresDatabase(db);
  std::filesystem::remove_all(dir);
}

TEST(NotificationsTest, TheRetentionIsCheckedOnTheWayIn) {
  std::string dir = MakeTempDir();
  for (const char* days : {"0", "3651", "month"}) {
    auto [code, out] =
        RunKairos({"serve", "--listen", "127.0.0.1:0", "--db", dir + "/k.db", "--notify-retention-days", days});
    EXPECT_NE(code, 0) << days;
    EXPECT_NE(out.find("--notify-retention-days"), std::string::npos) << out;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kairos::testing
