// Holds: a client keeps a time for a few minutes (POST /v1/holds) while filling in the
// booking form. A live hold is busy time in every face (LoadSnapshot reads it like a
// booking of one unit until expires_at), is placed in the same transaction and under the
// same calendar lock as bookings, and turns into a booking atomically. Only this module
// writes the `holds` table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kairos/booking/booking.hpp"
#include "kairos/booking/event_type_policy.hpp"

namespace kairos::booking {

struct Hold {
  std::int64_t id = 0;
  std::string uuid;  // the hold's id as the API names it; knowing it is the capability
  std::int64_t calendar_id = 0;
  std::int64_t event_type_id = 0;
  Interval interval;
  Instant expires_at{};
  Instant created_at{};
};

struct HoldPlaced {
  std::optional<Hold> hold;
  std::optional<Refusal> refusal;
};

// Holds `start` (for the event type's duration) inside the caller's write transaction,
// until now + hold_minutes: locks the host's calendar, checks the time as a booking would
// (other live holds included) and inserts the hold. On a refusal nothing was written.
HoldPlaced PlaceHold(store::Tx& tx, const EventTypeContext& context, Instant start, Instant now);

// The hold with that uuid if it is still alive at `now`.
std::optional<Hold> FindLiveHold(store::Tx& tx, std::string_view uuid, Instant now);

// Deletes the hold; true when a live one was deleted.
bool ReleaseHold(store::Tx& tx, std::string_view uuid, Instant now);

}  // namespace kairos::booking
