#include "kairos/core/free_time.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <map>
#include <string>

namespace kairos {

namespace {

using std::chrono::seconds;

// Values of the remaining-capacity step function besides free units (>= 0).
constexpr int kOutside = INT_MIN;  // no window covers this time
constexpr int kBlocked = -1;       // a blocked period or busy explicit slot covers it

constexpr std::size_t kMaxSlots = 100'000;
constexpr auto kMaxRange = date::days{400};
constexpr seconds kFullDay = date::days{1};

struct Window {
  Interval interval;
  int capacity = 1;
  WindowOrigin origin;
};

// From `start` until the next piece's start, the step function has `value`.
struct Piece {
  Instant start;
  int value;
};

// One calendar seen through one query: its windows overlapping the range, its
// remaining-capacity step function and the local days at their per-day limit.
struct Profile {
  std::vector<Window> windows;       // ordered by start, then source, then id
  std::vector<Piece> pieces;         // the first starts at Instant::min()
  std::vector<Interval> limited_days;  // ordered
  std::vector<Interval> limited_weeks;  // ordered
};

// The verdict on one candidate interval for one calendar.
struct Verdict {
  bool inside_windows = false;
  SlotState state = SlotState::kAvailable;
  int remaining = 0;
};

struct Candidate {
  Instant start;
  WindowOrigin origin;
};

bool WindowBefore(const Window& a, const Window& b) {
  if (a.interval.start != b.interval.start) return a.interval.start < b.interval.start;
  if (a.origin.source != b.origin.source) return a.origin.source < b.origin.source;
  return a.origin.id < b.origin.id;
}

seconds StepOf(const SlotQuery& q) { return q.step > seconds{0} ? q.step : q.duration; }

Status ValidateQuery(const SlotQuery& q) {
  if (q.duration <= seconds{0}) return InvalidArgument("Slot duration must be positive", "duration_minutes");
  if (q.step < seconds{0}) return InvalidArgument("Slot step must not be negative", "step");
  if (q.buffer_before < seconds{0} || q.buffer_after < seconds{0}) {
    return InvalidArgument("Buffers must not be negative", "buffer");
  }
  if (q.min_notice < seconds{0}) return InvalidArgument("Minimum notice must not be negative", "min_notice");
  if (q.horizon && *q.horizon < seconds{0}) return InvalidArgument("Booking horizon must not be negative", "horizon");
  if (q.per_day_limit && *q.per_day_limit < 0) {
    return InvalidArgument("Per-day booking limit must not be negative", "per_day_limit");
  }
  if (q.per_week_limit && *q.per_week_limit < 0) {
    return InvalidArgument("Per-week booking limit must not be negative", "per_week_limit");
  }
  if (q.range.end < q.range.start) return InvalidArgument("The range ends before it starts", "end_date");
  if (q.range.length() > kMaxRange) return InvalidArgument("The range must not exceed 400 days", "end_date");
  return {};
}

Status ValidateWeeklyRule(const WeeklyRule& r) {
  if (r.iso_weekday < 1 || r.iso_weekday > 7) {
    return InvalidArgument("Weekday must be between 1 (Monday) and 7 (Sunday)", "day_of_week");
  }
  if (r.start < seconds{0} || r.end > kFullDay || r.end <= r.start) {
    return InvalidArgument("A weekly rule must end after it starts, within one day", "end_time");
  }
  if (r.capacity < 0) return InvalidArgument("Capacity must not be negative", "capacity");
  return {};
}

Status ValidateCalendar(const CalendarAvailability& c) {
  if (c.zone == nullptr) return InvalidArgument("The calendar has no time zone", "timezone");
  for (const WeeklyRule& r : c.weekly_rules) {
    if (Status s = ValidateWeeklyRule(r); !s) return s;
  }
  for (const WeeklyRule& r : c.default_rules) {
    if (Status s = ValidateWeeklyRule(r); !s) return s;
  }
  for (const RecurringWindow& w : c.recurring_windows) {
    if (w.duration <= seconds{0}) return InvalidArgument("A recurring window needs a positive duration", "duration");
  }
  return {};
}

// The UTC instants of local midnight from `first` to `last` + 1 day in `zone`. Remembered
// per thread for the last few (zone, days) asked, since a team's hosts usually share a
// zone and every host asks for the same days: the conversions are done once per team.
const std::vector<Instant>& LocalMidnights(Zone zone, date::local_days first, date::local_days last) {
  struct Entry {
    Zone zone = nullptr;
    date::local_days first{};
    date::local_days last{};
    std::vector<Instant> midnights;
  };
  thread_local std::array<Entry, 4> cache;
  thread_local std::size_t next = 0;
  for (const Entry& e : cache) {
    if (e.zone == zone && e.first == first && e.last == last) return e.midnights;
  }
  Entry& e = cache[next];
  next = (next + 1) % cache.size();
  e.zone = zone;
  e.first = first;
  e.last = last;
  e.midnights.clear();
  for (date::local_days day = first; day <= last + date::days{1}; day += date::days{1}) {
    e.midnights.push_back(ToUtc(LocalDateTime{day}, zone));
  }
  return e.midnights;
}

void AddWeeklyWindows(std::span<const WeeklyRule> rules, WindowSource source, Zone zone, Interval range,
                      std::vector<Window>& out) {
  if (rules.empty()) return;
  std::array<std::vector<const WeeklyRule*>, 8> by_weekday;
  for (const WeeklyRule& r : rules) by_weekday[r.iso_weekday].push_back(&r);
  // One day of margin on each side: a local day's windows may start before or end after
  // the UTC range's local dates by up to a day's offset.
  const date::local_days first = date::local_days{LocalDate(range.start, zone)} - date::days{1};
  const date::local_days last = date::local_days{LocalDate(range.end, zone)} + date::days{1};
  const std::vector<Instant>& midnights = LocalMidnights(zone, first, last);
  int weekday = IsoWeekday(Date{first});
  std::size_t d = 0;
  for (date::local_days day = first; day <= last; day += date::days{1}, ++d, weekday = weekday % 7 + 1) {
    const Date civil{day};
    // A day of exactly 24 hours keeps one offset (zones change it at most once a day), so
    // its local times are its midnight plus the time of day; other days convert each.
    const bool steady = midnights[d + 1] - midnights[d] == kFullDay;
    for (const WeeklyRule* r : by_weekday[weekday]) {
      if ((r->valid_from && civil < *r->valid_from) || (r->valid_until && civil > *r->valid_until)) continue;
      Interval i = steady ? Interval{midnights[d] + r->start, midnights[d] + r->end}
                          : Interval{ToUtc(LocalDateTime{day} + r->start, zone), ToUtc(LocalDateTime{day} + r->end, zone)};
      if (i.Overlaps(range)) out.push_back({i, r->capacity, {source, r->id}});
    }
  }
}

Status AddRecurringWindows(std::span<const RecurringWindow> windows, Zone zone, Interval range,
                           std::vector<Window>& out) {
  for (const RecurringWindow& w : windows) {
    LocalDateTime from = ToLocal(range.start, zone) - w.duration - kFullDay;
    LocalDateTime to = ToLocal(range.end, zone) + kFullDay;
    auto occurrences = ExpandRecurrence(w.rule, w.first, from, to, w.exceptions);
    if (!occurrences.ok()) return occurrences.error();
    for (LocalDateTime o : *occurrences) {
      Interval i{ToUtc(o, zone), ToUtc(o + w.duration, zone)};
      if (i.Overlaps(range)) out.push_back({i, w.capacity, {WindowSource::kRecurring, w.id}});
    }
  }
  return {};
}

bool HasAvailabilityDefinitions(const CalendarAvailability& c) {
  return !c.weekly_rules.empty() || !c.recurring_windows.empty() || !c.one_off_windows.empty() ||
         std::any_of(c.explicit_slots.begin(), c.explicit_slots.end(),
                     [](const ExplicitSlot& s) { return s.status == SlotStatus::kAvailable; });
}

Result<std::vector<Window>> CollectWindows(const CalendarAvailability& c, Interval range) {
  std::vector<Window> windows;
  if (c.undefined_time == UndefinedTimePolicy::kOpenUndefinedDays && !range.empty()) {
    // Whether a day is defined depends on all of its windows, not only those in the range.
    range = {LocalDayBounds(LocalDate(range.start, c.zone), c.zone).start,
             LocalDayBounds(LocalDate(range.end - seconds{1}, c.zone), c.zone).end};
  }
  AddWeeklyWindows(c.weekly_rules, WindowSource::kWeeklyRule, c.zone, range, windows);
  if (Status s = AddRecurringWindows(c.recurring_windows, c.zone, range, windows); !s) return s.error();
  for (const OneOffWindow& w : c.one_off_windows) {
    if (w.interval.Overlaps(range)) windows.push_back({w.interval, w.capacity, {WindowSource::kOneOff, w.id}});
  }
  for (const ExplicitSlot& s : c.explicit_slots) {
    if (s.status == SlotStatus::kAvailable && s.interval.Overlaps(range)) {
      windows.push_back({s.interval, s.capacity, {WindowSource::kExplicitSlot, s.id}});
    }
  }
  if (c.undefined_time == UndefinedTimePolicy::kDefaultRulesIfNone && !HasAvailabilityDefinitions(c)) {
    AddWeeklyWindows(c.default_rules, WindowSource::kDefaultRule, c.zone, range, windows);
  }
  if (c.undefined_time == UndefinedTimePolicy::kOpenUndefinedDays && !range.empty()) {
    std::vector<Interval> spans;
    spans.reserve(windows.size());
    for (const Window& w : windows) spans.push_back(w.interval);
    IntervalSet defined = IntervalSet::Of(std::move(spans));
    date::local_days last{LocalDate(range.end - seconds{1}, c.zone)};
    for (date::local_days day{LocalDate(range.start, c.zone)}; day <= last; day += date::days{1}) {
      Interval bounds = LocalDayBounds(Date{day}, c.zone);
      if (!defined.Overlaps(bounds)) {
        windows.push_back({bounds, c.open_day_capacity, {WindowSource::kOpenDay, 0}});
      }
    }
  }
  if (!std::is_sorted(windows.begin(), windows.end(), WindowBefore)) {
    std::sort(windows.begin(), windows.end(), WindowBefore);
  }
  return windows;
}

// Window capacity over time: the largest capacity among covering windows, kOutside where none.
std::vector<Piece> CapacityPieces(const std::vector<Window>& windows) {
  std::vector<Piece> pieces{{Instant::min(), kOutside}};
  bool disjoint = true;
  for (std::size_t i = 1; i < windows.size() && disjoint; ++i) {
    disjoint = windows[i - 1].interval.end <= windows[i].interval.start;
  }
  if (disjoint) {
    for (const Window& w : windows) {
      if (w.interval.empty()) continue;
      if (pieces.back().start == w.interval.start) {
        pieces.back().value = w.capacity;
      } else {
        pieces.push_back({w.interval.start, w.capacity});
      }
      pieces.push_back({w.interval.end, kOutside});
    }
    return pieces;
  }
  std::vector<std::pair<Instant, int>> changes;  // +capacity+1 opens, -(capacity+1) closes
  for (const Window& w : windows) {
    if (w.interval.empty()) continue;
    changes.push_back({w.interval.start, w.capacity + 1});
    changes.push_back({w.interval.end, -(w.capacity + 1)});
  }
  std::sort(changes.begin(), changes.end());
  std::map<int, int> open;  // capacity -> number of open windows with it
  for (std::size_t i = 0; i < changes.size();) {
    Instant at = changes[i].first;
    for (; i < changes.size() && changes[i].first == at; ++i) {
      int delta = changes[i].second;
      if (delta > 0) {
        ++open[delta - 1];
      } else if (--open[-delta - 1] == 0) {
        open.erase(-delta - 1);
      }
    }
    int value = open.empty() ? kOutside : open.rbegin()->first;
    if (value != pieces.back().value) pieces.push_back({at, value});
  }
  return pieces;
}

// The windows' capacity, replaced by the overrides' wherever both lie.
std::vector<Piece> OverriddenCapacity(const std::vector<Piece>& capacity, std::span<const OneOffWindow> overrides,
                                      Interval range) {
  if (overrides.empty()) return capacity;
  std::vector<Window> stretches;
  for (const OneOffWindow& o : overrides) {
    if (o.interval.Overlaps(range)) stretches.push_back({o.interval, o.capacity, {WindowSource::kOneOff, o.id}});
  }
  std::sort(stretches.begin(), stretches.end(), WindowBefore);
  std::vector<Piece> set = CapacityPieces(stretches);
  std::vector<Piece> out;
  std::size_t a = 0;
  std::size_t b = 0;
  Instant at = Instant::min();
  while (true) {
    int value = capacity[a].value == kOutside || set[b].value == kOutside ? capacity[a].value : set[b].value;
    if (out.empty() || out.back().value != value) out.push_back({at, value});
    Instant next = Instant::max();
    if (a + 1 < capacity.size()) next = std::min(next, capacity[a + 1].start);
    if (b + 1 < set.size()) next = std::min(next, set[b + 1].start);
    if (next == Instant::max()) break;
    at = next;
    if (a + 1 < capacity.size() && capacity[a + 1].start == at) ++a;
    if (b + 1 < set.size() && set[b + 1].start == at) ++b;
  }
  return out;
}

// Booked units over time, bookings widened by the buffers.
std::vector<Piece> LoadPieces(std::span<const Booking> bookings, const SlotQuery& q) {
  std::vector<std::pair<Instant, int>> starts;
  std::vector<std::pair<Instant, int>> ends;
  starts.reserve(bookings.size());
  ends.reserve(bookings.size());
  for (const Booking& b : bookings) {
    Interval widened{b.interval.start - q.buffer_before, b.interval.end + q.buffer_after};
    if (b.units == 0 || b.interval.empty() || !widened.Overlaps(q.range)) continue;
    starts.push_back({widened.start, b.units});
    ends.push_back({widened.end, b.units});
  }
  auto by_time = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(starts.begin(), starts.end(), by_time)) std::sort(starts.begin(), starts.end(), by_time);
  if (!std::is_sorted(ends.begin(), ends.end(), by_time)) std::sort(ends.begin(), ends.end(), by_time);
  std::vector<Piece> pieces{{Instant::min(), 0}};
  pieces.reserve(starts.size() + ends.size() + 1);
  int load = 0;
  std::size_t s = 0;
  std::size_t e = 0;
  while (s < starts.size() || e < ends.size()) {
    Instant at = e == ends.size() || (s < starts.size() && starts[s].first < ends[e].first) ? starts[s].first
                                                                                            : ends[e].first;
    for (; e < ends.size() && ends[e].first == at; ++e) load -= ends[e].second;
    for (; s < starts.size() && starts[s].first == at; ++s) load += starts[s].second;
    if (load != pieces.back().value) {
      if (pieces.back().start == at) {
        pieces.back().value = load;
      } else {
        pieces.push_back({at, load});
      }
    }
  }
  return pieces;
}

// 1 where blocked periods or busy explicit slots lie, 0 elsewhere.
std::vector<Piece> BlockedPieces(const CalendarAvailability& c, Interval range) {
  std::vector<Interval> busy;
  for (const Interval& b : c.blocked) {
    if (b.Overlaps(range)) busy.push_back(b);
  }
  for (const ExplicitSlot& s : c.explicit_slots) {
    if ((s.status == SlotStatus::kBooked || s.status == SlotStatus::kBlocked) && s.interval.Overlaps(range)) {
      busy.push_back(s.interval);
    }
  }
  std::vector<Piece> pieces{{Instant::min(), 0}};
  IntervalSet merged = IntervalSet::Of(std::move(busy));
  for (const Interval& i : merged.intervals()) {
    pieces.push_back({i.start, 1});
    pieces.push_back({i.end, 0});
  }
  return pieces;
}

// Combines the three step functions into remaining capacity.
std::vector<Piece> RemainingPieces(const std::vector<Piece>& capacity, const std::vector<Piece>& load,
                                   const std::vector<Piece>& blocked) {
  std::vector<Piece> out;
  out.reserve(capacity.size() + load.size() + blocked.size());
  std::size_t a = 0;
  std::size_t b = 0;
  std::size_t c = 0;
  Instant at = Instant::min();
  while (true) {
    int value = capacity[a].value == kOutside ? kOutside
                : blocked[c].value != 0       ? kBlocked
                                              : std::max(0, capacity[a].value - load[b].value);
    if (out.empty() || out.back().value != value) out.push_back({at, value});
    Instant next = Instant::max();
    if (a + 1 < capacity.size()) next = std::min(next, capacity[a + 1].start);
    if (b + 1 < load.size()) next = std::min(next, load[b + 1].start);
    if (c + 1 < blocked.size()) next = std::min(next, blocked[c + 1].start);
    if (next == Instant::max()) break;
    at = next;
    if (a + 1 < capacity.size() && capacity[a + 1].start == at) ++a;
    if (b + 1 < load.size() && load[b + 1].start == at) ++b;
    if (c + 1 < blocked.size() && blocked[c + 1].start == at) ++c;
  }
  return out;
}

// The starts of the bookings the limits count, sorted.
std::vector<Instant> CountedStarts(const CalendarAvailability& c) {
  std::span<const Booking> counted = c.counted_bookings ? *c.counted_bookings : c.bookings;
  std::vector<Instant> starts;
  starts.reserve(counted.size());
  for (const Booking& b : counted) starts.push_back(b.interval.start);
  if (!std::is_sorted(starts.begin(), starts.end())) std::sort(starts.begin(), starts.end());
  return starts;
}

std::ptrdiff_t CountIn(const std::vector<Instant>& starts, Interval bounds) {
  return std::lower_bound(starts.begin(), starts.end(), bounds.end) -
         std::lower_bound(starts.begin(), starts.end(), bounds.start);
}

// Local days in the range whose bookings (by start) reached the per-day limit.
std::vector<Interval> LimitedDays(const CalendarAvailability& c, const SlotQuery& q,
                                  const std::vector<Instant>& starts) {
  std::vector<Interval> days;
  if (!q.per_day_limit || q.range.empty()) return days;
  date::local_days last{LocalDate(q.range.end - seconds{1}, c.zone)};
  for (date::local_days day{LocalDate(q.range.start, c.zone)}; day <= last; day += date::days{1}) {
    Interval bounds = LocalDayBounds(Date{day}, c.zone);
    if (CountIn(starts, bounds) >= *q.per_day_limit) days.push_back(bounds);
  }
  return days;
}

// Local ISO weeks (Monday to Monday) touching the range whose bookings reached the
// per-week limit.
std::vector<Interval> LimitedWeeks(const CalendarAvailability& c, const SlotQuery& q,
                                   const std::vector<Instant>& starts) {
  std::vector<Interval> weeks;
  if (!q.per_week_limit || q.range.empty()) return weeks;
  date::local_days first{LocalDate(q.range.start, c.zone)};
  first -= date::days{IsoWeekday(Date{first}) - 1};
  date::local_days last{LocalDate(q.range.end - seconds{1}, c.zone)};
  for (date::local_days monday = first; monday <= last; monday += date::days{7}) {
    Interval bounds{LocalDayBounds(Date{monday}, c.zone).start,
                    LocalDayBounds(Date{monday + date::days{7}}, c.zone).start};
    if (CountIn(starts, bounds) >= *q.per_week_limit) weeks.push_back(bounds);
  }
  return weeks;
}

Result<Profile> BuildProfile(const CalendarAvailability& c, const SlotQuery& q) {
  if (Status s = ValidateCalendar(c); !s) return s.error();
  auto windows = CollectWindows(c, q.range);
  if (!windows.ok()) return windows.error();
  Profile p;
  p.windows = std::move(*windows);
  p.pieces = RemainingPieces(OverriddenCapacity(CapacityPieces(p.windows), c.capacity_overrides, q.range),
                             LoadPieces(c.bookings, q), BlockedPieces(c, q.range));
  if (q.per_day_limit || q.per_week_limit) {
    std::vector<Instant> starts = CountedStarts(c);
    p.limited_days = LimitedDays(c, q, starts);
    p.limited_weeks = LimitedWeeks(c, q, starts);
  }
  return p;
}

// Grid starts of every window inside the range, ordered by start, one per start (the
// first window in window order wins).
Result<std::vector<Candidate>> GridCandidates(const Profile& p, const SlotQuery& q, std::vector<Candidate> out = {}) {
  seconds step = StepOf(q);
  for (const Window& w : p.windows) {
    Instant t = w.interval.start;
    if (t < q.range.start) t += ((q.range.start - t) + step - seconds{1}) / step * step;
    for (; t < w.interval.end && t + q.duration <= q.range.end; t += step) {
      if (out.size() == kMaxSlots) {
        return InvalidArgument("The query would produce more than " + std::to_string(kMaxSlots) +
                                   " slots; narrow the range or lengthen the step",
                               "end_date");
      }
      out.push_back({t, w.origin});
    }
  }
  auto by_start = [](const Candidate& a, const Candidate& b) { return a.start < b.start; };
  if (!std::is_sorted(out.begin(), out.end(), by_start)) std::stable_sort(out.begin(), out.end(), by_start);
  out.erase(std::unique(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) { return a.start == b.start; }),
            out.end());
  return out;
}

