#include "kairos/service/consultants.hpp"

#include <algorithm>
#include <functional>
#include <span>
#include <tuple>
#include <unordered_map>

#include "kairos/auth/crypto.hpp"
#include "kairos/core/free_time.hpp"
#include "kairos/core/interval_set.hpp"
#include "kairos/booking/booking.hpp"
#include "kairos/store/id_list.hpp"

namespace kairos::service {

using namespace kairos::booking;  // calendars, snapshots and the booking path
namespace {

using std::chrono::seconds;
using store::Int;
using store::Text;
using store::Tx;

// The original service's words for these refusals.
const char* const kConsultantNotFound = "Consultant not found";
const char* const kUserNotFound = "User not found";
const char* const kNoSlot = "No available time slot found";
const char* const kAlreadyBooked = "This time slot is already booked";
const char* const kWindowNotFound = "Time slot not found";

bool HasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

Status ValidatePersonName(std::string_view value, const char* field) {
  if (value.find_first_not_of(" \t") == std::string_view::npos) {
    return InvalidArgument(std::string(field) + " may not be blank.", field);
  }
  if (HasControlCharacter(value)) {
    return InvalidArgument(std::string(field) + " must not contain control characters.", field);
  }
  return {};
}

Status ValidatePerson(const NewPerson& in) {
  if (auto s = ValidatePersonName(in.first_name, "first_name"); !s) return s;
  if (auto s = ValidatePersonName(in.last_name, "last_name"); !s) return s;
  return {};
}

Interval LocalInterval(Date date, TimeOfDay start, TimeOfDay end, Zone zone) {
  return {ToUtc(MakeLocal(date, start), zone), ToUtc(MakeLocal(date, end), zone)};
}

// One reservable window on one date: a one-off window or a weekly window's occurrence.
struct Occurrence {
  Interval interval;
  bool recurring = false;
  std::int64_t id = 0;
};

// The weekly windows' occurrences on local dates [first, last], as the engine lays them.
void AddWeeklyOccurrences(const std::vector<WeeklyRule>& rules, Date first, Date last, Zone zone,
                          std::vector<Occurrence>& out) {
  for (date::sys_days day{first}; day <= date::sys_days{last}; day += date::days{1}) {
    Date civil{day};
    for (const WeeklyRule& r : rules) {
      if (r.iso_weekday != IsoWeekday(civil)) continue;
      if ((r.valid_from && civil < *r.valid_from) || (r.valid_until && civil > *r.valid_until)) continue;
      out.push_back({LocalInterval(civil, r.start, r.end, zone), true, r.id});
    }
  }
}

// Local dates [first, last] of a calendar, as UTC time.
Interval LocalDays(Date first, Date last, Zone zone) {
  return {LocalDayBounds(first, zone).start, LocalDayBounds(last, zone).end};
}

// The free remainder of each window of the snapshot's calendar on local dates [first,
// last]: the engine's free time split among the windows, one-off windows first, so time
// two windows share is listed once. Weekly windows are listed on dates up to
// `weekly_last` only (none when it is nullopt). The snapshot must cover those dates; it
// may cover more (a snapshot loaded for several zones at once), which changes nothing.
Result<std::vector<FreeSlot>> FreeSlotsOf(const CalendarSnapshot& snapshot, std::int64_t consultant_id, Date first,
                                          Date last, std::optional<Date> weekly_last, Instant now) {
  const Calendar& calendar = snapshot.calendar;
  SlotQuery query;
  query.range = LocalDays(first, last, calendar.zone);
  query.duration = seconds{1};
  query.now = now;
  auto free = FreeIntervals(kairos::booking::ViewOf(snapshot, kairos::booking::Policy{}), query);
  if (!free.ok()) return free.error();

  // Windows that share time are listed in one order whichever query loaded them: one-off
  // windows by start then id, weekly windows by weekday, start then id.
  std::vector<OneOffWindow> one_off = snapshot.one_off_windows;
  std::stable_sort(one_off.begin(), one_off.end(), [](const OneOffWindow& a, const OneOffWindow& b) {
    return std::tie(a.interval.start, a.id) < std::tie(b.interval.start, b.id);
  });
  std::vector<WeeklyRule> rules = snapshot.weekly_rules;
  std::stable_sort(rules.begin(), rules.end(), [](const WeeklyRule& a, const WeeklyRule& b) {
    return std::tie(a.iso_weekday, a.start, a.id) < std::tie(b.iso_weekday, b.start, b.id);
  });
  std::vector<Occurrence> windows;
  for (const OneOffWindow& w : one_off) windows.push_back({w.interval, false, w.id});
  if (weekly_last && first <= *weekly_last) {
    AddWeeklyOccurrences(rules, first, std::min(last, *weekly_last), calendar.zone, windows);
  }

  std::vector<FreeSlot> out;
  IntervalSet unlisted = std::move(*free);
  for (const Occurrence& w : windows) {
    IntervalSet in_window = unlisted.Intersection(IntervalSet::Of({w.interval}));
    for (const Interval& piece : in_window.intervals()) {
      LocalDateTime start = ToLocal(piece.start, calendar.zone);
      Date day = DateOf(start);
      // Measured from the day's midnight so a window ending at midnight reads 24:00.
      TimeOfDay end = ToLocal(piece.end, calendar.zone) - LocalDateTime{date::local_days{day}};
      out.push_back({consultant_id, calendar.timezone, day, TimeOfDayOf(start), end, w.recurring, w.id});
    }
    unlisted = unlisted.Subtract(in_window);
  }
  return out;
}

// One consultant's free time on local dates [first, last], from its own snapshot.
Result<std::vector<FreeSlot>> FreeSlotsOf(Tx& tx, std::int64_t consultant_id, const Calendar& calendar, Date first,
                                          Date last, std::optional<Date> weekly_last, Instant now) {
  CalendarSnapshot snapshot = LoadSnapshot(tx, calendar, LocalDays(first, last, calendar.zone));
  return FreeSlotsOf(snapshot, consultant_id, first, last, weekly_last, now);
}

// Consultants whose snapshots the all-consultants views load in one go: it bounds the
// parameters of one query (SQLite takes 32766, PostgreSQL 65535).
constexpr std::size_t kSnapshotBatch = 500;

// Runs `query` (which ends in "IN (") for `ids`, kSnapshotBatch of them at a time, and
// calls `each` on every row.
template <typename Each>
void ForIdsIn(Tx& tx, const std::string& query, const std::vector<std::int64_t>& ids, Each each) {
  for (std::size_t from = 0; from < ids.size(); from += kSnapshotBatch) {
    const std::size_t n = std::min(kSnapshotBatch, ids.size() - from);
    const store::IdList in = store::IdsIn(std::span<const std::int64_t>(ids).subspan(from, n));
    for (const auto& row : tx.Query(query + in.marks + ")", in.params)) each(row);
  }
}

// The active consultants (number, account) that may have free time on local dates
// [first, last], in number order: those whose personal calendar has a one-off window
// overlapping those dates in its own zone, or an active weekly rule on one of their
// weekdays valid on one of them. Every other consultant has no window there, so no free
// time: leaving them out changes no answer. The queries start from those windows and
// rules, read by time and weekday (the indexes of migration 18), so they never walk
// every consultant. Windows are read from their index alone for the dates in any zone,
// then kept only where they overlap the dates in their calendar's zone: the windows of
// the days just before and after bring in other consultants, and each calendar is looked
// up once, not once per window, and only the kept ones joined to their consultants.
std::vector<std::pair<std::int64_t, std::int64_t>> ConsultantsWithWindows(Tx& tx, Date first, Date last) {
  // Local dates [first, last] lie within this time in every zone.
  const Interval any_zone =
      AroundLocalDays({Instant{date::sys_days{first}}, Instant{date::sys_days{last} + date::days{1}}});
  std::unordered_map<std::int64_t, std::vector<Interval>> windows;  // by calendar
  for (const auto& row : tx.Query("SELECT calendar_id, start_at, end_at FROM availability_windows "
                                  "WHERE start_at >= ? AND start_at < ? AND end_at > ?",
                                  {Int(OverlapScanFloor(any_zone.start)), Int(ToStored(any_zone.end)),
                                   Int(ToStored(any_zone.start))})) {
    windows[row.Int(0)].push_back({FromStored(row.Int(1)), FromStored(row.Int(2))});
  }
  std::vector<std::int64_t> near;
  near.reserve(windows.size());
  for (const auto& [calendar_id, _] : windows) near.push_back(calendar_id);

  std::vector<std::int64_t> kept;
  for (std::size_t from = 0; from < near.size(); from += kSnapshotBatch) {
    const auto batch = near.begin() + static_cast<std::ptrdiff_t>(from);
    for (const Calendar& c :
         FindCalendars(tx, {batch, batch + static_cast<std::ptrdiff_t>(std::min(kSnapshotBatch, near.size() - from))})) {
      if (c.kind != "personal") continue;
      const Interval days = LocalDays(first, last, c.zone);
      const auto& own = windows.at(c.id);
      if (std::any_of(own.begin(), own.end(), [&](const Interval& w) { return w.Overlaps(days); })) {
        kept.push_back(c.id);
      }
    }
  }

  // The weekdays are always named, a week or more being all seven: without them SQLite
  // reads every account and its rules instead of the rules by weekday.
  std::string weekdays;
  for (date::sys_days day{first}; day <= date::sys_days{last} && day < date::sys_days{first} + date::days{7};
       day += date::days{1}) {
    weekdays += (weekdays.empty() ? "" : ", ") + std::to_string(IsoWeekday(Date{day}));
  }
  // Validity dates are stored as YYYY-MM-DD, so they compare as text.
  for (const auto& row : tx.Query("SELECT DISTINCT calendar_id FROM weekly_rules WHERE is_active = 1 AND is_closed = 0 "
                                  "AND iso_weekday IN (" + weekdays + ") AND (valid_from IS NULL OR valid_from <= ?) "
                                  "AND (valid_until IS NULL OR valid_until >= ?)",
                                  {Text(FormatDate(last)), Text(FormatDate(first))})) {
    kept.push_back(row.Int(0));
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());

  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  ForIdsIn(tx,
           "SELECT f.consultant_no, a.id FROM calendars c JOIN accounts a ON a.id = c.owner_account_id "
           "JOIN face004_consultants f ON f.account_id = a.id WHERE a.role = 'coach' AND a.is_active = 1 "
           "AND c.kind = 'personal' AND c.id IN (",
           kept, [&](const store::Row& row) { out.emplace_back(row.Int(0), row.Int(1)); });
  std::sort(out.begin(), out.end());
  return out;
}

// Every consultant's free time on local dates [first, last], in consultant order: the
// consultants that have windows there, their calendars and their snapshots each read for
// many consultants at once (a constant number of queries per kSnapshotBatch of them).
Result<std::vector<FreeSlot>> EveryConsultantsFreeSlots(Tx& tx, Date first, Date last, Instant now) {
  const auto consultants = ConsultantsWithWindows(tx, first, last);
  std::vector<FreeSlot> out;
  for (std::size_t from = 0; from < consultants.size(); from += kSnapshotBatch) {
    const std::size_t to = std::min(consultants.size(), from + kSnapshotBatch);
    std::vector<std::int64_t> account_ids;
    for (std::size_t i = from; i < to; ++i) account_ids.push_back(consultants[i].second);
    std::unordered_map<std::int64_t, Calendar> by_account;
    for (Calendar& c : FindPersonalCalendars(tx, account_ids)) by_account.emplace(c.owner_account_id, std::move(c));

    std::vector<std::int64_t> numbers;
    std::vector<Calendar> calendars;
    Interval range{};
    for (std::size_t i = from; i < to; ++i) {
      auto it = by_account.find(consultants[i].second);
      if (it == by_account.end()) continue;
      Interval own = LocalDays(first, last, it->second.zone);
      range = calendars.empty() ? own : Interval{std::min(range.start, own.start), std::max(range.end, own.end)};
      numbers.push_back(consultants[i].first);
      calendars.push_back(std::move(it->second));
    }
    if (calendars.empty()) continue;
    std::vector<CalendarSnapshot> snapshots = LoadSnapshots(tx, calendars, range);
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
      auto slots = FreeSlotsOf(snapshots[i], numbers[i], first, last, last, now);
      if (!slots.ok()) return slots.error();
      out.insert(out.end(), slots->begin(), slots->end());
    }
  }
  return out;
}

std::optional<std::int64_t> OverlappingWeeklyRule(Tx& tx, std::int64_t calendar_id, int iso_weekday, TimeOfDay start,
                                                  TimeOfDay end) {
  auto row = tx.QueryOne(
      "SELECT id FROM weekly_rules WHERE calendar_id = ? AND iso_weekday = ? AND is_active = 1 AND is_closed = 0 "
      "AND start_second < ? AND end_second > ? ORDER BY start_second LIMIT 1",
      {Int(calendar_id), Int(iso_weekday), Int(end.count()), Int(start.count())});
  if (!row) return std::nullopt;
  return row->Int(0);
}

// Only the account itself or an admin acts for an account that can sign in.
Status RequireOwnCredentials(const std::optional<auth::Principal>& caller, std::int64_t account_id,
                             const std::string& what) {
  if (!caller) {
    return Unauthenticated("Authentication credentials were not provided: " + what +
                           " belongs to an account that signs in; send its token.");
  }
  if (caller->account_id != account_id && caller->role != auth::Role::kAdmin) {
    return Forbidden("You do not have permission to act for " + what + ".");
  }
  return {};
}

// The account behind a face number: `table` maps `column` to account ids (migration 8).
std::optional<std::int64_t> NumberedAccount(Tx& tx, const char* table, const char* column, const char* role,
                                            std::int64_t no) {
  auto row = tx.QueryOne(std::string("SELECT a.id FROM ") + table + " f JOIN accounts a ON a.id = f.account_id WHERE f." +
                             column + " = ? AND a.role = ? AND a.is_active = 1",
                         {Int(no), Text(role)});
  if (!row) return std::nullopt;
  return row->Int(0);
}

// Names an account created through this face after its face number ("consultant-3"), or
// with a short random suffix ("consultant-3-1f0c9a2e") when `suffixed` or when another
// account already took that name.
std::string NameAfterNumber(Tx& tx, const Account& account, std::string_view prefix, std::int64_t no, bool suffixed) {
  std::string name = std::string(prefix) + "-" + std::to_string(no);
  if (suffixed ||
      tx.QueryOne("SELECT 1 FROM accounts WHERE username_key = ? AND id <> ?", {Text(CaseKey(name)), Int(account.id)})) {
    name += "-" + account.uuid.substr(0, 8);
  }
  tx.Exec("UPDATE accounts SET username = ?, username_key = ? WHERE id = ?",
          {Text(name), Text(CaseKey(name)), Int(account.id)});
  return name;
}

// Creates an account without login and reads the number the database gave it. The account
// is first named after its account id under a prefix no final name has ("face004-user-12"),
// so the names being given out at once never meet; a sign-up elsewhere that takes the final
// name between the check and the rename makes the rename retry with the suffix.
Result<Person> CreateNumbered(store::Database& db, Accounts& accounts, const NewPerson& in, auth::Role role,
                              const char* prefix, const char* table, const char* column,
                              const std::function<void(Tx&, std::int64_t)>& also) {
  if (auto s = ValidatePerson(in); !s) return s.error();
  auto account = accounts.CreateWithoutLogin(
      std::string("face004-") + prefix,
      {.first_name = in.first_name, .last_name = in.last_name, .timezone = in.timezone, .role = role});
  if (!account.ok()) return account.error();
  Person p{0, std::move(*account)};
  for (bool suffixed : {false, true}) {
    try {
      db.Write([&](Tx& tx) {
        p.no = tx.QueryOne(std::string("SELECT ") + column + " FROM " + table + " WHERE account_id = ?",
                           {Int(p.account.id)})
                   ->Int(0);
        p.account.username = NameAfterNumber(tx, p.account, prefix, p.no, suffixed);
        if (also) also(tx, p.account.id);
      });
      break;
    } catch (const store::StoreError& e) {
      if (suffixed || e.kind() != store::StoreError::Kind::kUniqueViolation) throw;
    }
  }
  return p;
}

}  // namespace

