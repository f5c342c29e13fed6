// Request counters and latency histograms, rendered in the Prometheus text format, with
// room for the rest of the program's metrics: the application adds collectors (process,
// build, bookings, database pools) that write their families through an Exposition.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace kairos::http {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Writes metric families in the text exposition format (version 0.0.4): every family
// starts with its HELP and TYPE lines; label values are escaped.
class Exposition {
 public:
  // type: "counter", "gauge", "histogram".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const Labels& labels, double value);
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

// A number as the format writes it: integers without a fraction, "+Inf", "NaN".
std::string FormatNumber(double v);

// "2xx" for 200..299, and so on; "other" outside 100..599.
std::string_view StatusClass(int status);

class Metrics {
 public:
  // Counts one finished request. route is the matched pattern, or "unmatched".
  void Record(std::string_view method, std::string_view route, int status, double seconds);

  // Adds families to every Render, after the request metrics (called before serving).
  void AddCollector(std::function<void(Exposition&)> collect);

  // The Prometheus exposition text of everything recorded so far.
  std::string Render() const;

  static constexpr std::array<double, 13> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1.0,   2.5,   5.0};

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  // By route pattern, method and status class.
  std::map<std::tuple<std::string, std::string, std::string>, Histogram, std::less<>> latency_;
  std::vector<std::function<void(Exposition&)>> collectors_;
};

// process_* families from /proc/self: resident memory, CPU seconds, open and maximum file
// descriptors, start time (the names Prometheus' client libraries use).
void CollectProcessMetrics(Exposition& out);

}  // namespace kairos::http
