// The property the v1 API promises, checked against the service layer on random event
// types and random calendars: every start /v1/slots offers can be booked, and every start
// it does not offer is refused with the reason /v1/slots/explain gives. The calendars hold
// bookings of every face (written through booking::Book with each face's value), v1
// bookings and holds of the event type and of another one, the account's own weekly
// rules and blocked hours.
#include "kairos/service/v1_bookings.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <set>

#include "kairos/booking/event_type_bookings.hpp"
#include "kairos/service/page.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service::v1 {
namespace {

using namespace std::chrono_literals;
using store::Int;
using store::Text;

class V1PropertyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kairos-v1prop-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
  }
  void TearDown() override {
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <class T>
  const T& OneOf(const std::vector<T>& v) { return v[Pick(0, static_cast<int>(v.size()) - 1)]; }

  std::int64_t AddAccount(const std::string& name, const std::string& tz) {
    return db_->Write([&](store::Tx& tx) {
      return tx.Query("INSERT INTO accounts (uuid, username, username_key, email, role, timezone, created_at, "
                      "updated_at) VALUES (?, ?, ?, ?, 'coach', ?, 0, 0) RETURNING id",
                      {Text(name + "-0000-4000-8000-000000000000"), Text(name), Text(name), Text(name + "@example.com"),
                       Text(tz)})
          .at(0)
          .Int(0);
    });
  }

  // A random event type of `owner` on a random schedule; returns its uuid.
  std::string RandomEventType(std::int64_t owner, const std::string& uuid, const std::string& zone) {
    return db_->Write([&](store::Tx& tx) {
      auto schedule = tx.Query("INSERT INTO schedules (uuid, owner_account_id, name, time_zone, created_at, "
                               "updated_at) VALUES (?, ?, 'S', ?, 0, 0) RETURNING id",
                               {Text(uuid + "-s"), Int(owner), Text(zone)})
                          .at(0)
                          .Int(0);
      int position = 0;
      for (int day = 1; day <= 7; ++day) {
        if (Pick(0, 3) == 0) continue;
        int start = Pick(6, 11) * 3600 + Pick(0, 3) * 900;
        int end = start + Pick(2, 8) * 1800;
        tx.Exec("INSERT INTO schedule_weekly (schedule_id, position, iso_weekday, start_second, end_second) VALUES "
                "(?, ?, ?, ?, ?)",
                {Int(schedule), Int(position++), Int(day), Int(start), Int(std::min(end, 86400))});
        if (Pick(0, 2) == 0) {
          tx.Exec("INSERT INTO schedule_weekly (schedule_id, position, iso_weekday, start_second, end_second) VALUES "
                  "(?, ?, ?, ?, ?)",
                  {Int(schedule), Int(position++), Int(day), Int(std::min(end, 86400 - 3600) + 1800),
                   Int(std::min(end + 3 * 3600, 86400))});
        }
      }
      if (Pick(0, 2) == 0) {  // an override: closed, or other hours
        std::string date = "2030-03-0" + std::to_string(Pick(4, 8));
        if (Pick(0, 1)) {
          tx.Exec("INSERT INTO schedule_overrides (schedule_id, local_date, position) VALUES (?, ?, 0)",
                  {Int(schedule), Text(date)});
        } else {
          tx.Exec("INSERT INTO schedule_overrides (schedule_id, local_date, position, start_second, end_second) "
                  "VALUES (?, ?, 0, ?, ?)",
                  {Int(schedule), Text(date), Int(13 * 3600), Int(18 * 3600)});
        }
      }
      const std::vector<int> durations{15, 30, 45, 60};
      const std::vector<std::string> windows{"unlimited", "rolling", "range"};
      std::string window = OneOf(windows);
      store::Value days = window == "rolling" ? Int(Pick(1, 4)) : store::Null();
      store::Value first = window == "range" ? Text("2030-03-0" + std::to_string(Pick(4, 6))) : store::Null();
      store::Value last = window == "range" ? Text("2030-03-0" + std::to_string(Pick(6, 8))) : store::Null();
      tx.Exec("INSERT INTO event_types (uuid, owner_account_id, slug, title, duration_minutes, schedule_id, "
              "slot_interval_minutes, buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes, "
              "window_type, window_days, window_start_date, window_end_date, limit_per_day, limit_per_week, "
              "seats_per_slot, requires_confirmation, is_public, created_at, updated_at) VALUES (?, ?, ?, 'T', ?, ?, "
              "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, 0)",
              {Text(uuid), Int(owner), Text(uuid), Int(OneOf(durations)), Int(schedule),
               Pick(0, 1) ? store::Null() : Int(Pick(1, 2) * 15), Int(Pick(0, 2) * 15), Int(Pick(0, 2) * 15),
               Int(Pick(0, 2) == 0 ? Pick(1, 48) * 60 : 0), Text(window), days, first, last,
               Pick(0, 2) == 0 ? Int(Pick(1, 3)) : store::Null(), Pick(0, 2) == 0 ? Int(Pick(2, 6)) : store::Null(),
               Int(Pick(1, 3)), Int(Pick(0, 3) == 0 ? 1 : 0)});
      return uuid;
    });
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::mt19937 rng_{20301};
};

TEST_F(V1PropertyTest, WhatSlotsOfferIsBookableAndEveryRefusalIsExplained) {
  const Instant now = ParseInstant("2030-03-04T05:00:00Z").value();  // a Monday
  const std::vector<std::string> zones{"Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"};
  const std::vector<std::string> faces{"slot", "coach", "meeting", "business", "consultant"};
  V1Bookings service(*db_);
  constexpr int kCases = 40;
  int offered_total = 0;
  std::set<std::string> reasons_seen;
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const std::string zone = OneOf(zones);
    std::int64_t host = AddAccount("h" + std::to_string(100 + i), OneOf(zones));
    auth::Principal owner;
    owner.account_id = host;
    char id[40];
    std::snprintf(id, sizeof id, "%08d-0000-4000-8000-000000000000", i);
    const std::string et = RandomEventType(host, id, zone);
    std::snprintf(id, sizeof id, "%08d-0000-4000-8000-000000000001", i);
    const std::string other_et = RandomEventType(host, id, zone);

    // The host's calendar: its own weekly hours, blocked hours, every face's bookings.
    auto calendar = db_->Write([&](store::Tx& tx) { return booking::PersonalCalendar(tx, host, now); });
    const Instant base = ParseInstant("2030-03-04T00:00:00Z").value();
    db_->Write([&](store::Tx& tx) {
      if (Pick(0, 1)) {
        tx.Exec("INSERT INTO weekly_rules (uuid, calendar_id, iso_weekday, start_second, end_second, capacity, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
                {Text("r" + std::to_string(i)), Int(calendar.id), Int(Pick(1, 5)), Int(15 * 3600), Int(19 * 3600),
                 Int(Pick(1, 2))});
      }
      if (Pick(0, 1)) {
        tx.Exec("INSERT INTO blocked_days (calendar_id, local_date, blocked_hours, created_at, updated_at) VALUES (?, "
                "?, ?, 0, 0)",
                {Int(calendar.id), Text("2030-03-0" + std::to_string(Pick(4, 8))),
                 Text(std::to_string(Pick(6, 18)) + "," + std::to_string(Pick(6, 18)))});
      }
      std::vector<booking::NewBooking> rows;
      for (int n = Pick(0, 10); n > 0; --n) {
        booking::NewBooking b;
        b.calendar_id = calendar.id;
        b.face = OneOf(faces);
        Instant start = base + std::chrono::minutes{Pick(0, 5 * 96) * 15};
        b.interval = {start, start + std::chrono::minutes{Pick(1, 6) * 15}};
        b.status = Pick(0, 1) ? BookingStatus::kConfirmed : BookingStatus::kPending;
        rows.push_back(b);
      }
      auto booked = booking::Book(tx, rows, booking::Policy{}, now, /*check=*/false);
      EXPECT_TRUE(booked.ok());
    });
    const SlotsQuery query{et, Date{date::year{2030} / 3 / 4}, Date{date::year{2030} / 3 / 8}, std::nullopt};
    // v1 bookings and holds of both event types, made through the API at offered times.
    for (const std::string& type : {et, other_et}) {
      auto listed = service.Slots(&owner, {type, query.start, query.end, std::nullopt}, now);
      ASSERT_TRUE(listed.ok()) << listed.error().message;
      for (const auto& [day, slots] : listed->days) {
        for (const auto& s : slots) {
          int what = Pick(0, 9);
          if (what == 0) {
            BookingInput in{type, s.interval.start, {"A", "a@example.com", "UTC"}, {}, nlohmann::json::object(), {}};
            auto made = service.Create(&owner, in, now);
            ASSERT_TRUE(made.ok());
          } else if (what == 1) {
            auto held = service.CreateHold(nullptr, type, s.interval.start, now);
            ASSERT_TRUE(held.ok());
          }
        }
      }
    }

    auto listed = service.Slots(nullptr, query, now);
    ASSERT_TRUE(listed.ok()) << listed.error().message;
    std::set<Instant> offered;
    Interval range{};
    auto context = db_->Read([&](store::Tx& tx) { return booking::LoadEventTypeContext(tx, et, false, now); });
    ASSERT_TRUE(context.ok());
    range = {LocalDayBounds(Date{date::year{2030} / 3 / 4}, context->zone).start,
             LocalDayBounds(Date{date::year{2030} / 3 / 8}, context->zone).end};
    for (const auto& [day, slots] : listed->days) {
      for (const auto& s : slots) {
        offered.insert(s.interval.start);
        EXPECT_GE(s.seats_remaining, 1);
      }
    }
    offered_total += static_cast<int>(offered.size());
    const auto length = std::chrono::minutes{context->event_type.duration_minutes};
    for (Instant start = range.start; start + length <= range.end; start += 15min) {
      auto why = service.Explain(owner, et, start, now);
      ASSERT_TRUE(why.ok()) << why.error().message;
      const bool is_offered = offered.count(start) > 0;
      ASSERT_EQ(why->offered, is_offered) << FormatUtc(start) << (why->why ? " " + why->why->reason : "");
      // Book it, then roll back: accepted exactly when offered, else refused with the
      // reason explain gives.
      std::optional<std::string> refused;
      db_->WriteTx([&](store::Tx& tx) {
        auto ctx = booking::LoadEventTypeContext(tx, et, true, now);
        booking::EventTypeBookingRequest request;
        request.start = start;
        request.attendee_name = "P";
        request.attendee_email = "p@example.com";
        request.attendee_time_zone = "UTC";
        auto booked = booking::BookEventType(tx, *ctx, request, now);
        if (booked.refusal) refused = UnavailableOf(tx, *booked.refusal, *ctx, now).reason;
        return false;
      });
      ASSERT_EQ(!refused.has_value(), is_offered) << FormatUtc(start) << " " << refused.value_or("");
      if (refused) {
        ASSERT_EQ(*refused, why->why->reason) << FormatUtc(start);
        reasons_seen.insert(*refused);
      }
    }
  }
  EXPECT_GT(offered_total, 100) << "the cases offer enough to test";
  // The random calendars reach the reasons that matter.
  for (const char* r : {"outside_hours", "blocked", "booked", "held", "full", "buffer", "too_soon", "too_far", "limit_reached"}) {
    EXPECT_TRUE(reasons_seen.count(r)) << r << " never came up";
  }
}

}  // namespace
}  // namespace kairos::service::v1
