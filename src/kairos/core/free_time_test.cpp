#include "kairos/core/free_time.hpp"

#include <algorithm>
#include <climits>
#include <random>

#include <gtest/gtest.h>

namespace kairos {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Zone Z(const char* name) { return FindZone(name).value(); }
Instant Utc(const char* text) { return ParseInstant(text).value(); }
Date D(int y, unsigned m, unsigned d) { return Date{date::year{y}, date::month{m}, date::day{d}}; }

// ---------------------------------------------------------------------------------------
// Brute-force oracle: the same contract, evaluated minute by minute.

struct OracleWindow {
  Interval interval;
  int capacity;
  WindowOrigin origin;
};

struct Oracle {
  const CalendarAvailability& cal;
  const SlotQuery& q;
  std::vector<OracleWindow> windows;

  Oracle(const CalendarAvailability& c, const SlotQuery& query) : cal(c), q(query) {
    auto weekly = [&](std::span<const WeeklyRule> rules, WindowSource source) {
      for (date::local_days day = date::local_days{LocalDate(q.range.start, cal.zone)} - date::days{3};
           day <= date::local_days{LocalDate(q.range.end, cal.zone)} + date::days{3}; day += date::days{1}) {
        for (const WeeklyRule& r : rules) {
          if (IsoWeekday(Date{day}) != r.iso_weekday) continue;
          if (r.valid_from && Date{day} < *r.valid_from) continue;
          if (r.valid_until && Date{day} > *r.valid_until) continue;
          Add({ToUtc(LocalDateTime{day} + r.start, cal.zone), ToUtc(LocalDateTime{day} + r.end, cal.zone)},
              r.capacity, {source, r.id});
        }
      }
    };
    weekly(cal.weekly_rules, WindowSource::kWeeklyRule);
    for (const RecurringWindow& w : cal.recurring_windows) {
      std::vector<LocalDateTime> occurrences =
          ExpandRecurrence(w.rule, w.first, w.first - date::days{1}, ToLocal(q.range.end, cal.zone) + date::days{3},
                           w.exceptions)
              .value();
      for (LocalDateTime o : occurrences) {
        Add({ToUtc(o, cal.zone), ToUtc(o + w.duration, cal.zone)}, w.capacity, {WindowSource::kRecurring, w.id});
      }
    }
    for (const OneOffWindow& w : cal.one_off_windows) Add(w.interval, w.capacity, {WindowSource::kOneOff, w.id});
    bool defined = !cal.weekly_rules.empty() || !cal.recurring_windows.empty() || !cal.one_off_windows.empty();
    for (const ExplicitSlot& s : cal.explicit_slots) {
      if (s.status == SlotStatus::kAvailable) {
        Add(s.interval, s.capacity, {WindowSource::kExplicitSlot, s.id});
        defined = true;
      }
    }
    if (cal.undefined_time == UndefinedTimePolicy::kDefaultRulesIfNone && !defined) {
      weekly(cal.default_rules, WindowSource::kDefaultRule);
    }
    if (cal.undefined_time == UndefinedTimePolicy::kOpenUndefinedDays) {
      std::vector<OracleWindow> open;
      for (date::local_days day{LocalDate(q.range.start, cal.zone)};
           day <= date::local_days{LocalDate(q.range.end - seconds{1}, cal.zone)}; day += date::days{1}) {
        Interval bounds = LocalDayBounds(Date{day}, cal.zone);
        if (!bounds.Overlaps(q.range)) continue;
        bool touched = std::any_of(windows.begin(), windows.end(),
                                   [&](const OracleWindow& w) { return w.interval.Overlaps(bounds); });
        if (!touched) open.push_back({bounds, cal.open_day_capacity, {WindowSource::kOpenDay, 0}});
      }
      windows.insert(windows.end(), open.begin(), open.end());
    }
    std::sort(windows.begin(), windows.end(), [](const OracleWindow& a, const OracleWindow& b) {
      return std::tie(a.interval.start, a.origin.source, a.origin.id) <
             std::tie(b.interval.start, b.origin.source, b.origin.id);
    });
  }

  // Windows away from the range cannot hold its slots, but they still define their days.
  void Add(Interval i, int capacity, WindowOrigin origin) {
    if (!i.empty()) windows.push_back({i, capacity, origin});
  }

