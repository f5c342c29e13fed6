#include "kairos/booking/booking.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/counts.hpp"
#include "kairos/booking/events.hpp"

namespace kairos::booking {
namespace {

using store::Int;
using store::Null;
using store::Text;

store::Value OptionalInt(const std::optional<std::int64_t>& v) { return v ? Int(*v) : Null(); }

// 1 when nothing on the calendar offers more than one place at a time, so PostgreSQL's
// exclusion constraint can refuse an overlapping booking by itself (migration 4). A slot,
// window or rule with a larger capacity leaves it 0: then only the calendar lock guards.
// Each question is one lookup in a partial index over just those rows (migration 5);
// SQLite is told to use it, as it would otherwise prefer a covering index over all of the
// calendar's rows (migration 17) and scan its whole history.
std::string ExclusiveHoldSql(store::Dialect dialect) {
  const bool sqlite = dialect == store::Dialect::kSqlite;
  auto from = [sqlite](std::string_view table, std::string_view alias) {
    std::string out = std::string(table) + " " + std::string(alias);
    if (sqlite) out += " INDEXED BY " + std::string(table) + "_multi_place";
    return out;
  };
  return "(SELECT CASE WHEN c.capacity = 1 AND NOT EXISTS (SELECT 1 FROM " + from("slots", "s") +
         " WHERE s.calendar_id = c.id AND s.capacity > 1) AND NOT EXISTS (SELECT 1 FROM " +
         from("availability_windows", "w") + " WHERE w.calendar_id = c.id AND w.capacity > 1) AND NOT EXISTS (SELECT 1 FROM " +
         from("weekly_rules", "r") + " WHERE r.calendar_id = c.id AND r.capacity > 1) THEN 1 ELSE 0 END FROM calendars c WHERE c.id = ?)";
}

BookingRef Insert(store::Tx& tx, const NewBooking& b, Instant now) {
  BookingRef ref;
  ref.uuid = auth::NewUuid();
  ref.calendar_id = b.calendar_id;
  auto rows = tx.Query(
      "INSERT INTO bookings (uuid, calendar_id, client_account_id, meeting_id, slot_id, window_id, face, start_at, "
      "end_at, units, status, notes, customer_name, customer_email, customer_phone, created_at, updated_at, "
      "exclusive_hold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 1 THEN 0 ELSE " +
          ExclusiveHoldSql(tx.dialect()) + " END) RETURNING id",
      {Text(ref.uuid), Int(b.calendar_id), OptionalInt(b.client_account_id), OptionalInt(b.meeting_id),
       OptionalInt(b.slot_id), OptionalInt(b.window_id), Text(b.face), Int(ToStored(b.interval.start)),
       Int(ToStored(b.interval.end)), Int(b.units), Text(std::string(BookingStatusName(b.status))),
       store::OptionalText(b.notes), store::OptionalText(b.customer_name), store::OptionalText(b.customer_email),
       store::OptionalText(b.customer_phone), Int(ToStored(now)), Int(ToStored(now)),
       Int(b.shares_seats ? 1 : 0), Int(b.calendar_id)});
  ref.id = rows.at(0).Int(0);
  return ref;
}

Refusal Refuse(Reason reason, std::int64_t calendar_id, Error error, std::optional<std::int64_t> booking_id = {}) {
  // Calendar ids and reasons only: never who booked or for whom.
  spdlog::info("booking refused: calendar {} {}{}", calendar_id, ReasonName(reason),
               booking_id ? " (booking " + std::to_string(*booking_id) + " holds the time)" : std::string());
  return Refusal{reason, calendar_id, booking_id, std::move(error)};
}

// The typed reason for a state the engine gave, and the interfering booking if any.
Refusal Explain(const CalendarSnapshot& snapshot, const SlotQuery& query, Interval requested,
                std::optional<SlotState> state) {
  const Interval widened{requested.start - query.buffer_after, requested.end + query.buffer_before};
  std::optional<std::int64_t> holder;
  std::optional<std::string> hold;
  int held = 0;
  int direct_bookings = 0;  // units of bookings overlapping the time itself, not only its buffers
  int direct_holds = 0;
  for (std::size_t i = 0; i < snapshot.bookings.size(); ++i) {
    if (!snapshot.bookings[i].interval.Overlaps(widened)) continue;
    const HeldTime* h = snapshot.HoldAt(i);
    if (!holder && !h) holder = snapshot.booking_ids[i];
    held += snapshot.bookings[i].units;
    if (!snapshot.bookings[i].interval.Overlaps(requested)) continue;
    if (h) {
      direct_holds += snapshot.bookings[i].units;
      if (!hold) hold = h->uuid;
    } else {
      direct_bookings += snapshot.bookings[i].units;
    }
  }
  std::string rule;
  // The engine's own wording, for faces that show it.
  Error error = Conflict("The requested time is outside the calendar's availability", "start_time");
  Reason reason = Reason::kOutsideHours;
  if (state) {
    switch (*state) {
      case SlotState::kTooSoon:
        reason = Reason::kTooSoon;
        error = InvalidArgument("The requested time is in the past or too soon to book", "start_time");
        break;
      case SlotState::kBeyondHorizon:
        reason = Reason::kTooFar;
        error = InvalidArgument("The requested time is too far in the future to book", "start_time");
        break;
      case SlotState::kDayLimitReached:
        reason = Reason::kLimitReached;
        rule = "per_day_limit";
        error = Conflict("The booking limit for that day has been reached", "start_time");
        break;
      case SlotState::kWeekLimitReached:
        reason = Reason::kLimitReached;
        rule = "per_week_limit";
        error = Conflict("The booking limit for that week has been reached", "start_time");
        break;
      case SlotState::kBlocked:
        if (std::any_of(snapshot.busy.begin(), snapshot.busy.end(),
                        [&](const Interval& b) { return b.Overlaps(requested); })) {
          reason = Reason::kBusy;
          error = Conflict("The requested time is busy in the host's connected calendar", "start_time");
        } else {
          reason = Reason::kBlocked;
          error = Conflict("The requested time is blocked", "start_time");
        }
        break;
      case SlotState::kFullyBooked:
      case SlotState::kAvailable:
        // Faces word all of these alike; the reason says which it is.
        if (held > 0 && direct_bookings + direct_holds == 0) {
          reason = Reason::kBuffer;
        } else if (direct_holds > 0 && direct_bookings == 0) {
          reason = Reason::kHeld;
        } else {
          reason = held > 1 ? Reason::kFull : Reason::kTaken;
        }
        error = Conflict("The requested time has reached maximum capacity", "start_time");
        break;
    }
  }
  Refusal refusal = Refuse(reason, snapshot.calendar.id, std::move(error), holder);
  if (reason == Reason::kHeld) refusal.hold_id = hold;
  refusal.rule = std::move(rule);
  return refusal;
}

// How far around a range a snapshot holds bookings, for the query's buffers.
std::chrono::seconds Margin(const SlotQuery& query) { return std::max(query.buffer_before, query.buffer_after); }

// The time a listing of `range` loads: a per-day limit counts the bookings of the range's
// whole local days, a per-week limit those of its whole local weeks.
Interval Loaded(const SlotQuery& query, Interval range) {
  return query.per_week_limit ? AroundLocalWeeks(range) : query.per_day_limit ? AroundLocalDays(range) : range;
}

// Whether `snapshot` (loaded around the request) offers `request` under `policy`; nullopt
// when it does.
std::optional<Refusal> Judge(const CalendarSnapshot& snapshot, const NewBooking& request, const Policy& policy,
                             Instant now) {
  SlotQuery query = policy.query;
  query.now = now;
  query.range = AroundLocalDays(request.interval);
  auto state = BookableState(ViewOf(snapshot, policy), query, request.interval);
  if (!state.ok()) return Refuse(Reason::kInvalid, snapshot.calendar.id, state.error());
  if (*state && **state == SlotState::kAvailable) return std::nullopt;
  return Explain(snapshot, query, request.interval, *state);
}

// Whether `calendar` offers `request` under `policy`, loading what the check reads.
std::optional<Refusal> Check(store::Tx& tx, const Calendar& calendar, const NewBooking& request,
                             const Policy& policy, Instant now) {
  // The engine judges the requested interval alone (BookableState), so only what overlaps
  // it (widened by the buffers) can decide; a per-day or per-week limit also counts the
  // bookings of the whole local day or week. The cost of a check thus follows the
  // request, not how full the calendar around it is.
  CalendarSnapshot snapshot =
      LoadSnapshot(tx, calendar, Loaded(policy.query, request.interval), Margin(policy.query), now, policy.own_windows);
  return Judge(snapshot, request, policy, now);
}

// What every request must be before anything is judged; nullopt when it is.
std::optional<Refusal> Malformed(const NewBooking& r) {
  if (r.interval.empty()) {
    return Refuse(Reason::kInvalid, r.calendar_id, InvalidArgument("A booking must end after it starts"));
  }
  if (r.interval.length() > kMaxBookingLength) {
    return Refuse(Reason::kInvalid, r.calendar_id, InvalidArgument("A booking lasts at most 24 hours"));
  }
  return std::nullopt;
}

// Inserts every request (all judged bookable), or none when PostgreSQL's last defence
// refuses one.
Booked InsertAll(store::Tx& tx, std::span<const NewBooking> requests, Instant now) {
  Booked out;
  for (const NewBooking& r : requests) {
    try {
      out.bookings.push_back(Insert(tx, r, now));
    } catch (const store::StoreError& e) {
      // PostgreSQL saw an overlap the check did not (a writer that skipped the calendar
      // lock): the same answer a failed check gives.
      if (e.kind() != store::StoreError::Kind::kExclusionViolation) throw;
      out.bookings.clear();
      out.refusal = Refuse(Reason::kTaken, r.calendar_id,
                           Conflict("The requested time has reached maximum capacity", "start_time"));
      return out;
    }
  }
  spdlog::debug("booked {} booking(s), first on calendar {}", out.bookings.size(),
                out.bookings.empty() ? 0 : out.bookings.front().calendar_id);
  return out;
}

}  // namespace

std::optional<Refusal> CheckOffered(store::Tx& tx, const Calendar& calendar, Interval interval, const Policy& policy,
                                    Instant now) {
  if (interval.empty()) return Refusal{Reason::kInvalid, calendar.id, {}, InvalidArgument("A booking must end after it starts")};
  NewBooking request;
  request.calendar_id = calendar.id;
  request.interval = interval;
  return Check(tx, calendar, request, policy, now);
}

std::string_view ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kInvalid: return "invalid";
    case Reason::kOutsideHours: return "outside hours";
    case Reason::kBlocked: return "blocked";
    case Reason::kTaken: return "taken";
    case Reason::kFull: return "full";
    case Reason::kTooSoon: return "too soon";
    case Reason::kTooFar: return "too far";
    case Reason::kLimitReached: return "limit reached";
    case Reason::kHeld: return "held";
    case Reason::kBuffer: return "buffer";
    case Reason::kBusy: return "busy";
  }
  return "unknown";
}

