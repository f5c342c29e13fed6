// The pieces of reading busy time that need no peer: how calendar_busy stores
// intervals, and reading Google's freeBusy and Graph's calendarView answers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kairos/booking/calendars.hpp"
#include "kairos/service/calendar_sync_providers.hpp"

namespace kairos::service {
namespace {

Instant At(const char* text) { return *ParseInstant(text); }

TEST(BusyIntervals, StoredFormRoundTripsAndSkipsWhatIsMalformed) {
  std::vector<Interval> in = {{At("1969-12-31T23:00:00Z"), At("1970-01-01T01:00:00Z")},
                              {At("2026-12-21T10:00:00Z"), At("2026-12-21T11:00:00Z")}};
  std::string text = booking::FormatBusyIntervals(in);
  EXPECT_EQ(text, "-3600-3600,1797847200-1797850800");
  EXPECT_EQ(booking::ParseBusyIntervals(text), in);
  EXPECT_TRUE(booking::ParseBusyIntervals("").empty());
  EXPECT_EQ(booking::ParseBusyIntervals("x,5-3,10-20,7,-,1-2z").size(), 1u) << "only 10-20 is an interval";
}

TEST(GoogleFreeBusy, RequestAsksForThePrimaryCalendarInUtc) {
  OAuthEndpoints e = DefaultGoogleEndpoints();
  auto r = GoogleFreeBusyRequest(e, "tok", {At("2026-12-01T00:00:00Z"), At("2027-01-01T00:00:00Z")});
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://www.googleapis.com/calendar/v3/freeBusy");
  EXPECT_EQ(nlohmann::json::parse(r.body),
            nlohmann::json({{"timeMin", "2026-12-01T00:00:00Z"},
                            {"timeMax", "2027-01-01T00:00:00Z"},
                            {"timeZone", "UTC"},
                            {"items", {{{"id", "primary"}}}}}));
  EXPECT_NE(e.scopes.find("calendar.freebusy"), std::string::npos);
}

TEST(GoogleFreeBusy, AnswersAreReadOrRefusedClearly) {
  auto busy = ParseGoogleFreeBusy(
      {200, R"({"kind":"calendar#freeBusy","calendars":{"primary":{"busy":[
        {"start":"2026-12-21T10:00:00Z","end":"2026-12-21T11:00:00Z"},
        {"start":"2026-12-21T12:00:00+01:00","end":"2026-12-21T12:30:00.000+01:00"}]}}})"});
  ASSERT_TRUE(busy.ok()) << busy.error().message;
  ASSERT_EQ(busy->size(), 2u);
  EXPECT_EQ((*busy)[1].start, At("2026-12-21T11:00:00Z"));
  EXPECT_EQ((*busy)[1].end, At("2026-12-21T11:30:00Z"));
  auto errors = ParseGoogleFreeBusy({200, R"({"calendars":{"primary":{"errors":[{"reason":"notFound"}]}}})"});
  ASSERT_FALSE(errors.ok());
  EXPECT_EQ(errors.error().code, ErrorCode::kBadGateway);
  EXPECT_NE(errors.error().message.find("notFound"), std::string::npos);
  EXPECT_FALSE(ParseGoogleFreeBusy({200, "not json"}).ok());
  EXPECT_FALSE(ParseGoogleFreeBusy({200, R"({"calendars":{"primary":{"busy":[{"start":"x"}]}}})"}).ok());
  EXPECT_EQ(ParseGoogleFreeBusy({500, "{}"}).error().code, ErrorCode::kBadGateway);
}

TEST(GraphCalendarView, ShowAsAndCancellationDecideAndPagesAreFollowed) {
  OAuthEndpoints e = DefaultOutlookEndpoints();
  auto r = GraphCalendarViewRequest(e, "tok", {At("2026-12-01T00:00:00Z"), At("2027-01-01T00:00:00Z")});
  EXPECT_EQ(r.url.rfind("https://graph.microsoft.com/v1.0/me/calendarView?startDateTime=2026-12-01T00%3A00%3A00Z&", 0),
            0u)
      << r.url;
  auto page = ParseGraphCalendarView(
      {200, R"({"value":[
        {"id":"a","showAs":"busy","isCancelled":false,"start":{"dateTime":"2026-12-21T10:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2026-12-21T11:00:00.0000000","timeZone":"UTC"}},
        {"id":"b","showAs":"free","start":{"dateTime":"2026-12-21T12:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-21T13:00:00","timeZone":"UTC"}},
        {"id":"c","showAs":"oof","isCancelled":true,"start":{"dateTime":"2026-12-21T12:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-21T13:00:00","timeZone":"UTC"}},
        {"id":"d","showAs":"tentative","start":{"dateTime":"2026-12-21T14:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-21T15:00:00","timeZone":"UTC"}}],
        "@odata.nextLink":"https://graph.microsoft.com/v1.0/me/calendarView?$skip=10"})"});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->busy.size(), 2u);
  EXPECT_EQ(page->busy[0].id, "a");
  EXPECT_EQ(page->busy[0].interval.start, At("2026-12-21T10:00:00Z"));
  EXPECT_EQ(page->busy[1].id, "d");
  EXPECT_EQ(page->next_link, "https://graph.microsoft.com/v1.0/me/calendarView?$skip=10");
  auto zoned = ParseGraphCalendarView(
      {200, R"({"value":[{"id":"a","showAs":"busy","start":{"dateTime":"2026-12-21T10:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2026-12-21T11:00:00","timeZone":"Pacific Standard Time"}}]})"});
  EXPECT_FALSE(zoned.ok()) << "only the UTC asked for is read";
  EXPECT_FALSE(ParseGraphCalendarView({200, R"({"value":"x"})"}).ok());
  EXPECT_EQ(ParseGraphCalendarView({401, "{}"}).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace kairos::service