  // INT_MIN outside every window, -1 blocked, else free units.
  int Remaining(Instant m) const {
    int cap = INT_MIN;
    for (const OracleWindow& w : windows) {
      if (w.interval.Contains(m)) cap = std::max(cap, w.capacity);
    }
    if (cap == INT_MIN) return cap;
    for (const Interval& b : cal.blocked) {
      if (b.Contains(m)) return -1;
    }
    for (const ExplicitSlot& s : cal.explicit_slots) {
      if ((s.status == SlotStatus::kBooked || s.status == SlotStatus::kBlocked) && s.interval.Contains(m)) return -1;
    }
    int load = 0;
    for (const Booking& b : cal.bookings) {
      if (!b.interval.empty() && Interval{b.interval.start - q.buffer_before, b.interval.end + q.buffer_after}.Contains(m)) {
        load += b.units;
      }
    }
    return std::max(0, cap - load);
  }

  std::span<const Booking> Counted() const { return cal.counted_bookings ? *cal.counted_bookings : cal.bookings; }

  bool DayFull(Instant t) const {
    if (!q.per_day_limit) return false;
    Interval day = LocalDayBounds(LocalDate(t, cal.zone), cal.zone);
    int count = 0;
    for (const Booking& b : Counted()) count += day.Contains(b.interval.start);
    return count >= *q.per_day_limit;
  }

  // The local ISO week of t (Monday 00:00 to the next Monday 00:00) holds the limit.
  bool WeekFull(Instant t) const {
    if (!q.per_week_limit) return false;
    date::local_days day{LocalDate(t, cal.zone)};
    while (IsoWeekday(Date{day}) != 1) day -= date::days{1};
    Interval week{LocalDayBounds(Date{day}, cal.zone).start,
                  LocalDayBounds(Date{day + date::days{7}}, cal.zone).start};
    int count = 0;
    for (const Booking& b : Counted()) count += week.Contains(b.interval.start);
    return count >= *q.per_week_limit;
  }

  // nullopt when the interval is not inside the windows.
  std::optional<Slot> Judge(Interval slot) const {
    int least = INT_MAX;
    for (Instant m = slot.start; m < slot.end; m += minutes{1}) least = std::min(least, Remaining(m));
    if (least == INT_MIN) return std::nullopt;
    Slot s{slot, 0, SlotState::kAvailable, {}};
    if (slot.start < q.now + q.min_notice) {
      s.state = SlotState::kTooSoon;
    } else if (q.horizon && slot.start > q.now + *q.horizon) {
      s.state = SlotState::kBeyondHorizon;
    } else if (DayFull(slot.start)) {
      s.state = SlotState::kDayLimitReached;
    } else if (WeekFull(slot.start)) {
      s.state = SlotState::kWeekLimitReached;
    } else if (least == -1) {
      s.state = SlotState::kBlocked;
    } else if (least == 0) {
      s.state = SlotState::kFullyBooked;
    } else {
      s.remaining_capacity = least;
    }
    return s;
  }

