#include "kairos/app/logging.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kairos::app {
namespace {

http::AccessRecord Sample() {
  return http::AccessRecord{.method = "PATCH", .route = "/api/event/{id:int}/", .status = 404, .seconds = 0.0015,
                            .request_id = "abc-1", .client_address = "203.0.113.7", .account_id = 42};
}

TEST(LoggingFormat, TextKeepsTheShapeAndAddsTheNewFields) {
  EXPECT_EQ(FormatAccess(Sample(), LogFormat::kText),
            "PATCH /api/event/{id:int}/ 404 1.500ms id=abc-1 client=203.0.113.7 account=42");
  auto anonymous = Sample();
  anonymous.account_id.reset();
  EXPECT_EQ(FormatAccess(anonymous, LogFormat::kText),
            "PATCH /api/event/{id:int}/ 404 1.500ms id=abc-1 client=203.0.113.7");
  http::AccessRecord refused{.method = "-", .route = "-", .status = 400, .request_id = "r", .note = "Malformed request."};
  EXPECT_EQ(FormatAccess(refused, LogFormat::kText), "- - 400 0.000ms id=r client=- (Malformed request.)");
}

TEST(LoggingFormat, JsonIsOneObjectWithEveryField) {
  auto line = FormatAccess(Sample(), LogFormat::kJson);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["msg"], "request");
  EXPECT_EQ(j["method"], "PATCH");
  EXPECT_EQ(j["route"], "/api/event/{id:int}/");
  EXPECT_EQ(j["status"], 404);
  EXPECT_DOUBLE_EQ(j["duration_ms"].get<double>(), 1.5);
  EXPECT_EQ(j["request_id"], "abc-1");
  EXPECT_EQ(j["client"], "203.0.113.7");
  EXPECT_EQ(j["account_id"], 42);
  EXPECT_FALSE(j.contains("error"));
  auto anonymous = Sample();
  anonymous.account_id.reset();
  EXPECT_TRUE(nlohmann::json::parse(FormatAccess(anonymous, LogFormat::kJson))["account_id"].is_null());
}

TEST(LoggingFormat, JsonEscapesAndSurvivesInvalidUtf8) {
  http::AccessRecord r{.method = "-", .route = "-", .status = 400, .request_id = "r", .client_address = "\"\n\xff",
                       .note = "bad \"quote\"\n"};
  auto line = FormatAccess(r, LogFormat::kJson);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["error"], "bad \"quote\"\n");
}

TEST(LoggingFormat, ParseLogFormat) {
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("xml").ok());
}

}  // namespace
}  // namespace kairos::app
