#include "kairos/core/time.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <absl/time/civil_time.h>
#include <absl/time/time.h>
#include <gtest/gtest.h>

#include "kairos/core/recurrence.hpp"

namespace kairos {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Zone Z(const char* name) { return FindZone(name).value(); }
Instant Utc(const char* text) { return ParseInstant(text).value(); }
LocalDateTime Local(const char* text) { return ParseLocalDateTime(text).value(); }
Date D(int y, unsigned m, unsigned d) { return Date{date::year{y}, date::month{m}, date::day{d}}; }

TEST(TimeTest, UnknownZoneIsAnError) {
  auto zone = FindZone("Foo/Bar");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(zone.error().message, "Unknown time zone: Foo/Bar");
  EXPECT_EQ(zone.error().field, "timezone");
  EXPECT_FALSE(FindZone("").ok());
  EXPECT_EQ(FindZone("Asia/Kolkata").value(), FindZone("Asia/Kolkata").value());
}

TEST(TimeTest, FactoryIsAZone) {
  // tzdata's "Factory" zone: UTC offset zero, abbreviation "-00", for unconfigured hosts.
  auto factory = FindZone("Factory");
  ASSERT_TRUE(factory.ok()) << factory.error().message;
  EXPECT_EQ(ZoneName(*factory), "Factory");
  EXPECT_EQ(UtcOffset(Utc("2030-06-01T12:00:00Z"), *factory), seconds{0});
  EXPECT_EQ(ToUtc(Local("2030-06-01T12:00:00"), *factory), Utc("2030-06-01T12:00:00Z"));
  EXPECT_EQ(FormatLocalWithOffset(Utc("2030-06-01T12:00:00Z"), *factory), "2030-06-01T12:00:00+00:00");
  EXPECT_EQ(ZoneName(Z("America/New_York")), "America/New_York");
  EXPECT_EQ(ZoneName(Z("UTC")), "UTC");
}

TEST(TimeTest, ZoneNamesAreZoneFilesNotPaths) {
  // Names are IANA zone names of the system zoneinfo. Paths, traversal, files that are
  // not zones, leap-second ("right/") and duplicate ("posix/") trees, posixrules and
  // the host's "localtime" are all unknown zones.
  const std::vector<std::string> refused = {
      "/usr/share/zoneinfo/UTC", "../zoneinfo/UTC", "America/../UTC", "./UTC", "America//New_York", "UTC/", "/UTC",
      "America", "zone.tab", "tzdata.zi", "leapseconds", "leap-seconds.list", "posixrules", "localtime",
      "right/America/New_York", "posix/America/New_York", "Fixed/UTC+05:00:00", "file:UTC", ":UTC",
      "America/New_York ", " UTC", "UTC\n", "America\\New_York", "No/Such_Zone", std::string("UTC\0x", 5),
      std::string(300, 'A')};
  for (const std::string& bad : refused) {
    auto zone = FindZone(bad, "tz");
    ASSERT_FALSE(zone.ok()) << bad;
    EXPECT_EQ(zone.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(zone.error().message, "Unknown time zone: " + bad);
    EXPECT_EQ(zone.error().field, "tz");
  }
  for (const char* good : {"UTC", "Etc/UTC", "GMT", "Etc/GMT+5", "EST5EDT", "US/Eastern", "America/Port-au-Prince",
                           "America/Argentina/Buenos_Aires", "Factory"}) {
    EXPECT_TRUE(FindZone(good).ok()) << good;
  }
  EXPECT_EQ(UtcOffset(Utc("2030-01-01T00:00:00Z"), Z("Etc/GMT+5")), -hours{5});
}

// The zone files list explicit transitions only to 2037; later ones come from the POSIX
// TZ rule in each file's footer.
TEST(TimeTest, RulesAfter2037ComeFromTheFooter) {
  Zone ny = Z("America/New_York");
  EXPECT_EQ(FormatUtc(ToUtc(Local("2038-07-01T12:00:00"), ny)), "2038-07-01T16:00:00Z");
  EXPECT_EQ(FormatLocalWithOffset(Utc("2038-07-01T16:00:00Z"), ny), "2038-07-01T12:00:00-04:00");
  EXPECT_EQ(UtcOffset(Utc("2038-07-01T16:00:00Z"), ny), -hours{4});
  EXPECT_EQ(FormatUtc(ToUtc(Local("2038-07-15T12:00:00"), Z("Europe/London"))), "2038-07-15T11:00:00Z");
  EXPECT_EQ(FormatUtc(ToUtc(Local("2040-07-15T12:00:00"), Z("Australia/Sydney"))), "2040-07-15T02:00:00Z");
  // The RFC 5545 policy holds after 2037 too.
  EXPECT_EQ(FormatUtc(ToUtc(Local("2040-03-11T02:30:00"), ny)), "2040-03-11T07:30:00Z");  // gap: forward
  EXPECT_EQ(FormatUtc(ToUtc(Local("2040-11-04T01:30:00"), ny)), "2040-11-04T05:30:00Z");  // repeat: first
  EXPECT_EQ(FormatUtc(ToUtc(Local("2040-04-01T02:30:00"), Z("Australia/Sydney"))), "2040-03-31T15:30:00Z");
  EXPECT_EQ(LocalDayBounds(D(2040, 3, 11), ny).length(), hours{23});
  EXPECT_EQ(LocalDayBounds(D(2040, 11, 4), ny).length(), hours{25});
}

// A monthly 10:00 in Chicago keeps its wall clock, and US daylight time, across 2038.
TEST(TimeTest, MonthlyChicagoSeriesAcross2038) {
  Zone chicago = Z("America/Chicago");
  auto months = ExpandRecurrence(MakeRepeatRule(RepeatPattern::kMonthly, std::nullopt), Local("2037-01-15T10:00:00"),
                                 Local("2037-01-01T00:00:00"), Local("2040-01-01T00:00:00"));
  ASSERT_TRUE(months.ok());
  ASSERT_EQ(months->size(), 36u);
  for (LocalDateTime local : *months) {
    SCOPED_TRACE(FormatLocalDateTime(local));
    Instant t = ToUtc(local, chicago);
    EXPECT_EQ(ToLocal(t, chicago), local);
    // The 15th is always inside US daylight time from March to October, outside otherwise.
    unsigned month = static_cast<unsigned>(DateOf(local).month());
    bool daylight = month >= 3 && month <= 10;
    EXPECT_EQ(UtcOffset(t, chicago), daylight ? -hours{5} : -hours{6});
    EXPECT_EQ(TimeOfDayOf(LocalDateTime{t.time_since_epoch()}), daylight ? hours{15} : hours{16});
  }
}

TEST(TimeTest, NewYorkSpringGapMovesForward) {
  Zone ny = Z("America/New_York");
  // 2025-03-09 02:30 does not exist; RFC 5545 moves it forward by the gap: 03:30 EDT.
  EXPECT_EQ(ToUtc(Local("2025-03-09T02:30:00"), ny), Utc("2025-03-09T07:30:00Z"));
  EXPECT_EQ(FormatLocalWithOffset(ToUtc(Local("2025-03-09T02:30:00"), ny), ny), "2025-03-09T03:30:00-04:00");
  EXPECT_EQ(ToUtc(Local("2025-03-09T01:59:00"), ny), Utc("2025-03-09T06:59:00Z"));
  EXPECT_EQ(ToUtc(Local("2025-03-09T03:00:00"), ny), Utc("2025-03-09T07:00:00Z"));
}

TEST(TimeTest, NewYorkFallBackTakesFirstOccurrence) {
  Zone ny = Z("America/New_York");
  // 2025-11-02 01:30 happens twice; the first (EDT, -04:00) is taken.
  EXPECT_EQ(ToUtc(Local("2025-11-02T01:30:00"), ny), Utc("2025-11-02T05:30:00Z"));
  EXPECT_EQ(FormatLocalWithOffset(Utc("2025-11-02T06:30:00Z"), ny), "2025-11-02T01:30:00-05:00");
}

TEST(TimeTest, LocalDayBoundsFollowDst) {
  Zone ny = Z("America/New_York");
  EXPECT_EQ(LocalDayBounds(D(2025, 3, 9), ny).length(), hours{23});
  EXPECT_EQ(LocalDayBounds(D(2025, 11, 2), ny).length(), hours{25});
  EXPECT_EQ(LocalDayBounds(D(2025, 6, 2), ny).length(), hours{24});
  Zone lord_howe = Z("Australia/Lord_Howe");  // 30-minute DST
  EXPECT_EQ(LocalDayBounds(D(2025, 10, 5), lord_howe).length(), hours{23} + minutes{30});
  EXPECT_EQ(LocalDayBounds(D(2025, 4, 6), lord_howe).length(), hours{24} + minutes{30});
  Interval kolkata = LocalDayBounds(D(2024, 1, 15), Z("Asia/Kolkata"));
  EXPECT_EQ(kolkata.start, Utc("2024-01-14T18:30:00Z"));
  EXPECT_EQ(kolkata.end, Utc("2024-01-15T18:30:00Z"));
}

TEST(TimeTest, OddOffsets) {
  EXPECT_EQ(FormatLocalWithOffset(Utc("2024-01-15T08:30:00Z"), Z("Asia/Kolkata")), "2024-01-15T14:00:00+05:30");
  EXPECT_EQ(FormatLocalWithOffset(Utc("2024-01-15T08:30:00Z"), Z("Asia/Kathmandu")), "2024-01-15T14:15:00+05:45");
  EXPECT_EQ(FormatLocalWithOffset(Utc("2024-07-15T00:00:00Z"), Z("Pacific/Chatham")), "2024-07-15T12:45:00+12:45");
  EXPECT_EQ(FormatLocalWithOffset(Utc("2024-01-15T00:00:00Z"), Z("Pacific/Chatham")), "2024-01-15T13:45:00+13:45");
  EXPECT_EQ(FormatLocalWithOffset(Utc("2024-01-15T00:00:00Z"), Z("Australia/Lord_Howe")), "2024-01-15T11:00:00+11:00");
  EXPECT_EQ(FormatLocalWithOffset(Utc("2024-07-15T00:00:00Z"), Z("Australia/Lord_Howe")), "2024-07-15T10:30:00+10:30");
  EXPECT_EQ(FormatLocalWithOffset(Utc("2024-07-15T00:00:00Z"), Z("America/New_York")), "2024-07-14T20:00:00-04:00");
  EXPECT_EQ(FormatLocalWithOffset(Utc("2024-01-15T00:00:00Z"), Z("UTC")), "2024-01-15T00:00:00+00:00");
  EXPECT_EQ(FormatOffset(-minutes{210}), "-03:30");
}

// A weekly 09:00 stays 09:00 local across every change of these zones in 2024-2025.
TEST(TimeTest, WeeklyNineStaysNineAcrossChanges) {
  for (const char* name : {"America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata",
                           "Asia/Kathmandu", "Pacific/Chatham", "Australia/Lord_Howe"}) {
    SCOPED_TRACE(name);
    Zone zone = Z(name);
    std::set<std::chrono::seconds> offsets;
    for (date::local_days day{date::year{2024} / 1 / 1}; day < date::local_days{date::year{2026} / 1 / 1};
         day += date::days{7}) {
      Instant t = ToUtc(LocalDateTime{day} + hours{9}, zone);
      EXPECT_EQ(TimeOfDayOf(ToLocal(t, zone)), hours{9});
      EXPECT_EQ(DateOf(ToLocal(t, zone)), Date{day});
      offsets.insert(UtcOffset(t, zone));
    }
    bool has_dst = std::string(name) != "Asia/Kolkata" && std::string(name) != "Asia/Kathmandu";
    EXPECT_EQ(offsets.size(), has_dst ? 2u : 1u);
  }
}

TEST(TimeTest, RoundTripEveryHourNearTransitions) {
  for (const char* name : {"America/New_York", "Europe/London", "Australia/Sydney", "Pacific/Chatham",
                           "Australia/Lord_Howe"}) {
    Zone zone = Z(name);
    for (Instant t = Utc("2025-01-01T00:00:00Z"); t < Utc("2026-01-01T00:00:00Z"); t += minutes{30}) {
      LocalDateTime local = ToLocal(t, zone);
      Instant back = ToUtc(local, zone);
      // Only a repeated local time maps back to a different (the earlier) instant.
      if (back != t) {
        EXPECT_LT(back, t) << name << " " << FormatUtc(t);
        EXPECT_EQ(ToLocal(back, zone), local);
      }
    }
  }
}

TEST(TimeTest, ParsesStrictly) {
  EXPECT_EQ(ParseDate("2024-02-29").value(), D(2024, 2, 29));
  for (const char* bad : {"2025-02-30", "2025-13-01", "2023-02-29", "2025-1-01", "2025-01-01x", "2025-00-10",
                          "2025-04-31", " 2025-01-01", "20250101", ""}) {
    auto r = ParseDate(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().field, "date");
    }
  }
  EXPECT_EQ(ParseTimeOfDay("14:00").value(), hours{14});
  EXPECT_EQ(ParseTimeOfDay("23:59:59").value(), hours{23} + minutes{59} + std::chrono::seconds{59});
  for (const char* bad : {"24:30", "24:00", "12:60", "12:00:60", "9:00", "12:00:", "12:00Z", "12"}) {
    EXPECT_FALSE(ParseTimeOfDay(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseLocalDateTime("2020-04-25 14:00:00").value(), Local("2020-04-25T14:00:00"));
  EXPECT_EQ(ParseLocalDateTime("2024-01-15T14:00").value(), Local("2024-01-15T14:00:00"));
  for (const char* bad : {"2024-01-15T14:00:00Z", "2024-02-30T10:00", "2024-01-15T24:30", "2024-01-15", "2024-01-15X14:00"}) {
    EXPECT_FALSE(ParseLocalDateTime(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseInstant("2024-01-15T14:00:00+05:30").value(), Utc("2024-01-15T08:30:00Z"));
  EXPECT_EQ(ParseInstant("2024-01-15T14:00:00-04:00").value(), Utc("2024-01-15T18:00:00Z"));
  for (const char* bad : {"2024-01-15T14:00:00", "2024-01-15T14:00:00+5:30", "2024-01-15T14:00:00Zjunk",
                          "2024-01-15T14:00:00+24:00", "2025-02-30T00:00:00Z"}) {
    EXPECT_FALSE(ParseInstant(bad).ok()) << bad;
  }
  auto err = ParseTimeOfDay("24:30", "open_time");
  EXPECT_EQ(err.error().field, "open_time");
  EXPECT_EQ(err.error().message, "Invalid time '24:30' (expected HH:MM or HH:MM:SS)");
}

// ToUtc builds its civil second from fields; cctz's own sum from the epoch gives the same
// instants, in gaps and overlaps too, in zones with odd offsets and half-hour changes.
TEST(TimeTest, ToUtcAgreesWithCctzOnEveryKindOfLocalTime) {
  constexpr absl::CivilSecond kEpoch(1970, 1, 1, 0, 0, 0);
  for (const char* name : {"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata",
                           "Pacific/Chatham", "America/St_Johns"}) {
    absl::TimeZone reference;
    ASSERT_TRUE(absl::LoadTimeZone(name, &reference)) << name;
    Zone zone = Z(name);
    auto check = [&](long long local) {
      const long long expected = absl::ToUnixSeconds(reference.At(kEpoch + local).pre);
      EXPECT_EQ(ToUtc(LocalDateTime{seconds{local}}, zone).time_since_epoch().count(), expected) << name << " " << local;
    };
    for (long long local = -315619200; local < 2366841600; local += 7 * 86400 + 1811) check(local);  // 1960..2045
    // Every quarter hour around 2030's changes in both hemispheres.
    for (long long day : {1899331200LL, 1917475200LL, 1901318400LL, 1885680000LL}) {
      for (long long local = day - 2 * 86400; local < day + 2 * 86400; local += 900) check(local);
    }
  }
}

// The hand-written formatting writes what printf's %04d/%02d would, for every kind of value.
TEST(TimeTest, FormatsAsPrintfWould) {
  char buf[64];
  for (int year : {-12, -1, 0, 1, 9, 10, 99, 100, 999, 1000, 1970, 2024, 9999, 12345}) {
    for (unsigned month : {1u, 2u, 9u, 10u, 12u}) {
      for (unsigned day : {1u, 9u, 10u, 28u}) {
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, month, day);
        EXPECT_EQ(FormatDate(Date{date::year{year}, date::month{month}, date::day{day}}), buf);
      }
    }
  }
  for (long long s = -7322; s <= 200 * 3600; s += 3599) {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    EXPECT_EQ(FormatTimeOfDay(TimeOfDay{s}), buf) << s;
    long long m = s / 60;
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", m / 60, m % 60);
    EXPECT_EQ(FormatHourMinute(TimeOfDay{s}), buf) << s;
  }
}

TEST(TimeTest, Formats) {
  Instant t = Utc("2025-11-15T14:00:00Z");
  EXPECT_EQ(FormatUtc(t), "2025-11-15T14:00:00Z");
  EXPECT_EQ(FormatDate(D(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(FormatHourMinute(hours{9} + minutes{5}), "09:05");
  EXPECT_EQ(FormatTimeOfDay(hours{17}), "17:00:00");
  EXPECT_EQ(FormatLocalDateTimeSpaced(Local("2020-04-25T14:00:00")), "2020-04-25 14:00:00");
  EXPECT_EQ(MakeLocal(D(2024, 2, 29), hours{24}), Local("2024-03-01T00:00:00"));
}

TEST(TimeTest, Weekdays) {
  EXPECT_EQ(IsoWeekday(D(2024, 1, 15)), 1);
  EXPECT_EQ(IsoWeekday(D(2024, 1, 21)), 7);
  EXPECT_EQ(IsoWeekday(D(2024, 2, 29)), 4);
  EXPECT_EQ(WeekdayName(1), "Monday");
  EXPECT_EQ(WeekdayName(7), "Sunday");
  EXPECT_EQ(WeekdayName(0), "");
  EXPECT_EQ(LocalDate(Utc("2024-01-14T19:00:00Z"), Z("Asia/Kolkata")), D(2024, 1, 15));
  EXPECT_EQ(LocalDate(Utc("2024-03-01T04:59:00Z"), Z("America/New_York")), D(2024, 2, 29));
}

// Python's zoneinfo, reading the same system zoneinfo (footers included), is the oracle:
// every gap and repeat from 2027 to 2100 in these zones and in randomly drawn others,
// the seconds around each, random local times and instants, and every day that is not
// 24 hours long. The oracle draws the random zones and times with the seed.
TEST(TimeOracleTest, MatchesZoneinfoTo2100) {
  constexpr int kSeed = 20261201;
  constexpr int kRandomZones = 30;
  constexpr int kFirstYear = 2027;
  constexpr int kLastYear = 2100;
  const std::vector<std::string> named = {
      "America/New_York", "Europe/London", "Australia/Sydney", "America/Chicago", "America/Nuuk",
      "America/Scoresbysund", "Pacific/Easter", "Australia/Lord_Howe", "Pacific/Chatham", "Africa/Casablanca",
      "Factory"};
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::string command = std::string(KAIROS_PYTHON) + " " + KAIROS_CORE_TESTDATA + "/zone_oracle.py " +
                        std::to_string(kSeed) + " " + std::to_string(kRandomZones) + " " +
                        std::to_string(kFirstYear) + " " + std::to_string(kLastYear);
  for (const std::string& name : named) command += " " + name;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr) << command;
  std::vector<std::string> lines;
  std::string current;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) {
    current += buf;
    if (current.back() == '\n') {
      current.pop_back();
      lines.push_back(current);
      current.clear();
    }
  }
  ASSERT_EQ(pclose(pipe), 0) << "the oracle failed: " << command;

  // Report the first few mismatches of each kind in full, and how many there were.
  std::map<std::string, int> checked, failed;
  auto check = [&](const std::string& kind, bool ok, const std::string& line, const std::string& got) {
    ++checked[kind];
    if (ok) return;
    if (++failed[kind] <= 10) ADD_FAILURE() << line << "  (Kairos: " << got << ")";
  };
  std::map<std::string, std::map<std::string, long long>> short_long_days;  // zone -> date -> seconds
  std::map<std::string, int> transitions;
  for (const std::string& line : lines) {
    std::istringstream in(line);
    std::string kind, name;
    in >> kind >> name;
    Result<Zone> found = FindZone(name);
    if (kind == "A") {
      check("A", found.ok(), line, found.ok() ? "ok" : found.error().message);
      continue;
    }
    if (!found.ok()) {
      check(kind, false, line, found.error().message);
      continue;
    }
    Zone zone = *found;
    if (kind == "L") {
      std::string local_text, why;
      long long utc = 0;
      in >> local_text >> utc >> why;
      Instant got = ToUtc(Local(local_text.c_str()), zone);
      Instant want{seconds{utc}};
      check("L " + why, got == want, line + " = " + FormatUtc(want), FormatUtc(got));
    } else if (kind == "O") {
      long long utc = 0, offset = 0;
      in >> utc >> offset;
      Instant t{seconds{utc}};
      seconds got = UtcOffset(t, zone);
      check("O", got == seconds{offset} && ToLocal(t, zone) == LocalDateTime{t.time_since_epoch() + seconds{offset}},
            line + " at " + FormatUtc(t), FormatOffset(got) + " " + FormatLocalWithOffset(t, zone));
    } else if (kind == "D") {
      std::string day_text;
      long long length = 0;
      in >> day_text >> length;
      Date day = ParseDate(day_text).value();
      short_long_days[name][day_text] = length;
      long long got = LocalDayBounds(day, zone).length().count();
      check("D", got == length, line, std::to_string(got));
    } else if (kind == "N") {
      in >> transitions[name];
    } else {
      ADD_FAILURE() << "unexpected oracle line: " << line;
    }
  }
  for (const auto& [kind, n] : failed) {
    ADD_FAILURE() << n << " of " << checked[kind] << " '" << kind << "' cases differ";
  }
  // The oracle covered what it should: all system zones, gaps and repeats in every zone.
  EXPECT_GT(checked["A"], 300);
  EXPECT_GT(checked["L gap"], 0);
  EXPECT_GT(checked["L repeat"], 0);
  EXPECT_GT(checked["L random"], 0);
  EXPECT_EQ(transitions.size(), named.size() + kRandomZones);
  for (const std::string& name : named) {
    if (name == "Factory") continue;
    EXPECT_GT(transitions[name], 2 * (kLastYear - 2050)) << name << " changes its offset through the years";
  }

  // The days that are not 24 hours long are exactly those the oracle lists.
  for (const std::string& name : named) {
    SCOPED_TRACE(name);
    Zone zone = Z(name.c_str());
    std::map<std::string, long long> ours;
    const date::local_days end{date::year{kLastYear + 1} / 1 / 1};
    for (date::local_days day{date::year{kFirstYear} / 1 / 1}; day < end; day += date::days{1}) {
      long long length = LocalDayBounds(Date{day}, zone).length().count();
      if (length != 86400) ours[FormatDate(Date{day})] = length;
    }
    EXPECT_EQ(ours, short_long_days[name]);
  }
}

}  // namespace
}  // namespace kairos
