#include "kairos/service/freebusy_feed.hpp"

#include <gtest/gtest.h>

#include "kairos/service/calendar_sync_ical.hpp"

namespace kairos::service {
namespace {

Instant At(int hour, int minute = 0) {
  return Instant{std::chrono::hours{24 * 20000 + hour} + std::chrono::minutes{minute}};
}

TEST(MergeFreeBusy, MergesBusyClipsToTheWindowAndKeepsTentativeOutsideBusy) {
  Interval window{At(8), At(20)};
  auto p = MergeFreeBusy(window, {{At(9), At(10)}, {At(9, 30), At(11)}, {At(11), At(12)}, {At(19), At(21)}},
                         {{At(11, 30), At(13)}, {At(6), At(7)}, {At(14), At(15)}});
  EXPECT_EQ(p.busy, (std::vector<Interval>{{At(9), At(12)}, {At(19), At(20)}}));
  EXPECT_EQ(p.tentative, (std::vector<Interval>{{At(12), At(13)}, {At(14), At(15)}}));
}

TEST(FreeBusyCalendar, OnePeriodPerLineInUtcWithFoldedLines) {
  FreeBusyPeriods p{{At(0), At(24 * 63)}, {{At(9), At(10)}, {At(13), At(14)}}, {{At(11), At(12)}}};
  std::string name(80, 'n');
  std::string ics = FreeBusyCalendar(p, "freebusy-ada@kairos", name, "ada@example.com", At(1));
  EXPECT_NE(ics.find("METHOD:PUBLISH\r\n"), std::string::npos);
  EXPECT_NE(ics.find("BEGIN:VFREEBUSY\r\nUID:freebusy-ada@kairos\r\nDTSTAMP:"), std::string::npos);
  EXPECT_NE(ics.find("FREEBUSY;FBTYPE=BUSY:" + IcalUtc(At(9)) + "/"), std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = ics.find("FREEBUSY;", at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, 3u);
  EXPECT_NE(ics.find("FREEBUSY;FBTYPE=BUSY-TENTATIVE:"), std::string::npos);
  // The long ORGANIZER line is folded: no line over 75 octets.
  std::size_t start = 0;
  while (start < ics.size()) {
    std::size_t end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u);
    start = end + 2;
  }
  EXPECT_NE(ics.find("\r\n "), std::string::npos);
}

}  // namespace
}  // namespace kairos::service