// Judges candidates in increasing start order; keeps a cursor into the pieces.
class Judge {
 public:
  Judge(const Profile& p, const SlotQuery& q) : p_(p), q_(q) {}

  Verdict operator()(Interval slot) {
    if (cursor_ > 0 && p_.pieces[cursor_].start > slot.start) cursor_ = 0;
    while (cursor_ + 1 < p_.pieces.size() && p_.pieces[cursor_ + 1].start <= slot.start) ++cursor_;
    int least = p_.pieces[cursor_].value;
    for (std::size_t i = cursor_ + 1; i < p_.pieces.size() && p_.pieces[i].start < slot.end; ++i) {
      least = std::min(least, p_.pieces[i].value);
    }
    Verdict v;
    if (least == kOutside) return v;
    v.inside_windows = true;
    if (slot.start < q_.now + q_.min_notice) {
      v.state = SlotState::kTooSoon;
    } else if (q_.horizon && slot.start > q_.now + *q_.horizon) {
      v.state = SlotState::kBeyondHorizon;
    } else if (In(p_.limited_days, slot.start)) {
      v.state = SlotState::kDayLimitReached;
    } else if (In(p_.limited_weeks, slot.start)) {
      v.state = SlotState::kWeekLimitReached;
    } else if (least == kBlocked) {
      v.state = SlotState::kBlocked;
    } else if (least == 0) {
      v.state = SlotState::kFullyBooked;
    } else {
      v.remaining = least;
    }
    return v;
  }

