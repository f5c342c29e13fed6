// Face 002 beyond sign-up and login, over HTTP: blocked and available hours, meetings
// with participants (create, list a page at a time, replace, patch), both credential
// schemes, time zones, busy time from other faces, and the all-or-nothing race.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

// A date `days` from today (UTC), "YYYY-MM-DD".
std::string FutureDate(int days) {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  std::chrono::year_month_day d{today + std::chrono::days(days)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

// Seconds since the epoch of a date at hh:mm UTC.
std::int64_t EpochOf(const std::string& date, int hour, int minute) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  std::sscanf(date.c_str(), "%d-%u-%u", &y, &m, &d);
  std::chrono::sys_days day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
  return (day.time_since_epoch() + std::chrono::hours(hour) + std::chrono::minutes(minute)) / std::chrono::seconds(1);
}

std::string Slot(const std::string& date, int hour) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02d:00:00", date.c_str(), hour);
  return buf;
}

std::vector<int> AllHoursBut(std::initializer_list<int> out) {
  std::vector<int> hours;
  for (int h = 0; h < 24; ++h) {
    if (std::find(out.begin(), out.end(), h) == out.end()) hours.push_back(h);
  }
  return hours;
}

bool IsStamp(const json& v) {
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  int y, mo, d, h, mi, se;
  char tail;
  return s.size() == 19 && std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &tail) == 6;
}

class MeetingsTest : public SharedServerTest<MeetingsTest> {
 protected:

  // A fresh account whose name is unique across the suite's tests.
  TestAccount NewAccount(HttpClient& c, const std::string& name, const json& extra = {}) {
    return SignUpAndLogin(c, Unique(name), extra);
  }

  static HttpResponse Block(HttpClient& c, const TestAccount& a, const std::string& date, const json& hours) {
    return c.Post("/api/user/block_slots/", {{"date", date}, {"blocked_slots", hours}}, TokenAuth(a));
  }
  static HttpResponse Hours(HttpClient& c, const TestAccount& a, const std::string& date,
                            const std::string& user = "") {
    std::string target = "/api/user/get_available_slots/?date=" + date;
    if (!user.empty()) target += "&user=" + UrlEncode(user);
    return c.Get(target, TokenAuth(a));
  }
  static json Available(HttpClient& c, const TestAccount& a, const std::string& date) {
    auto r = Hours(c, a, date);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["response"]["available_time_slots"];
  }
  static HttpResponse Book(HttpClient& c, const TestAccount& organiser, const std::string& time_slot,
                           const std::vector<std::string>& participants, const std::string& title = "title") {
    return c.Post("/api/event/",
                  {{"title", title}, {"time_slot", time_slot}, {"description", "description"},
                   {"participants", participants}},
                  TokenAuth(organiser));
  }
  static std::int64_t BookOk(HttpClient& c, const TestAccount& organiser, const std::string& time_slot,
                             const std::vector<std::string>& participants) {
    auto r = Book(c, organiser, time_slot, participants);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json()["response"]["id"].get<std::int64_t>() : 0;
  }

  // One of the document's refusals, {"err_message": ["..."]}, whose message contains `needle`.
  static void ExpectError(const HttpResponse& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = r.Json();
    ASSERT_TRUE(body.size() == 1 && body.contains("err_message") && body["err_message"].is_array()) << r.body;
    EXPECT_NE(body["err_message"][0].get<std::string>().find(needle), std::string::npos)
        << "wanted \"" << needle << "\" in " << r.body;
  }
  // A field's refusal, 400 {"<field>": ["..."]}, as the original's serializers answer.
  static void ExpectField(const HttpResponse& r, const std::string& field, const std::string& needle) {
    EXPECT_EQ(r.status, 400) << r.body;
    auto body = r.Json();
    ASSERT_TRUE(body.size() == 1 && body.contains(field) && body[field].is_array()) << "wanted " << field << ": "
                                                                                      << r.body;
    EXPECT_NE(body[field][0].get<std::string>().find(needle), std::string::npos)
        << "wanted \"" << needle << "\" in " << r.body;
  }
  // Anything else, {"detail": "..."}, as the framework answers 401, 403, 404, 405 and
  // unreadable bodies.
  static void ExpectDetail(const HttpResponse& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = r.Json();
    ASSERT_TRUE(body.size() == 1 && body.contains("detail") && body["detail"].is_string()) << r.body;
    EXPECT_NE(body["detail"].get<std::string>().find(needle), std::string::npos)
        << "wanted \"" << needle << "\" in " << r.body;
  }

  static std::string CalendarOf(const TestAccount& a) {
    return QuerySql(server_->db_path(),
                    "SELECT id FROM calendars WHERE kind = 'personal' AND owner_account_id = " + std::to_string(a.id));
  }
};

TEST_F(MeetingsTest, BlockSlotsAsDocumented) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "blocker");
  const std::string date = FutureDate(30);
  auto r = Block(c, a, date, {10, 15, 17});
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.Json();
  ASSERT_EQ(body.size(), 1u);
  auto day = body["response"];
  EXPECT_EQ(day.size(), 7u) << r.body;
  EXPECT_TRUE(day["id"].is_number_integer());
  EXPECT_EQ(day["user"], json({{"id", a.id}, {"username", a.username}, {"email", a.email}}));
  EXPECT_EQ(day["date"], date);
  EXPECT_EQ(day["blocked_slots"], json({10, 15, 17}));
  EXPECT_EQ(day["available_time_slots"], json(AllHoursBut({10, 15, 17})));
  EXPECT_TRUE(IsStamp(day["created"])) << day["created"];
  EXPECT_TRUE(IsStamp(day["modified"]));

  auto read = Hours(c, a, date);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.Json(), body) << "the read answers what the write did";

  // A second post adds to the day, as the original takes the union: duplicates
  // dropped, sorted, same row.
  auto again = Block(c, a, date, {3, 3, 1, 15});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["response"]["blocked_slots"], json({1, 3, 10, 15, 17}));
  EXPECT_EQ(again.Json()["response"]["available_time_slots"], json(AllHoursBut({1, 3, 10, 15, 17})));
  EXPECT_EQ(again.Json()["response"]["id"], day["id"]);
  EXPECT_EQ(again.Json()["response"]["created"], day["created"]);
  // An empty list adds nothing and is refused, as the original's serializer refuses it.
  ExpectField(Block(c, a, date, json::array()), "blocked_slots", "This list may not be empty.");
  EXPECT_EQ(Hours(c, a, date).Json()["response"]["blocked_slots"], json({1, 3, 10, 15, 17}));

  // Past days may be blocked too; other days are untouched.
  EXPECT_EQ(Block(c, a, "2020-04-25", {0}).status, 200);
  EXPECT_EQ(Available(c, a, FutureDate(31)).size(), 24u);
}

