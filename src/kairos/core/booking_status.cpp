#include "kairos/core/booking_status.hpp"

#include <array>
#include <cstddef>

namespace kairos {
namespace {

constexpr std::array<std::string_view, 5> kNames = {"pending", "confirmed", "completed", "cancelled", "active"};

}  // namespace

std::string_view BookingStatusName(BookingStatus status) { return kNames[static_cast<std::size_t>(status)]; }

std::optional<BookingStatus> ParseBookingStatus(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<BookingStatus>(i);
  }
  return std::nullopt;
}

bool HoldsCapacity(BookingStatus status) {
  return status == BookingStatus::kPending || status == BookingStatus::kConfirmed || status == BookingStatus::kActive;
}

bool HoldsCapacity(std::string_view stored_name) {
  auto status = ParseBookingStatus(stored_name);
  return status && HoldsCapacity(*status);
}

bool BookingTransitionAllowed(BookingStatus from, BookingStatus to) {
  switch (from) {
    case BookingStatus::kPending: return to == BookingStatus::kConfirmed || to == BookingStatus::kCancelled;
    case BookingStatus::kConfirmed: return to == BookingStatus::kCompleted || to == BookingStatus::kCancelled;
    case BookingStatus::kActive: return to == BookingStatus::kCancelled;
    case BookingStatus::kCompleted:
    case BookingStatus::kCancelled: return false;
  }
  return false;
}

}  // namespace kairos
