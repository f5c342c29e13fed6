// Team free time (TeamFreeSlots, TeamHostsFree): examples across zones and DST, mandatory
// hosts, and a property test against a brute-force minute-by-minute oracle.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kairos/core/free_time.hpp"

namespace kairos {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Zone Z(const char* name) { return FindZone(name).value(); }
Instant Utc(const char* text) { return ParseInstant(text).value(); }

std::vector<WeeklyRule> Weekdays(int from_hour, int to_hour) {
  std::vector<WeeklyRule> rules;
  for (int d = 1; d <= 5; ++d) rules.push_back({d, hours{from_hour}, hours{to_hour}, {}, {}, 1, d});
  return rules;
}

SlotQuery Query(const char* from, const char* to, int duration_minutes) {
  SlotQuery q;
  q.range = {Utc(from), Utc(to)};
  q.duration = minutes{duration_minutes};
  q.now = Utc("2026-01-01T00:00:00Z");
  return q;
}

std::vector<std::string> Starts(const std::vector<TeamSlot>& slots) {
  std::vector<std::string> out;
  for (const TeamSlot& s : slots) out.push_back(FormatUtc(s.interval.start) + "/" + std::to_string(s.hosts_available));
  return out;
}

// New York 9-17 and Berlin 9-17 overlap 14:00-16:00Z while both are on standard time,
// and 13:00-16:00Z in the weeks when New York is already on summer time (8-29 March 2026).
TEST(TeamSlots, CollectiveAcrossZonesFollowsDst) {
  auto rules = Weekdays(9, 17);
  std::vector<CalendarAvailability> hosts{{Z("America/New_York"), rules}, {Z("Europe/Berlin"), rules}};
  auto before = TeamFreeSlots(hosts, {}, TeamKind::kCollective,
                              Query("2026-03-06T00:00:00Z", "2026-03-07T00:00:00Z", 60));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(Starts(*before), (std::vector<std::string>{"2026-03-06T14:00:00Z/2", "2026-03-06T15:00:00Z/2"}));
  auto after = TeamFreeSlots(hosts, {}, TeamKind::kCollective,
                             Query("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z", 60));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Starts(*after), (std::vector<std::string>{"2026-03-10T13:00:00Z/2", "2026-03-10T14:00:00Z/2",
                                                      "2026-03-10T15:00:00Z/2"}));
}

TEST(TeamSlots, RoundRobinCountsFreeHostsAcrossZones) {
  auto rules = Weekdays(9, 17);
  std::vector<CalendarAvailability> hosts{{Z("America/New_York"), rules}, {Z("Europe/Berlin"), rules}};
  auto slots = TeamFreeSlots(hosts, {}, TeamKind::kRoundRobin,
                             Query("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z", 60));
  ASSERT_TRUE(slots.ok());
  // Berlin from 08:00Z, New York from 13:00Z until 21:00Z; both 13-16.
  ASSERT_EQ(slots->size(), 13u);
  EXPECT_EQ(FormatUtc(slots->front().interval.start), "2026-03-10T08:00:00Z");
  EXPECT_EQ(slots->front().hosts_available, 1);
  EXPECT_EQ(FormatUtc((*slots)[5].interval.start), "2026-03-10T13:00:00Z");
  EXPECT_EQ((*slots)[5].hosts_available, 2);
  EXPECT_EQ(FormatUtc(slots->back().interval.start), "2026-03-10T20:00:00Z");
  EXPECT_EQ(slots->back().hosts_available, 1);
}

// A weekly 09:00 stays 09:00 local on the day New York moves its clocks (Sunday 8 March
// 2026 opens here by a one-off): a 30-minute team grid keeps local half hours.
TEST(TeamSlots, RoundRobinOnTheDayOfTheClockChange) {
  Zone ny = Z("America/New_York");
  std::vector<OneOffWindow> night{{{ToUtc(LocalDateTime{date::local_days{Date{date::year{2026}, date::March, date::day{8}}}} + hours{1}, ny),
                                     ToUtc(LocalDateTime{date::local_days{Date{date::year{2026}, date::March, date::day{8}}}} + hours{4}, ny)},
                                    1, 1}};
  std::vector<CalendarAvailability> hosts{{ny, {}, {}, night}, {ny, {}, {}, night}};
  auto slots = TeamFreeSlots(hosts, {}, TeamKind::kCollective,
                             Query("2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", 30));
  ASSERT_TRUE(slots.ok());
  // 01:00 EST (06:00Z) to 04:00 EDT (08:00Z): two hours of real time.
  EXPECT_EQ(slots->size(), 4u);
  EXPECT_EQ(FormatUtc(slots->front().interval.start), "2026-03-08T06:00:00Z");
}