std::optional<std::int64_t> ConsultantNumberOf(store::Database& db, std::int64_t account_id) {
  return db.Read([&](Tx& tx) -> std::optional<std::int64_t> {
    auto row = tx.QueryOne(
        "SELECT f.consultant_no FROM face004_consultants f JOIN accounts a ON a.id = f.account_id "
        "WHERE f.account_id = ? AND a.role = 'coach' AND a.is_active = 1",
        {Int(account_id)});
    if (!row) return std::nullopt;
    return row->Int(0);
  });
}

Consultants::Consultants(store::Database& db, Accounts& accounts) : db_(db), accounts_(accounts) {}

Result<Person> Consultants::CreateConsultant(const NewPerson& in, Instant now) {
  return CreateNumbered(db_, accounts_, in, auth::Role::kCoach, "consultant", "face004_consultants", "consultant_no",
                        [now](Tx& tx, std::int64_t account_id) { PersonalCalendar(tx, account_id, now); });
}

Result<Person> Consultants::CreateUser(const NewPerson& in) {
  return CreateNumbered(db_, accounts_, in, auth::Role::kClient, "user", "face004_users", "user_no", nullptr);
}

std::optional<std::int64_t> Consultants::ConsultantAccount(std::int64_t no) {
  return db_.Read([&](Tx& tx) { return NumberedAccount(tx, "face004_consultants", "consultant_no", "coach", no); });
}