TEST_F(MeetingsTest, UndefinedDaysAreFullyAvailableAndAnyUserCanBeRead) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "reader");
  auto b = NewAccount(c, "readee");
  const std::string date = FutureDate(20);
  auto r = Hours(c, a, date);
  ASSERT_EQ(r.status, 200) << r.body;
  auto day = r.Json()["response"];
  EXPECT_TRUE(day["id"].is_null());
  // Like the original's unsaved record, a day never defined carries the time of asking.
  EXPECT_TRUE(IsStamp(day["created"])) << r.body;
  EXPECT_TRUE(IsStamp(day["modified"])) << r.body;
  EXPECT_EQ(day["blocked_slots"], json::array());
  EXPECT_EQ(day["available_time_slots"], json(AllHoursBut({})));
  EXPECT_EQ(day["user"]["id"], a.id);

  ASSERT_EQ(Block(c, b, date, {9}).status, 200);
  auto other = Hours(c, a, date, b.email);
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.Json()["response"]["user"]["email"], b.email);
  EXPECT_EQ(other.Json()["response"]["blocked_slots"], json({9}));
  auto upper = Hours(c, a, date, "READEE" + b.email.substr(6));
  EXPECT_EQ(upper.status, 200) << "emails match ignoring case: " << upper.body;

  // An unknown user is a field error of the original's query serializer.
  ExpectField(Hours(c, a, date, "nobody@example.com"), "user",
              "Invalid email \"nobody@example.com\" - object does not exist.");
  ExpectField(c.Get("/api/user/get_available_slots/", TokenAuth(a)), "date", "date is required");
  ExpectField(Hours(c, a, "2030-02-30"), "date", "date must be a valid date, YYYY-MM-DD");
  ExpectField(Hours(c, a, "25-04-2030"), "date", "date must be a valid date");
  ExpectField(Hours(c, a, "2030-04-25T00:00"), "date", "date must be a valid date");
}

TEST_F(MeetingsTest, BlockSlotsRefusesBadInput) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "badblock");
  const std::string date = FutureDate(10);
  const std::string hours_msg = "blocked_slots must be a list of hours from 0 to 23";
  auto bad_hours = [&](const json& hours) { ExpectField(Block(c, a, date, hours), "blocked_slots", hours_msg); };
  bad_hours({24});
  bad_hours({-1});
  bad_hours({1.5});
  bad_hours({"1.5"});
  bad_hours({"ten"});
  bad_hours({true});
  bad_hours({nullptr});
  bad_hours(10);
  bad_hours("10");
  bad_hours(json::array({json::array({1})}));
  bad_hours({18446744073709551615ULL});
  ExpectField(Block(c, a, date, json(std::vector<int>(241, 1))), "blocked_slots", "too many");
  ExpectField(Block(c, a, "2030-02-30", {1}), "date", "date must be a valid date, YYYY-MM-DD");
  ExpectField(Block(c, a, "2030-13-01", {1}), "date", "date must be a valid date");
  ExpectField(Block(c, a, "tomorrow", {1}), "date", "date must be a valid date");
  ExpectField(c.Post("/api/user/block_slots/", {{"date", 20300101}, {"blocked_slots", {1}}}, TokenAuth(a)), "date",
              "date must be a valid date");
  ExpectField(c.Post("/api/user/block_slots/", {{"date", date}}, TokenAuth(a)), "blocked_slots",
              "blocked_slots is required");
  ExpectField(c.Post("/api/user/block_slots/", {{"blocked_slots", {1}}}, TokenAuth(a)), "date", "date is required");
  ExpectField(c.Request("POST", "/api/user/block_slots/", "", TokenAuth(a)), "date", "date is required");
  ExpectDetail(c.Request("POST", "/api/user/block_slots/", "{\"date\": ", TokenAuth(a)), 400, "not valid JSON");
  ExpectDetail(c.Request("POST", "/api/user/block_slots/", "[1]", TokenAuth(a)), 400, "JSON object");
  Headers multipart = TokenAuth(a);
  multipart.emplace_back("Content-Type", "multipart/form-data; boundary=b");
  ExpectDetail(c.Request("POST", "/api/user/block_slots/", "date=x", multipart), 400, "multipart");
  EXPECT_EQ(Available(c, a, date).size(), 24u) << "nothing refused was stored";
}

// The original's serializer reads hours as IntegerField does ("10", 11.0), ignores fields
// it does not declare (a user_id of someone else's included), and takes forms.
TEST_F(MeetingsTest, BlockSlotsReadsBodiesAsTheFrameworkDoes) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "lenient");
  auto b = NewAccount(c, "lenientother");
  const std::string date = FutureDate(11);
  auto r = c.Post("/api/user/block_slots/",
                  {{"date", date}, {"blocked_slots", {"10", 11.0, " 12 "}}, {"user", b.id}, {"user_id", b.id}},
                  TokenAuth(a));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["response"]["blocked_slots"], json({10, 11, 12}));
  EXPECT_EQ(r.Json()["response"]["user"]["id"], a.id) << "the caller's own day, whatever the body says";
  EXPECT_EQ(Available(c, b, date).size(), 24u);

  Headers form = TokenAuth(a);
  form.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  auto f = c.Request("POST", "/api/user/block_slots/", "date=" + date + "&blocked_slots=1&blocked_slots=2", form);
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(f.Json()["response"]["blocked_slots"], json({1, 2, 10, 11, 12}));
  ExpectField(c.Request("POST", "/api/user/block_slots/", "date=" + date + "&blocked_slots=x", form), "blocked_slots",
              "blocked_slots must be a list of hours");
  ExpectField(c.Request("POST", "/api/user/block_slots/", "date=" + date, form), "blocked_slots", "is required");

  Headers multipart = TokenAuth(a);
  multipart.emplace_back("Content-Type", "multipart/form-data; boundary=--xx");
  std::string body = "----xx\r\nContent-Disposition: form-data; name=\"date\"\r\n\r\n" + date +
                     "\r\n----xx\r\nContent-Disposition: form-data; name=\"blocked_slots\"\r\n\r\n23\r\n----xx--\r\n";
  auto m = c.Request("POST", "/api/user/block_slots/", body, multipart);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.Json()["response"]["blocked_slots"], json({1, 2, 10, 11, 12, 23}));
}

