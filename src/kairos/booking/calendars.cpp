#include "kairos/service/calendars.hpp"

#include <algorithm>
#include <charconv>

#include "kairos/auth/crypto.hpp"

namespace kairos::service {
namespace {

using store::Int;
using store::Null;
using store::Text;

constexpr std::string_view kCalendarColumns =
    "id, uuid, owner_account_id, kind, name, description, timezone, capacity";

Calendar CalendarFromRow(const store::Row& row) {
  Calendar c;
  c.id = row.Int(0);
  c.uuid = row.Text(1);
  c.owner_account_id = row.Int(2);
  c.kind = row.Text(3);
  c.name = row.Text(4);
  c.description = row.Text(5);
  c.timezone = row.Text(6);
  c.capacity = static_cast<int>(row.Int(7));
  auto zone = FindZone(c.timezone);
  // Zones are validated on the way in; a zone the system no longer knows reads as UTC.
  c.zone = zone.ok() ? *zone : *FindZone("UTC");
  return c;
}

Result<Calendar> FindWhere(store::Tx& tx, std::string_view where, store::Value key) {
  auto row = tx.QueryOne("SELECT " + std::string(kCalendarColumns) + " FROM calendars WHERE " + std::string(where),
                         {std::move(key)});
  if (!row) return NotFound("Calendar not found");
  return CalendarFromRow(*row);
}

store::Value OptionalInt(const std::optional<std::int64_t>& v) { return v ? Int(*v) : Null(); }

// Parses "10,15,17" (the stored form of a day's blocked hours).
std::vector<int> ParseHours(std::string_view text) {
  std::vector<int> hours;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    int h = -1;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), h);
    if (ec == std::errc() && h >= 0 && h < 24) hours.push_back(h);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return hours;
}

SlotStatus ParseSlotStatus(std::string_view s) {
  if (s == "booked") return SlotStatus::kBooked;
  if (s == "blocked") return SlotStatus::kBlocked;
  if (s == "cancelled") return SlotStatus::kCancelled;
  return SlotStatus::kAvailable;
}

}  // namespace

bool HoldsCapacity(std::string_view status) {
  return status == "pending" || status == "confirmed" || status == "active";
}

CalendarAvailability CalendarSnapshot::View(UndefinedTimePolicy policy, std::span<const WeeklyRule> default_rules) const {
  CalendarAvailability a;
  a.zone = calendar.zone;
  a.weekly_rules = weekly_rules;
  a.one_off_windows = one_off_windows;
  a.explicit_slots = explicit_slots;
  a.blocked = blocked;
  a.bookings = bookings;
  a.undefined_time = policy;
  a.default_rules = default_rules;
  a.open_day_capacity = calendar.capacity;
  return a;
}

Result<Calendar> FindCalendar(store::Tx& tx, std::int64_t id) { return FindWhere(tx, "id = ?", Int(id)); }

Result<Calendar> FindCalendarByUuid(store::Tx& tx, std::string_view uuid) {
  return FindWhere(tx, "uuid = ?", Text(std::string(uuid)));
}

std::optional<Calendar> FindPersonalCalendar(store::Tx& tx, std::int64_t account_id) {
  auto c = FindWhere(tx, "owner_account_id = ? AND kind = 'personal'", Int(account_id));
  if (!c.ok()) return std::nullopt;
  return std::move(c).value();
}

Calendar PersonalCalendar(store::Tx& tx, std::int64_t account_id, Instant now) {
  if (auto existing = FindPersonalCalendar(tx, account_id)) return *existing;
  auto account = tx.QueryOne("SELECT timezone FROM accounts WHERE id = ?", {Int(account_id)});
  std::string timezone = account ? account->Text(0) : "UTC";
  // Concurrent first bookings for one account (other server instances, or PostgreSQL
  // writers not serialized as SQLite's are) may create it at once: the first one wins.
  tx.Exec(
      "INSERT INTO calendars (uuid, owner_account_id, kind, timezone, capacity, created_at, updated_at) "
      "VALUES (?, ?, 'personal', ?, 1, ?, ?) ON CONFLICT DO NOTHING",
      {Text(auth::NewUuid()), Int(account_id), Text(timezone), Int(ToStored(now)), Int(ToStored(now))});
  return *FindPersonalCalendar(tx, account_id);
}

