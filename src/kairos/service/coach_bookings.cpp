#include "kairos/service/coach_bookings.hpp"

#include <array>
#include <stdexcept>

#include "kairos/auth/policy.hpp"
#include "kairos/booking/booking.hpp"

namespace kairos::service {

using namespace kairos::booking;  // calendars, snapshots and the booking path
namespace {

using namespace std::chrono_literals;
using store::Int;
using store::Text;

constexpr std::array<std::string_view, 4> kStatusNames = {"pending", "confirmed", "completed", "cancelled"};

// A session and the accounts that may act on it.
struct StoredSession {
  std::int64_t id = 0;
  CoachSession session;
  std::optional<std::int64_t> client_id;
  std::int64_t coach_id = 0;

  std::vector<std::int64_t> Parties() const {
    std::vector<std::int64_t> ids{coach_id};
    if (client_id) ids.push_back(*client_id);
    return ids;
  }
};

// Sessions are this face's bookings on their coach's calendar; other faces' bookings
// hold the coach's time but are not sessions.
constexpr std::string_view kSessionFrom =
    " FROM bookings b JOIN calendars c ON c.id = b.calendar_id JOIN accounts co ON co.id = c.owner_account_id "
    "LEFT JOIN accounts cl ON cl.id = b.client_account_id WHERE b.face = 'coach'";

constexpr std::string_view kSessionColumns =
    "SELECT b.id, b.uuid, b.start_at, b.end_at, b.status, b.payment_id, b.meeting_link, b.notes, b.created_at, "
    "b.updated_at, b.client_account_id, cl.uuid, cl.username, cl.email, cl.first_name, cl.last_name, co.id, co.uuid, "
    "co.username, co.email, co.first_name, co.last_name";

// The party whose columns start at `at`: uuid, username, email, first_name, last_name.
SessionParty PartyFromRow(const store::Row& row, std::size_t at) {
  SessionParty p;
  p.uuid = row.Text(at);
  p.name = DisplayName(row.OptionalText(at + 3).value_or(""), row.OptionalText(at + 4).value_or(""),
                       row.OptionalText(at + 1).value_or(""));
  p.email = row.OptionalText(at + 2).value_or("");
  return p;
}

SessionStatus StatusFromStored(std::string_view name) {
  auto status = ParseSessionStatus(name);
  // The face only ever writes the four statuses; anything else is a broken row.
  if (!status.ok()) throw std::logic_error("coach session with status " + std::string(name));
  return *status;
}

StoredSession SessionFromRow(const store::Row& row) {
  StoredSession s;
  s.id = row.Int(0);
  CoachSession& c = s.session;
  c.uuid = row.Text(1);
  c.interval = {FromStored(row.Int(2)), FromStored(row.Int(3))};
  c.status = StatusFromStored(row.Text(4));
  c.payment_id = row.OptionalText(5);
  c.meeting_link = row.OptionalText(6);
  c.notes = row.OptionalText(7);
  c.created_at = FromStored(row.Int(8));
  c.updated_at = FromStored(row.Int(9));
  s.client_id = row.OptionalInt(10);
  if (s.client_id) c.client = PartyFromRow(row, 11);
  s.coach_id = row.Int(16);
  c.coach = PartyFromRow(row, 17);
  return s;
}

std::optional<StoredSession> LoadSession(store::Tx& tx, std::string_view uuid) {
  auto row = tx.QueryOne(std::string(kSessionColumns) + std::string(kSessionFrom) + " AND b.uuid = ?",
                         {Text(std::string(uuid))});
  if (!row) return std::nullopt;
  return SessionFromRow(*row);
}

// A session's status is the booking's, under the same name.
BookingStatus AsBookingStatus(SessionStatus s) { return *ParseBookingStatus(SessionStatusName(s)); }

Error BookingNotFound() { return NotFound("Booking not found"); }
Error CoachNotFound() { return NotFound("Coach not found"); }

// The documented fallback for coaches who define no availability: 09:00–17:00, Monday
// to Friday, in the coach's time zone.
const std::vector<WeeklyRule>& WorkingHours() {
  static const std::vector<WeeklyRule> rules = [] {
    std::vector<WeeklyRule> r;
    for (int day = 1; day <= 5; ++day) r.push_back({day, TimeOfDay{9h}, TimeOfDay{17h}});
    return r;
  }();
  return rules;
}

// The one policy both the availability listing and booking use, so a session can be
// booked exactly when the listing (at the default step) offers it.
kairos::booking::Policy SessionPolicy(store::Tx& tx, const Calendar& calendar) {
  kairos::booking::Policy p;
  p.query.step = kSessionStep;
  if (!DefinesAvailability(tx, calendar)) {
    p.undefined_time = UndefinedTimePolicy::kDefaultRulesIfNone;
    p.default_rules = WorkingHours();
  }
  return p;
}

Status CheckLength(std::chrono::minutes length) {
  if (length < kMinSessionLength || length > kMaxSessionLength) {
    return InvalidArgument("Duration must be between 15 and 480 minutes", "duration_minutes");
  }
  return {};
}

}  // namespace

std::string_view SessionStatusName(SessionStatus status) { return kStatusNames[static_cast<std::size_t>(status)]; }

Result<SessionStatus> ParseSessionStatus(std::string_view name, std::string_view field) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<SessionStatus>(i);
  }
  return InvalidArgument(std::string(field) + " must be one of: pending, confirmed, completed, cancelled",
                         std::string(field));
}

