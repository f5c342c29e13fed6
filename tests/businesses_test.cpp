// Face 003 (businesses) over HTTP: exchanges with opening hours, a day's slots, bookings
// that create their time slot, generated slots with capacity, cancelling, who may see and
// change what, time zones, bad input, and exactly N of 64 concurrent bookings at a slot of
// capacity N.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

// 2030-01-07 is a Monday, 2030-01-12 a Saturday; 2020-01-06 was a Monday.
constexpr const char* kMonday = "2030-01-07";
constexpr const char* kSaturday = "2030-01-12";
constexpr const char* kPastMonday = "2020-01-06";

json DocumentHours(const std::string& open = "09:00", const std::string& close = "17:00") {
  json hours = json::array();
  for (int day = 1; day <= 5; ++day) {
    hours.push_back({{"day_of_week", day}, {"open_time", open}, {"close_time", close}, {"is_closed", false}});
  }
  hours.push_back({{"day_of_week", 6}, {"is_closed", true}});
  hours.push_back({{"day_of_week", 7}, {"is_closed", true}});
  return hours;
}

class BusinessesTest : public SharedServerTest<BusinessesTest> {
 protected:

  void SetUp() override { c_ = std::make_unique<HttpClient>(server_->port()); }

  TestAccount User() { return SignUpAndLogin(*c_, Unique("biz")); }

  json CreateExchange(const TestAccount& owner, json extra = json::object()) {
    json body = {{"business_name", "Tech Repair Shop"},
                 {"description", "Professional electronics repair"},
                 {"operating_hours", DocumentHours()}};
    body.update(extra);
    auto r = c_->Post("/api/exchanges/", body, BearerAuth(owner));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json() : json::object();
  }
  HttpResponse Book(const TestAccount& who, const std::string& exchange, const std::string& day,
                    const std::string& start, const std::string& end, json extra = json::object(),
                    HttpClient* via = nullptr) {
    json body = {{"exchange", exchange},         {"date", day},
                 {"start_time", start},          {"end_time", end},
                 {"customer_name", "John Doe"},  {"customer_email", "john@example.com"}};
    body.update(extra);
    return (via ? *via : *c_).Post("/api/bookings/", body, BearerAuth(who));
  }
  json Slots(const TestAccount& who, const std::string& exchange, const std::string& day, int minutes = 60) {
    auto r = c_->Get("/api/time-slots/available_slots/?exchange=" + exchange + "&date=" + day +
                         "&slot_duration=" + std::to_string(minutes),
                     BearerAuth(who));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  // The listed slot starting at `hhmm`, or null.
  json SlotAt(const json& listing, const std::string& hhmm) {
    for (const auto& s : listing["slots"]) {
      if (s["start_time"] == hhmm) return s;
    }
    return nullptr;
  }
  static void ExpectError(const HttpResponse& r, int status, const std::string& field, const std::string& message) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.Json(), json({{field, json::array({message})}})) << r.body;
  }

  std::unique_ptr<HttpClient> c_;
};


TEST_F(BusinessesTest, CreatesAnExchangeAsDocumented) {
  auto owner = User();
  json e = CreateExchange(owner);
  EXPECT_EQ(e["business_name"], "Tech Repair Shop");
  EXPECT_EQ(e["description"], "Professional electronics repair");
  EXPECT_EQ(e["timezone"], "UTC");
  EXPECT_EQ(e["default_capacity"], 1);
  EXPECT_EQ(e["uuid"].get<std::string>().size(), 36u);
  ASSERT_EQ(e["operating_hours"].size(), 7u);
  json monday = e["operating_hours"][0];
  EXPECT_EQ(monday["day_of_week"], 1);
  EXPECT_EQ(monday["day_name"], "Monday");
  EXPECT_EQ(monday["open_time"], "09:00:00");
  EXPECT_EQ(monday["close_time"], "17:00:00");
  EXPECT_EQ(monday["is_closed"], false);
  EXPECT_EQ(monday["uuid"].get<std::string>().size(), 36u);
  json sunday = e["operating_hours"][6];
  EXPECT_EQ(sunday["day_name"], "Sunday");
  EXPECT_TRUE(sunday["open_time"].is_null());
  EXPECT_TRUE(sunday["close_time"].is_null());
  EXPECT_EQ(sunday["is_closed"], true);

  auto got = c_->Get("/api/exchanges/" + e["uuid"].get<std::string>() + "/", BearerAuth(owner));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.Json(), e);
}

TEST_F(BusinessesTest, AvailableSlotsAsDocumented) {
  auto owner = User();
  std::string id = CreateExchange(owner)["uuid"];
  json day = Slots(owner, id, kMonday, 30);
  EXPECT_EQ(day["exchange"], id);
  EXPECT_EQ(day["business_name"], "Tech Repair Shop");
  EXPECT_EQ(day["date"], kMonday);
  EXPECT_EQ(day["day_of_week"], 1);
  EXPECT_EQ(day["slot_duration_minutes"], 30);
  EXPECT_FALSE(day.contains("message"));
  ASSERT_EQ(day["slots"].size(), 16u);
  EXPECT_EQ(day["slots"][0], json({{"start_time", "09:00"}, {"end_time", "09:30"}, {"is_available", true},
                                   {"available_capacity", 1}}));
  EXPECT_EQ(day["slots"][15]["end_time"], "17:00");

  // Defaults: 60 minutes; 45-minute slots stop where the next would pass closing time.
  auto r = c_->Get("/api/time-slots/available_slots/?exchange=" + id + "&date=" + kMonday, BearerAuth(owner));
  EXPECT_EQ(r.Json()["slot_duration_minutes"], 60);
  EXPECT_EQ(r.Json()["slots"].size(), 8u);
  json odd = Slots(owner, id, kMonday, 45);
  ASSERT_EQ(odd["slots"].size(), 10u);
  EXPECT_EQ(odd["slots"][9]["start_time"], "15:45");

  // Without a date: today in the exchange's zone.
  auto today = c_->Get("/api/time-slots/available_slots/?exchange=" + id, BearerAuth(owner));
  EXPECT_EQ(today.status, 200);
  EXPECT_EQ(today.Json()["date"].get<std::string>().size(), 10u);

  // Booking 10:00-10:30 makes exactly that slot unavailable, as documented.
  ASSERT_EQ(Book(owner, id, kMonday, "10:00", "10:30").status, 201);
  day = Slots(owner, id, kMonday, 30);
  EXPECT_EQ(SlotAt(day, "10:00"), json({{"start_time", "10:00"}, {"end_time", "10:30"}, {"is_available", false},
                                        {"available_capacity", 0}}));
  EXPECT_EQ(SlotAt(day, "09:30")["is_available"], true);
  EXPECT_EQ(SlotAt(Slots(owner, id, kMonday, 60), "10:00")["is_available"], false);
}

