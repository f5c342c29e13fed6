#include "kairos/service/calendars.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service {
namespace {

using namespace std::chrono_literals;
using store::Int;
using store::Text;

Instant T(std::string_view iso) { return *ParseInstant(iso); }

class CalendarsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kairos-calendars-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    coach_ = AddAccount("coach", "America/New_York");
    client_ = AddAccount("client", "UTC");
    calendar_ = db_->Write([&](store::Tx& tx) { return PersonalCalendar(tx, coach_, now_); });
  }
  void TearDown() override {
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  std::int64_t AddAccount(const std::string& name, const std::string& tz) {
    return db_->Write([&](store::Tx& tx) {
      return tx.Query(
                   "INSERT INTO accounts (uuid, username, username_key, role, timezone, created_at, updated_at) "
                   "VALUES (?, ?, ?, 'coach', ?, 0, 0) RETURNING id",
                   {Text(name + "-uuid"), Text(name), Text(name), Text(tz)})
          .at(0)
          .Int(0);
    });
  }

  void AddWeekdayHours() {
    db_->Write([&](store::Tx& tx) {
      for (int day = 1; day <= 5; ++day) {
        tx.Exec(
            "INSERT INTO weekly_rules (uuid, calendar_id, iso_weekday, start_second, end_second, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, 0, 0)",
            {Text("rule-" + std::to_string(day)), Int(calendar_.id), Int(day), Int(9 * 3600), Int(17 * 3600)});
      }
    });
  }

  OfferPolicy Hourly() {
    OfferPolicy p;
    p.query.duration = 1h;
    p.query.step = 30min;
    return p;
  }

  NewBooking Request(Instant start, std::chrono::seconds length) {
    NewBooking b;
    b.calendar_id = calendar_.id;
    b.face = "coach";
    b.interval = {start, start + length};
    b.client_account_id = client_;
    return b;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  Instant now_ = service::FromStored(1893456000);  // 2030-01-01T00:00:00Z
  std::int64_t coach_ = 0;
  std::int64_t client_ = 0;
  Calendar calendar_;
};

TEST_F(CalendarsTest, PersonalCalendarIsCreatedOnceInTheAccountsZone) {
  EXPECT_EQ(calendar_.timezone, "America/New_York");
  EXPECT_EQ(calendar_.kind, "personal");
  auto again = db_->Write([&](store::Tx& tx) { return PersonalCalendar(tx, coach_, now_); });
  EXPECT_EQ(again.id, calendar_.id);
  auto by_uuid = db_->Read([&](store::Tx& tx) { return FindCalendarByUuid(tx, calendar_.uuid); });
  ASSERT_TRUE(by_uuid.ok());
  EXPECT_EQ(by_uuid->id, calendar_.id);
  EXPECT_FALSE(db_->Read([&](store::Tx& tx) { return FindCalendar(tx, 999999); }).ok());
}

TEST_F(CalendarsTest, OnlyOfferedTimeCanBeBooked) {
  AddWeekdayHours();
  // 2030-01-07 is a Monday; 09:00 in New York is 14:00Z in winter.
  auto ok = BookIfOffered(*db_, Request(T("2030-01-07T14:00:00Z"), 1h), Hourly(), now_);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->uuid.size(), 36u);
  EXPECT_FALSE(BookIfOffered(*db_, Request(T("2030-01-07T14:30:00Z"), 1h), Hourly(), now_).ok()) << "overlaps";
  EXPECT_FALSE(BookIfOffered(*db_, Request(T("2030-01-07T13:00:00Z"), 1h), Hourly(), now_).ok()) << "before opening";
  EXPECT_FALSE(BookIfOffered(*db_, Request(T("2030-01-07T15:10:00Z"), 1h), Hourly(), now_).ok()) << "off the grid";
  EXPECT_FALSE(BookIfOffered(*db_, Request(T("2030-01-05T14:00:00Z"), 1h), Hourly(), now_).ok()) << "Saturday";
  EXPECT_FALSE(BookIfOffered(*db_, Request(T("2029-12-31T14:00:00Z"), 1h), Hourly(), now_).ok()) << "in the past";
  EXPECT_TRUE(BookIfOffered(*db_, Request(T("2030-01-07T15:00:00Z"), 1h), Hourly(), now_).ok()) << "touching is fine";
}