std::optional<std::int64_t> Consultants::UserAccount(std::int64_t no) {
  return db_.Read([&](Tx& tx) { return NumberedAccount(tx, "face004_users", "user_no", "client", no); });
}

Result<Person> Consultants::FindConsultant(std::int64_t no) {
  auto id = ConsultantAccount(no);
  if (!id) return NotFound(kConsultantNotFound);
  auto account = accounts_.FindById(*id);
  if (!account.ok()) return NotFound(kConsultantNotFound);
  return Person{no, std::move(*account)};
}

Result<Person> Consultants::FindUser(std::int64_t no) {
  auto id = UserAccount(no);
  if (!id) return NotFound(kUserNotFound);
  auto account = accounts_.FindById(*id);
  if (!account.ok()) return NotFound(kUserNotFound);
  return Person{no, std::move(*account)};
}

Result<Person> Consultants::MayChange(std::int64_t consultant_id, const std::optional<auth::Principal>& caller) {
  auto c = FindConsultant(consultant_id);
  if (!c.ok()) return c.error();
  if (c->account.can_sign_in) {
    if (Status s = RequireOwnCredentials(caller, c->account.id, "consultant " + std::to_string(consultant_id)); !s) {
      return s.error();
    }
  }
  return c;
}

Result<ReservationParties> Consultants::MayReserve(std::int64_t consultant_id, std::int64_t user_id,
                                                   const std::optional<auth::Principal>& caller) {
  auto c = FindConsultant(consultant_id);
  if (!c.ok()) return c.error();
  auto user = FindUser(user_id);
  if (!user.ok()) return user.error();
  if (user->account.can_sign_in) {
    if (Status s = RequireOwnCredentials(caller, user->account.id, "user " + std::to_string(user_id)); !s) {
      return s.error();
    }
  }
  return ReservationParties{std::move(*c), std::move(*user)};
}

