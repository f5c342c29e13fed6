// Face 004 over HTTP: consultants and users (numbered by the face, each from 1), one-off
// and weekly availability, the free time views, reservations (conflicts and a race on real
// sockets), deletion, the authentication setting and bad input. Where the document is
// silent the expectations follow the original service's views. Errors are
// {"error": "..."} with 400 or 404.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <mutex>
#include <numeric>
#include <thread>

#include "support/accounts.hpp"
#include "support/database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

// UTC seconds of a UTC civil time.
std::int64_t Epoch(int y, int mo, int d, int h, int mi) {
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = mo - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  return static_cast<std::int64_t>(timegm(&t));
}

class ConsultantsTest : public SharedServerTest<ConsultantsTest> {
 protected:

  HttpClient c_{server_->port()};

  // A 400 or 404 in this face's shape whose message mentions `needle`.
  static void ExpectError(const HttpResponse& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = r.Json();
    ASSERT_TRUE(body.is_object() && body.contains("error") && body["error"].is_string()) << r.body;
    EXPECT_EQ(body.size(), 1u) << r.body;
    EXPECT_NE(body["error"].get<std::string>().find(needle), std::string::npos) << r.body;
  }

  // The account behind a consultant or user number, and the numbers of an account.
  std::string AccountOf(std::int64_t consultant) {
    return QuerySql(server_->db_path(),
                    "SELECT account_id FROM face004_consultants WHERE consultant_no = " + std::to_string(consultant));
  }
  std::int64_t ConsultantNo(const TestAccount& a) {
    auto me = c_.Get("/api/user/me/", TokenAuth(a));
    EXPECT_EQ(me.status, 200) << me.body;
    EXPECT_TRUE(me.Json().contains("consultant_id")) << me.body;
    return me.Json().value("consultant_id", std::int64_t{0});
  }
  std::int64_t UserNo(const TestAccount& a) {
    return std::stoll(
        QuerySql(server_->db_path(), "SELECT user_no FROM face004_users WHERE account_id = " + std::to_string(a.id)));
  }

