#include "kairos/booking/booking.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::booking {
namespace {

using namespace std::chrono_literals;
using store::Int;
using store::Text;

Instant T(std::string_view iso) { return *ParseInstant(iso); }

class BookingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kairos-booking-" + std::to_string(::getpid()) + "-" +
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

  Policy Hourly() {
    Policy p;
    p.query.duration = 1h;
    p.query.step = 30min;
    return p;
  }

  Booked BookOne(const NewBooking& b, const Policy& p) { return Book(*db_, {&b, 1}, p, now_); }

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
  Instant now_ = FromStored(1893456000);  // 2030-01-01T00:00:00Z
  std::int64_t coach_ = 0;
  std::int64_t client_ = 0;
  Calendar calendar_;
};

TEST_F(BookingTest, PersonalCalendarIsCreatedOnceInTheAccountsZone) {
  EXPECT_EQ(calendar_.timezone, "America/New_York");
  EXPECT_EQ(calendar_.kind, "personal");
  auto again = db_->Write([&](store::Tx& tx) { return PersonalCalendar(tx, coach_, now_); });
  EXPECT_EQ(again.id, calendar_.id);
  auto by_uuid = db_->Read([&](store::Tx& tx) { return FindCalendarByUuid(tx, calendar_.uuid); });
  ASSERT_TRUE(by_uuid.ok());
  EXPECT_EQ(by_uuid->id, calendar_.id);
  EXPECT_FALSE(db_->Read([&](store::Tx& tx) { return FindCalendar(tx, 999999); }).ok());
}

TEST_F(BookingTest, OnlyOfferedTimeCanBeBooked) {
  AddWeekdayHours();
  // 2030-01-07 is a Monday; 09:00 in New York is 14:00Z in winter.
  auto ok = BookOne(Request(T("2030-01-07T14:00:00Z"), 1h), Hourly());
  ASSERT_TRUE(ok.ok()) << ok.refusal->error.message;
  EXPECT_EQ(ok.bookings.at(0).uuid.size(), 36u);
  EXPECT_FALSE(BookOne(Request(T("2030-01-07T14:30:00Z"), 1h), Hourly()).ok()) << "overlaps";
  EXPECT_FALSE(BookOne(Request(T("2030-01-07T13:00:00Z"), 1h), Hourly()).ok()) << "before opening";
  EXPECT_FALSE(BookOne(Request(T("2030-01-07T15:10:00Z"), 1h), Hourly()).ok()) << "off the grid";
  EXPECT_FALSE(BookOne(Request(T("2030-01-05T14:00:00Z"), 1h), Hourly()).ok()) << "Saturday";
  EXPECT_FALSE(BookOne(Request(T("2029-12-31T14:00:00Z"), 1h), Hourly()).ok()) << "in the past";
  EXPECT_TRUE(BookOne(Request(T("2030-01-07T15:00:00Z"), 1h), Hourly()).ok()) << "touching is fine";
}

