// A schedule as RFC 7953 availability, out and in (docs/api.md, "Schedules as
// iCalendar"): the weekly hours as one VAVAILABILITY of AVAILABLE components repeating
// weekly in the schedule's zone, each override as a VAVAILABILITY of higher priority
// covering its day.
#pragma once

#include <cstddef>
#include <string>

#include "kairos/booking/event_types.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/core/vavailability.hpp"
#include "kairos/service/schedules.hpp"

namespace kairos::service {

// The largest .ics a schedule import reads.
inline constexpr std::size_t kMaxScheduleIcs = 256 * 1024;

// The VCALENDAR of the schedule stamped `now`: a VTIMEZONE for its zone (unless UTC), a
// VAVAILABILITY (no PRIORITY, BUSYTYPE:BUSY-UNAVAILABLE) with one AVAILABLE per set of
// weekdays sharing an interval (RRULE:FREQ=WEEKLY;BYDAY=…, first instance in the week of
// the schedule's creation), and per override date a VAVAILABILITY with PRIORITY:1 from
// that day's midnight to the next holding the day's intervals (none: closed).
std::string ScheduleIcs(const booking::Schedule& schedule, Instant now);

// The fields an import replaces: zone, weekly intervals and overrides, from what
// ReadWeeklyAvailability read.
ScheduleFields FieldsFromAvailability(const WeeklyAvailability& availability);

}  // namespace kairos::service
