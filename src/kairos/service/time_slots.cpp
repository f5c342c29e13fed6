#include "kairos/service/time_slots.hpp"

#include <algorithm>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/booking.hpp"

namespace kairos::service {

using namespace kairos::booking;  // calendars, snapshots and the booking path
namespace {

using store::Int;
using store::Null;
using store::Text;

constexpr std::array<std::string_view, 4> kStatusNames = {"available", "booked", "blocked", "cancelled"};
constexpr std::size_t kConflictsShown = 5;

// A booking from any face that holds capacity over the slot's time. Bookings last at
// most kMaxBookingLength, which bounds the index scan.
const std::string& HeldSql() {
  static const std::string sql =
      "EXISTS (SELECT 1 FROM bookings b WHERE b.calendar_id = s.calendar_id AND b.status IN " +
      std::string(kHoldingStatusesSql) + " AND b.start_at >= s.start_at - " +
      std::to_string(std::chrono::seconds(kMaxBookingLength).count()) +
      " AND b.start_at < s.end_at AND b.end_at > s.start_at)";
  return sql;
}

// The status as shown: an available slot whose time is held by a booking reads booked.
const std::string& ShownStatusSql() {
  static const std::string sql =
      "(CASE WHEN s.status = 'available' AND " + HeldSql() + " THEN 'booked' ELSE s.status END)";
  return sql;
}

const std::string& SlotColumns() {
  static const std::string sql =
      "SELECT s.id, s.uuid, s.start_at, s.end_at, s.timezone, s.title, s.description, s.status, " + HeldSql() +
      ", s.is_recurring, s.recurring_pattern, s.recurring_end_date, s.series_uuid, s.created_at, s.updated_at, "
      "s.calendar_id";
  return sql;
}

// A slot is its owner's: it lives on the owner's personal calendar.
constexpr std::string_view kOwnedFrom =
    " FROM slots s JOIN calendars c ON c.id = s.calendar_id WHERE c.owner_account_id = ? AND c.kind = 'personal'";

struct StoredSlot {
  std::int64_t id = 0;
  std::int64_t calendar_id = 0;
  TimeSlotStatus stored = TimeSlotStatus::kAvailable;
  bool held = false;  // a booking holds the slot's time
  TimeSlot slot;
};

StoredSlot SlotFromRow(const store::Row& row, const std::string& owner_uuid) {
  StoredSlot s;
  s.id = row.Int(0);
  TimeSlot& t = s.slot;
  t.uuid = row.Text(1);
  t.owner_uuid = owner_uuid;
  t.interval = {FromStored(row.Int(2)), FromStored(row.Int(3))};
  t.timezone = row.Text(4);
  t.zone = ZoneOrUtc(t.timezone);
  t.title = row.OptionalText(5);
  t.description = row.OptionalText(6);
  // The schema's CHECK admits only the four names.
  s.stored = *ParseTimeSlotStatus(row.Text(7));
  s.held = row.Bool(8);
  t.status = s.stored == TimeSlotStatus::kAvailable && s.held ? TimeSlotStatus::kBooked : s.stored;
  t.is_recurring = row.Bool(9);
  if (auto p = row.OptionalText(10)) {
    if (auto parsed = ParseRepeatPattern(*p); parsed.ok()) t.recurring_pattern = *parsed;
  }
  if (auto end = row.OptionalInt(11)) t.recurring_end_date = LocalDate(FromStored(*end), t.zone);
  t.series_uuid = row.OptionalText(12);
  t.created_at = FromStored(row.Int(13));
  t.updated_at = FromStored(row.Int(14));
  s.calendar_id = row.Int(15);
  return s;
}

std::vector<TimeSlot> SlotsFrom(const std::vector<store::Row>& rows, const std::string& owner_uuid) {
  std::vector<TimeSlot> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(SlotFromRow(row, owner_uuid).slot);
  return out;
}

Error SlotNotFound() { return NotFound("Time slot not found"); }

Result<StoredSlot> LoadSlot(store::Tx& tx, const auth::Principal& owner, std::string_view uuid) {
  auto row = tx.QueryOne(SlotColumns() + std::string(kOwnedFrom) + " AND s.uuid = ?",
                         {Int(owner.account_id), Text(std::string(uuid))});
  if (!row) return SlotNotFound();
  return SlotFromRow(*row, owner.account_uuid);
}

// The slot read again after taking its calendar's lock, so what a booking holds cannot
// change before the transaction commits.
Result<StoredSlot> LoadLockedSlot(store::Tx& tx, const auth::Principal& owner, std::string_view uuid) {
  auto s = LoadSlot(tx, owner, uuid);
  if (!s.ok()) return s;
  LockCalendars(tx, {s->calendar_id});
  return LoadSlot(tx, owner, uuid);
}

std::string DurationList() {
  std::string s;
  for (std::size_t i = 0; i < kSlotDurationsMinutes.size(); ++i) {
    if (i > 0) s += i + 1 == kSlotDurationsMinutes.size() ? " or " : ", ";
    s += std::to_string(kSlotDurationsMinutes[i]);
  }
  return s + " minutes";
}

bool SupportedDuration(std::chrono::seconds length) {
  return std::any_of(kSlotDurationsMinutes.begin(), kSlotDurationsMinutes.end(),
                     [&](int m) { return length == std::chrono::minutes(m); });
}

std::string Span(const Interval& i, Zone zone) {
  return FormatLocalWithOffset(i.start, zone) + " to " + FormatLocalWithOffset(i.end, zone);
}

// Refuses `wanted` (sorted by start) if two of them overlap or any overlaps one of the
// calendar's slots that is not cancelled. The message lists the first few overlaps.
Status CheckOverlaps(store::Tx& tx, std::int64_t calendar_id, const std::vector<Interval>& wanted, Zone zone) {
  for (std::size_t i = 1; i < wanted.size(); ++i) {
    if (wanted[i].start < wanted[i - 1].end) {
      return Conflict("Time slots of this request overlap each other: " + Span(wanted[i - 1], zone) + " and " +
                          Span(wanted[i], zone),
                      "start_time");
    }
  }
  struct Existing {
    std::string uuid;
    Interval interval;
  };
  std::vector<Existing> existing;
  for (const auto& row : tx.Query(
           "SELECT uuid, start_at, end_at FROM slots WHERE calendar_id = ? AND status <> 'cancelled' AND start_at >= ? "
           "AND start_at < ? AND end_at > ? ORDER BY start_at, id",
           {Int(calendar_id), Int(OverlapScanFloor(wanted.front().start)), Int(ToStored(wanted.back().end)),
            Int(ToStored(wanted.front().start))})) {
    existing.push_back({row.Text(0), {FromStored(row.Int(1)), FromStored(row.Int(2))}});
  }
  std::vector<std::string> conflicts;
  std::size_t count = 0;
  std::size_t first = 0;
  for (const Interval& w : wanted) {
    // Existing slots never overlap each other, so their ends ascend with their starts.
    while (first < existing.size() && existing[first].interval.end <= w.start) ++first;
    for (std::size_t k = first; k < existing.size() && existing[k].interval.start < w.end; ++k) {
      if (!existing[k].interval.Overlaps(w)) continue;
      ++count;
      if (conflicts.size() < kConflictsShown) {
        conflicts.push_back(Span(w, zone) + " overlaps slot " + existing[k].uuid + " (" +
                            Span(existing[k].interval, zone) + ")");
      }
    }
  }
  if (count == 0) return {};
  std::string message = wanted.size() == 1 ? "Time slot overlaps an existing time slot: "
                                           : std::to_string(count) + " overlaps with existing time slots: ";
  for (std::size_t i = 0; i < conflicts.size(); ++i) message += (i > 0 ? "; " : "") + conflicts[i];
  if (count > conflicts.size()) message += "; and " + std::to_string(count - conflicts.size()) + " more";
  return Conflict(message, "start_time");
}

struct SlotValues {
  std::string timezone;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<RepeatPattern> pattern;
  std::optional<Instant> recurring_end;
  std::optional<std::string> series_uuid;
};

// Inserts one available slot per interval; returns their uuids in order.
std::vector<std::string> InsertSlots(store::Tx& tx, std::int64_t calendar_id, const std::vector<Interval>& intervals,
                                     const SlotValues& v, Instant now) {
  std::vector<std::string> uuids;
  uuids.reserve(intervals.size());
  for (const Interval& i : intervals) {
    uuids.push_back(auth::NewUuid());
    tx.Exec(
        "INSERT INTO slots (uuid, calendar_id, start_at, end_at, timezone, title, description, status, capacity, "
        "is_recurring, recurring_pattern, recurring_end_date, series_uuid, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'available', 1, ?, ?, ?, ?, ?, ?)",
        {Text(uuids.back()), Int(calendar_id), Int(ToStored(i.start)), Int(ToStored(i.end)), Text(v.timezone),
         store::OptionalText(v.title), store::OptionalText(v.description), store::Bool(v.pattern.has_value()),
         v.pattern ? Text(std::string(RepeatPatternName(*v.pattern))) : Null(),
         v.recurring_end ? Int(ToStored(*v.recurring_end)) : Null(), store::OptionalText(v.series_uuid),
         Int(ToStored(now)), Int(ToStored(now))});
  }
  return uuids;
}

// The transition table, and for booking: the slot has not started and its time is free.
Status CheckTransition(const StoredSlot& s, TimeSlotStatus to, Instant now) {
  if (to == TimeSlotStatus::kBooked && s.stored == TimeSlotStatus::kAvailable && s.held) {
    return InvalidArgument("Time slot is not available: a booking already holds this time", "status");
  }
  if (!TimeSlotTransitionAllowed(s.slot.status, to)) {
    return InvalidArgument("Cannot change time slot status from " + std::string(TimeSlotStatusName(s.slot.status)) +
                               " to " + std::string(TimeSlotStatusName(to)),
                           "status");
  }
  if (to == TimeSlotStatus::kBooked && s.slot.interval.start <= now) {
    return InvalidArgument("Cannot book a time slot that has already started", "status");
  }
  return {};
}

// Books the slot's time through the booking path, as every face books: a real booking
// row on the owner's calendar (so blocked hours and what other faces hold are consulted
// and the time is busy everywhere), and the slot itself reads booked.
Status BookSlot(store::Tx& tx, const StoredSlot& s, Instant now) {
  NewBooking booking;
  booking.calendar_id = s.calendar_id;
  booking.face = "slot";
  booking.interval = s.slot.interval;
  booking.slot_id = s.id;
  booking.status = BookingStatus::kConfirmed;
  auto booked = kairos::booking::Book(tx, {&booking, 1}, kairos::booking::Policy{}, now);
  if (booked.ok()) return {};
  switch (booked.refusal->reason) {
    case kairos::booking::Reason::kTaken:
    case kairos::booking::Reason::kFull:
    case kairos::booking::Reason::kHeld:
    case kairos::booking::Reason::kBuffer:
      return InvalidArgument("Time slot is not available: a booking already holds this time", "status");
    case kairos::booking::Reason::kBlocked:
      return InvalidArgument("Time slot is not available: its time is blocked", "status");
    case kairos::booking::Reason::kBusy:
      return InvalidArgument("Time slot is not available: its time is busy in the host's connected calendar",
                             "status");
    case kairos::booking::Reason::kTooSoon:
      return InvalidArgument("Cannot book a time slot that has already started", "status");
    default:
      return InvalidArgument("Time slot is not available", "status");
  }
}

// What a status change does beyond the slot's own row: booking takes the time through
// the booking path; cancelling or deleting a booked slot gives it back.
Status ApplyTransition(store::Tx& tx, const StoredSlot& s, TimeSlotStatus to, Instant now) {
  if (to == TimeSlotStatus::kBooked) return BookSlot(tx, s, now);
  if (to == TimeSlotStatus::kCancelled && s.stored == TimeSlotStatus::kBooked) {
    kairos::booking::CancelSlotBookings(tx, s.id, now);
  }
  return {};
}

}  // namespace

std::string_view RepeatPatternName(RepeatPattern p) {
  switch (p) {
    case RepeatPattern::kDaily: return "daily";
    case RepeatPattern::kWeekly: return "weekly";
    case RepeatPattern::kMonthly: return "monthly";
  }
  return "daily";
}

std::string_view TimeSlotStatusName(TimeSlotStatus status) { return kStatusNames[static_cast<std::size_t>(status)]; }

Result<TimeSlotStatus> ParseTimeSlotStatus(std::string_view name, std::string_view field) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<TimeSlotStatus>(i);
  }
  return InvalidArgument(std::string(field) + " must be one of: available, booked, blocked, cancelled",
                         std::string(field));
}

