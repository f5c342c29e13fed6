#include "kairos/service/businesses.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include "kairos/auth/crypto.hpp"
#include "kairos/auth/policy.hpp"
#include "kairos/booking/booking.hpp"
#include "kairos/booking/events.hpp"
#include "kairos/core/free_time.hpp"
#include "kairos/service/accounts.hpp"

namespace kairos::service {

using namespace kairos::booking;  // calendars, snapshots and the booking path
namespace {

using namespace std::chrono_literals;
using store::Int;
using store::Text;

constexpr std::string_view kExchangeColumns =
    "SELECT id, uuid, owner_account_id, name, description, timezone, capacity, created_at, updated_at "
    "FROM calendars WHERE kind = 'business'";

constexpr std::string_view kBookingSelect =
    "SELECT b.uuid, b.status, b.customer_name, b.customer_email, b.customer_phone, b.notes, b.created_at, "
    "b.updated_at, u.uuid, u.username, u.first_name, u.last_name, c.id, c.uuid, c.name, s.uuid, s.start_at, "
    "s.end_at, b.client_account_id, c.owner_account_id FROM bookings b JOIN calendars c ON c.id = b.calendar_id "
    "LEFT JOIN accounts u ON u.id = b.client_account_id LEFT JOIN slots s ON s.id = b.slot_id "
    "WHERE b.face = 'business'";

// Whoever may see or act on a booking: its booker and the exchange's owner.
struct StoredBooking {
  ExchangeBooking booking;
  std::int64_t calendar_id = 0;
  std::optional<std::int64_t> booker_id;
  std::int64_t owner_id = 0;
};

Error NotFoundError() { return NotFound("Not found."); }
Error PermissionDenied() { return Forbidden("You do not have permission to perform this action."); }

std::string Trim(const std::string& s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string DayName(int iso_weekday) { return std::string(WeekdayName(iso_weekday)); }

Calendar CalendarOf(const Exchange& e) {
  Calendar c;
  c.id = e.id;
  c.uuid = e.uuid;
  c.owner_account_id = e.owner_account_id;
  c.kind = "business";
  c.name = e.business_name;
  c.description = e.description;
  c.timezone = e.timezone;
  c.zone = ZoneOrUtc(e.timezone);
  c.capacity = e.default_capacity;
  return c;
}

std::optional<Exchange> LoadExchangeWhere(store::Tx& tx, std::string_view where, store::Value key) {
  auto row = tx.QueryOne(std::string(kExchangeColumns) + " AND " + std::string(where), {std::move(key)});
  if (!row) return std::nullopt;
  Exchange e;
  e.id = row->Int(0);
  e.uuid = row->Text(1);
  e.owner_account_id = row->Int(2);
  e.business_name = row->Text(3);
  e.description = row->Text(4);
  e.timezone = row->Text(5);
  e.default_capacity = static_cast<int>(row->Int(6));
  e.created_at = FromStored(row->Int(7));
  e.updated_at = FromStored(row->Int(8));
  for (const auto& h : tx.Query(
           "SELECT uuid, iso_weekday, start_second, end_second, is_closed FROM weekly_rules WHERE calendar_id = ? "
           "ORDER BY iso_weekday",
           {Int(e.id)})) {
    OpeningHours o;
    o.uuid = h.Text(0);
    o.day_of_week = static_cast<int>(h.Int(1));
    o.is_closed = h.Bool(4);
    if (!o.is_closed) {
      o.open_time = TimeOfDay{h.Int(2)};
      o.close_time = TimeOfDay{h.Int(3)};
    }
    e.operating_hours.push_back(o);
  }
  return e;
}

std::optional<Exchange> LoadExchange(store::Tx& tx, std::string_view uuid) {
  return LoadExchangeWhere(tx, "uuid = ?", Text(std::string(uuid)));
}

// The hours of one weekday, when the exchange is open that day.
std::optional<OpeningHours> OpenHoursOn(const Exchange& e, int iso_weekday) {
  for (const OpeningHours& h : e.operating_hours) {
    if (h.day_of_week == iso_weekday && !h.is_closed) return h;
  }
  return std::nullopt;
}

Status ValidateHours(const std::vector<OpeningHours>& hours) {
  std::array<bool, 8> seen{};
  for (const OpeningHours& h : hours) {
    if (h.day_of_week < 1 || h.day_of_week > 7) {
      return InvalidArgument("day_of_week must be between 1 (Monday) and 7 (Sunday).", "operating_hours");
    }
    std::string day = DayName(h.day_of_week);
    if (seen[h.day_of_week]) {
      return InvalidArgument(day + " is listed more than once; give one entry per day.", "operating_hours");
    }
    seen[h.day_of_week] = true;
    if (h.is_closed) continue;
    if (!h.open_time || !h.close_time) {
      return InvalidArgument(day + ": open_time and close_time are required unless is_closed is true.",
                             "operating_hours");
    }
    if (*h.close_time <= *h.open_time) {
      return InvalidArgument(day + ": close_time must be after open_time.", "operating_hours");
    }
  }
  return {};
}

Status ValidateExchange(const ExchangeInput& in, bool creating) {
  if (creating && !in.business_name) return InvalidArgument("This field is required.", "business_name");
  if (in.business_name && Trim(*in.business_name).empty()) {
    return InvalidArgument("This field may not be blank.", "business_name");
  }
  if (in.timezone) {
    auto zone = FindZone(*in.timezone, "timezone");
    if (!zone.ok()) return zone.error();
  }
  if (in.default_capacity && (*in.default_capacity < 1 || *in.default_capacity > kMaxSlotCapacity)) {
    return InvalidArgument("Ensure default_capacity is between 1 and " + std::to_string(kMaxSlotCapacity) + ".",
                           "default_capacity");
  }
  if (in.operating_hours) return ValidateHours(*in.operating_hours);
  return {};
}

void ReplaceHours(store::Tx& tx, std::int64_t calendar_id, const std::vector<OpeningHours>& hours, int capacity,
                  Instant now) {
  tx.Exec("DELETE FROM weekly_rules WHERE calendar_id = ?", {Int(calendar_id)});
  for (const OpeningHours& h : hours) {
    tx.Exec(
        "INSERT INTO weekly_rules (uuid, calendar_id, iso_weekday, start_second, end_second, is_closed, capacity, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Text(auth::NewUuid()), Int(calendar_id), Int(h.day_of_week), Int(h.is_closed ? 0 : h.open_time->count()),
         Int(h.is_closed ? 0 : h.close_time->count()), store::Bool(h.is_closed), Int(capacity), Int(ToStored(now)),
         Int(ToStored(now))});
  }
}

// Face 003's reading of an exchange: its opening hours at the default capacity lay the
// slot grid (or, for a day's listing, only that day's opening window does), and its
// available time slots set the capacity where they lie without laying a grid or making
// time busy. The listings and booking all read it through this policy, so they cannot
// disagree.
struct ExchangeReading {
  std::vector<WeeklyRule> hours;
  std::vector<OneOffWindow> opening;
  std::vector<OneOffWindow> capacities;
};

kairos::booking::Policy ExchangePolicy(const Calendar& calendar, std::optional<Interval> opening = std::nullopt) {
  auto reading = std::make_shared<ExchangeReading>();
  if (opening) reading->opening.push_back({*opening, calendar.capacity, 0});
  kairos::booking::Policy p;
  if (opening) p.own_windows = OwnWindows::kSkip;  // the day's opening window is the only one
  p.shape = [reading, day_only = opening.has_value(), capacity = calendar.capacity](const CalendarSnapshot& snapshot,
                                                                                     CalendarAvailability& view) {
    reading->capacities.clear();
    for (const ExplicitSlot& s : snapshot.explicit_slots) {
      if (s.status == SlotStatus::kAvailable) reading->capacities.push_back({s.interval, s.capacity, s.id});
    }
    view.explicit_slots = {};
    view.capacity_overrides = reading->capacities;
    if (day_only) {
      view.weekly_rules = {};  // other days' hours lay no slots here, even where they overlap
      view.one_off_windows = reading->opening;
      return;
    }
    // Hours are stored with the capacity they were written with; the default may have changed since.
    reading->hours = snapshot.weekly_rules;
    for (WeeklyRule& r : reading->hours) r.capacity = capacity;
    view.weekly_rules = reading->hours;
  };
  return p;
}

// What `interval` has left now, when the listing with that slot length lists it at all
// (available or not); nullopt when it is off the listing's grid.
std::optional<int> ListedRemaining(const CalendarAvailability& view, Interval interval, Instant now) {
  SlotQuery q;
  q.range = interval;
  q.duration = interval.length();
  q.now = now;
  q.include_unavailable = true;
  auto slots = FreeSlots(view, q);
  if (!slots.ok()) return std::nullopt;
  for (const Slot& s : *slots) {
    if (s.interval == interval) return s.remaining_capacity;
  }
  return std::nullopt;
}

std::string DisplayNameAt(const store::Row& row, std::size_t username_at) {
  return DisplayName(row.OptionalText(username_at + 1).value_or(""), row.OptionalText(username_at + 2).value_or(""),
                     row.OptionalText(username_at).value_or(""));
}

StoredBooking BookingFromRow(const store::Row& row) {
  StoredBooking s;
  ExchangeBooking& b = s.booking;
  b.uuid = row.Text(0);
  b.status = row.Text(1);
  b.customer_name = row.OptionalText(2).value_or("");
  b.customer_email = row.OptionalText(3).value_or("");
  b.customer_phone = row.OptionalText(4);
  b.notes = row.OptionalText(5);
  b.created_at = FromStored(row.Int(6));
  b.updated_at = FromStored(row.Int(7));
  b.user_uuid = row.OptionalText(8);
  if (b.user_uuid) b.user_name = DisplayNameAt(row, 9);
  s.calendar_id = row.Int(12);
  b.exchange_uuid = row.Text(13);
  b.exchange_name = row.Text(14);
  s.booker_id = row.OptionalInt(18);
  s.owner_id = row.Int(19);
  return s;
}

// What a caller that has just booked knows of the booking's exchange and slot.
struct KnownSlot {
  const Calendar& calendar;
  int remaining = 0;
};

// The bookings of these rows with their time slots' details. What the slots have left is
// computed from the snapshots of all the page's exchanges, loaded together, so a page
// costs the same number of queries however many rows and exchanges it has. `known`, when
// the caller has it (one row of that calendar), spares loading the calendar at all.
std::vector<StoredBooking> BookingsFromRows(store::Tx& tx, const std::vector<store::Row>& rows, Instant now,
                                            std::optional<KnownSlot> known = std::nullopt) {
  std::vector<StoredBooking> out;
  out.reserve(rows.size());
  std::vector<std::int64_t> ids;
  for (const auto& row : rows) {
    out.push_back(BookingFromRow(row));
    ids.push_back(out.back().calendar_id);
  }
  std::vector<Calendar> calendars = known ? std::vector<Calendar>{known->calendar} : FindCalendars(tx, ids);
  // The time all the rows' slots span (a page lists a stretch of time, newest first).
  std::optional<Interval> span;
  for (const auto& row : rows) {
    if (row.IsNull(15)) continue;
    Interval slot{FromStored(row.Int(16)), FromStored(row.Int(17))};
    span = span ? Interval{std::min(span->start, slot.start), std::max(span->end, slot.end)} : slot;
  }
  if (!span) return out;
  std::vector<CalendarSnapshot> snapshots;
  if (!known) snapshots = LoadSnapshots(tx, calendars, *span);
  for (std::size_t k = 0; k < calendars.size(); ++k) {
    const Calendar& calendar = calendars[k];
    kairos::booking::Policy policy = ExchangePolicy(calendar);
    std::optional<CalendarAvailability> view;
    if (!known) view = kairos::booking::ViewOf(snapshots[k], policy);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (out[i].calendar_id != calendar.id || rows[i].IsNull(15)) continue;
      Interval interval{FromStored(rows[i].Int(16)), FromStored(rows[i].Int(17))};
      LocalDateTime start = ToLocal(interval.start, calendar.zone);
      LocalDateTime end = ToLocal(interval.end, calendar.zone);
      int remaining = known ? known->remaining : ListedRemaining(*view, interval, now).value_or(0);
      out[i].booking.time_slot =
          TimeSlotDetails{rows[i].Text(15), DateOf(start), TimeOfDayOf(start), TimeOfDayOf(end), remaining};
    }
  }
  return out;
}

std::optional<StoredBooking> LoadBooking(store::Tx& tx, std::string_view uuid, Instant now,
                                         std::optional<KnownSlot> known = std::nullopt) {
  auto rows = tx.Query(std::string(kBookingSelect) + " AND b.uuid = ?", {Text(std::string(uuid))});
  if (rows.empty()) return std::nullopt;
  return BookingsFromRows(tx, rows, now, known).front();
}

bool MayActOn(const auth::Principal& caller, const StoredBooking& s) {
  std::vector<std::int64_t> parties{s.owner_id};
  if (s.booker_id) parties.push_back(*s.booker_id);
  return auth::RequireAnyOf(caller, parties).ok();
}

Status CheckPage(const PageQuery& p) {
  if (p.page < 1) return NotFound("Invalid page.");
  if (p.page_size < 1 || p.page_size > kMaxExchangePageSize) {
    return InvalidArgument("page_size must be between 1 and " + std::to_string(kMaxExchangePageSize) + ".",
                           "page_size");
  }
  return {};
}

Status CheckSlotMinutes(std::int64_t minutes, std::string_view field) {
  if (minutes < kMinSlotMinutes || minutes > kMaxSlotMinutes) {
    return InvalidArgument("Ensure " + std::string(field) + " is between " + std::to_string(kMinSlotMinutes) +
                               " and " + std::to_string(kMaxSlotMinutes) + " minutes.",
                           std::string(field));
  }
  return {};
}

// A plausible address: one '@', a local part, a dotted domain, no spaces or controls.
bool IsEmail(std::string_view s) {
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view domain = s.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size() || domain.front() == '.') return false;
  return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

Status ValidateBookingFields(const NewExchangeBooking& in) {
  if (Trim(in.customer_name).empty()) return InvalidArgument("This field may not be blank.", "customer_name");
  if (!IsEmail(in.customer_email)) return InvalidArgument("Enter a valid email address.", "customer_email");
  return {};
}

// The real time of `day`'s opening hours, each end read by RFC 5545 (a local time in a
// gap means the time after it): hours that close inside a gap at the end of the day close
// after local midnight. Empty when the gap swallows the whole opening.
Interval OpeningWindow(const OpeningHours& hours, Date day, Zone zone) {
  return {ToUtc(MakeLocal(day, *hours.open_time), zone), ToUtc(MakeLocal(day, *hours.close_time), zone)};
}

// The time of day that names `t` on `day`, when there is one: a time whose instant on that
// day (by RFC 5545) is `t`. That is the wall clock at `t` when `t` falls on `day`; past
// midnight after a gap at the day's end it is the day's own skipped reading (Saturday
// 23:30 for Sunday 00:30). The second pass through a repeated hour has no name: its
// wall-clock reading names the first pass.
std::optional<TimeOfDay> NameOn(Date day, Instant t, Zone zone) {
  Interval bounds = LocalDayBounds(day, zone);
  for (Instant reading_at : {t, bounds.start, bounds.end - 1s}) {
    LocalDateTime local{(t + UtcOffset(reading_at, zone)).time_since_epoch()};
    if (DateOf(local) == day && ToUtc(local, zone) == t) return TimeOfDayOf(local);
  }
  return std::nullopt;
}

// One slot of a day's listing: its real time, the times that name it on that day, and
// what it has left now (0 once it has started).
struct ListedSlot {
  Interval interval;
  TimeOfDay start_time{};
  TimeOfDay end_time{};
  int remaining = 0;
};

// A day's listing, decided in real time: slots of `length` real minutes laid by the
// engine from the day's opening time over that day's opening window only (so a slot
// belongs to the day whose hours laid it, even past midnight), keeping those whose start
// and end have names on the day. The listing shows and booking accepts exactly these.
// `snapshot` is the exchange's over the day's (non-empty) opening `window`.
Result<std::vector<ListedSlot>> DayListing(const CalendarSnapshot& snapshot, Interval window, Date day,
                                           std::chrono::seconds length, Instant now) {
  const Calendar& calendar = snapshot.calendar;
  kairos::booking::Policy policy = ExchangePolicy(calendar, window);
  SlotQuery query;
  query.range = window;
  query.duration = length;
  query.include_unavailable = true;
  query.now = now;
  auto slots = FreeSlots(kairos::booking::ViewOf(snapshot, policy), query);
  if (!slots.ok()) return slots.error();
  std::vector<ListedSlot> out;
  for (const Slot& s : *slots) {
    auto start = NameOn(day, s.interval.start, calendar.zone);
    auto end = NameOn(day, s.interval.end, calendar.zone);
    if (!start || !end || *end <= *start) continue;
    out.push_back({s.interval, *start, *end, s.remaining_capacity});
  }
  return out;
}

// The same, loading the day's snapshot.
Result<std::vector<ListedSlot>> DayListing(store::Tx& tx, const Calendar& calendar, const OpeningHours& hours,
                                           Date day, std::chrono::seconds length, Instant now) {
  Interval window = OpeningWindow(hours, day, calendar.zone);
  if (window.empty()) return std::vector<ListedSlot>{};
  return DayListing(LoadFor(tx, calendar, window, ExchangePolicy(calendar, window), now), window, day, length, now);
}

// The document's checks, in its order, in real time: `interval` is the requested local
// times of the date, read by RFC 5545. The day's listing then decides the slot grid and
// capacity.
Status CheckAgainstHours(const Exchange& e, const NewExchangeBooking& in, Interval interval, Zone zone,
                         Instant now) {
  if (in.end_time <= in.start_time || interval.empty()) {
    return InvalidArgument("End time must be after start time.", "end_time");
  }
  if (interval.start < now) return InvalidArgument("Cannot book a time slot in the past.", "date");
  int weekday = IsoWeekday(in.date);
  auto hours = OpenHoursOn(e, weekday);
  if (!hours) return InvalidArgument("Exchange is closed on " + DayName(weekday) + ".", "date");
  if (!OpeningWindow(*hours, in.date, zone).Contains(interval)) {
    return InvalidArgument("Time must be within business hours (" + FormatHourMinute(*hours->open_time) + " - " +
                               FormatHourMinute(*hours->close_time) + ").",
                           "start_time");
  }
  auto length = interval.length();
  if (length < std::chrono::minutes(kMinSlotMinutes) || length > std::chrono::minutes(kMaxSlotMinutes) ||
      length % 60s != 0s) {
    return InvalidArgument("A booking must last a whole number of minutes between " +
                               std::to_string(kMinSlotMinutes) + " and " + std::to_string(kMaxSlotMinutes) + ".",
                           "end_time");
  }
  return {};
}

Error OffGrid(const OpeningHours& hours, Interval interval) {
  return InvalidArgument("Time must start on a " + std::to_string(interval.length() / 1min) + "-minute slot from " +
                             FormatHourMinute(*hours.open_time) + " (as available_slots lists them).",
                         "start_time");
}

// The time slot of exactly `interval`, created if there is none. A new slot takes the
// largest capacity of the slots it overlaps, or the exchange's default, so creating it
// does not change what the exchange offers. `day` is the exchange's snapshot over a
// window holding `interval`, so it holds every slot that overlaps it.
std::int64_t SlotFor(store::Tx& tx, const CalendarSnapshot& day, Interval interval, Instant now) {
  const Calendar& calendar = day.calendar;
  std::optional<std::int64_t> existing;
  std::optional<int> overlapping;
  for (const ExplicitSlot& s : day.explicit_slots) {
    if (s.status != SlotStatus::kAvailable || !s.interval.Overlaps(interval)) continue;
    if (s.interval == interval && (!existing || s.id < *existing)) existing = s.id;
    overlapping = std::max(overlapping.value_or(s.capacity), s.capacity);
  }
  if (existing) return *existing;
  int capacity = overlapping.value_or(calendar.capacity);
  auto rows = tx.Query(
      "INSERT INTO slots (uuid, calendar_id, start_at, end_at, timezone, status, capacity, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, 'available', ?, ?, ?) RETURNING id",
      {Text(auth::NewUuid()), Int(calendar.id), Int(ToStored(interval.start)), Int(ToStored(interval.end)),
       Text(calendar.timezone), Int(capacity), Int(ToStored(now)), Int(ToStored(now))});
  return rows.at(0).Int(0);
}

}  // namespace

