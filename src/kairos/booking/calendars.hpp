// Calendars and what they hold, as the engine sees them. Every face books through here,
// so a booking made through one face is busy time in all the others.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/free_time.hpp"
#include "kairos/core/result.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

// The statuses in which a booking holds capacity (SQL list and check).
inline constexpr std::string_view kHoldingStatusesSql = "('pending', 'confirmed', 'active')";
bool HoldsCapacity(std::string_view status);

// No booking lasts longer, so range queries can bound their scan by start time.
inline constexpr std::chrono::hours kMaxBookingLength{24};

struct Calendar {
  std::int64_t id = 0;
  std::string uuid;
  std::int64_t owner_account_id = 0;
  std::string kind;  // "personal" or "business"
  std::string name;
  std::string description;
  std::string timezone = "UTC";
  Zone zone = nullptr;
  int capacity = 1;
};

// Everything the engine needs about one calendar around a range, owned.
struct CalendarSnapshot {
  Calendar calendar;
  std::vector<WeeklyRule> weekly_rules;
  std::vector<OneOffWindow> one_off_windows;
  std::vector<ExplicitSlot> explicit_slots;
  std::vector<Interval> blocked;
  std::vector<Booking> bookings;

  // The engine's view, with the face's policy for time the calendar leaves undefined.
  // The view borrows from this snapshot (and from default_rules).
  CalendarAvailability View(UndefinedTimePolicy policy = UndefinedTimePolicy::kClosed,
                            std::span<const WeeklyRule> default_rules = {}) const;
};

// The calendar with that id or uuid, or NotFound("Calendar not found").
Result<Calendar> FindCalendar(store::Tx& tx, std::int64_t id);
Result<Calendar> FindCalendarByUuid(store::Tx& tx, std::string_view uuid);

// The account's personal calendar, if it has one yet.
std::optional<Calendar> FindPersonalCalendar(store::Tx& tx, std::int64_t account_id);

// The account's personal calendar, created in the account's time zone on first use
// (so this needs a write transaction).
Calendar PersonalCalendar(store::Tx& tx, std::int64_t account_id, Instant now);

// Loads what the engine needs over `range`: active weekly rules, one-off windows and
// explicit slots touching it, blocked hours of its local days, and bookings holding
// capacity that overlap it widened by `margin` on both sides (for buffers).
CalendarSnapshot LoadSnapshot(store::Tx& tx, const Calendar& calendar, Interval range,
                              std::chrono::seconds margin = std::chrono::seconds{0});

// True when the calendar defines availability anywhere in time: an active weekly rule,
// a one-off window or an available slot. A snapshot sees only its range, so faces with a
// fallback for calendars that define none (kDefaultRulesIfNone) decide it here, once for
// listing and booking alike.
bool DefinesAvailability(store::Tx& tx, const Calendar& calendar);

// Takes the calendars' write locks in id order, so writers that touch several calendars
// cannot deadlock. A SQLite write transaction is already exclusive (BEGIN IMMEDIATE);
// PostgreSQL locks the calendar rows.
void LockCalendars(store::Tx& tx, std::vector<std::int64_t> calendar_ids);

// A booking to insert; optional links tie it to the face's own records.
struct NewBooking {
  std::int64_t calendar_id = 0;
  std::string face;  // which API made it: "coach", "meeting", "business", "consultant"
  Interval interval;
  int units = 1;
  std::string status = "pending";
  std::optional<std::int64_t> client_account_id;
  std::optional<std::int64_t> meeting_id;
  std::optional<std::int64_t> slot_id;
  std::optional<std::int64_t> window_id;
  std::optional<std::string> notes;
  std::optional<std::string> customer_name;
  std::optional<std::string> customer_email;
  std::optional<std::string> customer_phone;
};

struct BookingRef {
  std::int64_t id = 0;
  std::string uuid;
};

// Inserts a booking row as is (the caller has checked it, in the same transaction).
BookingRef InsertBooking(store::Tx& tx, const NewBooking& booking, Instant now);

// How a face asks whether an interval is offered.
struct OfferPolicy {
  SlotQuery query;  // duration, step, buffers, notice, horizon, limits; range and now are set here
  UndefinedTimePolicy undefined_time = UndefinedTimePolicy::kClosed;
  std::vector<WeeklyRule> default_rules;
};

// Books `booking.interval` on its calendar if the engine offers it, in one write
// transaction: locks the calendar, loads its snapshot around the interval, runs
// CheckBookable, inserts. Concurrent callers can never together exceed the capacity.
// The error (Conflict or InvalidArgument) says why the time is not offered.
Result<BookingRef> BookIfOffered(store::Database& db, const NewBooking& booking, const OfferPolicy& policy, Instant now);

// The same check and insert inside a caller's write transaction (which must already
// hold the calendar's lock), for faces that write more in the same transaction.
Result<BookingRef> BookIfOfferedInTx(store::Tx& tx, const Calendar& calendar, const NewBooking& booking,
                                     const OfferPolicy& policy, Instant now);

// Seconds since the epoch, as stored.
inline std::int64_t ToStored(Instant t) { return t.time_since_epoch().count(); }
inline Instant FromStored(std::int64_t s) { return Instant{std::chrono::seconds{s}}; }

// No booking, slot or window lasts longer than this (the schema checks it), so a query
// for rows overlapping time from `t` on scans only rows starting at or after this floor,
// instead of the calendar's whole history.
inline constexpr std::chrono::hours kMaxHeldSpan{48};
inline std::int64_t OverlapScanFloor(Instant t) { return ToStored(t - kMaxHeldSpan); }

}  // namespace kairos::service
