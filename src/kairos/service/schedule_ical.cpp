#include "kairos/service/schedule_ical.hpp"

#include <cstdio>
#include <map>
#include <set>

#include "kairos/service/calendar_sync_ical.hpp"

namespace kairos::service {
namespace {

constexpr const char* kByDay[] = {"", "MO", "TU", "WE", "TH", "FR", "SA", "SU"};

void Line(std::string& out, std::string_view name, std::string_view value) {
  std::string line(name);
  line += ':';
  line += value;
  out += IcalFoldLine(line);
}

std::string Local(Date day, TimeOfDay time) {
  // 24:00 is the next day's midnight.
  if (time >= std::chrono::hours{24}) {
    day = Date{date::sys_days{day} + date::days{1}};
    time -= std::chrono::hours{24};
  }
  long long s = time.count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02lld%02lld%02lld", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()), s / 3600, s / 60 % 60, s % 60);
  return buf;
}

// DTSTART or DTEND at `day` `time` in the schedule's zone.
void TimeLine(std::string& out, std::string_view name, std::string_view zone, Date day, TimeOfDay time) {
  if (zone == "UTC") {
    Line(out, name, Local(day, time) + "Z");
  } else {
    Line(out, std::string(name) + ";TZID=" + std::string(zone), Local(day, time));
  }
}

}  // namespace

std::string ScheduleIcs(const booking::Schedule& s, Instant now) {
  auto found = FindZone(s.time_zone);
  Zone zone = found ? *found : nullptr;
  const std::string zone_name = zone ? s.time_zone : "UTC";
  // The weekly components start in the week the schedule was made (its Monday, locally).
  const Date created = zone ? LocalDate(s.created_at, zone) : Date{date::floor<date::days>(s.created_at)};
  const Date monday{date::sys_days{created} - date::days{IsoWeekday(created) - 1}};
  const std::string uid = "schedule-" + s.uuid + "@kairos";

  std::string out;
  Line(out, "BEGIN", "VCALENDAR");
  Line(out, "VERSION", "2.0");
  Line(out, "PRODID", "-//Kairos//Kairos Scheduling//EN");
  Line(out, "CALSCALE", "GREGORIAN");
  if (zone_name != "UTC") {
    Date last = monday;
    for (const auto& [day, spans] : s.overrides) last = std::max(last, day);
    Instant from = ToUtc(MakeLocal(monday, TimeOfDay{0}), zone);
    Instant to = std::max(now, ToUtc(MakeLocal(last, TimeOfDay{0}), zone)) + date::days{2 * 366};
    out += IcalVtimezone(zone_name, zone, from, to);
  }

  Line(out, "BEGIN", "VAVAILABILITY");
  Line(out, "UID", IcalEscapeText(uid));
  Line(out, "DTSTAMP", IcalUtc(now));
  Line(out, "SUMMARY", IcalEscapeText(s.name));
  Line(out, "BUSYTYPE", "BUSY-UNAVAILABLE");
  // Weekdays that share an interval are one AVAILABLE.
  std::map<std::pair<TimeOfDay, TimeOfDay>, std::set<int>> by_span;
  for (const auto& w : s.weekly) by_span[{w.span.start, w.span.end}].insert(w.iso_weekday);
  int n = 0;
  for (const auto& [span, days] : by_span) {
    std::string byday;
    for (int d : days) byday += (byday.empty() ? "" : ",") + std::string(kByDay[d]);
    const Date first{date::sys_days{monday} + date::days{*days.begin() - 1}};
    Line(out, "BEGIN", "AVAILABLE");
    Line(out, "UID", IcalEscapeText("weekly-" + std::to_string(++n) + "-" + uid));
    Line(out, "DTSTAMP", IcalUtc(now));
    TimeLine(out, "DTSTART", zone_name, first, span.first);
    TimeLine(out, "DTEND", zone_name, first, span.second);
    Line(out, "RRULE", "FREQ=WEEKLY;BYDAY=" + byday);
    Line(out, "END", "AVAILABLE");
  }
  Line(out, "END", "VAVAILABILITY");

  for (const auto& [day, spans] : s.overrides) {
    const std::string day_uid = "override-" + Local(day, TimeOfDay{0}).substr(0, 8) + "-" + uid;
    Line(out, "BEGIN", "VAVAILABILITY");
    Line(out, "UID", IcalEscapeText(day_uid));
    Line(out, "DTSTAMP", IcalUtc(now));
    Line(out, "PRIORITY", "1");
    Line(out, "BUSYTYPE", "BUSY-UNAVAILABLE");
    TimeLine(out, "DTSTART", zone_name, day, TimeOfDay{0});
    TimeLine(out, "DTEND", zone_name, day, std::chrono::hours{24});
    int k = 0;
    for (const auto& span : spans) {
      Line(out, "BEGIN", "AVAILABLE");
      Line(out, "UID", IcalEscapeText(std::to_string(++k) + "-" + day_uid));
      Line(out, "DTSTAMP", IcalUtc(now));
      TimeLine(out, "DTSTART", zone_name, day, span.start);
      TimeLine(out, "DTEND", zone_name, day, span.end);
      Line(out, "END", "AVAILABLE");
    }
    Line(out, "END", "VAVAILABILITY");
  }
  Line(out, "END", "VCALENDAR");
  return out;
}

ScheduleFields FieldsFromAvailability(const WeeklyAvailability& a) {
  ScheduleFields f;
  f.time_zone = a.time_zone;
  std::vector<booking::WeeklySpan> weekly;
  for (const auto& w : a.weekly) weekly.push_back({w.iso_weekday, {w.start, w.end}});
  f.weekly = std::move(weekly);
  std::vector<ScheduleOverride> overrides;
  for (const auto& [day, spans] : a.overrides) {
    ScheduleOverride o{day, {}};
    for (const auto& [start, end] : spans) o.intervals.push_back({start, end});
    overrides.push_back(std::move(o));
  }
  f.overrides = std::move(overrides);
  return f;
}

}  // namespace kairos::service
