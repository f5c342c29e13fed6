// Holds on the booking path: busy time for every face while alive (LoadSnapshot reads
// only those with expires_at > now), a typed kHeld refusal, and gone the moment they
// expire.
#include "kairos/booking/holds.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::booking {
namespace {

using namespace std::chrono_literals;
using store::Int;
using store::Text;

class HoldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kairos-holds-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    db_->Write([&](store::Tx& tx) {
      owner_ = tx.Query("INSERT INTO accounts (uuid, username, username_key, role, timezone, created_at, updated_at) "
                        "VALUES ('o', 'o', 'o', 'coach', 'UTC', 0, 0) RETURNING id")
                   .at(0)
                   .Int(0);
      auto schedule = tx.Query("INSERT INTO schedules (uuid, owner_account_id, name, time_zone, created_at, "
                               "updated_at) VALUES ('s', ?, 'S', 'UTC', 0, 0) RETURNING id",
                               {Int(owner_)})
                          .at(0)
                          .Int(0);
      tx.Exec("INSERT INTO schedule_weekly (schedule_id, position, iso_weekday, start_second, end_second) VALUES (?, "
              "0, 1, ?, ?)",
              {Int(schedule), Int(9 * 3600), Int(12 * 3600)});
      tx.Exec("INSERT INTO event_types (uuid, owner_account_id, slug, title, duration_minutes, schedule_id, "
              "hold_minutes, is_public, created_at, updated_at) VALUES ('e', ?, 'e', 'E', 60, ?, 10, 1, 0, 0)",
              {Int(owner_), Int(schedule)});
    });
  }
  void TearDown() override {
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  EventTypeContext Context(bool write) {
    return db_->Write([&](store::Tx& tx) { return LoadEventTypeContext(tx, "e", write, now_).value(); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::int64_t owner_ = 0;
  Instant now_ = FromStored(1893456000);                  // 2030-01-01T00:00:00Z
  Instant monday9_ = FromStored(1893456000 + 6 * 86400 + 9 * 3600);  // 2030-01-07T09:00:00Z
};

TEST_F(HoldsTest, AHoldIsBusyForEveryFaceUntilItExpires) {
  auto context = Context(true);
  auto placed = db_->Write([&](store::Tx& tx) { return PlaceHold(tx, context, monday9_, now_); });
  ASSERT_TRUE(placed.hold) << placed.refusal->error.message;
  EXPECT_EQ(placed.hold->expires_at, now_ + 10min);
  EXPECT_EQ(placed.hold->interval, (Interval{monday9_, monday9_ + 1h}));

  // Another hold, and a face's plain booking (default policy, open hours by a rule), are refused.
  auto again = db_->Write([&](store::Tx& tx) { return PlaceHold(tx, context, monday9_, now_); });
  ASSERT_TRUE(again.refusal);
  EXPECT_EQ(again.refusal->reason, Reason::kHeld);
  EXPECT_EQ(again.refusal->hold_id, placed.hold->uuid);
  EXPECT_EQ(again.refusal->error.message, "The requested time has reached maximum capacity");
  db_->Write([&](store::Tx& tx) {
    tx.Exec("INSERT INTO weekly_rules (uuid, calendar_id, iso_weekday, start_second, end_second, created_at, "
            "updated_at) VALUES ('r', ?, 1, ?, ?, 0, 0)",
            {Int(context.calendar.id), Int(9 * 3600), Int(12 * 3600)});
  });
  NewBooking face;
  face.calendar_id = context.calendar.id;
  face.face = "coach";
  face.interval = {monday9_, monday9_ + 1h};
  Policy hourly;
  hourly.query.duration = 1h;
  auto refused = Book(*db_, {&face, 1}, hourly, now_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.refusal->reason, Reason::kHeld);
  EXPECT_EQ(refused.refusal->booking_id, std::nullopt) << "a hold is no booking";

  // Snapshots read it only while alive.
  db_->Read([&](store::Tx& tx) {
    auto alive = LoadSnapshot(tx, context.calendar, {monday9_ - 1h, monday9_ + 2h}, 0s, now_ + 9min);
    ASSERT_EQ(alive.holds.size(), 1u);
    EXPECT_EQ(alive.booking_ids, std::vector<std::int64_t>{0});
    EXPECT_NE(alive.HoldAt(0), nullptr);
    auto expired = LoadSnapshot(tx, context.calendar, {monday9_ - 1h, monday9_ + 2h}, 0s, now_ + 10min);
    EXPECT_TRUE(expired.holds.empty());
    EXPECT_TRUE(expired.bookings.empty());
  });
  EXPECT_TRUE(Book(*db_, {&face, 1}, hourly, now_ + 10min).ok()) << "bookable the moment it expires";
}

TEST_F(HoldsTest, ReleasingAndFindingLiveHolds) {
  auto context = Context(true);
  auto placed = db_->Write([&](store::Tx& tx) { return PlaceHold(tx, context, monday9_, now_); });
  ASSERT_TRUE(placed.hold);
  db_->Read([&](store::Tx& tx) {
    EXPECT_TRUE(FindLiveHold(tx, placed.hold->uuid, now_ + 5min));
    EXPECT_FALSE(FindLiveHold(tx, placed.hold->uuid, now_ + 10min));
  });
  EXPECT_TRUE(db_->Write([&](store::Tx& tx) { return ReleaseHold(tx, placed.hold->uuid, now_); }));
  EXPECT_FALSE(db_->Write([&](store::Tx& tx) { return ReleaseHold(tx, placed.hold->uuid, now_); }));
  auto off_grid = db_->Write([&](store::Tx& tx) { return PlaceHold(tx, context, monday9_ + 15min, now_); });
  ASSERT_TRUE(off_grid.refusal);
  EXPECT_EQ(off_grid.refusal->reason, Reason::kOutsideHours);
}

}  // namespace
}  // namespace kairos::booking
