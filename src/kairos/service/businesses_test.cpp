#include "kairos/service/businesses.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "kairos/auth/crypto.hpp"
#include "kairos/auth/password_hasher.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service {
namespace {

using namespace std::chrono_literals;

Date D(int y, unsigned m, unsigned d) { return Date{date::year{y}, date::month{m}, date::day{d}}; }

class BusinessesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kairos-business-" + auth::NewUuid());
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    accounts_ = std::make_unique<Accounts>(*db_, hasher_, AccountsOptions{});
    auto owner = accounts_->Create({.username = "owner", .email = "owner@example.com", .password = "password1"});
    ASSERT_TRUE(owner.ok()) << owner.error().message;
    owner_ = {.account_id = owner->id, .account_uuid = owner->uuid, .role = owner->role};
    businesses_ = std::make_unique<Businesses>(*db_);
  }
  void TearDown() override {
    businesses_.reset();
    accounts_.reset();
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  Exchange Make(const std::string& timezone, TimeOfDay open, TimeOfDay close, int capacity) {
    ExchangeInput in;
    in.business_name = "Shop";
    in.timezone = timezone;
    in.default_capacity = capacity;
    in.operating_hours = std::vector<OpeningHours>{};
    for (int day = 1; day <= 7; ++day) in.operating_hours->push_back({"", day, false, open, close});
    auto e = businesses_->CreateExchange(owner_, in, now_);
    EXPECT_TRUE(e.ok()) << e.error().message;
    return *e;
  }
  Result<ExchangeBooking> Book(const Exchange& e, Date day, TimeOfDay start, TimeOfDay end) {
    return businesses_->Book(owner_, {e.uuid, day, start, end, "Jane", "jane@example.com", {}, {}}, now_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  auth::PasswordHasher hasher_{{1, 8192}, 2};
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Businesses> businesses_;
  auth::Principal owner_;
  Instant now_ = *ParseInstant("2026-12-01T00:00:00Z");
};

// Offered by the listing ⇔ accepted by booking, for every start on a 5-minute grid and
// several lengths, on an ordinary day and across the spring-forward gap in New York.
TEST_F(BusinessesTest, BookingAcceptsExactlyWhatTheListingOffers) {
  Exchange e = Make("America/New_York", 0h, 6h, kMaxSlotCapacity);
  for (Date day : {D(2030, 1, 7), D(2030, 3, 10)}) {
    for (int minutes : {30, 45, 60, 90}) {
      auto listing = businesses_->AvailableSlots(e.uuid, day, minutes, now_);
      ASSERT_TRUE(listing.ok()) << listing.error().message;
      std::vector<TimeOfDay> offered;
      for (const DaySlot& s : listing->slots) {
        if (s.is_available) offered.push_back(s.start_time);
      }
      for (TimeOfDay start = 0s; start + std::chrono::minutes(minutes) <= 6h; start += 5min) {
        // Local times in the gap do not exist; they mean the time after it (RFC 5545), so
        // the listing names those slots by their real local start.
        auto in_gap = [&](TimeOfDay t) { return day == D(2030, 3, 10) && t >= 2h && t < 3h; };
        if (in_gap(start) || in_gap(start + std::chrono::minutes(minutes))) continue;
        bool listed = std::find(offered.begin(), offered.end(), start) != offered.end();
        auto booked = Book(e, day, start, start + std::chrono::minutes(minutes));
        EXPECT_EQ(booked.ok(), listed) << FormatDate(day) << " " << FormatHourMinute(start) << " +" << minutes
                                       << (booked.ok() ? "" : ": " + booked.error().message);
      }
    }
  }
}

// Local days from 2027 to 2037 that are not 24 hours long, or that change offset at
// their very end (a gap at the end of the day makes the day short, so it is among them).
std::vector<Date> TransitionDays(Zone zone) {
  std::vector<Date> out;
  for (date::sys_days d{D(2027, 1, 1)}; d <= date::sys_days{D(2037, 12, 31)}; d += date::days{1}) {
    if (LocalDayBounds(Date{d}, zone).length() != 24h) out.push_back(Date{d});
  }
  return out;
}

// The wall-clock time on `day` at which the offset changes, read before the change
// (24:00 when it changes at the end of the day).
TimeOfDay TransitionTime(Date day, Zone zone) {
  Interval bounds = LocalDayBounds(day, zone);
  for (Instant t = bounds.start; t < bounds.end; t += 1min) {
    if (UtcOffset(t, zone) != UtcOffset(t + 1min, zone)) return TimeOfDayOf(ToLocal(t, zone)) + 1min;
  }
  return 12h;
}

// Across DST transitions in zones with gaps and repeated hours (some at the end of the
// day, some of 30 minutes), with random opening hours and slot lengths: every listed
// available slot books with the times the listing gives, and a booking of any other time
// is refused, unless its real interval is a listed available slot of its real length.
TEST_F(BusinessesTest, AcrossTransitionsListingAndBookingAgree) {
  std::mt19937 rng(20270328);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const std::vector<int> lengths{5, 7, 10, 15, 20, 25, 30, 45, 50, 60, 75, 90, 120, 180, 240, 480};
  int cases = 0;
  int listed_total = 0;
  for (const char* name : {"America/New_York", "America/Nuuk", "America/Scoresbysund", "Pacific/Easter",
                           "Australia/Lord_Howe", "Europe/London"}) {
    Zone zone = *FindZone(name);
    std::vector<Date> days = TransitionDays(zone);
    ASSERT_GE(days.size(), 20u) << name;
    for (int n = 0; n < 12; ++n) {
      Date day = days[uniform(0, static_cast<int>(days.size()) - 1)];
      TimeOfDay shift = TransitionTime(day, zone);
      // Hours around the transition most of the time, anywhere in the day otherwise.
      TimeOfDay open, close;
      if (uniform(0, 3) > 0) {
        open = std::clamp<TimeOfDay>(shift - std::chrono::minutes(uniform(0, 300)), 0s, 23h + 58min);
        close = std::clamp<TimeOfDay>(shift + std::chrono::minutes(uniform(-30, 300)), open + 1min, 23h + 59min);
      } else {
        open = std::chrono::minutes(uniform(0, 23 * 60 + 58));
        close = open + std::chrono::minutes(uniform(1, 23 * 60 + 59 - static_cast<int>(open / 1min)));
      }
      int minutes = lengths[uniform(0, static_cast<int>(lengths.size()) - 1)];
      std::string what = std::string(name) + " " + FormatDate(day) + " " + FormatHourMinute(open) + "-" +
                         FormatHourMinute(close) + " every " + std::to_string(minutes) + " min";
      SCOPED_TRACE(what);
      ++cases;

      ExchangeInput in;
      in.business_name = "Shop";
      in.timezone = name;
      in.default_capacity = kMaxSlotCapacity;
      in.operating_hours = std::vector<OpeningHours>{{"", IsoWeekday(day), false, open, close}};
      auto e = businesses_->CreateExchange(owner_, in, now_);
      ASSERT_TRUE(e.ok()) << e.error().message;

      std::map<std::int64_t, std::vector<Interval>> offered;  // by real length in minutes
      auto offered_of = [&](std::int64_t m) -> const std::vector<Interval>& {
        auto it = offered.find(m);
        if (it != offered.end()) return it->second;
        std::vector<Interval>& out = offered[m];
        auto listing = businesses_->AvailableSlots(e->uuid, day, m, now_);
        EXPECT_TRUE(listing.ok()) << listing.error().message;
        if (!listing.ok()) return out;
        for (const DaySlot& s : listing->slots) {
          Interval real{ToUtc(MakeLocal(day, s.start_time), zone), ToUtc(MakeLocal(day, s.end_time), zone)};
          // Listed times name the slot on the listed day, and it lasts its length in real time.
          EXPECT_EQ(real.length(), std::chrono::minutes(m))
              << FormatHourMinute(s.start_time) << "-" << FormatHourMinute(s.end_time);
          EXPECT_TRUE(s.is_available);
          if (s.is_available) out.push_back(real);
        }
        return out;
      };

      std::vector<Interval> listed = offered_of(minutes);
      listed_total += static_cast<int>(listed.size());
      auto listing = businesses_->AvailableSlots(e->uuid, day, minutes, now_);
      ASSERT_TRUE(listing.ok());
      for (const DaySlot& s : listing->slots) {
        auto booked = Book(*e, day, s.start_time, s.end_time);
        EXPECT_TRUE(booked.ok()) << "listed " << FormatHourMinute(s.start_time) << "-" << FormatHourMinute(s.end_time)
                                 << ": " << (booked.ok() ? "" : booked.error().message);
      }
      // Every 5 minutes through the day, in step with the opening time.
      for (TimeOfDay start = open % 5min; start + std::chrono::minutes(minutes) < 24h; start += 5min) {
        TimeOfDay end = start + std::chrono::minutes(minutes);
        Interval real{ToUtc(MakeLocal(day, start), zone), ToUtc(MakeLocal(day, end), zone)};
        bool expected = false;
        if (!real.empty() && real.length() % 1min == 0s && real.length() >= 5min && real.length() <= 480min) {
          const auto& same_length = offered_of(real.length() / 1min);
          expected = std::find(same_length.begin(), same_length.end(), real) != same_length.end();
        }
        auto booked = Book(*e, day, start, end);
        EXPECT_EQ(booked.ok(), expected) << FormatHourMinute(start) << "-" << FormatHourMinute(end)
                                         << (booked.ok() ? "" : ": " + booked.error().message);
      }
    }
  }
  EXPECT_EQ(cases, 72);
  EXPECT_GT(listed_total, 200);
}

// generate_slots creates the slots the day's listing lays: real lengths, real grid.
TEST_F(BusinessesTest, GeneratedSlotsAcrossTransitionsAreTheListedOnes) {
  Exchange e = Make("America/New_York", 1h, 10h, 1);
  // 2030-03-10 springs forward: 01:00-10:00 is one 480-minute slot.
  auto spring = businesses_->GenerateSlots(owner_, {e.uuid, D(2030, 3, 10), D(2030, 3, 10), 480, 3}, now_);
  ASSERT_TRUE(spring.ok()) << spring.error().message;
  EXPECT_EQ(spring->created, 1);
  auto listing = businesses_->AvailableSlots(e.uuid, D(2030, 3, 10), 480, now_);
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->slots.size(), 1u);
  EXPECT_EQ(listing->slots[0].available_capacity, 3);
  // 2030-11-03 falls back: 60-minute slots are the eight the listing names, 02:00 to 09:00.
  auto fall = businesses_->GenerateSlots(owner_, {e.uuid, D(2030, 11, 3), D(2030, 11, 3), 60, 2}, now_);
  ASSERT_TRUE(fall.ok()) << fall.error().message;
  EXPECT_EQ(fall->created, 8);
  listing = businesses_->AvailableSlots(e.uuid, D(2030, 11, 3), 60, now_);
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->slots.size(), 8u);
  for (const DaySlot& s : listing->slots) EXPECT_EQ(s.available_capacity, 2) << FormatHourMinute(s.start_time);
}

TEST_F(BusinessesTest, ExplicitSlotCapacityDecidesAndCancelGivesBack) {
  Exchange e = Make("UTC", 9h, 12h, 1);
  auto generated = businesses_->GenerateSlots(owner_, {e.uuid, D(2030, 1, 7), D(2030, 1, 7), 60, 2}, now_);
  ASSERT_TRUE(generated.ok()) << generated.error().message;
  EXPECT_EQ(generated->created, 3);
  auto first = Book(e, D(2030, 1, 7), 9h, 10h);
  auto second = Book(e, D(2030, 1, 7), 9h, 10h);
  ASSERT_TRUE(first.ok() && second.ok());
  auto third = Book(e, D(2030, 1, 7), 9h, 10h);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().field, "time_slot");
  ASSERT_TRUE(businesses_->CancelBooking(owner_, first->uuid, now_).ok());
  EXPECT_TRUE(Book(e, D(2030, 1, 7), 9h, 10h).ok());
  // A 30-minute booking inside the generated hour shares its capacity.
  EXPECT_FALSE(Book(e, D(2030, 1, 7), 9h, 9h + 30min).ok());
}

}  // namespace
}  // namespace kairos::service