Result<Exchange> Businesses::CreateExchange(const auth::Principal& caller, const ExchangeInput& in, Instant now) {
  if (Status s = ValidateExchange(in, true); !s) return s.error();
  return db_.Write([&](store::Tx& tx) -> Result<Exchange> {
    std::string uuid = auth::NewUuid();
    int capacity = static_cast<int>(in.default_capacity.value_or(1));
    auto rows = tx.Query(
        "INSERT INTO calendars (uuid, owner_account_id, kind, name, description, timezone, capacity, created_at, "
        "updated_at) VALUES (?, ?, 'business', ?, ?, ?, ?, ?, ?) RETURNING id",
        {Text(uuid), Int(caller.account_id), Text(Trim(*in.business_name)), Text(in.description.value_or("")),
         Text(in.timezone.value_or("UTC")), Int(capacity), Int(ToStored(now)), Int(ToStored(now))});
    if (in.operating_hours) ReplaceHours(tx, rows.at(0).Int(0), *in.operating_hours, capacity, now);
    return *LoadExchange(tx, uuid);
  });
}

Result<PageOf<Exchange>> Businesses::ListExchanges(const auth::Principal& caller, const PageQuery& page) {
  if (Status s = CheckPage(page); !s) return s.error();
  bool all = auth::IsAdmin(caller);
  return db_.Read([&](store::Tx& tx) -> Result<PageOf<Exchange>> {
    PageOf<Exchange> out;
    std::string where = all ? "" : " AND owner_account_id = ?";
    store::Params params;
    if (!all) params.push_back(Int(caller.account_id));
    out.count = tx.QueryOne("SELECT COUNT(*) FROM calendars WHERE kind = 'business'" + where, params)->Int(0);
    if ((page.page - 1) * page.page_size >= out.count && page.page > 1) return NotFound("Invalid page.");
    params.push_back(Int(page.page_size));
    params.push_back(Int((page.page - 1) * page.page_size));
    for (const auto& row : tx.Query("SELECT uuid FROM calendars WHERE kind = 'business'" + where +
                                        " ORDER BY id LIMIT ? OFFSET ?",
                                    params)) {
      out.items.push_back(*LoadExchange(tx, row.Text(0)));
    }
    return out;
  });
}

