// Core's bridge to libical (for the files that read iCalendar: recurrence, busy time):
// wall-clock times to and from libical's struct, and libical's errors made non-fatal.
#pragma once

#include <mutex>

#include <libical/ical.h>

#include "kairos/core/time.hpp"

namespace kairos::ical {

// libical aborts on some errors unless told not to; once per process is enough.
inline void DisableFatalErrors() {
  static std::once_flag once;
  std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

// A floating date-time (no zone) with the same wall clock.
inline icaltimetype ToIcal(LocalDateTime local) {
  Date day = DateOf(local);
  long long s = TimeOfDayOf(local).count();
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(day.year());
  t.month = static_cast<int>(static_cast<unsigned>(day.month()));
  t.day = static_cast<int>(static_cast<unsigned>(day.day()));
  t.hour = static_cast<int>(s / 3600);
  t.minute = static_cast<int>(s / 60 % 60);
  t.second = static_cast<int>(s % 60);
  t.is_date = 0;
  t.zone = nullptr;
  return t;
}

// The wall clock libical's value names; a DATE is its day's midnight.
inline LocalDateTime FromIcal(const icaltimetype& t) {
  Date day{date::year{t.year}, date::month{static_cast<unsigned>(t.month)}, date::day{static_cast<unsigned>(t.day)}};
  if (t.is_date) return MakeLocal(day, std::chrono::seconds{0});
  return MakeLocal(day, std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} + std::chrono::seconds{t.second});
}

}  // namespace kairos::ical