TEST(TeamSlots, MandatoryHostMustBeFree) {
  Zone utc = Z("UTC");
  auto rules = Weekdays(9, 12);
  std::vector<Booking> a_busy{{{Utc("2026-03-02T09:00:00Z"), Utc("2026-03-02T10:00:00Z")}, 1}};
  std::vector<Booking> b_busy{{{Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T11:00:00Z")}, 1}};
  std::vector<Booking> c_busy{{{Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T12:00:00Z")}, 1}};
  std::vector<CalendarAvailability> hosts{{utc, rules}, {utc, rules}, {utc, rules}};
  hosts[0].bookings = a_busy;
  hosts[1].bookings = b_busy;
  hosts[2].bookings = c_busy;
  const bool mandatory[] = {true, false, false};
  auto slots = TeamFreeSlots(hosts, mandatory, TeamKind::kRoundRobin,
                             Query("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 60));
  ASSERT_TRUE(slots.ok());
  // 09:00: the mandatory host is busy. 10:00: both rotating hosts are. 11:00: B is free.
  EXPECT_EQ(Starts(*slots), (std::vector<std::string>{"2026-03-02T11:00:00Z/1"}));
  auto free = TeamHostsFree(hosts, Query("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 60),
                            {Utc("2026-03-02T11:00:00Z"), Utc("2026-03-02T12:00:00Z")});
  ASSERT_TRUE(free.ok());
  EXPECT_EQ(*free, (std::vector<bool>{true, true, false}));
  // Without the mandatory flag A rotates too: 09:00 has B and C, 10:00 A, 11:00 A and B.
  auto open = TeamFreeSlots(hosts, {}, TeamKind::kRoundRobin, Query("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 60));
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(Starts(*open), (std::vector<std::string>{"2026-03-02T09:00:00Z/2", "2026-03-02T10:00:00Z/1",
                                                     "2026-03-02T11:00:00Z/2"}));
  // Collective: no hour has all three free.
  auto all = TeamFreeSlots(hosts, {}, TeamKind::kCollective, Query("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 60));
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST(TeamSlots, RejectsMismatchedMandatoryFlagsAndBadQueries) {
  Zone utc = Z("UTC");
  std::vector<CalendarAvailability> hosts{{utc}, {utc}};
  const bool one[] = {true};
  EXPECT_FALSE(TeamFreeSlots(hosts, one, TeamKind::kRoundRobin, Query("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 60)).ok());
  EXPECT_FALSE(TeamFreeSlots(hosts, {}, TeamKind::kRoundRobin, Query("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 0)).ok());
  auto none = TeamFreeSlots({}, {}, TeamKind::kRoundRobin, Query("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 60));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// ---------------------------------------------------------------------------------------
// Property: random teams of 2-20 hosts in zones with and without DST, with random rules,
// one-off windows, blocked time, bookings, buffers, notice, horizon and day limits,
// agree with a minute-by-minute oracle. The oracle takes local-to-UTC conversion from
// core/time (checked against Python's zoneinfo in time_test) and nothing else.

struct Host {
  Zone zone = nullptr;
  std::vector<WeeklyRule> rules;
  std::vector<OneOffWindow> one_off;
  std::vector<Interval> blocked;
  std::vector<Booking> bookings;
  std::vector<OneOffWindow> one_place;  // a capacity override of one place over everything
  bool mandatory = false;
};

struct OracleHost {
  std::vector<std::pair<Interval, int>> windows;  // and their capacity
  std::vector<char> free;  // per minute of the range
};

OracleHost Expand(const Host& h, const SlotQuery& q) {
  OracleHost o;
  for (date::local_days day = date::local_days{LocalDate(q.range.start, h.zone)} - date::days{2};
       day <= date::local_days{LocalDate(q.range.end, h.zone)} + date::days{2}; day += date::days{1}) {
    for (const WeeklyRule& r : h.rules) {
      if (IsoWeekday(Date{day}) != r.iso_weekday) continue;
      Interval w{ToUtc(LocalDateTime{day} + r.start, h.zone), ToUtc(LocalDateTime{day} + r.end, h.zone)};
      if (!w.empty()) o.windows.push_back({w, r.capacity});
    }
  }
  for (const OneOffWindow& w : h.one_off) o.windows.push_back({w.interval, w.capacity});
  const auto total = std::chrono::duration_cast<minutes>(q.range.length()).count();
  o.free.assign(static_cast<std::size_t>(total), 0);
  for (std::int64_t i = 0; i < total; ++i) {
    Instant m = q.range.start + minutes{i};
    int capacity = -1;  // the largest covering window's, or one place where set so
    for (const auto& [w, cap] : o.windows) {
      if (w.Contains(m)) capacity = h.one_place.empty() ? std::max(capacity, cap) : 1;
    }
    bool blocked = std::any_of(h.blocked.begin(), h.blocked.end(), [&](const Interval& b) { return b.Contains(m); });
    int load = 0;
    for (const Booking& b : h.bookings) {
      if (Interval{b.interval.start - q.buffer_before, b.interval.end + q.buffer_after}.Contains(m)) load += b.units;
    }
    o.free[static_cast<std::size_t>(i)] = capacity >= 1 && !blocked && load < capacity;
  }
  return o;
}

bool OracleCanTake(const Host& h, const OracleHost& o, const SlotQuery& q, Instant t) {
  if (t < q.now + q.min_notice) return false;
  if (q.horizon && t > q.now + *q.horizon) return false;
  if (q.per_day_limit) {
    Interval day = LocalDayBounds(LocalDate(t, h.zone), h.zone);
    int count = 0;
    for (const Booking& b : h.bookings) count += day.Contains(b.interval.start);
    if (count >= *q.per_day_limit) return false;
  }
  if (q.per_week_limit) {
    date::local_days day{LocalDate(t, h.zone)};
    date::local_days monday = day - date::days{IsoWeekday(Date{day}) - 1};
    Interval week{LocalDayBounds(Date{monday}, h.zone).start, LocalDayBounds(Date{monday + date::days{7}}, h.zone).start};
    int count = 0;
    for (const Booking& b : h.bookings) count += week.Contains(b.interval.start);
    if (count >= *q.per_week_limit) return false;
  }
  const auto first = std::chrono::duration_cast<minutes>(t - q.range.start).count();
  const auto length = std::chrono::duration_cast<minutes>(q.duration).count();
  for (std::int64_t i = first; i < first + length; ++i) {
    if (!o.free[static_cast<std::size_t>(i)]) return false;
  }
  return true;
}

struct Random {
  std::mt19937 rng;
  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
};

TEST(TeamSlots, PropertyMatchesMinuteByMinuteOracle) {
  const char* zones[] = {"America/New_York", "Europe/Berlin", "UTC", "Asia/Kolkata", "Australia/Sydney",
                         "America/Los_Angeles"};
  // Clock changes: US spring and autumn, EU spring and autumn, Sydney's April change.
  const char* changes[] = {"2026-03-08T00:00:00Z", "2026-03-29T00:00:00Z", "2026-10-25T00:00:00Z",
                           "2026-11-01T00:00:00Z", "2026-04-05T00:00:00Z"};
  Random r{std::mt19937(20261202)};
  int offered = 0;
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    SlotQuery q;
    Instant change = Utc(changes[r.Pick(0, 4)]);
    q.range.start = change - hours{24 * r.Pick(0, 2) + r.Pick(0, 23)};
    q.range.end = q.range.start + hours{24 * r.Pick(1, 3) + r.Pick(0, 23)};
    q.duration = minutes{r.Pick(1, 12) * 10};
    q.step = r.Pick(0, 1) ? seconds{0} : minutes{r.Pick(1, 6) * 10};
    q.buffer_before = minutes{r.Pick(0, 2) * 10};
    q.buffer_after = minutes{r.Pick(0, 3) * 5};
    q.now = q.range.start + minutes{r.Pick(-600, 1200)};
    q.min_notice = minutes{r.Pick(0, 3) * 30};
    if (r.Pick(0, 3) == 0) q.horizon = hours{r.Pick(6, 72)};
    if (r.Pick(0, 3) == 0) q.per_day_limit = r.Pick(1, 4);
    if (r.Pick(0, 4) == 0) q.per_week_limit = r.Pick(2, 8);
    const TeamKind kind = r.Pick(0, 1) ? TeamKind::kCollective : TeamKind::kRoundRobin;

    std::vector<Host> hosts(static_cast<std::size_t>(r.Pick(2, 20)));
    const int shared_zone = r.Pick(0, 5);
    int id = 1;
    for (Host& h : hosts) {
      h.zone = Z(zones[r.Pick(0, 2) ? shared_zone : r.Pick(0, 5)]);
      // Most hosts offer one place (the engine's fast path); some two, or none somewhere.
      const bool places = r.Pick(0, 4) == 0;
      auto capacity = [&] { return places ? r.Pick(0, 2) : 1; };
      for (int d = 1; d <= 7; ++d) {
        if (r.Pick(0, 9) < 7) {
          int start = r.Pick(0, 200) * 5;
          h.rules.push_back(
              {d, minutes{start}, minutes{std::min(1440, start + r.Pick(12, 120) * 5)}, {}, {}, capacity(), id++});
        }
      }
      if (r.Pick(0, 2) == 0) {
        Instant s = q.range.start + minutes{r.Pick(-120, 3000) / 5 * 5};
        h.one_off.push_back({{s, s + minutes{r.Pick(6, 60) * 5}}, capacity(), id++});
      }
      for (int n = r.Pick(0, 2); n > 0; --n) {
        Instant s = q.range.start + minutes{r.Pick(-120, 3000) / 5 * 5};
        h.blocked.push_back({s, s + minutes{r.Pick(3, 36) * 5}});
      }
      for (int n = r.Pick(0, 12); n > 0; --n) {
        Instant s = q.range.start + minutes{r.Pick(-180, 4000) / 5 * 5};
        h.bookings.push_back({{s, s + minutes{r.Pick(3, 24) * 5}}, places ? r.Pick(0, 2) : 1});
      }
      h.mandatory = kind == TeamKind::kRoundRobin && r.Pick(0, 4) == 0;
      if (places && r.Pick(0, 1)) h.one_place.push_back({{q.range.start - date::days{20}, q.range.end + date::days{20}}, 1, 0});
    }

    std::vector<CalendarAvailability> views;
    std::vector<char> mandatory_chars;
    for (const Host& h : hosts) {
      CalendarAvailability v{h.zone, h.rules, {}, h.one_off};
      v.blocked = h.blocked;
      v.bookings = h.bookings;
      v.capacity_overrides = h.one_place;
      views.push_back(v);
      mandatory_chars.push_back(h.mandatory);
    }
    std::vector<bool> flags(mandatory_chars.begin(), mandatory_chars.end());
    std::unique_ptr<bool[]> mandatory(new bool[hosts.size()]);
    for (std::size_t i = 0; i < hosts.size(); ++i) mandatory[i] = flags[i];

    // Oracle: the union of every host's grid, then each host minute by minute.
    std::vector<OracleHost> oracle;
    for (const Host& h : hosts) oracle.push_back(Expand(h, q));
    const seconds step = q.step > seconds{0} ? q.step : q.duration;
    std::vector<Instant> grid;
    for (const OracleHost& o : oracle) {
      for (const auto& [w, unused] : o.windows) {
        for (Instant t = w.start; t < w.end; t += step) {
          if (t >= q.range.start && t + q.duration <= q.range.end) grid.push_back(t);
        }
      }
    }
    std::sort(grid.begin(), grid.end());
    grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
    std::vector<std::string> expected;
    std::vector<std::vector<bool>> expected_free;
    for (Instant t : grid) {
      int required = 0, required_free = 0, rotating = 0, rotating_free = 0;
      std::vector<bool> free;
      for (std::size_t h = 0; h < hosts.size(); ++h) {
        bool can = OracleCanTake(hosts[h], oracle[h], q, t);
        free.push_back(can);
        bool must = kind == TeamKind::kCollective || hosts[h].mandatory;
        (must ? required : rotating) += 1;
        (must ? required_free : rotating_free) += can;
      }
      expected_free.push_back(free);
      if (required_free != required || (rotating > 0 && rotating_free == 0)) continue;
      expected.push_back(FormatUtc(t) + "/" + std::to_string(rotating > 0 ? rotating_free : required));
    }
    offered += static_cast<int>(expected.size());

    auto slots = TeamFreeSlots(views, std::span<const bool>(mandatory.get(), hosts.size()), kind, q);
    ASSERT_TRUE(slots.ok()) << slots.error().message;
    ASSERT_EQ(Starts(*slots), expected);

    // Booking's view of single candidates agrees, host by host.
    for (std::size_t i = 0; i < grid.size(); i += 1 + grid.size() / 25) {
      auto free = TeamHostsFree(views, q, {grid[i], grid[i] + q.duration});
      ASSERT_TRUE(free.ok());
      ASSERT_EQ(*free, expected_free[i]) << FormatUtc(grid[i]);
    }
    // Collective agrees with CommonFreeSlots; round robin without mandatory hosts with AnyFreeSlots.
    if (kind == TeamKind::kCollective) {
      auto common = CommonFreeSlots(views, q);
      ASSERT_TRUE(common.ok());
      ASSERT_EQ(common->size(), slots->size());
    } else if (std::none_of(flags.begin(), flags.end(), [](bool b) { return b; })) {
      auto any = AnyFreeSlots(views, q);
      ASSERT_TRUE(any.ok());
      ASSERT_EQ(any->size(), slots->size());
      for (std::size_t i = 0; i < any->size(); ++i) {
        ASSERT_EQ(static_cast<int>((*any)[i].calendars.size()), (*slots)[i].hosts_available);
      }
    }
  }
  EXPECT_GT(offered, 500);  // the cases are not vacuous
}

}  // namespace
}  // namespace kairos