Result<Exchange> Businesses::GetExchange(const auth::Principal& caller, std::string_view uuid) {
  return db_.Read([&](store::Tx& tx) -> Result<Exchange> {
    auto e = LoadExchange(tx, uuid);
    if (!e || !auth::RequireSelfOrAdmin(caller, e->owner_account_id)) return NotFoundError();
    return *e;
  });
}

Result<Exchange> Businesses::UpdateExchange(const auth::Principal& caller, std::string_view uuid,
                                            const ExchangeInput& in, Instant now) {
  return db_.Write([&](store::Tx& tx) -> Result<Exchange> {
    auto e = LoadExchange(tx, uuid);
    if (!e || !auth::RequireSelfOrAdmin(caller, e->owner_account_id)) return NotFoundError();
    if (Status s = ValidateExchange(in, false); !s) return s.error();
    LockCalendars(tx, {e->id});
    int capacity = static_cast<int>(in.default_capacity.value_or(e->default_capacity));
    tx.Exec(
        "UPDATE calendars SET name = ?, description = ?, timezone = ?, capacity = ?, updated_at = ? WHERE id = ?",
        {Text(in.business_name ? Trim(*in.business_name) : e->business_name),
         Text(in.description.value_or(e->description)), Text(in.timezone.value_or(e->timezone)), Int(capacity),
         Int(ToStored(now)), Int(e->id)});
    if (in.operating_hours) ReplaceHours(tx, e->id, *in.operating_hours, capacity, now);
    return *LoadExchange(tx, uuid);
  });
}