 private:
  static bool In(const std::vector<Interval>& limited, Instant t) {
    auto it = std::upper_bound(limited.begin(), limited.end(), t,
                               [](Instant x, const Interval& d) { return x < d.end; });
    return it != limited.end() && it->Contains(t);
  }

  const Profile& p_;
  const SlotQuery& q_;
  std::size_t cursor_ = 0;
};

Error Refusal(const Verdict& v) {
  switch (v.state) {
    case SlotState::kTooSoon:
      return InvalidArgument("The requested time is in the past or too soon to book", "start_time");
    case SlotState::kBeyondHorizon:
      return InvalidArgument("The requested time is too far in the future to book", "start_time");
    case SlotState::kDayLimitReached:
      return Conflict("The booking limit for that day has been reached", "start_time");
    case SlotState::kWeekLimitReached:
      return Conflict("The booking limit for that week has been reached", "start_time");
    case SlotState::kBlocked:
      return Conflict("The requested time is blocked", "start_time");
    case SlotState::kFullyBooked:
      return Conflict("The requested time has reached maximum capacity", "start_time");
    case SlotState::kAvailable:
      break;
  }
  return Conflict("The requested time is outside the calendar's availability", "start_time");
}

SlotQuery QueryFor(const SlotQuery& query, Interval requested) {
  SlotQuery q = query;
  // Keep the grid the listing used: an unset step means "the listing's duration".
  q.step = StepOf(query);
  q.range = requested;
  q.duration = requested.length();
  q.include_unavailable = true;
  return q;
}

