#include "kairos/service/time_slots.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "kairos/auth/crypto.hpp"
#include "kairos/auth/password_hasher.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service {
namespace {

using namespace std::chrono_literals;

Instant T(std::string_view iso) { return *ParseInstant(iso); }
Date D(std::string_view day) { return *ParseDate(day); }
LocalDateTime L(std::string_view local) { return *ParseLocalDateTime(local); }

class TimeSlotsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kairos-slots-" + auth::NewUuid());
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    accounts_ = std::make_unique<Accounts>(*db_, hasher_, AccountsOptions{});
    slots_ = std::make_unique<TimeSlots>(*db_);
    auto a = accounts_->Create({.username = "owner", .email = "owner@example.com", .password = "password1"});
    ASSERT_TRUE(a.ok()) << a.error().message;
    owner_ = {.account_id = a->id, .account_uuid = a->uuid, .role = a->role};
  }
  void TearDown() override {
    slots_.reset();
    accounts_.reset();
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  Result<std::vector<TimeSlot>> Bulk(BulkTimeSlots in) { return slots_->CreateBulk(owner_, in, now_); }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  auth::PasswordHasher hasher_{{1, 8192}, 2};
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<TimeSlots> slots_;
  auth::Principal owner_;
  Instant now_ = T("2030-01-14T09:00:00Z");  // 14:30 in Kolkata
};

TEST(TimeSlotStatusTest, TransitionTable) {
  using S = TimeSlotStatus;
  const S all[] = {S::kAvailable, S::kBooked, S::kBlocked, S::kCancelled};
  for (S from : all) {
    for (S to : all) {
      bool expected = (from == S::kAvailable && to != S::kAvailable) ||
                      (from == S::kBlocked && (to == S::kAvailable || to == S::kCancelled)) ||
                      (from == S::kBooked && to == S::kCancelled);
      EXPECT_EQ(TimeSlotTransitionAllowed(from, to), expected)
          << TimeSlotStatusName(from) << " -> " << TimeSlotStatusName(to);
    }
    EXPECT_EQ(*ParseTimeSlotStatus(TimeSlotStatusName(from)), from);
  }
  EXPECT_FALSE(ParseTimeSlotStatus("Available").ok());
}

TEST_F(TimeSlotsServiceTest, BulkTodaySkipsSlotsThatHaveStarted) {
  auto created = Bulk({.start_date = D("2030-01-14"), .end_date = D("2030-01-14"), .start_time = 14h,
                       .end_time = 18h, .timezone = "Asia/Kolkata"});
  ASSERT_TRUE(created.ok()) << created.error().message;
  // 14:00 has started at 14:30; 14:45, 15:30, 16:15 and 17:00 have not.
  ASSERT_EQ(created->size(), 4u);
  EXPECT_EQ(created->front().interval.start, T("2030-01-14T09:15:00Z"));
}

TEST_F(TimeSlotsServiceTest, BulkAcrossTheFallBackKeepsRealHours) {
  // New York returns to standard time on 2030-11-03: 00:00-04:00 local holds five hours.
  auto created = Bulk({.start_date = D("2030-11-03"), .end_date = D("2030-11-03"), .start_time = 0h,
                       .end_time = 4h, .timezone = "America/New_York", .duration = 60min});
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::vector<Instant> starts;
  for (const auto& s : *created) starts.push_back(s.interval.start);
  EXPECT_EQ(starts, (std::vector<Instant>{T("2030-11-03T04:00:00Z"), T("2030-11-03T05:00:00Z"),
                                          T("2030-11-03T06:00:00Z"), T("2030-11-03T07:00:00Z"),
                                          T("2030-11-03T08:00:00Z")}));
}

TEST_F(TimeSlotsServiceTest, BulkCapIsInclusive) {
  // 80 quarter-hours a day: 25 days is exactly the cap, 26 is over.
  BulkTimeSlots in{.start_date = D("2030-02-01"), .end_date = D("2030-02-25"), .start_time = 0h, .end_time = 20h,
                   .duration = 15min};
  auto over = in;
  over.end_date = D("2030-02-26");
  auto refused = Bulk(over);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "This request would create 2080 time slots; at most 2000 can be created at once");
  auto created = Bulk(in);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->size(), kMaxBulkSlots);
}

