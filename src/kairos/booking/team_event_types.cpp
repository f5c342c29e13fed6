#include "kairos/booking/team_event_types.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/counts.hpp"
#include "kairos/core/booking_status.hpp"

namespace kairos::booking {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using store::Int;
using store::Text;

// "?, ?, ?" for n values.
std::string Marks(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

store::Params Ints(const std::vector<std::int64_t>& ids) {
  store::Params p;
  for (std::int64_t id : ids) p.push_back(Int(id));
  return p;
}

// Schedules by id, with their intervals and overrides, in three queries.
std::map<std::int64_t, Schedule> LoadSchedules(store::Tx& tx, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, Schedule> out;
  if (ids.empty()) return out;
  const std::string in = "(" + Marks(ids.size()) + ")";
  for (const auto& r : tx.Query("SELECT id, uuid, owner_account_id, name, time_zone, created_at, updated_at FROM schedules "
                                "WHERE id IN " + in,
                                Ints(ids))) {
    Schedule s;
    s.id = r.Int(0);
    s.uuid = r.Text(1);
    s.owner_account_id = r.Int(2);
    s.name = r.Text(3);
    s.time_zone = r.Text(4);
    s.created_at = FromStored(r.Int(5));
    s.updated_at = FromStored(r.Int(6));
    out.emplace(s.id, std::move(s));
  }
  for (const auto& r : tx.Query("SELECT schedule_id, iso_weekday, start_second, end_second FROM schedule_weekly "
                                "WHERE schedule_id IN " + in + " ORDER BY schedule_id, position",
                                Ints(ids))) {
    auto it = out.find(r.Int(0));
    if (it == out.end()) continue;
    it->second.weekly.push_back({static_cast<int>(r.Int(1)), {TimeOfDay{r.Int(2)}, TimeOfDay{r.Int(3)}}});
  }
  for (const auto& r : tx.Query("SELECT schedule_id, local_date, start_second, end_second FROM schedule_overrides "
                                "WHERE schedule_id IN " + in + " ORDER BY schedule_id, local_date, position",
                                Ints(ids))) {
    auto it = out.find(r.Int(0));
    if (it == out.end()) continue;
    auto day = ParseDate(r.Text(1));
    if (!day.ok()) continue;
    auto& spans = it->second.overrides[*day];  // an override with no times closes the date
    if (!r.IsNull(2) && !r.IsNull(3)) spans.push_back({TimeOfDay{r.Int(2)}, TimeOfDay{r.Int(3)}});
  }
  return out;
}

// What one host's view borrows: the windows (its calendar's one-offs and its schedule's),
// the seats as capacity, and the bookings the limits count.
struct HostShape {
  std::vector<OneOffWindow> windows;
  std::vector<OneOffWindow> capacity;
  std::vector<Booking> counted;
};

// Everything the engine needs for the team over a range, owned.
struct TeamViews {
  SlotQuery query;
  std::vector<CalendarSnapshot> snapshots;
  std::vector<HostShape> shapes;
  std::vector<CalendarAvailability> views;
  std::unique_ptr<bool[]> mandatory;
};

// The event type's query (as EventTypePolicy makes it) with range and now.
SlotQuery TeamQuery(store::Tx& tx, const TeamContext& team, Interval range, Instant now) {
  SlotQuery q = EventTypePolicy(tx, team.base, range, now).query;
  q.range = range;
  q.now = now;
  return q;
}

std::unique_ptr<TeamViews> LoadViews(store::Tx& tx, const TeamContext& team, Interval range, Instant now) {
  auto v = std::make_unique<TeamViews>();
  const EventType& e = team.base.event_type;
  v->query = TeamQuery(tx, team, range, now);
  const SlotQuery& q = v->query;
  const bool limits = q.per_day_limit || q.per_week_limit;
  Interval loaded = q.per_week_limit ? AroundLocalWeeks(range) : q.per_day_limit ? AroundLocalDays(range) : range;
  std::vector<Calendar> calendars;
  for (const auto& h : team.hosts) calendars.push_back(h.calendar);
  v->snapshots = LoadSnapshots(tx, calendars, loaded, std::max(q.buffer_before, q.buffer_after), now);
  // The event type's own bookings (every host's row of a team booking), for the limits.
  std::unordered_set<std::int64_t> own;
  if (limits) {
    Interval wide{loaded.start - date::days{1}, loaded.end + date::days{1}};
    for (const auto& r : tx.Query(
             "SELECT v.booking_id FROM v1_bookings v JOIN bookings b ON b.id = v.booking_id WHERE v.event_type_id = ? "
             "AND b.start_at >= ? AND b.start_at < ? UNION SELECT t.host_booking_id FROM team_booking_hosts t "
             "JOIN v1_bookings v ON v.booking_id = t.booking_id JOIN bookings b ON b.id = t.host_booking_id "
             "WHERE v.event_type_id = ? AND b.start_at >= ? AND b.start_at < ?",
             {Int(e.id), Int(ToStored(wide.start)), Int(ToStored(wide.end)), Int(e.id), Int(ToStored(wide.start)),
              Int(ToStored(wide.end))})) {
      own.insert(r.Int(0));
    }
  }
  const Interval wide{loaded.start - date::days{9}, loaded.end + date::days{9}};
  // Hosts often keep the same hours: each distinct schedule is expanded once.
  std::vector<std::pair<const Schedule*, std::vector<OneOffWindow>>> expansions;
  auto expanded = [&](const Schedule& schedule) -> const std::vector<OneOffWindow>& {
    for (const auto& [known, windows] : expansions) {
      if (known->time_zone == schedule.time_zone && known->weekly == schedule.weekly &&
          known->overrides == schedule.overrides) {
        return windows;
      }
    }
    expansions.emplace_back(&schedule, ExpandSchedule(schedule, loaded, e.seats_per_slot));
    return expansions.back().second;
  };
  expansions.reserve(team.hosts.size());
  v->shapes.resize(team.hosts.size());
  v->views.reserve(team.hosts.size());
  v->mandatory.reset(new bool[std::max<std::size_t>(1, team.hosts.size())]());
  for (std::size_t i = 0; i < team.hosts.size(); ++i) {
    const CalendarSnapshot& s = v->snapshots[i];
    HostShape& shape = v->shapes[i];
    shape.windows.assign(s.one_off_windows.begin(), s.one_off_windows.end());
    if (const auto& schedule = team.hosts[i].schedule) {
      const std::vector<OneOffWindow>& opened = expanded(*schedule);
      shape.windows.insert(shape.windows.end(), opened.begin(), opened.end());
    }
    std::stable_sort(shape.windows.begin(), shape.windows.end(),
                     [](const OneOffWindow& a, const OneOffWindow& b) { return a.interval.start < b.interval.start; });
    shape.capacity.push_back({wide, e.seats_per_slot, 0});
    CalendarAvailability view = s.View(UndefinedTimePolicy::kClosed);
    view.one_off_windows = shape.windows;
    view.capacity_overrides = shape.capacity;
    if (limits) {
      for (std::size_t b = 0; b < s.bookings.size(); ++b) {
        const HeldTime* hold = s.HoldAt(b);
        if (hold ? hold->event_type_id == e.id : own.count(s.booking_ids[b]) > 0) shape.counted.push_back(s.bookings[b]);
      }
      view.counted_bookings = std::span<const Booking>(shape.counted);
    }
    v->views.push_back(view);
    v->mandatory[i] = team.hosts[i].host.mandatory;
  }
  return v;
}

// The typed refusal of host `i` for `interval`, as its own check words it.
Refusal HostRefusal(store::Tx& tx, const TeamContext& team, std::size_t i, Interval interval, Instant now) {
  EventTypeContext host = team.base;
  host.schedule = team.hosts[i].schedule;
  host.calendar = team.hosts[i].calendar;
  Policy policy = EventTypePolicy(tx, host, interval, now);
  if (auto refused = CheckOffered(tx, host.calendar, interval, policy, now)) return *refused;
  // Its own grid would take it, but the team's does not (a start between slots).
  return Refusal{Reason::kOutsideHours, host.calendar.id, {},
                 Conflict("The requested time is outside the calendar's availability", "start_time")};
}

struct Attending {
  std::vector<std::size_t> hosts;  // indexes, the chosen (or first) host first
  std::optional<Refusal> refusal;
};

// Who attends at `interval`: everyone (collective), or the mandatory hosts plus one
// rotating host by the rule, `prefer` first when free.
Attending Decide(store::Tx& tx, const TeamContext& team, Interval interval, Instant now,
                 std::optional<std::int64_t> prefer) {
  Attending out;
  std::unique_ptr<TeamViews> v = LoadViews(tx, team, AroundLocalDays(interval), now);
  auto free = TeamHostsFree(v->views, v->query, interval);
  if (!free.ok()) {
    out.refusal = Refusal{Reason::kInvalid, team.base.calendar.id, {}, free.error()};
    return out;
  }
  std::vector<std::size_t> rotating;
  for (std::size_t i = 0; i < team.hosts.size(); ++i) {
    const bool must = team.kind == TeamKind::kCollective || team.hosts[i].host.mandatory;
    if (must && !(*free)[i]) {
      out.refusal = HostRefusal(tx, team, i, interval, now);
      return out;
    }
    if (!must) rotating.push_back(i);
  }
  std::vector<std::size_t> candidates;
  for (std::size_t i : rotating) {
    if ((*free)[i]) candidates.push_back(i);
  }
  if (!rotating.empty() && candidates.empty()) {
    out.refusal = HostRefusal(tx, team, rotating.front(), interval, now);
    return out;
  }
  if (!rotating.empty()) {
    std::size_t chosen = candidates.front();
    auto preferred = std::find_if(candidates.begin(), candidates.end(),
                                  [&](std::size_t i) { return prefer && team.hosts[i].host.account_id == *prefer; });
    if (preferred != candidates.end()) {
      chosen = *preferred;
    } else {
      std::vector<RoundRobinCandidate> standing = RoundRobinStanding(tx, team, now);
      std::vector<RoundRobinCandidate> offered;
      for (std::size_t i : candidates) offered.push_back(standing[i]);
      chosen = candidates[*ChooseRoundRobinHost(offered)];
    }
    out.hosts.push_back(chosen);
  }
  for (std::size_t i = 0; i < team.hosts.size(); ++i) {
    const bool must = team.kind == TeamKind::kCollective || team.hosts[i].host.mandatory;
    if (must) out.hosts.push_back(i);
  }
  return out;
}

std::vector<std::int64_t> CalendarIds(const TeamContext& team) {
  std::vector<std::int64_t> ids;
  for (const auto& h : team.hosts) ids.push_back(h.calendar.id);
  return ids;
}

// Inserts the other attending hosts' rows and links them to `primary`.
std::optional<Refusal> InsertOthers(store::Tx& tx, const TeamContext& team, const std::vector<std::size_t>& hosts,
                                    std::int64_t primary, const NewBooking& model, Instant now) {
  std::vector<NewBooking> rows;
  for (std::size_t k = 1; k < hosts.size(); ++k) {
    NewBooking b = model;
    b.calendar_id = team.hosts[hosts[k]].calendar.id;
    rows.push_back(b);
  }
  if (rows.empty()) return std::nullopt;
  Booked booked = Book(tx, rows, Policy{}, now, false);
  if (!booked.ok()) return booked.refusal;
  CountBooked(tx, rows, booked, true);
  for (std::size_t k = 0; k < booked.bookings.size(); ++k) {
    tx.Exec("INSERT INTO team_booking_hosts (booking_id, host_booking_id, account_id) VALUES (?, ?, ?)",
            {Int(primary), Int(booked.bookings[k].id), Int(team.hosts[hosts[k + 1]].host.account_id)});
  }
  return std::nullopt;
}

}  // namespace

bool IsTeamEventType(const EventType& e) { return e.scheduling == "collective" || e.scheduling == "round_robin"; }

TeamContext LoadTeamContext(store::Tx& tx, EventTypeContext base, bool create_calendars, Instant now) {
  TeamContext team;
  team.kind = base.event_type.scheduling == "round_robin" ? TeamKind::kRoundRobin : TeamKind::kCollective;
  const std::vector<EventTypeHost>& hosts = base.event_type.hosts;
  std::vector<std::int64_t> accounts;
  for (const auto& h : hosts) accounts.push_back(h.account_id);
  std::unordered_map<std::int64_t, Calendar> calendars;
  std::unordered_map<std::int64_t, std::string> zones;
  std::unordered_map<std::int64_t, std::int64_t> oldest_schedule;
  if (!accounts.empty()) {
    const std::string in = "(" + Marks(accounts.size()) + ")";
    for (Calendar& c : FindPersonalCalendars(tx, accounts)) calendars.emplace(c.owner_account_id, std::move(c));
    for (const auto& r : tx.Query("SELECT id, timezone FROM accounts WHERE id IN " + in, Ints(accounts))) {
      zones.emplace(r.Int(0), r.Text(1));
    }
    for (const auto& r : tx.Query("SELECT owner_account_id, MIN(id) FROM schedules WHERE owner_account_id IN " + in +
                                      " GROUP BY owner_account_id",
                                  Ints(accounts))) {
      oldest_schedule.emplace(r.Int(0), r.Int(1));
    }
  }
  std::vector<std::int64_t> schedule_ids;
  std::vector<std::optional<std::int64_t>> host_schedule;
  for (const auto& h : hosts) {
    std::optional<std::int64_t> id;
    if (base.schedule && base.schedule->owner_account_id == h.account_id) {
      id = base.schedule->id;
    } else if (auto it = oldest_schedule.find(h.account_id); it != oldest_schedule.end()) {
      id = it->second;
    }
    host_schedule.push_back(id);
    if (id) schedule_ids.push_back(*id);
  }
  std::sort(schedule_ids.begin(), schedule_ids.end());
  schedule_ids.erase(std::unique(schedule_ids.begin(), schedule_ids.end()), schedule_ids.end());
  std::map<std::int64_t, Schedule> schedules = LoadSchedules(tx, schedule_ids);
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    TeamHostContext h;
    h.host = hosts[i];
    if (auto it = calendars.find(h.host.account_id); it != calendars.end()) {
      h.calendar = it->second;
    } else if (create_calendars) {
      h.calendar = PersonalCalendar(tx, h.host.account_id, now);
    } else {
      h.calendar.owner_account_id = h.host.account_id;
      h.calendar.kind = "personal";
      h.calendar.timezone = zones.count(h.host.account_id) ? zones[h.host.account_id] : "UTC";
      h.calendar.zone = ZoneOrUtc(h.calendar.timezone);
    }
    if (host_schedule[i]) {
      if (auto it = schedules.find(*host_schedule[i]); it != schedules.end()) h.schedule = it->second;
    }
    team.hosts.push_back(std::move(h));
  }
  team.base = std::move(base);
  return team;
}