Result<std::vector<Profile>> BuildProfiles(std::span<const CalendarAvailability> calendars, const SlotQuery& q) {
  std::vector<Profile> profiles;
  profiles.reserve(calendars.size());
  for (const CalendarAvailability& c : calendars) {
    auto p = BuildProfile(c, q);
    if (!p.ok()) return p.error();
    profiles.push_back(std::move(*p));
  }
  return profiles;
}

Result<std::vector<Candidate>> SharedCandidates(const std::vector<Profile>& profiles, const SlotQuery& q) {
  std::vector<Candidate> all;
  for (const Profile& p : profiles) {
    auto grid = GridCandidates(p, q, std::move(all));
    if (!grid.ok()) return grid.error();
    all = std::move(*grid);
  }
  return all;
}

enum class Sharing { kAll, kAny };

Result<std::vector<SharedSlot>> SharedSlots(std::span<const CalendarAvailability> calendars, const SlotQuery& query,
                                            Sharing sharing) {
  if (Status s = ValidateQuery(query); !s) return s.error();
  auto profiles = BuildProfiles(calendars, query);
  if (!profiles.ok()) return profiles.error();
  auto candidates = SharedCandidates(*profiles, query);
  if (!candidates.ok()) return candidates.error();
  std::vector<Judge> judges;
  judges.reserve(profiles->size());
  for (const Profile& p : *profiles) judges.emplace_back(p, query);
  std::vector<SharedSlot> out;
  for (const Candidate& c : *candidates) {
    Interval slot{c.start, c.start + query.duration};
    SharedSlot shared{slot, sharing == Sharing::kAll ? INT_MAX : 0, {}};
    for (std::uint32_t i = 0; i < judges.size(); ++i) {
      Verdict v = judges[i](slot);
      if (v.remaining >= 1) {
        shared.calendars.push_back(i);
        shared.remaining_capacity =
            sharing == Sharing::kAll ? std::min(shared.remaining_capacity, v.remaining) : shared.remaining_capacity + v.remaining;
      } else if (sharing == Sharing::kAll) {
        shared.calendars.clear();
        break;
      }
    }
    if (!calendars.empty() && !shared.calendars.empty()) out.push_back(std::move(shared));
  }
  return out;
}

}  // namespace

