// Benchmarks of the scheduling engine (src/kairos/core). Run:
//   kairos_core_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "kairos/core/free_time.hpp"

namespace kairos {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Instant kStart = ParseInstant("2025-03-01T00:00:00Z").value();

std::vector<WeeklyRule> OfficeHours() {
  std::vector<WeeklyRule> rules;
  for (int d = 1; d <= 5; ++d) rules.push_back({d, hours{9}, hours{17}, {}, {}, 1, d});
  return rules;
}

// `n` 30-minute bookings inside office hours over 31 days, sorted by start.
std::vector<Booking> Bookings(int n, Zone zone, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Booking> out;
  for (int i = 0; i < n; ++i) {
    date::local_days day = date::local_days{LocalDate(kStart, zone)} + date::days{static_cast<int>(rng() % 31)};
    LocalDateTime at = LocalDateTime{day} + hours{9} + minutes{30 * static_cast<int>(rng() % 16)};
    Instant s = ToUtc(at, zone);
    out.push_back({{s, s + minutes{30}}, 1});
  }
  std::sort(out.begin(), out.end(), [](const Booking& a, const Booking& b) { return a.interval.start < b.interval.start; });
  return out;
}

SlotQuery Month() {
  SlotQuery q;
  q.range = {kStart, kStart + date::days{31}};
  q.duration = minutes{30};
  q.now = kStart;
  return q;
}

void BM_OneCalendar500Bookings(benchmark::State& state) {
  Zone zone = FindZone("America/New_York").value();
  auto rules = OfficeHours();
  auto bookings = Bookings(500, zone, 1);
  CalendarAvailability cal{zone, rules};
  cal.bookings = bookings;
  SlotQuery q = Month();
  for (auto _ : state) benchmark::DoNotOptimize(FreeSlots(cal, q));
}
BENCHMARK(BM_OneCalendar500Bookings)->Unit(benchmark::kMicrosecond);

void BM_FiftyCalendarsAllFree(benchmark::State& state) {
  Zone zone = FindZone("Europe/London").value();
  auto rules = OfficeHours();
  std::vector<std::vector<Booking>> bookings;
  std::vector<CalendarAvailability> cals;
  for (int i = 0; i < 50; ++i) bookings.push_back(Bookings(40, zone, 100 + i));
  for (int i = 0; i < 50; ++i) {
    cals.push_back(CalendarAvailability{zone, rules});
    cals.back().bookings = bookings[i];
  }
  SlotQuery q = Month();
  for (auto _ : state) benchmark::DoNotOptimize(CommonFreeSlots(cals, q));
}
BENCHMARK(BM_FiftyCalendarsAllFree)->Unit(benchmark::kMicrosecond);

// A team of 100 hosts in one zone, each with office hours and 200 30-minute bookings
// over the month (1,000-odd grid slots, about half of each host's time taken): what a
// round-robin or collective event type's month of slots asks of the engine.
struct Team {
  std::vector<WeeklyRule> rules = OfficeHours();
  std::vector<std::vector<Booking>> bookings;
  std::vector<CalendarAvailability> hosts;
};

Team HundredHosts(const char* zone_name) {
  Zone zone = FindZone(zone_name).value();
  Team t;
  for (int i = 0; i < 100; ++i) t.bookings.push_back(Bookings(200, zone, 1000 + i));
  for (int i = 0; i < 100; ++i) {
    t.hosts.push_back(CalendarAvailability{zone, t.rules});
    t.hosts.back().bookings = t.bookings[i];
  }
  return t;
}

void BM_HundredHostsCommonFreeSlots(benchmark::State& state) {
  Team t = HundredHosts("America/New_York");
  SlotQuery q = Month();
  for (auto _ : state) benchmark::DoNotOptimize(CommonFreeSlots(t.hosts, q));
}
BENCHMARK(BM_HundredHostsCommonFreeSlots)->Unit(benchmark::kMicrosecond);

void BM_HundredHostsAnyFreeSlots(benchmark::State& state) {
  Team t = HundredHosts("America/New_York");
  SlotQuery q = Month();
  for (auto _ : state) benchmark::DoNotOptimize(AnyFreeSlots(t.hosts, q));
}
BENCHMARK(BM_HundredHostsAnyFreeSlots)->Unit(benchmark::kMicrosecond);

// The team engine on the same team: one pass over all hosts' free time.
void BM_HundredHostsRoundRobin(benchmark::State& state) {
  Team t = HundredHosts("America/New_York");
  SlotQuery q = Month();
  std::size_t slots = 0;
  for (auto _ : state) {
    auto r = TeamFreeSlots(t.hosts, {}, TeamKind::kRoundRobin, q);
    slots = r->size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["slots"] = static_cast<double>(slots);
}
BENCHMARK(BM_HundredHostsRoundRobin)->Unit(benchmark::kMicrosecond);

void BM_HundredHostsCollective(benchmark::State& state) {
  Team t = HundredHosts("America/New_York");
  SlotQuery q = Month();
  for (auto _ : state) benchmark::DoNotOptimize(TeamFreeSlots(t.hosts, {}, TeamKind::kCollective, q));
}
BENCHMARK(BM_HundredHostsCollective)->Unit(benchmark::kMicrosecond);

// Hosts spread over three zones (more distinct windows, a wider grid), ten of them mandatory.
void BM_HundredHostsRoundRobinThreeZonesMandatory(benchmark::State& state) {
  const char* zones[] = {"America/New_York", "Europe/Berlin", "Asia/Kolkata"};
  std::vector<Team> parts;
  std::vector<CalendarAvailability> hosts;
  std::vector<std::vector<Booking>> bookings;
  auto rules = OfficeHours();
  for (int i = 0; i < 100; ++i) {
    Zone zone = FindZone(zones[i % 3]).value();
    bookings.push_back(Bookings(200, zone, 5000 + i));
  }
  for (int i = 0; i < 100; ++i) {
    hosts.push_back(CalendarAvailability{FindZone(zones[i % 3]).value(), rules});
    hosts.back().bookings = bookings[i];
  }
  std::unique_ptr<bool[]> mandatory(new bool[100]());
  for (int i = 0; i < 100; i += 10) mandatory[i] = false;  // none required: a real team has few
  mandatory[0] = true;
  SlotQuery q = Month();
  for (auto _ : state) {
    benchmark::DoNotOptimize(TeamFreeSlots(hosts, std::span<const bool>(mandatory.get(), 100), TeamKind::kRoundRobin, q));
  }
}
BENCHMARK(BM_HundredHostsRoundRobinThreeZonesMandatory)->Unit(benchmark::kMicrosecond);

// Windows grow with bookings (one 3-hour window every 6 hours per 10 bookings) so the
// work is O((windows + bookings) log n).
void BM_Scaling(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Zone zone = FindZone("UTC").value();
  std::mt19937 rng(7);
  std::vector<OneOffWindow> windows;
  std::vector<Booking> bookings;
  for (int i = 0; i < n / 10; ++i) {
    Instant s = kStart + hours{6 * i};
    windows.push_back({{s, s + hours{3}}, 2, i});
    for (int k = 0; k < 10; ++k) {
      Instant b = s + minutes{30 * static_cast<int>(rng() % 6)};
      bookings.push_back({{b, b + minutes{30}}, 1});
    }
  }
  std::sort(bookings.begin(), bookings.end(),
            [](const Booking& a, const Booking& b) { return a.interval.start < b.interval.start; });
  CalendarAvailability cal{zone, {}, {}, windows};
  cal.bookings = bookings;
  SlotQuery q;
  q.range = {kStart, kStart + hours{6 * (n / 10)}};
  q.duration = minutes{30};
  q.now = kStart;
  for (auto _ : state) benchmark::DoNotOptimize(FreeSlots(cal, q));
  state.SetComplexityN(n);
}
BENCHMARK(BM_Scaling)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Complexity(benchmark::oNLogN)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kairos

BENCHMARK_MAIN();
