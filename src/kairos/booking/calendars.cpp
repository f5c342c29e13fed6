#include "kairos/booking/calendars.hpp"

#include "kairos/store/id_list.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <unordered_map>

#include "kairos/auth/crypto.hpp"
#include "kairos/core/interval_set.hpp"

namespace kairos::booking {
namespace {

using store::Int;
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
  c.zone = ZoneOrUtc(c.timezone);
  return c;
}

Result<Calendar> FindWhere(store::Tx& tx, std::string_view where, store::Value key) {
  auto row = tx.QueryOne("SELECT " + std::string(kCalendarColumns) + " FROM calendars WHERE " + std::string(where),
                         {std::move(key)});
  if (!row) return NotFound("Calendar not found");
  return CalendarFromRow(*row);
}

}  // namespace

std::vector<int> ParseBlockedHours(std::string_view text) {
  std::vector<int> hours;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    int h = -1;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), h);
    if (ec == std::errc() && end == part.data() + part.size() && h >= 0 && h < 24) hours.push_back(h);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return hours;
}

std::string FormatBusyIntervals(const std::vector<Interval>& intervals) {
  std::string out;
  for (const Interval& i : intervals) {
    if (!out.empty()) out += ',';
    out += std::to_string(ToStored(i.start)) + '-' + std::to_string(ToStored(i.end));
  }
  return out;
}

std::vector<Interval> ParseBusyIntervals(std::string_view text) {
  std::vector<Interval> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    // The start may be negative (before 1970), so the separator is the last '-'.
    auto dash = part.rfind('-');
    if (dash == std::string_view::npos || dash == 0) continue;
    std::int64_t a = 0, b = 0;
    auto [ea, ca] = std::from_chars(part.data(), part.data() + dash, a);
    auto [eb, cb] = std::from_chars(part.data() + dash + 1, part.data() + part.size(), b);
    if (ca != std::errc() || cb != std::errc() || ea != part.data() + dash || eb != part.data() + part.size() || b <= a) {
      continue;
    }
    out.push_back({FromStored(a), FromStored(b)});
  }
  return out;
}

namespace {

SlotStatus ParseSlotStatus(std::string_view s) {
  if (s == "booked") return SlotStatus::kBooked;
  if (s == "blocked") return SlotStatus::kBlocked;
  if (s == "cancelled") return SlotStatus::kCancelled;
  return SlotStatus::kAvailable;
}

}  // namespace

Zone ZoneOrUtc(std::string_view name) {
  auto zone = FindZone(name);
  return zone.ok() ? *zone : *FindZone("UTC");
}

Instant ClockNow() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

Interval AroundLocalWeeks(Interval interval) {
  return {interval.start - date::days{8} - std::chrono::hours(2), interval.end + date::days{8} + std::chrono::hours(2)};
}

const HeldTime* CalendarSnapshot::HoldAt(std::size_t index) const {
  if (index < booking_ids.size() && booking_ids[index] != 0) return nullptr;
  for (const HeldTime& h : holds) {
    if (h.index == index) return &h;
  }
  return nullptr;
}