TEST_F(MeetingsTest, BlockingAnHourThatHoldsAnEventBlocksNothing) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "org");
  auto guest = NewAccount(c, "guest");
  const std::string date = FutureDate(40);
  BookOk(c, organiser, Slot(date, 15), {guest.email});
  for (const auto* who : {&organiser, &guest}) {
    ExpectError(Block(c, *who, date, {10, 15, 17}), 400, "There is already an event booked at time slot : 15");
    auto day = Hours(c, *who, date).Json()["response"];
    EXPECT_TRUE(day["id"].is_null()) << "nothing was blocked";
    // The meeting's hour shows among the blocked ones, as the original shows it.
    EXPECT_EQ(day["blocked_slots"], json({15}));
    EXPECT_EQ(day["available_time_slots"], json(AllHoursBut({15})));
  }
  auto blocked = Block(c, guest, date, {10, 17});
  ASSERT_EQ(blocked.status, 200) << blocked.body;
  EXPECT_EQ(blocked.Json()["response"]["blocked_slots"], json({10, 15, 17}));
  EXPECT_EQ(blocked.Json()["response"]["available_time_slots"], json(AllHoursBut({10, 15, 17})));
  // Hours blocked before stay blocked; a cancelled meeting's hour is no longer shown.
  ASSERT_EQ(c.Get("/api/event/", TokenAuth(organiser)).Json()["count"], 1);
  std::string id = std::to_string(c.Get("/api/event/", TokenAuth(organiser)).Json()["results"][0]["id"].get<int>());
  ASSERT_EQ(c.Patch("/api/event/" + id + "/", {{"status", "cancelled"}}, TokenAuth(organiser)).status, 200);
  EXPECT_EQ(Hours(c, guest, date).Json()["response"]["blocked_slots"], json({10, 17}));
  EXPECT_EQ(Hours(c, organiser, date).Json()["response"]["blocked_slots"], json::array());
}

TEST_F(MeetingsTest, CreateMeetingAsDocumented) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "test10");
  auto p1 = NewAccount(c, "test");
  auto p2 = NewAccount(c, "xyz");
  const std::string date = FutureDate(50);
  auto r = Book(c, organiser, Slot(date, 14), {p1.email, p2.email});
  ASSERT_EQ(r.status, 201) << r.body;
  auto body = r.Json();
  ASSERT_EQ(body.size(), 1u);
  auto m = body["response"];
  EXPECT_EQ(m.size(), 9u) << r.body;
  EXPECT_TRUE(m["id"].is_number_integer());
  EXPECT_EQ(m["participants"], json({p1.email, p2.email, organiser.email}));
  EXPECT_EQ(m["organiser"], organiser.email);
  EXPECT_TRUE(IsStamp(m["created"]));
  EXPECT_EQ(m["modified"], m["created"]);
  EXPECT_EQ(m["title"], "title");
  EXPECT_EQ(m["description"], "description");
  EXPECT_EQ(m["time_slot"], Slot(date, 14));
  EXPECT_EQ(m["status"], "active");
  for (const auto* who : {&organiser, &p1, &p2}) {
    EXPECT_EQ(Available(c, *who, date), json(AllHoursBut({14}))) << who->username;
  }
  // The organiser named among the participants, and repeated emails, count once.
  auto twice = Book(c, organiser, Slot(date, 16), {organiser.email, p1.email, p1.email});
  ASSERT_EQ(twice.status, 201) << twice.body;
  EXPECT_EQ(twice.Json()["response"]["participants"], json({p1.email, organiser.email}));
  // A meeting with nobody else is the organiser's own.
  auto alone = Book(c, organiser, Slot(date, 18), {});
  ASSERT_EQ(alone.status, 201) << alone.body;
  EXPECT_EQ(alone.Json()["response"]["participants"], json({organiser.email}));
}

TEST_F(MeetingsTest, MeetingsNeedEveryParticipantFreeAndWriteNothingOtherwise) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "morg");
  auto free = NewAccount(c, "free");
  auto blocked = NewAccount(c, "blocked");
  auto busy = NewAccount(c, "busy");
  auto other = NewAccount(c, "other");
  const std::string date = FutureDate(60);
  ASSERT_EQ(Block(c, blocked, date, {9}).status, 200);
  BookOk(c, other, Slot(date, 9), {busy.email});

  ExpectError(Book(c, organiser, Slot(date, 9), {free.email, blocked.email}), 400,
              "Time slot is not available for user : " + blocked.email);
  ExpectError(Book(c, organiser, Slot(date, 9), {free.email, busy.email}), 400,
              "Time slot is conflicting with another event for user : " + busy.email);
  ExpectError(Book(c, other, Slot(date, 9), {free.email}), 400,
              "Time slot is conflicting with another event for user : " + other.email);
  ASSERT_EQ(Block(c, organiser, date, {11}).status, 200);
  ExpectError(Book(c, organiser, Slot(date, 11), {free.email}), 400,
              "Time slot is not available for user : " + organiser.email);

  for (const auto* who : {&organiser, &free}) {
    auto list = c.Get("/api/event/", TokenAuth(*who)).Json();
    EXPECT_EQ(list["count"], 0) << who->username << " is in no meeting: " << list;
  }
  EXPECT_EQ(Available(c, free, date).size(), 24u);
  // Adjacent hours do not conflict.
  BookOk(c, organiser, Slot(date, 10), {busy.email, blocked.email});
  BookOk(c, organiser, Slot(date, 8), {busy.email, blocked.email});
}

