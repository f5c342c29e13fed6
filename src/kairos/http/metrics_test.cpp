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
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_bucket{route=\"/a\\\"b\",le=\"5\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_bucket{route=\"/a\\\"b\",le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kairos_http_request_duration_seconds_count{route=\"/healthz\"} 2\n"), std::string::npos);
}

}  // namespace
}  // namespace kairos::http