TEST_F(BusinessesTest, ClosedDayAndPastDay) {
  auto owner = User();
  std::string id = CreateExchange(owner)["uuid"];
  json saturday = Slots(owner, id, kSaturday);
  EXPECT_EQ(saturday["day_of_week"], 6);
  EXPECT_EQ(saturday["slots"], json::array());
  EXPECT_EQ(saturday["message"], "Exchange is closed on Saturday.");
  json past = Slots(owner, id, kPastMonday);
  ASSERT_EQ(past["slots"].size(), 8u);
  for (const auto& s : past["slots"]) {
    EXPECT_EQ(s["is_available"], false);
    EXPECT_EQ(s["available_capacity"], 0);
  }
}

TEST_F(BusinessesTest, BookingAsDocumented) {
  auto owner = User();
  auto booker = User();
  std::string id = CreateExchange(owner)["uuid"];
  auto r = Book(booker, id, kMonday, "14:00", "15:00",
                {{"customer_phone", "+1234567890"}, {"notes", "Need laptop screen repair"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json b = r.Json();
  EXPECT_EQ(b["uuid"].get<std::string>().size(), 36u);
  EXPECT_EQ(b["user"], booker.uuid);
  EXPECT_EQ(b["exchange"], id);
  EXPECT_EQ(b["time_slot"], b["time_slot_details"]["uuid"]);
  EXPECT_EQ(b["time_slot_details"], json({{"uuid", b["time_slot"]}, {"date", kMonday}, {"start_time", "14:00:00"},
                                          {"end_time", "15:00:00"}, {"available_capacity", 0}}));
  EXPECT_EQ(b["exchange_name"], "Tech Repair Shop");
  EXPECT_EQ(b["user_name"], booker.username);
  EXPECT_EQ(b["status"], "pending");
  EXPECT_EQ(b["customer_name"], "John Doe");
  EXPECT_EQ(b["customer_email"], "john@example.com");
  EXPECT_EQ(b["customer_phone"], "+1234567890");
  EXPECT_EQ(b["notes"], "Need laptop screen repair");
  EXPECT_EQ(b["created_at"].get<std::string>().back(), 'Z');
  EXPECT_EQ(b["updated_at"], b["created_at"]);
  EXPECT_EQ(b.size(), 14u);

  // The time slot was created with the default capacity, and a second booking is refused.
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT capacity FROM slots WHERE uuid = '" +
                                             b["time_slot"].get<std::string>() + "'"),
            "1");
  ExpectError(Book(booker, id, kMonday, "14:00", "15:00"), 400, "time_slot",
              "This time slot has reached maximum capacity.");
  // Optional fields may be left out and come back null.
  auto bare = Book(booker, id, kMonday, "09:00", "10:00");
  ASSERT_EQ(bare.status, 201) << bare.body;
  EXPECT_TRUE(bare.Json()["customer_phone"].is_null());
  EXPECT_TRUE(bare.Json()["notes"].is_null());
}

TEST_F(BusinessesTest, DocumentedBookingErrors) {
  auto owner = User();
  std::string id = CreateExchange(owner, {{"operating_hours", DocumentHours("10:00", "18:30")}})["uuid"];
  ExpectError(Book(owner, id, kPastMonday, "11:00", "12:00"), 400, "date", "Cannot book a time slot in the past.");
  ExpectError(Book(owner, id, kMonday, "09:00", "10:00"), 400, "start_time",
              "Time must be within business hours (10:00 - 18:30).");
  ExpectError(Book(owner, id, kMonday, "18:00", "19:00"), 400, "start_time",
              "Time must be within business hours (10:00 - 18:30).");
  ExpectError(Book(owner, id, kSaturday, "11:00", "12:00"), 400, "date", "Exchange is closed on Saturday.");
  ExpectError(Book(owner, id, "2030-01-13", "11:00", "12:00"), 400, "date", "Exchange is closed on Sunday.");
  ASSERT_EQ(Book(owner, id, kMonday, "11:00", "12:00").status, 201);
  ExpectError(Book(owner, id, kMonday, "11:00", "12:00"), 400, "time_slot",
              "This time slot has reached maximum capacity.");
  // Overlapping time on another grid is held too.
  ExpectError(Book(owner, id, kMonday, "11:30", "12:00"), 400, "time_slot",
              "This time slot has reached maximum capacity.");
  // Our own rules: the order of the times, the length, and the listing's grid.
  ExpectError(Book(owner, id, kMonday, "12:00", "11:00"), 400, "end_time", "End time must be after start time.");
  ExpectError(Book(owner, id, kMonday, "12:00", "12:03"), 400, "end_time",
              "A booking must last a whole number of minutes between 5 and 480.");
  ExpectError(Book(owner, id, kMonday, "12:30", "13:30"), 400, "start_time",
              "Time must start on a 60-minute slot from 10:00 (as available_slots lists them).");
}

TEST_F(BusinessesTest, CapacityIsTakenAndGivenBackOnCancel) {
  auto owner = User();
  auto a = User();
  auto b = User();
  std::string id = CreateExchange(owner, {{"default_capacity", 2}})["uuid"];
  EXPECT_EQ(SlotAt(Slots(a, id, kMonday), "10:00")["available_capacity"], 2);
  auto first = Book(a, id, kMonday, "10:00", "11:00");
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(first.Json()["time_slot_details"]["available_capacity"], 1);
  auto second = Book(b, id, kMonday, "10:00", "11:00");
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(second.Json()["time_slot"], first.Json()["time_slot"]);  // one slot, two bookings
  EXPECT_EQ(second.Json()["time_slot_details"]["available_capacity"], 0);
  ExpectError(Book(b, id, kMonday, "10:00", "11:00"), 400, "time_slot",
              "This time slot has reached maximum capacity.");
  EXPECT_EQ(SlotAt(Slots(a, id, kMonday), "10:00"),
            json({{"start_time", "10:00"}, {"end_time", "11:00"}, {"is_available", false}, {"available_capacity", 0}}));

  std::string uuid = first.Json()["uuid"];
  auto cancelled = c_->Post("/api/bookings/" + uuid + "/cancel/", json::object(), BearerAuth(a));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Json()["status"], "cancelled");
  EXPECT_EQ(cancelled.Json()["time_slot_details"]["available_capacity"], 1);
  EXPECT_EQ(SlotAt(Slots(a, id, kMonday), "10:00")["available_capacity"], 1);
  ExpectError(c_->Post("/api/bookings/" + uuid + "/cancel/", json::object(), BearerAuth(a)), 400, "status",
              "Only pending or confirmed bookings can be cancelled; this one is cancelled.");
  EXPECT_EQ(Book(b, id, kMonday, "10:00", "11:00").status, 201);
  // The owner may cancel a booking made at their exchange.
  EXPECT_EQ(c_->Post("/api/bookings/" + second.Json()["uuid"].get<std::string>() + "/cancel/", json::object(),
                     BearerAuth(owner))
                .status,
            200);
}