TEST_F(MeetingsTest, MeetingsRefuseBadInput) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "badmeet");
  auto b = NewAccount(c, "badguest");
  const std::string date = FutureDate(70);
  json ok = {{"title", "t"}, {"time_slot", Slot(date, 10)}, {"description", "d"}, {"participants", {b.email}}};
  auto with = [&](const std::string& key, const json& value) {
    json body = ok;
    body[key] = value;
    return c.Post("/api/event/", body, TokenAuth(a));
  };
  auto without = [&](const std::string& key) {
    json body = ok;
    body.erase(key);
    return c.Post("/api/event/", body, TokenAuth(a));
  };
  ExpectField(with("participants", {"nobody@example.com"}), "participants", "User does not exist : nobody@example.com");
  ExpectField(with("participants", b.email), "participants", "participants must be a list of emails");
  ExpectField(with("participants", {true}), "participants", "participants must be a list of emails");
  ExpectField(with("participants", {1}), "participants", "User does not exist : 1");  // a number is read as text
  ExpectField(with("participants", json(std::vector<std::string>(101, b.email))), "participants", "at most 100");
  ExpectField(with("time_slot", date + " 10:30:00"), "time_slot", "time_slot must be on the hour");
  ExpectField(with("time_slot", date + " 10:00:01"), "time_slot", "time_slot must be on the hour");
  ExpectField(with("time_slot", "2020-04-25 14:00:00"), "time_slot", "time_slot must be in the future");
  const std::string format = "time_slot must be a valid date and time, YYYY-MM-DD HH:MM:SS";
  ExpectField(with("time_slot", "2031-02-30 10:00:00"), "time_slot", format);
  ExpectField(with("time_slot", date + " 24:00:00"), "time_slot", format);
  ExpectField(with("time_slot", date + " 10:00:00Z"), "time_slot", format);
  ExpectField(with("time_slot", "soon"), "time_slot", format);
  ExpectField(with("time_slot", 1700000000), "time_slot", format);
  ExpectField(with("time_slot", json::array({Slot(date, 10)})), "time_slot", "time_slot must be a string");
  ExpectField(with("title", json::array({5})), "title", "title must be a string");
  ExpectField(with("title", false), "title", "title must be a string");
  ExpectField(with("title", "   "), "title", "title may not be blank");
  ExpectField(with("title", std::string(256, 't')), "title", "title must be at most 255 characters");
  for (const std::string field : {"title", "time_slot", "description", "participants"}) {
    ExpectField(without(field), field, field + " is required");
  }
  ExpectDetail(c.Request("POST", "/api/event/", "{\"title\": \"x\",", TokenAuth(a)), 400, "not valid JSON");
  ExpectField(c.Request("POST", "/api/event/", "", TokenAuth(a)), "title", "title is required");
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(a)).Json()["count"], 0) << "nothing refused was stored";

  // Hostile text is stored and returned verbatim, and harms nothing.
  const std::string hostile = "<script>alert(1)</script>'; DROP TABLE meetings; -- \"\\ \xF0\x9F\x93\x85";
  auto r = with("title", hostile);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["response"]["title"], hostile);
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(b)).Json()["results"][0]["title"], hostile);
}

// Where the document is silent the original's serializer decides: numbers are text, a
// null description is allowed, undeclared fields (status, organiser) are ignored, and
// forms work with a repeated key for the list.
TEST_F(MeetingsTest, CreateReadsBodiesAsTheFrameworkDoes) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "lenientorg");
  auto b = NewAccount(c, "lenientguest");
  auto d = NewAccount(c, "lenientthird");
  const std::string date = FutureDate(71);
  json ok = {{"title", "t"}, {"time_slot", Slot(date, 10)}, {"description", "d"}, {"participants", {b.email}}};
  json numeric = ok;
  numeric["title"] = 5;
  auto r = c.Post("/api/event/", numeric, TokenAuth(a));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["response"]["title"], "5");

  json extra = ok;
  extra["time_slot"] = Slot(date, 11);
  extra["description"] = nullptr;
  extra["status"] = "cancelled";
  extra["organiser"] = b.email;
  extra["id"] = 1;
  auto e = c.Post("/api/event/", extra, TokenAuth(a));
  ASSERT_EQ(e.status, 201) << e.body;
  EXPECT_EQ(e.Json()["response"]["status"], "active") << "status is not the creator's to set";
  EXPECT_EQ(e.Json()["response"]["organiser"], a.email);
  EXPECT_EQ(e.Json()["response"]["description"], "") << "a null description is none";
  EXPECT_NE(e.Json()["response"]["id"], 1);

  Headers form = TokenAuth(a);
  form.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  auto f = c.Request("POST", "/api/event/",
                     "title=Form+meeting&time_slot=" + UrlEncode(Slot(date, 12)) + "&description=&participants=" +
                         UrlEncode(b.email) + "&participants=" + UrlEncode(d.email),
                     form);
  ASSERT_EQ(f.status, 201) << f.body;
  EXPECT_EQ(f.Json()["response"]["title"], "Form meeting");
  EXPECT_EQ(f.Json()["response"]["participants"], json({b.email, d.email, a.email}));
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(a)).Json()["count"], 3);
}

TEST_F(MeetingsTest, BookingsOfOtherFacesAreBusyHere) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "xorg");
  auto coach = NewAccount(c, "xcoach");
  const std::string date = FutureDate(80);
  ASSERT_EQ(Block(c, coach, FutureDate(81), {0}).status, 200) << "gives the coach a personal calendar";
  const std::string calendar = CalendarOf(coach);
  ASSERT_FALSE(calendar.empty());
  // 13:30–14:30 UTC, as another face would book it.
  ExecSql(server_->db_path(),
          "INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, status, created_at, updated_at) VALUES "
          "('x-face-booking', " + calendar + ", 'coach', " + std::to_string(EpochOf(date, 13, 30)) + ", " +
              std::to_string(EpochOf(date, 14, 30)) + ", 'confirmed', 0, 0)");
  EXPECT_EQ(Available(c, coach, date), json(AllHoursBut({13, 14})));
  ExpectError(Block(c, coach, date, {14}), 400, "There is already an event booked at time slot : 14");
  ExpectError(Book(c, organiser, Slot(date, 13), {coach.email}), 400,
              "Time slot is conflicting with another event for user : " + coach.email);
  ExpectError(Book(c, organiser, Slot(date, 14), {coach.email}), 400, "conflicting");
  BookOk(c, organiser, Slot(date, 15), {coach.email});
  // A cancelled booking of another face holds nothing.
  ExecSql(server_->db_path(), "UPDATE bookings SET status = 'cancelled' WHERE uuid = 'x-face-booking'");
  BookOk(c, organiser, Slot(date, 13), {coach.email});
}

