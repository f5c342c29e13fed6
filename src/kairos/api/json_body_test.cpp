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

// Django REST framework's fields: IntegerField takes "3", 4.0 and "4.0" but not 4.5 or
// true; CharField takes numbers as text (not booleans or composites) and trims; unknown
// fields are ignored; an empty body is an empty object.
TEST(JsonBodyDrf, ConvertsAsTheFrameworksFields) {
  auto b = JsonBody::Parse(
      R"({"i": "3", "f": 4.0, "t": " 4.00 ", "h": 4.5, "b": true, "s": 42, "x": 1.5, "w": "  hi  ", "n": false,
          "o": {}, "a": [1], "y": "yes", "one": 1, "huge": "99999999999999999999", "u": "1_0", "neg": "-7",
          "dot": "4.", "uu": "1__0", "yEs": "yEs"})",
      BodyProfile::kDrf);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b->RequiredInt("i"), 3);
  EXPECT_EQ(*b->RequiredInt("f"), 4);
  EXPECT_EQ(*b->RequiredInt("t"), 4);
  EXPECT_EQ(*b->RequiredInt("neg"), -7);
  EXPECT_FALSE(b->RequiredInt("h").ok());
  EXPECT_FALSE(b->RequiredInt("b").ok()) << "IntegerField refuses booleans";
  EXPECT_FALSE(b->RequiredInt("huge").ok());
  EXPECT_EQ(*b->RequiredInt("u"), 10) << "Python's int() takes underscores between digits";
  EXPECT_FALSE(b->RequiredInt("uu").ok());
  EXPECT_EQ(*b->RequiredInt("dot"), 4) << "IntegerField strips a trailing point";
  EXPECT_FALSE(b->RequiredBool("yEs").ok()) << "only BooleanField's own spellings";
  EXPECT_EQ(*b->RequiredString("s", 10), "42");
  EXPECT_EQ(*b->RequiredString("x", 10), "1.5");
  EXPECT_EQ(*b->RequiredString("w", 10), "hi");
  EXPECT_FALSE(b->RequiredString("n", 10).ok()) << "CharField refuses booleans";
  EXPECT_FALSE(b->RequiredString("o", 10).ok());
  EXPECT_FALSE(b->RequiredString("a", 10).ok());
  EXPECT_TRUE(*b->RequiredBool("y"));
  EXPECT_TRUE(*b->RequiredBool("one"));
  EXPECT_TRUE(b->RejectUnknownFields().ok()) << "unknown fields are ignored";

  auto empty = JsonBody::Parse("", BodyProfile::kDrf);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->RequiredString("a", 5).error().field, "a");
  EXPECT_FALSE(JsonBody::Parse("{", BodyProfile::kDrf).ok());
  EXPECT_FALSE(JsonBody::Parse("[]", BodyProfile::kDrf).ok());
}

TEST(JsonBodyDrf, ReadsUrlEncodedForms) {
  auto b = JsonBody::Parse("a=1&b=x+y%21&l=1&l=2&l=3&empty=&bare&a=2", BodyProfile::kDrf,
                           "application/x-www-form-urlencoded; charset=utf-8");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->is_form());
  EXPECT_EQ(*b->RequiredInt("a"), 2) << "a repeated key's last value, as QueryDict.get";
  EXPECT_EQ(*b->RequiredString("b", 10), "x y!");
  EXPECT_EQ(*b->RequiredString("empty", 10), "");
  EXPECT_EQ(*b->RequiredString("bare", 10), "");
  const nlohmann::json* l = b->List("l");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(*l, nlohmann::json({"1", "2", "3"}));
  EXPECT_FALSE(b->RequiredString("missing", 10).ok());
  std::string many;
  for (int i = 0; i <= 1000; ++i) many += "k" + std::to_string(i) + "=v&";
  EXPECT_FALSE(JsonBody::Parse(many, BodyProfile::kDrf, "application/x-www-form-urlencoded").ok());
}

TEST(JsonBodyDrf, ReadsMultipartForms) {
  const std::string type = "multipart/form-data; boundary=\"XyZ\"";
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nline one\r\nline two\r\n"
      "--XyZ\r\ncontent-disposition: form-data; name=\"n\"\r\nContent-Type: text/plain\r\n\r\n7\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\ndata\r\n"
      "--XyZ--\r\n";
  auto b = JsonBody::Parse(body, BodyProfile::kDrf, type);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(*b->RequiredString("title", 50), "line one\r\nline two");
  EXPECT_EQ(*b->RequiredInt("n"), 7);
  EXPECT_FALSE(b->Has("file")) << "file parts are no field";
  EXPECT_FALSE(JsonBody::Parse(body, BodyProfile::kDrf, "multipart/form-data").ok()) << "no boundary";
  EXPECT_FALSE(JsonBody::Parse("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
                               BodyProfile::kDrf, type)
                   .ok());
  EXPECT_FALSE(JsonBody::Parse("garbage", BodyProfile::kDrf, type).ok());
  EXPECT_FALSE(JsonBody::Parse(body, BodyProfile::kPydantic, type).ok()) << "Pydantic reads JSON only";
}

// Pydantic v2's lax mode: int from "3", 4.0 and booleans; str from strings only; bool
// from the words and 0/1.
TEST(JsonBodyPydantic, ConvertsAsLaxMode) {
  auto b = JsonBody::Parse(
      R"({"i": " 3 ", "f": 4.0, "h": 4.5, "b": true, "s": 42, "w": "  hi ", "t": "TRUE", "z": 0, "o": "off",
          "two": 2, "x": 1, "dot": "4.", "zero": "4.0", "u": "1_000", "m": "yEs", "sp": " yes "})",
      BodyProfile::kPydantic);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b->RequiredInt("i"), 3);
  EXPECT_EQ(*b->RequiredInt("f"), 4);
  EXPECT_FALSE(b->RequiredInt("h").ok());
  EXPECT_EQ(*b->RequiredInt("b"), 1);
  EXPECT_FALSE(b->RequiredString("s", 10).ok()) << "str does not take numbers";
  EXPECT_EQ(*b->RequiredString("w", 10), "  hi ") << "nor is it trimmed";
  EXPECT_TRUE(*b->RequiredBool("t"));
  EXPECT_FALSE(*b->RequiredBool("z"));
  EXPECT_FALSE(*b->RequiredBool("o"));
  EXPECT_FALSE(b->RequiredBool("two").ok());
  EXPECT_FALSE(b->RequiredInt("dot").ok()) << "\"4.\" is no int to Pydantic";
  EXPECT_EQ(*b->RequiredInt("zero"), 4);
  EXPECT_EQ(*b->RequiredInt("u"), 1000);
  EXPECT_TRUE(*b->RequiredBool("m")) << "any case";
  EXPECT_FALSE(b->RequiredBool("sp").ok()) << "but no surrounding spaces";
  EXPECT_TRUE(b->RejectUnknownFields().ok());
  EXPECT_FALSE(JsonBody::Parse("", BodyProfile::kPydantic).ok()) << "a required body may not be empty";
}

}  // namespace
}  // namespace kairos::api