  std::int64_t NewConsultant(const std::string& timezone = "UTC") {
    auto r = c_.Post("/consultant/", {{"first_name", "Test"}, {"last_name", "Consultant"}, {"timezone", timezone}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json()["id"].get<std::int64_t>();
  }
  std::int64_t NewUser() {
    auto r = c_.Post("/user/", {{"first_name", "Jane"}, {"last_name", "Smith"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json()["id"].get<std::int64_t>();
  }
  std::int64_t AddOneOff(std::int64_t consultant, const std::string& day, const std::string& start,
                         const std::string& end) {
    auto r = c_.Post("/consultants/" + std::to_string(consultant) + "/availabilities/",
                     {{"date", day}, {"start_time", start}, {"end_time", end}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json()["id"].get<std::int64_t>() : 0;
  }
  std::int64_t AddWeekly(std::int64_t consultant, int day_of_week, const std::string& start, const std::string& end) {
    auto r = c_.Post("/consultant/" + std::to_string(consultant) + "/recurring/",
                     {{"day_of_week", day_of_week}, {"start_time", start}, {"end_time", end}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json()["id"].get<std::int64_t>() : 0;
  }
  json Slots(std::int64_t consultant, const std::string& from, const std::string& to) {
    auto r = c_.Get("/consultant/" + std::to_string(consultant) + "/availability/?start_date=" + from +
                    "&end_date=" + to);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  HttpResponse Reserve(std::int64_t consultant, std::int64_t user, const std::string& day, const std::string& start,
                       const std::string& end) {
    return c_.Post("/consultant/" + std::to_string(consultant) + "/reserve/",
                   {{"user", user}, {"date", day}, {"start_time", start}, {"end_time", end}});
  }
};

TEST_F(ConsultantsTest, CreatesAndShowsConsultantsAndUsers) {
  auto r = c_.Post("/consultant/", {{"first_name", "John"}, {"last_name", "Doe"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto consultant = r.Json();
  std::int64_t id = consultant["id"].get<std::int64_t>();
  std::string uuid = consultant["uuid"];
  EXPECT_EQ(uuid.size(), 36u) << r.body;
  EXPECT_EQ(consultant, json({{"message", "Consultant created successfully"},
                              {"id", id},
                              {"uuid", uuid},
                              {"username", "consultant-" + std::to_string(id)},
                              {"first_name", "John"},
                              {"last_name", "Doe"},
                              {"timezone", "UTC"}}));
  auto got = c_.Get("/consultant/" + std::to_string(id) + "/");
  ASSERT_EQ(got.status, 200) << got.body;
  consultant.erase("message");
  EXPECT_EQ(got.Json(), consultant);

  auto u = c_.Post("/user/", {{"first_name", "Jane"}, {"last_name", "Smith"}, {"timezone", "Europe/Paris"}});
  ASSERT_EQ(u.status, 201) << u.body;
  std::int64_t user = u.Json()["id"].get<std::int64_t>();
  EXPECT_EQ(u.Json()["message"], "User created successfully");
  EXPECT_EQ(u.Json()["username"], "user-" + std::to_string(user));
  EXPECT_EQ(u.Json()["timezone"], "Europe/Paris");

  // Neither can log in: they have no password.
  EXPECT_EQ(c_.Post("/api/user/login/", {{"username", "consultant-" + std::to_string(id)}, {"password", ""}}).status,
            400);
}

TEST_F(ConsultantsTest, UnknownAndMalformedIdsAre404) {
  ExpectError(c_.Get("/consultant/999999/"), 404, "not found");
  ExpectError(c_.Get("/consultant/abc/"), 404, "Not found");
  ExpectError(c_.Get("/consultant/-1/"), 404, "Not found");
  ExpectError(c_.Get("/consultant/99999999999999999999999/"), 404, "Not found");
  ExpectError(c_.Get("/consultant/1.5/availability/"), 404, "Not found");
  ExpectError(c_.Post("/consultants/abc/availabilities/", json::object()), 404, "Not found");
  ExpectError(c_.Post("/consultants/999999/availabilities/",
                      {{"date", "2030-01-01"}, {"start_time", "09:00"}, {"end_time", "10:00"}}),
              404, "Consultant not found");
  ExpectError(c_.Get("/consultant/999999/availability/"), 404, "Consultant not found");
  ExpectError(c_.Delete("/consultant/999999/availability/?availability_id=1"), 404, "Consultant not found");
  // As the original: a pattern names its consultant as a field (400), and listing an
  // unknown consultant's patterns finds none.
  ExpectError(c_.Post("/consultant/999999/recurring/",
                      {{"day_of_week", 0}, {"start_time", "09:00"}, {"end_time", "10:00"}}),
              400, "Invalid pk \"999999\" - object does not exist");
  auto none = c_.Get("/consultant/999999/recurring/");
  EXPECT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.Json(), json::array());
  ExpectError(c_.Post("/consultant/999999/reserve/",
                      {{"user", 1}, {"date", "2030-01-01"}, {"start_time", "09:00"}, {"end_time", "10:00"}}),
              404, "Consultant not found");
  ExpectError(c_.Request("DELETE", "/consultant/999999/availability/delete",
                         json({{"date", "2030-01-01"}, {"start_time", "09:00"}, {"end_time", "10:00"}}).dump()),
              404, "not found");
  ExpectError(c_.Get("/availabilities/monthly/?year=2030&month=1&consultant=999999"), 404, "Consultant not found");
  ExpectError(c_.Get("/availabilities/timerange/?start_date=2030-01-01&end_date=2030-01-02&start_time=00:00"
                      "&end_time=23:00&consultant=999999"),
              404, "Consultant not found");
  ExpectError(c_.Get("/consultant/"), 405, "not allowed");
}

TEST_F(ConsultantsTest, PersonBodiesAreValidated) {
  for (const char* path : {"/consultant/", "/user/"}) {
    ExpectError(c_.Request("POST", path, "{not json"), 400, "not valid JSON");
    // As Django REST framework reads bodies: an empty one is an empty form.
    ExpectError(c_.Request("POST", path, ""), 400, "first_name is required");
    ExpectError(c_.Request("POST", path, "[1]"), 400, "JSON object");
    ExpectError(c_.Post(path, {{"last_name", "Doe"}}), 400, "first_name is required");
    ExpectError(c_.Post(path, {{"first_name", "John"}}), 400, "last_name is required");
    ExpectError(c_.Post(path, {{"first_name", true}, {"last_name", "Doe"}}), 400, "first_name");
    ExpectError(c_.Post(path, {{"first_name", json::array({"a"})}, {"last_name", "Doe"}}), 400, "first_name");
    ExpectError(c_.Post(path, {{"first_name", nullptr}, {"last_name", "Doe"}}), 400, "first_name");
    ExpectError(c_.Post(path, {{"first_name", "  "}, {"last_name", "Doe"}}), 400, "first_name may not be blank");
    ExpectError(c_.Post(path, {{"first_name", std::string(51, 'a')}, {"last_name", "Doe"}}), 400, "at most 50");
    ExpectError(c_.Post(path, {{"first_name", "a\nb"}, {"last_name", "Doe"}}), 400, "control characters");
    ExpectError(c_.Post(path, {{"first_name", std::string("a\0b", 3)}, {"last_name", "Doe"}}), 400,
                "control characters");

    ExpectError(c_.Post(path, {{"first_name", "John"}, {"last_name", "Doe"}, {"timezone", "Mars/Olympus"}}), 400,
                "Unknown time zone");
    ExpectError(c_.Post(path, {{"first_name", "John"}, {"last_name", "Doe"}, {"timezone", 3}}), 400,
                "Unknown time zone: 3");
    // A number is a string to a CharField, and unknown fields are ignored.
    auto lenient = c_.Post(path, {{"first_name", 5}, {"last_name", "Doe"}, {"password", "x"}});
    ASSERT_EQ(lenient.status, 201) << lenient.body;
    EXPECT_EQ(lenient.Json()["first_name"], "5");
    EXPECT_FALSE(lenient.Json().contains("password"));
    auto form = c_.Request("POST", path, "first_name=Ann&last_name=Lee&timezone=Europe%2FParis",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_EQ(form.status, 201) << form.body;
    EXPECT_EQ(form.Json()["timezone"], "Europe/Paris");
    const std::string with_slash = path;
    auto redirect = c_.Request("POST", with_slash.substr(0, with_slash.size() - 1), "{}",
                               {{"Content-Type", "application/json"}});
    EXPECT_EQ(redirect.status, 301) << redirect.body;
    EXPECT_EQ(redirect.Header("location"), with_slash);
  }
  auto fifty = c_.Post("/consultant/", {{"first_name", std::string(50, 'a')}, {"last_name", "é"}});
  EXPECT_EQ(fifty.status, 201) << fifty.body;
  // Hostile strings are stored and shown back as plain text.
  for (std::string hostile : {"Robert'); DROP TABLE accounts;--", "<script>alert(1)</script>", "\"quoted\" \\ back",
                              "名前 ✓ 🙂", "%00%27 OR 1=1"}) {
    auto r = c_.Post("/consultant/", {{"first_name", hostile}, {"last_name", hostile}});
    ASSERT_EQ(r.status, 201) << hostile << r.body;
    auto got = c_.Get("/consultant/" + std::to_string(r.Json()["id"].get<std::int64_t>()) + "/");
    EXPECT_EQ(got.Json()["first_name"], hostile);
    EXPECT_EQ(got.Json()["last_name"], hostile);
  }
  EXPECT_EQ(c_.Get("/healthz").status, 200);
}

TEST_F(ConsultantsTest, OneOffAvailabilityIsValidatedAndListed) {
  std::int64_t id = NewConsultant("America/New_York");
  std::string path = "/consultants/" + std::to_string(id) + "/availabilities/";
  auto r = c_.Post(path, {{"date", "2030-03-05"}, {"start_time", "09:00:00"}, {"end_time", "10:00:00"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::int64_t first = r.Json()["id"].get<std::int64_t>();
  EXPECT_EQ(r.Json(), json({{"message", "availability slot created successfully"},
                            {"id", first},
                            {"consultant", id},
                            {"date", "2030-03-05"},
                            {"start_time", "09:00:00"},
                            {"end_time", "10:00:00"},
                            {"is_booked", false}}));
  // Touching is not overlapping; HH:MM is accepted too.
  std::int64_t second = AddOneOff(id, "2030-03-05", "10:00", "11:30");

  ExpectError(c_.Post(path, {{"date", "2030-03-05"}, {"start_time", "09:30"}, {"end_time", "10:30"}}), 400,
              "overlaps availability");
  ExpectError(c_.Post(path, {{"date", "2030-03-05"}, {"start_time", "08:00"}, {"end_time", "12:00"}}), 400,
              "overlaps availability");
  ExpectError(c_.Post(path, {{"date", "2020-01-06"}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400,
              "Only future dates are allowed");
  ExpectError(c_.Post(path, {{"date", "2030-03-06"}, {"start_time", "10:00"}, {"end_time", "09:00"}}), 400,
              "end_time must be after start_time");
  ExpectError(c_.Post(path, {{"date", "2030-03-06"}, {"start_time", "10:00"}, {"end_time", "10:00"}}), 400,
              "end_time must be after start_time");
  ExpectError(c_.Post(path, {{"date", "2025-02-30"}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400, "date");
  ExpectError(c_.Post(path, {{"date", "2030-13-01"}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400, "date");
  ExpectError(c_.Post(path, {{"date", "2030-03-06"}, {"start_time", "24:30"}, {"end_time", "25:00"}}), 400,
              "start_time");
  ExpectError(c_.Post(path, {{"date", "2030-03-06"}, {"start_time", "09:00"}, {"end_time", "24:00"}}), 400,
              "end_time");
  ExpectError(c_.Post(path, {{"date", "2030-03-06"}, {"start_time", "9am"}, {"end_time", "10:00"}}), 400,
              "start_time");
  ExpectError(c_.Post(path, {{"date", 20300306}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400,
              "date: Invalid date '20300306'");
  ExpectError(c_.Post(path, {{"start_time", "09:00"}, {"end_time", "10:00"}}), 400, "date is required");
  // is_booked is read-only: ignored on input, as the original's serializer has it.
  auto ignored =
      c_.Post(path, {{"date", "2030-03-06"}, {"start_time", "09:00"}, {"end_time", "10:00"}, {"is_booked", true}});
  ASSERT_EQ(ignored.status, 201) << ignored.body;
  EXPECT_EQ(ignored.Json()["is_booked"], false);
  ASSERT_EQ(c_.Delete("/consultant/" + std::to_string(id) + "/availability/?availability_id=" +
                      std::to_string(ignored.Json()["id"].get<std::int64_t>()))
                .status,
            204);
  ExpectError(c_.Request("POST", path, "{\"date\": "), 400, "not valid JSON");

  auto slots = Slots(id, "2030-03-01", "2030-03-31");
  ASSERT_EQ(slots.size(), 2u) << slots;
  EXPECT_EQ(slots[0], json({{"consultant", id},
                            {"date", "2030-03-05"},
                            {"start_time", "09:00:00"},
                            {"end_time", "10:00:00"},
                            {"is_booked", false},
                            {"timezone", "America/New_York"},
                            {"source", "one_off"},
                            {"availability", first},
                            {"recurring", nullptr}}));
  EXPECT_EQ(slots[1]["availability"], second);
  EXPECT_EQ(slots[1]["start_time"], "10:00:00");
  EXPECT_EQ(slots[1]["end_time"], "11:30:00");
  EXPECT_TRUE(Slots(id, "2030-03-06", "2030-03-31").empty());

  // Without dates, every future one-off window is listed, however far ahead.
  auto all = c_.Get("/consultant/" + std::to_string(id) + "/availability/");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json(), slots);
  std::string base = "/consultant/" + std::to_string(id) + "/availability/";
  ExpectError(c_.Get(base + "?start_date=2030-03-10&end_date=2030-03-01"), 400, "before start_date");
  ExpectError(c_.Get(base + "?start_date=2030-01-01&end_date=2030-04-03"), 400, "92 days");
  EXPECT_EQ(c_.Get(base + "?start_date=2030-01-01&end_date=2030-04-02").status, 200) << "92 days is allowed";
  ExpectError(c_.Get(base + "?start_date=2030-02-30"), 400, "start_date");
  ExpectError(c_.Get(base + "?end_date=tomorrow"), 400, "end_date");
}

TEST_F(ConsultantsTest, WeeklyAvailabilityStaysLocalAcrossDst) {
  std::int64_t id = NewConsultant("America/New_York");
  std::string path = "/consultant/" + std::to_string(id) + "/recurring/";
  auto r = c_.Post(path, {{"day_of_week", 0}, {"start_time", "09:00"}, {"end_time", "11:00"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::int64_t monday = r.Json()["id"].get<std::int64_t>();
  EXPECT_EQ(r.Json(), json({{"message", "Recurring availability created successfully"},
                            {"id", monday},
                            {"consultant", id},
                            {"day_of_week", 0},
                            {"start_time", "09:00:00"},
                            {"end_time", "11:00:00"},
                            {"is_active", true}}));
  auto inactive =
      c_.Post(path, {{"day_of_week", 6}, {"start_time", "10:00"}, {"end_time", "12:00"}, {"is_active", false}});
  ASSERT_EQ(inactive.status, 201) << inactive.body;
  EXPECT_EQ(inactive.Json()["is_active"], false);

  auto list = c_.Get(path);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json().size(), 2u);
  EXPECT_EQ(list.Json()[0]["id"], monday);
  EXPECT_EQ(list.Json()[1]["day_of_week"], 6);

  // New York springs forward on Sunday 2030-03-10: both Mondays read 09:00-11:00 local.
  auto view = c_.Get("/availabilities/timerange/?start_date=2030-03-04&end_date=2030-03-17&start_time=00:00"
                     "&end_time=23:59:59&consultant=" + std::to_string(id));
  ASSERT_EQ(view.status, 200) << view.body;
  json days = json::object();
  for (const auto& slot : view.Json()) days[slot["date"].get<std::string>()].push_back(slot);
  ASSERT_EQ(days.size(), 2u) << view.body;
  for (const char* day : {"2030-03-04", "2030-03-11"}) {
    ASSERT_EQ(days[day].size(), 1u) << day << days;
    EXPECT_EQ(days[day][0]["start_time"], "09:00:00");
    EXPECT_EQ(days[day][0]["end_time"], "11:00:00");
    EXPECT_EQ(days[day][0]["source"], "recurring");
    EXPECT_EQ(days[day][0]["recurring"], monday);
    EXPECT_EQ(days[day][0]["availability"], nullptr);
  }
  EXPECT_FALSE(days.contains("2030-03-10")) << "the inactive Sunday pattern offers nothing";

  // The instants differ by the offset change: 14:00Z before, 13:00Z after.
  std::int64_t user = NewUser();
  auto before = Reserve(id, user, "2030-03-04", "09:00", "10:00");
  auto after = Reserve(id, user, "2030-03-11", "09:00", "10:00");
  ASSERT_EQ(before.status, 201) << before.body;
  ASSERT_EQ(after.status, 201) << after.body;
  EXPECT_EQ(after.Json()["recurring"], monday);
  EXPECT_EQ(after.Json()["availability"], nullptr);
  auto start_of = [&](const HttpResponse& b) {
    return QuerySql(server_->db_path(), "SELECT start_at FROM bookings WHERE id = " +
                                            std::to_string(b.Json()["booking_id"].get<std::int64_t>()));
  };
  EXPECT_EQ(start_of(before), std::to_string(Epoch(2030, 3, 4, 14, 0)));
  EXPECT_EQ(start_of(after), std::to_string(Epoch(2030, 3, 11, 13, 0)));
}

TEST_F(ConsultantsTest, WeeklyAvailabilityIsValidated) {
  std::int64_t id = NewConsultant();
  std::string path = "/consultant/" + std::to_string(id) + "/recurring/";
  AddWeekly(id, 2, "13:00", "15:00");  // Wednesdays
  ExpectError(c_.Post(path, {{"day_of_week", 7}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400,
              "day_of_week must be between 0 (Monday) and 6 (Sunday)");
  ExpectError(c_.Post(path, {{"day_of_week", -1}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400,
              "day_of_week must be between");
  // An IntegerField takes "0"; the pattern is removed again so the checks below see none.
  auto numeric_text = c_.Post(path, {{"day_of_week", "0"}, {"start_time", "09:00"}, {"end_time", "10:00"}});
  ASSERT_EQ(numeric_text.status, 201) << numeric_text.body;
  EXPECT_EQ(numeric_text.Json()["day_of_week"], 0);
  ASSERT_EQ(c_.Delete(path + std::to_string(numeric_text.Json()["id"].get<std::int64_t>()) + "/").status, 204);
  ExpectError(c_.Post(path, {{"day_of_week", 1.5}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400,
              "day_of_week");
  ExpectError(c_.Post(path, {{"day_of_week", true}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400,
              "day_of_week");
  ExpectError(c_.Post(path, {{"day_of_week", 1}, {"start_time", "10:00"}, {"end_time", "09:00"}}), 400,
              "end_time must be after start_time");
  ExpectError(c_.Post(path, {{"day_of_week", 1}, {"start_time", "24:30"}, {"end_time", "23:00"}}), 400,
              "start_time");
  ExpectError(c_.Post(path, {{"day_of_week", 1}, {"start_time", "09:00"}, {"end_time", "10:00"}, {"is_active", "maybe"}}),
              400, "is_active");
  // A BooleanField takes "yes"; the unknown "every" is ignored, so the same pattern overlaps.
  auto yes = c_.Post(path, {{"day_of_week", 1}, {"start_time", "09:00"}, {"end_time", "10:00"}, {"is_active", "yes"}});
  ASSERT_EQ(yes.status, 201) << yes.body;
  EXPECT_EQ(yes.Json()["is_active"], true);
  ExpectError(c_.Post(path, {{"day_of_week", 1}, {"start_time", "09:00"}, {"end_time", "10:00"}, {"every", 2}}), 400,
              "overlaps recurring availability");
  ExpectError(c_.Post(path, {{"day_of_week", 2}, {"start_time", "14:00"}, {"end_time", "16:00"}}), 400,
              "overlaps recurring availability");
  // An inactive pattern may overlap; a different weekday is free.
  AddWeekly(id, 3, "13:00", "15:00");
  EXPECT_EQ(c_.Post(path, {{"day_of_week", 2}, {"start_time", "14:00"}, {"end_time", "16:00"}, {"is_active", false}})
                .status,
            201);

  // One-off windows and weekly ones may not overlap, whichever comes first (2030-05-01 is a Wednesday).
  ExpectError(c_.Post("/consultants/" + std::to_string(id) + "/availabilities/",
                      {{"date", "2030-05-01"}, {"start_time", "14:30"}, {"end_time", "16:00"}}),
              400, "overlaps recurring availability");
  AddOneOff(id, "2030-05-05", "09:00", "10:00");  // a Sunday
  ExpectError(c_.Post(path, {{"day_of_week", 6}, {"start_time", "08:00"}, {"end_time", "09:30"}}), 400,
              "overlaps availability");
}

TEST_F(ConsultantsTest, ReservationsMatchOfferedTimeAndConflict) {
  std::int64_t id = NewConsultant();
  std::int64_t user = NewUser();
  std::int64_t window = AddOneOff(id, "2030-04-02", "09:00", "10:00");
  std::int64_t weekly = AddWeekly(id, 2, "13:00", "17:00");  // Wednesdays

  auto r = Reserve(id, user, "2030-04-02", "09:00:00", "10:00:00");
  ASSERT_EQ(r.status, 201) << r.body;
  std::int64_t booking = r.Json()["booking_id"].get<std::int64_t>();
  // The original's confirmation: message, booking_id, the consultant's name, date and times.
  EXPECT_EQ(r.Json(), json({{"message", "Booking created successfully"},
                            {"booking_id", booking},
                            {"consultant", "Test Consultant"},
                            {"date", "2030-04-02"},
                            {"start_time", "09:00:00"},
                            {"end_time", "10:00:00"},
                            {"consultant_id", id},
                            {"user", user},
                            {"availability", window},
                            {"recurring", nullptr}}));
  ExpectError(Reserve(id, user, "2030-04-02", "09:00", "10:00"), 400, "This time slot is already booked");
  ExpectError(Reserve(id, user, "2030-04-02", "09:30", "10:00"), 400, "already booked");
  EXPECT_TRUE(Slots(id, "2030-04-02", "2030-04-02").empty());

  // Part of a weekly window: the rest stays offered, in two pieces.
  auto part = Reserve(id, user, "2030-04-03", "14:00", "15:00");
  ASSERT_EQ(part.status, 201) << part.body;
  EXPECT_EQ(part.Json()["recurring"], weekly);
  EXPECT_EQ(part.Json()["availability"], nullptr);
  auto slots = Slots(id, "2030-04-03", "2030-04-03");
  ASSERT_EQ(slots.size(), 2u) << slots;
  EXPECT_EQ(slots[0]["start_time"], "13:00:00");
  EXPECT_EQ(slots[0]["end_time"], "14:00:00");
  EXPECT_EQ(slots[1]["start_time"], "15:00:00");
  EXPECT_EQ(slots[1]["end_time"], "17:00:00");
  EXPECT_EQ(slots[1]["recurring"], weekly);
  ExpectError(Reserve(id, user, "2030-04-03", "13:30", "14:30"), 400, "already booked");

  // As the original: no matching slot and an unknown user are 404.
  ExpectError(Reserve(id, user, "2030-04-03", "16:00", "17:30"), 404, "No available time slot found");
  ExpectError(Reserve(id, user, "2030-04-04", "13:00", "14:00"), 404, "No available time slot found");
  ExpectError(Reserve(id, 999999, "2030-04-03", "15:00", "16:00"), 404, "User not found");
  ExpectError(Reserve(id, user, "2030-04-03", "16:00", "15:00"), 400, "end_time must be after start_time");
  ExpectError(Reserve(id, user, "2030-04-31", "15:00", "16:00"), 400, "date");
  std::string path = "/consultant/" + std::to_string(id) + "/reserve/";
  ExpectError(c_.Post(path, {{"user", "one"}, {"date", "2030-04-03"}, {"start_time", "15:00"}, {"end_time", "16:00"}}),
              400, "user");
  ExpectError(c_.Post(path, {{"date", "2030-04-03"}, {"start_time", "15:00"}, {"end_time", "16:00"}}), 400,
              "user is required");
  // The user's id as text is an integer to DRF, and the unknown "availability" is ignored.
  auto lenient = c_.Post(path, {{"user", std::to_string(user)},
                                {"date", "2030-04-03"},
                                {"start_time", "15:00"},
                                {"end_time", "16:00"},
                                {"availability", window}});
  EXPECT_EQ(lenient.status, 201) << lenient.body;
  ExpectError(c_.Request("POST", path, "null"), 400, "JSON object");

  // Past weekly occurrences are not offered (2020-01-01 was a Wednesday).
  ExpectError(Reserve(id, user, "2020-01-01", "13:00", "14:00"), 400, "past");
}

TEST_F(ConsultantsTest, BookingsFromOtherFacesAreBusy) {
  std::int64_t id = NewConsultant();
  std::int64_t user = NewUser();
  std::int64_t window = AddOneOff(id, "2030-06-03", "09:00", "12:00");
  std::string calendar = QuerySql(server_->db_path(), "SELECT id FROM calendars WHERE owner_account_id = " +
                                                          AccountOf(id) + " AND kind = 'personal'");
  ASSERT_FALSE(calendar.empty());
  ExecSql(server_->db_path(),
          "INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, units, status, created_at, updated_at) "
          "VALUES ('other-face-booking', " + calendar + ", 'coach', " + std::to_string(Epoch(2030, 6, 3, 10, 0)) +
              ", " + std::to_string(Epoch(2030, 6, 3, 11, 0)) + ", 1, 'confirmed', 0, 0)");
  auto slots = Slots(id, "2030-06-03", "2030-06-03");
  ASSERT_EQ(slots.size(), 2u) << slots;
  EXPECT_EQ(slots[0]["end_time"], "10:00:00");
  EXPECT_EQ(slots[1]["start_time"], "11:00:00");
  ExpectError(Reserve(id, user, "2030-06-03", "10:30", "11:30"), 400, "already booked");
  // The other face's booking names no window, yet its time keeps the window from going.
  ExpectError(c_.Delete("/consultant/" + std::to_string(id) + "/availability/?availability_id=" +
                        std::to_string(window)),
              400, "is booked");
  EXPECT_EQ(Reserve(id, user, "2030-06-03", "11:00", "12:00").status, 201);
}

TEST_F(ConsultantsTest, DeletesUnbookedOneOffAvailability) {
  std::int64_t id = NewConsultant();
  std::int64_t other = NewConsultant();
  std::int64_t user = NewUser();
  std::int64_t a = AddOneOff(id, "2030-07-01", "09:00", "10:00");
  std::int64_t b = AddOneOff(id, "2030-07-02", "09:00", "10:00");
  std::int64_t booked = AddOneOff(id, "2030-07-03", "09:00", "10:00");
  ASSERT_EQ(Reserve(id, user, "2030-07-03", "09:00", "10:00").status, 201);
  std::string path = "/consultant/" + std::to_string(id) + "/availability/";

  ExpectError(c_.Delete(path), 400, "date, start_time and end_time are required");
  ExpectError(c_.Request("DELETE", path, json({{"date", "2030-07-01"}, {"start_time", "09:00"}}).dump()), 400,
              "end_time is required");
  ExpectError(c_.Request("DELETE", path + "?availability_id=" + std::to_string(a),
                         json({{"date", "2030-07-01"}, {"start_time", "09:00"}, {"end_time", "10:00"}}).dump()),
              400, "not both");
  ExpectError(c_.Delete(path + "?availability_id=abc"), 400, "availability_id must be an integer");
  ExpectError(c_.Request("DELETE", path, "{\"availability_id\": \"one\"}"), 400, "availability_id");
  ExpectError(c_.Request("DELETE", path, "{\"id\": 1}"), 400, "id");
  ExpectError(c_.Request("DELETE", path, "{oops"), 400, "not valid JSON");
  ExpectError(c_.Request("DELETE", path + "?availability_id=" + std::to_string(a),
                         json({{"availability_id", b}}).dump()),
              400, "differs");
  ExpectError(c_.Delete("/consultant/" + std::to_string(other) + "/availability/?availability_id=" + std::to_string(a)),
              404, "Time slot not found");
  ExpectError(c_.Delete(path + "?availability_id=999999"), 404, "Time slot not found");
  ExpectError(c_.Delete(path + "?availability_id=" + std::to_string(booked)), 400, "is booked");

  EXPECT_EQ(c_.Delete(path + "?availability_id=" + std::to_string(a)).status, 204);
  EXPECT_EQ(c_.Request("DELETE", path, json({{"availability_id", b}}).dump()).status, 204);
  ExpectError(c_.Delete(path + "?availability_id=" + std::to_string(a)), 404, "Time slot not found");
  EXPECT_TRUE(Slots(id, "2030-07-01", "2030-07-03").empty());
  // The freed time can be offered again.
  AddOneOff(id, "2030-07-01", "09:00", "10:00");
}

// A consultant that is an account able to sign in (here a coach of face 001) is changed
// only with that account's credentials or an admin's; reading and reserving stay public.
TEST_F(ConsultantsTest, ACoachsCalendarChangesOnlyWithItsOwnCredentials) {
  auto coach = SignUpAndLogin(c_, Unique("ownercoach"), {{"role", "coach"}});
  auto other = SignUpAndLogin(c_, Unique("othercoach"), {{"role", "coach"}});
  const std::int64_t no = ConsultantNo(coach);
  const std::string base = "/consultant/" + std::to_string(no);
  const json weekly = {{"day_of_week", 1}, {"start_time", "02:00"}, {"end_time", "03:00"}};
  const json one_off = {{"date", "2031-06-10"}, {"start_time", "05:00"}, {"end_time", "06:00"}};
  const std::string windows = "/consultants/" + std::to_string(no) + "/availabilities/";

  ExpectError(c_.Post(base + "/recurring/", weekly), 401, "credentials");
  ExpectError(c_.Post(base + "/recurring/", weekly, {{"Authorization", "Bearer forged"}}), 401, "credentials");
  ExpectError(c_.Post(base + "/recurring/", weekly, BearerAuth(other)), 403, "permission");
  ExpectError(c_.Post(windows, one_off), 401, "credentials");
  ExpectError(c_.Post(windows, one_off, TokenAuth(other)), 403, "permission");
  // Refused before the body is read, so a bad body tells a stranger nothing either.
  ExpectError(c_.Request("POST", base + "/recurring/", "{oops"), 401, "credentials");
  ASSERT_TRUE(c_.Get(base + "/recurring/").Json().empty());

  auto rule = c_.Post(base + "/recurring/", weekly, TokenAuth(coach));
  ASSERT_EQ(rule.status, 201) << rule.body;
  auto window = c_.Post(windows, one_off, BearerAuth(coach));
  ASSERT_EQ(window.status, 201) << window.body;
  ExpectError(c_.Delete(base + "/availability/?availability_id=" + std::to_string(window.Json()["id"].get<int>())),
              401, "credentials");

  // Reading and reserving stay public: a reservation is a booking.
  EXPECT_EQ(c_.Get(base + "/recurring/").Json().size(), 1u);
  std::int64_t user = NewUser();
  auto reserved = Reserve(no, user, "2031-06-10", "02:00", "03:00");
  ASSERT_EQ(reserved.status, 201) << reserved.body;
  const std::string reservation =
      base + "/reservations/" + std::to_string(reserved.Json()["booking_id"].get<int>()) + "/";
  EXPECT_TRUE(Slots(no, "2031-06-10", "2031-06-10").size() == 1u);  // 05:00-06:00 only

  ExpectError(c_.Delete(reservation), 401, "credentials");
  ExpectError(c_.Delete(reservation, BearerAuth(other)), 403, "permission");
  EXPECT_EQ(c_.Delete(reservation, BearerAuth(coach)).status, 204);
  ExpectError(c_.Delete(reservation, BearerAuth(coach)), 400, "already cancelled");
  ExpectError(c_.Delete(base + "/reservations/999999/", BearerAuth(coach)), 404, "Reservation not found");
  EXPECT_EQ(Slots(no, "2031-06-10", "2031-06-10").size(), 2u) << "the cancelled time is offered again";

  const std::string pattern = base + "/recurring/" + std::to_string(rule.Json()["id"].get<int>()) + "/";
  ExpectError(c_.Delete(pattern), 401, "credentials");
  ExpectError(c_.Delete(pattern, TokenAuth(other)), 403, "permission");
  EXPECT_EQ(c_.Delete(pattern, TokenAuth(coach)).status, 204);
  ExpectError(c_.Delete(pattern, TokenAuth(coach)), 404, "Recurring availability not found");
  EXPECT_TRUE(c_.Get(base + "/recurring/").Json().empty());
  EXPECT_EQ(Slots(no, "2031-06-10", "2031-06-10").size(), 1u);

  // An admin may act for any account.
  auto admin = SignUpAndLogin(c_, Unique("consultantsadmin"));
  SetRole(*server_, admin.username, "admin");
  EXPECT_EQ(c_.Post(base + "/recurring/", weekly, BearerAuth(admin)).status, 201);
}

// Reserving in the name of an account that signs in takes that account's credentials;
// users created through this face stay open to anyone.
TEST_F(ConsultantsTest, ReservingForAnAccountThatSignsInNeedsItsCredentials) {
  std::int64_t consultant = NewConsultant();
  AddOneOff(consultant, "2031-06-11", "09:00", "12:00");
  auto client = SignUpAndLogin(c_, Unique("reservingclient"));
  auto stranger = SignUpAndLogin(c_, Unique("reservingstranger"));
  const std::int64_t client_no = UserNo(client);
  ExpectError(Reserve(consultant, client_no, "2031-06-11", "09:00", "10:00"), 401, "credentials");
  auto path = "/consultant/" + std::to_string(consultant) + "/reserve/";
  json body = {{"user", client_no}, {"date", "2031-06-11"}, {"start_time", "09:00"}, {"end_time", "10:00"}};
  ExpectError(c_.Post(path, body, BearerAuth(stranger)), 403, "permission");
  EXPECT_EQ(c_.Post(path, body, BearerAuth(client)).status, 201);
  EXPECT_EQ(Reserve(consultant, NewUser(), "2031-06-11", "10:00", "11:00").status, 201);
}

// Consultants created through this face have no password: anyone may change them, as the
// face documents, including removing a pattern and cancelling a reservation.
TEST_F(ConsultantsTest, PatternsAreRemovedAndReservationsCancelled) {
  std::int64_t id = NewConsultant();
  std::int64_t other = NewConsultant();
  std::int64_t rule = AddWeekly(id, 0, "09:00", "11:00");  // Mondays
  std::int64_t user = NewUser();
  auto reserved = Reserve(id, user, "2031-06-09", "09:00", "10:00");
  ASSERT_EQ(reserved.status, 201) << reserved.body;
  std::int64_t reservation = reserved.Json()["booking_id"];
  const std::string base = "/consultant/" + std::to_string(id);

  ExpectError(c_.Delete("/consultant/" + std::to_string(other) + "/reservations/" + std::to_string(reservation) + "/"),
              404, "Reservation not found");
  ExpectError(c_.Delete("/consultant/" + std::to_string(other) + "/recurring/" + std::to_string(rule) + "/"), 404,
              "Recurring availability not found");
  ExpectError(c_.Delete("/consultant/999999/recurring/" + std::to_string(rule) + "/"), 404, "Consultant not found");
  EXPECT_EQ(c_.Delete(base + "/reservations/" + std::to_string(reservation) + "/").status, 204);
  auto slots = Slots(id, "2031-06-09", "2031-06-09");
  ASSERT_EQ(slots.size(), 1u) << slots;
  EXPECT_EQ(slots[0]["start_time"], "09:00:00");
  EXPECT_EQ(slots[0]["end_time"], "11:00:00");

  ASSERT_EQ(Reserve(id, user, "2031-06-09", "10:00", "11:00").status, 201);
  EXPECT_EQ(c_.Delete(base + "/recurring/" + std::to_string(rule) + "/").status, 204);
  EXPECT_TRUE(c_.Get(base + "/recurring/").Json().empty());
  EXPECT_TRUE(Slots(id, "2031-06-09", "2031-06-16").empty());
  // The reservation made in the removed pattern stays booked: its time is still busy.
  AddOneOff(id, "2031-06-09", "09:00", "12:00");
  slots = Slots(id, "2031-06-09", "2031-06-09");
  ASSERT_EQ(slots.size(), 2u) << slots;
  EXPECT_EQ(slots[0]["end_time"], "10:00:00");
  EXPECT_EQ(slots[1]["start_time"], "11:00:00");
}

TEST_F(ConsultantsTest, DateMonthlyAndTimeRangeViewsCoverEveryConsultant) {
  std::int64_t tokyo = NewConsultant("Asia/Tokyo");
  std::int64_t paris = NewConsultant("Europe/Paris");
  std::int64_t window = AddOneOff(tokyo, "2031-05-06", "09:00", "10:00");
  std::int64_t weekly = AddWeekly(paris, 1, "18:00", "19:00");  // Tuesdays; 2031-05-06 is one

  // The daily view is the original's object: the date, how many slots, and the slots.
  auto r = c_.Get("/consultants/availabilities/2031-05-06/");
  ASSERT_EQ(r.status, 200) << r.body;
  const json day = r.Json();
  ASSERT_EQ(day.size(), 3u) << r.body;
  EXPECT_EQ(day["date"], "2031-05-06");
  EXPECT_EQ(day["total_slots"], day["availabilities"].size());
  json mine = json::array();
  for (const auto& s : day["availabilities"]) {
    if (s["consultant"] == tokyo || s["consultant"] == paris) mine.push_back(s);
  }
  ASSERT_EQ(mine.size(), 2u) << r.body;
  EXPECT_EQ(mine[0]["consultant"], tokyo);
  EXPECT_EQ(mine[0]["availability"], window);
  EXPECT_EQ(mine[0]["timezone"], "Asia/Tokyo");
  EXPECT_EQ(mine[1]["consultant"], paris);
  EXPECT_EQ(mine[1]["recurring"], weekly);
  EXPECT_EQ(mine[1]["start_time"], "18:00:00");
  ExpectError(c_.Get("/consultants/availabilities/2025-02-30/"), 400, "Invalid date format");
  ExpectError(c_.Get("/consultants/availabilities/today/"), 400, "Invalid date format");
  ExpectError(c_.Get("/consultants/availabilities/2020-01-01/"), 400, "Cannot query availability for past dates");

  // The monthly view is the original's flat array, by date and time.
  auto month = c_.Get("/availabilities/monthly/?year=2031&month=5&consultant=" + std::to_string(paris));
  ASSERT_EQ(month.status, 200) << month.body;
  auto m = month.Json();
  ASSERT_TRUE(m.is_array()) << month.body;
  ASSERT_EQ(m.size(), 4u) << "May 2031 has four Tuesdays: " << month.body;
  for (const auto& s : m) {
    EXPECT_EQ(s["consultant"], paris);
    EXPECT_EQ(s["recurring"], weekly);
    EXPECT_EQ(s["is_booked"], false);
  }
  EXPECT_EQ(m[0]["date"], "2031-05-06");
  EXPECT_EQ(m[3]["date"], "2031-05-27");
  auto all = c_.Get("/availabilities/monthly/?year=2031&month=5").Json();
  bool tokyo_listed = false;
  for (const auto& s : all) tokyo_listed |= s["consultant"] == tokyo && s["date"] == "2031-05-06";
  EXPECT_TRUE(tokyo_listed);
  // As the original: year and month are required.
  ExpectError(c_.Get("/availabilities/monthly/"), 400, "Invalid month or year format");
  ExpectError(c_.Get("/availabilities/monthly/?year=2031"), 400, "Invalid month or year format");
  ExpectError(c_.Get("/availabilities/monthly/?year=2031&month=13"), 400, "month");
  ExpectError(c_.Get("/availabilities/monthly/?year=2031&month=0"), 400, "month");
  ExpectError(c_.Get("/availabilities/monthly/?year=abc&month=1"), 400, "year must be an integer");
  ExpectError(c_.Get("/availabilities/monthly/?year=2031&month=1&consultant=x"), 400, "consultant");

  // The time-range view: a flat array of the slots on those dates that lie wholly within
  // start_time and end_time, all four required, as the original.
  auto in_range = [&](const std::string& query) {
    auto r = c_.Get("/availabilities/timerange/?" + query);
    EXPECT_EQ(r.status, 200) << query << r.body;
    json mine = json::array();
    for (const auto& s : r.Json()) {
      if (s["consultant"] == tokyo || s["consultant"] == paris) mine.push_back(s);
    }
    return mine;
  };
  auto week = in_range("start_date=2031-05-06&end_date=2031-05-13&start_time=00:00&end_time=23:59:59");
  ASSERT_EQ(week.size(), 3u) << week;  // Tokyo's window and two Paris Tuesdays
  EXPECT_EQ(week[2]["date"], "2031-05-13");
  auto mornings = in_range("start_date=2031-05-06&end_date=2031-05-13&start_time=08:00&end_time=12:00");
  ASSERT_EQ(mornings.size(), 1u) << mornings;
  EXPECT_EQ(mornings[0]["availability"], window);
  auto evenings = in_range("start_date=2031-05-06&end_date=2031-05-13&start_time=18:00:00&end_time=19:00:00");
  ASSERT_EQ(evenings.size(), 2u) << evenings;
  EXPECT_EQ(evenings[0]["recurring"], weekly);
  EXPECT_TRUE(in_range("start_date=2031-05-06&end_date=2031-05-13&start_time=18:30&end_time=23:00").empty())
      << "a slot only partly within the times is not listed";
  const std::string times = "&start_time=00:00&end_time=23:59";
  ExpectError(c_.Get("/availabilities/timerange/?start_date=2031-05-06&end_date=2031-05-13"), 400,
              "All parameters are required");
  ExpectError(c_.Get("/availabilities/timerange/?start_date=2031-05-06" + times), 400, "All parameters are required");
  ExpectError(c_.Get("/availabilities/timerange/?end_date=2031-05-06" + times), 400, "All parameters are required");
  ExpectError(c_.Get("/availabilities/timerange/?start_date=2031-05-06&end_date=2031-05-13&start_time=9am&end_time=10:00"),
              400, "start_time");
  ExpectError(c_.Get("/availabilities/timerange/?start_date=2031-05-06&end_date=2031-05-05" + times), 400, "before");
  ExpectError(c_.Get("/availabilities/timerange/?start_date=2031-01-01&end_date=2031-12-31" + times), 400, "92 days");
  ExpectError(c_.Get("/availabilities/timerange/?start_date=2031-02-29&end_date=2031-03-01" + times), 400,
              "start_date");
}

// The views' answers are kept (SQLite) while nothing changed: asked again at once, the
// same bytes come from the kept answer, and every write that changes what they show
// shows at the next request.
TEST_F(ConsultantsTest, AKeptViewChangesWithTheWriteThatChangesIt) {
  auto kept = [&] {
    std::string body = c_.Get("/metrics").body;
    const std::string name = "kairos_kept_answers_total{source=\"kept\"} ";
    auto at = body.find(name);
    return at == std::string::npos ? -1.0 : std::stod(body.substr(at + name.size()));
  };
  const std::int64_t consultant = NewConsultant("Europe/Paris");
  const std::int64_t user = NewUser();
  AddOneOff(consultant, "2041-05-14", "09:00:00", "10:00:00");
  const std::vector<std::string> views = {"/availabilities/monthly/?year=2041&month=5",
                                          "/consultants/availabilities/2041-05-14/",
                                          "/availabilities/timerange/?start_date=2041-05-14&end_date=2041-05-15"
                                          "&start_time=00:00:00&end_time=23:59:59",
                                          "/consultant/" + std::to_string(consultant) +
                                              "/availability/?start_date=2041-05-14&end_date=2041-05-15"};
  auto has = [&](const std::string& path, const std::string& date, const std::string& start) {
    auto r = c_.Get(path);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    json slots = r.Json().is_object() ? r.Json()["availabilities"] : r.Json();
    return std::any_of(slots.begin(), slots.end(), [&](const json& s) {
      return s["consultant"] == consultant && s["date"] == date && s["start_time"] == start;
    });
  };
  for (const auto& path : views) {
    // Two requests a moment apart are kept unless a second began between them: a few tries.
    bool answered_from_kept = false;
    for (int attempt = 0; attempt < 5 && !answered_from_kept; ++attempt) {
      const double before = kept();
      auto first = c_.Get(path);
      auto again = c_.Get(path);
      EXPECT_EQ(first.body, again.body) << path;
      answered_from_kept = kept() >= before + 1;
    }
    EXPECT_EQ(answered_from_kept, !PostgresBackend()) << path;
    EXPECT_TRUE(has(path, "2041-05-14", "09:00:00")) << path;
  }
  if (PostgresBackend()) {
    EXPECT_EQ(kept(), -1) << "never kept with PostgreSQL";
  }
  AddOneOff(consultant, "2041-05-14", "11:00:00", "12:00:00");
  for (const auto& path : views) EXPECT_TRUE(has(path, "2041-05-14", "11:00:00")) << "a new window: " << path;
  ASSERT_EQ(Reserve(consultant, user, "2041-05-14", "09:00:00", "10:00:00").status, 201);
  for (const auto& path : views) EXPECT_FALSE(has(path, "2041-05-14", "09:00:00")) << "reserved: " << path;
}

TEST_F(ConsultantsTest, ConcurrentReservationsOfOneSlotYieldExactlyOneBooking) {
  std::int64_t id = NewConsultant();
  std::int64_t user = NewUser();
  AddOneOff(id, "2030-08-01", "09:00", "10:00");
  constexpr int kThreads = 32;
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      HttpClient client(server_->port());
      client.Connect();
      while (!go.load()) std::this_thread::yield();
      auto r = client.Post("/consultant/" + std::to_string(id) + "/reserve/",
                           {{"user", user}, {"date", "2030-08-01"}, {"start_time", "09:00"}, {"end_time", "10:00"}});
      (r.status == 201 ? created : r.status == 400 ? refused : other)++;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.id = b.calendar_id "
                                         "WHERE c.owner_account_id = " + AccountOf(id)),
            "1");
}

TEST_F(ConsultantsTest, OpenApiListsEveryRouteAsPublic) {
  auto doc = c_.Get("/openapi.json").Json();
  const std::vector<std::pair<std::string, std::string>> operations = {
      {"/consultant/", "post"},
      {"/consultant/{id}/", "get"},
      {"/user/", "post"},
      {"/consultants/{id}/availabilities/", "post"},
      {"/consultant/{id}/availability/", "get"},
      {"/consultants/availabilities/{date}/", "get"},
      {"/consultant/{id}/availability/", "delete"},
      {"/consultant/{id}/availability/delete", "delete"},
      {"/consultant/{id}/recurring/", "post"},
      {"/consultant/{id}/recurring/", "get"},
      {"/consultant/{id}/reserve/", "post"},
      {"/consultant/{id}/recurring/{recurring_id}/", "delete"},
      {"/consultant/{id}/reservations/{reservation_id}/", "delete"},
      {"/availabilities/monthly/", "get"},
      {"/availabilities/timerange/", "get"}};
  for (const auto& [path, method] : operations) {
    ASSERT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains(method)) << method << " " << path;
    const auto& op = doc["paths"][path][method];
    EXPECT_FALSE(op["summary"].get<std::string>().empty());
    EXPECT_TRUE(op["security"].empty()) << path << " is public by default";
  }
  std::vector<std::string> names;
  for (const auto& p : doc["paths"]["/availabilities/timerange/"]["get"]["parameters"]) names.push_back(p["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"start_date", "end_date", "start_time", "end_time", "consultant"}));
}

// The document's walk-through on a fresh database: consultants and users are numbered
// separately, each from 1, so "reserve user 1 with consultant 1" works as written. The
// answers carry the original service's messages.
TEST(ConsultantsNumbering, TheDocumentsWalkThroughWorksOnAFreshDatabase) {
  ServerProcess server;
  HttpClient c(server.port());
  auto consultant = c.Post("/consultant/", {{"first_name", "John"}, {"last_name", "Doe"}});
  ASSERT_EQ(consultant.status, 201) << consultant.body;
  EXPECT_EQ(consultant.Json()["id"], 1);
  EXPECT_EQ(consultant.Json()["message"], "Consultant created successfully");
  EXPECT_EQ(consultant.Json()["username"], "consultant-1");
  auto user = c.Post("/user/", {{"first_name", "Jane"}, {"last_name", "Smith"}});
  ASSERT_EQ(user.status, 201) << user.body;
  EXPECT_EQ(user.Json()["id"], 1);
  EXPECT_EQ(user.Json()["message"], "User created successfully");
  EXPECT_EQ(user.Json()["username"], "user-1");
  EXPECT_NE(user.Json()["uuid"], consultant.Json()["uuid"]) << "two accounts";

  auto slot = c.Post("/consultants/1/availabilities/",
                     {{"date", "2031-12-25"}, {"start_time", "09:00:00"}, {"end_time", "10:00:00"}});
  ASSERT_EQ(slot.status, 201) << slot.body;
  EXPECT_EQ(slot.Json()["message"], "availability slot created successfully");
  auto listed = c.Get("/consultant/1/availability/");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.Json().size(), 1u) << listed.body;
  EXPECT_EQ(listed.Json()[0]["is_booked"], false);

  auto booked = c.Post("/consultant/1/reserve/",
                       {{"user", 1}, {"date", "2031-12-25"}, {"start_time", "09:00:00"}, {"end_time", "10:00:00"}});
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(booked.Json()["message"], "Booking created successfully");
  EXPECT_EQ(booked.Json()["booking_id"], 1);
  EXPECT_EQ(booked.Json()["consultant"], "John Doe");
  EXPECT_EQ(booked.Json()["date"], "2031-12-25");
  EXPECT_EQ(booked.Json()["start_time"], "09:00:00");
  EXPECT_EQ(booked.Json()["end_time"], "10:00:00");
  EXPECT_EQ(c.Get("/consultant/1/availability/").Json(), json::array()) << "a booked window is not listed";

  // A coach signing up through face 002 is consultant 2 and finds that number in /me;
  // the consultant record names the account's uuid.
  auto coach = SignUpAndLogin(c, "numberedcoach", {{"role", "coach"}});
  auto me = c.Get("/api/user/me/", TokenAuth(coach));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["consultant_id"], 2) << me.body;
  EXPECT_NE(me.Json()["id"], 2) << "the account keeps its own id";
  auto record = c.Get("/consultant/2/");
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_EQ(record.Json()["uuid"], coach.uuid);
  EXPECT_EQ(record.Json()["username"], "numberedcoach");
  // A client signing up is user 2; it is no consultant, and /me says nothing of one.
  auto client = SignUpAndLogin(c, "numberedclient");
  EXPECT_FALSE(c.Get("/api/user/me/", TokenAuth(client)).Json().contains("consultant_id"));
  EXPECT_EQ(QuerySql(server.db_path(), "SELECT user_no FROM face004_users WHERE account_id = " +
                                           std::to_string(client.id)),
            "2");
  // An account that becomes a coach later gets the next consultant number then.
  SetRole(server, client.username, "coach");
  EXPECT_EQ(c.Get("/api/user/me/", TokenAuth(client)).Json()["consultant_id"], 3);
  EXPECT_EQ(c.Get("/consultant/3/").Json()["uuid"], client.uuid);
  auto next = c.Post("/consultant/", {{"first_name", "Ann"}, {"last_name", "Lee"}});
  EXPECT_EQ(next.Json()["id"], 4);
  EXPECT_EQ(next.Json()["username"], "consultant-4");
  EXPECT_EQ(c.Get("/consultant/5/").status, 404);
}

// Numbers are handed out by the database in the transaction that creates the account, so
// consultants and users created at once (through this face and by signing up as a coach
// elsewhere) all get distinct numbers, 1 to N with none skipped.
TEST(ConsultantsNumbering, ConcurrentCreationsGetDistinctNumbers) {
  ServerProcess server;
  constexpr int kEach = 12;
  std::mutex mu;
  std::vector<std::int64_t> consultants;
  std::vector<std::int64_t> users;
  std::vector<std::int64_t> coach_accounts;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kEach; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(server.port());
      client.Connect();
      while (!go.load()) std::this_thread::yield();
      auto c = client.Post("/consultant/", {{"first_name", "C"}, {"last_name", std::to_string(i)}});
      auto u = client.Post("/user/", {{"first_name", "U"}, {"last_name", std::to_string(i)}});
      auto coach = client.Post("/api/user/sign_up/", {{"username", "racecoach" + std::to_string(i)},
                                                      {"email", "racecoach" + std::to_string(i) + "@example.com"},
                                                      {"password", "a-long-password-1"},
                                                      {"role", "coach"}});
      std::lock_guard<std::mutex> lock(mu);
      EXPECT_EQ(c.status, 201) << c.body;
      EXPECT_EQ(u.status, 201) << u.body;
      EXPECT_EQ(coach.status, 200) << coach.body;
      if (c.status == 201) consultants.push_back(c.Json()["id"]);
      if (u.status == 201) users.push_back(u.Json()["id"]);
      if (coach.status == 200) coach_accounts.push_back(coach.Json()["id"]);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (std::int64_t account : coach_accounts) {
    consultants.push_back(std::stoll(QuerySql(
        server.db_path(), "SELECT consultant_no FROM face004_consultants WHERE account_id = " + std::to_string(account))));
  }
  std::sort(consultants.begin(), consultants.end());
  std::sort(users.begin(), users.end());
  std::vector<std::int64_t> all_consultants(2 * kEach);
  std::vector<std::int64_t> all_users(kEach);
  std::iota(all_consultants.begin(), all_consultants.end(), 1);
  std::iota(all_users.begin(), all_users.end(), 1);
  EXPECT_EQ(consultants, all_consultants);
  EXPECT_EQ(users, all_users);
}

// Without dates the consultant's view lists every free future one-off window, however far
// ahead (as the original), and the weekly windows' occurrences of the next 31 days, each
// marked as such; every item says is_booked.
TEST_F(ConsultantsTest, AvailabilityWithoutDatesReachesEveryFutureWindow) {
  std::int64_t id = NewConsultant();
  std::int64_t near = AddOneOff(id, "2031-01-07", "09:00", "10:00");
  std::int64_t far = AddOneOff(id, "2099-12-30", "09:00", "10:00");
  std::int64_t farther = AddOneOff(id, "2150-06-01", "23:00", "23:59:59");
  std::int64_t weekly = AddWeekly(id, 2, "07:00", "08:00");  // Wednesdays
  auto r = c_.Get("/consultant/" + std::to_string(id) + "/availability/");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::int64_t> one_off;
  int occurrences = 0;
  for (const auto& s : r.Json()) {
    EXPECT_EQ(s["is_booked"], false) << s;
    if (s["source"] == "recurring") {
      EXPECT_EQ(s["recurring"], weekly);
      EXPECT_EQ(s["availability"], nullptr);
      ++occurrences;
    } else {
      EXPECT_EQ(s["source"], "one_off");
      EXPECT_EQ(s["recurring"], nullptr);
      one_off.push_back(s["availability"]);
    }
  }
  EXPECT_EQ(one_off, (std::vector<std::int64_t>{near, far, farther}));
  EXPECT_GE(occurrences, 4);
  EXPECT_LE(occurrences, 5) << "weekly windows over 31 days";
  EXPECT_EQ(r.Json().back()["date"], "2150-06-01");

  // A reserved window drops out; the dated view still works as before.
  ASSERT_EQ(Reserve(id, NewUser(), "2099-12-30", "09:00", "10:00").status, 201);
  auto after = c_.Get("/consultant/" + std::to_string(id) + "/availability/").Json();
  EXPECT_EQ(after.size(), r.Json().size() - 1);
  for (const auto& s : Slots(id, "2099-12-01", "2099-12-31")) EXPECT_EQ(s["source"], "recurring") << s;
}

// A one-off window is deleted as the original does, by its date, start_time and end_time
// at /consultant/<id>/availability/delete, and at the document's /consultant/<id>/availability/.
TEST_F(ConsultantsTest, DeletesAWindowNamedByItsDateAndTimes) {
  std::int64_t id = NewConsultant("Asia/Tokyo");
  std::int64_t other = NewConsultant();
  AddOneOff(id, "2031-02-03", "09:00", "10:00");
  AddOneOff(id, "2031-02-04", "09:00", "10:30");
  AddOneOff(id, "2031-02-05", "09:00", "10:00");
  ASSERT_EQ(Reserve(id, NewUser(), "2031-02-05", "09:00", "10:00").status, 201);
  const std::string base = "/consultant/" + std::to_string(id) + "/availability/";
  auto del = [&](const std::string& path, const json& body) { return c_.Request("DELETE", path, body.dump()); };

  const json first = {{"date", "2031-02-03"}, {"start_time", "09:00:00"}, {"end_time", "10:00:00"}};
  ExpectError(del("/consultant/" + std::to_string(other) + "/availability/delete", first), 404, "Time slot not found");
  ExpectError(del(base + "delete", {{"date", "2031-02-03"}, {"start_time", "09:00"}, {"end_time", "09:30"}}), 404,
              "Time slot not found");
  ExpectError(del(base + "delete", {{"date", "2031-02-03"}, {"start_time", "9"}, {"end_time", "10:00"}}), 400,
              "start_time");
  ExpectError(del(base + "delete", {{"date", "2031-02-05"}, {"start_time", "09:00"}, {"end_time", "10:00"}}), 400,
              "is booked");
  auto gone = del(base + "delete", first);
  EXPECT_EQ(gone.status, 204) << gone.body;
  EXPECT_TRUE(gone.body.empty());
  ExpectError(del(base + "delete", first), 404, "Time slot not found");
  EXPECT_EQ(del(base, {{"date", "2031-02-04"}, {"start_time", "09:00"}, {"end_time", "10:30"}}).status, 204);
  auto left = c_.Get(base).Json();
  EXPECT_EQ(left, json::array()) << "only the booked window is left, and it is not free";
  // The other path is not the delete route for other methods, and takes no trailing slash.
  EXPECT_EQ(c_.Get(base + "delete").status, 405);
  EXPECT_EQ(del(base + "delete/", first).status, 404);

  // Windows at either end of a date in the zones farthest from UTC are found by it too.
  for (const char* zone : {"Pacific/Kiritimati", "Pacific/Pago_Pago"}) {
    std::int64_t far = NewConsultant(zone);
    const std::string path = "/consultant/" + std::to_string(far) + "/availability/delete";
    AddOneOff(far, "2031-02-03", "00:00", "00:30");
    AddOneOff(far, "2031-02-03", "23:30", "23:59:59");
    EXPECT_EQ(del(path, {{"date", "2031-02-03"}, {"start_time", "00:00"}, {"end_time", "00:30"}}).status, 204) << zone;
    EXPECT_EQ(del(path, {{"date", "2031-02-03"}, {"start_time", "23:30"}, {"end_time", "23:59:59"}}).status, 204)
        << zone;
    EXPECT_EQ(Slots(far, "2031-02-03", "2031-02-03"), json::array()) << zone;
  }
}

TEST(ConsultantsAuthSetting, RequireAuthNeedsCredentialsOnEveryRoute) {
  ServerProcess server({.args = {"--consultants-require-auth"}});
  HttpClient c(server.port());
  const std::vector<std::pair<std::string, std::string>> operations = {
      {"POST", "/consultant/"},
      {"GET", "/consultant/1/"},
      {"POST", "/user/"},
      {"POST", "/consultants/1/availabilities/"},
      {"GET", "/consultant/1/availability/"},
      {"GET", "/consultants/availabilities/2030-01-01/"},
      {"DELETE", "/consultant/1/availability/"},
      {"DELETE", "/consultant/1/availability/delete"},
      {"POST", "/consultant/1/recurring/"},
      {"GET", "/consultant/1/recurring/"},
      {"POST", "/consultant/1/reserve/"},
      {"GET", "/availabilities/monthly/"},
      {"GET", "/availabilities/timerange/"}};
  for (const auto& [method, path] : operations) {
    auto r = c.Request(method, path, method == "POST" ? "{}" : "");
    EXPECT_EQ(r.status, 401) << method << " " << path << r.body;
    EXPECT_TRUE(r.Json().contains("error")) << r.body;
    Headers forged = {{"Authorization", "Bearer nonsense"}};
    EXPECT_EQ(c.Request(method, path, method == "POST" ? "{}" : "", forged).status, 401);
  }

  auto caller = SignUpAndLogin(c, "consultantadmin");
  auto r = c.Post("/consultant/", {{"first_name", "John"}, {"last_name", "Doe"}}, BearerAuth(caller));
  ASSERT_EQ(r.status, 201) << r.body;
  std::int64_t id = r.Json()["id"].get<std::int64_t>();
  EXPECT_EQ(c.Get("/consultant/" + std::to_string(id) + "/", TokenAuth(caller)).status, 200);
  auto u = c.Post("/user/", {{"first_name", "Jane"}, {"last_name", "Smith"}}, BearerAuth(caller));
  ASSERT_EQ(u.status, 201) << u.body;
  auto a = c.Post("/consultants/" + std::to_string(id) + "/availabilities/",
                  {{"date", "2030-09-02"}, {"start_time", "09:00"}, {"end_time", "10:00"}}, BearerAuth(caller));
  ASSERT_EQ(a.status, 201) << a.body;
  auto booked = c.Post("/consultant/" + std::to_string(id) + "/reserve/",
                       {{"user", u.Json()["id"]},
                        {"date", "2030-09-02"},
                        {"start_time", "09:00"},
                        {"end_time", "10:00"}},
                       BearerAuth(caller));
  EXPECT_EQ(booked.status, 201) << booked.body;
  auto doc = c.Get("/openapi.json").Json();
  EXPECT_FALSE(doc["paths"]["/consultant/{id}/reserve/"]["post"]["security"].empty());
}

}  // namespace
}  // namespace kairos::testing
