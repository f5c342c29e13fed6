// Bookings as external calendars see them: the iCalendar subscription feed of an
// account (every face's bookings and meetings, behind a secret, revocable token), one
// booking's .ics, and the VEVENT that CalDAV sync writes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/auth/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/calendar_sync_ical.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

// Feeds reach this far into the past; the future is listed whole.
inline constexpr std::chrono::days kFeedHistory{90};

struct BookingParty {
  std::int64_t id = 0;
  std::string name;  // "first last", else the username
  std::string email;
};

// One booking of any face, with what an event needs.
struct BookingView {
  std::int64_t id = 0;
  std::string uuid;
  std::string face;
  Interval interval;
  std::string status;  // the stored status: pending, confirmed, completed, cancelled, active
  std::optional<std::string> notes;
  std::optional<std::string> meeting_link;
  std::optional<BookingParty> client;
  BookingParty owner;  // the owner of the booked calendar (coach, consultant, participant, business)
  std::string calendar_name;
  std::optional<std::string> meeting_uuid;  // a face-002 meeting's booking (one per participant)
  std::optional<std::string> meeting_title;
  std::optional<std::string> meeting_description;
  // A meeting's participants, the organiser among them (loaded by LoadBookingView).
  std::vector<BookingParty> participants;
  Instant created_at{};
  Instant updated_at{};

  // The accounts the booking belongs to: its client and the calendar's owner.
  bool IsParty(std::int64_t account_id) const {
    return owner.id == account_id || (client && client->id == account_id);
  }
};

// The booking of that uuid (any face), or nullopt; a meeting's booking with the
// meeting's participants.
std::optional<BookingView> LoadBookingView(store::Tx& tx, std::string_view booking_uuid);

// The UID of a face-002 meeting, "meeting-<meeting uuid>@kairos": the meeting's stored
// UUID, not the integer id face 002 shows, so it is unique beyond this server.
std::string MeetingUid(std::string_view meeting_uuid);

// The UID every representation of the booking shares: "<uuid>@kairos", or for a
// meeting's booking the meeting's UID (every participant's copy is the one meeting).
std::string BookingUid(const BookingView& b);

// The booking as a VEVENT stamped `now`, in UTC, with its organizer (the host: the
// booked calendar's owner, or a meeting's organiser) and attendees (the host as CHAIR,
// the client or the meeting's other participants). SEQUENCE is `sequence` when given,
// else the seconds between creation and the last change (grows with every change,
// stable between fetches, no extra column).
IcalEvent BookingEvent(const BookingView& b, Instant now, std::optional<std::int64_t> sequence = std::nullopt);

class CalendarFeeds {
 public:
  explicit CalendarFeeds(store::Database& db) : db_(db) {}

  // A new feed token for the caller, replacing (and so revoking) any earlier one. Only
  // its digest is stored: the token is shown this once.
  std::string RotateToken(const auth::Principal& caller, Instant now);

  // Revokes the caller's feed token; NotFound("No feed token") when there is none.
  Status RevokeToken(const auth::Principal& caller);

  // The VCALENDAR of the token's account: its bookings of every face (as client or as the
  // booked calendar's owner) and its meetings (as organiser or participant), from
  // kFeedHistory ago on, cancelled ones included so subscribers drop them.
  // NotFound("Feed not found") for unknown or revoked tokens.
  Result<std::string> Feed(std::string_view token, Instant now);

  // One booking as a VCALENDAR, for its client or its calendar's owner (others:
  // Forbidden); NotFound("Booking not found") for unknown ids.
  Result<std::string> BookingIcs(const auth::Principal& caller, std::string_view booking_uuid, Instant now);

 private:
  store::Database& db_;
};

}  // namespace kairos::service
