// Busy time read from iCalendar data (RFC 5545): the hours a calendar Kairos reads (a
// subscription's .ics, a CalDAV calendar-query answer) says its owner is not free.
//
// The rules: a VEVENT blocks [DTSTART, DTEND) unless it is TRANSP:TRANSPARENT or
// STATUS:CANCELLED. DURATION replaces DTEND (days and weeks nominal, the rest exact); with
// neither, a DATE event lasts one day and a DATE-TIME event no time at all (not busy).
// RRULEs are expanded on the event's wall clock (a weekly 09:00 stays 09:00 across DST),
// RDATEs (DATE, DATE-TIME, PERIOD) added, EXDATEs removed; a VEVENT with RECURRENCE-ID
// replaces the instance starting then (RANGE=THISANDFUTURE is read as that instance only:
// libical offers no support for it). A TZID is looked up in the system zone database by
// name (a "/vendor/.../Area/City" prefix is dropped), else in the data's own VTIMEZONE;
// floating times and DATE (all-day) events are read in the owner's zone, so an all-day
// event blocks the owner's local day(s). Events Kairos wrote itself (IsKairosUid) are
// skipped: its bookings already block time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/interval_set.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"

namespace kairos {

struct BusyReadLimits {
  std::size_t max_bytes = 8 * 1024 * 1024;  // the whole input; default: 8 MiB
  std::size_t max_events = 20000;           // VEVENTs in the input; default: 20 000
  std::size_t max_instances = 50000;        // instances expanded in the range; default: 50 000
};

struct BusyTime {
  IntervalSet busy;            // merged, half-open, UTC, within the range asked for
  std::size_t events = 0;      // VEVENTs read (overrides included)
  std::vector<std::string> notes;  // what was read with a fallback ("UID x: unknown TZID y, read as ...")
};

// The busy time `ics` (one or more VCALENDARs) holds in `range`, for an owner living in
// `owner`. Input over a limit is kPayloadTooLarge (bytes, events) or InvalidArgument
// (instances, naming the UID); text that is not iCalendar, or a VEVENT whose DTSTART or
// RRULE cannot be read, is InvalidArgument naming the UID, never a silent gap in busy time.
Result<BusyTime> ReadIcalBusyTime(std::string_view ics, Zone owner, Interval range, const BusyReadLimits& limits = {});

// The same for several calendar objects at once (the resources of one CalDAV calendar);
// a UID's overrides may sit in another piece than its master.
Result<BusyTime> ReadIcalBusyTime(const std::vector<std::string>& pieces, Zone owner, Interval range,
                                  const BusyReadLimits& limits = {});

// The text of each calendar-data element (RFC 4791 §9.6, any namespace prefix) of a
// WebDAV multistatus, XML entities and CDATA sections decoded. Not a general XML parser:
// it reads what CalDAV servers send.
Result<std::vector<std::string>> CaldavCalendarData(std::string_view multistatus);

// True for the UIDs Kairos gives the events it writes into external calendars:
// "<booking uuid>@kairos" and "meeting-<meeting uuid>@kairos".
bool IsKairosUid(std::string_view uid);

}  // namespace kairos
