#include "kairos/app/config_file.hpp"

#include <gtest/gtest.h>

namespace kairos::app {
namespace {

using Kind = ConfigValue::Kind;

std::vector<ConfigEntry> Parse(std::string_view text) {
  auto r = ParseConfigText(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::vector<ConfigEntry>{};
}

std::string ErrorOf(std::string_view text) {
  auto r = ParseConfigText(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(ConfigFile, ParsesEveryKindWithCommentsAndLines) {
  auto e = Parse(
      "# Kairos\n"
      "\n"
      "listen = \"127.0.0.1:8080\"  # a comment\n"
      "db='/var/lib/kairos/kairos.db'\n"
      "login-max-failures = 1_000\n"
      "offset = -5\n"
      "secure-cookies = true\n"
      "access_log = false\n"
      "trusted-proxies = [\n"
      "  \"10.0.0.0/8\",  # the balancer\n"
      "  '192.168.1.10',\n"
      "]\n"
      "empty = []\n"
      "escaped = \"a\\\"b\\\\c\\n\\u00e9\\U0001F600\"\n");
  ASSERT_EQ(e.size(), 9u);
  EXPECT_EQ(e[0].key, "listen");
  EXPECT_EQ(e[0].line, 3);
  EXPECT_EQ(e[0].value.kind, Kind::kString);
  EXPECT_EQ(e[0].value.string, "127.0.0.1:8080");
  EXPECT_EQ(e[1].value.string, "/var/lib/kairos/kairos.db");
  EXPECT_EQ(e[2].value.kind, Kind::kInteger);
  EXPECT_EQ(e[2].value.integer, 1000);
  EXPECT_EQ(e[3].value.integer, -5);
  EXPECT_EQ(e[4].value.kind, Kind::kBoolean);
  EXPECT_TRUE(e[4].value.boolean);
  EXPECT_EQ(e[5].key, "access_log");
  EXPECT_FALSE(e[5].value.boolean);
  EXPECT_EQ(e[6].value.kind, Kind::kStringArray);
  EXPECT_EQ(e[6].value.strings, (std::vector<std::string>{"10.0.0.0/8", "192.168.1.10"}));
  EXPECT_EQ(e[6].line, 9);
  EXPECT_EQ(e[7].line, 13);
  EXPECT_TRUE(e[7].value.strings.empty());
  EXPECT_EQ(e[8].value.string, "a\"b\\c\n\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_TRUE(Parse("").empty());
  EXPECT_TRUE(Parse("# only a comment").empty());
  EXPECT_EQ(Parse("\xEF\xBB\xBF" "a = 1\r\nb = 2\r\n").size(), 2u);
  EXPECT_EQ(Parse("literal = 'C:\\path'")[0].value.string, "C:\\path");
}

TEST(ConfigFile, ErrorsNameTheLine) {
  EXPECT_EQ(ErrorOf("a = 1\nb = 2\na = 3\n"), "line 3: \"a\" is set twice (first on line 1)");
  EXPECT_EQ(ErrorOf("\n[server]\nlisten = \"x\"\n").rfind("line 2: tables", 0), 0u);
  EXPECT_EQ(ErrorOf("server.listen = \"x\"").rfind("line 1: dotted keys", 0), 0u);
  EXPECT_EQ(ErrorOf("\"listen\" = \"x\"").rfind("line 1: quoted keys", 0), 0u);
  EXPECT_EQ(ErrorOf("a\n").rfind("line 1: expected =", 0), 0u);
  EXPECT_EQ(ErrorOf("a =\n").rfind("line 1: expected a value", 0), 0u);
  EXPECT_EQ(ErrorOf("x = 1\na = \"open\n").rfind("line 2: unterminated string", 0), 0u);
  EXPECT_EQ(ErrorOf("a = \"x\" \"y\"").rfind("line 1: unexpected text", 0), 0u);
  EXPECT_EQ(ErrorOf("a = 1.5").rfind("line 1: floats", 0), 0u);
  EXPECT_EQ(ErrorOf("a = 1e3").rfind("line 1: floats", 0), 0u);
  EXPECT_EQ(ErrorOf("a = 0x10").rfind("line 1: only decimal", 0), 0u);
  EXPECT_EQ(ErrorOf("a = 07").rfind("line 1: leading zeros", 0), 0u);
  EXPECT_EQ(ErrorOf("a = 1__0").rfind("line 1: misplaced _", 0), 0u);
  EXPECT_EQ(ErrorOf("a = 99999999999999999999").rfind("line 1: integer too large", 0), 0u);
  EXPECT_EQ(ErrorOf("a = 1979-05-27").rfind("line 1: expected an integer", 0), 0u);
  EXPECT_EQ(ErrorOf("a = yes").rfind("line 1: expected a value", 0), 0u);
  EXPECT_EQ(ErrorOf("a = [1, 2]").rfind("line 1: arrays may hold only strings", 0), 0u);
  EXPECT_EQ(ErrorOf("a = [\"x\"\nb = 1").rfind("line 2: expected , or ]", 0), 0u);
  EXPECT_EQ(ErrorOf("a = [\"x\",\n").rfind("line 2: unterminated array", 0), 0u);
  EXPECT_EQ(ErrorOf("a = \"bad \\q escape\"").rfind("line 1: invalid escape", 0), 0u);
  EXPECT_EQ(ErrorOf("a = \"\\uD800\"").rfind("line 1: invalid \\u escape", 0), 0u);
  EXPECT_EQ(ErrorOf("a = \"\"\"multi\"\"\"").rfind("line 1: multi-line strings", 0), 0u);
  EXPECT_EQ(ErrorOf("a = { b = 1 }").rfind("line 1: expected a value", 0), 0u);
}

TEST(ConfigFile, ReadConfigFileNamesThePath) {
  auto missing = ReadConfigFile("/nonexistent/kairos.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/kairos.toml"), std::string::npos);
}

}  // namespace
}  // namespace kairos::app