Result<std::vector<TeamSlot>> ListTeamSlots(store::Tx& tx, const TeamContext& team, Interval range, Instant now) {
  std::unique_ptr<TeamViews> v = LoadViews(tx, team, range, now);
  return TeamFreeSlots(v->views, std::span<const bool>(v->mandatory.get(), team.hosts.size()), team.kind, v->query);
}

std::vector<RoundRobinCandidate> RoundRobinStanding(store::Tx& tx, const TeamContext& team, Instant now) {
  std::vector<RoundRobinCandidate> out;
  for (const auto& h : team.hosts) out.push_back({h.host.account_id, h.host.weight, 0, std::nullopt});
  for (const auto& r : tx.Query(
           "SELECT v.host_account_id, COUNT(*), MAX(v.created_at) FROM v1_bookings v JOIN bookings b ON b.id = "
           "v.booking_id WHERE v.event_type_id = ? AND v.created_at > ? AND v.created_at <= ? AND b.status IN " +
               std::string(kHoldingStatusesSql) + " GROUP BY v.host_account_id",
           {Int(team.base.event_type.id), Int(ToStored(now - kRoundRobinWindow)), Int(ToStored(now))})) {
    for (auto& c : out) {
      if (c.id == r.Int(0)) {
        c.bookings = r.Int(1);
        c.last_booked = FromStored(r.Int(2));
      }
    }
  }
  return out;
}

