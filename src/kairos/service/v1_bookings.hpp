// The /v1 API's slots, holds and bookings (docs/api.md): the use cases over the one
// booking path. Listing and booking read an event type's host calendar through
// booking/event_type_policy.hpp, so what /v1/slots offers is exactly what /v1/holds and
// /v1/bookings take, and the reason /v1/slots/explain gives is the refusal a booking gets.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "kairos/booking/event_type_bookings.hpp"
#include "kairos/core/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

class SecretBox;

// Lists are keyset pages (service/page.hpp, included where pages are used).
struct PageKey;
template <class T>
struct Page;

namespace v1 {

// The longest range /v1/slots lists.
inline constexpr int kMaxSlotRangeDays = 62;

// Why a time cannot be held or booked, in explain's words: "outside_hours", "blocked",
// "booked", "held", "full", "buffer" (the time itself is free, but a booking's buffers
// reach it) — answered 409 — or "too_soon", "too_far", "limit_reached": the event
// type's rules forbid it, answered 422.
struct Unavailable {
  std::string reason;
  bool rules = false;  // one of the last three
  std::optional<std::string> booking_id;  // the interfering booking (its uuid), when known
  std::optional<std::string> hold_id;
  std::optional<std::string> rule;  // "limit_per_day", "limit_per_week", "minimum_notice", "booking_window"
  std::string message;
};

// A value, or the time is unavailable; errors (400, 401, 403, 404) travel as Result's.
template <class T>
using Outcome = Result<std::variant<T, Unavailable>>;

// A bound of the slot range: a local date of the asked zone (inclusive) or an instant.
using SlotBound = std::variant<Date, Instant>;

struct SlotsQuery {
  std::string event_type_id;
  SlotBound start;
  SlotBound end;
  std::optional<std::string> time_zone;  // default: the schedule's
};

struct OfferedSlot {
  Interval interval;
  int seats_remaining = 0;
  std::optional<int> hosts_available;  // team event types: the hosts the booking could go to
};

// A kept team listing's answer as the face renders it, made once while the listing is
// kept: every request served from the same kept listing answers the same bytes.
struct RenderedSlots {
  std::once_flag once;
  std::string body;
};

struct SlotDays {
  std::string event_type_id;
  std::string time_zone;
  std::vector<std::pair<Date, std::vector<OfferedSlot>>> days;  // in date order, only days with slots
  // The hosts' connected calendars whose busy time may be out of date (StaleBusySources):
  // their last known busy time still counts.
  std::vector<std::int64_t> stale_sources;
  // Team listings: the kept listing's rendering, shared by every answer it serves.
  std::shared_ptr<RenderedSlots> rendered;
};

// One host of a team event type: whether it could take the start, and why not.
struct HostExplanation {
  std::string account_id;  // the account's uuid
  bool offered = false;
  std::optional<Unavailable> why;
};

struct Explanation {
  Instant start{};
  bool offered = false;
  std::optional<Unavailable> why;
  std::vector<HostExplanation> hosts;  // team event types: every host, in the event type's order
};

struct HoldView {
  std::string id;
  Interval interval;
  Instant expires_at{};
};

struct Attendee {
  std::string name;
  std::string email;
  std::string time_zone;
};

struct BookingInput {
  std::string event_type_id;
  Instant start{};
  Attendee attendee;  // time_zone empty: the event type's zone
  std::vector<std::string> guests;
  nlohmann::json answers = nlohmann::json::object();
  std::optional<std::string> hold_id;
};

struct BookingHost {
  std::string id;  // the account's uuid
  std::string name;
  std::string email;
};

struct BookingView {
  std::string id;
  std::string face = "v1";  // where it was made: v1, 000, 001, 002, 003 or 004
  booking::V1Status status = booking::V1Status::kAccepted;
  Interval interval;
  std::optional<std::string> event_type_id;
  std::string event_type_title;
  BookingHost host;
  Attendee attendee;
  std::vector<std::string> guests;
  nlohmann::json answers = nlohmann::json::object();
  std::optional<std::string> reason;
  std::optional<std::string> manage_token;  // only in the answer that created it
  std::int64_t sequence = 0;                 // grows on reschedule and status changes (for .ics)
  Instant created_at{};
  Instant updated_at{};
};

struct BookingFilter {
  std::optional<booking::V1Status> status;
  std::optional<Instant> from;  // starts at or after
  std::optional<Instant> to;    // starts before
  // Also every booking made through another face (000 to 004) on calendars the caller owns.
  bool all_faces = false;
};

// Who acts on a booking: a signed-in host, or whoever holds its manage token.
struct BookingCaller {
  const auth::Principal* principal = nullptr;
  std::optional<std::string> token;
};

class V1Bookings {
 public:
  // With `box`, each booking's manage token is also kept sealed under it, so that the
  // emails of every later change can link to the booking (docs/notifications.md).
  // `on_session_cancelled` is called after a face-001 coaching session is cancelled or
  // declined through /v1, as face 001 itself does on a cancel (the external calendar
  // copies go).
  using SessionCancelled = std::function<void(std::string_view booking_uuid, Instant now)>;
  explicit V1Bookings(store::Database& db, const SecretBox* box = nullptr, SessionCancelled on_session_cancelled = {})
      : db_(db), box_(box), on_session_cancelled_(std::move(on_session_cancelled)) {}

