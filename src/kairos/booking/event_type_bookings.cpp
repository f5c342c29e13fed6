#include "kairos/booking/event_type_bookings.hpp"

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/holds.hpp"
#include "kairos/booking/team_event_types.hpp"

namespace kairos::booking {
namespace {

using store::Int;
using store::Text;

BookingStatus CoreStatus(V1Status s) {
  switch (s) {
    case V1Status::kAccepted: return BookingStatus::kConfirmed;
    case V1Status::kPending: return BookingStatus::kPending;
    case V1Status::kCancelled:
    case V1Status::kDeclined: return BookingStatus::kCancelled;
  }
  return BookingStatus::kCancelled;
}

}  // namespace

std::string_view V1StatusName(V1Status status) {
  switch (status) {
    case V1Status::kAccepted: return "accepted";
    case V1Status::kPending: return "pending";
    case V1Status::kCancelled: return "cancelled";
    case V1Status::kDeclined: return "declined";
  }
  return "cancelled";
}

std::optional<V1Status> ParseV1Status(std::string_view name) {
  if (name == "accepted") return V1Status::kAccepted;
  if (name == "pending") return V1Status::kPending;
  if (name == "cancelled") return V1Status::kCancelled;
  if (name == "declined") return V1Status::kDeclined;
  return std::nullopt;
}

EventTypeBooked BookEventType(store::Tx& tx, const EventTypeContext& context, const EventTypeBookingRequest& request,
                              Instant now) {
  EventTypeBooked out;
  const EventType& e = context.event_type;
  Interval interval{request.start, request.start + std::chrono::minutes{e.duration_minutes}};
  LockCalendars(tx, {context.calendar.id});
  if (request.hold_id) {
    auto hold = FindLiveHold(tx, *request.hold_id, now);
    if (!hold || hold->event_type_id != e.id) {
      out.error = NotFound("Hold not found or expired");
      out.error->field = "hold_id";
      return out;
    }
    if (hold->interval != interval) {
      out.error = InvalidArgument("The hold is for another time", "hold_id");
      return out;
    }
    // The hold gives its time to the booking (restored if the caller rolls back).
    tx.Exec("DELETE FROM holds WHERE id = ?", {Int(hold->id)});
  }
  Policy policy = EventTypePolicy(tx, context, interval, now);
  NewBooking b;
  b.calendar_id = context.calendar.id;
  b.face = "v1";
  b.interval = interval;
  b.status = e.requires_confirmation ? BookingStatus::kPending : BookingStatus::kConfirmed;
  b.client_account_id = request.client_account_id;
  b.customer_name = request.attendee_name;
  b.customer_email = request.attendee_email;
  b.shares_seats = e.seats_per_slot > 1;
  Booked booked = Book(tx, {&b, 1}, policy, now);
  if (!booked.ok()) {
    out.refusal = std::move(booked.refusal);
    return out;
  }
  out.booking = booked.bookings.front();
  out.manage_token = auth::RandomSecret();
  tx.Exec(
      "INSERT INTO v1_bookings (booking_id, event_type_id, host_account_id, status, attendee_name, attendee_email, "
      "attendee_time_zone, guests, answers, manage_token_hash, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Int(out.booking->id), Int(e.id), Int(e.owner_account_id),
       Text(std::string(V1StatusName(e.requires_confirmation ? V1Status::kPending : V1Status::kAccepted))),
       Text(request.attendee_name), Text(request.attendee_email), Text(request.attendee_time_zone),
       Text(request.guests_json), Text(request.answers_json), Text(auth::SecretDigest(out.manage_token)),
       Int(ToStored(now)), Int(ToStored(now))});
  return out;
}

std::optional<Refusal> RescheduleEventTypeBooking(store::Tx& tx, const EventTypeContext& context,
                                                  std::int64_t booking_id, Instant start, Instant now) {
  const EventType& e = context.event_type;
  Interval interval{start, start + std::chrono::minutes{e.duration_minutes}};
  LockCalendars(tx, {context.calendar.id});
  auto row = tx.QueryOne("SELECT status FROM bookings WHERE id = ? AND calendar_id = ?",
                         {Int(booking_id), Int(context.calendar.id)});
  if (!row) return Refusal{Reason::kInvalid, context.calendar.id, {}, NotFound("Booking not found")};
  const std::string status = row->Text(0);
  // Release the old time for the check; the same transaction books the new one or rolls
  // back (the caller's part on a refusal), so no one ever sees the booking gone.
  tx.Exec("UPDATE bookings SET status = 'cancelled' WHERE id = ?", {Int(booking_id)});
  Policy policy = EventTypePolicy(tx, context, interval, now);
  if (auto refused = CheckOffered(tx, context.calendar, interval, policy, now)) return refused;
  try {
    tx.Exec("UPDATE bookings SET start_at = ?, end_at = ?, status = ?, updated_at = ? WHERE id = ?",
            {Int(ToStored(interval.start)), Int(ToStored(interval.end)), Text(status), Int(ToStored(now)),
             Int(booking_id)});
  } catch (const store::StoreError& err) {
    if (err.kind() != store::StoreError::Kind::kExclusionViolation) throw;
    return Refusal{Reason::kTaken, context.calendar.id, {},
                   Conflict("The requested time has reached maximum capacity", "start_time")};
  }
  tx.Exec("UPDATE v1_bookings SET updated_at = ? WHERE booking_id = ?", {Int(ToStored(now)), Int(booking_id)});
  return std::nullopt;
}

Status SetEventTypeBookingStatus(store::Tx& tx, std::int64_t booking_id, V1Status to,
                                 const std::optional<std::string>& reason, Instant now) {
  auto changed = SetStatus(tx, booking_id, CoreStatus(to), now);
  if (!changed.ok()) return changed.error();
  // A team booking's other hosts' rows follow (docs/teams.md): cancelling gives each host
  // its time back.
  for (std::int64_t row : TeamBookingRows(tx, booking_id)) {
    auto other = SetStatus(tx, row, CoreStatus(to), now);
    if (!other.ok()) return other.error();
  }
  tx.Exec("UPDATE v1_bookings SET status = ?, reason = ?, updated_at = ? WHERE booking_id = ?",
          {Text(std::string(V1StatusName(to))), store::OptionalText(reason), Int(ToStored(now)), Int(booking_id)});
  return {};
}

}  // namespace kairos::booking
