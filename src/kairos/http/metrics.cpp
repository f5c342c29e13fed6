#include "kairos/http/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace kairos::http {
namespace {

// Label values are route patterns, method names and the like; escape them all the same.
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

// HELP text escapes only backslash and newline.
std::string EscapeHelp(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

void WriteSample(std::string& out, std::string_view name, const Labels& labels, double value) {
  out += name;
  if (!labels.empty()) {
    out.push_back('{');
    bool first = true;
    for (const auto& [key, val] : labels) {
      if (!first) out.push_back(',');
      first = false;
      out += key;
      out += "=\"";
      out += Escape(val);
      out.push_back('"');
    }
    out.push_back('}');
  }
  out.push_back(' ');
  out += FormatNumber(value);
  out.push_back('\n');
}

}  // namespace

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Counts and sizes as integers (20000, not 2e+04); the rest in the shortest %g form
  // that reads back as the same double (0.0005, 0.1).
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string_view StatusClass(int status) {
  switch (status / 100) {
    case 1: return "1xx";
    case 2: return "2xx";
    case 3: return "3xx";
    case 4: return "4xx";
    case 5: return "5xx";
    default: return "other";
  }
}

void Exposition::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_.push_back(' ');
  out_ += EscapeHelp(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_.push_back(' ');
  out_ += type;
  out_.push_back('\n');
}

void Exposition::Sample(std::string_view name, const Labels& labels, double value) {
  WriteSample(out_, name, labels, value);
}

void Metrics::Record(std::string_view method, std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), std::string(method), status}];
  Histogram& h = latency_[{std::string(route), std::string(method), std::string(StatusClass(status))}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddCollector(std::function<void(Exposition&)> collect) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collect));
}

std::string Metrics::Render() const {
  Exposition out;
  std::vector<std::function<void(Exposition&)>> collectors;
  {
    std::lock_guard lock(mu_);
    out.Family("kairos_http_requests_total", "counter", "HTTP requests by route pattern, method and status.");
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      out.Sample("kairos_http_requests_total",
                 {{"route", route}, {"method", method}, {"status", std::to_string(status)}}, static_cast<double>(count));
    }
    out.Family("kairos_http_request_duration_seconds", "histogram",
               "Time from a request's last byte read to its response, by route pattern, method and status class.");
    for (const auto& [key, h] : latency_) {
      const auto& [route, method, status_class] = key;
      Labels labels = {
          {"route", route}, {"method", method}, {"status_class", status_class}, {"le", ""}};
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        labels.back().second = FormatNumber(kBuckets[i]);
        out.Sample("kairos_http_request_duration_seconds_bucket", labels, static_cast<double>(h.buckets[i]));
      }
      labels.back().second = "+Inf";
      out.Sample("kairos_http_request_duration_seconds_bucket", labels, static_cast<double>(h.count));
      labels.pop_back();
      out.Sample("kairos_http_request_duration_seconds_sum", labels, h.sum);
      out.Sample("kairos_http_request_duration_seconds_count", labels, static_cast<double>(h.count));
    }
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect(out);
  return out.text();
}

}  // namespace kairos::http
