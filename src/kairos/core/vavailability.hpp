// Reading RFC 7953 availability (VAVAILABILITY) into the shape of a weekly schedule:
// one zone, weekly intervals, and whole-day overrides. Anything the shape cannot hold is
// refused with a message naming it, never approximated.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"

namespace kairos {

struct WeeklyAvailable {
  int iso_weekday = 1;  // 1 = Monday
  TimeOfDay start{};
  TimeOfDay end{};  // up to 24:00
};

struct WeeklyAvailability {
  std::string time_zone;  // an IANA name, or "UTC"
  std::vector<WeeklyAvailable> weekly;
  // Each date's intervals replace its weekly ones; no intervals: closed that day.
  std::map<Date, std::vector<std::pair<TimeOfDay, TimeOfDay>>> overrides;
};

// Reads a VCALENDAR holding VTIMEZONEs and VAVAILABILITY components: exactly one without
// PRIORITY (or PRIORITY:0), DTSTART and DTEND whose AVAILABLE components each repeat with
// RRULE:FREQ=WEEKLY;BYDAY=… (no other rule part, no COUNT or UNTIL) and last at most to
// the end of their day; and any number with a higher priority (1 to 9), each bounded by
// DTSTART and DTEND one local day apart at midnight, whose AVAILABLE components (no
// RRULE) are that day's intervals. Every time is in one zone: TZID (a known IANA name) or
// UTC. InvalidArgument (field "ics") otherwise; at most `max_bytes` of input.
Result<WeeklyAvailability> ReadWeeklyAvailability(std::string_view ics, std::size_t max_bytes);

}  // namespace kairos
