#include "kairos/service/businesses.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

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
  Instant now_ = *ParseInstant("2030-01-01T00:00:00Z");
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
