// Request counters and a latency histogram, rendered in the Prometheus text format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace kairos::http {

class Metrics {
 public:
  // Counts one finished request. route is the matched pattern, or "unmatched".
  void Record(std::string_view method, std::string_view route, int status, double seconds);

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
  std::map<std::string, Histogram, std::less<>> latency_;
};

}  // namespace kairos::http
