// Calendars and what they hold, as the engine sees them: finding a calendar, loading the
// snapshot the engine reads, locking calendars for writers. The booking path
// (booking.hpp) and every face's listing read calendars through here, so a booking made
// through one face is busy time in all the others.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/booking_status.hpp"
#include "kairos/core/free_time.hpp"
#include "kairos/core/result.hpp"
#include "kairos/store/database.hpp"

namespace kairos::booking {

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
// A live hold (POST /v1/holds) in a snapshot: busy time like a booking until it expires.
struct HeldTime {
  std::string uuid;
  std::int64_t event_type_id = 0;
  std::size_t index = 0;  // its entry in CalendarSnapshot::bookings
};

struct CalendarSnapshot {
  Calendar calendar;
  std::vector<WeeklyRule> weekly_rules;
  std::vector<OneOffWindow> one_off_windows;
  std::vector<ExplicitSlot> explicit_slots;
  std::vector<Interval> blocked;  // blocked hours and, after them, `busy`
  // Busy time read from the owner's connected calendars (those with busy on), merged and
  // overlapping the range: also in `blocked`, kept apart so a refusal can say "busy".
  std::vector<Interval> busy;
  std::vector<Booking> bookings;
  std::vector<std::int64_t> booking_ids;  // the id of each of `bookings`, in the same order
  // Live holds come after the bookings in `bookings` (booking id 0), one unit each, so
  // every face reads them as busy time; this names them.
  std::vector<HeldTime> holds;

  // The hold at `bookings[index]`, or null when that entry is a booking.
  const HeldTime* HoldAt(std::size_t index) const;

  // The engine's view, with the face's policy for time the calendar leaves undefined.
  // The view borrows from this snapshot (and from default_rules).
  CalendarAvailability View(UndefinedTimePolicy policy = UndefinedTimePolicy::kClosed,
                            std::span<const WeeklyRule> default_rules = {}) const;
};

// The calendar with that id or uuid, or NotFound("Calendar not found").
Result<Calendar> FindCalendar(store::Tx& tx, std::int64_t id);
Result<Calendar> FindCalendarByUuid(store::Tx& tx, std::string_view uuid);
// The calendars with these ids that exist, in one query, ordered by id.
std::vector<Calendar> FindCalendars(store::Tx& tx, std::vector<std::int64_t> ids);

// The personal calendars of these accounts that have one, in one query, ordered by id.
std::vector<Calendar> FindPersonalCalendars(store::Tx& tx, std::vector<std::int64_t> account_ids);

// The account's personal calendar, if it has one yet.
std::optional<Calendar> FindPersonalCalendar(store::Tx& tx, std::int64_t account_id);

// The account's personal calendar or, until its first booking or block creates it,
// a stand-in (id 0) that holds nothing and has the account's time zone, as the calendar
// will when it is created. For reads: listings of an account that has no calendar yet.
Calendar PersonalCalendarOrStandIn(store::Tx& tx, std::int64_t account_id);

// The account's personal calendar, created in the account's time zone on first use
// (so this needs a write transaction).
Calendar PersonalCalendar(store::Tx& tx, std::int64_t account_id, Instant now);

// Whether a snapshot holds the calendar's own windows (weekly rules and one-off windows).
// A reading that lays its own windows instead (booking::Policy::own_windows) skips them,
// and the two queries that load them.
enum class OwnWindows { kLoad, kSkip };

// The time now, to the second (what faces pass as `now`).
Instant ClockNow();

// Loads what the engine needs over `range`: active weekly rules, one-off windows and
// explicit slots touching it, blocked hours of its local days, the owner's known busy
// time from connected calendars (calendar_busy), and bookings holding
// capacity that overlap it widened by `margin` on both sides (for buffers), and holds
// that do and are still alive at `now` (expires_at > now).
CalendarSnapshot LoadSnapshot(store::Tx& tx, const Calendar& calendar, Interval range,
                              std::chrono::seconds margin = std::chrono::seconds{0}, Instant now = ClockNow(),
                              OwnWindows windows = OwnWindows::kLoad);

// The snapshots of several distinct calendars over one range, in the order given, loaded with
// the same six queries one calendar takes (for listings that show many calendars).
// Each calendar's blocked hours cover the local days any of them spans there.
std::vector<CalendarSnapshot> LoadSnapshots(store::Tx& tx, std::span<const Calendar> calendars, Interval range,
                                            std::chrono::seconds margin = std::chrono::seconds{0},
                                            Instant now = ClockNow(), OwnWindows windows = OwnWindows::kLoad);

// True when the calendar defines availability anywhere in time: an active weekly rule,
// a one-off window or an available slot. A snapshot sees only its range, so faces with a
// fallback for calendars that define none (kDefaultRulesIfNone) decide it here, once for
// listing and booking alike.
bool DefinesAvailability(store::Tx& tx, const Calendar& calendar);

// Takes the calendars' write locks in id order, so writers that touch several calendars
// cannot deadlock. A SQLite write transaction is already exclusive (BEGIN IMMEDIATE);
// PostgreSQL locks the calendar rows.
void LockCalendars(store::Tx& tx, std::vector<std::int64_t> calendar_ids);

// The zone of that name; a name the system no longer knows reads as UTC (zones are
// validated on the way in).
Zone ZoneOrUtc(std::string_view name);

// The time around `interval` that covers every local day it touches in any zone
// (±26 hours): what a booking check loads, so per-day limits and open days see their
// whole day.
Interval AroundLocalDays(Interval interval);
// The same for every local ISO week it touches (±8 days and 2 hours): what a check loads
// for a per-week limit.
Interval AroundLocalWeeks(Interval interval);

// Parses "10,15,17" (the stored form of a day's blocked hours); skips anything else in
// the column (another writer's).
std::vector<int> ParseBlockedHours(std::string_view text);

// Busy time as calendar_busy stores it: "start-end,start-end" in UTC seconds, merged.
// Parsing skips anything malformed (it is only ever written by FormatBusyIntervals).
std::string FormatBusyIntervals(const std::vector<Interval>& intervals);
std::vector<Interval> ParseBusyIntervals(std::string_view text);

// Seconds since the epoch, as stored.
inline std::int64_t ToStored(Instant t) { return t.time_since_epoch().count(); }
inline Instant FromStored(std::int64_t s) { return Instant{std::chrono::seconds{s}}; }

// No booking, slot or window lasts longer than this (the schema checks it), so a query
// for rows overlapping time from `t` on scans only rows starting at or after this floor,
// instead of the calendar's whole history.
inline constexpr std::chrono::hours kMaxHeldSpan{48};
inline std::int64_t OverlapScanFloor(Instant t) { return ToStored(t - kMaxHeldSpan); }

}  // namespace kairos::booking