Result<std::vector<Slot>> FreeSlots(const CalendarAvailability& calendar, const SlotQuery& query) {
  if (Status s = ValidateQuery(query); !s) return s.error();
  auto profile = BuildProfile(calendar, query);
  if (!profile.ok()) return profile.error();
  auto candidates = GridCandidates(*profile, query);
  if (!candidates.ok()) return candidates.error();
  Judge judge(*profile, query);
  std::vector<Slot> out;
  out.reserve(candidates->size());
  for (const Candidate& c : *candidates) {
    Interval slot{c.start, c.start + query.duration};
    Verdict v = judge(slot);
    if (!v.inside_windows || (v.remaining < 1 && !query.include_unavailable)) continue;
    out.push_back({slot, v.remaining, v.state, c.origin});
  }
  return out;
}

Result<std::optional<SlotState>> BookableState(const CalendarAvailability& calendar, const SlotQuery& query,
                                               Interval requested) {
  if (requested.empty()) return InvalidArgument("The end time must be after the start time", "end_time");
  auto slots = FreeSlots(calendar, QueryFor(query, requested));
  if (!slots.ok()) return slots.error();
  for (const Slot& s : *slots) {
    if (s.interval != requested) continue;
    if (s.remaining_capacity >= 1) return std::optional<SlotState>(SlotState::kAvailable);
    return std::optional<SlotState>(s.state);
  }
  return std::optional<SlotState>();
}