bool SessionTransitionAllowed(SessionStatus from, SessionStatus to) {
  return BookingTransitionAllowed(AsBookingStatus(from), AsBookingStatus(to));
}

Result<Account> CoachBookings::FindCoach(std::string_view coach_uuid) {
  auto account = accounts_.FindByUuid(coach_uuid);
  if (!account.ok() || account->role != auth::Role::kCoach) return CoachNotFound();
  return account;
}

Result<CoachSession> CoachBookings::Create(const auth::Principal& caller, const NewCoachSession& in, Instant now) {
  if (!auth::RequireRole(caller, {auth::Role::kClient})) return Forbidden("Only clients can create bookings");
  if (Status s = CheckLength(in.length); !s) return s.error();
  if (in.start <= now) return InvalidArgument("Session must be scheduled in the future", "session_datetime");
  auto coach = FindCoach(in.coach_uuid);
  if (!coach.ok()) return coach.error();
  if (!coach->is_active) return InvalidArgument("Coach is not active", "coach_id");

  return db_.Write([&](store::Tx& tx) -> Result<CoachSession> {
    Calendar calendar = PersonalCalendar(tx, coach->id, now);
    LockCalendars(tx, {calendar.id});
    NewBooking booking;
    booking.calendar_id = calendar.id;
    booking.face = "coach";
    booking.interval = {in.start, in.start + in.length};
    booking.client_account_id = caller.account_id;
    booking.notes = in.notes;
    auto booked = kairos::booking::Book(tx, {&booking, 1}, SessionPolicy(tx, calendar), now);
    // The engine's reason (outside hours, blocked, taken) stays internal: the document
    // gives one message for all of them.
    if (!booked.ok()) return InvalidArgument("Time slot is not available", "session_datetime");
    return LoadSession(tx, booked.bookings.front().uuid)->session;
  });
}

Result<CoachSession> CoachBookings::Get(const auth::Principal& caller, std::string_view booking_uuid) {
  return db_.Read([&](store::Tx& tx) -> Result<CoachSession> {
    auto stored = LoadSession(tx, booking_uuid);
    if (!stored) return BookingNotFound();
    if (!auth::RequireAnyOf(caller, stored->Parties())) return Forbidden("Unauthorized to view this booking");
    return stored->session;
  });
}

Result<SessionPage> CoachBookings::ListForClient(const auth::Principal& caller, std::string_view client_uuid,
                                                 const SessionListQuery& query) {
  return List(caller, client_uuid, false, query);
}

Result<SessionPage> CoachBookings::ListForCoach(const auth::Principal& caller, std::string_view coach_uuid,
                                                const SessionListQuery& query) {
  return List(caller, coach_uuid, true, query);
}

Result<SessionPage> CoachBookings::List(const auth::Principal& caller, std::string_view account_uuid, bool as_coach,
                                        const SessionListQuery& query) {
  if (query.skip < 0) return InvalidArgument("skip must be a non-negative integer", "skip");
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(kMaxPageSize), "limit");
  }
  auto account = accounts_.FindByUuid(account_uuid);
  // Whether an account exists is nobody's business but an admin's.
  if (!account.ok()) {
    if (auth::IsAdmin(caller)) return NotFound(as_coach ? "Coach not found" : "Client not found");
    return Forbidden("Unauthorized to view these bookings");
  }
  if (!auth::RequireSelfOrAdmin(caller, account->id)) return Forbidden("Unauthorized to view these bookings");
  if (as_coach && account->role != auth::Role::kCoach) return CoachNotFound();

  std::string where = as_coach ? " AND c.owner_account_id = ?" : " AND b.client_account_id = ?";
  store::Params params{Int(account->id)};
  if (query.status) {
    where += " AND b.status = ?";
    params.push_back(Text(std::string(SessionStatusName(*query.status))));
  }
  return db_.Read([&](store::Tx& tx) -> Result<SessionPage> {
    SessionPage page;
    page.skip = query.skip;
    page.limit = query.limit;
    page.total = tx.QueryOne("SELECT COUNT(*)" + std::string(kSessionFrom) + where, params)->Int(0);
    store::Params paged = params;
    paged.push_back(Int(query.limit));
    paged.push_back(Int(query.skip));
    for (const auto& row : tx.Query(std::string(kSessionColumns) + std::string(kSessionFrom) + where +
                                        " ORDER BY b.start_at DESC, b.id DESC LIMIT ? OFFSET ?",
                                    paged)) {
      page.sessions.push_back(SessionFromRow(row).session);
    }
    return page;
  });
}