// A booking's cost follows the request, not the calendar's history: checking and inserting
// one visits the same rows (SQLite's virtual-machine steps, which do not depend on the
// machine's speed) before and after the calendar fills up with thousands of bookings in
// the weeks after it and of windows and bookings in another year.
TEST_F(BookingTest, ABookingCostsTheSameHoweverFullTheCalendarIs) {
  AddWeekdayHours();
  auto steps_of = [&](Instant start) {
    std::uint64_t before = store::SqliteVmSteps();
    auto booked = BookOne(Request(start, 1h), Hourly());
    EXPECT_TRUE(booked.ok()) << (booked.ok() ? "" : booked.refusal->error.message);
    return store::SqliteVmSteps() - before;
  };
  // 2030-01-08 is a Tuesday; 09:00 and 11:00 in New York are 14:00Z and 16:00Z.
  const std::uint64_t empty = steps_of(T("2030-01-08T14:00:00Z"));
  db_->Write([&](store::Tx& tx) {
    for (int i = 0; i < 2000; ++i) {
      // Every half hour from two days later on, and every hour a year later.
      const std::int64_t later = ToStored(T("2030-01-10T00:00:00Z")) + i * 1800;
      const std::int64_t next_year = ToStored(T("2031-03-02T00:00:00Z")) + i * 3600;
      for (std::int64_t at : {later, next_year}) {
        tx.Exec("INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, status, created_at, updated_at) "
                "VALUES (?, ?, 'coach', ?, ?, 'confirmed', 0, 0)",
                {Text("filler-" + std::to_string(i) + "-" + std::to_string(at)), Int(calendar_.id), Int(at),
                 Int(at + 1800)});
      }
      tx.Exec("INSERT INTO availability_windows (uuid, calendar_id, start_at, end_at, local_date, local_start, "
              "local_end, created_at, updated_at) VALUES (?, ?, ?, ?, '2031-03-02', '00:00:00', '00:30:00', 0, 0)",
              {Text("window-" + std::to_string(i)), Int(calendar_.id), Int(next_year), Int(next_year + 1800)});
    }
  });
  const std::uint64_t full = steps_of(T("2030-01-08T16:00:00Z"));
  EXPECT_GT(empty, 0u);
  EXPECT_LE(full, empty + empty / 20) << "empty calendar: " << empty << " steps, full: " << full;
}

TEST_F(BookingTest, DefaultRulesApplyOnlyWhenNothingIsDefined) {
  Policy p = Hourly();
  p.undefined_time = UndefinedTimePolicy::kDefaultRulesIfNone;
  p.default_rules.push_back({2, 9h, 17h, {}, {}, 1, 0});  // Tuesdays
  EXPECT_TRUE(BookOne(Request(T("2030-01-08T14:00:00Z"), 1h), p).ok());
  EXPECT_FALSE(BookOne(Request(T("2030-01-07T14:00:00Z"), 1h), p).ok());
}

TEST_F(BookingTest, EveryKindOfHoldingIsBusy) {
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
  meeting.status = BookingStatus::kActive;
  ASSERT_TRUE(BookOne(meeting, Hourly()).ok());

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
  EXPECT_TRUE(BookOne(Request(T("2030-01-07T20:00:00Z"), 1h), Hourly()).ok());
}

TEST_F(BookingTest, RacingBookersNeverExceedCapacity) {
  AddWeekdayHours();
  constexpr int kThreads = 16;
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      // Half race for 14:00-15:00, half for overlapping 14:30-16:30 and 14:00-16:00.
      auto start = i % 2 == 0 ? T("2030-01-07T14:00:00Z") : T("2030-01-07T14:30:00Z");
      auto length = i % 3 == 0 ? std::chrono::seconds(2h) : std::chrono::seconds(1h);
      Policy p = Hourly();
      p.query.duration = length;
      if (BookOne(Request(start, length), p).ok()) ++wins;
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

// Monday 2030-01-07, 09:00 in New York.
const Instant kMonday9 = T("2030-01-07T14:00:00Z");

TEST_F(BookingTest, RefusalsSayWhichCalendarAndWhy) {
  AddWeekdayHours();
  auto reason = [&](const NewBooking& b, const Policy& p) {
    auto booked = BookOne(b, p);
    EXPECT_FALSE(booked.ok());
    if (booked.ok()) return Reason::kInvalid;
    EXPECT_EQ(booked.refusal->calendar_id, calendar_.id);
    return booked.refusal->reason;
  };
  EXPECT_EQ(reason(Request(T("2030-01-05T14:00:00Z"), 1h), Hourly()), Reason::kOutsideHours) << "Saturday";
  EXPECT_EQ(reason(Request(kMonday9 + 10min, 1h), Hourly()), Reason::kOutsideHours) << "off the grid";
  EXPECT_EQ(reason(Request(T("2029-12-31T14:00:00Z"), 1h), Hourly()), Reason::kTooSoon) << "in the past";
  EXPECT_EQ(reason(Request(kMonday9, 0s), Hourly()), Reason::kInvalid);

  db_->Write([&](store::Tx& tx) {
    tx.Exec("INSERT INTO blocked_days (calendar_id, local_date, blocked_hours, created_at, updated_at) "
            "VALUES (?, '2030-01-08', '9', 0, 0)",
            {Int(calendar_.id)});
  });
  EXPECT_EQ(reason(Request(kMonday9 + 24h, 1h), Hourly()), Reason::kBlocked);

  auto first = BookOne(Request(kMonday9, 1h), Hourly());
  ASSERT_TRUE(first.ok());
  auto taken = BookOne(Request(kMonday9 + 30min, 1h), Hourly());
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.refusal->reason, Reason::kTaken);
  EXPECT_EQ(taken.refusal->booking_id, first.bookings[0].id);
  EXPECT_EQ(taken.refusal->error.code, ErrorCode::kConflict);
}