TeamExplained ExplainTeamTime(store::Tx& tx, const TeamContext& team, Interval interval, Instant now) {
  TeamExplained out;
  std::unique_ptr<TeamViews> v = LoadViews(tx, team, AroundLocalDays(interval), now);
  auto free = TeamHostsFree(v->views, v->query, interval);
  if (!free.ok()) {
    out.refusal = Refusal{Reason::kInvalid, team.base.calendar.id, {}, free.error()};
    return out;
  }
  std::optional<Refusal> first_rotating;
  bool any_rotating_free = false;
  bool any_rotating = false;
  for (std::size_t i = 0; i < team.hosts.size(); ++i) {
    std::optional<Refusal> refused;
    if (!(*free)[i]) refused = HostRefusal(tx, team, i, interval, now);
    const bool must = team.kind == TeamKind::kCollective || team.hosts[i].host.mandatory;
    if (must && refused && !out.refusal) out.refusal = refused;
    if (!must) {
      any_rotating = true;
      any_rotating_free = any_rotating_free || !refused;
      if (refused && !first_rotating) first_rotating = refused;
    }
    out.hosts.push_back(std::move(refused));
  }
  // As Decide judges: a mandatory host's refusal first, then the first rotating host's.
  if (!out.refusal && any_rotating && !any_rotating_free) out.refusal = first_rotating;
  return out;
}