bool TimeSlotTransitionAllowed(TimeSlotStatus from, TimeSlotStatus to) {
  switch (from) {
    case TimeSlotStatus::kAvailable:
      return to == TimeSlotStatus::kBooked || to == TimeSlotStatus::kBlocked || to == TimeSlotStatus::kCancelled;
    case TimeSlotStatus::kBlocked: return to == TimeSlotStatus::kAvailable || to == TimeSlotStatus::kCancelled;
    case TimeSlotStatus::kBooked: return to == TimeSlotStatus::kCancelled;
    case TimeSlotStatus::kCancelled: return false;
  }
  return false;
}

Result<CreatedTimeSlot> TimeSlots::Create(const auth::Principal& caller, const NewTimeSlot& in, Instant now) {
  auto zone = FindZone(in.timezone);
  if (!zone.ok()) return zone.error();
  const Interval first{ToUtc(in.start, *zone), ToUtc(in.end, *zone)};
  if (first.end <= first.start) return InvalidArgument("Start time must be before end time", "end_time");
  if (first.start <= now) return InvalidArgument("Time slot must be in the future", "start_time");
  const auto length = first.length();
  if (!SupportedDuration(length)) {
    return InvalidArgument("Slot duration must be " + DurationList() + " (end_time - start_time is " +
                               std::to_string(std::chrono::duration_cast<std::chrono::minutes>(length).count()) +
                               " minutes)",
                           "end_time");
  }

  SlotValues values{in.timezone, in.title, in.description, std::nullopt, std::nullopt, std::nullopt};
  std::vector<Interval> intervals;
  if (!in.is_recurring) {
    if (in.recurring_pattern || in.recurring_end_date) {
      return InvalidArgument("recurring_pattern and recurring_end_date need is_recurring to be true", "is_recurring");
    }
    intervals.push_back(first);
  } else {
    if (!in.recurring_pattern) {
      return InvalidArgument("recurring_pattern is required when is_recurring is true", "recurring_pattern");
    }
    if (!in.recurring_end_date) {
      return InvalidArgument("recurring_end_date is required when is_recurring is true", "recurring_end_date");
    }
    const Date last = *in.recurring_end_date;
    if (last < DateOf(in.start)) {
      return InvalidArgument("recurring_end_date must not be before the slot's start date", "recurring_end_date");
    }
    // Occurrences are expanded in wall-clock time, so 14:00 stays 14:00 across DST; each
    // lasts as long as the first.
    auto starts = ExpandRecurrence(MakeRepeatRule(*in.recurring_pattern, last), in.start, in.start,
                                   MakeLocal(Date{date::sys_days{last} + date::days{1}}, TimeOfDay{0}), {},
                                   kMaxSeriesOccurrences);
    if (!starts.ok()) {
      return InvalidArgument("A recurring series has at most " + std::to_string(kMaxSeriesOccurrences) +
                                 " occurrences; choose an earlier recurring_end_date",
                             "recurring_end_date");
    }
    for (LocalDateTime local : *starts) {
      Instant start = ToUtc(local, *zone);
      intervals.push_back({start, start + length});
    }
    values.pattern = in.recurring_pattern;
    values.recurring_end = LocalDayBounds(last, *zone).start;
    values.series_uuid = auth::NewUuid();
  }

  return db_.Write([&](store::Tx& tx) -> Result<CreatedTimeSlot> {
    Calendar calendar = PersonalCalendar(tx, caller.account_id, now);
    LockCalendars(tx, {calendar.id});
    if (Status s = CheckOverlaps(tx, calendar.id, intervals, *zone); !s) return s.error();
    auto uuids = InsertSlots(tx, calendar.id, intervals, values, now);
    return CreatedTimeSlot{LoadSlot(tx, caller, uuids.front())->slot, uuids.size()};
  });
}