TEST_F(BookingTest, FullWhenEveryPlaceIsHeld) {
  AddWeekdayHours();
  db_->Write([&](store::Tx& tx) { tx.Exec("UPDATE weekly_rules SET capacity = 2"); });
  EXPECT_TRUE(BookOne(Request(kMonday9, 1h), Hourly()).ok());
  EXPECT_TRUE(BookOne(Request(kMonday9, 1h), Hourly()).ok());
  auto third = BookOne(Request(kMonday9, 1h), Hourly());
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.refusal->reason, Reason::kFull);
  EXPECT_TRUE(third.refusal->booking_id.has_value());
}

TEST_F(BookingTest, ALoadedSnapshotIsJudgedAsALoadedOne) {
  AddWeekdayHours();
  // What the caller loaded under the lock decides, exactly as Book's own load would.
  auto book_on = [&](const NewBooking& b) {
    Booked out;
    db_->WriteTx([&](store::Tx& tx) {
      LockCalendars(tx, {b.calendar_id});
      CalendarSnapshot day = LoadSnapshot(tx, calendar_, AroundLocalDays(b.interval));
      out = BookOn(tx, {&b, 1}, Hourly(), now_, {&day, 1});
      return out.ok();
    });
    return out;
  };
  auto first = book_on(Request(kMonday9, 1h));
  ASSERT_TRUE(first.ok()) << first.refusal->error.message;
  auto taken = book_on(Request(kMonday9 + 30min, 1h));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.refusal->reason, Reason::kTaken);
  EXPECT_EQ(taken.refusal->booking_id, first.bookings[0].id);
  EXPECT_EQ(book_on(Request(kMonday9 + 10min, 1h)).refusal->reason, Reason::kOutsideHours) << "off the grid";
  EXPECT_EQ(book_on(Request(kMonday9 + 2h, 0s)).refusal->reason, Reason::kInvalid);

  // A snapshot of another calendar (or none) judges nothing.
  NewBooking elsewhere = Request(kMonday9 + 2h, 1h);
  elsewhere.calendar_id = calendar_.id + 1;
  EXPECT_EQ(book_on(elsewhere).refusal->reason, Reason::kInvalid);
  NewBooking unloaded = Request(kMonday9 + 2h, 1h);
  auto none = db_->Write([&](store::Tx& tx) { return BookOn(tx, {&unloaded, 1}, Hourly(), now_, {}); });
  EXPECT_EQ(none.refusal->reason, Reason::kInvalid);
  EXPECT_TRUE(BookOne(Request(kMonday9 + 2h, 1h), Hourly()).ok()) << "nothing was booked by the refusals";
}

TEST_F(BookingTest, MinimumNoticeRefusesWhatIsTooSoon) {
  AddWeekdayHours();
  Policy p = Hourly();
  p.query.min_notice = 7 * 24h;  // now is 2030-01-01T00:00Z
  auto too_soon = BookOne(Request(T("2030-01-02T14:00:00Z"), 1h), p);  // Wednesday
  ASSERT_FALSE(too_soon.ok());
  EXPECT_EQ(too_soon.refusal->reason, Reason::kTooSoon);
  EXPECT_TRUE(BookOne(Request(T("2030-01-08T14:00:00Z"), 1h), p).ok()) << "a week ahead";
  // The listing under the same policy offers nothing before the notice ends.
  auto listed = db_->Read([&](store::Tx& tx) {
    return ListFree(tx, calendar_, {T("2030-01-02T00:00:00Z"), T("2030-01-09T00:00:00Z")}, p, now_);
  });
  ASSERT_TRUE(listed.ok());
  ASSERT_FALSE(listed->empty());
  EXPECT_GE(listed->front().interval.start, now_ + 7 * 24h);
}

