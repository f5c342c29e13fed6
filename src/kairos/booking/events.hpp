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
// transaction; `extra` is merged into "data". With email on, one delivery goes to each
// of the attendee, the guests and the host (a face-002 meeting's booking and a team
// booking's other hosts' rows: the host only); `manage_token` (when the change knows it)
// goes with the attendee's, for the manage link. Returns the event's id (uuid), or
// nullopt when there is no such booking or nobody would receive it.
std::optional<std::string> RecordEvent(store::Tx& tx, std::string_view type, std::int64_t booking_id, Instant now,
                                       const nlohmann::json& extra = nlohmann::json::object(),
                                       const std::optional<std::string>& manage_token = std::nullopt);

// While one is alive on this thread, the changes recorded speak for a /v1 caller:
// `declining` turns a cancellation into booking.declined, and `manage_token` (the token
// the caller showed, verified) goes with the attendee's email.
class EventContext {
 public:
  EventContext(bool declining, std::optional<std::string> manage_token);
  ~EventContext();
  EventContext(const EventContext&) = delete;
  EventContext& operator=(const EventContext&) = delete;
  bool declining;
  std::optional<std::string> manage_token;

 private:
  EventContext* previous_;
};

// /v1 bookings (face "v1") are announced once their v1_bookings row exists, so that the
// event has the attendee's zone, guests and answers: booking.created or .requested for
// the booking and each other row of a team booking, and its reminders scheduled.
void RecordV1Booked(store::Tx& tx, std::int64_t booking_id, const std::string& manage_token, Instant now);
// A /v1 booking moved from `previous`: booking.rescheduled with "previous", and its
// reminders scheduled anew for the new time.
void RecordV1Rescheduled(store::Tx& tx, std::int64_t booking_id, Interval previous, Instant now);
// Replaces the booking's pending reminders by those its event type asks for at its
// current start, leaving out any already due at `now`; none unless it holds its time.
void ScheduleReminders(store::Tx& tx, std::int64_t booking_id, Instant now);
// Before a calendar is deleted with its bookings (face 003's exchanges): booking.cancelled
// for each booking on it that holds its time.
void RecordCalendarDeleted(store::Tx& tx, std::int64_t calendar_id, Instant now);

// Reminders an event type may ask for: each 1..40320 minutes before the start, at most 5.
inline constexpr int kMaxReminders = 5;
inline constexpr int kMaxReminderMinutes = 40320;

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