CalendarAvailability ViewOf(const CalendarSnapshot& snapshot, const Policy& policy) {
  CalendarAvailability view = snapshot.View(policy.undefined_time, policy.default_rules);
  if (policy.shape) policy.shape(snapshot, view);
  return view;
}

CalendarSnapshot LoadFor(store::Tx& tx, const Calendar& calendar, Interval range, const Policy& policy,
                         Instant now) {
  return LoadSnapshot(tx, calendar, Loaded(policy.query, range), Margin(policy.query), now, policy.own_windows);
}

Result<std::vector<Slot>> ListFree(store::Tx& tx, const Calendar& calendar, Interval range, const Policy& policy,
                                   Instant now) {
  SlotQuery query = policy.query;
  query.range = range;
  query.now = now;
  CalendarSnapshot snapshot = LoadFor(tx, calendar, range, policy, now);
  return FreeSlots(ViewOf(snapshot, policy), query);
}

Result<std::vector<SharedSlot>> ListShared(store::Tx& tx, std::span<const Calendar> calendars, Interval range,
                                           const Policy& policy, Sharing sharing, Instant now) {
  SlotQuery query = policy.query;
  query.range = range;
  query.now = now;
  std::vector<CalendarSnapshot> snapshots;
  snapshots.reserve(calendars.size());
  for (const Calendar& c : calendars) snapshots.push_back(LoadFor(tx, c, range, policy, now));
  std::vector<CalendarAvailability> views;
  views.reserve(snapshots.size());
  for (const CalendarSnapshot& s : snapshots) views.push_back(ViewOf(s, policy));
  return sharing == Sharing::kAll ? CommonFreeSlots(views, query) : AnyFreeSlots(views, query);
}

