// Bookings of an event type (POST /v1/bookings and what follows): a row in `bookings`
// on the host's personal calendar (face "v1"), so its time is busy in every face, plus
// its v1 details (attendee, guests, answers, the manage token's hash, the v1 status).
// Written here only, in the caller's write transaction: on a refusal the caller must
// roll back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kairos/booking/booking.hpp"
#include "kairos/booking/event_type_policy.hpp"

namespace kairos::booking {

// v1 statuses: accepted (the machine's confirmed), pending, cancelled, declined (the
// machine's cancelled, declined by the host).
enum class V1Status { kAccepted, kPending, kCancelled, kDeclined };
std::string_view V1StatusName(V1Status status);
std::optional<V1Status> ParseV1Status(std::string_view name);

struct EventTypeBookingRequest {
  Instant start{};
  std::string attendee_name;
  std::string attendee_email;
  std::string attendee_time_zone;
  std::string guests_json = "[]";   // validated by the caller
  std::string answers_json = "{}";
  std::optional<std::string> hold_id;
  std::optional<std::int64_t> client_account_id;
};

struct EventTypeBooked {
  std::optional<BookingRef> booking;
  std::string manage_token;  // shown once; only its digest is stored
  std::optional<Refusal> refusal;
  std::optional<Error> error;  // a hold that is gone, or not for this time
  bool ok() const { return booking.has_value(); }
};

// Books the event type at request.start: locks the host's calendar; with a hold_id, the
// hold (alive, of this event type, at this time) is turned into the booking; checks the
// time under the event type's policy; inserts the booking (pending when the event type
// requires confirmation, else confirmed) and its details.
EventTypeBooked BookEventType(store::Tx& tx, const EventTypeContext& context, const EventTypeBookingRequest& request,
                              Instant now);

// Moves the booking to a new start in one step: the old time is released and the new one
// checked and taken, or nothing changes (the caller rolls back on a refusal). The
// booking keeps its id, status and details. PostgreSQL's exclusion reads as kTaken.
std::optional<Refusal> RescheduleEventTypeBooking(store::Tx& tx, const EventTypeContext& context,
                                                  std::int64_t booking_id, Instant start, Instant now);

// Moves the booking to a v1 status through the machine (accepted = confirmed, pending,
// cancelled and declined = cancelled), recording the reason. InvalidArgument when the
// machine does not allow it.
Status SetEventTypeBookingStatus(store::Tx& tx, std::int64_t booking_id, V1Status to,
                                 const std::optional<std::string>& reason, Instant now);

}  // namespace kairos::booking