TEST_F(BusinessesTest, GeneratedSlotsSetCapacityIdempotently) {
  auto owner = User();
  auto other = User();
  std::string id = CreateExchange(owner)["uuid"];
  json body = {{"exchange_uuid", id},
               {"start_date", kMonday},
               {"end_date", "2030-01-13"},
               {"slot_duration_minutes", 30},
               {"max_capacity", 3}};
  auto r = c_->Post("/api/time-slots/generate_slots/", body, BearerAuth(owner));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["slots_created"], 5 * 16);  // five open days of 16 half hours
  EXPECT_EQ(r.Json()["slots_updated"], 0);
  EXPECT_EQ(r.Json()["max_capacity"], 3);
  json day = Slots(owner, id, kMonday, 30);
  EXPECT_EQ(SlotAt(day, "09:00")["available_capacity"], 3);
  EXPECT_EQ(SlotAt(day, "16:30")["available_capacity"], 3);
  EXPECT_EQ(Slots(owner, id, kSaturday, 30)["slots"].size(), 0u);

  // A booking of a generated slot uses it; a second run keeps it and updates capacity.
  auto booked = Book(other, id, kMonday, "09:00", "09:30");
  ASSERT_EQ(booked.status, 201);
  EXPECT_EQ(booked.Json()["time_slot_details"]["available_capacity"], 2);
  body["max_capacity"] = 4;
  r = c_->Post("/api/time-slots/generate_slots/", body, BearerAuth(owner));
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.Json()["slots_created"], 0);
  EXPECT_EQ(r.Json()["slots_updated"], 80);
  EXPECT_EQ(SlotAt(Slots(owner, id, kMonday, 30), "09:00")["available_capacity"], 3);
  auto again = c_->Get("/api/bookings/" + booked.Json()["uuid"].get<std::string>() + "/", BearerAuth(other));
  EXPECT_EQ(again.Json()["time_slot"], booked.Json()["time_slot"]);
  EXPECT_EQ(again.Json()["time_slot_details"]["available_capacity"], 3);
  // An hour over two generated half hours has the least of them.
  EXPECT_EQ(SlotAt(Slots(owner, id, kMonday, 60), "09:00")["available_capacity"], 3);

  // Owner only; bounded; validated.
  auto denied = c_->Post("/api/time-slots/generate_slots/", body, BearerAuth(other));
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.Json(), json({{"detail", "You do not have permission to perform this action."}}));
  json wide = body;
  wide["end_date"] = "2030-04-09";  // 93 days
  ExpectError(c_->Post("/api/time-slots/generate_slots/", wide, BearerAuth(owner)), 400, "end_date",
              "The range may span at most 92 days.");
  json backwards = body;
  backwards["end_date"] = "2030-01-06";
  ExpectError(c_->Post("/api/time-slots/generate_slots/", backwards, BearerAuth(owner)), 400, "end_date",
              "end_date must not be before start_date.");
  json zero = body;
  zero["max_capacity"] = 0;
  ExpectError(c_->Post("/api/time-slots/generate_slots/", zero, BearerAuth(owner)), 400, "max_capacity",
              "Ensure max_capacity is between 1 and 1000.");
  json tiny = body;
  tiny["slot_duration_minutes"] = 4;
  ExpectError(c_->Post("/api/time-slots/generate_slots/", tiny, BearerAuth(owner)), 400, "slot_duration_minutes",
              "Ensure slot_duration_minutes is between 5 and 480 minutes.");
  json unknown = body;
  unknown["exchange_uuid"] = "123e4567-e89b-12d3-a456-426614174000";
  ExpectError(c_->Post("/api/time-slots/generate_slots/", unknown, BearerAuth(owner)), 400, "exchange_uuid",
              "Exchange not found.");
}

