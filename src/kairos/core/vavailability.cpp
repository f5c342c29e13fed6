#include "kairos/core/vavailability.hpp"

#include <memory>
#include <optional>
#include <set>

#include "kairos/core/ical_time.hpp"

namespace kairos {
namespace {

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

Error Refuse(std::string message) { return InvalidArgument(std::move(message), "ics"); }

// A DTSTART or DTEND: its wall clock and the zone it is in ("UTC" for a Z time).
struct Stamp {
  LocalDateTime local{};
  std::string zone;
};

Result<Stamp> ReadStamp(icalcomponent* c, icalproperty_kind kind, std::string_view what) {
  const std::string name = kind == ICAL_DTSTART_PROPERTY ? "DTSTART" : "DTEND";
  icalproperty* p = icalcomponent_get_first_property(c, kind);
  if (!p) return Refuse(std::string(what) + " needs " + name);
  icaltimetype t = kind == ICAL_DTSTART_PROPERTY ? icalproperty_get_dtstart(p) : icalproperty_get_dtend(p);
  if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t)) return Refuse(std::string(what) + ": bad " + name);
  if (t.is_date) return Refuse(std::string(what) + ": " + name + " must be a date-time, not a date");
  Stamp s{ical::FromIcal(t), {}};
  icalparameter* tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  if (tzid && icalparameter_get_tzid(tzid) && *icalparameter_get_tzid(tzid)) {
    s.zone = icalparameter_get_tzid(tzid);
  } else if (icaltime_is_utc(t)) {
    s.zone = "UTC";
  } else {
    return Refuse(std::string(what) + ": " + name + " is a floating time; give it a TZID");
  }
  return s;
}

// The one zone every time must share.
Status SameZone(std::optional<std::string>& zone, const Stamp& s) {
  if (!zone) {
    if (!FindZone(s.zone, "ics")) return Refuse("Unknown time zone " + s.zone + " (TZID must be an IANA name)");
    zone = s.zone;
    return {};
  }
  if (*zone != s.zone) return Refuse("Times are in more than one zone (" + *zone + ", " + s.zone + ")");
  return {};
}

// DTSTART and DTEND of `c`, both in the one zone every time must share.
Result<std::pair<Stamp, Stamp>> ReadPeriod(icalcomponent* c, std::optional<std::string>& zone, std::string_view what) {
  auto start = ReadStamp(c, ICAL_DTSTART_PROPERTY, what);
  if (!start) return start.error();
  auto end = ReadStamp(c, ICAL_DTEND_PROPERTY, what);
  if (!end) return end.error();
  if (auto s = SameZone(zone, *start); !s) return s.error();
  if (auto s = SameZone(zone, *end); !s) return s.error();
  return std::pair{*start, *end};
}

// A VAVAILABILITY holds AVAILABLE components only.
Status OnlyAvailable(icalcomponent* c) {
  if (icalcomponent_isa(c) == ICAL_XAVAILABLE_COMPONENT) return {};
  return Refuse(std::string("Unsupported component ") + icalcomponent_kind_to_string(icalcomponent_isa(c)) +
                " in VAVAILABILITY");
}

// An interval within one local day: [start, end) with end at most the next midnight.
Result<std::pair<TimeOfDay, TimeOfDay>> DaySpan(const Stamp& start, const Stamp& end, std::string_view what) {
  const Date day = DateOf(start.local);
  const TimeOfDay from = TimeOfDayOf(start.local);
  TimeOfDay to = TimeOfDayOf(end.local);
  if (DateOf(end.local) != day) {
    if (to != TimeOfDay{0} || date::sys_days{DateOf(end.local)} != date::sys_days{day} + date::days{1}) {
      return Refuse(std::string(what) + " spans more than one day");
    }
    to = std::chrono::hours{24};
  }
  if (to <= from) return Refuse(std::string(what) + " ends before it starts");
  return std::pair{from, to};
}

Status NoRecurrenceParts(icalcomponent* c, std::string_view what) {
  for (icalproperty_kind k : {ICAL_RDATE_PROPERTY, ICAL_EXDATE_PROPERTY, ICAL_RECURRENCEID_PROPERTY,
                              ICAL_DURATION_PROPERTY}) {
    if (icalcomponent_get_first_property(c, k)) {
      return Refuse(std::string(what) + ": " + icalproperty_kind_to_string(k) + " is not supported");
    }
  }
  return {};
}

// The ISO weekdays of RRULE:FREQ=WEEKLY;BYDAY=… and nothing else.
Result<std::set<int>> WeeklyDays(icalproperty* rrule, std::string_view what) {
  icalrecurrencetype r = icalproperty_get_rrule(rrule);
  const std::string text = icalproperty_get_value_as_string(rrule) ? icalproperty_get_value_as_string(rrule) : "";
  const std::string unsupported = std::string(what) + ": RRULE " + text + " is not supported (only FREQ=WEEKLY;BYDAY=…)";
  if (r.freq != ICAL_WEEKLY_RECURRENCE || r.interval != 1 || r.count != 0 || !icaltime_is_null_time(r.until)) {
    return Refuse(unsupported);
  }
  for (short* other : {r.by_second, r.by_minute, r.by_hour, r.by_month_day, r.by_year_day, r.by_week_no, r.by_month,
                       r.by_set_pos}) {
    if (other[0] != ICAL_RECURRENCE_ARRAY_MAX) return Refuse(unsupported);
  }
  std::set<int> days;
  for (int i = 0; i < ICAL_BY_DAY_SIZE && r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
    if (icalrecurrencetype_day_position(r.by_day[i]) != 0) return Refuse(unsupported);
    int sunday_first = static_cast<int>(icalrecurrencetype_day_day_of_week(r.by_day[i]));  // 1 = Sunday
    days.insert(sunday_first == 1 ? 7 : sunday_first - 1);
  }
  if (days.empty()) return Refuse(std::string(what) + ": RRULE needs BYDAY");
  return days;
}

