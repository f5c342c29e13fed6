#include "kairos/service/notifications.hpp"

#include <gtest/gtest.h>

namespace kairos::service {
namespace {

TEST(NotificationsUnit, SignatureIsHmacSha256OfTimestampDotBody) {
  // The same as Python's hmac.new(secret.encode(), b"1700000000." + body, sha256).
  EXPECT_EQ(SignatureHeader("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1700000000,
                            R"({"id":"x"})"),
            "t=1700000000,v1=b5d1809dd303a4d329630a8210eee704c4df71223eb95d71fccb7f430c9b762a");
}

TEST(NotificationsUnit, PrivateAddressesAreRecognised) {
  for (const char* a : {"127.0.0.1", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                        "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
                        "::ffff:127.0.0.1", "ff02::1", "not an address"}) {
    EXPECT_TRUE(IsPrivateAddress(a)) << a;
  }
  for (const char* a : {"8.8.8.8", "203.0.113.10", "172.32.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(IsPrivateAddress(a)) << a;
  }
}

TEST(NotificationsUnit, WebhookUrlsAreHttpOrHttpsToPublicAddresses) {
  EXPECT_TRUE(CheckWebhookUrl("https://203.0.113.10/hook", false).ok());
  EXPECT_TRUE(CheckWebhookUrl("http://127.0.0.1:9000/hook", true).ok());
  for (const char* u : {"ftp://203.0.113.10/x", "no url", "http://127.0.0.1/x", "http://[::1]/x",
                        "http://10.0.0.8/x", "http://localhost/x", "https://169.254.169.254/latest"}) {
    auto s = CheckWebhookUrl(u, false);
    ASSERT_FALSE(s.ok()) << u;
    EXPECT_EQ(s.error().field, "url") << u;
  }
  EXPECT_FALSE(CheckWebhookUrl("https://203.0.113.10/" + std::string(2048, 'a'), false).ok());
}

}  // namespace
}  // namespace kairos::service
