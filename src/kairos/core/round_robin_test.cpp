#include "kairos/core/round_robin.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace kairos {
namespace {

const Instant kT0 = ParseInstant("2026-03-01T09:00:00Z").value();

// The documented rule written another way: the candidates sorted by (ratio as an exact
// fraction, booked before, last booked, id), the first taken.
std::size_t ReferenceChoice(const std::vector<RoundRobinCandidate>& c) {
  std::vector<std::size_t> order(c.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const std::int64_t left = static_cast<std::int64_t>(c[a].bookings) * c[b].weight;
    const std::int64_t right = static_cast<std::int64_t>(c[b].bookings) * c[a].weight;
    if (left != right) return left < right;
    return std::make_tuple(c[a].last_booked.has_value(), c[a].last_booked.value_or(Instant{}), c[a].id) <
           std::make_tuple(c[b].last_booked.has_value(), c[b].last_booked.value_or(Instant{}), c[b].id);
  });
  return order.front();
}

TEST(RoundRobin, NoCandidatesNoChoice) { EXPECT_FALSE(ChooseRoundRobinHost({}).has_value()); }

TEST(RoundRobin, LowestRatioOfBookingsToWeightWins) {
  std::vector<RoundRobinCandidate> c{{1, 100, 10, kT0}, {2, 200, 15, kT0}, {3, 100, 8, kT0}};
  // 10/100 = 0.1, 15/200 = 0.075, 8/100 = 0.08
  EXPECT_EQ(ChooseRoundRobinHost(c), 1u);
}

TEST(RoundRobin, RatiosAreComparedExactly) {
  // 1/3 and 2/6 tie exactly; the tie goes to the host booked least recently.
  std::vector<RoundRobinCandidate> c{{1, 3, 1, kT0 + std::chrono::hours{1}}, {2, 6, 2, kT0}};
  EXPECT_EQ(ChooseRoundRobinHost(c), 1u);
}

TEST(RoundRobin, TiesGoToLeastRecentlyBookedThenNeverBookedThenLowestId) {
  std::vector<RoundRobinCandidate> c{{5, 100, 0, kT0}, {7, 100, 0, std::nullopt}, {3, 100, 0, std::nullopt}};
  EXPECT_EQ(ChooseRoundRobinHost(c), 2u);  // never booked, then id 3 before 7
  c[2].last_booked = kT0 - std::chrono::hours{1};
  EXPECT_EQ(ChooseRoundRobinHost(c), 1u);  // the only one never booked
  c[1].last_booked = kT0;
  EXPECT_EQ(ChooseRoundRobinHost(c), 2u);  // booked longest ago
  c[2].last_booked = kT0;
  EXPECT_EQ(ChooseRoundRobinHost(c), 2u);  // all booked at kT0: the lowest id, 3
}

TEST(RoundRobin, OrderOfCandidatesDoesNotMatter) {
  std::vector<RoundRobinCandidate> c{{9, 100, 1, kT0}, {4, 100, 1, kT0}, {6, 100, 1, kT0}};
  EXPECT_EQ(c[*ChooseRoundRobinHost(c)].id, 4);
  std::reverse(c.begin(), c.end());
  EXPECT_EQ(c[*ChooseRoundRobinHost(c)].id, 4);
}

// 1,000 bookings with every host free: the chosen host matches the rule at every step,
// and after every booking each host's count is within one of its share of 1:2:3.
TEST(RoundRobin, ThousandBookingsFollowWeightsOneTwoThree) {
  std::vector<RoundRobinCandidate> hosts{{11, 1, 0, std::nullopt}, {12, 2, 0, std::nullopt}, {13, 3, 0, std::nullopt}};
  std::vector<std::int64_t> chosen_ids;
  for (int n = 1; n <= 1000; ++n) {
    auto chosen = ChooseRoundRobinHost(hosts);
    ASSERT_TRUE(chosen.has_value());
    ASSERT_EQ(*chosen, ReferenceChoice(hosts)) << "booking " << n;
    hosts[*chosen].bookings += 1;
    hosts[*chosen].last_booked = kT0 + std::chrono::minutes{n};
    chosen_ids.push_back(hosts[*chosen].id);
    for (const auto& h : hosts) {
      const double share = n * h.weight / 6.0;
      ASSERT_LE(std::abs(static_cast<double>(h.bookings) - share), 1.0) << "host " << h.id << " after " << n;
    }
  }
  EXPECT_EQ(hosts[0].bookings, 167);
  EXPECT_EQ(hosts[1].bookings, 333);
  EXPECT_EQ(hosts[2].bookings, 500);
  // The sequence opens as the rule says: all at 0 and never booked, so by id; then the
  // lowest ratio.
  std::vector<std::int64_t> opening(chosen_ids.begin(), chosen_ids.begin() + 6);
  EXPECT_EQ(opening, (std::vector<std::int64_t>{11, 12, 13, 13, 12, 13}));
}

// Random availability (a random subset of hosts free each time) and random weights: the
// choice matches the reference at every step.
TEST(RoundRobin, RandomSubsetsMatchTheReference) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<RoundRobinCandidate> hosts;
    const int n = 2 + static_cast<int>(rng() % 19);
    for (int i = 0; i < n; ++i) hosts.push_back({100 + (static_cast<int>(rng() % 1000)) * 100 + i,
                                                 1 + static_cast<int>(rng() % 300), 0, std::nullopt});
    for (int k = 0; k < 1000; ++k) {
      std::vector<std::size_t> free;
      for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (rng() % 3 != 0) free.push_back(i);
      }
      if (free.empty()) continue;
      std::vector<RoundRobinCandidate> candidates;
      for (std::size_t i : free) candidates.push_back(hosts[i]);
      auto chosen = ChooseRoundRobinHost(candidates);
      ASSERT_TRUE(chosen.has_value());
      ASSERT_EQ(*chosen, ReferenceChoice(candidates));
      RoundRobinCandidate& h = hosts[free[*chosen]];
      h.bookings += 1;
      h.last_booked = kT0 + std::chrono::minutes{k};
    }
  }
}

}  // namespace
}  // namespace kairos