TEST_F(BookingTest, HorizonRefusesWhatIsTooFar) {
  AddWeekdayHours();
  Policy p = Hourly();
  p.query.horizon = std::chrono::seconds(7 * 24h);
  EXPECT_TRUE(BookOne(Request(kMonday9, 1h), p).ok()) << "six days ahead";
  auto far = BookOne(Request(kMonday9 + 7 * 24h, 1h), p);
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.refusal->reason, Reason::kTooFar);
  EXPECT_EQ(far.refusal->error.code, ErrorCode::kInvalidArgument);
}

TEST_F(BookingTest, PerDayLimitCountsTheLocalDay) {
  AddWeekdayHours();
  Policy p = Hourly();
  p.query.per_day_limit = 1;
  EXPECT_TRUE(BookOne(Request(kMonday9, 1h), p).ok());
  auto second = BookOne(Request(kMonday9 + 3h, 1h), p);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.refusal->reason, Reason::kLimitReached);
  EXPECT_TRUE(BookOne(Request(kMonday9 + 24h, 1h), p).ok()) << "Tuesday is another day";
  auto listed = db_->Read([&](store::Tx& tx) {
    return ListFree(tx, calendar_, {kMonday9, kMonday9 + 8h}, p, now_);
  });
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "Monday is full";
}

TEST_F(BookingTest, BuffersKeepTimeAroundABooking) {
  AddWeekdayHours();
  Policy p = Hourly();
  p.query.buffer_after = 30min;
  auto first = BookOne(Request(kMonday9, 1h), p);
  ASSERT_TRUE(first.ok());
  auto adjacent = BookOne(Request(kMonday9 + 1h, 1h), p);
  ASSERT_FALSE(adjacent.ok());
  EXPECT_EQ(adjacent.refusal->reason, Reason::kBuffer);
  EXPECT_EQ(adjacent.refusal->booking_id, first.bookings[0].id);
  EXPECT_TRUE(BookOne(Request(kMonday9 + 90min, 1h), p).ok()) << "after the buffer";
  auto listed = db_->Read([&](store::Tx& tx) {
    return ListFree(tx, calendar_, {kMonday9, kMonday9 + 3h}, p, now_);
  });
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "14:00 and 15:30 are booked; 15:00 and 16:30 fall in their buffers";
}