Status Businesses::DeleteExchange(const auth::Principal& caller, std::string_view uuid) {
  return db_.Write([&](store::Tx& tx) -> Status {
    auto e = LoadExchange(tx, uuid);
    if (!e || !auth::RequireSelfOrAdmin(caller, e->owner_account_id)) return NotFoundError();
    // Its bookings go with it: each one still holding its time is announced cancelled.
    booking::RecordCalendarDeleted(tx, e->id, booking::ClockNow());
    tx.Exec("DELETE FROM calendars WHERE id = ?", {Int(e->id)});
    return {};
  });
}

Result<DayAvailability> Businesses::AvailableSlots(std::string_view exchange_uuid, std::optional<Date> date,
                                                   std::int64_t slot_minutes, Instant now) {
  if (Status s = CheckSlotMinutes(slot_minutes, "slot_duration"); !s) return s.error();
  return db_.Read([&](store::Tx& tx) -> Result<DayAvailability> {
    auto e = LoadExchange(tx, exchange_uuid);
    if (!e) return InvalidArgument("Exchange not found.", "exchange");
    Calendar calendar = CalendarOf(*e);
    DayAvailability out;
    out.exchange_uuid = e->uuid;
    out.business_name = e->business_name;
    out.date = date.value_or(LocalDate(now, calendar.zone));
    out.day_of_week = IsoWeekday(out.date);
    out.slot_minutes = static_cast<int>(slot_minutes);
    if (!OpenHoursOn(*e, out.day_of_week)) {
      out.closed_message = "Exchange is closed on " + DayName(out.day_of_week) + ".";
      return out;
    }
    auto slots = DayListing(tx, calendar, *OpenHoursOn(*e, out.day_of_week), out.date,
                            std::chrono::minutes(slot_minutes), now);
    if (!slots.ok()) return slots.error();
    for (const ListedSlot& s : *slots) {
      out.slots.push_back({s.start_time, s.end_time, s.remaining >= 1, s.remaining});
    }
    return out;
  });
}