CalendarSnapshot LoadSnapshot(store::Tx& tx, const Calendar& calendar, Interval range, std::chrono::seconds margin) {
  CalendarSnapshot s;
  s.calendar = calendar;
  const std::int64_t from = ToStored(range.start);
  const std::int64_t to = ToStored(range.end);

  for (const auto& row : tx.Query(
           "SELECT id, iso_weekday, start_second, end_second, capacity, valid_from, valid_until FROM weekly_rules "
           "WHERE calendar_id = ? AND is_active = 1 AND is_closed = 0 ORDER BY iso_weekday, start_second",
           {Int(calendar.id)})) {
    WeeklyRule r;
    r.id = row.Int(0);
    r.iso_weekday = static_cast<int>(row.Int(1));
    r.start = TimeOfDay{row.Int(2)};
    r.end = TimeOfDay{row.Int(3)};
    r.capacity = static_cast<int>(row.Int(4));
    if (auto d = row.OptionalText(5)) {
      if (auto parsed = ParseDate(*d); parsed.ok()) r.valid_from = *parsed;
    }
    if (auto d = row.OptionalText(6)) {
      if (auto parsed = ParseDate(*d); parsed.ok()) r.valid_until = *parsed;
    }
    s.weekly_rules.push_back(r);
  }

  for (const auto& row : tx.Query(
           "SELECT id, start_at, end_at, capacity FROM availability_windows "
           "WHERE calendar_id = ? AND start_at >= ? AND start_at < ? AND end_at > ? ORDER BY start_at",
           {Int(calendar.id), Int(OverlapScanFloor(range.start)), Int(to), Int(from)})) {
    s.one_off_windows.push_back({{FromStored(row.Int(1)), FromStored(row.Int(2))}, static_cast<int>(row.Int(3)), row.Int(0)});
  }

  for (const auto& row : tx.Query(
           "SELECT id, start_at, end_at, status, capacity FROM slots "
           "WHERE calendar_id = ? AND start_at >= ? AND start_at < ? AND end_at > ? AND status <> 'cancelled' "
           "ORDER BY start_at",
           {Int(calendar.id), Int(OverlapScanFloor(range.start - margin)), Int(to + margin.count()),
            Int(from - margin.count())})) {
    s.explicit_slots.push_back({{FromStored(row.Int(1)), FromStored(row.Int(2))}, ParseSlotStatus(row.Text(3)),
                                static_cast<int>(row.Int(4)), row.Int(0)});
  }

  // Blocked hours are kept per local day; the days around the range cover any offset.
  Date first = LocalDate(range.start, calendar.zone);
  Date last = LocalDate(range.end, calendar.zone);
  std::string first_day = FormatDate(Date{date::sys_days{first} - date::days{1}});
  std::string last_day = FormatDate(Date{date::sys_days{last} + date::days{1}});
  for (const auto& row : tx.Query(
           "SELECT local_date, blocked_hours FROM blocked_days WHERE calendar_id = ? AND local_date >= ? AND "
           "local_date <= ? ORDER BY local_date",
           {Int(calendar.id), Text(first_day), Text(last_day)})) {
    auto day = ParseDate(row.Text(0));
    if (!day.ok()) continue;
    for (int h : ParseHours(row.Text(1))) {
      Interval hour{ToUtc(MakeLocal(*day, std::chrono::hours(h)), calendar.zone),
                    ToUtc(MakeLocal(*day, std::chrono::hours(h + 1)), calendar.zone)};
      if (!hour.empty()) s.blocked.push_back(hour);
    }
  }

  const std::int64_t lookback = std::chrono::duration_cast<std::chrono::seconds>(kMaxBookingLength).count();
  for (const auto& row : tx.Query(
           "SELECT start_at, end_at, units FROM bookings WHERE calendar_id = ? AND status IN " +
               std::string(kHoldingStatusesSql) + " AND start_at >= ? AND start_at < ? AND end_at > ? ORDER BY start_at",
           {Int(calendar.id), Int(from - margin.count() - lookback), Int(to + margin.count()),
            Int(from - margin.count())})) {
    s.bookings.push_back({{FromStored(row.Int(0)), FromStored(row.Int(1))}, static_cast<int>(row.Int(2))});
  }
  return s;
}

bool DefinesAvailability(store::Tx& tx, const Calendar& calendar) {
  auto row = tx.QueryOne(
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM weekly_rules WHERE calendar_id = ? AND is_active = 1 AND "
      "is_closed = 0) OR EXISTS (SELECT 1 FROM availability_windows WHERE calendar_id = ?) OR EXISTS (SELECT 1 "
      "FROM slots WHERE calendar_id = ? AND status = 'available') THEN 1 ELSE 0 END",
      {Int(calendar.id), Int(calendar.id), Int(calendar.id)});
  return row && row->Int(0) != 0;
}