Result<OneOffAvailability> Consultants::AddAvailability(const Person& consultant, Date date, TimeOfDay start,
                                                        TimeOfDay end, Instant now) {
  return db_.Write([&](Tx& tx) -> Result<OneOffAvailability> {
    Calendar calendar = PersonalCalendar(tx, consultant.account.id, now);
    // As the original: a window lies on a date after today (here, the consultant's today).
    if (date <= LocalDate(now, calendar.zone)) {
      return InvalidArgument("Only future dates are allowed", "date");
    }
    if (end <= start) return InvalidArgument("end_time must be after start_time.", "end_time");
    LockCalendars(tx, {calendar.id});
    Interval interval = LocalInterval(date, start, end, calendar.zone);
    if (auto row = tx.QueryOne(
            "SELECT id FROM availability_windows WHERE calendar_id = ? AND start_at >= ? AND start_at < ? AND "
            "end_at > ? ORDER BY start_at LIMIT 1",
            {Int(calendar.id), Int(OverlapScanFloor(interval.start)), Int(ToStored(interval.end)),
             Int(ToStored(interval.start))})) {
      return InvalidArgument("The availability overlaps availability " + std::to_string(row->Int(0)) + ".",
                             "start_time");
    }
    if (auto rule = OverlappingWeeklyRule(tx, calendar.id, IsoWeekday(date), start, end)) {
      return InvalidArgument("The availability overlaps recurring availability " + std::to_string(*rule) + ".",
                             "start_time");
    }
    OneOffAvailability a{0, consultant.no, date, start, end, false};
    a.id = tx.QueryOne(
                 "INSERT INTO availability_windows (uuid, calendar_id, start_at, end_at, local_date, local_start, "
                 "local_end, capacity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
                 {Text(auth::NewUuid()), Int(calendar.id), Int(ToStored(interval.start)), Int(ToStored(interval.end)),
                  Text(FormatDate(date)), Text(FormatTimeOfDay(start)), Text(FormatTimeOfDay(end)),
                  Int(ToStored(now)), Int(ToStored(now))})
               ->Int(0);
    return a;
  });
}

