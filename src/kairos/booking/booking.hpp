// The one booking path. Every face lists free time and books through here, under a
// policy that says how its calendars are read (slot grid, buffers, notice, horizon,
// per-day limit, what undefined time means); only this module writes bookings.
//
// A booking travels: face (documented wording and fields) → service (the face's use
// case) → booking::Book (lock, snapshot, engine check, insert) → core (CheckBookable)
// and store (the rows). A refusal comes back typed, naming the calendar and the reason;
// each face maps it to its document's message.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/booking/calendars.hpp"
#include "kairos/core/booking_status.hpp"
#include "kairos/core/free_time.hpp"
#include "kairos/core/result.hpp"
#include "kairos/store/database.hpp"

namespace kairos::booking {

// How a face asks whether time is offered. The query's range and now are set per call.
struct Policy {
  SlotQuery query;  // duration (0 = the requested length), step, buffers, notice, horizon, per-day limit
  UndefinedTimePolicy undefined_time = UndefinedTimePolicy::kClosed;
  std::vector<WeeklyRule> default_rules;
  // A face that reads its calendar differently (its slots set capacity rather than open
  // time, say) reshapes the engine's view here; what it lays into the view must outlive
  // the call (it lives in what the function captures). Listing and booking both apply
  // it, so they cannot disagree.
  std::function<void(const CalendarSnapshot&, CalendarAvailability&)> shape;
  // kSkip when `shape` replaces the calendar's weekly rules and one-off windows with its
  // own: snapshots read under this policy then need not load them.
  OwnWindows own_windows = OwnWindows::kLoad;
};

// A booking to insert; optional links tie it to the face's own records.
struct NewBooking {
  std::int64_t calendar_id = 0;
  std::string face;  // which API made it: "slot", "coach", "meeting", "business", "consultant"
  Interval interval;
  int units = 1;
  BookingStatus status = BookingStatus::kPending;
  std::optional<std::int64_t> client_account_id;
  std::optional<std::int64_t> meeting_id;
  std::optional<std::int64_t> slot_id;
  std::optional<std::int64_t> window_id;
  std::optional<std::string> notes;
  std::optional<std::string> customer_name;
  std::optional<std::string> customer_email;
  std::optional<std::string> customer_phone;
  // Seats (an event type with several places per slot): the booking never takes
  // PostgreSQL's exclusive hold, whatever the calendar's capacities say.
  bool shares_seats = false;
};

struct BookingRef {
  std::int64_t id = 0;
  std::string uuid;
  std::int64_t calendar_id = 0;
};

// Why a calendar cannot take a booking.
enum class Reason {
  kInvalid,        // the request itself is malformed (empty, too long, bad policy)
  kOutsideHours,   // no window offers that time on the grid
  kBlocked,        // blocked hours or a booked/blocked slot
  kTaken,          // another booking holds the one place
  kFull,           // bookings hold every place
  kTooSoon,        // in the past or inside the minimum notice
  kTooFar,         // beyond the horizon
  kLimitReached,   // the local day (or week) already holds its limit of bookings
  kHeld,           // a live hold (POST /v1/holds) keeps the time, and no booking does
  kBuffer,         // a booking is near enough that the buffers around it reach the time
  kBusy,           // busy time read from the owner's connected calendars covers it
};
std::string_view ReasonName(Reason reason);

struct Refusal {
  Reason reason = Reason::kOutsideHours;
  std::int64_t calendar_id = 0;
  // A booking holding capacity over the requested time, when there is one (whatever the
  // reason: a face may word "conflicts with another booking" on it).
  std::optional<std::int64_t> booking_id;
  Error error;  // the engine's wording (Conflict or InvalidArgument)
  std::optional<std::string> hold_id;  // the hold keeping the time (kHeld), by uuid
  std::string rule;  // the limit reached: "per_day_limit" or "per_week_limit"
};

// The bookings made, in request order, or why none was.
struct Booked {
  std::vector<BookingRef> bookings;
  std::optional<Refusal> refusal;
  bool ok() const { return !refusal.has_value(); }
};

// Books every request, all or nothing, inside the caller's write transaction: locks their
// calendars in id order, checks each against the engine under `policy` (each calendar
// must itself offer its interval), and inserts them all only when every one is offered.
// Concurrent callers can never together exceed a calendar's capacity; PostgreSQL's
// exclusion constraint, the last defence, reads as kTaken. On a refusal the caller must
// roll back (return an error from its transaction): an insert may have run.
// `check = false` inserts without consulting the engine (a face re-writing bookings it
// already holds).
Booked Book(store::Tx& tx, std::span<const NewBooking> requests, const Policy& policy, Instant now,
            bool check = true);
// Book, judged against snapshots the caller loaded (one per request, in request order) in
// this transaction after locking their calendars (LockCalendars, which BookOn does not
// take again): a face that lists a calendar to word its answer before it books loads the
// calendar once. Each snapshot must cover what the check reads: the requested interval
// widened by the policy's buffers and, with a per-day limit, its whole local days.
Booked BookOn(store::Tx& tx, std::span<const NewBooking> requests, const Policy& policy, Instant now,
            std::span<const CalendarSnapshot> loaded);
// Whether `calendar` would take `interval` under `policy` now, as Book decides it;
// nullopt when it would (a read: nothing is locked or written).
std::optional<Refusal> CheckOffered(store::Tx& tx, const Calendar& calendar, Interval interval, const Policy& policy,
                                    Instant now);

// The same in a write transaction of its own, committed only when all are booked.
Booked Book(store::Database& db, std::span<const NewBooking> requests, const Policy& policy, Instant now);

// The engine's slots of one calendar over `range` under `policy` (include_unavailable as
// the policy's query says).
Result<std::vector<Slot>> ListFree(store::Tx& tx, const Calendar& calendar, Interval range, const Policy& policy,
                                   Instant now);
// The snapshot ListFree reads over `range` under `policy`: bookings widened by its buffers,
// whole local days for a per-day limit (weeks for a per-week one), holds alive at `now`,
// the calendar's own windows unless it lays its own.
CalendarSnapshot LoadFor(store::Tx& tx, const Calendar& calendar, Interval range, const Policy& policy,
                         Instant now = ClockNow());
// Team slots over several calendars under one policy: kAll (a meeting: slots every
// calendar can take, the least remaining) or kAny (a pool: slots at least one can take,
// with the calendars that can and their summed remaining). Indexes in SharedSlot name
// `calendars` in the given order.
enum class Sharing { kAll, kAny };
Result<std::vector<SharedSlot>> ListShared(store::Tx& tx, std::span<const Calendar> calendars, Interval range,
                                           const Policy& policy, Sharing sharing, Instant now);

// The engine's view of a loaded snapshot under `policy` (for faces that judge several
// candidate intervals against one snapshot). Borrows from `snapshot` and `policy`.
CalendarAvailability ViewOf(const CalendarSnapshot& snapshot, const Policy& policy);

// Moves a booking to `to` through the status machine (core/booking_status.hpp). Returns
// the status it had; NotFound when there is no such booking, InvalidArgument when the
// machine does not allow the change (faces check first, with their own wording).
Result<BookingStatus> SetStatus(store::Tx& tx, std::int64_t booking_id, BookingStatus to, Instant now);
// Cancels the bookings a face-000 slot holds (when the slot itself is cancelled).
void CancelSlotBookings(store::Tx& tx, std::int64_t slot_id, Instant now);
// Removes a meeting's bookings (face 002 writes them anew when a meeting changes).
void DeleteMeetingBookings(store::Tx& tx, std::int64_t meeting_id);
// Records the video link a calendar provider gave the booking.
void SetMeetingLink(store::Tx& tx, std::int64_t booking_id, const std::string& link, Instant now);

}  // namespace kairos::booking