void LockCalendars(store::Tx& tx, std::vector<std::int64_t> calendar_ids) {
  if (tx.dialect() == store::Dialect::kSqlite) return;
  std::sort(calendar_ids.begin(), calendar_ids.end());
  calendar_ids.erase(std::unique(calendar_ids.begin(), calendar_ids.end()), calendar_ids.end());
  for (std::int64_t id : calendar_ids) tx.Query("SELECT id FROM calendars WHERE id = ? FOR UPDATE", {Int(id)});
}

// 1 when nothing on the calendar offers more than one place at a time, so PostgreSQL's
// exclusion constraint can refuse an overlapping booking by itself (migration 4). A slot,
// window or rule with a larger capacity leaves it 0: then only the calendar lock guards.
constexpr std::string_view kExclusiveHoldSql =
    "(SELECT CASE WHEN c.capacity = 1 AND NOT EXISTS (SELECT 1 FROM slots s WHERE s.calendar_id = c.id AND "
    "s.capacity > 1) AND NOT EXISTS (SELECT 1 FROM availability_windows w WHERE w.calendar_id = c.id AND "
    "w.capacity > 1) AND NOT EXISTS (SELECT 1 FROM weekly_rules r WHERE r.calendar_id = c.id AND r.capacity > 1) "
    "THEN 1 ELSE 0 END FROM calendars c WHERE c.id = ?)";

BookingRef InsertBooking(store::Tx& tx, const NewBooking& b, Instant now) {
  BookingRef ref;
  ref.uuid = auth::NewUuid();
  auto rows = tx.Query(
      "INSERT INTO bookings (uuid, calendar_id, client_account_id, meeting_id, slot_id, window_id, face, start_at, "
      "end_at, units, status, notes, customer_name, customer_email, customer_phone, created_at, updated_at, "
      "exclusive_hold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " +
          std::string(kExclusiveHoldSql) + ") RETURNING id",
      {Text(ref.uuid), Int(b.calendar_id), OptionalInt(b.client_account_id), OptionalInt(b.meeting_id),
       OptionalInt(b.slot_id), OptionalInt(b.window_id), Text(b.face), Int(ToStored(b.interval.start)),
       Int(ToStored(b.interval.end)), Int(b.units), Text(b.status), store::OptionalText(b.notes),
       store::OptionalText(b.customer_name), store::OptionalText(b.customer_email),
       store::OptionalText(b.customer_phone), Int(ToStored(now)), Int(ToStored(now)), Int(b.calendar_id)});
  ref.id = rows.at(0).Int(0);
  return ref;
}

Result<BookingRef> BookIfOfferedInTx(store::Tx& tx, const Calendar& calendar, const NewBooking& booking,
                                     const OfferPolicy& policy, Instant now) {
  if (booking.interval.empty()) return InvalidArgument("A booking must end after it starts");
  if (booking.interval.length() > kMaxBookingLength) return InvalidArgument("A booking lasts at most 24 hours");
  SlotQuery query = policy.query;
  query.now = now;
  // The snapshot covers the local days around the interval, so per-day limits and
  // open-day windows see their whole day.
  Interval around{booking.interval.start - std::chrono::hours(26), booking.interval.end + std::chrono::hours(26)};
  query.range = around;
  auto margin = std::max(query.buffer_before, query.buffer_after);
  CalendarSnapshot snapshot = LoadSnapshot(tx, calendar, around, margin);
  Status offered = CheckBookable(snapshot.View(policy.undefined_time, policy.default_rules), query, booking.interval);
  if (!offered.ok()) return offered.error();
  try {
    return InsertBooking(tx, booking, now);
  } catch (const store::StoreError& e) {
    // PostgreSQL saw an overlap the check did not (a writer that skipped the calendar
    // lock): the same answer a failed check gives.
    if (e.kind() != store::StoreError::Kind::kExclusionViolation) throw;
    return Conflict("The requested time has reached maximum capacity", "start_time");
  }
}

Result<BookingRef> BookIfOffered(store::Database& db, const NewBooking& booking, const OfferPolicy& policy, Instant now) {
  return db.Write([&](store::Tx& tx) -> Result<BookingRef> {
    auto calendar = FindCalendar(tx, booking.calendar_id);
    if (!calendar.ok()) return calendar.error();
    LockCalendars(tx, {calendar->id});
    return BookIfOfferedInTx(tx, *calendar, booking, policy, now);
  });
}

}  // namespace kairos::service