Status Consultants::DeleteAvailabilityAt(const Person& consultant, Date date, TimeOfDay start, TimeOfDay end) {
  auto id = db_.Read([&](Tx& tx) -> std::optional<std::int64_t> {
    auto calendar = FindPersonalCalendar(tx, consultant.account.id);
    if (!calendar) return std::nullopt;
    // A window's local date is the date it starts on in its calendar's zone, so it starts
    // within the time that date covers in any zone: the scan is bounded by that.
    const Interval any_zone =
        AroundLocalDays({Instant{date::sys_days{date}}, Instant{date::sys_days{date} + date::days{1}}});
    auto row = tx.QueryOne(
        "SELECT id FROM availability_windows WHERE calendar_id = ? AND start_at >= ? AND start_at < ? AND "
        "local_date = ? AND local_start = ? AND local_end = ? ORDER BY id LIMIT 1",
        {Int(calendar->id), Int(ToStored(any_zone.start)), Int(ToStored(any_zone.end)), Text(FormatDate(date)),
         Text(FormatTimeOfDay(start)), Text(FormatTimeOfDay(end))});
    if (!row) return std::nullopt;
    return row->Int(0);
  });
  if (!id) return NotFound(kWindowNotFound);
  return DeleteAvailability(consultant, *id);
}

