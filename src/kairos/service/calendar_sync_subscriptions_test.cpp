#include "kairos/service/calendar_sync_subscriptions.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

namespace kairos::service {
namespace {

TEST(SubscriptionUrl, WebcalBecomesHttpsAndOtherSchemesAreRefused) {
  EXPECT_EQ(ParseSubscriptionUrl("webcal://calendar.example.com/a/basic.ics?t=1", false).value(),
            "https://calendar.example.com/a/basic.ics?t=1");
  EXPECT_EQ(ParseSubscriptionUrl("WEBCAL://example.com/x.ics", false).value(), "https://example.com/x.ics");
  EXPECT_EQ(ParseSubscriptionUrl("https://example.com/x.ics", false).value(), "https://example.com/x.ics");
  for (const char* bad : {"ftp://example.com/x.ics", "example.com/x.ics", "https:///x.ics", "https://a b/x.ics",
                          "https://user:pw@example.com/x.ics", "http://example.com/x.ics"}) {
    auto r = ParseSubscriptionUrl(bad, false);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.error().field, "url") << bad;
  }
  EXPECT_FALSE(ParseSubscriptionUrl("https://example.com/" + std::string(kMaxSubscriptionUrl, 'a'), false).ok());
}

TEST(SubscriptionUrl, PrivateHostsOnlyWhenAllowed) {
  for (const char* host : {"http://127.0.0.1:8080/x.ics", "https://127.0.0.1/x.ics", "https://10.1.2.3/x.ics",
                           "https://192.168.0.10/x.ics", "https://169.254.169.254/latest", "https://[::1]/x.ics",
                           "https://localhost/x.ics", "https://cal.localhost./x.ics"}) {
    std::string url(host);
    EXPECT_FALSE(ParseSubscriptionUrl(url, false).ok()) << url;
    EXPECT_TRUE(ParseSubscriptionUrl(url, true).ok()) << url;
  }
  EXPECT_TRUE(ParseSubscriptionUrl("https://8.8.8.8/x.ics", false).ok());
}

class FakeFetcher : public HttpFetcher {
 public:
  Result<OutgoingResponse> Fetch(const OutgoingRequest& request, const std::string& peer) override {
    last = request;
    last_peer = peer;
    return answer;
  }
  Result<OutgoingResponse> answer = OutgoingResponse{};
  OutgoingRequest last;
  std::string last_peer;
};

Interval Year() {
  return {ParseInstant("2025-01-01T00:00:00Z").value(), ParseInstant("2026-01-01T00:00:00Z").value()};
}

TEST(SubscriptionFetch, ReadsTheBodyAndNamesNoUrlInErrors) {
  FakeFetcher http;
  http.answer = OutgoingResponse{200,
                                 "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250310T090000Z\r\n"
                                 "DTEND:20250310T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"};
  Zone utc = FindZone("UTC").value();
  auto busy = FetchSubscriptionBusy(http, "https://example.com/secret-token.ics", false, utc, Year());
  ASSERT_TRUE(busy.ok()) << busy.error().message;
  EXPECT_EQ(busy.value().busy.intervals().size(), 1u);
  EXPECT_EQ(http.last.method, "GET");
  EXPECT_TRUE(http.last.public_only);
  EXPECT_EQ(http.last.max_body_bytes, BusyReadLimits{}.max_bytes);

  http.answer = OutgoingResponse{404, "not here"};
  auto missing = FetchSubscriptionBusy(http, "https://example.com/secret-token.ics", true, utc, Year());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kBadGateway);
  EXPECT_EQ(missing.error().message.find("secret-token"), std::string::npos);
  EXPECT_FALSE(http.last.public_only);

  http.answer = OutgoingResponse{200, "<html>login</html>"};
  EXPECT_FALSE(FetchSubscriptionBusy(http, "https://example.com/x.ics", false, utc, Year()).ok());
}

// One HTTP/1.1 answer with a body of `size` bytes, to whoever connects first.
class OneShotServer {
 public:
  explicit OneShotServer(std::size_t size) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this, size] {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      (void)read(c, buf, sizeof buf);
      std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: " + std::to_string(size) +
                           "\r\nConnection: close\r\n\r\n" + std::string(size, 'x');
      (void)send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      close(c);
    });
  }
  ~OneShotServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/feed.ics"; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST(SubscriptionFetch, CurlRefusesPrivateAddressesAtConnectAndBoundsTheBody) {
  auto curl = MakeCurlFetcher(std::chrono::seconds{5});
  {
    OneShotServer server(10);
    OutgoingRequest r = SubscriptionRequest(server.Url(), /*allow_private=*/false);
    auto refused = curl->Fetch(r, "Calendar subscription");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("private"), std::string::npos) << refused.error().message;
    r.public_only = false;
    auto served = curl->Fetch(r, "Calendar subscription");  // the server was there all along
    ASSERT_TRUE(served.ok()) << served.error().message;
    EXPECT_EQ(served.value().body, std::string(10, 'x'));
  }
  {
    OneShotServer server(5000);
    auto big = curl->Fetch(SubscriptionRequest(server.Url(), true, {.max_bytes = 1000}), "Calendar subscription");
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
  }
}

}  // namespace
}  // namespace kairos::service
