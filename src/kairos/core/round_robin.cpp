#include "kairos/core/round_robin.hpp"

#include <algorithm>

namespace kairos {

bool RoundRobinBefore(const RoundRobinCandidate& a, const RoundRobinCandidate& b) {
  const std::int64_t wa = std::max(1, a.weight);
  const std::int64_t wb = std::max(1, b.weight);
  const std::int64_t left = a.bookings * wb;
  const std::int64_t right = b.bookings * wa;
  if (left != right) return left < right;
  if (a.last_booked != b.last_booked) {
    if (!a.last_booked) return true;   // never booked comes first
    if (!b.last_booked) return false;
    return *a.last_booked < *b.last_booked;
  }
  return a.id < b.id;
}

std::optional<std::size_t> ChooseRoundRobinHost(std::span<const RoundRobinCandidate> candidates) {
  if (candidates.empty()) return std::nullopt;
  std::size_t best = 0;
  for (std::size_t i = 1; i < candidates.size(); ++i) {
    if (RoundRobinBefore(candidates[i], candidates[best])) best = i;
  }
  return best;
}

}  // namespace kairos
