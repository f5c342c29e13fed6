#include "kairos/service/meetings.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "kairos/auth/password_hasher.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service {
namespace {

using store::Text;

Instant T(std::string_view iso) { return *ParseInstant(iso); }
Date D(std::string_view day) { return *ParseDate(day); }
LocalDateTime L(std::string_view local) { return *ParseLocalDateTime(local); }

std::vector<int> AllHoursBut(std::initializer_list<int> out) {
  std::vector<int> hours;
  for (int h = 0; h < kHoursPerDay; ++h) {
    if (std::find(out.begin(), out.end(), h) == out.end()) hours.push_back(h);
  }
  return hours;
}

class MeetingsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kairos-meetings-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    accounts_ = std::make_unique<Accounts>(*db_, hasher_, AccountsOptions{});
    meetings_ = std::make_unique<Meetings>(*db_, *accounts_);
  }
  void TearDown() override {
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  auth::Principal AddAccount(const std::string& name, const std::string& tz) {
    auth::Principal p;
    p.account_id = db_->Write([&](store::Tx& tx) {
      return tx.Query(
                   "INSERT INTO accounts (uuid, username, username_key, email, email_key, role, timezone, created_at, "
                   "updated_at) VALUES (?, ?, ?, ?, ?, 'client', ?, 0, 0) RETURNING id",
                   {Text(name + "-uuid"), Text(name), Text(name), Text(name + "@example.com"),
                    Text(name + "@example.com"), Text(tz)})
          .at(0)
          .Int(0);
    });
    return p;
  }

  MeetingFields NewMeeting(std::string_view time_slot, std::vector<std::string> participants) {
    MeetingFields m;
    m.title = "t";
    m.description = "d";
    m.time_slot = L(time_slot);
    m.participants = std::move(participants);
    return m;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  auth::PasswordHasher hasher_{auth::HashParams{1, 8192}, 1};
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Meetings> meetings_;
  Instant now_ = T("2030-01-01T00:00:00Z");
};

TEST_F(MeetingsServiceTest, DstSkipsAndRepeatsLocalHours) {
  auto ny = AddAccount("ny", "America/New_York");
  // 2030-03-10: clocks jump from 02:00 to 03:00, so hour 2 does not exist.
  auto spring = meetings_->Hours(ny, "", D("2030-03-10"));
  ASSERT_TRUE(spring.ok());
  EXPECT_EQ(spring->available, AllHoursBut({2}));
  // 2030-11-03: 01:00 happens twice; the hour is there, once.
  auto fall = meetings_->Hours(ny, "", D("2030-11-03"));
  ASSERT_TRUE(fall.ok());
  EXPECT_EQ(fall->available, AllHoursBut({}));
  auto blocked = meetings_->BlockHours(ny, D("2030-03-10"), {3, 2, 3}, now_);
  ASSERT_TRUE(blocked.ok()) << blocked.error().message;
  EXPECT_EQ(blocked->blocked, (std::vector<int>{2, 3}));
  EXPECT_EQ(blocked->available, AllHoursBut({2, 3}));
}

TEST_F(MeetingsServiceTest, BlockHoursRefusesHoursOutsideTheDay) {
  auto a = AddAccount("a", "UTC");
  for (int h : {-1, 24}) {
    auto r = meetings_->BlockHours(a, D("2030-05-01"), {h}, now_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "blocked_slots");
  }
}

// Listing one's meetings and reading one's day visit the same rows (SQLite's virtual-machine
// steps) before and after other people fill the server with meetings, and the caller's
// own calendar with past ones.
TEST_F(MeetingsServiceTest, ListingAndADayCostTheSameHoweverManyMeetingsExist) {
  const Instant listed_at = T("2031-01-01T00:00:00Z");
  auto me = AddAccount("me", "UTC");
  auto mine = meetings_->Create(me, NewMeeting("2031-02-01 10:00:00", {}), now_);
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  auto steps = [&] {
    std::uint64_t before = store::SqliteVmSteps();
    auto page = meetings_->Upcoming(me, {}, listed_at);
    EXPECT_TRUE(page.ok());
    EXPECT_EQ(page->count, 1);
    EXPECT_TRUE(meetings_->Hours(me, "", D("2031-02-01")).ok());
    return store::SqliteVmSteps() - before;
  };
  const std::uint64_t few = steps();
  auto other = AddAccount("other", "UTC");
  auto guest = AddAccount("guest", "UTC");
  auto day_of = [](int year, int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d-%02d-%02d %02d:00:00", year, 3 + i / 12 / 28, 1 + i / 12 % 28, 8 + i % 12);
    return std::string(buf);
  };
  for (int i = 0; i < 300; ++i) {
    // Other people's meetings after the listing's now, and the caller's own before it.
    ASSERT_TRUE(meetings_->Create(other, NewMeeting(day_of(2031, i), {"guest@example.com"}), now_).ok());
    ASSERT_TRUE(meetings_->Create(me, NewMeeting(day_of(2030, i), {}), now_).ok());
  }
  const std::uint64_t many = steps();
  EXPECT_GT(few, 0u);
  EXPECT_LE(many, few + few / 20) << "few meetings: " << few << " steps, many: " << many;
}

TEST_F(MeetingsServiceTest, UpdateKeepsItsOwnHourAndRollsBackOnConflict) {
  auto org = AddAccount("org", "UTC");
  auto guest = AddAccount("guest", "Asia/Kolkata");
  auto m = meetings_->Create(org, NewMeeting("2030-05-01 10:00:00", {"guest@example.com"}), now_);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->participants, (std::vector<std::string>{"guest@example.com", "org@example.com"}));
  auto other = meetings_->Create(guest, NewMeeting("2030-05-01 17:30:00", {}), now_);
  ASSERT_FALSE(other.ok()) << "not on the hour in Kolkata";
  other = meetings_->Create(guest, NewMeeting("2030-05-01 17:00:00", {}), now_);  // 11:30Z
  ASSERT_TRUE(other.ok()) << other.error().message;

  MeetingFields same;
  same.time_slot = L("2030-05-01 10:00:00");
  same.title = "renamed";
  auto kept = meetings_->Update(org, m->id, same, now_);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(kept->title, "renamed");

  MeetingFields clash;
  clash.time_slot = L("2030-05-01 11:00:00");
  clash.title = "lost";
  auto refused = meetings_->Update(org, m->id, clash, now_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "Time slot is conflicting with another event for user : guest@example.com");
  auto page = meetings_->Upcoming(org, {}, now_);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->meetings.size(), 1u);
  EXPECT_EQ(page->meetings[0].title, "renamed");
  EXPECT_EQ(page->meetings[0].interval.start, T("2030-05-01T10:00:00Z"));
  EXPECT_EQ(page->meetings[0].participants.size(), 2u) << "the bookings came back with the rollback";
  EXPECT_EQ(meetings_->Hours(guest, "", D("2030-05-01"))->available, AllHoursBut({15, 16, 17}))
      << "10:00Z and 11:30Z are 15:30 and 17:00 in Kolkata";
}

}  // namespace
}  // namespace kairos::service
