#include "kairos/service/notifications.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

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

// The body of the MIME part of that type, base64-decoded.
std::string Part(const std::string& message, const std::string& type) {
  auto at = message.find("Content-Type: " + type);
  if (at == std::string::npos) return "";
  auto body = message.find("\r\n\r\n", at) + 4;
  auto end = message.find("--kairos-", body);
  std::string b64;
  for (char c : message.substr(body, end - body)) {
    if (c != '\r' && c != '\n') b64 += c;
  }
  static const std::string digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  std::uint32_t acc = 0;
  for (char c : b64) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<std::uint32_t>(digits.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

TEST(NotificationsUnit, EmailsEscapeHtmlAndCancelWithTheSameUid) {
  const std::string payload = R"({"id":"e1","type":"booking.cancelled","created_at":"2030-03-01T08:00:00Z","data":{
    "id":"b1","status":"cancelled","start":"2030-03-04T10:00:00Z","end":"2030-03-04T11:00:00Z","face":"v1",
    "title":"<script>x</script>","calendar":{"id":"c","name":"","time_zone":"Europe/Paris"},
    "host":{"id":"h","name":"Host & Co","email":"host@example.com"},
    "attendee":{"id":null,"name":"\"Al\" <al>","email":"al@example.com","phone":null,"time_zone":"Asia/Tokyo"},
    "guests":[],"answers":{"topic":"<i>x</i>"},"notes":null,"ical_uid":"b1@kairos","sequence":3}})";
  const std::string m = EmailMessage("k@example.com", "al@example.com", payload, "attendee", "https://x.test/manage/b1?token=t&u");
  EXPECT_NE(m.find("Content-Type: multipart/alternative"), std::string::npos);
  const std::string html = Part(m, "text/html");
  EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("&quot;Al&quot; &lt;al&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;i&gt;x&lt;/i&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"https://x.test/manage/b1?token=t&amp;u\""), std::string::npos) << html;
  const std::string ics = Part(m, "text/calendar; charset=utf-8; method=CANCEL");
  EXPECT_NE(ics.find("METHOD:CANCEL\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("UID:b1@kairos\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("SEQUENCE:3\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("STATUS:CANCELLED\r\n"), std::string::npos) << ics;
  // The attendee's zone: 19:00 in Tokyo.
  EXPECT_NE(ics.find("DTSTART;TZID=Asia/Tokyo:20300304T190000\r\n"), std::string::npos) << ics;
  EXPECT_NE(Part(m, "text/plain").find("19:00"), std::string::npos);
  // The host reads the calendar's zone: 11:00 in Paris.
  const std::string to_host = EmailMessage("k@example.com", "host@example.com", payload, "host", "");
  EXPECT_NE(Part(to_host, "text/calendar").find("DTSTART;TZID=Europe/Paris:20300304T110000\r\n"), std::string::npos);
  EXPECT_EQ(Part(to_host, "text/html").find("manage"), std::string::npos);
}

// Pruning goes through a backlog in transactions of prune_batch events, one after another,
// and keeps what is pending or recent.
TEST(NotificationsUnit, PruneDeletesFinishedOldEventsInBatches) {
  const auto dir = std::filesystem::temp_directory_path() / ("kairos-prune-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto db = store::OpenSqlite((dir / "k.db").string());
  store::Migrate(*db);
  const Instant now = ParseInstant("2030-03-04T05:00:00Z").value();
  const std::int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  db->Write([&](store::Tx& tx) {
    // Seven old events (one pending), two recent ones.
    for (int i = 0; i < 9; ++i) {
      const std::int64_t created = i < 7 ? t - 31 * 86400 : t - 3600;
      const std::string state = i == 3 ? "pending" : i % 2 == 0 ? "sent" : "failed";
      auto id = tx.Query("INSERT INTO notification_events (uuid, type, face, payload, created_at) VALUES (?, "
                         "'booking.created', 'v1', '{}', ?) RETURNING id",
                         {store::Text("e" + std::to_string(i)), store::Int(created)})
                    .at(0)
                    .Int(0);
      auto delivery = tx.Query("INSERT INTO notification_deliveries (uuid, event_id, email, state, attempts, "
                               "next_attempt_at, retry_from, created_at, updated_at) VALUES (?, ?, 'x@example.com', ?, "
                               "1, 4102444800000, ?, ?, ?) RETURNING id",
                               {store::Text("d" + std::to_string(i)), store::Int(id), store::Text(state),
                                store::Int(created), store::Int(created), store::Int(created)})
                          .at(0)
                          .Int(0);
      tx.Exec("INSERT INTO notification_attempts (delivery_id, instance, at_ms, duration_ms) VALUES (?, 'x', 0, 1)",
              {store::Int(delivery)});
    }
  });
  DispatcherOptions options;
  options.prune_batch = 2;
  Dispatcher dispatcher(*db, options);
  EXPECT_EQ(dispatcher.Prune(now), 6);
  EXPECT_EQ(dispatcher.Prune(now), 0);
  db->Read([&](store::Tx& tx) {
    EXPECT_EQ(tx.QueryOne("SELECT COUNT(*) FROM notification_events")->Int(0), 3);
    EXPECT_EQ(tx.QueryOne("SELECT COUNT(*) FROM notification_events WHERE uuid IN ('e3', 'e7', 'e8')")->Int(0), 3);
    EXPECT_EQ(tx.QueryOne("SELECT COUNT(*) FROM notification_deliveries")->Int(0), 3);
    EXPECT_EQ(tx.QueryOne("SELECT COUNT(*) FROM notification_attempts")->Int(0), 3);
    return 0;
  });
  db->Close();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kairos::service