Result<ExchangeBooking> Businesses::Book(const auth::Principal& caller, const NewExchangeBooking& in, Instant now) {
  if (Status s = ValidateBookingFields(in); !s) return s.error();
  return db_.Write([&](store::Tx& tx) -> Result<ExchangeBooking> {
    auto e = LoadExchange(tx, in.exchange_uuid);
    if (!e) return InvalidArgument("Exchange not found.", "exchange");
    Calendar calendar = CalendarOf(*e);
    LockCalendars(tx, {calendar.id});
    Interval interval{ToUtc(MakeLocal(in.date, in.start_time), calendar.zone),
                      ToUtc(MakeLocal(in.date, in.end_time), calendar.zone)};
    if (Status s = CheckAgainstHours(*e, in, interval, calendar.zone, now); !s) return s.error();

    // Accepted exactly when the date's listing of slots this long lists it with a place left.
    // The day is loaded once, under the lock: the listing words the answer and the booking
    // path judges the same snapshot.
    const OpeningHours& hours = *OpenHoursOn(*e, IsoWeekday(in.date));
    Interval window = OpeningWindow(hours, in.date, calendar.zone);  // holds `interval` (checked above)
    kairos::booking::Policy policy = ExchangePolicy(calendar, window);
    CalendarSnapshot day = LoadFor(tx, calendar, window, policy, now);
    auto listing = DayListing(day, window, in.date, interval.length(), now);
    if (!listing.ok()) return listing.error();
    auto listed = std::find_if(listing->begin(), listing->end(),
                               [&](const ListedSlot& s) { return s.interval == interval; });
    if (listed == listing->end()) return OffGrid(hours, interval);
    const Error full = InvalidArgument("This time slot has reached maximum capacity.", "time_slot");
    if (listed->remaining < 1) return full;
    int remaining = listed->remaining;
    std::int64_t slot_id = SlotFor(tx, day, interval, now);
    NewBooking booking;
    booking.calendar_id = calendar.id;
    booking.face = "business";
    booking.interval = interval;
    booking.client_account_id = caller.account_id;
    booking.slot_id = slot_id;
    booking.customer_name = Trim(in.customer_name);
    booking.customer_email = in.customer_email;
    booking.customer_phone = in.customer_phone;
    booking.notes = in.notes;
    // The listing above words the refusals; the booking path decides on the same snapshot
    // under the same reading of the exchange (and keeps PostgreSQL's last defence). The
    // slot SlotFor may have created since keeps what the exchange offered, so the snapshot
    // still says what the exchange offers there.
    auto booked = kairos::booking::BookOn(tx, {&booking, 1}, policy, now, {&day, 1});
    if (!booked.ok()) return full;
    // The booking takes one place over all of its slot, and a new slot keeps the capacity
    // the exchange already offered there: one place fewer than was checked.
    return LoadBooking(tx, booked.bookings.front().uuid, now, KnownSlot{calendar, remaining - 1})->booking;
  });
}

