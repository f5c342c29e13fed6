// How an event type (event_types.hpp) reads its host's calendar, for listing and booking
// alike. The host's calendar is the owner's personal calendar: what the account already
// defines there (weekly rules, windows, slots, blocked time, every face's bookings, holds)
// keeps working, and the event type's schedule adds its windows as availability, expanded
// per local day of the schedule's zone (an override replaces that date's weekly
// intervals; an empty override closes it). Capacity is seats_per_slot. The event type's
// grid, buffers, notice, booking window and limits make the query.
//
// Limits count only this event type's bookings and live holds (as Cal.com does), while
// every booking and hold on the calendar holds capacity. Seats are shared among the
// event type's own attendees: any other booking or hold on the calendar takes them all.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "kairos/booking/booking.hpp"
#include "kairos/booking/calendars.hpp"
#include "kairos/booking/event_types.hpp"

namespace kairos::booking {

struct EventTypeContext {
  EventType event_type;
  std::optional<Schedule> schedule;
  Calendar calendar;  // the host's personal calendar, or its stand-in (id 0) until it exists
  Zone zone = nullptr;  // the schedule's zone, else the calendar's
};

// The event type with that uuid, its schedule and its host's calendar; NotFound otherwise.
// `create_calendar` (in a write transaction) creates the personal calendar if needed.
Result<EventTypeContext> LoadEventTypeContext(store::Tx& tx, std::string_view event_type_uuid, bool create_calendar,
                                              Instant now);

// The windows the schedule opens on the local days (of its zone) touching `range`.
std::vector<OneOffWindow> ExpandSchedule(const Schedule& schedule, Interval range, int capacity);

// Which bound of the booking window or notice stops a start: "minimum_notice",
// "booking_window" or empty.
struct StartBounds {
  Instant earliest{};                  // now + notice, or the window's first day if later
  std::optional<Instant> latest;       // the last start the window allows
  bool earliest_is_window = false;     // the window's first day, not the notice, sets earliest
};
StartBounds BoundsOf(const EventTypeContext& context, Instant now);

// The policy for calls covering `around` (a listing's range, or a booking's interval).
// Reads which bookings are the event type's own, so the booking path calls it under the
// calendar lock.
Policy EventTypePolicy(store::Tx& tx, const EventTypeContext& context, Interval around, Instant now);

}  // namespace kairos::booking