Result<std::vector<TimeSlot>> TimeSlots::CreateBulk(const auth::Principal& caller, const BulkTimeSlots& in,
                                                    Instant now) {
  auto zone = FindZone(in.timezone);
  if (!zone.ok()) return zone.error();
  const date::sys_days first_day{in.start_date};
  const date::sys_days last_day{in.end_date};
  if (last_day < first_day) return InvalidArgument("end_date must not be before start_date", "end_date");
  if (in.start_date < LocalDate(now, *zone)) return InvalidArgument("Start date cannot be in the past", "start_date");
  if ((last_day - first_day).count() > kMaxBulkRangeDays) {
    return InvalidArgument("Date range cannot exceed " + std::to_string(kMaxBulkRangeDays) + " days", "end_date");
  }
  if (in.end_time <= in.start_time) return InvalidArgument("Start time must be before end time", "end_time");
  if (!SupportedDuration(in.duration)) {
    return InvalidArgument("slot_duration_minutes must be " + DurationList(), "slot_duration_minutes");
  }
  std::array<bool, 7> chosen{};
  if (!in.days_of_week) {
    chosen.fill(true);
  } else {
    if (in.days_of_week->empty()) {
      return InvalidArgument("days_of_week must list at least one day (0 = Monday ... 6 = Sunday)", "days_of_week");
    }
    for (int d : *in.days_of_week) {
      if (d < 0 || d > 6) {
        return InvalidArgument("days_of_week values must be between 0 (Monday) and 6 (Sunday)", "days_of_week");
      }
      chosen[static_cast<std::size_t>(d)] = true;
    }
  }

  // Each day's window is its local start and end time; slots are laid in real time from
  // the window's start and must end by its end, so only the day of a DST change differs.
  std::vector<Interval> intervals;
  for (date::sys_days day = first_day; day <= last_day; day += date::days{1}) {
    if (!chosen[static_cast<std::size_t>(IsoWeekday(Date{day}) - 1)]) continue;
    Instant window_start = ToUtc(MakeLocal(Date{day}, in.start_time), *zone);
    Instant window_end = ToUtc(MakeLocal(Date{day}, in.end_time), *zone);
    for (Instant t = window_start; t + in.duration <= window_end; t += in.duration) {
      if (t > now) intervals.push_back({t, t + in.duration});
    }
  }
  if (intervals.empty()) {
    return InvalidArgument("No time slots fit the given dates, days_of_week and times", "start_date");
  }
  if (intervals.size() > kMaxBulkSlots) {
    return InvalidArgument("This request would create " + std::to_string(intervals.size()) +
                               " time slots; at most " + std::to_string(kMaxBulkSlots) + " can be created at once",
                           "end_date");
  }

  SlotValues values{in.timezone, in.title, in.description, std::nullopt, std::nullopt, std::nullopt};
  return db_.Write([&](store::Tx& tx) -> Result<std::vector<TimeSlot>> {
    Calendar calendar = PersonalCalendar(tx, caller.account_id, now);
    LockCalendars(tx, {calendar.id});
    if (Status s = CheckOverlaps(tx, calendar.id, intervals, *zone); !s) return s.error();
    std::vector<TimeSlot> created;
    created.reserve(intervals.size());
    for (const std::string& uuid : InsertSlots(tx, calendar.id, intervals, values, now)) {
      created.push_back(LoadSlot(tx, caller, uuid)->slot);
    }
    return created;
  });
}