Result<PageOf<ExchangeBooking>> Businesses::ListBookings(const auth::Principal& caller, const BookingFilter& filter,
                                                         Instant now) {
  if (Status s = CheckPage(filter.page); !s) return s.error();
  if (filter.status && (!ParseBookingStatus(*filter.status) || *filter.status == BookingStatusName(BookingStatus::kActive))) {
    return InvalidArgument("Select a valid choice: pending, confirmed, completed or cancelled.", "status");
  }
  std::string where;
  store::Params params;
  if (!auth::IsAdmin(caller)) {
    where += " AND (b.client_account_id = ? OR c.owner_account_id = ?)";
    params.push_back(Int(caller.account_id));
    params.push_back(Int(caller.account_id));
  }
  if (filter.exchange_uuid) {
    where += " AND c.uuid = ?";
    params.push_back(Text(*filter.exchange_uuid));
  }
  if (filter.status) {
    where += " AND b.status = ?";
    params.push_back(Text(*filter.status));
  }
  return db_.Read([&](store::Tx& tx) -> Result<PageOf<ExchangeBooking>> {
    PageOf<ExchangeBooking> out;
    out.count = tx.QueryOne("SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.id = b.calendar_id "
                            "WHERE b.face = 'business'" + where,
                            params)
                    ->Int(0);
    const PageQuery& page = filter.page;
    if ((page.page - 1) * page.page_size >= out.count && page.page > 1) return NotFound("Invalid page.");
    store::Params paged = params;
    paged.push_back(Int(page.page_size));
    paged.push_back(Int((page.page - 1) * page.page_size));
    auto rows = tx.Query(std::string(kBookingSelect) + where + " ORDER BY b.start_at DESC, b.id DESC LIMIT ? OFFSET ?",
                         paged);
    for (StoredBooking& b : BookingsFromRows(tx, rows, now)) out.items.push_back(std::move(b.booking));
    return out;
  });
}