  // Grid starts in window order, first window wins.
  std::vector<std::pair<Instant, WindowOrigin>> Grid() const {
    seconds step = q.step > seconds{0} ? q.step : q.duration;
    std::vector<std::pair<Instant, WindowOrigin>> out;
    for (const OracleWindow& w : windows) {
      for (Instant t = w.interval.start; t < w.interval.end; t += step) {
        if (t < q.range.start || t + q.duration > q.range.end) continue;
        if (std::none_of(out.begin(), out.end(), [&](const auto& c) { return c.first == t; })) out.push_back({t, w.origin});
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
  }

  std::vector<Slot> Slots() const {
    std::vector<Slot> out;
    for (const auto& [t, origin] : Grid()) {
      auto s = Judge({t, t + q.duration});
      if (!s || (s->remaining_capacity < 1 && !q.include_unavailable)) continue;
      s->origin = origin;
      out.push_back(*s);
    }
    return out;
  }

  IntervalSet Free() const {
    std::vector<Interval> out;
    for (Instant m = q.range.start; m < q.range.end; m += minutes{1}) {
      if (m < q.now + q.min_notice || (q.horizon && m + minutes{1} > q.now + *q.horizon)) continue;
      if (Remaining(m) >= 1 && !DayFull(m) && !WeekFull(m)) out.push_back({m, m + minutes{1}});
    }
    return IntervalSet::Of(std::move(out));
  }
};

std::string Describe(const Slot& s) {
  return FormatUtc(s.interval.start) + "-" + FormatUtc(s.interval.end) + " cap " + std::to_string(s.remaining_capacity) +
         " state " + std::to_string(static_cast<int>(s.state)) + " src " + std::to_string(static_cast<int>(s.origin.source)) +
         "/" + std::to_string(s.origin.id);
}

std::vector<std::string> Describe(const std::vector<Slot>& slots) {
  std::vector<std::string> out;
  for (const Slot& s : slots) out.push_back(Describe(s));
  return out;
}

// ---------------------------------------------------------------------------------------
// Random calendars.

struct RandomCalendar {
  std::vector<WeeklyRule> weekly, defaults;
  std::vector<RecurringWindow> recurring;
  std::vector<OneOffWindow> one_off;
  std::vector<ExplicitSlot> explicit_slots;
  std::vector<Interval> blocked;
  std::vector<Booking> bookings;
  std::vector<Booking> counted;  // the bookings the limits count, when not all
  CalendarAvailability view;
};

struct Generator {
  std::mt19937 rng;
  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  Instant Around(Interval range) {
    auto span = std::chrono::duration_cast<minutes>(range.length()).count();
    return range.start + minutes{Pick(-180, static_cast<int>(span) + 180) / 15 * 15};
  }
  Interval Span(Interval range, int max_minutes) {
    Instant a = Around(range);
    return {a, a + minutes{Pick(1, max_minutes / 15) * 15}};
  }

  void Fill(RandomCalendar& c, Zone zone, Interval range) {
    int id = 1;
    for (int n = Pick(0, 4); n > 0; --n) {
      int start = Pick(0, 90) * 15;
      WeeklyRule r{Pick(1, 7), minutes{start}, minutes{std::min(1440, start + Pick(1, 40) * 15)}, {}, {}, Pick(1, 3), id++};
      if (Pick(0, 3) == 0) r.valid_from = Date{date::local_days{LocalDate(range.start, zone)} + date::days{Pick(0, 2)}};
      if (Pick(0, 3) == 0) r.valid_until = Date{date::local_days{LocalDate(range.start, zone)} + date::days{Pick(0, 4)}};
      c.weekly.push_back(r);
    }
    c.defaults.push_back({Pick(1, 7), hours{9}, hours{17}, {}, {}, 1, 99});
    c.defaults.push_back({Pick(1, 7), hours{9}, hours{17}, {}, {}, 2, 98});
    if (Pick(0, 2) == 0) {
      const char* rules[] = {"FREQ=DAILY;INTERVAL=2", "FREQ=WEEKLY;BYDAY=MO,WE,FR,SU", "FREQ=DAILY;COUNT=3"};
      LocalDateTime first = ToLocal(range.start, zone) - date::days{Pick(0, 3)} + minutes{Pick(0, 95) * 15};
      c.recurring.push_back({RecurrenceRule::Parse(rules[Pick(0, 2)]).value(), first, minutes{Pick(2, 16) * 15},
                             {first + date::days{2}}, Pick(1, 3), id++});
    }
    for (int n = Pick(0, 3); n > 0; --n) c.one_off.push_back({Span(range, 600), Pick(1, 3), id++});
    for (int n = Pick(0, 3); n > 0; --n) {
      c.explicit_slots.push_back({Span(range, 180), static_cast<SlotStatus>(Pick(0, 3)), Pick(1, 2), id++});
    }
    for (int n = Pick(0, 2); n > 0; --n) c.blocked.push_back(Span(range, 240));
    for (int n = Pick(0, 14); n > 0; --n) c.bookings.push_back({Span(range, 120), Pick(1, 2)});
    if (Pick(0, 1)) {
      std::sort(c.bookings.begin(), c.bookings.end(),
                [](const Booking& a, const Booking& b) { return a.interval.start < b.interval.start; });
    }
    c.view = CalendarAvailability{zone, c.weekly, c.recurring, c.one_off, c.explicit_slots, c.blocked, c.bookings,
                                  static_cast<UndefinedTimePolicy>(Pick(0, 2)), c.defaults, Pick(1, 2)};
    // Limits that count only some bookings (an event type's own).
    if (Pick(0, 2) == 0) {
      for (const Booking& b : c.bookings) {
        if (Pick(0, 1)) c.counted.push_back(b);
      }
      c.view.counted_bookings = std::span<const Booking>(c.counted);
    }
  }

  SlotQuery Query(Interval range) {
    SlotQuery q;
    q.range = range;
    q.duration = minutes{Pick(1, 8) * 15};
    q.step = Pick(0, 1) ? seconds{0} : minutes{Pick(1, 4) * 15};
    q.buffer_before = minutes{Pick(0, 1) * 15};
    q.buffer_after = minutes{Pick(0, 2) * 15};
    q.now = Around(range);
    q.min_notice = minutes{Pick(0, 2) * 60};
    if (Pick(0, 2) == 0) q.horizon = hours{Pick(1, 72)};
    if (Pick(0, 2) == 0) q.per_day_limit = Pick(0, 4);
    q.include_unavailable = Pick(0, 1);
    if (Pick(0, 2) == 0) q.per_week_limit = Pick(0, 6);
    return q;
  }
};

const char* kZones[] = {"UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/London"};
// Start days near DST changes of the zones above (and ordinary days).
const char* kStarts[] = {"2025-03-08T00:00:00Z", "2025-11-01T00:00:00Z", "2025-10-04T00:00:00Z",
                         "2025-03-29T12:00:00Z", "2024-02-28T00:00:00Z", "2025-06-15T00:00:00Z"};

TEST(FreeTimePropertyTest, SlotsMatchMinuteOracle) {
  constexpr std::uint32_t kSeed = 424242;
  constexpr int kCases = 4000;
  Generator gen{std::mt19937(kSeed)};
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE("seed " + std::to_string(kSeed) + " case " + std::to_string(i));
    Zone zone = Z(kZones[gen.Pick(0, 4)]);
    Instant start = Utc(kStarts[gen.Pick(0, 5)]) + hours{gen.Pick(0, 23)};
    Interval range{start, start + hours{gen.Pick(1, 72)}};
    RandomCalendar cal;
    gen.Fill(cal, zone, range);
    SlotQuery q = gen.Query(range);
    Oracle oracle(cal.view, q);

    auto got = FreeSlots(cal.view, q);
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_EQ(Describe(*got), Describe(oracle.Slots()));

    auto free = FreeIntervals(cal.view, q);
    ASSERT_TRUE(free.ok());
    EXPECT_EQ(*free, oracle.Free());

    // Offered <=> bookable: every grid slot, and random intervals.
    for (const Slot& s : oracle.Slots()) {
      EXPECT_EQ(CheckBookable(cal.view, q, s.interval).ok(), s.remaining_capacity >= 1) << Describe(s);
    }
    for (int k = 0; k < 5; ++k) {
      Interval requested = gen.Span(range, 120);
      SlotQuery listing = q;
      listing.step = q.step > seconds{0} ? q.step : q.duration;
      listing.duration = requested.length();
      listing.range = {std::min(range.start, requested.start), std::max(range.end, requested.end)};
      listing.include_unavailable = false;
      Oracle wide(cal.view, listing);
      auto offered = wide.Slots();
      bool expected = std::any_of(offered.begin(), offered.end(), [&](const Slot& s) { return s.interval == requested; });
      EXPECT_EQ(CheckBookable(cal.view, q, requested).ok(), expected)
          << FormatUtc(requested.start) << " - " << FormatUtc(requested.end);
    }
  }
}

TEST(FreeTimePropertyTest, SharedSlotsMatchOracle) {
  constexpr std::uint32_t kSeed = 99;
  Generator gen{std::mt19937(kSeed)};
  for (int i = 0; i < 1000; ++i) {
    SCOPED_TRACE("seed " + std::to_string(kSeed) + " case " + std::to_string(i));
    Zone zone = Z(kZones[gen.Pick(0, 4)]);
    Instant start = Utc(kStarts[gen.Pick(0, 5)]);
    Interval range{start, start + hours{gen.Pick(1, 48)}};
    std::vector<RandomCalendar> cals(gen.Pick(1, 3));
    std::vector<CalendarAvailability> views;
    for (RandomCalendar& c : cals) {
      gen.Fill(c, zone, range);
      views.push_back(c.view);
    }
    SlotQuery q = gen.Query(range);
    std::vector<Oracle> oracles;
    for (const CalendarAvailability& v : views) oracles.emplace_back(v, q);
    std::vector<Instant> starts;
    for (const Oracle& o : oracles) {
      for (const auto& c : o.Grid()) starts.push_back(c.first);
    }
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    std::vector<SharedSlot> common, any;
    for (Instant t : starts) {
      Interval slot{t, t + q.duration};
      SharedSlot c{slot, INT_MAX, {}}, a{slot, 0, {}};
      for (std::uint32_t k = 0; k < oracles.size(); ++k) {
        auto s = oracles[k].Judge(slot);
        int remaining = s ? s->remaining_capacity : 0;
        if (remaining >= 1) {
          a.calendars.push_back(k);
          a.remaining_capacity += remaining;
          c.calendars.push_back(k);
          c.remaining_capacity = std::min(c.remaining_capacity, remaining);
        }
      }
      if (c.calendars.size() == oracles.size()) common.push_back(c);
      if (!a.calendars.empty()) any.push_back(a);
    }
    auto describe = [](const std::vector<SharedSlot>& v) {
      std::vector<std::string> out;
      for (const SharedSlot& s : v) {
        std::string line = FormatUtc(s.interval.start) + " " + std::to_string(s.remaining_capacity) + " :";
        for (auto k : s.calendars) line += " " + std::to_string(k);
        out.push_back(line);
      }
      return out;
    };
    EXPECT_EQ(describe(CommonFreeSlots(views, q).value()), describe(common));
    EXPECT_EQ(describe(AnyFreeSlots(views, q).value()), describe(any));
    for (const SharedSlot& s : common) EXPECT_TRUE(CheckBookableForAll(views, q, s.interval).ok());
    Interval requested = gen.Span(range, 120);
    SlotQuery listing = q;
    listing.step = q.step > seconds{0} ? q.step : q.duration;
    listing.duration = requested.length();
    listing.range = {std::min(range.start, requested.start), std::max(range.end, requested.end)};
    auto offered = CommonFreeSlots(views, listing).value();
    bool expected = std::any_of(offered.begin(), offered.end(), [&](const SharedSlot& s) { return s.interval == requested; });
    EXPECT_EQ(CheckBookableForAll(views, q, requested).ok(), expected);
  }
}

// ---------------------------------------------------------------------------------------
// Examples from the faces.

TEST(FreeTimeTest, OpeningHoursListEverySlotWithCapacity) {
  // Face 003: Monday 09:00-17:00, 30-minute slots, one booking at 10:00-10:30.
  Zone zone = Z("UTC");
  std::vector<WeeklyRule> rules{{1, hours{9}, hours{17}, {}, {}, 1, 1}};
  std::vector<Booking> bookings{{{Utc("2024-01-15T10:00:00Z"), Utc("2024-01-15T10:30:00Z")}, 1}};
  CalendarAvailability cal{zone, rules};
  cal.bookings = bookings;
  SlotQuery q;
  q.range = LocalDayBounds(D(2024, 1, 15), zone);
  q.duration = minutes{30};
  q.now = Utc("2024-01-01T00:00:00Z");
  q.include_unavailable = true;
  auto slots = FreeSlots(cal, q).value();
  ASSERT_EQ(slots.size(), 16u);
  EXPECT_EQ(FormatHourMinute(TimeOfDayOf(ToLocal(slots[0].interval.start, zone))), "09:00");
  EXPECT_EQ(slots[2].remaining_capacity, 0);
  EXPECT_EQ(slots[2].state, SlotState::kFullyBooked);
  EXPECT_EQ(slots[3].remaining_capacity, 1);
  EXPECT_EQ(slots[15].interval.end, Utc("2024-01-15T17:00:00Z"));
  EXPECT_EQ(slots[0].origin, (WindowOrigin{WindowSource::kWeeklyRule, 1}));
  q.include_unavailable = false;
  EXPECT_EQ(FreeSlots(cal, q).value().size(), 15u);
  // The past is unavailable.
  q.now = Utc("2024-01-15T12:10:00Z");
  q.include_unavailable = true;
  auto later = FreeSlots(cal, q).value();
  EXPECT_EQ(later[6].state, SlotState::kTooSoon);
  EXPECT_EQ(later[7].state, SlotState::kAvailable);
  Status past = CheckBookable(cal, q, later[6].interval);
  EXPECT_EQ(past.error().code, ErrorCode::kInvalidArgument);
  Status full = CheckBookable(cal, SlotQuery{.now = Utc("2024-01-01T00:00:00Z")}, slots[2].interval);
  EXPECT_EQ(full.error().code, ErrorCode::kConflict);
  EXPECT_EQ(full.error().message, "The requested time has reached maximum capacity");
  Status closed = CheckBookable(cal, q, {Utc("2024-01-15T17:00:00Z"), Utc("2024-01-15T18:00:00Z")});
  EXPECT_EQ(closed.error().message, "The requested time is outside the calendar's availability");
}

TEST(FreeTimeTest, CapacityOverridesSetCapacityWithoutMovingTheGrid) {
  // Monday 09:00-12:00 at capacity 3; 09:00-10:00 lowered to 2, 10:30-11:30 raised to 5.
  Zone zone = Z("UTC");
  std::vector<WeeklyRule> rules{{1, hours{9}, hours{12}, {}, {}, 3, 1}};
  std::vector<OneOffWindow> overrides{{{Utc("2024-01-15T09:00:00Z"), Utc("2024-01-15T10:00:00Z")}, 2, 7},
                                      {{Utc("2024-01-15T10:30:00Z"), Utc("2024-01-15T11:30:00Z")}, 5, 8},
                                      {{Utc("2024-01-15T13:00:00Z"), Utc("2024-01-15T14:00:00Z")}, 9, 9}};
  CalendarAvailability cal{zone, rules};
  cal.capacity_overrides = overrides;
  SlotQuery q;
  q.range = LocalDayBounds(D(2024, 1, 15), zone);
  q.duration = minutes{60};
  q.now = Utc("2024-01-01T00:00:00Z");
  q.include_unavailable = true;
  auto slots = FreeSlots(cal, q).value();
  // The grid stays on the opening time; the override outside opening hours opens nothing.
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[0].interval.start, Utc("2024-01-15T09:00:00Z"));
  EXPECT_EQ(slots[0].remaining_capacity, 2);
  EXPECT_EQ(slots[1].remaining_capacity, 3);  // 10:00-11:00: the least over it is the default 3
  EXPECT_EQ(slots[2].remaining_capacity, 3);  // 11:00-12:00: 5 until 11:30, then 3
  q.duration = minutes{30};
  auto halves = FreeSlots(cal, q).value();
  ASSERT_EQ(halves.size(), 6u);
  EXPECT_EQ(halves[3].remaining_capacity, 5);  // 10:30-11:00
  EXPECT_TRUE(CheckBookable(cal, q, halves[3].interval).ok());
  EXPECT_FALSE(CheckBookable(cal, q, {Utc("2024-01-15T13:00:00Z"), Utc("2024-01-15T13:30:00Z")}).ok());
}

TEST(FreeTimeTest, WeeklyNineStaysNineAcrossDst) {
  Zone zone = Z("America/New_York");
  std::vector<WeeklyRule> rules{{7, hours{9}, hours{10}, {}, {}, 1, 1}};  // Sundays
  CalendarAvailability cal{zone, rules};
  SlotQuery q;
  q.range = {Utc("2025-03-01T00:00:00Z"), Utc("2025-03-20T00:00:00Z")};
  q.duration = hours{1};
  auto slots = FreeSlots(cal, q).value();
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(FormatLocalWithOffset(slots[0].interval.start, zone), "2025-03-02T09:00:00-05:00");
  EXPECT_EQ(FormatLocalWithOffset(slots[1].interval.start, zone), "2025-03-09T09:00:00-04:00");
  EXPECT_EQ(FormatLocalWithOffset(slots[2].interval.start, zone), "2025-03-16T09:00:00-04:00");
}

TEST(FreeTimeTest, RecurringAndOneOffCarryTheirSource) {
  // Face 004: a weekly recurring pattern and a one-off slot, listed with their source.
  Zone zone = Z("Asia/Kolkata");
  std::vector<RecurringWindow> recurring{
      {MakeRepeatRule(RepeatPattern::kWeekly, D(2024, 2, 29)), MakeLocal(D(2024, 1, 15), hours{14}), hours{1}, {}, 1, 7}};
  std::vector<OneOffWindow> one_off{{{Utc("2024-01-16T04:30:00Z"), Utc("2024-01-16T05:30:00Z")}, 1, 8}};
  CalendarAvailability cal{zone, {}, recurring, one_off};
  SlotQuery q;
  q.range = {Utc("2024-01-15T00:00:00Z"), Utc("2024-01-23T00:00:00Z")};
  q.duration = hours{1};
  auto slots = FreeSlots(cal, q).value();
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(FormatLocalWithOffset(slots[0].interval.start, zone), "2024-01-15T14:00:00+05:30");
  EXPECT_EQ(slots[0].origin, (WindowOrigin{WindowSource::kRecurring, 7}));
  EXPECT_EQ(slots[1].origin, (WindowOrigin{WindowSource::kOneOff, 8}));
  EXPECT_EQ(FormatLocalWithOffset(slots[2].interval.start, zone), "2024-01-22T14:00:00+05:30");
  auto days = GroupByLocalDay(slots, zone);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[1].day, D(2024, 1, 16));
}

