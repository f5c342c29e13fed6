// Interval sets and capacity sweeps over half-open UTC intervals.
#pragma once

#include <span>
#include <vector>

#include "kairos/core/time.hpp"

namespace kairos {

// A set of instants stored as sorted, disjoint, non-touching, non-empty intervals.
class IntervalSet {
 public:
  IntervalSet() = default;

  // The union of `intervals`, in any order; empty intervals are dropped. Already sorted
  // input is normalized in linear time.
  static IntervalSet Of(std::vector<Interval> intervals);

  const std::vector<Interval>& intervals() const { return intervals_; }
  bool empty() const { return intervals_.empty(); }

  IntervalSet Union(const IntervalSet& other) const;
  IntervalSet Intersection(const IntervalSet& other) const;
  IntervalSet Subtract(const IntervalSet& other) const;

  // True when every instant of `interval` is in the set (an empty interval is contained).
  bool Contains(const Interval& interval) const;
  // True when some instant of `interval` is in the set.
  bool Overlaps(const Interval& interval) const;

  friend bool operator==(const IntervalSet&, const IntervalSet&) = default;

 private:
  std::vector<Interval> intervals_;
};

// Some units of capacity held over an interval (a booking, seen by the sweep).
struct Load {
  Interval interval;
  int units = 1;
};

// The largest total of units held at any single instant of `within` (0 if none).
int PeakLoad(std::span<const Load> loads, Interval within);

// The instants where the total units held is at least `capacity` (capacity >= 1).
IntervalSet SaturatedIntervals(std::span<const Load> loads, int capacity);

}  // namespace kairos