Status CheckBookable(const CalendarAvailability& calendar, const SlotQuery& query, Interval requested) {
  auto state = BookableState(calendar, query, requested);
  if (!state.ok()) return state.error();
  if (!*state) return Refusal({});
  if (**state == SlotState::kAvailable) return {};
  return Refusal({true, **state, 0});
}

Result<IntervalSet> FreeIntervals(const CalendarAvailability& calendar, const SlotQuery& query) {
  if (Status s = ValidateQuery(query); !s) return s.error();
  auto profile = BuildProfile(calendar, query);
  if (!profile.ok()) return profile.error();
  std::vector<Interval> free;
  const std::vector<Piece>& pieces = profile->pieces;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].value < 1) continue;
    Instant end = i + 1 < pieces.size() ? pieces[i + 1].start : Instant::max();
    free.push_back({pieces[i].start, end});
  }
  Interval bookable{std::max(query.range.start, query.now + query.min_notice), query.range.end};
  if (query.horizon) bookable.end = std::min(bookable.end, query.now + *query.horizon);
  IntervalSet in_range = IntervalSet::Of(std::move(free)).Intersection(IntervalSet::Of({bookable}));
  std::vector<Interval> limited = std::move(profile->limited_days);
  limited.insert(limited.end(), profile->limited_weeks.begin(), profile->limited_weeks.end());
  return in_range.Subtract(IntervalSet::Of(std::move(limited)));
}

std::vector<DaySlots> GroupByLocalDay(std::span<const Slot> slots, Zone zone) {
  std::vector<DaySlots> days;
  Interval bounds{};
  for (const Slot& s : slots) {
    if (days.empty() || !bounds.Contains(s.interval.start)) {
      Date day = LocalDate(s.interval.start, zone);
      bounds = LocalDayBounds(day, zone);
      days.push_back({day, {}});
    }
    days.back().slots.push_back(s);
  }
  return days;
}

Result<std::vector<SharedSlot>> CommonFreeSlots(std::span<const CalendarAvailability> calendars,
                                                const SlotQuery& query) {
  return SharedSlots(calendars, query, Sharing::kAll);
}

Result<std::vector<SharedSlot>> AnyFreeSlots(std::span<const CalendarAvailability> calendars, const SlotQuery& query) {
  return SharedSlots(calendars, query, Sharing::kAny);
}

// ---------------------------------------------------------------------------------------
// Teams.

