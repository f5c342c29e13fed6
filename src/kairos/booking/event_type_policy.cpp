#include "kairos/booking/event_type_policy.hpp"

#include <algorithm>
#include <memory>
#include <unordered_set>

namespace kairos::booking {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using store::Int;

// What the policy's shape lays into the engine's view; lives as long as the policy.
struct ShapeState {
  std::int64_t event_type_id = 0;
  bool limits = false;
  int seats = 1;
  std::vector<OneOffWindow> schedule_windows;
  std::vector<OneOffWindow> capacity;
  std::unordered_set<std::int64_t> own_bookings;
  std::vector<OneOffWindow> windows;  // the snapshot's one-off windows and the schedule's
  std::vector<Booking> counted;
  std::vector<Booking> load;  // with seats: what each booking or hold takes of them
};

}  // namespace

Result<EventTypeContext> LoadEventTypeContext(store::Tx& tx, std::string_view event_type_uuid, bool create_calendar,
                                              Instant now) {
  auto event_type = LoadEventType(tx, event_type_uuid);
  if (!event_type.ok()) return event_type.error();
  EventTypeContext c;
  c.event_type = std::move(*event_type);
  if (c.event_type.schedule_id) {
    auto schedule = LoadSchedule(tx, *c.event_type.schedule_id);
    if (schedule.ok()) c.schedule = std::move(*schedule);
  }
  c.calendar = create_calendar ? PersonalCalendar(tx, c.event_type.owner_account_id, now)
                               : PersonalCalendarOrStandIn(tx, c.event_type.owner_account_id);
  c.zone = c.schedule ? ZoneOrUtc(c.schedule->time_zone) : c.calendar.zone;
  return c;
}

std::vector<OneOffWindow> ExpandSchedule(const Schedule& schedule, Interval range, int capacity) {
  std::vector<OneOffWindow> out;
  Zone zone = ZoneOrUtc(schedule.time_zone);
  date::local_days first{LocalDate(range.start, zone)};
  date::local_days last{LocalDate(range.end, zone)};
  for (date::local_days day = first - date::days{1}; day <= last + date::days{1}; day += date::days{1}) {
    Date d{day};
    auto add = [&](const LocalSpan& span) {
      Interval i{ToUtc(MakeLocal(d, span.start), zone), ToUtc(MakeLocal(d, span.end), zone)};
      if (!i.empty() && i.Overlaps(range)) out.push_back({i, capacity, 0});
    };
    if (auto o = schedule.overrides.find(d); o != schedule.overrides.end()) {
      for (const LocalSpan& span : o->second) add(span);
      continue;
    }
    int weekday = IsoWeekday(d);
    for (const WeeklySpan& w : schedule.weekly) {
      if (w.iso_weekday == weekday) add(w.span);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const OneOffWindow& a, const OneOffWindow& b) { return a.interval.start < b.interval.start; });
  return out;
}

StartBounds BoundsOf(const EventTypeContext& context, Instant now) {
  const EventType& e = context.event_type;
  StartBounds b;
  b.earliest = now + minutes{e.minimum_notice_minutes};
  switch (e.window.kind) {
    case WindowKind::kRolling:
      if (e.window.days) b.latest = now + date::days{*e.window.days};
      break;
    case WindowKind::kRange:
      if (e.window.start_date) {
        Instant first = LocalDayBounds(*e.window.start_date, context.zone).start;
        if (first > b.earliest) {
          b.earliest = first;
          b.earliest_is_window = true;
        }
      }
      if (e.window.end_date) b.latest = LocalDayBounds(*e.window.end_date, context.zone).end - seconds{1};
      break;
    case WindowKind::kUnlimited:
      break;
  }
  return b;
}

Policy EventTypePolicy(store::Tx& tx, const EventTypeContext& context, Interval around, Instant now) {
  const EventType& e = context.event_type;
  Policy policy;
  SlotQuery& q = policy.query;
  q.duration = minutes{e.duration_minutes};
  q.step = minutes{e.slot_interval()};
  q.buffer_before = minutes{e.buffer_before_minutes};
  q.buffer_after = minutes{e.buffer_after_minutes};
  StartBounds bounds = BoundsOf(context, now);
  q.min_notice = std::max(seconds{0}, std::chrono::duration_cast<seconds>(bounds.earliest - now));
  if (bounds.latest) {
    if (*bounds.latest >= now) {
      q.horizon = std::chrono::duration_cast<seconds>(*bounds.latest - now);
    } else {
      // The window has closed: nothing starts at or after now, nor before it.
      q.horizon = seconds{0};
      q.min_notice = std::max(q.min_notice, seconds{1});
    }
  }
  if (e.limit_per_day) q.per_day_limit = *e.limit_per_day;
  if (e.limit_per_week) q.per_week_limit = *e.limit_per_week;
  policy.undefined_time = UndefinedTimePolicy::kClosed;

  auto state = std::make_shared<ShapeState>();
  state->event_type_id = e.id;
  state->limits = e.limit_per_day || e.limit_per_week;
  state->seats = e.seats_per_slot;
  // Wide enough for whatever the booking path loads around `around`.
  Interval wide{around.start - date::days{9}, around.end + date::days{9}};
  if (context.schedule) state->schedule_windows = ExpandSchedule(*context.schedule, wide, e.seats_per_slot);
  state->capacity.push_back({wide, e.seats_per_slot, 0});
  if ((state->limits || state->seats > 1) && context.calendar.id != 0) {
    for (const auto& row : tx.Query(
             "SELECT v.booking_id FROM v1_bookings v JOIN bookings b ON b.id = v.booking_id WHERE v.event_type_id = ? "
             "AND b.calendar_id = ? AND b.start_at >= ? AND b.start_at < ?",
             {Int(e.id), Int(context.calendar.id), Int(ToStored(wide.start)), Int(ToStored(wide.end))})) {
      state->own_bookings.insert(row.Int(0));
    }
  }
  policy.shape = [state](const CalendarSnapshot& snapshot, CalendarAvailability& view) {
    state->windows.assign(snapshot.one_off_windows.begin(), snapshot.one_off_windows.end());
    state->windows.insert(state->windows.end(), state->schedule_windows.begin(), state->schedule_windows.end());
    std::stable_sort(state->windows.begin(), state->windows.end(),
                     [](const OneOffWindow& a, const OneOffWindow& b) { return a.interval.start < b.interval.start; });
    view.one_off_windows = state->windows;
    view.capacity_overrides = state->capacity;
    if (!state->limits && state->seats == 1) return;
    state->counted.clear();
    state->load.clear();
    for (std::size_t i = 0; i < snapshot.bookings.size(); ++i) {
      const HeldTime* hold = snapshot.HoldAt(i);
      bool own = hold ? hold->event_type_id == state->event_type_id
                      : state->own_bookings.count(snapshot.booking_ids[i]) > 0;
      if (own) state->counted.push_back(snapshot.bookings[i]);
      // Seats are shared by this event type's attendees only: anything else on the
      // calendar (another face's booking, another event type's) makes the host busy.
      Booking b = snapshot.bookings[i];
      if (!own) b.units = std::max(b.units, state->seats);
      state->load.push_back(b);
    }
    if (state->limits) view.counted_bookings = std::span<const Booking>(state->counted);
    if (state->seats > 1) view.bookings = state->load;
  };
  return policy;
}

}  // namespace kairos::booking