Result<TimeSlotPage> TimeSlots::List(const auth::Principal& caller, const TimeSlotFilter& filter) {
  if (filter.limit < 1 || filter.limit > kMaxSlotPageSize) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(kMaxSlotPageSize), "limit");
  }
  if (filter.offset < 0) return InvalidArgument("offset must be a non-negative integer", "offset");
  if (filter.start_date && filter.end_date && *filter.end_date < *filter.start_date) {
    return InvalidArgument("end_date must not be before start_date", "end_date");
  }
  return db_.Read([&](store::Tx& tx) -> Result<TimeSlotPage> {
    std::string where;
    store::Params params{Int(caller.account_id)};
    if (filter.start_date || filter.end_date) {
      // Dates are the slots' local dates: one UTC range per time zone the caller uses.
      std::string ranges;
      const std::string zones = "SELECT DISTINCT s.timezone" + std::string(kOwnedFrom);
      for (const auto& row : tx.Query(zones, {Int(caller.account_id)})) {
        Zone zone = ZoneOrUtc(row.Text(0));
        ranges += ranges.empty() ? "(s.timezone = ?" : " OR (s.timezone = ?";
        params.push_back(Text(row.Text(0)));
        if (filter.start_date) {
          ranges += " AND s.start_at >= ?";
          params.push_back(Int(ToStored(LocalDayBounds(*filter.start_date, zone).start)));
        }
        if (filter.end_date) {
          ranges += " AND s.start_at < ?";
          params.push_back(Int(ToStored(LocalDayBounds(*filter.end_date, zone).end)));
        }
        ranges += ")";
      }
      if (ranges.empty()) return TimeSlotPage{};
      where += " AND (" + ranges + ")";
    }
    if (filter.status) {
      where += " AND " + ShownStatusSql() + " = ?";
      params.push_back(Text(std::string(TimeSlotStatusName(*filter.status))));
    }
    TimeSlotPage page;
    page.total = tx.QueryOne("SELECT COUNT(*)" + std::string(kOwnedFrom) + where, params)->Int(0);
    params.push_back(Int(filter.limit));
    params.push_back(Int(filter.offset));
    page.slots = SlotsFrom(
        tx.Query(SlotColumns() + std::string(kOwnedFrom) + where + " ORDER BY s.start_at, s.id LIMIT ? OFFSET ?",
                 params),
        caller.account_uuid);
    return page;
  });
}