TEST_F(BusinessesTest, ExactlyCapacityOf64ConcurrentBookingsSucceed) {
  auto owner = User();
  std::string id = CreateExchange(owner)["uuid"];
  json body = {{"exchange_uuid", id}, {"start_date", kMonday}, {"end_date", kMonday},
               {"slot_duration_minutes", 60}, {"max_capacity", 5}};
  ASSERT_EQ(c_->Post("/api/time-slots/generate_slots/", body, BearerAuth(owner)).status, 201);
  std::vector<TestAccount> bookers;
  for (int i = 0; i < 8; ++i) bookers.push_back(User());

  std::atomic<int> created{0};
  std::atomic<int> full{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(server_->port());
      auto r = Book(bookers[i % bookers.size()], id, kMonday, "13:00", "14:00", json::object(), &client);
      if (r.status == 201) {
        ++created;
      } else if (r.status == 400 &&
                 r.Json() == json({{"time_slot", json::array({"This time slot has reached maximum capacity."})}})) {
        ++full;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 5);
  EXPECT_EQ(full.load(), 59);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.id = b.calendar_id "
                                         "WHERE c.uuid = '" + id + "' AND b.status = 'pending'"),
            "5");
  EXPECT_EQ(SlotAt(Slots(owner, id, kMonday), "13:00")["available_capacity"], 0);
}

TEST_F(BusinessesTest, TimesAreLocalToTheExchange) {
  auto owner = User();
  json e = CreateExchange(owner, {{"timezone", "Asia/Kolkata"}});
  EXPECT_EQ(e["timezone"], "Asia/Kolkata");
  std::string id = e["uuid"];
  json day = Slots(owner, id, kMonday);
  EXPECT_EQ(day["slots"][0]["start_time"], "09:00");
  auto r = Book(owner, id, kMonday, "09:00", "10:00");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["time_slot_details"]["start_time"], "09:00:00");
  EXPECT_EQ(r.Json()["time_slot_details"]["date"], kMonday);
  // 09:00 in Kolkata is 03:30 UTC.
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT start_at FROM bookings WHERE uuid = '" +
                                             r.Json()["uuid"].get<std::string>() + "'"),
            "1893987000")
      << "2030-01-07 03:30:00 UTC";
  // A UTC exchange's Monday 09:00 is a different instant, and books independently.
  std::string utc = CreateExchange(owner)["uuid"];
  EXPECT_EQ(Book(owner, utc, kMonday, "09:00", "10:00").status, 201);
  // Moving the exchange to another zone keeps bookings at their instants.
  auto moved = c_->Patch("/api/exchanges/" + id + "/", {{"timezone", "America/New_York"}}, BearerAuth(owner));
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto again = c_->Get("/api/bookings/" + r.Json()["uuid"].get<std::string>() + "/", BearerAuth(owner));
  EXPECT_EQ(again.Json()["time_slot_details"]["date"], "2030-01-06");
  EXPECT_EQ(again.Json()["time_slot_details"]["start_time"], "22:30:00");
}

// The listing as "start-end" strings, each marked "*" when unavailable.
std::vector<std::string> Times(const json& listing) {
  std::vector<std::string> out;
  for (const auto& s : listing["slots"]) {
    out.push_back(s["start_time"].get<std::string>() + "-" + s["end_time"].get<std::string>() +
                  (s["is_available"] == true ? "" : "*"));
  }
  return out;
}

json Hours(std::initializer_list<std::tuple<int, const char*, const char*>> open_days) {
  json hours = json::array();
  for (auto [day, open, close] : open_days) {
    hours.push_back({{"day_of_week", day}, {"open_time", open}, {"close_time", close}});
  }
  return hours;
}

// America/Nuuk and America/Scoresbysund spring forward at Saturday 23:00 local (the last
// Sunday of March begins at 01:00 UTC), so a Saturday that closes at 23:59 really closes
// at Sunday 00:59. Slots belong to the day whose opening hours laid them, and are named
// by that day's own clock, so copying a listed slot into a booking books it.
TEST_F(BusinessesTest, EndOfDayGapSlotsStayOnTheirDay) {
  auto owner = User();
  for (auto [zone, saturday, sunday] : {std::tuple{"America/Nuuk", "2030-03-30", "2030-03-31"},
                                        std::tuple{"America/Scoresbysund", "2031-03-29", "2031-03-30"}}) {
    SCOPED_TRACE(zone);
    // Saturday 22:00-23:59 is 119 real minutes: 22:00 to Sunday 00:59.
    json late_hours = Hours({{6, "22:00", "23:59"}, {7, "23:30", "23:59"}});
    std::string late = CreateExchange(owner, {{"timezone", zone}, {"operating_hours", late_hours}})["uuid"];
    EXPECT_EQ(Times(Slots(owner, late, saturday, 30)),
              (std::vector<std::string>{"22:00-22:30", "22:30-23:00", "23:00-23:30"}));
    std::vector<std::string> sevens = Times(Slots(owner, late, saturday, 7));
    EXPECT_EQ(sevens.size(), 17u);
    EXPECT_EQ(sevens.empty() ? "" : sevens.back(), "23:52-23:59");
    // Sunday lists only what Sunday's hours lay: none of Saturday's slots past midnight.
    EXPECT_EQ(Times(Slots(owner, late, sunday, 7)),
              (std::vector<std::string>{"23:30-23:37", "23:37-23:44", "23:44-23:51", "23:51-23:58"}));
    EXPECT_EQ(Times(Slots(owner, late, sunday, 30)), std::vector<std::string>{});

    // Saturday 23:00 is Sunday 00:00 (RFC 5545): booked under Saturday, shown at its real time.
    auto booked = Book(owner, late, saturday, "23:00", "23:30");
    ASSERT_EQ(booked.status, 201) << booked.body;
    EXPECT_EQ(booked.Json()["time_slot_details"]["date"], sunday);
    EXPECT_EQ(booked.Json()["time_slot_details"]["start_time"], "00:00:00");
    EXPECT_EQ(booked.Json()["time_slot_details"]["end_time"], "00:30:00");
    EXPECT_EQ(Times(Slots(owner, late, saturday, 30)),
              (std::vector<std::string>{"22:00-22:30", "22:30-23:00", "23:00-23:30*"}));
    // The same time asked for under Sunday is outside Sunday's hours.
    ExpectError(Book(owner, late, sunday, "00:30", "01:00"), 400, "start_time",
                "Time must be within business hours (23:30 - 23:59).");

    // An opening wholly inside the gap: Saturday 23:30-23:59 is Sunday 00:30-00:59.
    json gap_hours = Hours({{6, "23:30", "23:59"}, {7, "23:30", "23:59"}});
    std::string gap = CreateExchange(owner, {{"timezone", zone}, {"operating_hours", gap_hours}})["uuid"];
    std::vector<std::string> four{"23:30-23:37", "23:37-23:44", "23:44-23:51", "23:51-23:58"};
    EXPECT_EQ(Times(Slots(owner, gap, saturday, 7)), four);
    EXPECT_EQ(Times(Slots(owner, gap, sunday, 7)), four);
    for (const std::string& slot : four) {
      auto r = Book(owner, gap, saturday, slot.substr(0, 5), slot.substr(6, 5));
      EXPECT_EQ(r.status, 201) << slot << ": " << r.body;
    }
    EXPECT_EQ(Times(Slots(owner, gap, saturday, 7)),
              (std::vector<std::string>{"23:30-23:37*", "23:37-23:44*", "23:44-23:51*", "23:51-23:58*"}));
    EXPECT_EQ(Times(Slots(owner, gap, sunday, 7)), four);
  }
}