Status Consultants::DeleteAvailability(const Person& consultant, std::int64_t availability_id) {
  return db_.Write([&](Tx& tx) -> Status {
    auto calendar = FindPersonalCalendar(tx, consultant.account.id);
    if (!calendar) return NotFound(kWindowNotFound);
    LockCalendars(tx, {calendar->id});
    auto window = tx.QueryOne("SELECT start_at, end_at FROM availability_windows WHERE id = ? AND calendar_id = ?",
                              {Int(availability_id), Int(calendar->id)});
    if (!window) return NotFound(kWindowNotFound);
    // Booked through this face (window_id) or any other face (overlapping time), each read
    // by its own index: the window's bookings, and the calendar's from the floor on.
    const std::string holding = " AND status IN " + std::string(kHoldingStatusesSql) + " LIMIT 1";
    if (tx.QueryOne("SELECT 1 FROM bookings WHERE window_id = ? AND calendar_id = ?" + holding,
                    {Int(availability_id), Int(calendar->id)}) ||
        tx.QueryOne("SELECT 1 FROM bookings WHERE calendar_id = ? AND start_at >= ? AND start_at < ? AND end_at > ?" +
                        holding,
                    {Int(calendar->id), Int(OverlapScanFloor(FromStored(window->Int(0)))), Int(window->Int(1)),
                     Int(window->Int(0))})) {
      return InvalidArgument("Availability " + std::to_string(availability_id) + " is booked and cannot be deleted.",
                             "availability_id");
    }
    tx.Exec("DELETE FROM availability_windows WHERE id = ?", {Int(availability_id)});
    return {};
  });
}

Result<RecurringAvailability> Consultants::AddRecurring(const Person& consultant, int day_of_week, TimeOfDay start,
                                                        TimeOfDay end, bool is_active, Instant now) {
  if (day_of_week < 0 || day_of_week > 6) {
    return InvalidArgument("day_of_week must be between 0 (Monday) and 6 (Sunday).", "day_of_week");
  }
  if (end <= start) return InvalidArgument("end_time must be after start_time.", "end_time");
  const int iso_weekday = day_of_week + 1;
  return db_.Write([&](Tx& tx) -> Result<RecurringAvailability> {
    Calendar calendar = PersonalCalendar(tx, consultant.account.id, now);
    LockCalendars(tx, {calendar.id});
    if (is_active) {
      if (auto rule = OverlappingWeeklyRule(tx, calendar.id, iso_weekday, start, end)) {
        return InvalidArgument("The pattern overlaps recurring availability " + std::to_string(*rule) + ".",
                               "start_time");
      }
      for (const auto& row : tx.Query(
               "SELECT id, local_date, local_start, local_end FROM availability_windows "
               "WHERE calendar_id = ? AND start_at >= ? AND end_at > ? ORDER BY start_at",
               {Int(calendar.id), Int(OverlapScanFloor(now)), Int(ToStored(now))})) {
        auto day = ParseDate(row.Text(1));
        auto from = ParseTimeOfDay(row.Text(2));
        auto to = ParseTimeOfDay(row.Text(3));
        if (!day.ok() || !from.ok() || !to.ok() || IsoWeekday(*day) != iso_weekday) continue;
        if (*from < end && *to > start) {
          return InvalidArgument("The pattern overlaps availability " + std::to_string(row.Int(0)) + " on " +
                                     row.Text(1) + ".",
                                 "start_time");
        }
      }
    }
    RecurringAvailability r{0, consultant.no, day_of_week, start, end, is_active};
    r.id = tx.QueryOne(
                 "INSERT INTO weekly_rules (uuid, calendar_id, iso_weekday, start_second, end_second, is_active, "
                 "capacity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
                 {Text(auth::NewUuid()), Int(calendar.id), Int(iso_weekday), Int(start.count()), Int(end.count()),
                  store::Bool(is_active), Int(ToStored(now)), Int(ToStored(now))})
               ->Int(0);
    return r;
  });
}