TEST(FreeTimeTest, UndefinedDaysOpenAllDay) {
  // Face 002: a day with no definition is open, in hourly slots; blocked hours are busy.
  Zone zone = Z("Europe/London");
  std::vector<Interval> blocked{{Utc("2020-04-25T09:00:00Z"), Utc("2020-04-25T10:00:00Z")}};
  CalendarAvailability cal{zone};
  cal.blocked = blocked;
  cal.undefined_time = UndefinedTimePolicy::kOpenUndefinedDays;
  SlotQuery q;
  q.range = LocalDayBounds(D(2020, 4, 25), zone);
  q.duration = hours{1};
  auto slots = FreeSlots(cal, q).value();
  ASSERT_EQ(slots.size(), 23u);
  EXPECT_EQ(FormatLocalWithOffset(slots[0].interval.start, zone), "2020-04-25T00:00:00+01:00");
  EXPECT_EQ(slots[0].origin.source, WindowSource::kOpenDay);
  EXPECT_EQ(CheckBookable(cal, q, {Utc("2020-04-25T09:00:00Z"), Utc("2020-04-25T10:00:00Z")}).error().message,
            "The requested time is blocked");
  cal.undefined_time = UndefinedTimePolicy::kClosed;
  EXPECT_TRUE(FreeSlots(cal, q).value().empty());
}

