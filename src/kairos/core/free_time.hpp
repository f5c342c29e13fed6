// Free time: a calendar's availability minus blocked time and bookings, stepped into slots.
//
// One computation answers both "which slots are offered" (FreeSlots) and "may this
// interval be booked" (CheckBookable), so a booking succeeds exactly when the listing
// would offer it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kairos/core/interval_set.hpp"
#include "kairos/core/recurrence.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"

namespace kairos {

// Where an availability window comes from. Earlier kinds win when two windows offer the
// same slot.
enum class WindowSource {
  kExplicitSlot,   // an explicit slot with status available
  kOneOff,         // a one-off window
  kRecurring,      // an occurrence of a recurring window
  kWeeklyRule,     // a weekly rule
  kDefaultRule,    // one of the caller's default rules (calendar has no availability)
  kOpenDay,        // a whole local day with no availability (open-day policy)
};

// The window a slot was laid from: its kind and the caller's id of the rule or window.
struct WindowOrigin {
  WindowSource source = WindowSource::kWeeklyRule;
  std::int64_t id = 0;
  friend bool operator==(const WindowOrigin&, const WindowOrigin&) = default;
};

// Every `iso_weekday` (1 = Monday) from local `start` to local `end` (end may be 24:00),
// on dates within [valid_from, valid_until] (inclusive; absent = unbounded).
struct WeeklyRule {
  int iso_weekday = 1;
  TimeOfDay start{};
  TimeOfDay end{};
  std::optional<Date> valid_from;
  std::optional<Date> valid_until;
  int capacity = 1;
  std::int64_t id = 0;
};

// Windows of `duration` starting at each local occurrence of `rule` from `first`.
struct RecurringWindow {
  RecurrenceRule rule;
  LocalDateTime first{};
  std::chrono::seconds duration{};
  std::vector<LocalDateTime> exceptions;  // EXDATE: occurrences to leave out
  int capacity = 1;
  std::int64_t id = 0;
};

// A single window of availability in UTC.
struct OneOffWindow {
  Interval interval;
  int capacity = 1;
  std::int64_t id = 0;
};

enum class SlotStatus { kAvailable, kBooked, kBlocked, kCancelled };

// A stored slot: available makes it a window; booked or blocked make its time busy;
// cancelled ones are ignored.
struct ExplicitSlot {
  Interval interval;
  SlotStatus status = SlotStatus::kAvailable;
  int capacity = 1;
  std::int64_t id = 0;
};

// A booking that holds `units` of capacity over its interval.
struct Booking {
  Interval interval;
  int units = 1;
};

// What a calendar offers where it defines no availability.
enum class UndefinedTimePolicy {
  kClosed,              // only the defined windows are available
  kOpenUndefinedDays,   // a local day touched by no window is open all day
  kDefaultRulesIfNone,  // a calendar with no windows at all uses `default_rules`
};

// A calendar's availability and what holds it. The spans are views: the caller keeps
// the data alive during a call. Inputs sorted by start are processed fastest.
struct CalendarAvailability {
  Zone zone = nullptr;
  std::span<const WeeklyRule> weekly_rules;
  std::span<const RecurringWindow> recurring_windows;
  std::span<const OneOffWindow> one_off_windows;
  std::span<const ExplicitSlot> explicit_slots;
  std::span<const Interval> blocked;  // blocked periods: no capacity at all
  // Bookings that hold capacity: at least those overlapping the range (widened by the
  // buffers), and with a per-day limit all starting on the range's local days.
  std::span<const Booking> bookings;
  UndefinedTimePolicy undefined_time = UndefinedTimePolicy::kClosed;
  std::span<const WeeklyRule> default_rules;
  int open_day_capacity = 1;  // capacity of kOpenUndefinedDays windows
  // Capacity set for a stretch of time (the largest where several overlap), replacing the
  // windows' capacity there. They open no time and lay no grid, so a face can give its
  // pre-made slots their own capacity inside opening hours without moving the slot grid.
  std::span<const OneOffWindow> capacity_overrides;
  // The bookings the per-day and per-week limits count, when they are not all of
  // `bookings` (an event type counts only its own, while every booking holds capacity).
  // Absent: the limits count `bookings`.
  std::optional<std::span<const Booking>> counted_bookings;
};

// What slots to compute.
struct SlotQuery {
  Interval range;                     // slots lie entirely inside it
  std::chrono::seconds duration{};    // slot length, > 0
  std::chrono::seconds step{};        // grid step from each window's start; 0 = duration
  std::chrono::seconds buffer_before{};  // bookings are widened by these
  std::chrono::seconds buffer_after{};
  Instant now{};                      // never read from the clock inside core
  std::chrono::seconds min_notice{};  // slots start at or after now + min_notice
  std::optional<std::chrono::seconds> horizon;  // slots start at or before now + horizon
  std::optional<int> per_day_limit;   // bookings starting on a local day before it is full
  // Bookings starting in an ISO week (Monday 00:00 to Monday 00:00, local to the
  // calendar's zone) before it is full. Like per_day_limit, it counts the counted
  // bookings (see CalendarAvailability::counted_bookings) by their start.
  std::optional<int> per_week_limit;
  bool include_unavailable = false;   // also list grid slots with no remaining capacity
};

// Why a slot has no remaining capacity (kAvailable when it has some).
enum class SlotState {
  kAvailable,
  kTooSoon,          // starts before now + min_notice (includes the past)
  kBeyondHorizon,    // starts after now + horizon
  kDayLimitReached,  // its local day already holds per_day_limit bookings
  kWeekLimitReached, // its local ISO week already holds per_week_limit bookings
  kBlocked,          // overlaps a blocked period or a booked/blocked explicit slot
  kFullyBooked,      // bookings (with buffers) hold all capacity somewhere inside it
};

struct Slot {
  Interval interval;
  int remaining_capacity = 0;
  SlotState state = SlotState::kAvailable;
  WindowOrigin origin;
};

// The candidate slots of `calendar` for `query`, ordered by start. Candidates lie on a
// grid from each window's start advancing by the step, start inside that window and lie
// entirely inside the union of windows and the range. Remaining capacity is the least,
// over the slot, of window capacity (the largest of overlapping windows) minus booked
// units. Only slots with remaining capacity >= 1 are listed unless include_unavailable.
// Invalid queries or rules are InvalidArgument.
Result<std::vector<Slot>> FreeSlots(const CalendarAvailability& calendar, const SlotQuery& query);

// Succeeds when FreeSlots, with the query's range and duration set to `requested`, would
// offer exactly `requested` with capacity left. Otherwise a Conflict (or InvalidArgument
// for a start in the past or beyond the horizon) whose message says why.
Status CheckBookable(const CalendarAvailability& calendar, const SlotQuery& query, Interval requested);

// What CheckBookable decides, as a state: kAvailable when it would succeed, the listed
// slot's state when it has no capacity left, nullopt when no window offers `requested`
// on the grid. Errors as CheckBookable's InvalidArgument for invalid queries.
Result<std::optional<SlotState>> BookableState(const CalendarAvailability& calendar, const SlotQuery& query,
                                               Interval requested);

// The merged time inside the range where at least one unit is free (ignoring the slot
// grid and duration), starting no earlier than now + min_notice, no later than
// now + horizon, and outside local days at their per-day limit (and weeks at their
// per-week limit).
Result<IntervalSet> FreeIntervals(const CalendarAvailability& calendar, const SlotQuery& query);

// Slots of one local calendar day.
struct DaySlots {
  Date day;
  std::vector<Slot> slots;
};

// Groups `slots` (ordered by start) by the local date of their start in `zone`.
std::vector<DaySlots> GroupByLocalDay(std::span<const Slot> slots, Zone zone);

// Slots offered by several calendars at once.
struct SharedSlot {
  Interval interval;
  int remaining_capacity = 0;            // meetings: the least; pools: the sum
  std::vector<std::uint32_t> calendars;  // indexes of the calendars that can take it
};

// Meetings: the slots every calendar can take. Candidates are the union of all
// calendars' grids; remaining capacity is the least over calendars. Listed only when free
// in all (include_unavailable is ignored).
Result<std::vector<SharedSlot>> CommonFreeSlots(std::span<const CalendarAvailability> calendars,
                                                const SlotQuery& query);

// Pools: the slots at least one calendar can take, with the calendars that can, and
// remaining capacity summed over them.
Result<std::vector<SharedSlot>> AnyFreeSlots(std::span<const CalendarAvailability> calendars,
                                             const SlotQuery& query);

}  // namespace kairos

