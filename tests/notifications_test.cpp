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
                               "booking.cancelled", "booking.rescheduled"}}},
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

  auto mail = smtp.WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  std::vector<std::string> event_ids;
  for (const auto& m : mail) {
    EXPECT_EQ(m["from"], "bookings@example.com");
    EXPECT_EQ(m["to"], json({"jane@example.com"}));
    const std::string text = m["message"];
    EXPECT_NE(text.find("To: jane@example.com"), std::string::npos) << text;
    EXPECT_NE(text.find(uuid), std::string::npos) << text;
    EXPECT_NE(text.find("2030-01-07T11:00:00Z"), std::string::npos) << text;
    auto at = text.find("Kairos-Event-Id: ");
    ASSERT_NE(at, std::string::npos) << text;
    event_ids.push_back(text.substr(at + 17, 36));
  }
  EXPECT_NE(mail[0]["message"].get<std::string>().find("Kairos-Event-Type: booking.requested"), std::string::npos);
  EXPECT_NE(mail[1]["message"].get<std::string>().find("Kairos-Event-Type: booking.cancelled"), std::string::npos);
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

}  // namespace
}  // namespace kairos::testing