TEST_F(MeetingsTest, HoursAndTimeSlotsFollowEachAccountsTimeZone) {
  HttpClient c(server_->port());
  auto kolkata = NewAccount(c, "kolkata", {{"timezone", "Asia/Kolkata"}});
  auto utc = NewAccount(c, "utc");
  const std::string date = FutureDate(90);
  ASSERT_EQ(Block(c, kolkata, date, {10}).status, 200);
  // Kolkata's hour 10 is 04:30–05:30Z, so both UTC hours 4 and 5 touch it.
  ExpectError(Book(c, utc, Slot(date, 4), {kolkata.email}), 400,
              "Time slot is not available for user : " + kolkata.email);
  ExpectError(Book(c, utc, Slot(date, 5), {kolkata.email}), 400, "not available");
  std::int64_t id = BookOk(c, utc, Slot(date, 6), {kolkata.email});
  // 06:00–07:00Z is 11:30–12:30 in Kolkata.
  EXPECT_EQ(Available(c, kolkata, date), json(AllHoursBut({10, 11, 12})));
  auto listed = c.Get("/api/event/", TokenAuth(kolkata)).Json()["results"][0];
  EXPECT_EQ(listed["id"], id);
  EXPECT_EQ(listed["time_slot"], date + " 11:30:00") << "shown on the reader's wall clock";

  // A Kolkata organiser's time_slot is Kolkata time: its hour 14 is 08:30Z.
  auto r = Book(c, kolkata, Slot(date, 14), {utc.email});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["response"]["time_slot"], Slot(date, 14));
  std::string mid = std::to_string(r.Json()["response"]["id"].get<std::int64_t>());
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT start_at FROM meetings WHERE id = " + mid),
            std::to_string(EpochOf(date, 8, 30)));
  EXPECT_EQ(Available(c, utc, date), json(AllHoursBut({6, 8, 9}))) << "08:30-09:30Z touches two UTC hours";
}

TEST_F(MeetingsTest, UpdateWithPutAndPatch) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "uorg");
  auto p1 = NewAccount(c, "up1");
  auto p2 = NewAccount(c, "up2");
  const std::string date = FutureDate(100);
  std::int64_t id = BookOk(c, organiser, Slot(date, 14), {p1.email, p2.email});
  const std::string path = "/api/event/" + std::to_string(id) + "/";

  // PUT needs every field.
  json full = {{"title", "new title"},
               {"time_slot", Slot(date, 14)},
               {"description", "new description"},
               {"participants", {p1.email, organiser.email}},
               {"status", "active"}};
  for (const std::string field : {"title", "time_slot", "description", "participants", "status"}) {
    json partial = full;
    partial.erase(field);
    ExpectField(c.Put(path, partial, TokenAuth(organiser)), field, field + " is required");
  }
  auto put = c.Put(path, full, TokenAuth(organiser));
  ASSERT_EQ(put.status, 200) << put.body;
  auto m = put.Json()["response"];
  EXPECT_EQ(m["participants"], json({p1.email, organiser.email}));
  EXPECT_EQ(m["title"], "new title");
  EXPECT_EQ(m["description"], "new description");
  EXPECT_EQ(m["time_slot"], Slot(date, 14));
  EXPECT_EQ(m["status"], "active");
  EXPECT_EQ(m["id"], id);
  EXPECT_TRUE(IsStamp(m["modified"]));
  EXPECT_EQ(Available(c, p2, date).size(), 24u) << "a removed participant is free again";
  EXPECT_EQ(Available(c, p1, date), json(AllHoursBut({14})));

  // PATCH one field; its own hour never conflicts with itself.
  auto patch = c.Patch(path, {{"title", "only title"}}, TokenAuth(organiser));
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(patch.Json()["response"]["title"], "only title");
  EXPECT_EQ(patch.Json()["response"]["description"], "new description");
  EXPECT_EQ(c.Patch(path, {{"time_slot", Slot(date, 14)}, {"participants", {p1.email, p2.email}}},
                    TokenAuth(organiser))
                .status,
            200);
  EXPECT_EQ(c.Patch(path, json::object(), TokenAuth(organiser)).status, 200);
  auto moved = c.Patch(path, {{"time_slot", Slot(date, 15)}}, TokenAuth(organiser));
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Available(c, p2, date), json(AllHoursBut({15})));

  // The same validations as creation, and nothing changes when they fail.
  std::int64_t other = BookOk(c, p2, Slot(date, 16), {});
  ExpectError(c.Patch(path, {{"time_slot", Slot(date, 16)}, {"title", "lost"}}, TokenAuth(organiser)), 400,
              "Time slot is conflicting with another event for user : " + p2.email);
  ASSERT_EQ(Block(c, p1, date, {17}).status, 200);
  ExpectError(c.Patch(path, {{"time_slot", Slot(date, 17)}}, TokenAuth(organiser)), 400,
              "Time slot is not available for user : " + p1.email);
  ExpectField(c.Patch(path, {{"participants", {"ghost@example.com"}}}, TokenAuth(organiser)), "participants",
              "User does not exist : ghost@example.com");
  ExpectField(c.Patch(path, {{"time_slot", "2020-04-25 14:00:00"}}, TokenAuth(organiser)), "time_slot",
              "in the future");
  ExpectField(c.Patch(path, {{"time_slot", Slot(date, 15).substr(0, 14) + "30:00"}}, TokenAuth(organiser)),
              "time_slot", "on the hour");
  ExpectField(c.Patch(path, {{"status", "done"}}, TokenAuth(organiser)), "status", "status must be");
  ExpectField(c.Patch(path, {{"status", nullptr}}, TokenAuth(organiser)), "status", "status may not be null");
  ExpectField(c.Patch(path, {{"description", ""}}, TokenAuth(organiser)), "description", "may not be blank");
  // A field the serializer does not declare is ignored: the organiser stays.
  auto ignored = c.Patch(path, {{"organiser", p1.email}}, TokenAuth(organiser));
  ASSERT_EQ(ignored.status, 200) << ignored.body;
  EXPECT_EQ(ignored.Json()["response"]["organiser"], organiser.email);
  auto still = c.Get("/api/event/", TokenAuth(organiser)).Json()["results"][0];
  EXPECT_EQ(still["title"], "only title");
  EXPECT_EQ(still["time_slot"], Slot(date, 15));
  EXPECT_EQ(still["participants"], json({p1.email, p2.email, organiser.email}));
  EXPECT_EQ(Available(c, p2, date), json(AllHoursBut({15, 16})));
  (void)other;
}

