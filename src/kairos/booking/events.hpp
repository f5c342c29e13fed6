// Booking events for notifications (docs/notifications.md): the booking module writes
// each one to the outbox (notification_events) in the same transaction as the booking
// change, with one pending delivery per active webhook of the calendar's owner that asks
// for the type. A transaction that rolls back leaves no event; a committed change always
// has its event, whatever happens to the process afterwards.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kairos/core/booking_status.hpp"
#include "kairos/core/time.hpp"
#include "kairos/store/database.hpp"

namespace kairos::booking {

struct NewBooking;
struct Booked;

inline constexpr std::array<std::string_view, 7> kEventTypes = {
    "booking.created",   "booking.requested",   "booking.confirmed", "booking.declined",
    "booking.cancelled", "booking.rescheduled", "booking.reminder"};
bool IsEventType(std::string_view type);

// The booking as events show it: {"id", "status", "start", "end", "face", "calendar",
// "host", "attendee", "notes"}; nullopt when there is no such booking.
std::optional<nlohmann::json> BookingEventData(store::Tx& tx, std::int64_t booking_id);

// Records `type` for the booking, its payload read from the bookings row in this
// transaction; `extra` is merged into "data". Returns the event's id (uuid), or nullopt
// when there is no such booking.
std::optional<std::string> RecordEvent(store::Tx& tx, std::string_view type, std::int64_t booking_id, Instant now,
                                       const nlohmann::json& extra = nlohmann::json::object());

// Whether events also queue an email to the booking's attendee (the server has SMTP);
// set once at start. Off: webhooks only.
void SetEmailNotifications(bool on);
bool EmailNotifications();

// For booking.cpp.
void RecordBooked(store::Tx& tx, std::span<const NewBooking> requests, const Booked& booked, Instant now);
void RecordStatusChange(store::Tx& tx, std::int64_t booking_id, BookingStatus from, BookingStatus to, Instant now);
// Before a meeting's bookings are deleted to be written anew: what they were, so the
// Book that follows in the transaction tells a change of time (booking.rescheduled), a
// cancellation or a new participant from an untouched booking.
void RememberMeetingBookings(store::Tx& tx, std::int64_t meeting_id);

}  // namespace kairos::booking
