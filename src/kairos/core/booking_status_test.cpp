#include "kairos/core/booking_status.hpp"

#include <gtest/gtest.h>

namespace kairos {
namespace {

constexpr BookingStatus kAll[] = {BookingStatus::kPending, BookingStatus::kConfirmed, BookingStatus::kCompleted,
                                  BookingStatus::kCancelled, BookingStatus::kActive};

TEST(BookingStatus, NamesRoundTrip) {
  for (BookingStatus s : kAll) EXPECT_EQ(ParseBookingStatus(BookingStatusName(s)), s);
  EXPECT_FALSE(ParseBookingStatus("Pending"));
  EXPECT_FALSE(ParseBookingStatus(""));
}

TEST(BookingStatus, OnlyLiveStatusesHoldCapacity) {
  EXPECT_TRUE(HoldsCapacity(BookingStatus::kPending));
  EXPECT_TRUE(HoldsCapacity(BookingStatus::kConfirmed));
  EXPECT_TRUE(HoldsCapacity(BookingStatus::kActive));
  EXPECT_FALSE(HoldsCapacity(BookingStatus::kCompleted));
  EXPECT_FALSE(HoldsCapacity(BookingStatus::kCancelled));
  EXPECT_TRUE(HoldsCapacity("confirmed"));
  EXPECT_FALSE(HoldsCapacity("unknown"));
}

TEST(BookingStatus, SqlListNamesExactlyTheHoldingStatuses) {
  for (BookingStatus s : kAll) {
    std::string quoted = "'" + std::string(BookingStatusName(s)) + "'";
    EXPECT_EQ(kHoldingStatusesSql.find(quoted) != std::string_view::npos, HoldsCapacity(s)) << quoted;
  }
}

TEST(BookingStatus, Transitions) {
  EXPECT_TRUE(BookingTransitionAllowed(BookingStatus::kPending, BookingStatus::kConfirmed));
  EXPECT_TRUE(BookingTransitionAllowed(BookingStatus::kPending, BookingStatus::kCancelled));
  EXPECT_FALSE(BookingTransitionAllowed(BookingStatus::kPending, BookingStatus::kCompleted));
  EXPECT_TRUE(BookingTransitionAllowed(BookingStatus::kConfirmed, BookingStatus::kCompleted));
  EXPECT_TRUE(BookingTransitionAllowed(BookingStatus::kConfirmed, BookingStatus::kCancelled));
  EXPECT_FALSE(BookingTransitionAllowed(BookingStatus::kConfirmed, BookingStatus::kPending));
  EXPECT_TRUE(BookingTransitionAllowed(BookingStatus::kActive, BookingStatus::kCancelled));
  EXPECT_FALSE(BookingTransitionAllowed(BookingStatus::kActive, BookingStatus::kCompleted));
  for (BookingStatus to : kAll) {
    EXPECT_FALSE(BookingTransitionAllowed(BookingStatus::kCompleted, to));
    EXPECT_FALSE(BookingTransitionAllowed(BookingStatus::kCancelled, to));
  }
}

}  // namespace
}  // namespace kairos
