#include "kairos/http/request.hpp"

#include <gtest/gtest.h>

namespace kairos::http {
namespace {

TEST(Request, IfNoneMatchTakesListsWeakTagsAndAStar) {
  EXPECT_TRUE(IfNoneMatchMatches("\"a\"", "\"a\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"x\", W/\"a\"", "\"a\""));
  EXPECT_TRUE(IfNoneMatchMatches("*", "\"a\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"x\", \"b\"", "\"a\""));
  EXPECT_FALSE(IfNoneMatchMatches("", "\"a\""));
}

TEST(Request, QueryValuesAreDecoded) {
  Request r;
  r.query_string = "date=2024-01-15&user=a%40b.com&name=J+Doe&empty=&flag&date=2025-01-01";
  EXPECT_EQ(r.Query("date"), "2024-01-15") << "the first value wins";
  EXPECT_EQ(r.Query("user"), "a@b.com");
  EXPECT_EQ(r.Query("name"), "J Doe");
  EXPECT_EQ(r.Query("empty"), "");
  EXPECT_EQ(r.Query("flag"), "");
  EXPECT_FALSE(r.Query("missing").has_value());
  EXPECT_EQ(r.QueryPairs().size(), 6u);
}

TEST(Request, HeadersAreCaseInsensitive) {
  Request r;
  r.headers = {{"content-type", "application/json"}, {"x-csrftoken", "abc"}};
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("X-CSRFToken"), "abc");
  EXPECT_TRUE(r.HasHeader("X-CSRFTOKEN"));
  EXPECT_EQ(r.Header("missing"), "");
}

TEST(Request, CookiesAreParsed) {
  Request r;
  r.headers = {{"cookie", "a=1; sessionid=xyz ; csrftoken=\"q w\""}, {"cookie", "late=2"}};
  EXPECT_EQ(r.Cookie("sessionid"), "xyz");
  EXPECT_EQ(r.Cookie("csrftoken"), "q w");
  EXPECT_EQ(r.Cookie("late"), "2");
  EXPECT_FALSE(r.Cookie("session").has_value());
}

TEST(PercentCoding, RoundTripsAndKeepsBadEscapes) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("100%", false), "100%");
  EXPECT_EQ(PercentDecode("%zz%4", false), "%zz%4");
  EXPECT_EQ(PercentEncode("a b/é"), "a%20b%2F%C3%A9");
  EXPECT_EQ(PercentDecode(PercentEncode("x=1&y=ü"), true), "x=1&y=ü");
  EXPECT_EQ(PercentEncodeAround("/a b/é/", '/', '/'), "/a%20b/%C3%A9/");
  EXPECT_EQ(PercentEncodeAround("a b&c d", ' ', '+'), "a+b%26c+d");
}

TEST(Response, HeadersSetAndAdd) {
  Response r;
  r.SetHeader("Allow", "GET");
  r.SetHeader("allow", "GET, POST");
  r.AddHeader("Set-Cookie", "a=1");
  r.AddHeader("Set-Cookie", "b=2");
  EXPECT_EQ(r.Header("ALLOW"), "GET, POST");
  EXPECT_EQ(r.headers.size(), 3u);
}

TEST(Response, AddVaryAddsEachFieldOnce) {
  Response r;
  r.AddVary("Origin");
  EXPECT_EQ(r.Header("Vary"), "Origin");
  r.AddVary("Accept-Encoding");
  r.AddVary("origin");
  r.AddVary("Accept-Encoding");
  EXPECT_EQ(r.Header("Vary"), "Origin, Accept-Encoding");
  EXPECT_EQ(r.headers.size(), 1u);
}

}  // namespace
}  // namespace kairos::http
