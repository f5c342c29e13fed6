#include "kairos/core/time.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>

namespace kairos {

namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `n` ASCII digits at `pos`, advancing it; nullopt if any is not a digit.
std::optional<int> ReadDigits(std::string_view text, std::size_t& pos, int n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool ReadChar(std::string_view text, std::size_t& pos, char expected) {
  if (pos >= text.size() || text[pos] != expected) return false;
  ++pos;
  return true;
}

std::optional<Date> ReadDate(std::string_view text, std::size_t& pos) {
  auto y = ReadDigits(text, pos, 4);
  if (!y || !ReadChar(text, pos, '-')) return std::nullopt;
  auto m = ReadDigits(text, pos, 2);
  if (!m || !ReadChar(text, pos, '-')) return std::nullopt;
  auto d = ReadDigits(text, pos, 2);
  if (!d) return std::nullopt;
  Date date{date::year{*y}, date::month{static_cast<unsigned>(*m)}, date::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

// HH:MM or HH:MM:SS, hours 00-23, minutes 00-59, seconds 00-59.
std::optional<TimeOfDay> ReadTime(std::string_view text, std::size_t& pos) {
  auto h = ReadDigits(text, pos, 2);
  if (!h || !ReadChar(text, pos, ':')) return std::nullopt;
  auto m = ReadDigits(text, pos, 2);
  if (!m || *h > 23 || *m > 59) return std::nullopt;
  int s = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    auto sec = ReadDigits(text, pos, 2);
    if (!sec || *sec > 59) return std::nullopt;
    s = *sec;
  }
  return hours{*h} + minutes{*m} + seconds{s};
}

std::optional<LocalDateTime> ReadLocalDateTime(std::string_view text, std::size_t& pos) {
  auto day = ReadDate(text, pos);
  if (!day) return std::nullopt;
  if (!ReadChar(text, pos, 'T') && !ReadChar(text, pos, ' ')) return std::nullopt;
  auto time = ReadTime(text, pos);
  if (!time) return std::nullopt;
  return MakeLocal(*day, *time);
}

Error Malformed(std::string_view what, std::string_view text, std::string_view expected,
                std::string_view field) {
  return InvalidArgument("Invalid " + std::string(what) + " '" + std::string(text) + "' (expected " +
                             std::string(expected) + ")",
                         std::string(field));
}

}  // namespace

Result<Zone> FindZone(std::string_view name, std::string_view field) {
  // locate_zone throws for unknown names and takes a lock inside the tz database;
  // the cache keeps the hot path to one shared lock and a map lookup.
  static std::shared_mutex mutex;
  static std::map<std::string, Zone, std::less<>> cache;
  {
    std::shared_lock lock(mutex);
    if (auto it = cache.find(name); it != cache.end()) return it->second;
  }
  Zone zone = nullptr;
  try {
    zone = date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return InvalidArgument("Unknown time zone: " + std::string(name), std::string(field));
  }
  std::unique_lock lock(mutex);
  cache.emplace(std::string(name), zone);
  return zone;
}

Instant ToUtc(LocalDateTime local, Zone zone) {
  // `first` is the offset in force before a transition: for a gap it maps 02:30 to the
  // instant 03:30 shows afterwards (moved forward by the gap); for an overlap it is the
  // earlier of the two instants.
  date::local_info info = zone->get_info(local);
  return Instant{local.time_since_epoch() - info.first.offset};
}

LocalDateTime ToLocal(Instant t, Zone zone) {
  return LocalDateTime{t.time_since_epoch() + zone->get_info(t).offset};
}

std::chrono::seconds UtcOffset(Instant t, Zone zone) { return zone->get_info(t).offset; }

Interval LocalDayBounds(Date day, Zone zone) {
  date::local_days start{day};
  return Interval{ToUtc(LocalDateTime{start}, zone), ToUtc(LocalDateTime{start + date::days{1}}, zone)};
}

Date LocalDate(Instant t, Zone zone) { return DateOf(ToLocal(t, zone)); }

LocalDateTime MakeLocal(Date day, TimeOfDay time) { return LocalDateTime{date::local_days{day}} + time; }

Date DateOf(LocalDateTime local) { return Date{date::floor<date::days>(local)}; }

TimeOfDay TimeOfDayOf(LocalDateTime local) { return local - date::floor<date::days>(local); }

int IsoWeekday(Date day) { return static_cast<int>(date::weekday{date::local_days{day}}.iso_encoding()); }

std::string_view WeekdayName(int iso_weekday) {
  static constexpr std::string_view kNames[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};
  if (iso_weekday < 1 || iso_weekday > 7) return {};
  return kNames[iso_weekday - 1];
}

Result<Date> ParseDate(std::string_view text, std::string_view field) {
  std::size_t pos = 0;
  auto day = ReadDate(text, pos);
  if (!day || pos != text.size()) return Malformed("date", text, "YYYY-MM-DD", field);
  return *day;
}

Result<TimeOfDay> ParseTimeOfDay(std::string_view text, std::string_view field) {
  std::size_t pos = 0;
  auto time = ReadTime(text, pos);
  if (!time || pos != text.size()) return Malformed("time", text, "HH:MM or HH:MM:SS", field);
  return *time;
}

Result<LocalDateTime> ParseLocalDateTime(std::string_view text, std::string_view field) {
  std::size_t pos = 0;
  auto local = ReadLocalDateTime(text, pos);
  if (!local || pos != text.size()) return Malformed("date-time", text, "YYYY-MM-DDTHH:MM:SS", field);
  return *local;
}

Result<Instant> ParseInstant(std::string_view text, std::string_view field) {
  constexpr std::string_view kExpected = "YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DDTHH:MM:SS+HH:MM";
  std::size_t pos = 0;
  auto local = ReadLocalDateTime(text, pos);
  if (!local) return Malformed("date-time", text, kExpected, field);
  seconds offset{0};
  if (ReadChar(text, pos, 'Z')) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    auto h = ReadDigits(text, pos, 2);
    if (!h || !ReadChar(text, pos, ':')) return Malformed("date-time", text, kExpected, field);
    auto m = ReadDigits(text, pos, 2);
    if (!m || *h > 23 || *m > 59) return Malformed("date-time", text, kExpected, field);
    offset = sign * (hours{*h} + minutes{*m});
  } else {
    return Malformed("date-time", text, kExpected, field);
  }
  if (pos != text.size()) return Malformed("date-time", text, kExpected, field);
  return Instant{local->time_since_epoch() - offset};
}

std::string FormatUtc(Instant t) { return FormatLocalDateTime(LocalDateTime{t.time_since_epoch()}) + "Z"; }

std::string FormatLocalWithOffset(Instant t, Zone zone) {
  seconds offset = UtcOffset(t, zone);
  return FormatLocalDateTime(LocalDateTime{t.time_since_epoch() + offset}) + FormatOffset(offset);
}

std::string FormatOffset(std::chrono::seconds offset) {
  char sign = offset < seconds{0} ? '-' : '+';
  long long total = std::abs(offset.count()) / 60;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", sign, total / 60, total % 60);
  return buf;
}

std::string FormatDate(Date day) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return buf;
}

std::string FormatHourMinute(TimeOfDay time) {
  long long m = time.count() / 60;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld", m / 60, m % 60);
  return buf;
}

std::string FormatTimeOfDay(TimeOfDay time) {
  long long s = time.count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

std::string FormatLocalDateTime(LocalDateTime local) {
  return FormatDate(DateOf(local)) + "T" + FormatTimeOfDay(TimeOfDayOf(local));
}

std::string FormatLocalDateTimeSpaced(LocalDateTime local) {
  return FormatDate(DateOf(local)) + " " + FormatTimeOfDay(TimeOfDayOf(local));
}

}  // namespace kairos