Status Consultants::DeleteRecurring(const Person& consultant, std::int64_t recurring_id) {
  return db_.Write([&](Tx& tx) -> Status {
    auto calendar = FindPersonalCalendar(tx, consultant.account.id);
    if (!calendar) return NotFound("Recurring availability not found.");
    LockCalendars(tx, {calendar->id});
    if (!tx.QueryOne("SELECT 1 FROM weekly_rules WHERE id = ? AND calendar_id = ? AND is_closed = 0",
                     {Int(recurring_id), Int(calendar->id)})) {
      return NotFound("Recurring availability not found.");
    }
    tx.Exec("DELETE FROM weekly_rules WHERE id = ?", {Int(recurring_id)});
    return {};
  });
}

Result<std::vector<RecurringAvailability>> Consultants::ListRecurring(std::int64_t consultant_id) {
  auto c = FindConsultant(consultant_id);
  if (!c.ok()) return c.error();
  return db_.Read([&](Tx& tx) {
    std::vector<RecurringAvailability> out;
    auto calendar = FindPersonalCalendar(tx, c->account.id);
    if (!calendar) return out;
    for (const auto& row : tx.Query(
             "SELECT id, iso_weekday, start_second, end_second, is_active FROM weekly_rules "
             "WHERE calendar_id = ? AND is_closed = 0 ORDER BY iso_weekday, start_second, id",
             {Int(calendar->id)})) {
      out.push_back({row.Int(0), consultant_id, static_cast<int>(row.Int(1)) - 1, TimeOfDay{row.Int(2)},
                     TimeOfDay{row.Int(3)}, row.Bool(4)});
    }
    return out;
  });
}

Result<std::vector<FreeSlot>> Consultants::FreeTime(std::optional<std::int64_t> consultant_id, Date first, Date last,
                                                    Instant now) {
  if (last < first) return InvalidArgument("end_date must not be before start_date.", "end_date");
  if (date::sys_days{last} - date::sys_days{first} >= date::days{kMaxConsultantViewDays}) {
    return InvalidArgument("The range must not exceed " + std::to_string(kMaxConsultantViewDays) + " days.",
                           "end_date");
  }
  std::optional<std::int64_t> account_id;
  if (consultant_id) {
    auto c = FindConsultant(*consultant_id);
    if (!c.ok()) return c.error();
    account_id = c->account.id;
  }
  return db_.Read([&](Tx& tx) -> Result<std::vector<FreeSlot>> {
    std::vector<FreeSlot> out;
    if (consultant_id) {
      auto calendar = FindPersonalCalendar(tx, *account_id);
      if (!calendar) return out;
      auto slots = FreeSlotsOf(tx, *consultant_id, *calendar, first, last, last, now);
      if (!slots.ok()) return slots.error();
      out = std::move(*slots);
    } else {
      auto slots = EveryConsultantsFreeSlots(tx, first, last, now);
      if (!slots.ok()) return slots.error();
      out = std::move(*slots);
    }
    std::sort(out.begin(), out.end(), [](const FreeSlot& a, const FreeSlot& b) {
      return std::tie(a.date, a.start, a.consultant_id) < std::tie(b.date, b.start, b.consultant_id);
    });
    return out;
  });
}

Result<std::vector<FreeSlot>> Consultants::UpcomingFreeTime(std::int64_t consultant_id, int weekly_days, Instant now) {
  auto c = FindConsultant(consultant_id);
  if (!c.ok()) return c.error();
  return db_.Read([&](Tx& tx) -> Result<std::vector<FreeSlot>> {
    std::vector<FreeSlot> out;
    auto calendar = FindPersonalCalendar(tx, c->account.id);
    if (!calendar) return out;
    const Date today = LocalDate(now, calendar->zone);
    const Date weekly_last{date::sys_days{today} + date::days{std::max(weekly_days, 1) - 1}};
    // The weekly horizon first, then the dates of later one-off windows in spans of at
    // most kMaxConsultantViewDays days, so each span is one engine computation however
    // far apart the windows lie.
    std::vector<std::pair<Date, Date>> spans{{today, weekly_last}};
    for (const auto& row : tx.Query(
             "SELECT DISTINCT local_date FROM availability_windows WHERE calendar_id = ? AND start_at >= ? "
             "AND end_at > ? AND local_date > ? ORDER BY local_date",
             {Int(calendar->id), Int(OverlapScanFloor(now)), Int(ToStored(now)), Text(FormatDate(weekly_last))})) {
      auto day = ParseDate(row.Text(0));
      if (!day.ok() || *day <= spans.back().second) continue;
      spans.emplace_back(*day, Date{date::sys_days{*day} + date::days{kMaxConsultantViewDays - 1}});
    }
    for (const auto& [first, last] : spans) {
      auto slots = FreeSlotsOf(tx, consultant_id, *calendar, first, last, weekly_last, now);
      if (!slots.ok()) return slots.error();
      out.insert(out.end(), slots->begin(), slots->end());
    }
    std::sort(out.begin(), out.end(),
              [](const FreeSlot& a, const FreeSlot& b) { return std::tie(a.date, a.start) < std::tie(b.date, b.start); });
    return out;
  });
}