TEST_F(MeetingsTest, CancellingFreesTheHourForEveryone) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "corg");
  auto guest = NewAccount(c, "cguest");
  auto rival = NewAccount(c, "crival");
  const std::string date = FutureDate(110);
  std::int64_t id = BookOk(c, organiser, Slot(date, 9), {guest.email});
  const std::string path = "/api/event/" + std::to_string(id) + "/";
  auto r = c.Patch(path, {{"status", "cancelled"}}, TokenAuth(organiser));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["response"]["status"], "cancelled");
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) || ':' || MIN(status) || ',' || MAX(status) FROM bookings "
                                             "WHERE meeting_id = " + std::to_string(id)),
            "2:cancelled,cancelled");
  for (const auto* who : {&organiser, &guest}) EXPECT_EQ(Available(c, *who, date).size(), 24u);
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(guest)).Json()["results"][0]["status"], "cancelled")
      << "participants still see the cancelled meeting";

  // Reactivating takes the hour again, with the checks of creation.
  BookOk(c, rival, Slot(date, 9), {guest.email});
  ExpectError(c.Patch(path, {{"status", "active"}}, TokenAuth(organiser)), 400,
              "Time slot is conflicting with another event for user : " + guest.email);
  auto back = c.Patch(path, {{"status", "active"}, {"time_slot", Slot(date, 10)}}, TokenAuth(organiser));
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(Available(c, guest, date), json(AllHoursBut({9, 10})));
}

// "A user can update any scheduled meeting": any participant may, as the original's
// queryset of the caller's own meetings allows; anyone else finds no such meeting.
TEST_F(MeetingsTest, AnyParticipantMayUpdate) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "oorg");
  auto guest = NewAccount(c, "oguest");
  auto stranger = NewAccount(c, "ostranger");
  std::int64_t id = BookOk(c, organiser, Slot(FutureDate(120), 9), {guest.email});
  const std::string path = "/api/event/" + std::to_string(id) + "/";
  auto r = c.Patch(path, {{"title", "mine"}}, TokenAuth(guest));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["response"]["title"], "mine");
  EXPECT_EQ(r.Json()["response"]["organiser"], organiser.email) << "the organiser stays";
  EXPECT_EQ(r.Json()["response"]["participants"], json({guest.email, organiser.email}));
  ExpectDetail(c.Patch(path, {{"status", "cancelled"}}, TokenAuth(stranger)), 404, "Not found.");
  ExpectDetail(c.Put(path, {{"title", "x"}}, TokenAuth(stranger)), 404, "Not found.");
  ExpectDetail(c.Patch("/api/event/999999/", {{"title", "x"}}, TokenAuth(organiser)), 404, "Not found.");
  ExpectDetail(c.Patch("/api/event/99999999999999999999999/", {{"title", "x"}}, TokenAuth(organiser)), 404,
               "Not found.");
  ExpectDetail(c.Patch("/api/event/abc/", {{"title", "x"}}, TokenAuth(organiser)), 404, "Not found.");
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(stranger)).Json()["count"], 0) << "strangers do not see it";
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(organiser)).Json()["results"][0]["title"], "mine");
  ExpectDetail(c.Request("DELETE", path, "", TokenAuth(organiser)), 405, "Method \"DELETE\" not allowed.");
  ExpectDetail(c.Request("POST", path, "{}", TokenAuth(organiser)), 405, "Method \"POST\" not allowed.");
}

// The original's retrieve: one of the caller's meetings, not wrapped (the document has no
// such route); 404 {"detail": ...} for any other.
TEST_F(MeetingsTest, GetOneMeeting) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "gorg");
  auto guest = NewAccount(c, "gguest");
  auto stranger = NewAccount(c, "gstranger");
  const std::string date = FutureDate(125);
  auto created = Book(c, organiser, Slot(date, 9), {guest.email});
  ASSERT_EQ(created.status, 201) << created.body;
  auto m = created.Json()["response"];
  const std::string path = "/api/event/" + std::to_string(m["id"].get<std::int64_t>()) + "/";
  for (const auto* who : {&organiser, &guest}) {
    auto r = c.Get(path, TokenAuth(*who));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json(), m) << who->username;
  }
  EXPECT_EQ(c.Get(path, SessionAuth(guest)).status, 200);
  ExpectDetail(c.Get(path, TokenAuth(stranger)), 404, "Not found.");
  ExpectDetail(c.Get("/api/event/424242424/", TokenAuth(organiser)), 404, "Not found.");
  ExpectDetail(c.Get(path), 401, "Authentication credentials were not provided.");
}

