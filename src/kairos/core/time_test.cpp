#include "kairos/core/time.hpp"

#include <set>

#include <gtest/gtest.h>

namespace kairos {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

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

}  // namespace
}  // namespace kairos
