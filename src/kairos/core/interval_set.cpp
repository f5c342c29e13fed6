#include "kairos/core/interval_set.hpp"

#include <algorithm>
#include <utility>

namespace kairos {

namespace {

bool StartsBefore(const Interval& a, const Interval& b) { return a.start < b.start; }

// A +units/-units change of load at an instant.
struct LoadChange {
  Instant at;
  int delta;
};

// The load changes of `loads` in time order; at equal instants releases come first, so
// touching loads never count as overlapping.
std::vector<LoadChange> SortedChanges(std::span<const Load> loads) {
  std::vector<LoadChange> changes;
  changes.reserve(loads.size() * 2);
  for (const Load& l : loads) {
    if (l.interval.empty() || l.units == 0) continue;
    changes.push_back({l.interval.start, l.units});
    changes.push_back({l.interval.end, -l.units});
  }
  std::sort(changes.begin(), changes.end(), [](const LoadChange& a, const LoadChange& b) {
    return a.at != b.at ? a.at < b.at : a.delta < b.delta;
  });
  return changes;
}

}  // namespace

IntervalSet IntervalSet::Of(std::vector<Interval> intervals) {
  std::erase_if(intervals, [](const Interval& i) { return i.empty(); });
  if (!std::is_sorted(intervals.begin(), intervals.end(), StartsBefore)) {
    std::sort(intervals.begin(), intervals.end(), StartsBefore);
  }
  IntervalSet set;
  for (const Interval& i : intervals) {
    if (!set.intervals_.empty() && i.start <= set.intervals_.back().end) {
      set.intervals_.back().end = std::max(set.intervals_.back().end, i.end);
    } else {
      set.intervals_.push_back(i);
    }
  }
  return set;
}

IntervalSet IntervalSet::Union(const IntervalSet& other) const {
  std::vector<Interval> all;
  all.reserve(intervals_.size() + other.intervals_.size());
  std::merge(intervals_.begin(), intervals_.end(), other.intervals_.begin(), other.intervals_.end(),
             std::back_inserter(all), StartsBefore);
  return Of(std::move(all));
}

IntervalSet IntervalSet::Intersection(const IntervalSet& other) const {
  IntervalSet out;
  auto a = intervals_.begin();
  auto b = other.intervals_.begin();
  while (a != intervals_.end() && b != other.intervals_.end()) {
    Instant start = std::max(a->start, b->start);
    Instant end = std::min(a->end, b->end);
    if (start < end) out.intervals_.push_back({start, end});
    if (a->end < b->end) {
      ++a;
    } else {
      ++b;
    }
  }
  return out;
}

IntervalSet IntervalSet::Subtract(const IntervalSet& other) const {
  IntervalSet out;
  auto b = other.intervals_.begin();
  for (Interval a : intervals_) {
    while (b != other.intervals_.end() && b->end <= a.start) ++b;
    for (auto cut = b; cut != other.intervals_.end() && cut->start < a.end; ++cut) {
      if (cut->start > a.start) out.intervals_.push_back({a.start, cut->start});
      a.start = std::max(a.start, cut->end);
    }
    if (a.start < a.end) out.intervals_.push_back(a);
  }
  return out;
}

bool IntervalSet::Contains(const Interval& interval) const {
  if (interval.empty()) return true;
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), interval.start,
                             [](Instant t, const Interval& i) { return t < i.start; });
  if (it == intervals_.begin()) return false;
  --it;
  return it->Contains(interval);
}

bool IntervalSet::Overlaps(const Interval& interval) const {
  if (interval.empty()) return false;
  auto it = std::lower_bound(intervals_.begin(), intervals_.end(), interval.start,
                             [](const Interval& i, Instant t) { return i.end <= t; });
  return it != intervals_.end() && it->start < interval.end;
}

int PeakLoad(std::span<const Load> loads, Interval within) {
  std::vector<Load> clipped;
  for (const Load& l : loads) {
    if (l.interval.Overlaps(within)) {
      clipped.push_back({{std::max(l.interval.start, within.start), std::min(l.interval.end, within.end)}, l.units});
    }
  }
  int current = 0;
  int peak = 0;
  for (const LoadChange& c : SortedChanges(clipped)) {
    current += c.delta;
    peak = std::max(peak, current);
  }
  return peak;
}

IntervalSet SaturatedIntervals(std::span<const Load> loads, int capacity) {
  std::vector<LoadChange> changes = SortedChanges(loads);
  std::vector<Interval> saturated;
  int current = 0;
  for (std::size_t i = 0; i < changes.size();) {
    Instant at = changes[i].at;
    while (i < changes.size() && changes[i].at == at) current += changes[i++].delta;
    if (current >= capacity && i < changes.size()) saturated.push_back({at, changes[i].at});
  }
  return IntervalSet::Of(std::move(saturated));
}

}  // namespace kairos
