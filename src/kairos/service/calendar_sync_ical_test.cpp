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
    if (start > 0) EXPECT_NE(static_cast<unsigned char>(out[start + 1]) & 0xC0, 0x80);
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
