// The booking status machine, shared by every face: which statuses hold capacity and
// which changes are allowed. Faces name the statuses their documents show; the stored
// names are these.
#pragma once

#include <optional>
#include <string_view>

namespace kairos {

enum class BookingStatus { kPending, kConfirmed, kCompleted, kCancelled, kActive };

// "pending", "confirmed", "completed", "cancelled", "active" (as stored).
std::string_view BookingStatusName(BookingStatus status);
// The status of that exact stored name, or nullopt.
std::optional<BookingStatus> ParseBookingStatus(std::string_view name);

// Pending, confirmed and active bookings hold their time; completed and cancelled ones
// do not.
bool HoldsCapacity(BookingStatus status);
// The same, for a stored name (an unknown name holds nothing).
bool HoldsCapacity(std::string_view stored_name);

// The statuses that hold capacity, as a SQL list: `status IN <this>`.
inline constexpr std::string_view kHoldingStatusesSql = "('pending', 'confirmed', 'active')";

// pending → confirmed | cancelled; confirmed → completed | cancelled;
// active → cancelled; completed and cancelled are final.
bool BookingTransitionAllowed(BookingStatus from, BookingStatus to);

}  // namespace kairos