TEST_F(CalendarsTest, DefaultRulesApplyOnlyWhenNothingIsDefined) {
  OfferPolicy p = Hourly();
  p.undefined_time = UndefinedTimePolicy::kDefaultRulesIfNone;
  p.default_rules.push_back({2, 9h, 17h, {}, {}, 1, 0});  // Tuesdays
  EXPECT_TRUE(BookIfOffered(*db_, Request(T("2030-01-08T14:00:00Z"), 1h), p, now_).ok());
  EXPECT_FALSE(BookIfOffered(*db_, Request(T("2030-01-07T14:00:00Z"), 1h), p, now_).ok());
}

TEST_F(CalendarsTest, EveryKindOfHoldingIsBusy) {
  AddWeekdayHours();
  db_->Write([&](store::Tx& tx) {
    // Blocked hours are local: 10:00 in New York on Monday 2030-01-07 (15:00Z).
    tx.Exec("INSERT INTO blocked_days (calendar_id, local_date, blocked_hours, created_at, updated_at) "
            "VALUES (?, '2030-01-07', '10', 0, 0)",
            {Int(calendar_.id)});
    tx.Exec("INSERT INTO slots (uuid, calendar_id, start_at, end_at, status, created_at, updated_at) "
            "VALUES ('s1', ?, ?, ?, 'blocked', 0, 0)",
            {Int(calendar_.id), Int(ToStored(T("2030-01-07T18:00:00Z"))), Int(ToStored(T("2030-01-07T19:00:00Z")))});
  });
  auto meeting = Request(T("2030-01-07T20:00:00Z"), 1h);
  meeting.face = "meeting";
  meeting.status = "active";
  ASSERT_TRUE(BookIfOffered(*db_, meeting, Hourly(), now_).ok());

  auto snapshot = db_->Read([&](store::Tx& tx) {
    return LoadSnapshot(tx, calendar_, {T("2030-01-07T00:00:00Z"), T("2030-01-08T00:00:00Z")});
  });
  EXPECT_EQ(snapshot.blocked.size(), 1u);
  EXPECT_EQ(snapshot.blocked[0].start, T("2030-01-07T15:00:00Z"));
  EXPECT_EQ(snapshot.bookings.size(), 1u);
  EXPECT_EQ(snapshot.explicit_slots.size(), 1u);

  SlotQuery q;
  q.range = {T("2030-01-07T00:00:00Z"), T("2030-01-08T00:00:00Z")};
  q.duration = 1h;
  q.now = now_;
  auto slots = FreeSlots(snapshot.View(), q);
  ASSERT_TRUE(slots.ok());
  std::vector<std::string> starts;
  for (const auto& s : *slots) starts.push_back(FormatUtc(s.interval.start));
  // 09-17 local = 14:00Z-22:00Z; busy: 15Z (blocked hour), 18Z (blocked slot), 20Z (meeting).
  EXPECT_EQ(starts, (std::vector<std::string>{"2030-01-07T14:00:00Z", "2030-01-07T16:00:00Z", "2030-01-07T17:00:00Z",
                                              "2030-01-07T19:00:00Z", "2030-01-07T21:00:00Z"}));

  // A cancelled booking gives its time back.
  db_->Write([&](store::Tx& tx) { tx.Exec("UPDATE bookings SET status = 'cancelled'"); });
  EXPECT_TRUE(BookIfOffered(*db_, Request(T("2030-01-07T20:00:00Z"), 1h), Hourly(), now_).ok());
}

TEST_F(CalendarsTest, RacingBookersNeverExceedCapacity) {
  AddWeekdayHours();
  constexpr int kThreads = 16;
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      // Half race for 14:00-15:00, half for overlapping 14:30-16:30 and 14:00-16:00.
      auto start = i % 2 == 0 ? T("2030-01-07T14:00:00Z") : T("2030-01-07T14:30:00Z");
      auto length = i % 3 == 0 ? std::chrono::seconds(2h) : std::chrono::seconds(1h);
      OfferPolicy p = Hourly();
      p.query.duration = length;
      if (BookIfOffered(*db_, Request(start, length), p, now_).ok()) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  auto overlapping = db_->Read([&](store::Tx& tx) {
    return tx.QueryOne(
                 "SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.id < b.id AND a.calendar_id = b.calendar_id "
                 "AND a.start_at < b.end_at AND b.start_at < a.end_at")
        ->Int(0);
  });
  EXPECT_EQ(overlapping, 0);
  EXPECT_EQ(wins.load(), 1) << "every candidate contains 14:30-15:00, so exactly one can win";
}

}  // namespace
}  // namespace kairos::service