// Slot lengths are real minutes. New York springs forward at 02:00 on 2030-03-10, so
// 01:00-10:00 that Sunday is 480 real minutes: one 480-minute slot, and it books.
TEST_F(BusinessesTest, ALongSlotAcrossTheGapIsBookable) {
  auto owner = User();
  std::string id = CreateExchange(owner, {{"timezone", "America/New_York"},
                                          {"operating_hours", Hours({{7, "01:00", "10:00"}})}})["uuid"];
  EXPECT_EQ(Times(Slots(owner, id, "2030-03-10", 480)), std::vector<std::string>{"01:00-10:00"});
  auto r = Book(owner, id, "2030-03-10", "01:00", "10:00");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["time_slot_details"]["start_time"], "01:00:00");
  EXPECT_EQ(r.Json()["time_slot_details"]["end_time"], "10:00:00");
  EXPECT_EQ(Times(Slots(owner, id, "2030-03-10", 480)), std::vector<std::string>{"01:00-10:00*"});
  // On an ordinary Sunday 01:00-10:00 is 540 minutes: too long, and not listed.
  EXPECT_EQ(Times(Slots(owner, id, "2030-03-17", 480)), std::vector<std::string>{"01:00-09:00"});
  ExpectError(Book(owner, id, "2030-03-17", "01:00", "10:00"), 400, "end_time",
              "A booking must last a whole number of minutes between 5 and 480.");
}

// New York falls back at 02:00 on 2030-11-03, so 01:00-02:00 happens twice and 01:00-10:00
// is ten real hours. Times name the first pass (RFC 5545), so a slot that starts or ends in
// the second pass has no name to book it by and is not listed.
TEST_F(BusinessesTest, SlotsInTheSecondPassOfARepeatedHourAreNotListed) {
  auto owner = User();
  std::string id = CreateExchange(owner, {{"timezone", "America/New_York"},
                                          {"operating_hours", Hours({{7, "01:00", "10:00"}})}})["uuid"];
  EXPECT_EQ(Times(Slots(owner, id, "2030-11-03", 60)),
            (std::vector<std::string>{"02:00-03:00", "03:00-04:00", "04:00-05:00", "05:00-06:00", "06:00-07:00",
                                      "07:00-08:00", "08:00-09:00", "09:00-10:00"}));
  // 01:00 to 02:00 is two real hours: a 120-minute slot, listed and booked as one.
  EXPECT_EQ(Times(Slots(owner, id, "2030-11-03", 120)),
            (std::vector<std::string>{"01:00-02:00", "02:00-04:00", "04:00-06:00", "06:00-08:00", "08:00-10:00"}));
  auto r = Book(owner, id, "2030-11-03", "01:00", "02:00");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Times(Slots(owner, id, "2030-11-03", 120)).front(), "01:00-02:00*");
  EXPECT_EQ(Times(Slots(owner, id, "2030-11-03", 60)).front(), "02:00-03:00");
  // 01:30 names the first pass; 01:30-02:30 is 120 minutes, off the 120-minute grid.
  ExpectError(Book(owner, id, "2030-11-03", "01:30", "02:30"), 400, "start_time",
              "Time must start on a 120-minute slot from 01:00 (as available_slots lists them).");
}

// Pacific/Easter springs forward at Saturday 22:00 on 2031-09-06, so hours 12:30-22:00
// close at 23:00 real local time: the last half hour is 21:30-23:00, and it books.
TEST_F(BusinessesTest, TheLastSlotBeforeAGapClosingTimeIsBookable) {
  auto owner = User();
  std::string id = CreateExchange(owner, {{"timezone", "Pacific/Easter"},
                                          {"operating_hours", Hours({{6, "12:30", "22:00"}})}})["uuid"];
  json day = Slots(owner, id, "2031-09-06", 30);
  ASSERT_EQ(day["slots"].size(), 19u) << day;
  EXPECT_EQ(day["slots"][18]["start_time"], "21:30");
  EXPECT_EQ(day["slots"][18]["end_time"], "23:00");
  // 60-minute slots stop at 20:30: the next would end past the real closing time.
  EXPECT_EQ(Times(Slots(owner, id, "2031-09-06", 60)).back(), "20:30-21:30");
  for (const auto& s : day["slots"]) {
    auto r = Book(owner, id, "2031-09-06", s["start_time"].get<std::string>(), s["end_time"].get<std::string>());
    EXPECT_EQ(r.status, 201) << s << ": " << r.body;
  }
  for (const auto& s : Slots(owner, id, "2031-09-06", 30)["slots"]) EXPECT_EQ(s["is_available"], false) << s;
  ExpectError(Book(owner, id, "2031-09-06", "23:00", "23:30"), 400, "start_time",
              "Time must be within business hours (12:30 - 22:00).");
}