Result<TimeSlotSummary> TimeSlots::Summary(const auth::Principal& caller, Instant now) {
  return db_.Read([&](store::Tx& tx) -> Result<TimeSlotSummary> {
    TimeSlotSummary s;
    for (const auto& row : tx.Query("SELECT st, COUNT(*) FROM (SELECT " + ShownStatusSql() + " AS st" +
                                        std::string(kOwnedFrom) + ") shown GROUP BY st",
                                    {Int(caller.account_id)})) {
      std::int64_t n = row.Int(1);
      s.total_slots += n;
      auto status = ParseTimeSlotStatus(row.Text(0));
      if (!status.ok()) continue;
      if (*status == TimeSlotStatus::kAvailable) s.available_slots = n;
      if (*status == TimeSlotStatus::kBooked) s.booked_slots = n;
      if (*status == TimeSlotStatus::kBlocked) s.blocked_slots = n;
    }
    const std::string upcoming =
        std::string(kOwnedFrom) + " AND " + ShownStatusSql() + " = 'available' AND s.start_at > ?";
    s.upcoming_slots = tx.QueryOne("SELECT COUNT(*)" + upcoming, {Int(caller.account_id), Int(ToStored(now))})->Int(0);
    auto next = SlotsFrom(tx.Query(SlotColumns() + upcoming + " ORDER BY s.start_at, s.id LIMIT 1",
                                   {Int(caller.account_id), Int(ToStored(now))}),
                          caller.account_uuid);
    if (!next.empty()) s.next_available_slot = std::move(next.front());
    s.recent_slots = SlotsFrom(tx.Query(SlotColumns() + std::string(kOwnedFrom) +
                                            " ORDER BY s.created_at DESC, s.id DESC LIMIT ?",
                                        {Int(caller.account_id), Int(static_cast<std::int64_t>(kRecentSlots))}),
                               caller.account_uuid);
    return s;
  });
}

