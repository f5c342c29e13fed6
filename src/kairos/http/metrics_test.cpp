#include "kairos/http/metrics.hpp"

#include <gtest/gtest.h>

namespace kairos::http {
namespace {

TEST(Metrics, CountsAndBuckets) {
  Metrics m;
  m.Record("GET", "/healthz", 200, 0.0002);
  m.Record("GET", "/healthz", 200, 0.003);
  m.Record("POST", "/a\"b", 400, 7.0);
  std::string text = m.Render();
  EXPECT_NE(text.find("kairos_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("route=\"/a\\\"b\""), std::string::npos) << "label values are escaped";
  const std::string healthz = "route=\"/healthz\",method=\"GET\",status_class=\"2xx\"";
  const std::string odd = "route=\"/a\\\"b\",method=\"POST\",status_class=\"4xx\"";
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_bucket{" + healthz + ",le=\"0.0005\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_bucket{" + healthz + ",le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_bucket{" + odd + ",le=\"5\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_bucket{" + odd + ",le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_count{" + healthz + "} 2\n"), std::string::npos);
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_sum{" + odd + "} 7\n"), std::string::npos);
}

TEST(Metrics, StatusClassesSplitTheHistogram) {
  Metrics m;
  m.Record("POST", "/api/bookings/", 201, 0.01);
  m.Record("POST", "/api/bookings/", 400, 0.01);
  m.Record("POST", "/api/bookings/", 503, 0.01);
  std::string text = m.Render();
  for (std::string c : {"2xx", "4xx", "5xx"}) {
    EXPECT_NE(text.find("kairos_http_request_duration_seconds_count{route=\"/api/bookings/\",method=\"POST\",status_class=\"" +
                        c + "\"} 1\n"),
              std::string::npos)
        << c << text;
  }
  EXPECT_EQ(StatusClass(101), "1xx");
  EXPECT_EQ(StatusClass(302), "3xx");
  EXPECT_EQ(StatusClass(0), "other");
}

TEST(Metrics, CollectorsAddFamiliesWithHelpAndType) {
  Metrics m;
  m.AddCollector([](Exposition& out) {
    out.Family("kairos_things_total", "counter", "Things.\nWith a back\\slash.");
    out.Sample("kairos_things_total", {{"kind", "a\nb"}}, 3);
    out.Sample("kairos_things_total", {}, 0.25);
  });
  std::string text = m.Render();
  EXPECT_NE(text.find("# HELP kairos_things_total Things.\\nWith a back\\\\slash.\n# TYPE kairos_things_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kairos_things_total{kind=\"a\\nb\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kairos_things_total 0.25\n"), std::string::npos) << text;
  EXPECT_LT(text.find("kairos_http_requests_total"), text.find("kairos_things_total")) << "after the request metrics";
}

TEST(Metrics, NumbersAreWrittenShortAndExact) {
  EXPECT_EQ(FormatNumber(0.0005), "0.0005");
  EXPECT_EQ(FormatNumber(5), "5");
  EXPECT_EQ(FormatNumber(1234567890123.0), "1234567890123");
  EXPECT_EQ(FormatNumber(20000), "20000");
  EXPECT_EQ(FormatNumber(0.13), "0.13");
  EXPECT_EQ(FormatNumber(1796171712.93), "1796171712.93");
  EXPECT_EQ(FormatNumber(1.0 / 0.0), "+Inf");
}

TEST(ProcessMetrics, ReadsProcSelf) {
  Exposition out;
  CollectProcessMetrics(out);
  const std::string& text = out.text();
  for (std::string family : {"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
                             "process_max_fds", "process_start_time_seconds"}) {
    EXPECT_NE(text.find("# TYPE " + family + " "), std::string::npos) << family << "\n" << text;
    auto at = text.find("\n" + family + " ");
    ASSERT_NE(at, std::string::npos) << family << "\n" << text;
    double value = std::stod(text.substr(at + family.size() + 2));
    EXPECT_GT(value, family == "process_cpu_seconds_total" ? -1 : 0) << family;
  }
  auto at = text.find("\nprocess_start_time_seconds ");
  double start = std::stod(text.substr(at + 28));
  EXPECT_GT(start, 1.7e9) << "seconds since the epoch, not since boot";
  EXPECT_LT(start, static_cast<double>(std::time(nullptr)) + 5);
}

}  // namespace
}  // namespace kairos::http
