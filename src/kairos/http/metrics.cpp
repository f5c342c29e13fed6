#include "kairos/http/metrics.hpp"

#include <cstdio>

namespace kairos::http {
namespace {

// Label values are route patterns and method names; escape them all the same.
std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void Metrics::Record(std::string_view method, std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), std::string(method), status}];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP kairos_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE kairos_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "kairos_http_requests_total{route=\"" + Escape(route) + "\",method=\"" + Escape(method) + "\",status=\"" +
           std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP kairos_http_request_duration_seconds Time from a request's last byte read to its response.\n";
  out += "# TYPE kairos_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::string label = "route=\"" + Escape(route) + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += "kairos_http_request_duration_seconds_bucket{" + label + ",le=\"" + Number(kBuckets[i]) + "\"} " +
             std::to_string(h.buckets[i]) + "\n";
    }
    out += "kairos_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "kairos_http_request_duration_seconds_sum{" + label + "} " + Number(h.sum) + "\n";
    out += "kairos_http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }
  return out;
}

}  // namespace kairos::http