Interval AroundLocalDays(Interval interval) {
  return {interval.start - std::chrono::hours(26), interval.end + std::chrono::hours(26)};
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

// The calendars matching `where` (which ends in "IN") over distinct `ids`, in one query,
// ordered by id.
static std::vector<Calendar> FindIn(store::Tx& tx, std::string_view where, std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<Calendar> out;
  if (ids.empty()) return out;
  const store::IdList in = store::IdsIn(ids);
  for (const auto& row : tx.Query("SELECT " + std::string(kCalendarColumns) + " FROM calendars WHERE " +
                                      std::string(where) + " (" + in.marks + ") ORDER BY id",
                                  in.params)) {
    out.push_back(CalendarFromRow(row));
  }
  return out;
}

std::vector<Calendar> FindCalendars(store::Tx& tx, std::vector<std::int64_t> ids) {
  return FindIn(tx, "id IN", std::move(ids));
}

std::vector<Calendar> FindPersonalCalendars(store::Tx& tx, std::vector<std::int64_t> account_ids) {
  return FindIn(tx, "kind = 'personal' AND owner_account_id IN", std::move(account_ids));
}

std::optional<Calendar> FindPersonalCalendar(store::Tx& tx, std::int64_t account_id) {
  auto c = FindWhere(tx, "owner_account_id = ? AND kind = 'personal'", Int(account_id));
  if (!c.ok()) return std::nullopt;
  return std::move(c).value();
}

Calendar PersonalCalendarOrStandIn(store::Tx& tx, std::int64_t account_id) {
  if (auto existing = FindPersonalCalendar(tx, account_id)) return *existing;
  Calendar stand_in;
  stand_in.owner_account_id = account_id;
  stand_in.kind = "personal";
  if (auto account = tx.QueryOne("SELECT timezone FROM accounts WHERE id = ?", {Int(account_id)})) {
    stand_in.timezone = account->Text(0);
  }
  stand_in.zone = ZoneOrUtc(stand_in.timezone);
  return stand_in;
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

CalendarSnapshot LoadSnapshot(store::Tx& tx, const Calendar& calendar, Interval range, std::chrono::seconds margin,
                              Instant now, OwnWindows windows) {
  return std::move(LoadSnapshots(tx, {&calendar, 1}, range, margin, now, windows).front());
}

std::vector<CalendarSnapshot> LoadSnapshots(store::Tx& tx, std::span<const Calendar> calendars, Interval range,
                                            std::chrono::seconds margin, Instant now, OwnWindows windows) {
  std::vector<CalendarSnapshot> out(calendars.size());
  if (calendars.empty()) return out;
  // Each row goes to the snapshot of its calendar (found by id: a team lists a hundred).
  std::unordered_map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < calendars.size(); ++i) index.emplace(calendars[i].id, i);
  auto of = [&](std::int64_t calendar_id) -> CalendarSnapshot& {
    auto it = index.find(calendar_id);
    if (it == index.end()) throw std::logic_error("row of calendar " + std::to_string(calendar_id) + " not asked for");
    return out[it->second];
  };
  std::string which = calendars.size() == 1 ? "calendar_id = ?" : "calendar_id IN (";
  store::Params ids;
  for (std::size_t i = 0; i < calendars.size(); ++i) {
    out[i].calendar = calendars[i];
    ids.push_back(Int(calendars[i].id));
    if (calendars.size() > 1) which += i == 0 ? "?" : ", ?";
  }
  if (calendars.size() > 1) which += ")";
  auto with = [&](std::initializer_list<store::Value> more) {
    store::Params p = ids;
    p.insert(p.end(), more.begin(), more.end());
    return p;
  };
  const std::int64_t from = ToStored(range.start);
  const std::int64_t to = ToStored(range.end);

  if (windows == OwnWindows::kLoad) {
    for (const auto& row : tx.Query(
             "SELECT id, iso_weekday, start_second, end_second, capacity, valid_from, valid_until, calendar_id FROM "
             "weekly_rules WHERE " + which + " AND is_active = 1 AND is_closed = 0 ORDER BY iso_weekday, start_second",
             ids)) {
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
      of(row.Int(7)).weekly_rules.push_back(r);
    }

    for (const auto& row : tx.Query(
             "SELECT id, start_at, end_at, capacity, calendar_id FROM availability_windows "
             "WHERE " + which + " AND start_at >= ? AND start_at < ? AND end_at > ? ORDER BY start_at",
             with({Int(OverlapScanFloor(range.start)), Int(to), Int(from)}))) {
      of(row.Int(4)).one_off_windows.push_back(
          {{FromStored(row.Int(1)), FromStored(row.Int(2))}, static_cast<int>(row.Int(3)), row.Int(0)});
    }
  }

  for (const auto& row : tx.Query(
           "SELECT id, start_at, end_at, status, capacity, calendar_id FROM slots "
           "WHERE " + which + " AND start_at >= ? AND start_at < ? AND end_at > ? AND status <> 'cancelled' "
           "ORDER BY start_at",
           with({Int(OverlapScanFloor(range.start - margin)), Int(to + margin.count()), Int(from - margin.count())}))) {
    of(row.Int(5)).explicit_slots.push_back({{FromStored(row.Int(1)), FromStored(row.Int(2))},
                                             ParseSlotStatus(row.Text(3)), static_cast<int>(row.Int(4)), row.Int(0)});
  }

  // Blocked hours are kept per local day; the days around the range cover any offset.
  Date first = LocalDate(range.start, calendars[0].zone);
  Date last = LocalDate(range.end, calendars[0].zone);
  for (const Calendar& c : calendars) {
    first = std::min(first, LocalDate(range.start, c.zone));
    last = std::max(last, LocalDate(range.end, c.zone));
  }
  std::string first_day = FormatDate(Date{date::sys_days{first} - date::days{1}});
  std::string last_day = FormatDate(Date{date::sys_days{last} + date::days{1}});
  for (const auto& row : tx.Query(
           "SELECT local_date, blocked_hours, calendar_id FROM blocked_days WHERE " + which +
               " AND local_date >= ? AND local_date <= ? ORDER BY local_date",
           with({Text(first_day), Text(last_day)}))) {
    auto day = ParseDate(row.Text(0));
    if (!day.ok()) continue;
    CalendarSnapshot& s = of(row.Int(2));
    for (int h : ParseBlockedHours(row.Text(1))) {
      Interval hour{ToUtc(MakeLocal(*day, std::chrono::hours(h)), s.calendar.zone),
                    ToUtc(MakeLocal(*day, std::chrono::hours(h + 1)), s.calendar.zone)};
      if (!hour.empty()) s.blocked.push_back(hour);
    }
  }

  // The owners' busy time from their connected calendars, in one query for all of them.
  {
    std::unordered_map<std::int64_t, std::vector<std::size_t>> by_owner;
    store::Params owners;
    std::string marks;
    for (std::size_t i = 0; i < calendars.size(); ++i) {
      if (calendars[i].owner_account_id == 0) continue;
      auto& list = by_owner[calendars[i].owner_account_id];
      if (list.empty()) {
        owners.push_back(Int(calendars[i].owner_account_id));
        marks += marks.empty() ? "?" : ", ?";
      }
      list.push_back(i);
    }
    if (!owners.empty()) {
      const Interval wide{range.start - margin, range.end + margin};
      for (const auto& row : tx.Query(
               "SELECT k.account_id, b.intervals FROM calendar_busy b JOIN calendar_connections k ON k.id = "
               "b.connection_id WHERE k.busy = 1 AND k.account_id IN (" + marks + ") ORDER BY k.id",
               owners)) {
        for (const Interval& i : ParseBusyIntervals(row.Text(1))) {
          if (!i.Overlaps(wide)) continue;
          for (std::size_t at : by_owner[row.Int(0)]) out[at].busy.push_back(i);
        }
      }
      for (CalendarSnapshot& s : out) {
        if (s.busy.empty()) continue;
        s.busy = IntervalSet::Of(std::move(s.busy)).intervals();
        s.blocked.insert(s.blocked.end(), s.busy.begin(), s.busy.end());
      }
    }
  }

  const std::int64_t lookback = std::chrono::duration_cast<std::chrono::seconds>(kMaxBookingLength).count();
  for (const auto& row : tx.Query(
           "SELECT start_at, end_at, units, id, calendar_id FROM bookings WHERE " + which + " AND status IN " +
               std::string(kHoldingStatusesSql) + " AND start_at >= ? AND start_at < ? AND end_at > ? ORDER BY calendar_id, start_at",
           with({Int(from - margin.count() - lookback), Int(to + margin.count()), Int(from - margin.count())}))) {
    CalendarSnapshot& s = of(row.Int(4));
    s.bookings.push_back({{FromStored(row.Int(0)), FromStored(row.Int(1))}, static_cast<int>(row.Int(2))});
    s.booking_ids.push_back(row.Int(3));
  }

  // Holds that have not expired: one unit each, after the bookings.
  for (const auto& row : tx.Query(
           "SELECT start_at, end_at, units, uuid, event_type_id, calendar_id FROM holds WHERE " + which +
               " AND expires_at > ? AND start_at >= ? AND start_at < ? AND end_at > ? ORDER BY start_at",
           with({Int(ToStored(now)), Int(from - margin.count() - lookback), Int(to + margin.count()),
                 Int(from - margin.count())}))) {
    CalendarSnapshot& s = of(row.Int(5));
    s.holds.push_back({row.Text(3), row.Int(4), s.bookings.size()});
    s.bookings.push_back({{FromStored(row.Int(0)), FromStored(row.Int(1))}, static_cast<int>(row.Int(2))});
    s.booking_ids.push_back(0);
  }
  return out;
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

}  // namespace kairos::booking