Result<ExchangeBooking> Businesses::GetBooking(const auth::Principal& caller, std::string_view uuid, Instant now) {
  return db_.Read([&](store::Tx& tx) -> Result<ExchangeBooking> {
    auto stored = LoadBooking(tx, uuid, now);
    if (!stored || !MayActOn(caller, *stored)) return NotFoundError();
    return stored->booking;
  });
}

Result<ExchangeBooking> Businesses::CancelBooking(const auth::Principal& caller, std::string_view uuid, Instant now) {
  return db_.Write([&](store::Tx& tx) -> Result<ExchangeBooking> {
    auto stored = LoadBooking(tx, uuid, now);
    if (!stored || !MayActOn(caller, *stored)) return NotFoundError();
    if (!HoldsCapacity(stored->booking.status)) {
      return InvalidArgument("Only pending or confirmed bookings can be cancelled; this one is " +
                                 stored->booking.status + ".",
                             "status");
    }
    LockCalendars(tx, {stored->calendar_id});
    auto id = tx.QueryOne("SELECT id FROM bookings WHERE uuid = ?", {Text(std::string(uuid))})->Int(0);
    if (auto set = kairos::booking::SetStatus(tx, id, BookingStatus::kCancelled, now); !set.ok()) return set.error();
    return LoadBooking(tx, uuid, now)->booking;
  });
}

