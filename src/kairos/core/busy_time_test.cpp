#include "kairos/core/busy_time.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kairos {
namespace {

Instant At(const char* utc) { return ParseInstant(utc).value(); }
Zone Z(const char* name) { return FindZone(name).value(); }

std::string Calendar(const std::string& body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

std::string Event(const std::string& uid, const std::string& lines) {
  return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20250101T000000Z\r\n" + lines + "END:VEVENT\r\n";
}

// The busy intervals as "start/end" lines in UTC, for readable failures.
std::vector<std::string> Busy(const std::string& ics, const char* owner = "Europe/Berlin",
                              const char* from = "2025-01-01T00:00:00Z", const char* to = "2026-01-01T00:00:00Z") {
  auto r = ReadIcalBusyTime(ics, Z(owner), {At(from), At(to)});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  std::vector<std::string> out;
  if (!r.ok()) return out;
  for (const Interval& i : r.value().busy.intervals()) out.push_back(FormatUtc(i.start) + "/" + FormatUtc(i.end));
  return out;
}

using Lines = std::vector<std::string>;

TEST(BusyTime, OpaqueEventIsBusyTransparentAndCancelledAreFree) {
  std::string ics = Calendar(Event("a", "DTSTART:20250310T090000Z\r\nDTEND:20250310T100000Z\r\n") +
                             Event("b", "DTSTART:20250311T090000Z\r\nDTEND:20250311T100000Z\r\nTRANSP:TRANSPARENT\r\n") +
                             Event("c", "DTSTART:20250312T090000Z\r\nDTEND:20250312T100000Z\r\nSTATUS:CANCELLED\r\n") +
                             Event("d", "DTSTART:20250313T090000Z\r\nDTEND:20250313T100000Z\r\nTRANSP:OPAQUE\r\n"
                                        "STATUS:TENTATIVE\r\n"));
  EXPECT_EQ(Busy(ics), (Lines{"2025-03-10T09:00:00Z/2025-03-10T10:00:00Z", "2025-03-13T09:00:00Z/2025-03-13T10:00:00Z"}));
}

TEST(BusyTime, WeeklySeriesKeepsItsWallClockAcrossDst) {
  std::string ics = Calendar(Event("w", "DTSTART;TZID=America/New_York:20250303T090000\r\n"
                                        "DTEND;TZID=America/New_York:20250303T100000\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n"));
  // New York moves to daylight time on 9 March 2025: 14:00Z, then 13:00Z.
  EXPECT_EQ(Busy(ics), (Lines{"2025-03-03T14:00:00Z/2025-03-03T15:00:00Z", "2025-03-10T13:00:00Z/2025-03-10T14:00:00Z"}));
}

TEST(BusyTime, ExdateRemovesAndRecurrenceIdMovesAnInstance) {
  std::string ics = Calendar(
      Event("s", "DTSTART;TZID=Europe/Berlin:20250324T090000\r\nDTEND;TZID=Europe/Berlin:20250324T100000\r\n"
                 "RRULE:FREQ=WEEKLY;UNTIL=20250414T070000Z\r\nEXDATE;TZID=Europe/Berlin:20250331T090000\r\n") +
      Event("s", "RECURRENCE-ID;TZID=Europe/Berlin:20250407T090000\r\nDTSTART;TZID=Europe/Berlin:20250408T150000\r\n"
                 "DTEND;TZID=Europe/Berlin:20250408T153000\r\n"));
  EXPECT_EQ(Busy(ics), (Lines{"2025-03-24T08:00:00Z/2025-03-24T09:00:00Z", "2025-04-08T13:00:00Z/2025-04-08T13:30:00Z",
                              "2025-04-14T07:00:00Z/2025-04-14T08:00:00Z"}));
}

TEST(BusyTime, CancelledOverrideFreesOneInstanceAndOpaqueOverrideOfTransparentSeriesBlocks) {
  std::string ics = Calendar(
      Event("s", "DTSTART:20250602T090000Z\r\nDTEND:20250602T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\n") +
      Event("s", "RECURRENCE-ID:20250603T090000Z\r\nDTSTART:20250603T090000Z\r\nDTEND:20250603T100000Z\r\n"
                 "STATUS:CANCELLED\r\n") +
      Event("t", "DTSTART:20250702T090000Z\r\nDTEND:20250702T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\n"
                 "TRANSP:TRANSPARENT\r\n") +
      Event("t", "RECURRENCE-ID:20250703T090000Z\r\nDTSTART:20250703T110000Z\r\nDTEND:20250703T120000Z\r\n"));
  EXPECT_EQ(Busy(ics), (Lines{"2025-06-02T09:00:00Z/2025-06-02T10:00:00Z", "2025-06-04T09:00:00Z/2025-06-04T10:00:00Z",
                              "2025-07-03T11:00:00Z/2025-07-03T12:00:00Z"}));
}

TEST(BusyTime, AllDayAndFloatingEventsAreReadInTheOwnersZone) {
  std::string ics = Calendar(Event("d", "DTSTART;VALUE=DATE:20250704\r\nDTEND;VALUE=DATE:20250706\r\n") +
                             Event("e", "DTSTART;VALUE=DATE:20250801\r\n") +
                             Event("f", "DTSTART:20250901T090000\r\nDTEND:20250901T100000\r\n"));
  EXPECT_EQ(Busy(ics, "Asia/Tokyo"),
            (Lines{"2025-07-03T15:00:00Z/2025-07-05T15:00:00Z", "2025-07-31T15:00:00Z/2025-08-01T15:00:00Z",
                   "2025-09-01T00:00:00Z/2025-09-01T01:00:00Z"}));
}

TEST(BusyTime, DurationAndMissingEnd) {
  std::string ics = Calendar(Event("a", "DTSTART:20250310T090000Z\r\nDURATION:PT45M\r\n") +
                             Event("b", "DTSTART:20250311T090000Z\r\n") +  // a DATE-TIME without end: no time
                             Event("c", "DTSTART;TZID=Europe/Berlin:20250329T120000\r\nDURATION:P1D\r\n"));
  // P1D is a nominal day: across the change to summer time it lasts 23 hours.
  EXPECT_EQ(Busy(ics), (Lines{"2025-03-10T09:00:00Z/2025-03-10T09:45:00Z", "2025-03-29T11:00:00Z/2025-03-30T10:00:00Z"}));
}

TEST(BusyTime, RdateAddsInstancesAndPeriods) {
  std::string ics = Calendar(Event(
      "r", "DTSTART:20250310T090000Z\r\nDTEND:20250310T100000Z\r\nRDATE:20250312T090000Z,20250314T090000Z\r\n"
           "RDATE;VALUE=PERIOD:20250316T120000Z/PT2H\r\nEXDATE:20250314T090000Z\r\n"));
  EXPECT_EQ(Busy(ics), (Lines{"2025-03-10T09:00:00Z/2025-03-10T10:00:00Z", "2025-03-12T09:00:00Z/2025-03-12T10:00:00Z",
                              "2025-03-16T12:00:00Z/2025-03-16T14:00:00Z"}));
}

TEST(BusyTime, UnknownTzidIsReadThroughTheCalendarsVtimezone) {
  std::string vtimezone =
      "BEGIN:VTIMEZONE\r\nTZID:Custom Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
      "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
  std::string ics = Calendar(vtimezone + Event("v", "DTSTART;TZID=Custom Standard Time:20250310T090000\r\n"
                                                    "DTEND;TZID=Custom Standard Time:20250310T100000\r\n") +
                             Event("m", "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Paris:20250310T120000\r\n"
                                        "DTEND;TZID=/mozilla.org/20050126_1/Europe/Paris:20250310T130000\r\n"));
  EXPECT_EQ(Busy(ics), (Lines{"2025-03-10T06:00:00Z/2025-03-10T07:00:00Z", "2025-03-10T11:00:00Z/2025-03-10T12:00:00Z"}));
}

TEST(BusyTime, EventsKairosWroteAreSkipped) {
  std::string ics = Calendar(
      Event("0b7e4e52-3c1d-4a5e-9f10-2a3b4c5d6e7f@kairos", "DTSTART:20250310T090000Z\r\nDTEND:20250310T100000Z\r\n") +
      Event("meeting-0b7e4e52-3c1d-4a5e-9f10-2a3b4c5d6e7f@kairos",
            "DTSTART:20250311T090000Z\r\nDTEND:20250311T100000Z\r\n") +
      Event("someone@kairos", "DTSTART:20250312T090000Z\r\nDTEND:20250312T100000Z\r\n"));
  EXPECT_EQ(Busy(ics), (Lines{"2025-03-12T09:00:00Z/2025-03-12T10:00:00Z"}));
  EXPECT_TRUE(IsKairosUid("0B7E4E52-3C1D-4A5E-9F10-2A3B4C5D6E7F@kairos"));
  EXPECT_FALSE(IsKairosUid("0b7e4e52-3c1d-4a5e-9f10-2a3b4c5d6e7f@kairos.example"));
}

TEST(BusyTime, IntervalsAreClippedToTheRangeAndMerged) {
  std::string ics = Calendar(Event("a", "DTSTART:20241231T230000Z\r\nDTEND:20250101T010000Z\r\n") +
                             Event("b", "DTSTART:20250101T010000Z\r\nDTEND:20250101T020000Z\r\n"));
  EXPECT_EQ(Busy(ics), (Lines{"2025-01-01T00:00:00Z/2025-01-01T02:00:00Z"}));
}

TEST(BusyTime, LimitsAreClearErrors) {
  Interval year{At("2025-01-01T00:00:00Z"), At("2026-01-01T00:00:00Z")};
  std::string two = Calendar(Event("a", "DTSTART:20250310T090000Z\r\nDTEND:20250310T100000Z\r\n") +
                             Event("b", "DTSTART:20250311T090000Z\r\nDTEND:20250311T100000Z\r\n"));
  auto bytes = ReadIcalBusyTime(two, Z("UTC"), year, {.max_bytes = 100});
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, ErrorCode::kPayloadTooLarge);
  auto events = ReadIcalBusyTime(two, Z("UTC"), year, {.max_events = 1});
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.error().code, ErrorCode::kPayloadTooLarge);
  std::string minutely = Calendar(Event("m", "DTSTART:20250101T000000Z\r\nDTEND:20250101T000030Z\r\n"
                                             "RRULE:FREQ=MINUTELY\r\n"));
  auto instances = ReadIcalBusyTime(minutely, Z("UTC"), year, {.max_instances = 1000});
  ASSERT_FALSE(instances.ok());
  EXPECT_EQ(instances.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(instances.error().message.find("UID m"), std::string::npos) << instances.error().message;
  auto garbage = ReadIcalBusyTime("hello", Z("UTC"), year);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::kInvalidArgument);
  auto no_start = ReadIcalBusyTime(Calendar(Event("x", "SUMMARY:no start\r\n")), Z("UTC"), year);
  ASSERT_FALSE(no_start.ok());
  EXPECT_NE(no_start.error().message.find("UID x"), std::string::npos);
}