TEST(FreeTimeTest, DefaultRulesOnlyWithoutDefinitions) {
  Zone zone = Z("UTC");
  std::vector<WeeklyRule> defaults;
  for (int d = 1; d <= 5; ++d) defaults.push_back({d, hours{9}, hours{17}, {}, {}, 1, 0});
  CalendarAvailability cal{zone};
  cal.undefined_time = UndefinedTimePolicy::kDefaultRulesIfNone;
  cal.default_rules = defaults;
  SlotQuery q;
  q.range = {Utc("2025-11-15T00:00:00Z"), Utc("2025-11-18T00:00:00Z")};  // Sat..Mon
  q.duration = hours{1};
  auto slots = FreeSlots(cal, q).value();
  ASSERT_EQ(slots.size(), 8u);
  EXPECT_EQ(slots[0].origin.source, WindowSource::kDefaultRule);
  std::vector<OneOffWindow> one_off{{{Utc("2025-11-15T10:00:00Z"), Utc("2025-11-15T11:00:00Z")}, 1, 3}};
  cal.one_off_windows = one_off;
  EXPECT_EQ(FreeSlots(cal, q).value().size(), 1u);
}

TEST(FreeTimeTest, BuffersLimitsAndHorizon) {
  Zone zone = Z("UTC");
  std::vector<WeeklyRule> rules;
  for (int d = 1; d <= 7; ++d) rules.push_back({d, hours{9}, hours{12}, {}, {}, 2, d});
  std::vector<Booking> bookings{{{Utc("2025-01-06T10:00:00Z"), Utc("2025-01-06T10:30:00Z")}, 1},
                                {{Utc("2025-01-06T10:00:00Z"), Utc("2025-01-06T10:30:00Z")}, 1}};
  CalendarAvailability cal{zone, rules};
  cal.bookings = bookings;
  SlotQuery q;
  q.range = {Utc("2025-01-06T00:00:00Z"), Utc("2025-01-09T00:00:00Z")};
  q.duration = minutes{30};
  q.buffer_after = minutes{15};
  q.buffer_before = minutes{15};
  auto day = GroupByLocalDay(FreeSlots(cal, q).value(), zone);
  ASSERT_EQ(day.size(), 3u);
  EXPECT_EQ(day[0].slots.size(), 6u - 3u);  // 09:30, 10:00 and 10:30 touch the buffered bookings
  q.per_day_limit = 2;
  EXPECT_EQ(GroupByLocalDay(FreeSlots(cal, q).value(), zone)[0].day, D(2025, 1, 7));
  q.now = Utc("2025-01-06T00:00:00Z");
  q.horizon = hours{24} + hours{10};
  auto limited = FreeSlots(cal, q).value();
  ASSERT_EQ(limited.size(), 3u);  // Tuesday 09:00, 09:30, 10:00
  EXPECT_EQ(limited.back().interval.start, Utc("2025-01-07T10:00:00Z"));
  EXPECT_EQ(limited.back().remaining_capacity, 2);
}