Result<GeneratedSlots> Businesses::GenerateSlots(const auth::Principal& caller, const SlotGeneration& in,
                                                 Instant now) {
  if (Status s = CheckSlotMinutes(in.slot_minutes, "slot_duration_minutes"); !s) return s.error();
  if (in.max_capacity && (*in.max_capacity < 1 || *in.max_capacity > kMaxSlotCapacity)) {
    return InvalidArgument("Ensure max_capacity is between 1 and " + std::to_string(kMaxSlotCapacity) + ".",
                           "max_capacity");
  }
  date::sys_days first{in.start_date};
  date::sys_days last{in.end_date};
  if (last < first) return InvalidArgument("end_date must not be before start_date.", "end_date");
  if (last - first >= date::days{kMaxGenerateDays}) {
    return InvalidArgument("The range may span at most " + std::to_string(kMaxGenerateDays) + " days.", "end_date");
  }
  return db_.Write([&](store::Tx& tx) -> Result<GeneratedSlots> {
    auto e = LoadExchange(tx, in.exchange_uuid);
    if (!e) return InvalidArgument("Exchange not found.", "exchange_uuid");
    if (!auth::RequireSelfOrAdmin(caller, e->owner_account_id)) return PermissionDenied();
    Calendar calendar = CalendarOf(*e);
    LockCalendars(tx, {calendar.id});
    GeneratedSlots out;
    out.max_capacity = static_cast<int>(in.max_capacity.value_or(e->default_capacity));
    const std::chrono::minutes length(in.slot_minutes);
    for (date::sys_days day = first; day <= last; day += date::days{1}) {
      Date civil{day};
      auto hours = OpenHoursOn(*e, IsoWeekday(civil));
      if (!hours) continue;
      // Exactly the slots the day's listing lays at this length, so they match its grid.
      auto listed = DayListing(tx, calendar, *hours, civil, length, now);
      if (!listed.ok()) return listed.error();
      for (const ListedSlot& s : *listed) {
        const Interval& slot = s.interval;
        if (slot.start < now) continue;
        std::int64_t changed = tx.Exec(
            "UPDATE slots SET capacity = ?, updated_at = ? WHERE calendar_id = ? AND start_at = ? AND end_at = ? "
            "AND status = 'available'",
            {Int(out.max_capacity), Int(ToStored(now)), Int(calendar.id), Int(ToStored(slot.start)),
             Int(ToStored(slot.end))});
        if (changed > 0) {
          ++out.updated;
          continue;
        }
        tx.Exec(
            "INSERT INTO slots (uuid, calendar_id, start_at, end_at, timezone, status, capacity, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, 'available', ?, ?, ?)",
            {Text(auth::NewUuid()), Int(calendar.id), Int(ToStored(slot.start)), Int(ToStored(slot.end)),
             Text(calendar.timezone), Int(out.max_capacity), Int(ToStored(now)), Int(ToStored(now))});
        ++out.created;
      }
    }
    return out;
  });
}

}  // namespace kairos::service