TEST(BusyTime, CaldavMultistatusPiecesAreDecoded) {
  std::string a = Calendar(Event("a", "DTSTART:20250310T090000Z\r\nDTEND:20250310T100000Z\r\nSUMMARY:R&D <x>\r\n"));
  std::string b = Calendar(Event("b", "DTSTART:20250311T090000Z\r\nDTEND:20250311T100000Z\r\n"));
  std::string escaped;
  for (char c : a) {
    if (c == '&') escaped += "&amp;";
    else if (c == '<') escaped += "&lt;";
    else if (c == '>') escaped += "&gt;";
    else if (c == '\r') escaped += "&#13;";
    else escaped += c;
  }
  std::string xml = "<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
                    "<response><href>/a.ics</href><propstat><prop><getetag>\"1\"</getetag><C:calendar-data>" +
                    escaped + "</C:calendar-data></prop></propstat></response>"
                    "<response><href>/b.ics</href><propstat><prop><cal:calendar-data xmlns:cal=\"urn:ietf:params:xml:ns:caldav\">"
                    "<![CDATA[" + b + "]]></cal:calendar-data></prop></propstat></response>"
                    "<response><href>/c.ics</href><propstat><prop><C:calendar-data/></prop></propstat></response></multistatus>";
  auto pieces = CaldavCalendarData(xml);
  ASSERT_TRUE(pieces.ok());
  ASSERT_EQ(pieces.value().size(), 2u);
  EXPECT_EQ(pieces.value()[0], a);
  EXPECT_EQ(pieces.value()[1], b);
  auto busy = ReadIcalBusyTime(pieces.value(), Z("UTC"), {At("2025-01-01T00:00:00Z"), At("2026-01-01T00:00:00Z")});
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy.value().busy.intervals().size(), 2u);
  EXPECT_FALSE(CaldavCalendarData("<C:calendar-data>BEGIN:VCALENDAR").ok());
}

}  // namespace
}  // namespace kairos
