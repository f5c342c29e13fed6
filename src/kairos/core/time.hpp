// Time: UTC instants, civil (local) dates and times, IANA zones, strict ISO 8601.
//
// Instants are UTC seconds. Civil values carry no zone; a zone turns them into instants
// with the RFC 5545 policy: a local time inside a DST gap moves forward by the gap's
// length, and a local time inside a repeated hour takes its first occurrence.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <date/date.h>

#include "kairos/core/result.hpp"

namespace kairos {

using Instant = std::chrono::sys_seconds;          // a point in UTC
using LocalDateTime = date::local_seconds;         // a wall-clock date and time, no zone
using Date = date::year_month_day;                 // a civil calendar date
using TimeOfDay = std::chrono::seconds;            // seconds since local midnight
struct ZoneInfo;                                   // a loaded zone's rules, owned by FindZone
using Zone = const ZoneInfo*;                      // an IANA zone; never null when valid

// A half-open span of UTC time [start, end). Touching intervals do not overlap.
struct Interval {
  Instant start;
  Instant end;

  bool empty() const { return end <= start; }
  std::chrono::seconds length() const { return end - start; }
  bool Overlaps(const Interval& o) const { return start < o.end && o.start < end; }
  bool Contains(const Interval& o) const { return start <= o.start && o.end <= end; }
  bool Contains(Instant t) const { return start <= t && t < end; }
  friend bool operator==(const Interval&, const Interval&) = default;
};

// The zone named `name` ("Asia/Kolkata", "UTC", "Factory") from the system zoneinfo, or
// InvalidArgument("Unknown time zone: <name>", field). The rules come from the zone file,
// its POSIX TZ footer included (so transitions after 2037 are known). Lookups are cached
// and thread-safe; a Zone stays valid for the life of the process.
Result<Zone> FindZone(std::string_view name, std::string_view field = "timezone");

// The IANA name `zone` was found by ("America/New_York").
std::string_view ZoneName(Zone zone);

// The instant at which the wall clock in `zone` shows `local` (RFC 5545 gap/overlap policy).
Instant ToUtc(LocalDateTime local, Zone zone);

// The wall-clock reading of `t` in `zone`.
LocalDateTime ToLocal(Instant t, Zone zone);

// The offset of `zone` from UTC at `t` (local = utc + offset).
std::chrono::seconds UtcOffset(Instant t, Zone zone);

// The UTC interval covering the local calendar day `day` in `zone` (23, 24 or 25 hours).
Interval LocalDayBounds(Date day, Zone zone);

// The local calendar date of `t` in `zone`.
Date LocalDate(Instant t, Zone zone);

// Combines a civil date and a time of day (which may be 24:00, meaning next midnight).
LocalDateTime MakeLocal(Date day, TimeOfDay time);

// The date part and time-of-day part of a local date-time.
Date DateOf(LocalDateTime local);
TimeOfDay TimeOfDayOf(LocalDateTime local);

// ISO weekday of a date: 1 = Monday ... 7 = Sunday.
int IsoWeekday(Date day);

// English name of an ISO weekday (1 = "Monday" ... 7 = "Sunday"); "" when out of range.
std::string_view WeekdayName(int iso_weekday);

// Strict ISO 8601 parsing. Each rejects impossible values (2025-02-30, 24:30, 2025-13-01)
// and trailing characters, returning InvalidArgument naming `field`.

// "YYYY-MM-DD".
Result<Date> ParseDate(std::string_view text, std::string_view field = "date");
// "HH:MM" or "HH:MM:SS" (00:00 to 23:59:59).
Result<TimeOfDay> ParseTimeOfDay(std::string_view text, std::string_view field = "time");
// "YYYY-MM-DDTHH:MM[:SS]", with 'T' or a space between date and time; no zone suffix.
Result<LocalDateTime> ParseLocalDateTime(std::string_view text, std::string_view field = "start_time");
// A local date-time followed by "Z" or an offset "+HH:MM" / "-HH:MM"; returns the instant.
Result<Instant> ParseInstant(std::string_view text, std::string_view field = "start_time");

// "2025-11-15T14:00:00Z".
std::string FormatUtc(Instant t);
// "2024-01-15T14:00:00+05:30": the wall clock of `t` in `zone` with its offset.
std::string FormatLocalWithOffset(Instant t, Zone zone);
// "+05:30", "-04:00", "+00:00".
std::string FormatOffset(std::chrono::seconds offset);
// "2024-01-15".
std::string FormatDate(Date day);
// "14:00".
std::string FormatHourMinute(TimeOfDay time);
// "14:00:00".
std::string FormatTimeOfDay(TimeOfDay time);
// "2024-01-15T14:00:00".
std::string FormatLocalDateTime(LocalDateTime local);
// "2020-04-25 14:00:00".
std::string FormatLocalDateTimeSpaced(LocalDateTime local);

}  // namespace kairos