namespace {

// One host seen through one query, for the team pass: its windows (for the grid), the
// ordered, disjoint stretches where it has a unit free, and the stretches (local days and
// weeks at their limit) in which no slot may start.
struct HostView {
  std::vector<Window> windows;
  std::vector<Interval> free;
  std::vector<Interval> limited;
};

// Appends `i` to ordered runs, merging it into the last when they touch or overlap.
void AppendMerged(std::vector<Interval>& runs, Interval i) {
  if (i.empty()) return;
  if (!runs.empty() && i.start <= runs.back().end) {
    runs.back().end = std::max(runs.back().end, i.end);
  } else {
    runs.push_back(i);
  }
}

// The free stretches when every window offers exactly one place (a host's own calendar,
// nearly always): the windows minus blocked time and the (widened) bookings. The same
// time RemainingPieces finds >= 1, without building the step function. nullopt when the
// calendar needs the general computation.
std::optional<std::vector<Interval>> SinglePlaceFree(const CalendarAvailability& c, const SlotQuery& q,
                                                     const std::vector<Window>& windows) {
  // Every window offers one place, or stretches set one place over the whole range
  // (an event type with one seat: the windows' own capacities do not count then).
  bool one_place_set = false;
  for (const OneOffWindow& o : c.capacity_overrides) {
    if (!o.interval.Overlaps(q.range)) continue;
    if (o.capacity != 1) return std::nullopt;
    one_place_set = one_place_set || (o.interval.start <= q.range.start && q.range.end <= o.interval.end);
  }
  if (!one_place_set) {
    if (!c.capacity_overrides.empty()) return std::nullopt;
    for (const Window& w : windows) {
      if (w.capacity != 1) return std::nullopt;
    }
  }
  for (const Booking& b : c.bookings) {
    if (b.units < 0) return std::nullopt;
  }
  std::vector<Interval> open;
  open.reserve(windows.size());
  for (const Window& w : windows) AppendMerged(open, w.interval);  // windows are ordered by start
  // Taken: blocked periods, busy explicit slots and bookings, as in BlockedPieces and LoadPieces.
  std::vector<Interval> taken;
  taken.reserve(c.bookings.size() + c.blocked.size());
  for (const Interval& b : c.blocked) {
    if (b.Overlaps(q.range)) taken.push_back(b);
  }
  for (const ExplicitSlot& s : c.explicit_slots) {
    if ((s.status == SlotStatus::kBooked || s.status == SlotStatus::kBlocked) && s.interval.Overlaps(q.range)) {
      taken.push_back(s.interval);
    }
  }
  for (const Booking& b : c.bookings) {
    Interval widened{b.interval.start - q.buffer_before, b.interval.end + q.buffer_after};
    if (b.units == 0 || b.interval.empty() || !widened.Overlaps(q.range)) continue;
    taken.push_back(widened);
  }
  auto by_start = [](const Interval& a, const Interval& b) { return a.start < b.start; };
  if (!std::is_sorted(taken.begin(), taken.end(), by_start)) std::sort(taken.begin(), taken.end(), by_start);
  std::vector<Interval> busy;
  busy.reserve(taken.size());
  for (const Interval& t : taken) AppendMerged(busy, t);
  // open minus busy, both ordered and disjoint.
  std::vector<Interval> free;
  free.reserve(open.size() + busy.size());
  std::size_t k = 0;
  for (Interval o : open) {
    while (k < busy.size() && busy[k].end <= o.start) ++k;
    Instant at = o.start;
    for (std::size_t j = k; j < busy.size() && busy[j].start < o.end; ++j) {
      if (busy[j].start > at) free.push_back({at, busy[j].start});
      at = std::max(at, busy[j].end);
    }
    if (at < o.end) free.push_back({at, o.end});
  }
  return free;
}

// The stretches where the step function has a unit free, merged.
std::vector<Interval> FreeRuns(const std::vector<Piece>& pieces) {
  std::vector<Interval> runs;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].value < 1) continue;
    Instant end = i + 1 < pieces.size() ? pieces[i + 1].start : Instant::max();
    AppendMerged(runs, {pieces[i].start, end});
  }
  return runs;
}

Result<HostView> BuildHostView(const CalendarAvailability& c, const SlotQuery& q) {
  if (Status s = ValidateCalendar(c); !s) return s.error();
  auto windows = CollectWindows(c, q.range);
  if (!windows.ok()) return windows.error();
  HostView v;
  v.windows = std::move(*windows);
  if (auto fast = SinglePlaceFree(c, q, v.windows)) {
    v.free = std::move(*fast);
  } else {
    v.free = FreeRuns(RemainingPieces(OverriddenCapacity(CapacityPieces(v.windows), c.capacity_overrides, q.range),
                                      LoadPieces(c.bookings, q), BlockedPieces(c, q.range)));
  }
  if (q.per_day_limit || q.per_week_limit) {
    std::vector<Instant> starts = CountedStarts(c);
    std::vector<Interval> limited = LimitedDays(c, q, starts);
    std::vector<Interval> weeks = LimitedWeeks(c, q, starts);
    limited.insert(limited.end(), weeks.begin(), weeks.end());
    v.limited = IntervalSet::Of(std::move(limited)).intervals();
  }
  return v;
}

// The union of the hosts' grids, ordered and unique. Hosts usually share their hours, so
// identical windows are laid once.
std::vector<Instant> TeamGrid(const std::vector<HostView>& hosts, const SlotQuery& q) {
  std::vector<std::pair<Instant, Instant>> spans;
  std::size_t total = 0;
  for (const HostView& h : hosts) total += h.windows.size();
  spans.reserve(total);
  for (const HostView& h : hosts) {
    for (const Window& w : h.windows) spans.push_back({w.interval.start, w.interval.end});
  }
  std::sort(spans.begin(), spans.end());
  spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
  const seconds step = StepOf(q);
  std::vector<Instant> grid;
  bool sorted = true;
  for (const auto& [start, end] : spans) {
    Instant t = start;
    if (t < q.range.start) t += ((q.range.start - t) + step - seconds{1}) / step * step;
    for (; t < end && t + q.duration <= q.range.end; t += step) {
      if (!grid.empty() && t <= grid.back()) sorted = false;
      grid.push_back(t);
      if (grid.size() > kMaxSlots) return grid;
    }
  }
  if (!sorted) {
    std::sort(grid.begin(), grid.end());
    grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  }
  return grid;
}