namespace kairos {

// Teams (collective and round-robin event types): many hosts' calendars judged at once.
//
// Candidates are the union of every host's grid (as CommonFreeSlots lays them); a host
// can take a candidate when its own calendar has a unit free over the whole slot and the
// slot's start passes its notice, horizon and limits, exactly as FreeSlots judges that
// host, whether or not the candidate lies on the host's own grid.
enum class TeamKind {
  kCollective,  // every host takes the booking: offered where all hosts are free
  kRoundRobin,  // every mandatory host plus one chosen rotating host
};

struct TeamSlot {
  Interval interval;
  // Collective: the number of hosts (all free). Round robin: the rotating (non-mandatory)
  // hosts free then, any of which the booking could go to; when every host is mandatory,
  // the number of hosts.
  int hosts_available = 0;
};

// The team's slots for `query`, ordered by start, computed in one pass over all hosts'
// free time (no per-candidate, per-host judging). `mandatory[i]` marks host i as one that
// must be free (empty span: none is). Collective treats every host as mandatory. Round
// robin offers a slot where every mandatory host is free and, when there are rotating
// hosts, at least one of them is. include_unavailable is ignored. No hosts: no slots.
Result<std::vector<TeamSlot>> TeamFreeSlots(std::span<const CalendarAvailability> hosts,
                                            std::span<const bool> mandatory, TeamKind kind, const SlotQuery& query);

// Which hosts can take exactly `requested` as TeamFreeSlots judges them: for each host,
// true when it could (false for all when `requested` is on no host's grid). Errors as
// TeamFreeSlots'.
Result<std::vector<bool>> TeamHostsFree(std::span<const CalendarAvailability> hosts, const SlotQuery& query,
                                        Interval requested);

}  // namespace kairos