std::vector<std::int64_t> TeamBookingRows(store::Tx& tx, std::int64_t booking_id) {
  std::vector<std::int64_t> out;
  for (const auto& r : tx.Query("SELECT host_booking_id FROM team_booking_hosts WHERE booking_id = ? ORDER BY "
                                "host_booking_id",
                                {Int(booking_id)})) {
    out.push_back(r.Int(0));
  }
  return out;
}

TeamBooked BookTeamEventType(store::Tx& tx, const TeamContext& team, const EventTypeBookingRequest& request,
                             Instant now) {
  TeamBooked out;
  const EventType& e = team.base.event_type;
  Interval interval{request.start, request.start + minutes{e.duration_minutes}};
  LockCalendars(tx, CalendarIds(team));
  Attending attending = Decide(tx, team, interval, now, std::nullopt);
  if (attending.refusal) {
    CountRefused("v1", attending.refusal->reason);  // /metrics, as an individual booking's
    out.refusal = std::move(attending.refusal);
    return out;
  }
  NewBooking model;
  model.face = "v1";
  model.interval = interval;
  model.status = e.requires_confirmation ? BookingStatus::kPending : BookingStatus::kConfirmed;
  model.client_account_id = request.client_account_id;
  model.customer_name = request.attendee_name;
  model.customer_email = request.attendee_email;
  model.shares_seats = e.seats_per_slot > 1;
  NewBooking first = model;
  const TeamHostContext& chosen = team.hosts[attending.hosts.front()];
  first.calendar_id = chosen.calendar.id;
  Booked booked = Book(tx, {&first, 1}, Policy{}, now, false);
  if (!booked.ok()) {
    out.refusal = std::move(booked.refusal);
    return out;
  }
  CountBooked(tx, {&first, 1}, booked, true);
  out.booking = booked.bookings.front();
  out.host_account_id = chosen.host.account_id;
  for (std::size_t i : attending.hosts) out.attending.push_back(team.hosts[i].host.account_id);
  out.manage_token = auth::RandomSecret();
  tx.Exec(
      "INSERT INTO v1_bookings (booking_id, event_type_id, host_account_id, status, attendee_name, attendee_email, "
      "attendee_time_zone, guests, answers, manage_token_hash, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Int(out.booking->id), Int(e.id), Int(chosen.host.account_id),
       Text(std::string(V1StatusName(e.requires_confirmation ? V1Status::kPending : V1Status::kAccepted))),
       Text(request.attendee_name), Text(request.attendee_email), Text(request.attendee_time_zone),
       Text(request.guests_json), Text(request.answers_json), Text(auth::SecretDigest(out.manage_token)),
       Int(ToStored(now)), Int(ToStored(now))});
  if (auto refused = InsertOthers(tx, team, attending.hosts, out.booking->id, model, now)) {
    out.booking.reset();
    out.refusal = std::move(refused);
  }
  return out;
}

