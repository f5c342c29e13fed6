// The round-robin fairness rule: which of the hosts free at a time gets the booking.
//
// Among the candidates (the rotating hosts free for the requested time), the host with the
// lowest ratio of bookings to weight is chosen, where bookings are the host's active
// bookings of the event type made in the 30 days before now. Ties go to the host booked
// least recently (never booked first), then to the lowest id. Ratios are compared exactly
// (a.bookings * b.weight < b.bookings * a.weight), so the choice is deterministic.
// Over a run of bookings with every host free, weights 1:2:3 yield bookings within one of
// 1:2:3 after every booking.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "kairos/core/time.hpp"

namespace kairos {

// How long the bookings that count toward the rule are remembered.
inline constexpr std::chrono::days kRoundRobinWindow{30};

struct RoundRobinCandidate {
  std::int64_t id = 0;      // the host's account id
  int weight = 100;         // >= 1
  std::int64_t bookings = 0;  // active bookings of the event type in the last 30 days
  std::optional<Instant> last_booked;  // when the host's latest such booking was made
};

// True when `a` comes before `b` under the rule.
bool RoundRobinBefore(const RoundRobinCandidate& a, const RoundRobinCandidate& b);

// The index of the chosen candidate, or nullopt when there is none. Weights below 1 count
// as 1.
std::optional<std::size_t> ChooseRoundRobinHost(std::span<const RoundRobinCandidate> candidates);

}  // namespace kairos