Result<std::vector<TimeSlot>> TimeSlots::Upcoming(const auth::Principal& caller, std::int64_t limit, Instant now) {
  if (limit < 1 || limit > kMaxUpcomingLimit) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(kMaxUpcomingLimit), "limit");
  }
  return db_.Read([&](store::Tx& tx) -> Result<std::vector<TimeSlot>> {
    return SlotsFrom(tx.Query(SlotColumns() + std::string(kOwnedFrom) + " AND " + ShownStatusSql() +
                                  " = 'available' AND s.start_at > ? ORDER BY s.start_at, s.id LIMIT ?",
                              {Int(caller.account_id), Int(ToStored(now)), Int(limit)}),
                     caller.account_uuid);
  });
}

Result<TimeSlot> TimeSlots::Get(const auth::Principal& caller, std::string_view slot_uuid) {
  return db_.Read([&](store::Tx& tx) -> Result<TimeSlot> {
    auto s = LoadSlot(tx, caller, slot_uuid);
    if (!s.ok()) return s.error();
    return s->slot;
  });
}

Result<TimeSlot> TimeSlots::Update(const auth::Principal& caller, std::string_view slot_uuid,
                                   const TimeSlotChanges& changes, Instant now) {
  return db_.Write([&](store::Tx& tx) -> Result<TimeSlot> {
    auto s = LoadLockedSlot(tx, caller, slot_uuid);
    if (!s.ok()) return s.error();
    TimeSlotStatus stored = s->stored;
    if (changes.status && *changes.status != s->slot.status) {
      if (Status ok = CheckTransition(*s, *changes.status, now); !ok) return ok.error();
      if (Status ok = ApplyTransition(tx, *s, *changes.status, now); !ok) return ok.error();
      stored = *changes.status;
    }
    const auto& title = changes.title ? *changes.title : s->slot.title;
    const auto& description = changes.description ? *changes.description : s->slot.description;
    tx.Exec("UPDATE slots SET title = ?, description = ?, status = ?, updated_at = ? WHERE id = ?",
            {store::OptionalText(title), store::OptionalText(description),
             Text(std::string(TimeSlotStatusName(stored))), Int(ToStored(now)), Int(s->id)});
    return LoadSlot(tx, caller, slot_uuid)->slot;
  });
}

