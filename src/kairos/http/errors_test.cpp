#include "kairos/http/errors.hpp"

#include <gtest/gtest.h>

namespace kairos::http {
namespace {

TEST(ProblemDetails, NamesStatusTitleAndField) {
  Response r = ErrorResponse(ErrorStyle::kProblem, InvalidArgument("must be HH:MM", "weekly[0].start"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["type"], "about:blank");
  EXPECT_EQ(body["title"], "Bad Request");
  EXPECT_EQ(body["status"], 400);
  EXPECT_EQ(body["detail"], "must be HH:MM");
  ASSERT_EQ(body["errors"].size(), 1u);
  EXPECT_EQ(body["errors"][0]["field"], "weekly[0].start");
  EXPECT_EQ(body["errors"][0]["message"], "must be HH:MM");
}

TEST(ProblemDetails, NoErrorsArrayWithoutAField) {
  Response r = ErrorResponse(ErrorStyle::kProblem, Conflict("The time is taken"), 409);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["title"], "Conflict");
  EXPECT_EQ(body["status"], 409);
  EXPECT_FALSE(body.contains("errors"));
  EXPECT_EQ(ErrorResponse(ErrorStyle::kProblem, Conflict("x"), 422).body.find("Unprocessable Content") !=
                std::string::npos,
            true);
}

}  // namespace
}  // namespace kairos::http