TEST_F(BusinessesTest, UpdateListAndDeleteExchanges) {
  auto owner = User();
  std::string id = CreateExchange(owner)["uuid"];
  std::string second = CreateExchange(owner, {{"business_name", "Second"}})["uuid"];

  auto list = c_->Get("/api/exchanges/", BearerAuth(owner));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Json()["count"], 2);
  EXPECT_TRUE(list.Json()["next"].is_null());
  EXPECT_TRUE(list.Json()["previous"].is_null());
  EXPECT_EQ(list.Json()["results"][0]["uuid"], id);
  auto paged = c_->Get("/api/exchanges/?page_size=1", BearerAuth(owner));
  EXPECT_EQ(paged.Json()["results"].size(), 1u);
  EXPECT_NE(paged.Json()["next"].get<std::string>().find("/api/exchanges/?page_size=1&page=2"), std::string::npos);
  auto page2 = c_->Get("/api/exchanges/?page_size=1&page=2", BearerAuth(owner));
  EXPECT_EQ(page2.Json()["results"][0]["uuid"], second);
  EXPECT_TRUE(page2.Json()["next"].is_null());
  EXPECT_FALSE(page2.Json()["previous"].is_null());
  auto beyond = c_->Get("/api/exchanges/?page=9", BearerAuth(owner));
  EXPECT_EQ(beyond.status, 404);
  EXPECT_EQ(beyond.Json(), json({{"detail", "Invalid page."}}));

  // PATCH changes only what it names; new hours replace the old ones.
  json hours = json::array({{{"day_of_week", 6}, {"open_time", "10:00"}, {"close_time", "14:00:00"}}});
  auto patched = c_->Patch("/api/exchanges/" + id + "/", {{"operating_hours", hours}, {"default_capacity", 3}},
                           BearerAuth(owner));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["business_name"], "Tech Repair Shop");
  EXPECT_EQ(patched.Json()["default_capacity"], 3);
  ASSERT_EQ(patched.Json()["operating_hours"].size(), 1u);
  EXPECT_EQ(patched.Json()["operating_hours"][0]["day_name"], "Saturday");
  EXPECT_EQ(patched.Json()["operating_hours"][0]["is_closed"], false);
  EXPECT_EQ(Slots(owner, id, kMonday)["message"], "Exchange is closed on Monday.");
  json saturday = Slots(owner, id, kSaturday);
  ASSERT_EQ(saturday["slots"].size(), 4u);
  EXPECT_EQ(saturday["slots"][0]["available_capacity"], 3);

  // PUT needs business_name; fields it leaves out keep their values.
  ExpectError(c_->Put("/api/exchanges/" + id + "/", {{"description", "x"}}, BearerAuth(owner)), 400,
              "business_name", "business_name is required.");
  auto put = c_->Put("/api/exchanges/" + id + "/", {{"business_name", "Renamed"}, {"description", ""}},
                     BearerAuth(owner));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json()["business_name"], "Renamed");
  EXPECT_EQ(put.Json()["description"], "");
  EXPECT_EQ(put.Json()["operating_hours"].size(), 1u);

  ASSERT_EQ(Book(owner, id, kSaturday, "10:00", "11:00").status, 201);
  auto deleted = c_->Delete("/api/exchanges/" + id + "/", BearerAuth(owner));
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(c_->Get("/api/exchanges/" + id + "/", BearerAuth(owner)).status, 404);
  EXPECT_EQ(c_->Delete("/api/exchanges/" + id + "/", BearerAuth(owner)).status, 404);
  EXPECT_EQ(c_->Get("/api/bookings/?exchange=" + id, BearerAuth(owner)).Json()["count"], 0);
}

TEST_F(BusinessesTest, OnlyTheOwnerManagesAnExchangeAndBookingsStayPrivate) {
  auto owner = User();
  auto booker = User();
  auto stranger = User();
  std::string id = CreateExchange(owner)["uuid"];
  std::string path = "/api/exchanges/" + id + "/";
  for (const auto& r : {c_->Get(path, BearerAuth(stranger)), c_->Put(path, {{"business_name", "Mine"}},
                                                                          BearerAuth(stranger)),
                        c_->Patch(path, {{"business_name", "Mine"}}, BearerAuth(stranger)),
                        c_->Delete(path, BearerAuth(stranger))}) {
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.Json(), json({{"detail", "Not found."}}));
  }
  EXPECT_EQ(c_->Get("/api/exchanges/", BearerAuth(stranger)).Json()["count"], 0);
  EXPECT_EQ(c_->Get(path, BearerAuth(owner)).Json()["business_name"], "Tech Repair Shop");

  auto booked = Book(booker, id, kMonday, "09:00", "10:00");
  ASSERT_EQ(booked.status, 201);
  std::string uuid = booked.Json()["uuid"];
  // The booker and the owner see it; a stranger neither lists, reads nor cancels it.
  for (const auto* who : {&booker, &owner}) {
    auto list = c_->Get("/api/bookings/", BearerAuth(*who));
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.Json()["count"], 1);
    EXPECT_EQ(list.Json()["results"][0]["uuid"], uuid);
    EXPECT_EQ(c_->Get("/api/bookings/" + uuid + "/", BearerAuth(*who)).status, 200);
  }
  EXPECT_EQ(c_->Get("/api/bookings/", BearerAuth(stranger)).Json()["count"], 0);
  EXPECT_EQ(c_->Get("/api/bookings/" + uuid + "/", BearerAuth(stranger)).status, 404);
  EXPECT_EQ(c_->Post("/api/bookings/" + uuid + "/cancel/", json::object(), BearerAuth(stranger)).status, 404);
  EXPECT_EQ(c_->Get("/api/bookings/?status=cancelled", BearerAuth(booker)).Json()["count"], 0);
  EXPECT_EQ(c_->Get("/api/bookings/?status=pending&exchange=" + id, BearerAuth(booker)).Json()["count"], 1);
  ExpectError(c_->Get("/api/bookings/?status=done", BearerAuth(booker)), 400, "status",
              "Select a valid choice: pending, confirmed, completed or cancelled.");
  EXPECT_EQ(c_->Get("/api/bookings/123e4567-e89b-12d3-a456-426614174000/", BearerAuth(owner)).status, 404);

  // Anonymous callers get 401 everywhere.
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", "/api/exchanges/"},
      {"GET", "/api/exchanges/"},
      {"GET", path},
      {"PUT", path},
      {"PATCH", path},
      {"DELETE", path},
      {"GET", "/api/time-slots/available_slots/?exchange=" + id},
      {"POST", "/api/time-slots/generate_slots/"},
      {"POST", "/api/bookings/"},
      {"GET", "/api/bookings/"},
      {"GET", "/api/bookings/" + uuid + "/"},
      {"POST", "/api/bookings/" + uuid + "/cancel/"}};
  for (const auto& [method, target] : routes) {
    auto r = c_->Request(method, target, method == "GET" || method == "DELETE" ? "" : "{}",
                         {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 401) << method << " " << target;
    EXPECT_TRUE(r.Json().contains("detail")) << r.body;
  }
}