TEST_F(TimeSlotsServiceTest, SeriesCapIsInclusive) {
  NewTimeSlot in{.start = L("2030-03-01T08:00:00"), .end = L("2030-03-01T08:30:00"), .is_recurring = true,
                 .recurring_pattern = RepeatPattern::kDaily, .recurring_end_date = D("2031-03-02")};
  auto refused = slots_->Create(owner_, in, now_);  // 367 days
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "recurring_end_date");
  in.recurring_end_date = D("2031-03-01");  // 366 days
  auto created = slots_->Create(owner_, in, now_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->occurrences, kMaxSeriesOccurrences);
  EXPECT_EQ(created->first.recurring_end_date, D("2031-03-01"));
}

TEST_F(TimeSlotsServiceTest, OverlapsAreConflicts) {
  auto first = slots_->Create(owner_, {.start = L("2030-02-01T10:00:00"), .end = L("2030-02-01T11:00:00")}, now_);
  ASSERT_TRUE(first.ok());
  auto second = slots_->Create(owner_, {.start = L("2030-02-01T10:59:00"), .end = L("2030-02-01T11:14:00")}, now_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_NE(second.error().message.find(first->first.uuid), std::string::npos);
}

TEST_F(TimeSlotsServiceTest, BookingASlotWritesABookingThatCancellingGivesBack) {
  auto count = [&](std::string_view status) {
    return db_->Read([&](store::Tx& tx) {
      return tx.QueryOne("SELECT COUNT(*) FROM bookings WHERE face = 'slot' AND status = ?",
                         {store::Text(std::string(status))})
          ->Int(0);
    });
  };
  NewTimeSlot in{.start = L("2030-01-20T10:00:00"), .end = L("2030-01-20T11:00:00"), .timezone = "UTC"};
  auto first = slots_->Create(owner_, in, now_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto booked = slots_->ChangeStatus(owner_, first->first.uuid, TimeSlotStatus::kBooked, now_);
  ASSERT_TRUE(booked.ok()) << booked.error().message;
  EXPECT_EQ(booked->status, TimeSlotStatus::kBooked);
  EXPECT_EQ(count("confirmed"), 1);
  ASSERT_TRUE(slots_->ChangeStatus(owner_, first->first.uuid, TimeSlotStatus::kCancelled, now_).ok());
  EXPECT_EQ(count("confirmed"), 0);
  EXPECT_EQ(count("cancelled"), 1);

  // Blocked hours of the owner's calendar are consulted too.
  auto second = slots_->Create(owner_, {.start = L("2030-01-21T10:00:00"), .end = L("2030-01-21T11:00:00"),
                                        .timezone = "UTC"},
                               now_);
  ASSERT_TRUE(second.ok());
  db_->Write([&](store::Tx& tx) {
    tx.Exec("INSERT INTO blocked_days (calendar_id, local_date, blocked_hours, created_at, updated_at) "
            "SELECT id, '2030-01-21', '10', 0, 0 FROM calendars WHERE owner_account_id = ?",
            {store::Int(owner_.account_id)});
  });
  auto refused = slots_->ChangeStatus(owner_, second->first.uuid, TimeSlotStatus::kBooked, now_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("blocked"), std::string::npos) << refused.error().message;
  EXPECT_EQ(count("confirmed"), 0);

  // Deleting a booked slot frees its time.
  auto third = slots_->Create(owner_, {.start = L("2030-01-22T10:00:00"), .end = L("2030-01-22T11:00:00"),
                                       .timezone = "UTC"},
                              now_);
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(slots_->ChangeStatus(owner_, third->first.uuid, TimeSlotStatus::kBooked, now_).ok());
  EXPECT_EQ(count("confirmed"), 1);
  ASSERT_TRUE(slots_->Delete(owner_, third->first.uuid, now_).ok());
  EXPECT_EQ(count("confirmed"), 0);
}

}  // namespace
}  // namespace kairos::service
