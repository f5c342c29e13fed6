#include "kairos/service/calendar_sync_ical.hpp"

#include <gtest/gtest.h>

namespace kairos::service {
namespace {

TEST(IcalText, EscapesTheFourSpecials) {
  EXPECT_EQ(IcalEscapeText("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
}

TEST(IcalText, FoldsAt75OctetsWithoutSplittingUtf8) {
  std::string line = "SUMMARY:" + std::string(100, 'x');
  std::string folded = IcalFoldLine(line);
  EXPECT_EQ(folded.substr(0, 75), line.substr(0, 75));
  EXPECT_EQ(folded.substr(75, 3), "\r\n ");
  EXPECT_EQ(folded.substr(folded.size() - 2), "\r\n");

  std::string accents = "SUMMARY:";
  for (int i = 0; i < 60; ++i) accents += "é";  // two octets each
  std::string out = IcalFoldLine(accents);
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u);
    // A physical line never starts with a UTF-8 continuation octet (after the space).
    if (start > 0) {
      EXPECT_NE(static_cast<unsigned char>(out[start + 1]) & 0xC0, 0x80);
    }
    start = end + 2;
  }
}

TEST(IcalCalendar, WritesRequiredProperties) {
  IcalEvent e;
  e.uid = "abc@kairos";
  e.stamp = Instant{std::chrono::seconds{1'900'000'000}};
  e.interval = {e.stamp, e.stamp + std::chrono::hours{1}};
  e.sequence = 3;
  e.status = IcalStatus::kCancelled;
  e.summary = "Hi, there";
  std::string ics = IcalCalendar({e}, "Mine");
  EXPECT_NE(ics.find("UID:abc@kairos\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SEQUENCE:3\r\n"), std::string::npos);
  EXPECT_NE(ics.find("STATUS:CANCELLED\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SUMMARY:Hi\\, there\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART:20300317T174640Z\r\n"), std::string::npos);
  EXPECT_EQ(ics.find("\n\n"), std::string::npos);
}

}  // namespace
}  // namespace kairos::service

namespace kairos::service {
namespace {

Instant At(std::string_view iso) { return *ParseInstant(iso); }

// The content lines with folding undone (RFC 5545 §3.1).
std::string Unfold(std::string text) {
  for (std::size_t at; (at = text.find("\r\n ")) != std::string::npos;) text.erase(at, 3);
  return text;
}

IcalEvent NewYorkEvent(std::string_view start) {
  IcalEvent e;
  e.uid = "ny@kairos";
  e.stamp = At("2030-01-01T00:00:00Z");
  e.interval = {At(start), At(start) + std::chrono::hours{1}};
  e.summary = "Session";
  e.tzid = "America/New_York";
  e.zone = *FindZone("America/New_York");
  e.organizer = IcalParty{"Coach \"C\" One", "coach@example.com", "CHAIR", "ACCEPTED"};
  e.attendees = {*e.organizer, IcalParty{"Client", "client@example.com", "REQ-PARTICIPANT", "ACCEPTED"},
                 IcalParty{"No mail", "", "REQ-PARTICIPANT", "ACCEPTED"}};
  return e;
}

TEST(IcalVtimezone, DescribesTheRealTransitionsOfTheYear) {
  Zone ny = *FindZone("America/New_York");
  std::string tz = IcalVtimezone("America/New_York", ny, At("2030-01-01T05:00:00Z"), At("2031-01-01T05:00:00Z"));
  EXPECT_EQ(tz.rfind("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n", 0), 0u) << tz;
  // The change in force on 1 January (2029's fall back), then 2030's two.
  EXPECT_NE(tz.find("BEGIN:STANDARD\r\nDTSTART:20291104T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
                    "END:STANDARD\r\n"),
            std::string::npos)
      << tz;
  EXPECT_NE(tz.find("BEGIN:DAYLIGHT\r\nDTSTART:20300310T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
                    "END:DAYLIGHT\r\n"),
            std::string::npos)
      << tz;
  EXPECT_NE(tz.find("BEGIN:STANDARD\r\nDTSTART:20301103T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
                    "END:STANDARD\r\n"),
            std::string::npos)
      << tz;
  EXPECT_EQ(tz.substr(tz.size() - 15), "END:VTIMEZONE\r\n");

  // No change for years: one observance from the window's start.
  Zone kolkata = *FindZone("Asia/Kolkata");
  std::string in = IcalVtimezone("Asia/Kolkata", kolkata, At("2029-12-31T18:30:00Z"), At("2030-12-31T18:30:00Z"));
  EXPECT_NE(in.find("BEGIN:STANDARD\r\nDTSTART:20300101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\n"),
            std::string::npos)
      << in;
  EXPECT_EQ(in.find("DAYLIGHT"), std::string::npos);
}

TEST(IcalResource, LocalTimesWithTheirVtimezoneAndNoMethod) {
  std::string ics = IcalResource(NewYorkEvent("2030-07-15T14:00:00Z"));
  EXPECT_EQ(ics.find("METHOD"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTSTART;TZID=America/New_York:20300715T100000\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTEND;TZID=America/New_York:20300715T110000\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTSTAMP:20300101T000000Z\r\n"), std::string::npos);
  std::size_t vtimezone = ics.find("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n");
  ASSERT_NE(vtimezone, std::string::npos);
  EXPECT_LT(vtimezone, ics.find("BEGIN:VEVENT"));
  EXPECT_NE(ics.find("TZOFFSETTO:-0400"), std::string::npos);

  // The second 01:30 of the day clocks fall back cannot be named on the wall clock.
  std::string repeated = IcalResource(NewYorkEvent("2030-11-03T06:30:00Z"));
  EXPECT_NE(repeated.find("DTSTART:20301103T063000Z\r\n"), std::string::npos) << repeated;
  EXPECT_NE(repeated.find("DTEND;TZID=America/New_York:20301103T023000\r\n"), std::string::npos) << repeated;
  std::string first = IcalResource(NewYorkEvent("2030-11-03T05:30:00Z"));
  EXPECT_NE(first.find("DTSTART;TZID=America/New_York:20301103T013000\r\n"), std::string::npos) << first;

  // UTC needs no VTIMEZONE.
  IcalEvent utc = NewYorkEvent("2030-07-15T14:00:00Z");
  utc.tzid = "UTC";
  utc.zone = *FindZone("UTC");
  std::string plain = IcalResource(utc);
  EXPECT_NE(plain.find("DTSTART:20300715T140000Z\r\n"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("VTIMEZONE"), std::string::npos);
}

TEST(IcalResource, OrganizerAndAttendees) {
  std::string ics = Unfold(IcalResource(NewYorkEvent("2030-07-15T14:00:00Z")));
  EXPECT_NE(ics.find("ORGANIZER;CN=\"Coach 'C' One\";SCHEDULE-AGENT=CLIENT:mailto:coach@example.com\r\n"),
            std::string::npos)
      << ics;
  EXPECT_NE(ics.find("ATTENDEE;CN=\"Coach 'C' One\";ROLE=CHAIR;PARTSTAT=ACCEPTED;SCHEDULE-AGENT=CLIENT:mailto:"),
            std::string::npos)
      << ics;
  EXPECT_NE(ics.find("ATTENDEE;CN=\"Client\";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;SCHEDULE-AGENT=CLIENT:mailto"
                     ":client@example.com\r\n"),
            std::string::npos)
      << ics;
  // No address, no line.
  EXPECT_EQ(ics.find("No mail"), std::string::npos);
}

TEST(IcalCalendar, PublishesWithAnOrganizerButNoAttendee) {
  IcalEvent e = NewYorkEvent("2030-07-15T14:00:00Z");
  e.tzid.clear();
  e.zone = nullptr;
  std::string ics = Unfold(IcalCalendar({e}));
  EXPECT_NE(ics.find("METHOD:PUBLISH\r\n"), std::string::npos);
  EXPECT_NE(ics.find("ORGANIZER;CN=\"Coach 'C' One\":mailto:coach@example.com\r\n"), std::string::npos) << ics;
  EXPECT_EQ(ics.find("ATTENDEE"), std::string::npos) << ics;
  EXPECT_EQ(ics.find("SCHEDULE-AGENT"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTSTART:20300715T140000Z\r\n"), std::string::npos);
}

}  // namespace
}  // namespace kairos::service
