// Face 000's use cases: an account publishes its own time slots (one at a time, in bulk
// over a date range, or as a recurring series), reads them back and moves them through
// their statuses. Slots live on the owner's personal calendar, so a booked or blocked
// slot is busy time in every face, and a booking made through another face shows here.
// Knows nothing of HTTP or JSON; only the owner ever sees or changes a slot.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/auth/principal.hpp"
#include "kairos/core/recurrence.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

inline constexpr std::array<int, 6> kSlotDurationsMinutes = {15, 30, 45, 60, 90, 120};
inline constexpr std::chrono::minutes kDefaultSlotDuration{45};
inline constexpr int kMaxBulkRangeDays = 90;
inline constexpr std::size_t kMaxBulkSlots = 2000;
inline constexpr std::size_t kMaxSeriesOccurrences = 366;
inline constexpr std::int64_t kDefaultSlotPageSize = 50;
inline constexpr std::int64_t kMaxSlotPageSize = 100;
inline constexpr std::int64_t kDefaultUpcomingLimit = 10;
inline constexpr std::int64_t kMaxUpcomingLimit = 50;
inline constexpr std::size_t kRecentSlots = 5;

enum class TimeSlotStatus { kAvailable, kBooked, kBlocked, kCancelled };

// "available", "booked", "blocked", "cancelled".
std::string_view TimeSlotStatusName(TimeSlotStatus status);
// The status of that exact name, or InvalidArgument naming `field` and the valid names.
Result<TimeSlotStatus> ParseTimeSlotStatus(std::string_view name, std::string_view field = "status");
// available → booked | blocked | cancelled; blocked → available | cancelled;
// booked → cancelled; cancelled is final.
bool TimeSlotTransitionAllowed(TimeSlotStatus from, TimeSlotStatus to);

// "daily", "weekly", "monthly" (the names ParseRepeatPattern reads).
std::string_view RepeatPatternName(RepeatPattern pattern);

struct TimeSlot {
  std::string uuid;
  std::string owner_uuid;
  Interval interval;
  std::string timezone;
  Zone zone = nullptr;
  std::optional<std::string> title;
  std::optional<std::string> description;
  // As shown: an available slot whose time a booking from another face holds is booked.
  TimeSlotStatus status = TimeSlotStatus::kAvailable;
  bool is_recurring = false;
  std::optional<RepeatPattern> recurring_pattern;
  std::optional<Date> recurring_end_date;  // a local date in the slot's zone
  std::optional<std::string> series_uuid;
  Instant created_at{};
  Instant updated_at{};
};

// One slot, or the first of a recurring series, in local wall-clock time.
struct NewTimeSlot {
  LocalDateTime start{};
  LocalDateTime end{};
  std::string timezone = "UTC";
  std::optional<std::string> title;
  std::optional<std::string> description;
  bool is_recurring = false;
  std::optional<RepeatPattern> recurring_pattern;
  std::optional<Date> recurring_end_date;
};

struct CreatedTimeSlot {
  TimeSlot first;
  std::size_t occurrences = 1;
};

// Slots of `duration` laid from start_time on each chosen day of [start_date, end_date].
struct BulkTimeSlots {
  Date start_date{};
  Date end_date{};
  TimeOfDay start_time{};
  TimeOfDay end_time{};
  std::string timezone = "UTC";
  std::optional<std::vector<int>> days_of_week;  // 0 = Monday ... 6 = Sunday; absent = every day
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::chrono::minutes duration = kDefaultSlotDuration;
};

struct TimeSlotFilter {
  std::optional<Date> start_date;  // compared with each slot's local start date
  std::optional<Date> end_date;
  std::optional<TimeSlotStatus> status;  // as shown
  std::int64_t limit = kDefaultSlotPageSize;
  std::int64_t offset = 0;
};

struct TimeSlotPage {
  std::vector<TimeSlot> slots;  // by start
  std::int64_t total = 0;       // matching slots before offset/limit
};

struct TimeSlotSummary {
  std::int64_t total_slots = 0;  // every slot, cancelled ones included
  std::int64_t available_slots = 0;
  std::int64_t booked_slots = 0;
  std::int64_t blocked_slots = 0;
  std::int64_t upcoming_slots = 0;  // available slots that start after now
  std::optional<TimeSlot> next_available_slot;
  std::vector<TimeSlot> recent_slots;  // the last kRecentSlots created
};

// What PUT may change; absent members stay as they are (an inner nullopt clears).
struct TimeSlotChanges {
  std::optional<std::optional<std::string>> title;
  std::optional<std::optional<std::string>> description;
  std::optional<TimeSlotStatus> status;
};

class TimeSlots {
 public:
  explicit TimeSlots(store::Database& db) : db_(db) {}

  // Creates a slot (or every occurrence of its series) for the caller. InvalidArgument
  // for an unknown zone, start not before end, a start not in the future, a duration
  // outside kSlotDurationsMinutes, or an incomplete or oversized series; Conflict
  // listing the caller's slots it would overlap.
  Result<CreatedTimeSlot> Create(const auth::Principal& caller, const NewTimeSlot& in, Instant now);

  // Creates every slot of the request or none. Today's slots that have started are left
  // out. InvalidArgument for bad dates, days, times or duration, a range over 90 days, a
  // start date before today in the zone, no slot at all or more than kMaxBulkSlots;
  // Conflict listing the overlaps with the caller's slots.
  Result<std::vector<TimeSlot>> CreateBulk(const auth::Principal& caller, const BulkTimeSlots& in, Instant now);

  // The caller's slots matching the filter, by start.
  Result<TimeSlotPage> List(const auth::Principal& caller, const TimeSlotFilter& filter);

  Result<TimeSlotSummary> Summary(const auth::Principal& caller, Instant now);

  // The caller's available slots that start after now, soonest first.
  Result<std::vector<TimeSlot>> Upcoming(const auth::Principal& caller, std::int64_t limit, Instant now);

  // NotFound("Time slot not found") unless the slot exists and is the caller's.
  Result<TimeSlot> Get(const auth::Principal& caller, std::string_view slot_uuid);

  // Applies the changes; a status change follows TimeSlotTransitionAllowed (the same
  // status is no change).
  Result<TimeSlot> Update(const auth::Principal& caller, std::string_view slot_uuid, const TimeSlotChanges& changes,
                          Instant now);

  // book, block, unblock: one transition of the table; booking also needs a slot that
  // has not started and whose time no other booking holds.
  Result<TimeSlot> ChangeStatus(const auth::Principal& caller, std::string_view slot_uuid, TimeSlotStatus to,
                                Instant now);

  // Deletes the slot (only that occurrence of a series), whatever its status; a booked
  // slot's booking is cancelled with it.
  Status Delete(const auth::Principal& caller, std::string_view slot_uuid, Instant now);

 private:
  store::Database& db_;
};

}  // namespace kairos::service