Result<TimeSlot> TimeSlots::ChangeStatus(const auth::Principal& caller, std::string_view slot_uuid, TimeSlotStatus to,
                                         Instant now) {
  return db_.Write([&](store::Tx& tx) -> Result<TimeSlot> {
    auto s = LoadLockedSlot(tx, caller, slot_uuid);
    if (!s.ok()) return s.error();
    if (Status ok = CheckTransition(*s, to, now); !ok) return ok.error();
    if (Status ok = ApplyTransition(tx, *s, to, now); !ok) return ok.error();
    tx.Exec("UPDATE slots SET status = ?, updated_at = ? WHERE id = ?",
            {Text(std::string(TimeSlotStatusName(to))), Int(ToStored(now)), Int(s->id)});
    return LoadSlot(tx, caller, slot_uuid)->slot;
  });
}

Status TimeSlots::Delete(const auth::Principal& caller, std::string_view slot_uuid, Instant now) {
  return db_.Write([&](store::Tx& tx) -> Status {
    auto s = LoadLockedSlot(tx, caller, slot_uuid);
    if (!s.ok()) return s.error();
    // A booked slot's booking goes with it, so its time is free again everywhere.
    kairos::booking::CancelSlotBookings(tx, s->id, now);
    tx.Exec("DELETE FROM slots WHERE id = ?", {Int(s->id)});
    return {};
  });
}

}  // namespace kairos::service