TEST_F(BusinessesTest, RefusesBadExchanges) {
  auto owner = User();
  auto post = [&](const std::string& body) {
    return c_->Request("POST", "/api/exchanges/", body, {{"Content-Type", "application/json"},
                                                         {"Authorization", "Bearer " + owner.token}});
  };
  auto hours = [&](json entries) {
    return c_->Post("/api/exchanges/", {{"business_name", "X"}, {"operating_hours", entries}}, BearerAuth(owner));
  };
  ExpectError(post("{not json"), 400, "non_field_errors", "The request body is not valid JSON.");
  ExpectError(post("[]"), 400, "non_field_errors", "The request body must be a JSON object.");
  // Django REST framework reads an empty body as no fields at all.
  ExpectError(post(""), 400, "business_name", "business_name is required.");
  ExpectError(post(R"({"description": "no name"})"), 400, "business_name", "business_name is required.");
  ExpectError(post(R"({"business_name": "   "})"), 400, "business_name", "This field may not be blank.");
  // A CharField takes numbers as their text, but not lists, objects or booleans.
  ExpectError(post(R"({"business_name": [5]})"), 400, "business_name", "business_name must be a string.");
  ExpectError(post(R"({"business_name": true})"), 400, "business_name", "business_name must be a string.");
  ExpectError(post(R"({"business_name": "X", "timezone": "Mars/Olympus"})"), 400, "timezone",
              "Unknown time zone: Mars/Olympus");
  ExpectError(post(R"({"business_name": "X", "default_capacity": 0})"), 400, "default_capacity",
              "Ensure default_capacity is between 1 and 1000.");
  ExpectError(post(R"({"business_name": "X", "default_capacity": "2.5"})"), 400, "default_capacity",
              "default_capacity must be an integer.");
  ExpectError(post(R"({"business_name": "X", "default_capacity": true})"), 400, "default_capacity",
              "default_capacity must be an integer.");
  ExpectError(post(R"({"business_name": ")" + std::string(201, 'a') + R"("})"), 400, "business_name",
              "business_name must be at most 200 characters.");
  ExpectError(post(R"({"business_name": "X", "operating_hours": {}})"), 400, "operating_hours",
              "Expected a list of items.");
  ExpectError(hours({{{"day_of_week", 0}, {"open_time", "09:00"}, {"close_time", "10:00"}}}), 400,
              "operating_hours", "day_of_week must be between 1 (Monday) and 7 (Sunday).");
  ExpectError(hours({{{"day_of_week", 8}, {"is_closed", true}}}), 400, "operating_hours",
              "day_of_week must be between 1 (Monday) and 7 (Sunday).");
  ExpectError(hours({{{"day_of_week", "one"}, {"is_closed", true}}}), 400, "operating_hours",
              "Entry 1: day_of_week must be an integer.");
  ExpectError(hours({{{"day_of_week", 2}, {"open_time", "17:00"}, {"close_time", "09:00"}}}), 400,
              "operating_hours", "Tuesday: close_time must be after open_time.");
  ExpectError(hours({{{"day_of_week", 2}, {"open_time", "09:00"}, {"close_time", "09:00"}}}), 400,
              "operating_hours", "Tuesday: close_time must be after open_time.");
  ExpectError(hours({{{"day_of_week", 3}, {"open_time", "09:00"}}}), 400, "operating_hours",
              "Wednesday: open_time and close_time are required unless is_closed is true.");
  ExpectError(hours({{{"day_of_week", 1}, {"is_closed", true}}, {{"day_of_week", 1}, {"is_closed", true}}}), 400,
              "operating_hours", "Monday is listed more than once; give one entry per day.");
  ExpectError(hours({{{"day_of_week", 1}, {"open_time", "24:30"}, {"close_time", "25:00"}}}), 400,
              "operating_hours",
              "Entry 1: open_time: Time has wrong format. Use one of these formats instead: hh:mm[:ss].");
  ExpectError(hours({5}), 400, "operating_hours", "Entry 1: must be an object.");

  // Hostile text is stored and returned as sent.
  const std::string hostile = "'; DROP TABLE calendars; -- <script>alert(1)</script> \u00e9\u6f22 \"q\"";
  auto r = c_->Post("/api/exchanges/", {{"business_name", hostile}, {"description", hostile}}, BearerAuth(owner));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["business_name"], hostile);
  EXPECT_EQ(r.Json()["operating_hours"], json::array());
  EXPECT_EQ(c_->Get("/api/exchanges/" + r.Json()["uuid"].get<std::string>() + "/", BearerAuth(owner))
                .Json()["description"],
            hostile);
  // A path that is not a UUID is simply not found.
  EXPECT_EQ(c_->Get("/api/exchanges/not-a-uuid/", BearerAuth(owner)).status, 404);
}

