#include "kairos/core/time.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

namespace kairos {

// Abseil's time zones read the whole zone file, including the POSIX TZ rule in its footer
// that gives the transitions after the explicit ones end (2037 in the system zoneinfo).
// Kept here so that only this file sees Abseil.
struct ZoneInfo {
  std::string name;
  absl::TimeZone rules;
};

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

// Zone names are IANA names ("America/Argentina/Buenos_Aires", "Etc/GMT+5", "EST5EDT"),
// each the path of a TZif file under the system zoneinfo directory ($TZDIR when set, as
// Abseil reads it, else /usr/share/zoneinfo). A name is taken when each of its
// '/'-separated parts is ASCII letters, digits, '_', '-', '+' or '.' and is not "." or
// "..", and it names a regular file there (Abseil then checks that it is a zone file).
// That refuses absolute paths and traversal ("/etc/localtime", "../x", "a/../b"),
// Abseil's own "file:" and "Fixed/UTC+05:00:00" forms (no ':'), directories, and the
// tables beside the zones (zone.tab, tzdata.zi: not zone files). Also refused, by name:
//   "localtime"   the host's /etc/localtime, not a zone: a calendar stored with it would
//                 change meaning with the machine's configuration;
//   "posixrules"  a tzcode artefact (a link to America/New_York on Debian), not a zone;
//   "right/..."   leap-second-counting clocks, which UTC seconds cannot represent;
//   "posix/..."   copies of the main tree under another prefix.
// What remains is what Python's zoneinfo.available_timezones() lists, less "localtime";
// it includes "Factory" (offset zero, for hosts whose zone is not set).
bool IsZoneFile(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  if (name == "UTC") return true;  // built into Abseil, there even without tzdata
  if (name == "localtime" || name == "posixrules" || name.starts_with("right/") || name.starts_with("posix/")) {
    return false;
  }
  std::size_t begin = 0;
  while (begin <= name.size()) {
    std::size_t end = std::min(name.find('/', begin), name.size());
    std::string_view part = name.substr(begin, end - begin);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '-' || c == '+' || c == '.';
      if (!ok) return false;
    }
    begin = end + 1;
  }
  const char* dir = std::getenv("TZDIR");
  std::string path = dir && *dir ? dir : "/usr/share/zoneinfo";
  path += '/';
  path += name;
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

Result<Zone> FindZone(std::string_view name, std::string_view field) {
  // Loading parses a file; the cache keeps the hot path to one shared lock and a map
  // lookup. Zones are never removed, so the pointers handed out stay valid.
  static std::shared_mutex mutex;
  static std::map<std::string, std::unique_ptr<const ZoneInfo>, std::less<>> cache;
  {
    std::shared_lock lock(mutex);
    if (auto it = cache.find(name); it != cache.end()) return it->second.get();
  }
  auto unknown = [&] { return InvalidArgument("Unknown time zone: " + std::string(name), std::string(field)); };
  // Abseil would also take paths and its own "Fixed/UTC+hh:mm:ss" names, and falls back to
  // UTC (returning false) for what it cannot load; only files that pass IsZoneFile reach it.
  // Failures are not cached here (names come from requests); Abseil remembers each name
  // it was asked for, but only existing zoneinfo files get that far.
  if (!IsZoneFile(name)) return unknown();
  auto zone = std::make_unique<ZoneInfo>();
  zone->name = std::string(name);
  if (!absl::LoadTimeZone(zone->name, &zone->rules)) return unknown();
  std::unique_lock lock(mutex);
  auto [it, inserted] = cache.emplace(zone->name, std::move(zone));  // another thread may have won
  return it->second.get();
}

std::string_view ZoneName(Zone zone) { return zone->name; }

Instant ToUtc(LocalDateTime local, Zone zone) {
  // `pre` uses the offset in force before a transition: for a gap it maps 02:30 to the
  // instant 03:30 shows afterwards (moved forward by the gap); for an overlap it is the
  // earlier of the two instants. Outside transitions all three candidates are equal.
  // The civil second is built from its fields rather than as the epoch plus seconds:
  // cctz normalises a sum that large day by day, which made this the costliest call of a
  // day's listing.
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const long long second = (local - day).count();
  const absl::CivilSecond civil(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                static_cast<unsigned>(ymd.day()), second / 3600, second / 60 % 60, second % 60);
  absl::TimeZone::TimeInfo info = zone->rules.At(civil);
  return Instant{seconds{absl::ToUnixSeconds(info.pre)}};
}

LocalDateTime ToLocal(Instant t, Zone zone) { return LocalDateTime{t.time_since_epoch() + UtcOffset(t, zone)}; }

std::chrono::seconds UtcOffset(Instant t, Zone zone) {
  return seconds{zone->rules.At(absl::FromUnixSeconds(t.time_since_epoch().count())).offset};
}

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

namespace {

// Appends v as at least `width` decimal digits, zero-padded (v >= 0).
void AppendPadded(std::string& out, long long v, int width) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
}

}  // namespace

// By hand rather than with snprintf: listings format thousands of these per answer.
std::string FormatDate(Date day) {
  const int year = static_cast<int>(day.year());
  std::string out;
  out.reserve(10);
  if (year < 0) {
    out.push_back('-');
    AppendPadded(out, -static_cast<long long>(year), 3);
  } else {
    AppendPadded(out, year, 4);
  }
  out.push_back('-');
  AppendPadded(out, static_cast<unsigned>(day.month()), 2);
  out.push_back('-');
  AppendPadded(out, static_cast<unsigned>(day.day()), 2);
  return out;
}

std::string FormatHourMinute(TimeOfDay time) {
  long long m = time.count() / 60;
  if (m < 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", m / 60, m % 60);
    return buf;
  }
  std::string out;
  out.reserve(5);
  AppendPadded(out, m / 60, 2);
  out.push_back(':');
  AppendPadded(out, m % 60, 2);
  return out;
}

std::string FormatTimeOfDay(TimeOfDay time) {
  long long s = time.count();
  if (s < 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    return buf;
  }
  std::string out;
  out.reserve(8);
  AppendPadded(out, s / 3600, 2);
  out.push_back(':');
  AppendPadded(out, s / 60 % 60, 2);
  out.push_back(':');
  AppendPadded(out, s % 60, 2);
  return out;
}

std::string FormatLocalDateTime(LocalDateTime local) {
  return FormatDate(DateOf(local)) + "T" + FormatTimeOfDay(TimeOfDayOf(local));
}

std::string FormatLocalDateTimeSpaced(LocalDateTime local) {
  return FormatDate(DateOf(local)) + " " + FormatTimeOfDay(TimeOfDayOf(local));
}

}  // namespace kairos
