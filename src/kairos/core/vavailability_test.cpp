#include "kairos/core/vavailability.hpp"

#include <gtest/gtest.h>

namespace kairos {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const std::string kWeekly =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
    "BEGIN:VAVAILABILITY\r\nUID:w\r\nDTSTAMP:20270101T000000Z\r\n"
    "BEGIN:AVAILABLE\r\nUID:a\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20270102T200000\r\nDTEND;TZID=Europe/Berlin:20270103T000000\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=SA,SU\r\nEND:AVAILABLE\r\n"
    "END:VAVAILABILITY\r\n"
    "BEGIN:VAVAILABILITY\r\nUID:o\r\nDTSTAMP:20270101T000000Z\r\nPRIORITY:1\r\n"
    "DTSTART;TZID=Europe/Berlin:20270328T000000\r\nDTEND;TZID=Europe/Berlin:20270329T000000\r\n"
    "BEGIN:AVAILABLE\r\nUID:b\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20270328T071500\r\nDTEND;TZID=Europe/Berlin:20270328T080000\r\nEND:AVAILABLE\r\n"
    "END:VAVAILABILITY\r\nEND:VCALENDAR\r\n";

TEST(WeeklyAvailability, ReadsWeekdaysEndOfDayAndDatedOverrides) {
  auto a = ReadWeeklyAvailability(kWeekly, 1 << 16);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->time_zone, "Europe/Berlin");
  ASSERT_EQ(a->weekly.size(), 2u);
  EXPECT_EQ(a->weekly[0].iso_weekday, 6);
  EXPECT_EQ(a->weekly[1].iso_weekday, 7);
  EXPECT_EQ(a->weekly[0].start, hours{20});
  EXPECT_EQ(a->weekly[0].end, hours{24});
  ASSERT_EQ(a->overrides.size(), 1u);
  const Date day{date::year{2027}, date::month{3}, date::day{28}};
  ASSERT_TRUE(a->overrides.contains(day));
  EXPECT_EQ(a->overrides.at(day), (std::vector<std::pair<TimeOfDay, TimeOfDay>>{{hours{7} + minutes{15}, hours{8}}}));
}

TEST(WeeklyAvailability, RefusesWhatAScheduleCannotHold) {
  auto replace = [](std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  for (const auto& [bad, needle] : std::vector<std::pair<std::string, std::string>>{
           {replace(kWeekly, "BYDAY=SA,SU", "BYDAY=SA,SU;UNTIL=20280101T000000Z"), "not supported"},
           {replace(kWeekly, "FREQ=WEEKLY;BYDAY=SA,SU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"), "not supported"},
           {replace(kWeekly, "BYDAY=SA,SU", "BYDAY=SU"), "DTSTART is not on one of"},
           {replace(kWeekly, "TZID=Europe/Berlin:20270102T200000", "TZID=America/New_York:20270102T200000"),
            "more than one zone"},
           {replace(kWeekly, "Europe/Berlin:20270102T200000", "Mars/Olympus:20270102T200000"), "Unknown time zone"},
           {replace(kWeekly, "DTEND;TZID=Europe/Berlin:20270329T000000", "DTEND;TZID=Europe/Berlin:20270330T000000"),
            "one whole day"},
           {replace(kWeekly, "PRIORITY:1", "PRIORITY:0"), "Expected one VAVAILABILITY"},
           {"", "Not iCalendar"},
       }) {
    auto a = ReadWeeklyAvailability(bad, 1 << 16);
    ASSERT_FALSE(a.ok()) << needle;
    EXPECT_EQ(a.error().field, "ics");
    EXPECT_NE(a.error().message.find(needle), std::string::npos) << a.error().message;
  }
  EXPECT_FALSE(ReadWeeklyAvailability(kWeekly, 100).ok());
}

}  // namespace
}  // namespace kairos