// Bodies are read as Django REST framework reads them: numbers as text for a CharField,
// "2" for an IntegerField, fields the serializer does not declare ignored, and forms.
TEST_F(BusinessesTest, ReadsBodiesAsTheFrameworkDoes) {
  auto owner = User();
  auto r = c_->Post("/api/exchanges/",
                    {{"business_name", 5},
                     {"default_capacity", "2"},
                     {"owner", "me"},
                     {"operating_hours", {{{"day_of_week", "1"}, {"is_closed", "true"}, {"lunch", true}}}}},
                    BearerAuth(owner));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["business_name"], "5");
  EXPECT_EQ(r.Json()["default_capacity"], 2);
  ASSERT_EQ(r.Json()["operating_hours"].size(), 1u);
  EXPECT_EQ(r.Json()["operating_hours"][0]["day_of_week"], 1);
  EXPECT_EQ(r.Json()["operating_hours"][0]["is_closed"], true);
  auto form = c_->Request("POST", "/api/exchanges/", "business_name=Form+shop&default_capacity=3&timezone=UTC",
                          {{"Content-Type", "application/x-www-form-urlencoded"},
                           {"Authorization", "Bearer " + owner.token}});
  ASSERT_EQ(form.status, 201) << form.body;
  EXPECT_EQ(form.Json()["business_name"], "Form shop");
  EXPECT_EQ(form.Json()["default_capacity"], 3);
  // Django's APPEND_SLASH on this face's prefixes too.
  auto redirect = c_->Get("/api/exchanges?page=2");
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(redirect.Header("location"), "/api/exchanges/?page=2");
}

TEST_F(BusinessesTest, RefusesBadBookingsAndQueries) {
  auto owner = User();
  std::string id = CreateExchange(owner)["uuid"];
  ExpectError(Book(owner, id, "2030-02-30", "10:00", "11:00"), 400, "date",
              "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
  ExpectError(Book(owner, id, kMonday, "24:30", "25:00"), 400, "start_time",
              "Time has wrong format. Use one of these formats instead: hh:mm[:ss].");
  ExpectError(Book(owner, id, kMonday, "10:00", "10:60"), 400, "end_time",
              "Time has wrong format. Use one of these formats instead: hh:mm[:ss].");
  ExpectError(Book(owner, "123e4567-e89b-12d3-a456-426614174000", kMonday, "10:00", "11:00"), 400, "exchange",
              "Exchange not found.");
  ExpectError(Book(owner, "xyz", kMonday, "10:00", "11:00"), 400, "exchange", "Must be a valid UUID.");
  ExpectError(Book(owner, id, kMonday, "10:00", "11:00", {{"customer_email", "not-an-email"}}), 400,
              "customer_email", "Enter a valid email address.");
  ExpectError(Book(owner, id, kMonday, "10:00", "11:00", {{"customer_name", ""}}), 400, "customer_name",
              "This field may not be blank.");
  ExpectError(Book(owner, id, kMonday, "10:00", "11:00", {{"notes", json::array({12})}}), 400, "notes",
              "notes must be a string.");
  ExpectError(Book(owner, id, kMonday, "10:00", "11:00", {{"date", 20300107}}), 400, "date",
              "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
  ExpectError(c_->Post("/api/bookings/", {{"exchange", id}}, BearerAuth(owner)), 400, "date", "date is required.");
  ExpectError(c_->Request("POST", "/api/bookings/", "{\"exchange\":", {{"Authorization", "Bearer " + owner.token}}),
              400, "non_field_errors", "The request body is not valid JSON.");
  // Hostile customer text round-trips.
  const std::string hostile = "Robert'); DROP TABLE bookings;-- \u202e";
  auto r = Book(owner, id, kMonday, "10:00", "11:00", {{"customer_name", hostile}, {"notes", hostile}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["customer_name"], hostile);

  auto get = [&](const std::string& query) {
    return c_->Get("/api/time-slots/available_slots/" + query, BearerAuth(owner));
  };
  ExpectError(get(""), 400, "exchange", "This query parameter is required.");
  ExpectError(get("?exchange=abc"), 400, "exchange", "Must be a valid UUID.");
  ExpectError(get("?exchange=123e4567-e89b-12d3-a456-426614174000"), 400, "exchange", "Exchange not found.");
  ExpectError(get("?exchange=" + id + "&date=2030-13-01"), 400, "date",
              "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
  ExpectError(get("?exchange=" + id + "&slot_duration=4"), 400, "slot_duration",
              "Ensure slot_duration is between 5 and 480 minutes.");
  ExpectError(get("?exchange=" + id + "&slot_duration=481"), 400, "slot_duration",
              "Ensure slot_duration is between 5 and 480 minutes.");
  ExpectError(get("?exchange=" + id + "&slot_duration=99999999999999999999"), 400, "slot_duration",
              "Ensure slot_duration is between 5 and 480 minutes.");
  ExpectError(get("?exchange=" + id + "&slot_duration=1h"), 400, "slot_duration", "A valid integer is required.");
  ExpectError(c_->Get("/api/bookings/?page_size=0", BearerAuth(owner)), 400, "page_size",
              "page_size must be between 1 and 100.");
  EXPECT_EQ(c_->Get("/api/bookings/?page=x", BearerAuth(owner)).status, 404);
}

}  // namespace
}  // namespace kairos::testing