static Booked BookUncounted(store::Tx& tx, std::span<const NewBooking> requests, const Policy& policy, Instant now,
                            bool check) {
  Booked out;
  std::vector<std::int64_t> ids;
  for (const NewBooking& r : requests) ids.push_back(r.calendar_id);
  LockCalendars(tx, ids);
  for (const NewBooking& r : requests) {
    if ((out.refusal = Malformed(r))) return out;
    if (!check) continue;
    auto calendar = FindCalendar(tx, r.calendar_id);
    if (!calendar.ok()) {
      out.refusal = Refuse(Reason::kInvalid, r.calendar_id, calendar.error());
      return out;
    }
    if ((out.refusal = Check(tx, *calendar, r, policy, now))) return out;
  }
  return InsertAll(tx, requests, now);
}

static Booked BookOnUncounted(store::Tx& tx, std::span<const NewBooking> requests, const Policy& policy,
                              Instant now, std::span<const CalendarSnapshot> loaded) {
  Booked out;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const NewBooking& r = requests[i];
    if ((out.refusal = Malformed(r))) return out;
    if (i >= loaded.size() || loaded[i].calendar.id != r.calendar_id) {
      out.refusal = Refuse(Reason::kInvalid, r.calendar_id, InvalidArgument("No snapshot of the booking's calendar"));
      return out;
    }
    if ((out.refusal = Judge(loaded[i], r, policy, now))) return out;
  }
  return InsertAll(tx, requests, now);
}