TEST(FreeTimeTest, PerWeekLimitCountsIsoWeeksInTheCalendarsZone) {
  // Monday 2025-01-06 is the start of ISO week 2. In Auckland (UTC+13 in January) the
  // week starts at 2025-01-05T11:00Z.
  Zone zone = Z("Pacific/Auckland");
  std::vector<WeeklyRule> rules;
  for (int d = 1; d <= 7; ++d) rules.push_back({d, hours{9}, hours{12}, {}, {}, 1, d});
  // Two bookings in week 2 (Monday and Wednesday, local), one on Sunday of week 1.
  std::vector<Booking> bookings{{{Utc("2025-01-05T20:00:00Z"), Utc("2025-01-05T20:30:00Z")}, 1},
                                {{Utc("2025-01-07T20:00:00Z"), Utc("2025-01-07T20:30:00Z")}, 1},
                                {{Utc("2025-01-04T20:00:00Z"), Utc("2025-01-04T20:30:00Z")}, 1}};
  CalendarAvailability cal{zone, rules};
  cal.bookings = bookings;
  SlotQuery q;
  q.range = {Utc("2025-01-03T00:00:00Z"), Utc("2025-01-14T00:00:00Z")};
  q.duration = minutes{30};
  q.per_week_limit = 2;
  auto days = GroupByLocalDay(FreeSlots(cal, q).value(), zone);
  std::vector<Date> offered;
  for (const DaySlots& d : days) offered.push_back(d.day);
  // Week 1 (to Sunday 5th) holds one: open. Week 2 (6th-12th) holds two: closed.
  // Week 3 starts Monday 13th local; the range starts at 13:00 on the 3rd, after its hours.
  EXPECT_EQ(offered, (std::vector<Date>{D(2025, 1, 4), D(2025, 1, 5), D(2025, 1, 13), D(2025, 1, 14)}));
  EXPECT_EQ(BookableState(cal, q, {Utc("2025-01-08T21:00:00Z"), Utc("2025-01-08T21:30:00Z")}).value(),
            std::optional<SlotState>(SlotState::kWeekLimitReached));
  EXPECT_EQ(CheckBookable(cal, q, {Utc("2025-01-08T21:00:00Z"), Utc("2025-01-08T21:30:00Z")}).error().message,
            "The booking limit for that week has been reached");
  // Counting only some bookings (an event type's own): the week holds one of them, open.
  std::span<const Booking> mine(bookings.data(), 1);
  cal.counted_bookings = mine;
  EXPECT_TRUE(CheckBookable(cal, q, {Utc("2025-01-08T21:00:00Z"), Utc("2025-01-08T21:30:00Z")}).ok());
  // The day limit counts the same bookings, and is checked first.
  q.per_day_limit = 1;
  EXPECT_EQ(BookableState(cal, q, {Utc("2025-01-05T21:00:00Z"), Utc("2025-01-05T21:30:00Z")}).value(),
            std::optional<SlotState>(SlotState::kDayLimitReached));
  q.per_week_limit = -1;
  EXPECT_EQ(FreeSlots(cal, q).error().field, "per_week_limit");
}

TEST(FreeTimeTest, RejectsBadInput) {
  CalendarAvailability cal{Z("UTC")};
  SlotQuery q;
  q.range = {Utc("2025-01-06T00:00:00Z"), Utc("2025-01-09T00:00:00Z")};
  EXPECT_EQ(FreeSlots(cal, q).error().field, "duration_minutes");
  q.duration = hours{1};
  q.range.end = q.range.start - hours{1};
  EXPECT_FALSE(FreeSlots(cal, q).ok());
  q.range.end = q.range.start + date::days{500};
  EXPECT_FALSE(FreeSlots(cal, q).ok());
  q.range.end = q.range.start + date::days{2};
  std::vector<WeeklyRule> rules{{8, hours{9}, hours{10}, {}, {}, 1, 1}};
  cal.weekly_rules = rules;
  EXPECT_EQ(FreeSlots(cal, q).error().field, "day_of_week");
  cal.weekly_rules = {};
  cal.zone = nullptr;
  EXPECT_EQ(FreeSlots(cal, q).error().field, "timezone");
}

}  // namespace
}  // namespace kairos