  // Public for public event types; the owner sees their own others.
  Result<SlotDays> Slots(const auth::Principal* caller, const SlotsQuery& query, Instant now);
  // Owner only.
  Result<Explanation> Explain(const auth::Principal& caller, const std::string& event_type_id, Instant start,
                              Instant now);

  Outcome<HoldView> CreateHold(const auth::Principal* caller, const std::string& event_type_id, Instant start,
                               Instant now);
  // NotFound when no live hold has that id.
  Status ReleaseHold(const std::string& hold_id, Instant now);

  Outcome<BookingView> Create(const auth::Principal* caller, const BookingInput& input, Instant now);
  // `after`: the key of the last row of the previous page, or null.
  Result<Page<BookingView>> List(const auth::Principal& host, const BookingFilter& filter, std::size_t limit,
                                 const PageKey* after);
  Result<BookingView> Get(const BookingCaller& caller, const std::string& id);
  Result<BookingView> Cancel(const BookingCaller& caller, const std::string& id, std::optional<std::string> reason,
                             Instant now);
  Outcome<BookingView> Reschedule(const BookingCaller& caller, const std::string& id, Instant start, Instant now);
  Result<BookingView> Confirm(const auth::Principal& host, const std::string& id, Instant now);
  Result<BookingView> Decline(const auth::Principal& host, const std::string& id, std::optional<std::string> reason,
                              Instant now);
  // The booking as a published iCalendar object (text/calendar).
  Result<std::string> Ics(const BookingCaller& caller, const std::string& id, Instant now);

 private:
  // Team listings read every host's month (a hundred hosts, thousands of bookings), so
  // the last ones computed are kept while no write has committed since they were read
  // (store::WriteGeneration) and for kTeamSlotsTtl (twice that while one request
  // refreshes it), which bounds what another server on the same database, or the
  // passing of time (notice), can make stale. A booking always checks afresh.
  struct CachedSlots {
    std::uint64_t generation = 0;
    std::chrono::steady_clock::time_point at;
    bool refreshing = false;  // a request is computing its successor
    std::shared_ptr<const SlotDays> days;
  };
  std::mutex cache_mutex_;
  std::map<std::string, CachedSlots> team_slots_;

  store::Database& db_;
  const SecretBox* box_;  // seals manage tokens; null: not kept
  SessionCancelled on_session_cancelled_;
};

inline constexpr std::chrono::seconds kTeamSlotsTtl{2};

// The reason and wording for a refusal of the booking path.
Unavailable UnavailableOf(store::Tx& tx, const booking::Refusal& refusal, const booking::EventTypeContext& context,
                          Instant now);

}  // namespace v1
}  // namespace kairos::service