Result<Reservation> Consultants::Reserve(const ReservationParties& parties, const ReservationRequest& in,
                                         Instant now) {
  const Person& c = parties.consultant;
  if (in.end <= in.start) return InvalidArgument("end_time must be after start_time.", "end_time");
  return db_.Write([&](Tx& tx) -> Result<Reservation> {
    auto calendar = FindPersonalCalendar(tx, c.account.id);
    if (!calendar) return NotFound(kNoSlot);
    LockCalendars(tx, {calendar->id});
    Interval requested = LocalInterval(in.date, in.start, in.end, calendar->zone);

    // The window the reservation lies in, so the booking names its availability: the
    // earliest (then the first made) of the one-off windows that hold it. Windows last at
    // most 48 hours, so only those starting from the floor can.
    std::optional<Occurrence> window;
    if (auto row = tx.QueryOne(
            "SELECT id FROM availability_windows WHERE calendar_id = ? AND start_at >= ? AND start_at <= ? "
            "AND end_at >= ? ORDER BY start_at, id LIMIT 1",
            {Int(calendar->id), Int(OverlapScanFloor(requested.start)), Int(ToStored(requested.start)),
             Int(ToStored(requested.end))})) {
      window = Occurrence{requested, false, row->Int(0)};
    } else {
      CalendarSnapshot snapshot = LoadSnapshot(tx, *calendar, requested);
      std::vector<Occurrence> weekly;
      AddWeeklyOccurrences(snapshot.weekly_rules, in.date, in.date, calendar->zone, weekly);
      for (const Occurrence& o : weekly) {
        if (o.interval.Contains(requested)) window = o;
      }
    }
    if (!window) return NotFound(kNoSlot);

    NewBooking booking;
    booking.calendar_id = calendar->id;
    booking.face = "consultant";
    booking.interval = requested;
    booking.status = BookingStatus::kConfirmed;
    booking.client_account_id = parties.user.account.id;
    if (!window->recurring) booking.window_id = window->id;
    kairos::booking::Policy policy;
    // Any part of a window may be reserved, to the second.
    policy.query.step = seconds{1};
    auto booked = kairos::booking::Book(tx, {&booking, 1}, policy, now);
    if (!booked.ok()) {
      // Time another booking holds, through any face, is the original's "already booked";
      // for anything else the document has no wording of its own: the engine's says why.
      if (booked.refusal->booking_id) return InvalidArgument(kAlreadyBooked, "start_time");
      return booked.refusal->error;
    }
    Reservation r{booked.bookings.front().id, c.no, parties.user.no, in.date, in.start, in.end, std::nullopt, std::nullopt,
                  DisplayName(c.account.first_name, c.account.last_name, c.account.username)};
    (window->recurring ? r.recurring_id : r.availability_id) = window->id;
    return r;
  });
}

Status Consultants::CancelReservation(const Person& consultant, std::int64_t reservation_id, Instant now) {
  return db_.Write([&](Tx& tx) -> Status {
    auto calendar = FindPersonalCalendar(tx, consultant.account.id);
    if (!calendar) return NotFound("Reservation not found.");
    LockCalendars(tx, {calendar->id});
    auto row = tx.QueryOne("SELECT status FROM bookings WHERE id = ? AND calendar_id = ? AND face = 'consultant'",
                           {Int(reservation_id), Int(calendar->id)});
    if (!row) return NotFound("Reservation not found.");
    if (!HoldsCapacity(row->Text(0))) {
      return InvalidArgument("Reservation " + std::to_string(reservation_id) + " is already cancelled.",
                             "reservation_id");
    }
    if (auto set = kairos::booking::SetStatus(tx, reservation_id, BookingStatus::kCancelled, now); !set.ok()) {
      return set.error();
    }
    return {};
  });
}

}  // namespace kairos::service