Result<CoachSession> CoachBookings::ChangeStatus(const auth::Principal& caller, std::string_view booking_uuid,
                                                 SessionStatus to, Instant now) {
  auto changed = db_.Write([&](store::Tx& tx) -> Result<CoachSession> {
    auto stored = LoadSession(tx, booking_uuid);
    if (!stored) return BookingNotFound();
    if (!auth::RequireAnyOf(caller, stored->Parties())) return Forbidden("Unauthorized to update this booking");
    // Confirming follows payment and completing follows the session: the coach's (or an
    // admin's) call. A client may only cancel.
    if (to != SessionStatus::kCancelled && !auth::RequireAnyOf(caller, {stored->coach_id})) {
      return Forbidden("Only the coach or an admin can confirm or complete a booking");
    }
    CoachSession& s = stored->session;
    if (!SessionTransitionAllowed(s.status, to)) {
      return InvalidArgument("Cannot change booking status from " + std::string(SessionStatusName(s.status)) +
                                 " to " + std::string(SessionStatusName(to)),
                             "status");
    }
    if (to == SessionStatus::kCompleted && s.interval.end > now) {
      return InvalidArgument("Cannot complete a session that has not ended", "status");
    }
    if (auto set = kairos::booking::SetStatus(tx, stored->id, AsBookingStatus(to), now); !set.ok()) return set.error();
    s.status = to;
    s.updated_at = now;
    return s;
  });
  if (changed.ok() && to == SessionStatus::kCancelled && on_cancelled_) on_cancelled_(booking_uuid, now);
  return changed;
}

Status CoachBookings::Cancel(const auth::Principal& caller, std::string_view booking_uuid, Instant now) {
  Status done = db_.Write([&](store::Tx& tx) -> Status {
    auto stored = LoadSession(tx, booking_uuid);
    if (!stored) return BookingNotFound();
    if (!auth::RequireAnyOf(caller, stored->Parties())) return Forbidden("Unauthorized to cancel this booking");
    if (!SessionTransitionAllowed(stored->session.status, SessionStatus::kCancelled)) {
      return InvalidArgument("Only pending or confirmed bookings can be cancelled", "status");
    }
    if (auto set = kairos::booking::SetStatus(tx, stored->id, BookingStatus::kCancelled, now); !set.ok()) return set.error();
    return {};
  });
  if (done.ok() && on_cancelled_) on_cancelled_(booking_uuid, now);
  return done;
}

Result<std::vector<Interval>> CoachBookings::Availability(std::string_view coach_uuid, const AvailabilityQuery& query,
                                                          Instant now) {
  if (query.range.end <= query.range.start) return InvalidArgument("End date must be after start date", "end_date");
  if (query.range.length() > kMaxAvailabilityRange) {
    return InvalidArgument("Date range cannot exceed 30 days", "end_date");
  }
  if (Status s = CheckLength(query.length); !s) return s.error();
  // Coarser grids are multiples of the booking grid, so whatever they list can be booked.
  if (query.step < kSessionStep || query.step > kMaxSessionLength || query.step % kSessionStep != 0min) {
    return InvalidArgument("step_minutes must be a multiple of 30 between 30 and 480", "step_minutes");
  }
  auto coach = FindCoach(coach_uuid);
  if (!coach.ok()) return coach.error();
  if (!coach->is_active) return std::vector<Interval>{};

  return db_.Read([&](store::Tx& tx) -> Result<std::vector<Interval>> {
    Calendar calendar = PersonalCalendarOrStandIn(tx, coach->id);
    kairos::booking::Policy policy = SessionPolicy(tx, calendar);
    policy.query.duration = query.length;
    policy.query.step = query.step;
    auto slots = kairos::booking::ListFree(tx, calendar, query.range, policy, now);
    if (!slots.ok()) return slots.error();
    std::vector<Interval> out;
    out.reserve(slots->size());
    for (const Slot& s : *slots) out.push_back(s.interval);
    return out;
  });
}

}  // namespace kairos::service
