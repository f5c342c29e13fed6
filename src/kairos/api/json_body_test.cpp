#include "kairos/api/json_body.hpp"

#include <gtest/gtest.h>

namespace kairos::api {
namespace {

TEST(JsonBody, RefusesWhatIsNotAnObject) {
  EXPECT_FALSE(JsonBody::Parse("").ok());
  EXPECT_FALSE(JsonBody::Parse("{").ok());
  EXPECT_FALSE(JsonBody::Parse("[]").ok());
  EXPECT_FALSE(JsonBody::Parse("\"s\"").ok());
  EXPECT_FALSE(JsonBody::Parse("{\"a\": \"\xff\"}").ok()) << "invalid UTF-8";
  EXPECT_TRUE(JsonBody::Parse("{}").ok());
}

TEST(JsonBody, StringsAreTypedAndBounded) {
  auto b = JsonBody::Parse(R"({"s": "h\u00e9llo", "n": 5, "z": null})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b->RequiredString("s", 5), "h\xc3\xa9llo") << "lengths count characters, not bytes";
  auto short_limit = b->RequiredString("s", 4);
  ASSERT_FALSE(short_limit.ok());
  EXPECT_EQ(short_limit.error().field, "s");
  auto wrong = b->RequiredString("n", 10);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "n must be a string.");
  EXPECT_EQ(wrong.error().field, "n");
  auto missing = b->RequiredString("m", 10);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "m is required.");
  EXPECT_FALSE(b->OptionalString("absent", 10)->has_value());
  EXPECT_FALSE(b->OptionalString("z", 10).ok()) << "null is not a string";
}

TEST(JsonBody, IntegersMustBeIntegral) {
  auto b = JsonBody::Parse(R"({"a": 3, "b": 3.0, "c": 3.5, "d": true, "e": "3", "f": 18446744073709551615})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b->RequiredInt("a"), 3);
  EXPECT_EQ(*b->RequiredInt("b"), 3);
  EXPECT_FALSE(b->RequiredInt("c").ok());
  EXPECT_FALSE(b->RequiredInt("d").ok()) << "a bool is not an int";
  EXPECT_FALSE(b->RequiredInt("e").ok());
  EXPECT_FALSE(b->RequiredInt("f").ok());
}

TEST(JsonBody, BoolsAndUnknownFields) {
  auto b = JsonBody::Parse(R"({"flag": true, "num": 1, "extra": []})");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(*b->RequiredBool("flag"));
  EXPECT_FALSE(b->OptionalBool("num").ok()) << "1 is not a bool";
  auto unknown = b->RejectUnknownFields();
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "extra");
  EXPECT_NE(b->Raw("extra"), nullptr);
  EXPECT_TRUE(b->RejectUnknownFields().ok());
}

}  // namespace
}  // namespace kairos::api