int PriorityOf(icalcomponent* c) {
  icalproperty* p = icalcomponent_get_first_property(c, ICAL_PRIORITY_PROPERTY);
  return p ? icalproperty_get_priority(p) : 0;
}

}  // namespace

Result<WeeklyAvailability> ReadWeeklyAvailability(std::string_view ics, std::size_t max_bytes) {
  ical::DisableFatalErrors();
  if (ics.size() > max_bytes) return Refuse("The calendar is larger than " + std::to_string(max_bytes) + " bytes");
  const std::string text(ics);
  if (text.find("BEGIN:VCALENDAR") == std::string::npos) return Refuse("Not iCalendar data (no VCALENDAR)");
  ComponentPtr root(icalparser_parse_string(text.c_str()));
  if (!root || icalcomponent_isa(root.get()) != ICAL_VCALENDAR_COMPONENT) {
    return Refuse("Not iCalendar data (no VCALENDAR)");
  }
  std::vector<icalcomponent*> weekly;
  std::vector<icalcomponent*> dated;
  for (icalcomponent* c = icalcomponent_get_first_component(root.get(), ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(root.get(), ICAL_ANY_COMPONENT)) {
    icalcomponent_kind kind = icalcomponent_isa(c);
    if (kind == ICAL_VTIMEZONE_COMPONENT) continue;
    if (kind != ICAL_VAVAILABILITY_COMPONENT) {
      return Refuse(std::string("Unsupported component ") + icalcomponent_kind_to_string(kind) +
                    " (only VAVAILABILITY and VTIMEZONE)");
    }
    int priority = PriorityOf(c);
    if (priority < 0 || priority > 9) return Refuse("VAVAILABILITY PRIORITY must be 0 to 9");
    (priority == 0 ? weekly : dated).push_back(c);
  }
  if (weekly.size() != 1) {
    return Refuse("Expected one VAVAILABILITY without PRIORITY (the weekly hours), found " +
                  std::to_string(weekly.size()));
  }

  WeeklyAvailability out;
  std::optional<std::string> zone;
  icalcomponent* base = weekly.front();
  if (icalcomponent_get_first_property(base, ICAL_DTSTART_PROPERTY) ||
      icalcomponent_get_first_property(base, ICAL_DTEND_PROPERTY)) {
    return Refuse("The weekly VAVAILABILITY must have no DTSTART or DTEND (a schedule has no start or end)");
  }
  for (icalcomponent* c = icalcomponent_get_first_component(base, ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(base, ICAL_ANY_COMPONENT)) {
    if (auto s = OnlyAvailable(c); !s) return s.error();
    const std::string what = "AVAILABLE " + std::to_string(out.weekly.size() + 1);
    if (auto s = NoRecurrenceParts(c, what); !s) return s.error();
    auto period = ReadPeriod(c, zone, what);
    if (!period) return period.error();
    const Stamp& start = period->first;
    auto span = DaySpan(start, period->second, what);
    if (!span) return span.error();
    icalproperty* rrule = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
    if (!rrule) return Refuse(what + " of the weekly VAVAILABILITY needs RRULE:FREQ=WEEKLY;BYDAY=…");
    if (icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) return Refuse(what + " has more than one RRULE");
    auto days = WeeklyDays(rrule, what);
    if (!days) return days.error();
    // DTSTART is the first instance (RFC 5545 §3.8.5.3), so it must be one of the days.
    if (!days->contains(IsoWeekday(DateOf(start.local)))) {
      return Refuse(what + ": DTSTART is not on one of the RRULE's BYDAY days");
    }
    for (int d : *days) out.weekly.push_back({d, span->first, span->second});
  }

  for (icalcomponent* v : dated) {
    auto whole = ReadPeriod(v, zone, "A VAVAILABILITY with PRIORITY");
    if (!whole) return whole.error();
    const auto& [from, to] = *whole;
    const Date day = DateOf(from.local);
    if (TimeOfDayOf(from.local) != TimeOfDay{0} || TimeOfDayOf(to.local) != TimeOfDay{0} ||
        date::sys_days{DateOf(to.local)} != date::sys_days{day} + date::days{1}) {
      return Refuse("A VAVAILABILITY with PRIORITY must cover one whole day (DTSTART and DTEND at midnight, a day "
                    "apart)");
    }
    if (out.overrides.contains(day)) return Refuse("Two VAVAILABILITY components cover the same day");
    auto& spans = out.overrides[day];
    for (icalcomponent* c = icalcomponent_get_first_component(v, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(v, ICAL_ANY_COMPONENT)) {
      if (auto s = OnlyAvailable(c); !s) return s.error();
      const std::string what = "An AVAILABLE of a dated VAVAILABILITY";
      if (icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY)) return Refuse(what + " must not repeat (RRULE)");
      if (auto s = NoRecurrenceParts(c, what); !s) return s.error();
      auto period = ReadPeriod(c, zone, what);
      if (!period) return period.error();
      if (DateOf(period->first.local) != day) return Refuse(what + " lies outside its VAVAILABILITY's day");
      auto span = DaySpan(period->first, period->second, what);
      if (!span) return span.error();
      spans.push_back(*span);
    }
  }
  out.time_zone = zone.value_or("UTC");
  return out;
}

}  // namespace kairos