// LimitOffsetPagination with the original's page size of 10: count, next, previous and
// results; links keep the other query parameters, with keys sorted, as DRF builds them.
TEST_F(MeetingsTest, ListingPagesByLimitAndOffset) {
  HttpClient c(server_->port());
  auto organiser = NewAccount(c, "porg");
  auto guest = NewAccount(c, "pguest");
  const Headers host = TokenAuth(organiser);
  // Links are absolute, built from the Host header the client sent.
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port()) + "/api/event/";
  auto empty = c.Get("/api/event/", host);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.Json(), json({{"count", 0}, {"next", nullptr}, {"previous", nullptr}, {"results", json::array()}}));
  EXPECT_EQ(c.Get("/api/event/?page=2", host).Json(), empty.Json()) << "page means nothing to this pagination";

  const std::string date = FutureDate(130);
  // Booked out of order; listed by start.
  for (int h = 10; h >= 1; --h) BookOk(c, organiser, Slot(date, h), {guest.email});
  auto ten = c.Get("/api/event/", host).Json();
  EXPECT_EQ(ten["count"], 10);
  EXPECT_TRUE(ten["next"].is_null());
  EXPECT_EQ(ten["results"].size(), 10u);
  EXPECT_EQ(ten["results"][0]["time_slot"], Slot(date, 1));
  EXPECT_EQ(ten["results"][9]["time_slot"], Slot(date, 10));

  BookOk(c, organiser, Slot(date, 11), {});
  auto first = c.Get("/api/event/", host).Json();
  EXPECT_EQ(first["count"], 11);
  EXPECT_EQ(first["next"], base + "?limit=10&offset=10");
  EXPECT_TRUE(first["previous"].is_null());
  EXPECT_EQ(first["results"].size(), 10u);
  auto second = c.Get("/api/event/?offset=10", host).Json();
  EXPECT_EQ(second["count"], 11);
  EXPECT_TRUE(second["next"].is_null());
  EXPECT_EQ(second["previous"], base + "?limit=10");
  ASSERT_EQ(second["results"].size(), 1u);
  EXPECT_EQ(second["results"][0]["time_slot"], Slot(date, 11));

  auto middle = c.Get("/api/event/?limit=3&offset=5", host).Json();
  ASSERT_EQ(middle["results"].size(), 3u);
  EXPECT_EQ(middle["results"][0]["time_slot"], Slot(date, 6));
  EXPECT_EQ(middle["next"], base + "?limit=3&offset=8");
  EXPECT_EQ(middle["previous"], base + "?limit=3&offset=2");
  EXPECT_EQ(c.Get("/api/event/?offset=2&limit=3", host).Json()["previous"], base + "?limit=3")
      << "an offset within one page of the start is dropped";
  auto last = c.Get("/api/event/?limit=4&offset=8", host).Json();
  EXPECT_EQ(last["results"].size(), 3u);
  EXPECT_TRUE(last["next"].is_null());
  auto beyond = c.Get("/api/event/?offset=100", host).Json();
  EXPECT_EQ(beyond["count"], 11);
  EXPECT_EQ(beyond["results"], json::array());
  EXPECT_EQ(beyond["previous"], base + "?limit=10&offset=90");
  // An unreadable or non-positive limit is the default; an unreadable or negative offset is 0.
  for (const std::string bad : {"abc", "0", "-1", "", "1.5", "99999999999999999999"}) {
    auto r = c.Get("/api/event/?limit=" + bad + "&offset=" + bad, host);
    ASSERT_EQ(r.status, 200) << bad << r.body;
    EXPECT_EQ(r.Json()["results"], first["results"]) << bad;
  }
  EXPECT_EQ(c.Get("/api/event/?limit=%2B2", host).Json()["results"].size(), 2u) << "a sign, as Python's int()";
  EXPECT_EQ(c.Get("/api/event/?limit=100", host).Json()["results"].size(), 11u);
  // Other parameters stay in the links, keys sorted.
  EXPECT_EQ(c.Get("/api/event/?zz=a+b&page=2", host).Json()["next"],
            base + "?limit=10&offset=10&page=2&zz=a+b");

  // ?status= keeps meetings of that status.
  EXPECT_EQ(c.Get("/api/event/?status=active", host).Json()["count"], 11);
  EXPECT_EQ(c.Get("/api/event/?status=active", host).Json()["next"], base + "?limit=10&offset=10&status=active");
  EXPECT_EQ(c.Get("/api/event/?status=cancelled", host).Json()["count"], 0);
  EXPECT_EQ(c.Get("/api/event/?status=nonsense", host).Json()["count"], 0);
  std::string first_id = std::to_string(first["results"][0]["id"].get<std::int64_t>());
  ASSERT_EQ(c.Patch("/api/event/" + first_id + "/", {{"status", "cancelled"}}, host).status, 200);
  auto cancelled = c.Get("/api/event/?status=cancelled", host).Json();
  EXPECT_EQ(cancelled["count"], 1);
  EXPECT_EQ(cancelled["results"][0]["id"], first["results"][0]["id"]);
  EXPECT_EQ(c.Get("/api/event/?status=active", host).Json()["count"], 10);
  EXPECT_EQ(c.Get("/api/event/", host).Json()["count"], 11) << "without status, every status";
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(guest)).Json()["count"], 10) << "participants see theirs";

  // Meetings that have ended are not listed.
  ExecSql(server_->db_path(), "UPDATE meetings SET start_at = 1000, end_at = 4600 WHERE organiser_account_id = " +
                                  std::to_string(organiser.id) + " AND title = 'title' AND start_at = " +
                                  std::to_string(EpochOf(date, 11, 0)));
  EXPECT_EQ(c.Get("/api/event/", host).Json()["count"], 10);
}

// Django's APPEND_SLASH: a path without its trailing slash that would match with it is
// redirected there (301, query kept), before authentication and for every method, as
// the original's production settings (DEBUG off) do; anything else is a 404.
TEST_F(MeetingsTest, MissingTrailingSlashRedirects) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "slash");
  for (const std::string method : {"GET", "POST", "PATCH"}) {
    auto r = c.Request(method, "/api/event", method == "GET" ? "" : "{}");
    EXPECT_EQ(r.status, 301) << method << r.body;
    EXPECT_EQ(r.Header("location"), "/api/event/") << method;
  }
  auto q = c.Get("/api/event?limit=1&status=active", TokenAuth(a));
  EXPECT_EQ(q.status, 301);
  EXPECT_EQ(q.Header("location"), "/api/event/?limit=1&status=active");
  EXPECT_EQ(c.Request("POST", "/api/user/sign_up", "{}").Header("location"), "/api/user/sign_up/");
  EXPECT_EQ(c.Get("/api/user/get_available_slots?date=2030-01-01").Header("location"),
            "/api/user/get_available_slots/?date=2030-01-01");
  EXPECT_EQ(c.Get("/api/event/12").Header("location"), "/api/event/12/");
  ExpectDetail(c.Get("/api/user/nope"), 404, "Not found.");
  ExpectDetail(c.Get("/api/event/abc"), 404, "Not found.");
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(a)).status, 200) << "the slashed path is served as before";
}

// The original's user actions the document does not list: get_detail and GET logout.
TEST_F(MeetingsTest, GetDetailAndGetLogout) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "detail");
  auto r = c.Get("/api/user/get_detail/", TokenAuth(a));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.Json();
  EXPECT_EQ(body["is_authenticated"], true);
  EXPECT_EQ(body["user"]["id"], a.id);
  EXPECT_EQ(body["user"]["username"], a.username);
  EXPECT_EQ(body["user"]["email"], a.email);
  EXPECT_EQ(body["auth_token"], a.token);
  auto anonymous = c.Get("/api/user/get_detail/");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Json(), json({{"err_message", "You are not an authenticated user"}}));
  EXPECT_EQ(c.Get("/api/user/get_detail/", SessionAuth(a)).Json()["user"]["id"], a.id);

  ExpectDetail(c.Get("/api/user/logout/"), 401, "Authentication credentials were not provided.");
  auto out = c.Get("/api/user/logout/", TokenAuth(a));
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.Json(), json({{"logged_out", true}}));
  EXPECT_EQ(c.Get("/api/user/me/", TokenAuth(a)).status, 401) << "the token used is revoked";
  EXPECT_EQ(c.Get("/api/user/get_detail/", TokenAuth(a)).status, 401);
}