TEST_F(BookingTest, SeveralCalendarsAreBookedAllOrNothing) {
  AddWeekdayHours();
  std::int64_t other_owner = AddAccount("other", "America/New_York");
  Calendar other = db_->Write([&](store::Tx& tx) { return PersonalCalendar(tx, other_owner, now_); });
  db_->Write([&](store::Tx& tx) {
    tx.Exec("INSERT INTO weekly_rules (uuid, calendar_id, iso_weekday, start_second, end_second, created_at, "
            "updated_at) VALUES ('other-mon', ?, 1, ?, ?, 0, 0)",
            {Int(other.id), Int(9 * 3600), Int(17 * 3600)});
  });
  auto both = [&](Instant start) {
    std::vector<NewBooking> requests{Request(start, 1h), Request(start, 1h)};
    requests[1].calendar_id = other.id;
    return Book(*db_, requests, Hourly(), now_);
  };
  auto count = [&] { return db_->Read([&](store::Tx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM bookings")->Int(0); }); };

  // The other calendar is open on Mondays only: on Tuesday neither is booked.
  auto tuesday = both(kMonday9 + 24h);
  ASSERT_FALSE(tuesday.ok());
  EXPECT_EQ(tuesday.refusal->calendar_id, other.id);
  EXPECT_EQ(tuesday.refusal->reason, Reason::kOutsideHours);
  EXPECT_EQ(count(), 0);

  auto monday = both(kMonday9);
  ASSERT_TRUE(monday.ok());
  ASSERT_EQ(monday.bookings.size(), 2u);
  EXPECT_EQ(monday.bookings[0].calendar_id, calendar_.id);
  EXPECT_EQ(monday.bookings[1].calendar_id, other.id);

  // One of them is now taken, so a second pair fails as a whole.
  EXPECT_TRUE(BookOne(Request(kMonday9 + 2h, 1h), Hourly()).ok());
  auto again = both(kMonday9 + 2h);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.refusal->calendar_id, calendar_.id);
  EXPECT_EQ(again.refusal->reason, Reason::kTaken);
  EXPECT_EQ(count(), 3);
}

TEST_F(BookingTest, StatusChangesFollowTheMachine) {
  AddWeekdayHours();
  auto booked = BookOne(Request(kMonday9, 1h), Hourly());
  ASSERT_TRUE(booked.ok());
  const std::int64_t id = booked.bookings[0].id;
  auto set = [&](BookingStatus to) { return db_->Write([&](store::Tx& tx) { return SetStatus(tx, id, to, now_); }); };
  auto confirmed = set(BookingStatus::kConfirmed);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(*confirmed, BookingStatus::kPending);
  EXPECT_FALSE(set(BookingStatus::kPending).ok());
  EXPECT_FALSE(BookOne(Request(kMonday9, 1h), Hourly()).ok()) << "confirmed holds the time";
  ASSERT_TRUE(set(BookingStatus::kCancelled).ok());
  EXPECT_FALSE(set(BookingStatus::kConfirmed).ok()) << "cancelled is final";
  EXPECT_TRUE(BookOne(Request(kMonday9, 1h), Hourly()).ok()) << "a cancelled booking gives its time back";
  auto missing = db_->Write([&](store::Tx& tx) { return SetStatus(tx, 999999, BookingStatus::kCancelled, now_); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(BookingTest, TeamSlotsAcrossCalendars) {
  AddWeekdayHours();  // Monday to Friday, 09-17 New York
  std::int64_t other_owner = AddAccount("teammate", "America/New_York");
  Calendar other = db_->Write([&](store::Tx& tx) { return PersonalCalendar(tx, other_owner, now_); });
  db_->Write([&](store::Tx& tx) {
    tx.Exec("INSERT INTO weekly_rules (uuid, calendar_id, iso_weekday, start_second, end_second, created_at, "
            "updated_at) VALUES ('mate-mon', ?, 1, ?, ?, 0, 0)",
            {Int(other.id), Int(9 * 3600), Int(12 * 3600)});  // Monday mornings only
  });
  ASSERT_TRUE(BookOne(Request(kMonday9, 1h), Hourly()).ok());  // the first calendar's 09:00
  Policy p = Hourly();
  p.query.step = 1h;
  const Interval monday{kMonday9, kMonday9 + 8h};
  std::vector<Calendar> team{calendar_, other};
  auto starts = [&](Sharing sharing) {
    auto slots = db_->Read([&](store::Tx& tx) { return ListShared(tx, team, monday, p, sharing, now_); });
    EXPECT_TRUE(slots.ok());
    std::vector<std::string> out;
    if (!slots.ok()) return out;
    for (const SharedSlot& s : *slots) out.push_back(FormatUtc(s.interval.start) + "/" + std::to_string(s.calendars.size()));
    return out;
  };
  // Both free: 10:00 and 11:00 local (15Z, 16Z).
  EXPECT_EQ(starts(Sharing::kAll), (std::vector<std::string>{"2030-01-07T15:00:00Z/2", "2030-01-07T16:00:00Z/2"}));
  // Either free: 09:00 only the teammate, 10-11 both, the afternoon only the first.
  auto any = starts(Sharing::kAny);
  ASSERT_EQ(any.size(), 8u);
  EXPECT_EQ(any.front(), "2030-01-07T14:00:00Z/1");
  EXPECT_EQ(any[1], "2030-01-07T15:00:00Z/2");
  EXPECT_EQ(any.back(), "2030-01-07T21:00:00Z/1");
}

TEST_F(BookingTest, APolicyThatLaysItsOwnWindowsSkipsTheCalendars) {
  AddWeekdayHours();
  ASSERT_TRUE(BookOne(Request(kMonday9, 1h), Hourly()).ok());
  const Interval day{T("2030-01-07T00:00:00Z"), T("2030-01-08T00:00:00Z")};
  Policy own = Hourly();
  own.own_windows = OwnWindows::kSkip;
  auto full = db_->Read([&](store::Tx& tx) { return LoadFor(tx, calendar_, day, Hourly()); });
  auto skipped = db_->Read([&](store::Tx& tx) { return LoadFor(tx, calendar_, day, own); });
  EXPECT_EQ(full.weekly_rules.size(), 5u);
  EXPECT_TRUE(skipped.weekly_rules.empty());
  EXPECT_TRUE(skipped.one_off_windows.empty());
  EXPECT_EQ(skipped.booking_ids, full.booking_ids) << "what holds the time is loaded all the same";
}

TEST_F(BookingTest, SnapshotsOfSeveralCalendarsMatchOneAtATime) {
  AddWeekdayHours();
  std::int64_t other_owner = AddAccount("paris", "Europe/Paris");
  Calendar other = db_->Write([&](store::Tx& tx) { return PersonalCalendar(tx, other_owner, now_); });
  ASSERT_TRUE(BookOne(Request(kMonday9, 1h), Hourly()).ok());
  db_->Write([&](store::Tx& tx) {
    tx.Exec("INSERT INTO blocked_days (calendar_id, local_date, blocked_hours, created_at, updated_at) "
            "VALUES (?, '2030-01-07', '8,9', 0, 0)",
            {Int(other.id)});
    tx.Exec("INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, status, created_at, updated_at) "
            "VALUES ('b-other', ?, 'meeting', ?, ?, 'active', 0, 0)",
            {Int(other.id), Int(ToStored(kMonday9 + 2h)), Int(ToStored(kMonday9 + 3h))});
  });
  const Interval day{T("2030-01-07T00:00:00Z"), T("2030-01-08T00:00:00Z")};
  std::vector<Calendar> both{calendar_, other};
  auto together = db_->Read([&](store::Tx& tx) { return LoadSnapshots(tx, both, day); });
  ASSERT_EQ(together.size(), 2u);
  for (std::size_t i = 0; i < both.size(); ++i) {
    auto alone = db_->Read([&](store::Tx& tx) { return LoadSnapshot(tx, both[i], day); });
    EXPECT_EQ(together[i].calendar.id, both[i].id);
    EXPECT_EQ(together[i].weekly_rules.size(), alone.weekly_rules.size());
    EXPECT_EQ(together[i].blocked, alone.blocked);
    EXPECT_EQ(together[i].booking_ids, alone.booking_ids);
  }
  EXPECT_EQ(together[0].weekly_rules.size(), 5u);
  EXPECT_EQ(together[0].booking_ids.size(), 1u);
  EXPECT_EQ(together[1].weekly_rules.size(), 0u);
  EXPECT_EQ(together[1].blocked.size(), 2u);
  EXPECT_EQ(together[1].booking_ids.size(), 1u);
}

TEST(BlockedHours, ParsesOnlyHoursOfTheDay) {
  EXPECT_EQ(ParseBlockedHours("10,15,17"), (std::vector<int>{10, 15, 17}));
  EXPECT_EQ(ParseBlockedHours("0,23,24,-1,9x,,7"), (std::vector<int>{0, 23, 7}));
  EXPECT_TRUE(ParseBlockedHours("").empty());
}

}  // namespace
}  // namespace kairos::booking
