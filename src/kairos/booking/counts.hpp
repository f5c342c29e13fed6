// Bookings made, refused and cancelled, by face: the counters behind /metrics'
// kairos_bookings_total. Lock-free; booking.cpp counts, the application renders them.
//
// created:   bookings inserted after the engine's check, counted when their transaction
//            commits (a face re-writing bookings it already holds, check = false, is not
//            a creation; a meeting moved to a new time is booked, and counted, anew).
// refused:   a Book that returned a refusal, by reason (its transaction rolls back, so it
//            is counted at once).
// cancelled: SetStatus to cancelled, and a face-000 slot's bookings cancelled with it,
//            counted when the transaction commits.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kairos/core/booking_status.hpp"
#include "kairos/store/database.hpp"

namespace kairos::booking {

struct NewBooking;
struct Booked;
enum class Reason;

struct OutcomeCount {
  std::string_view face;     // "slot", "coach", "meeting", "business", "consultant", "other"
  std::string_view outcome;  // "created", "refused", "cancelled"
  std::string_view reason;   // for refused: "outside_hours", "taken", "full", ...; else empty
  std::uint64_t count = 0;
};

// Every face and outcome (refusals per reason), zeros included, so a rate starts at 0;
// "other" only once something was counted under it.
std::vector<OutcomeCount> Counts();

// A reason as a metric label: ReasonName with underscores ("outside_hours").
std::string_view ReasonLabel(Reason reason);

// For booking.cpp.
void CountBooked(store::Tx& tx, std::span<const NewBooking> requests, const Booked& booked, bool checked);
void CountStatusChange(store::Tx& tx, std::int64_t booking_id, BookingStatus to);
void CountCancelled(store::Tx& tx, std::string_view face, std::int64_t bookings);
// A refusal decided before Book was asked (team event types judge every host at once).
void CountRefused(std::string_view face, Reason reason);

}  // namespace kairos::booking
