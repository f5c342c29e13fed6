#include "kairos/core/interval_set.hpp"

#include <random>

#include <gtest/gtest.h>

namespace kairos {
namespace {

Instant M(int minute) { return Instant{std::chrono::minutes{minute}}; }
Interval I(int a, int b) { return {M(a), M(b)}; }

constexpr int kGrid = 200;

std::vector<bool> Bits(const IntervalSet& s) {
  std::vector<bool> bits(kGrid);
  for (const Interval& i : s.intervals()) {
    for (auto t = i.start; t < i.end; t += std::chrono::minutes{1}) bits[(t - M(0)) / std::chrono::minutes{1}] = true;
  }
  return bits;
}

std::vector<Interval> RandomIntervals(std::mt19937& rng, int n) {
  std::uniform_int_distribution<int> at(0, kGrid - 1);
  std::vector<Interval> out;
  for (int i = 0; i < n; ++i) {
    int a = at(rng);
    int b = std::min(kGrid, a + at(rng) % 40);
    out.push_back(I(a, b));
  }
  return out;
}

TEST(IntervalSetTest, NormalizesAndTouchingDoesNotOverlap) {
  IntervalSet s = IntervalSet::Of({I(10, 20), I(0, 5), I(5, 7), I(15, 30), I(40, 40)});
  EXPECT_EQ(s.intervals(), (std::vector<Interval>{I(0, 7), I(10, 30)}));
  EXPECT_FALSE(I(0, 10).Overlaps(I(10, 20)));
  EXPECT_FALSE(s.Overlaps(I(7, 10)));
  EXPECT_TRUE(s.Overlaps(I(6, 11)));
  EXPECT_TRUE(s.Contains(I(10, 30)));
  EXPECT_FALSE(s.Contains(I(5, 11)));
}

TEST(IntervalSetTest, OperationsMatchBitmaps) {
  constexpr std::uint32_t kSeed = 7;
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::mt19937 rng(kSeed);
  for (int round = 0; round < 2000; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    IntervalSet a = IntervalSet::Of(RandomIntervals(rng, round % 7));
    IntervalSet b = IntervalSet::Of(RandomIntervals(rng, round % 5));
    std::vector<bool> ba = Bits(a), bb = Bits(b), u(kGrid), x(kGrid), d(kGrid);
    for (int i = 0; i < kGrid; ++i) {
      u[i] = ba[i] || bb[i];
      x[i] = ba[i] && bb[i];
      d[i] = ba[i] && !bb[i];
    }
    EXPECT_EQ(Bits(a.Union(b)), u);
    EXPECT_EQ(Bits(a.Intersection(b)), x);
    EXPECT_EQ(Bits(a.Subtract(b)), d);
    for (const IntervalSet* s : {&a, &b}) {  // normalized: sorted, disjoint, not touching
      for (std::size_t i = 1; i < s->intervals().size(); ++i) {
        EXPECT_LT(s->intervals()[i - 1].end, s->intervals()[i].start);
      }
    }
    Interval probe = RandomIntervals(rng, 1)[0];
    bool all = true, any = false;
    for (auto t = probe.start; t < probe.end; t += std::chrono::minutes{1}) {
      bool bit = ba[(t - M(0)) / std::chrono::minutes{1}];
      all = all && bit;
      any = any || bit;
    }
    EXPECT_EQ(a.Contains(probe), all);
    EXPECT_EQ(a.Overlaps(probe), any);
  }
}

TEST(IntervalSetTest, CapacitySweepMatchesCounting) {
  constexpr std::uint32_t kSeed = 11;
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::mt19937 rng(kSeed);
  for (int round = 0; round < 1000; ++round) {
    std::vector<Load> loads;
    for (const Interval& i : RandomIntervals(rng, round % 12)) loads.push_back({i, static_cast<int>(rng() % 3) + 1});
    std::vector<int> count(kGrid);
    for (const Load& l : loads) {
      for (auto t = l.interval.start; t < l.interval.end; t += std::chrono::minutes{1}) {
        count[(t - M(0)) / std::chrono::minutes{1}] += l.units;
      }
    }
    Interval within = RandomIntervals(rng, 1)[0];
    int peak = 0;
    for (auto t = within.start; t < within.end; t += std::chrono::minutes{1}) {
      peak = std::max(peak, count[(t - M(0)) / std::chrono::minutes{1}]);
    }
    EXPECT_EQ(PeakLoad(loads, within), peak);
    int capacity = static_cast<int>(rng() % 4) + 1;
    std::vector<bool> saturated(kGrid);
    for (int i = 0; i < kGrid; ++i) saturated[i] = count[i] >= capacity;
    EXPECT_EQ(Bits(SaturatedIntervals(loads, capacity)), saturated);
  }
}

}  // namespace
}  // namespace kairos
