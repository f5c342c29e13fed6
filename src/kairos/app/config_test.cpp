#include "kairos/app/config.hpp"

#include <gtest/gtest.h>

namespace kairos::app {
namespace {

TEST(ParseListen, AcceptsHostPortAndBracketedV6) {
  auto a = ParseListen("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = ParseListen("[::1]:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
}

TEST(ParseListen, RejectsNonsense) {
  for (const char* bad : {"", "8080", ":8080", "host:", "host:65536", "host:80x", "host:-1"}) {
    auto r = ParseListen(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().field, "listen");
    }
  }
}

}  // namespace
}  // namespace kairos::app