Booked BookOn(store::Tx& tx, std::span<const NewBooking> requests, const Policy& policy, Instant now,
              std::span<const CalendarSnapshot> loaded) {
  Booked out = BookOnUncounted(tx, requests, policy, now, loaded);
  CountBooked(tx, requests, out, true);
  RecordBooked(tx, requests, out, now);
  return out;
}

Booked Book(store::Tx& tx, std::span<const NewBooking> requests, const Policy& policy, Instant now, bool check) {
  Booked out = BookUncounted(tx, requests, policy, now, check);
  CountBooked(tx, requests, out, check);
  RecordBooked(tx, requests, out, now);
  return out;
}

Booked Book(store::Database& db, std::span<const NewBooking> requests, const Policy& policy, Instant now) {
  Booked out;
  db.WriteTx([&](store::Tx& tx) {
    out = Book(tx, requests, policy, now);
    return out.ok();
  });
  return out;
}

Result<BookingStatus> SetStatus(store::Tx& tx, std::int64_t booking_id, BookingStatus to, Instant now) {
  auto row = tx.QueryOne("SELECT status FROM bookings WHERE id = ?", {Int(booking_id)});
  if (!row) return NotFound("Booking not found");
  auto from = ParseBookingStatus(row->Text(0));
  if (!from) return Error{ErrorCode::kInternal, "unknown stored booking status", {}};
  if (!BookingTransitionAllowed(*from, to)) {
    return InvalidArgument("Cannot change booking status from " + std::string(BookingStatusName(*from)) + " to " +
                               std::string(BookingStatusName(to)),
                           "status");
  }
  tx.Exec("UPDATE bookings SET status = ?, updated_at = ? WHERE id = ?",
          {Text(std::string(BookingStatusName(to))), Int(ToStored(now)), Int(booking_id)});
  CountStatusChange(tx, booking_id, to);
  RecordStatusChange(tx, booking_id, *from, to, now);
  return *from;
}

void CancelSlotBookings(store::Tx& tx, std::int64_t slot_id, Instant now) {
  const auto held = tx.Query("SELECT id FROM bookings WHERE slot_id = ? AND face = 'slot' AND status IN " +
                                 std::string(kHoldingStatusesSql) + " ORDER BY id",
                             {Int(slot_id)});
  const std::int64_t cancelled = tx.Exec(
      "UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE slot_id = ? AND face = 'slot' AND status IN " +
              std::string(kHoldingStatusesSql),
          {Int(ToStored(now)), Int(slot_id)});
  CountCancelled(tx, "slot", cancelled);
  for (const store::Row& row : held) RecordEvent(tx, "booking.cancelled", row.Int(0), now);
}

void DeleteMeetingBookings(store::Tx& tx, std::int64_t meeting_id) {
  RememberMeetingBookings(tx, meeting_id);
  tx.Exec("DELETE FROM bookings WHERE meeting_id = ?", {Int(meeting_id)});
}

void SetMeetingLink(store::Tx& tx, std::int64_t booking_id, const std::string& link, Instant now) {
  tx.Exec("UPDATE bookings SET meeting_link = ?, updated_at = ? WHERE id = ?",
          {Text(link), Int(ToStored(now)), Int(booking_id)});
}

}  // namespace kairos::booking