TEST_F(MeetingsTest, BothCredentialSchemesAndCsrf) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "sess");
  auto b = NewAccount(c, "sessguest");
  const std::string date = FutureDate(140);
  json meeting = {{"title", "t"}, {"time_slot", Slot(date, 9)}, {"description", "d"}, {"participants", {b.email}}};
  json block = {{"date", date}, {"blocked_slots", {1}}};

  Headers wrong = SessionAuth(a);
  wrong.emplace_back("X-CSRFToken", b.csrf_token);
  for (const auto& headers : {SessionAuth(a), wrong}) {
    ExpectDetail(c.Post("/api/event/", meeting, headers), 403, "CSRF Failed: CSRF token missing or incorrect.");
    ExpectDetail(c.Post("/api/user/block_slots/", block, headers), 403, "CSRF Failed");
  }
  EXPECT_EQ(c.Get("/api/event/", TokenAuth(a)).Json()["count"], 0);
  EXPECT_EQ(c.Get("/api/user/get_available_slots/?date=" + date, SessionAuth(a)).status, 200)
      << "reads need only the cookie";

  auto created = c.Post("/api/event/", meeting, SessionAuthWithCsrf(a));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(c.Post("/api/user/block_slots/", block, SessionAuthWithCsrf(a)).status, 200);
  const std::string path = "/api/event/" + std::to_string(created.Json()["response"]["id"].get<std::int64_t>()) + "/";
  ExpectDetail(c.Patch(path, {{"title", "s"}}, SessionAuth(a)), 403, "CSRF Failed");
  ExpectDetail(c.Put(path, meeting, wrong), 403, "CSRF Failed");
  EXPECT_EQ(c.Patch(path, {{"title", "s"}}, SessionAuthWithCsrf(a)).status, 200);
  EXPECT_EQ(c.Patch(path, {{"title", "t"}}, TokenAuth(a)).status, 200);
  EXPECT_EQ(c.Get("/api/event/", SessionAuth(a)).Json()["count"], 1);

  for (const std::string& target : {std::string("/api/event/"), "/api/user/get_available_slots/?date=" + date}) {
    ExpectDetail(c.Get(target), 401, "Authentication credentials were not provided.");
    ExpectDetail(c.Get(target, {{"Authorization", "Token nope"}}), 401, "");
  }
  ExpectDetail(c.Post("/api/event/", meeting), 401, "Authentication credentials were not provided.");
}

// A lenient reader is still a safe one: odd content types, broken forms, odd values and
// huge field counts are answered in the face's shape, never with a 500.
TEST_F(MeetingsTest, LenientBodiesNeverBreakTheServer) {
  HttpClient c(server_->port());
  auto a = NewAccount(c, "hostilebodies");
  std::string many;
  for (int i = 0; i < 1200; ++i) many += "participants=p" + std::to_string(i) + "%40example.com&";
  std::string deep(5000, '[');
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"application/x-www-form-urlencoded", "%%%=%ZZ&=&&&title"},
      {"application/x-www-form-urlencoded", std::string("title=\0\xff\xfe&participants=") + "\x01"},
      {"application/x-www-form-urlencoded", many},
      {"application/x-www-form-urlencoded", "blocked_slots=99999999999999999999999&date=2030-01-01"},
      {"application/x-www-form-urlencoded", "limit=1&offset=-1&time_slot=2030-01-01+10%3A00%3A00"},
      {"multipart/form-data", "no boundary"},
      {"multipart/form-data; boundary=", "--\r\n"},
      {"multipart/form-data; boundary=z", "--z\r\nContent-Disposition: form-data\r\n\r\nx\r\n--z--"},
      {"multipart/form-data; boundary=z", "--z\r\n\r\n\r\n--z--"},
      {"multipart/form-data; boundary=z", "--z--"},
      {"multipart/form-data; boundary=z", "--z\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx"},
      {"multipart/form-data; boundary=\"" + std::string(300, 'b') + "\"", "x"},
      {"application/json", deep},
      {"application/json", "{\"title\": 1e400, \"participants\": [1e400, -0.0, {}], \"blocked_slots\": [1e19]}"},
      {"application/json", "{\"date\": \"2030-01-01\", \"blocked_slots\": [\" \", \"+\", \"-\", \".\", \"1.\"]}"},
      {"text/plain", "title=x"},
      {"application/json; charset=utf-16", "\xff\xfe{"},
  };
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", "/api/user/sign_up/"}, {"POST", "/api/user/login/"}, {"POST", "/api/user/block_slots/"},
      {"POST", "/api/event/"},        {"PUT", "/api/event/1/"},     {"PATCH", "/api/event/1/"}};
  for (const auto& [method, path] : routes) {
    for (const auto& [type, body] : bodies) {
      Headers h = TokenAuth(a);
      h.emplace_back("Content-Type", type);
      auto r = c.Request(method, path, body, h);
      EXPECT_LT(r.status, 500) << method << " " << path << " " << type << ": " << r.body;
      EXPECT_TRUE(r.status == 200 || r.status == 201 || r.status >= 400) << r.status;
      auto parsed = json::parse(r.body, nullptr, false);
      EXPECT_TRUE(parsed.is_object()) << method << " " << path << " " << type << ": " << r.body;
    }
  }
  EXPECT_EQ(c.Get("/api/user/me/", TokenAuth(a)).status, 200) << "the server still serves";
}

TEST_F(MeetingsTest, RacingMeetingsForOneParticipantsHourNeverBothSucceed) {
  HttpClient setup(server_->port());
  auto shared = NewAccount(setup, "shared");
  constexpr int kThreads = 32;
  std::vector<TestAccount> organisers;
  for (int i = 0; i < kThreads; ++i) organisers.push_back(NewAccount(setup, "racer"));
  const std::string date = FutureDate(150);

  std::atomic<int> ready{0};
  std::atomic<int> created{0};
  std::atomic<int> conflicts{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server_->port());
      c.Connect();
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      auto r = Book(c, organisers[i], Slot(date, 12), {shared.email});
      if (r.status == 201) {
        created.fetch_add(1);
      } else if (r.status == 400 && r.body.find("conflicting with another event for user : " + shared.email) !=
                                        std::string::npos) {
        conflicts.fetch_add(1);
      } else {
        other.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM meetings WHERE start_at = " +
                                             std::to_string(EpochOf(date, 12, 0))),
            "1")
      << "losers left no meeting row";
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM bookings WHERE face = 'meeting' AND start_at = " +
                                             std::to_string(EpochOf(date, 12, 0))),
            "2")
      << "one booking for the winner and one for the shared participant";
}

}  // namespace
}  // namespace kairos::testing
