#include "kairos/service/coach_bookings.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/booking.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service {

using namespace kairos::booking;  // calendars, snapshots and the booking path
namespace {

using namespace std::chrono_literals;
using store::Int;
using store::Text;

Instant T(std::string_view iso) { return *ParseInstant(iso); }

class CoachBookingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kairos-coach-" + auth::NewUuid());
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    accounts_ = std::make_unique<Accounts>(*db_, hasher_, AccountsOptions{});
    bookings_ = std::make_unique<CoachBookings>(*db_, *accounts_);
    coach_ = Make("coach", auth::Role::kCoach, "Asia/Kolkata");
    client_ = Make("client", auth::Role::kClient);
  }
  void TearDown() override {
    bookings_.reset();
    accounts_.reset();
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  Account Make(const std::string& username, auth::Role role, const std::string& tz = "UTC") {
    auto a = accounts_->Create({.username = username, .email = username + "@example.com", .password = "password1",
                                .timezone = tz, .role = role});
    EXPECT_TRUE(a.ok()) << a.error().message;
    return *a;
  }
  static auth::Principal As(const Account& a) { return {.account_id = a.id, .account_uuid = a.uuid, .role = a.role}; }

  Result<CoachSession> Book(Instant start, std::chrono::minutes length = 60min) {
    return bookings_->Create(As(client_), {.coach_uuid = coach_.uuid, .start = start, .length = length}, now_);
  }
  std::vector<Interval> Offered(Instant from, Instant to, std::chrono::minutes length = 60min) {
    auto slots = bookings_->Availability(coach_.uuid, {.range = {from, to}, .length = length}, now_);
    EXPECT_TRUE(slots.ok()) << slots.error().message;
    return slots.ok() ? *slots : std::vector<Interval>{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  auth::PasswordHasher hasher_{{1, 8192}, 2};
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<CoachBookings> bookings_;
  Account coach_, client_;
  Instant now_ = T("2030-01-01T00:00:00Z");
};

TEST(SessionStatusTest, TransitionTableIsTheDocuments) {
  using S = SessionStatus;
  const S all[] = {S::kPending, S::kConfirmed, S::kCompleted, S::kCancelled};
  for (S from : all) {
    for (S to : all) {
      bool expected = (from == S::kPending && (to == S::kConfirmed || to == S::kCancelled)) ||
                      (from == S::kConfirmed && (to == S::kCompleted || to == S::kCancelled));
      EXPECT_EQ(SessionTransitionAllowed(from, to), expected)
          << SessionStatusName(from) << " -> " << SessionStatusName(to);
    }
    EXPECT_EQ(*ParseSessionStatus(SessionStatusName(from)), from);
  }
  EXPECT_EQ(ParseSessionStatus("Pending").error().field, "status");
  EXPECT_FALSE(ParseSessionStatus("active").ok()) << "a meeting status, not a session status";
}

TEST_F(CoachBookingsTest, FallbackHoursAreTheCoachsLocalWorkingDay) {
  // Monday 2030-01-07, 09:00–17:00 in Kolkata is 03:30–11:30 UTC.
  auto slots = Offered(T("2030-01-07T00:00:00Z"), T("2030-01-08T00:00:00Z"));
  ASSERT_EQ(slots.size(), 15u);
  EXPECT_EQ(slots.front().start, T("2030-01-07T03:30:00Z"));
  EXPECT_EQ(slots.back().end, T("2030-01-07T11:30:00Z"));
  EXPECT_TRUE(Offered(T("2030-01-05T00:00:00Z"), T("2030-01-07T00:00:00Z")).empty()) << "weekend";
}

TEST_F(CoachBookingsTest, AvailabilityDefinedAnywhereReplacesTheFallbackForListingAndBooking) {
  ASSERT_TRUE(Book(T("2030-01-07T04:00:00Z")).ok());  // creates the calendar
  // A single window a month later: the coach now defines availability, so Monday's
  // fallback hours are gone for both paths, even though the window is outside the range.
  db_->Write([&](store::Tx& tx) {
    auto cal = FindPersonalCalendar(tx, coach_.id);
    tx.Exec("INSERT INTO availability_windows (uuid, calendar_id, start_at, end_at, local_date, local_start, "
            "local_end, created_at, updated_at) VALUES ('w', ?, ?, ?, '2030-02-04', '10:00', '12:00', 0, 0)",
            {Int(cal->id), Int(ToStored(T("2030-02-04T04:30:00Z"))), Int(ToStored(T("2030-02-04T06:30:00Z")))});
  });
  EXPECT_TRUE(Offered(T("2030-01-07T00:00:00Z"), T("2030-01-08T00:00:00Z")).empty());
  EXPECT_EQ(Book(T("2030-01-07T05:00:00Z")).error().message, "Time slot is not available");
  EXPECT_EQ(Offered(T("2030-02-04T00:00:00Z"), T("2030-02-05T00:00:00Z")).size(), 3u);
  EXPECT_TRUE(Book(T("2030-02-04T05:00:00Z")).ok());
}

TEST_F(CoachBookingsTest, CreateChecksTimeLengthRoleAndCoach) {
  EXPECT_EQ(bookings_->Create(As(client_), {.coach_uuid = coach_.uuid, .start = now_}, now_).error().message,
            "Session must be scheduled in the future");
  EXPECT_EQ(Book(T("2030-01-07T04:00:00Z"), 14min).error().field, "duration_minutes");
  EXPECT_EQ(Book(T("2030-01-07T04:00:00Z"), 481min).error().field, "duration_minutes");
  EXPECT_EQ(bookings_->Create(As(coach_), {.coach_uuid = coach_.uuid, .start = T("2030-01-07T04:00:00Z")}, now_)
                .error()
                .code,
            ErrorCode::kForbidden);
  EXPECT_EQ(bookings_->Create(As(client_), {.coach_uuid = client_.uuid, .start = T("2030-01-07T04:00:00Z")}, now_)
                .error()
                .message,
            "Coach not found");
  auto made = Book(T("2030-01-07T04:00:00Z"), 480min - 30min);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->status, SessionStatus::kPending);
  EXPECT_EQ(made->client->uuid, client_.uuid);
  EXPECT_EQ(made->coach.name, "coach");
  EXPECT_EQ(made->created_at, now_);
  EXPECT_EQ(Book(T("2030-01-07T10:30:00Z"), 30min).error().message, "Time slot is not available") << "held";
}

TEST_F(CoachBookingsTest, CompletingWaitsForTheEnd) {
  auto s = Book(T("2030-01-07T04:00:00Z"));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(bookings_->ChangeStatus(As(coach_), s->uuid, SessionStatus::kConfirmed, now_).ok());
  EXPECT_EQ(bookings_->ChangeStatus(As(coach_), s->uuid, SessionStatus::kCompleted, T("2030-01-07T04:59:59Z"))
                .error()
                .message,
            "Cannot complete a session that has not ended");
  auto done = bookings_->ChangeStatus(As(coach_), s->uuid, SessionStatus::kCompleted, T("2030-01-07T05:00:00Z"));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->updated_at, T("2030-01-07T05:00:00Z"));
  EXPECT_EQ(bookings_->Cancel(As(client_), s->uuid, now_).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(CoachBookingsTest, ListsCountBeforePaging) {
  for (const char* t : {"2030-01-07T04:00:00Z", "2030-01-07T05:00:00Z", "2030-01-07T06:00:00Z"}) {
    ASSERT_TRUE(Book(T(t)).ok());
  }
  auto page = bookings_->ListForCoach(As(coach_), coach_.uuid, {.skip = 1, .limit = 1});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->sessions.size(), 1u);
  EXPECT_EQ(page->sessions[0].interval.start, T("2030-01-07T05:00:00Z"));
  EXPECT_EQ(bookings_->ListForClient(As(client_), client_.uuid, {.limit = 101}).error().field, "limit");
  EXPECT_EQ(bookings_->ListForClient(As(client_), client_.uuid, {.skip = -1}).error().field, "skip");
  EXPECT_EQ(bookings_->ListForClient(As(coach_), client_.uuid, {}).error().code, ErrorCode::kForbidden);
}

}  // namespace
}  // namespace kairos::service
