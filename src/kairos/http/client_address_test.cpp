#include "kairos/http/client_address.hpp"

#include <gtest/gtest.h>

namespace kairos::http {
namespace {

TrustedProxies Trust(const std::vector<std::string>& entries) {
  auto t = TrustedProxies::Parse(entries);
  EXPECT_TRUE(t.ok()) << t.error().message;
  return t.ok() ? *t : TrustedProxies{};
}

HeaderList Forwarded(const std::vector<std::string>& values) {
  HeaderList h = {{"host", "example.com"}};
  for (const auto& v : values) h.emplace_back("x-forwarded-for", v);
  return h;
}

TEST(ClientAddress, CanonicalAddresses) {
  EXPECT_EQ(CanonicalAddress("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(CanonicalAddress("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(CanonicalAddress("::ffff:192.0.2.7"), "192.0.2.7") << "IPv4-mapped is IPv4";
  EXPECT_EQ(CanonicalAddress("fe80::1%eth0"), "fe80::1");
  for (const std::string& bad : std::vector<std::string>{"", "unknown", "10.0.0", "10.0.0.256", "1.2.3.4.5", " 10.0.0.1", "::g", "example.com",
                          "10.0.0.1%eth0", std::string("10.0.0.1\0x", 10)}) {
    EXPECT_FALSE(CanonicalAddress(bad).has_value()) << bad;
  }
}

TEST(ClientAddress, TrustedProxiesTakeAddressesAndNetworks) {
  auto t = Trust({"127.0.0.1", " 10.0.0.0/8 ", "", "fd00::/8", "::1", "192.168.1.77/24"});
  EXPECT_FALSE(t.empty());
  EXPECT_TRUE(t.Contains("127.0.0.1"));
  EXPECT_FALSE(t.Contains("127.0.0.2"));
  EXPECT_TRUE(t.Contains("10.255.3.4"));
  EXPECT_FALSE(t.Contains("11.0.0.1"));
  EXPECT_TRUE(t.Contains("::ffff:10.1.2.3")) << "an IPv4-mapped peer matches IPv4 networks";
  EXPECT_TRUE(t.Contains("fd12:3456::1"));
  EXPECT_FALSE(t.Contains("fe00::1"));
  EXPECT_TRUE(t.Contains("::1"));
  EXPECT_FALSE(t.Contains("::2"));
  EXPECT_TRUE(t.Contains("192.168.1.3")) << "host bits in a network are ignored";
  EXPECT_FALSE(t.Contains("garbage"));
  EXPECT_FALSE(t.Contains(""));

  auto odd = Trust({"0.0.0.0/0", "10.1.2.3/31", "2001:db8::/33"});
  EXPECT_TRUE(odd.Contains("8.8.8.8"));
  EXPECT_FALSE(odd.Contains("2001:db9::1")) << "/0 over IPv4 is every IPv4 address, not every address";
  EXPECT_TRUE(Trust({"10.1.2.3/31"}).Contains("10.1.2.2"));
  EXPECT_FALSE(Trust({"10.1.2.3/31"}).Contains("10.1.2.4"));
  EXPECT_TRUE(Trust({"2001:db8::/33"}).Contains("2001:db8:7fff::1"));
  EXPECT_FALSE(Trust({"2001:db8::/33"}).Contains("2001:db8:8000::1"));

  EXPECT_TRUE(Trust({}).empty());
  EXPECT_TRUE(Trust({" ", ""}).empty());
}

TEST(ClientAddress, MalformedTrustedProxiesAreRefusedByName) {
  for (std::string bad : {"localhost", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8",
                          "10.0.0.0/8/8", "10.0.0.0/x", "10.0.0", "fe80::1%eth0", "*", "10.0.0.1:80"}) {
    auto t = TrustedProxies::Parse({"127.0.0.1", bad});
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(t.error().message.find("--trusted-proxies"), std::string::npos) << t.error().message;
    EXPECT_NE(t.error().message.find("\"" + bad + "\""), std::string::npos) << t.error().message;
  }
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClient) {
  TrustedProxies none;
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"203.0.113.5"}), none), "127.0.0.1");
  EXPECT_EQ(ClientAddress("::ffff:127.0.0.1", {}, none), "127.0.0.1");
  EXPECT_EQ(ClientAddress("", Forwarded({"203.0.113.5"}), none), "");
  // An untrusted peer's header is ignored even when some proxies are trusted.
  EXPECT_EQ(ClientAddress("198.51.100.9", Forwarded({"203.0.113.5"}), Trust({"10.0.0.0/8"})), "198.51.100.9");
}

TEST(ClientAddress, ATrustedPeersForwardedForIsReadFromTheRight) {
  auto t = Trust({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"203.0.113.5"}), t), "203.0.113.5");
  EXPECT_EQ(ClientAddress("127.0.0.1", {}, t), "127.0.0.1") << "no header: the proxy itself";
  // The client wrote the left part; the proxies appended the rest.
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"6.6.6.6, 203.0.113.5"}), t), "203.0.113.5");
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"6.6.6.6, 203.0.113.5, 10.1.1.1, 10.2.2.2"}), t), "203.0.113.5");
  // Several headers are one list, in order.
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"6.6.6.6", "203.0.113.5", "10.1.1.1"}), t), "203.0.113.5");
  // Every hop trusted: the left-most one.
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"10.9.9.9, 10.1.1.1"}), t), "10.9.9.9");
  // Ports, brackets, blanks, IPv6 and upper case.
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"203.0.113.5:4711"}), t), "203.0.113.5");
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"[2001:DB8::7]:443"}), t), "2001:db8::7");
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"[2001:db8::7]"}), t), "2001:db8::7");
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({" \t2001:db8::8 ,,  "}), t), "2001:db8::8");
  EXPECT_EQ(ClientAddress("::ffff:10.0.0.2", Forwarded({"203.0.113.5"}), t), "203.0.113.5");
}

TEST(ClientAddress, MalformedForwardedForEntriesAreNeverBelieved) {
  auto t = Trust({"127.0.0.1", "10.0.0.0/8"});
  // A malformed entry stops the walk: the last trusted hop is the client, and nothing to
  // its left (which the client may have written) is believed.
  for (const std::string& bad : std::vector<std::string>{"unknown", "not an address", "203.0.113.5:99999", "203.0.113.5:", "[2001:db8::1",
                          "[2001:db8::1]x", "1.2.3.4.5", "2001:db8::1:80:x", "_hidden", std::string(200, '9')}) {
    EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"203.0.113.5, " + bad}), t), "127.0.0.1") << bad;
    EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"203.0.113.5, " + bad + ", 10.1.1.1"}), t), "10.1.1.1") << bad;
  }
  // Left of the client, garbage does not matter.
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({"garbage, 203.0.113.5"}), t), "203.0.113.5");
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({""}), t), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", Forwarded({",,,"}), t), "127.0.0.1");
}

}  // namespace
}  // namespace kairos::http