std::optional<Refusal> RescheduleTeamBooking(store::Tx& tx, const TeamContext& team, std::int64_t booking_id,
                                             Instant start, Instant now) {
  const EventType& e = team.base.event_type;
  Interval interval{start, start + minutes{e.duration_minutes}};
  LockCalendars(tx, CalendarIds(team));
  auto row = tx.QueryOne("SELECT b.status, v.host_account_id, b.client_account_id, b.customer_name, b.customer_email "
                         "FROM bookings b JOIN v1_bookings v ON v.booking_id = b.id WHERE b.id = ?",
                         {Int(booking_id)});
  if (!row) return Refusal{Reason::kInvalid, team.base.calendar.id, {}, NotFound("Booking not found")};
  const std::string status = row->Text(0);
  const std::int64_t host = row->Int(1);
  // Release the old time of every row for the check; the transaction books the new one
  // or rolls back, so no one sees the booking gone.
  std::vector<std::int64_t> others = TeamBookingRows(tx, booking_id);
  tx.Exec("UPDATE bookings SET status = 'cancelled' WHERE id = ?", {Int(booking_id)});
  for (std::int64_t id : others) tx.Exec("UPDATE bookings SET status = 'cancelled' WHERE id = ?", {Int(id)});
  Attending attending = Decide(tx, team, interval, now, host);
  if (attending.refusal) return attending.refusal;  // not counted, as an individual reschedule's
  for (std::int64_t id : others) tx.Exec("DELETE FROM bookings WHERE id = ?", {Int(id)});
  const TeamHostContext& chosen = team.hosts[attending.hosts.front()];
  try {
    tx.Exec("UPDATE bookings SET calendar_id = ?, start_at = ?, end_at = ?, status = ?, updated_at = ? WHERE id = ?",
            {Int(chosen.calendar.id), Int(ToStored(interval.start)), Int(ToStored(interval.end)), Text(status),
             Int(ToStored(now)), Int(booking_id)});
  } catch (const store::StoreError& err) {
    if (err.kind() != store::StoreError::Kind::kExclusionViolation) throw;
    return Refusal{Reason::kTaken, chosen.calendar.id, {},
                   Conflict("The requested time has reached maximum capacity", "start_time")};
  }
  tx.Exec("UPDATE v1_bookings SET host_account_id = ?, updated_at = ? WHERE booking_id = ?",
          {Int(chosen.host.account_id), Int(ToStored(now)), Int(booking_id)});
  NewBooking model;
  model.face = "v1";
  model.interval = interval;
  model.status = ParseBookingStatus(status).value_or(BookingStatus::kConfirmed);
  model.client_account_id = row->OptionalInt(2);
  model.customer_name = row->OptionalText(3);
  model.customer_email = row->OptionalText(4);
  model.shares_seats = e.seats_per_slot > 1;
  return InsertOthers(tx, team, attending.hosts, booking_id, model, now);
}

}  // namespace kairos::booking