// The candidates one host can take, as half-open ranges of indexes into `grid`, ordered:
// slots inside a free stretch, starting inside the notice and horizon and outside the
// limited stretches. Judge's verdict (remaining >= 1) for each candidate, in one walk.
void HostRanges(const HostView& h, const SlotQuery& q, const std::vector<Instant>& grid,
                std::vector<std::pair<std::size_t, std::size_t>>& out) {
  out.clear();
  // The first index at or after `t`, for non-decreasing `t` (a cursor that only advances).
  std::size_t cursor = 0;
  auto index = [&](Instant t) {
    while (cursor < grid.size() && grid[cursor] < t) ++cursor;
    return cursor;
  };
  auto search = [&](Instant t) {
    return static_cast<std::size_t>(std::lower_bound(grid.begin(), grid.end(), t) - grid.begin());
  };
  const std::size_t first = search(q.now + q.min_notice);
  const std::size_t last = q.horizon ? search(q.now + *q.horizon + seconds{1}) : grid.size();
  std::size_t limited = 0;
  for (const Interval& run : h.free) {
    if (run.end != Instant::max() && run.end - run.start < q.duration) continue;
    // Starts t with run.start <= t and t + duration <= run.end.
    std::size_t lo = index(run.start);
    std::size_t hi = run.end == Instant::max() ? grid.size() : index(run.end - q.duration + seconds{1});
    lo = std::max(lo, first);
    hi = std::min(hi, last);
    while (lo < hi) {
      while (limited < h.limited.size() && h.limited[limited].end <= grid[lo]) ++limited;
      if (limited == h.limited.size() || h.limited[limited].start > grid[hi - 1]) {
        out.push_back({lo, hi});
        break;
      }
      const Interval& stop = h.limited[limited];
      std::size_t cut = search(stop.start);
      if (lo < cut) out.push_back({lo, cut});
      lo = std::max(lo, search(stop.end));
    }
  }
}

}  // namespace

Result<std::vector<TeamSlot>> TeamFreeSlots(std::span<const CalendarAvailability> hosts,
                                            std::span<const bool> mandatory, TeamKind kind, const SlotQuery& query) {
  if (Status s = ValidateQuery(query); !s) return s.error();
  if (!mandatory.empty() && mandatory.size() != hosts.size()) {
    return InvalidArgument("Mandatory flags must name every host", "hosts");
  }
  std::vector<HostView> views;
  views.reserve(hosts.size());
  for (const CalendarAvailability& c : hosts) {
    auto v = BuildHostView(c, query);
    if (!v.ok()) return v.error();
    views.push_back(std::move(*v));
  }
  std::vector<Instant> grid = TeamGrid(views, query);
  if (grid.size() > kMaxSlots) {
    return InvalidArgument("The query would produce more than " + std::to_string(kMaxSlots) +
                               " slots; narrow the range or lengthen the step",
                           "end_date");
  }
  // Free hosts per candidate, as differences: +1 where a host's range opens, -1 after.
  std::vector<int> required(grid.size() + 1, 0);
  std::vector<int> rotating(grid.size() + 1, 0);
  int required_hosts = 0;
  int rotating_hosts = 0;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (std::size_t h = 0; h < views.size(); ++h) {
    const bool must = kind == TeamKind::kCollective || (!mandatory.empty() && mandatory[h]);
    std::vector<int>& diff = must ? required : rotating;
    (must ? required_hosts : rotating_hosts) += 1;
    HostRanges(views[h], query, grid, ranges);
    for (const auto& [lo, hi] : ranges) {
      ++diff[lo];
      --diff[hi];
    }
  }
  std::vector<TeamSlot> out;
  if (hosts.empty()) return out;
  int free_required = 0;
  int free_rotating = 0;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    free_required += required[i];
    free_rotating += rotating[i];
    if (free_required != required_hosts) continue;
    if (rotating_hosts > 0 && free_rotating == 0) continue;
    out.push_back({{grid[i], grid[i] + query.duration}, rotating_hosts > 0 ? free_rotating : required_hosts});
  }
  return out;
}

Result<std::vector<bool>> TeamHostsFree(std::span<const CalendarAvailability> hosts, const SlotQuery& query,
                                        Interval requested) {
  if (requested.empty()) return InvalidArgument("The end time must be after the start time", "end_time");
  SlotQuery q = QueryFor(query, requested);
  if (Status s = ValidateQuery(q); !s) return s.error();
  auto profiles = BuildProfiles(hosts, q);
  if (!profiles.ok()) return profiles.error();
  std::vector<HostView> views;
  for (Profile& p : *profiles) views.push_back({p.windows, {}, {}});
  std::vector<Instant> grid = TeamGrid(views, q);
  std::vector<bool> out(hosts.size(), false);
  if (!std::binary_search(grid.begin(), grid.end(), requested.start)) return out;
  for (std::size_t h = 0; h < profiles->size(); ++h) out[h] = Judge((*profiles)[h], q)(requested).remaining >= 1;
  return out;
}

}  // namespace kairos
