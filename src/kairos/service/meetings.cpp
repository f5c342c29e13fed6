#include "kairos/service/meetings.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <unordered_map>

#include "kairos/auth/crypto.hpp"
#include "kairos/auth/policy.hpp"
#include "kairos/booking/booking.hpp"
#include "kairos/store/id_list.hpp"

namespace kairos::service {

using namespace kairos::booking;  // calendars, snapshots and the booking path
namespace {

using namespace std::chrono_literals;
using store::Int;
using store::Text;

// Meetings start on the hour of the organiser's zone, which is any whole minute of a
// participant's zone (Asia/Kolkata is +05:30), so the check's grid is one minute.
constexpr std::chrono::minutes kMeetingGrid{1};

// A participant as this face sees one: the account and its email.
struct Party {
  std::int64_t id = 0;
  std::string email;
};

std::string JoinHours(const std::vector<int>& hours) {
  std::string out;
  for (int h : hours) {
    if (!out.empty()) out += ',';
    out += std::to_string(h);
  }
  return out;
}

// The local hour h of `day` in `zone`; empty when a DST gap skips it.
Interval LocalHour(Date day, int h, Zone zone) {
  return {ToUtc(MakeLocal(day, std::chrono::hours(h)), zone), ToUtc(MakeLocal(day, std::chrono::hours(h + 1)), zone)};
}

// Face 002's policy: hour-long meetings on the hour grid, and a local day a calendar
// defines nothing for is open all day.
const kairos::booking::Policy& MeetingPolicy() {
  static const kairos::booking::Policy policy = [] {
    kairos::booking::Policy p;
    p.query.duration = kMeetingLength;
    p.query.step = kMeetingGrid;
    p.undefined_time = UndefinedTimePolicy::kOpenUndefinedDays;
    return p;
  }();
  return policy;
}

CalendarAvailability View(const CalendarSnapshot& snapshot) { return kairos::booking::ViewOf(snapshot, MeetingPolicy()); }

// The hours of `day` the engine would book for an hour-long meeting.
std::vector<int> AvailableHours(const CalendarSnapshot& snapshot, Date day) {
  SlotQuery query;
  query.step = kMeetingGrid;
  // Availability describes the day, not what is still ahead of the clock.
  query.now = LocalDayBounds(day, snapshot.calendar.zone).start;
  std::vector<int> hours;
  for (int h = 0; h < kHoursPerDay; ++h) {
    Interval hour = LocalHour(day, h, snapshot.calendar.zone);
    if (hour.empty()) continue;
    query.duration = hour.length();
    if (CheckBookable(View(snapshot), query, hour).ok()) hours.push_back(h);
  }
  return hours;
}

Account AccountSummary(store::Tx& tx, std::int64_t id) {
  auto row = tx.QueryOne("SELECT id, uuid, username, email, timezone FROM accounts WHERE id = ?", {Int(id)});
  if (!row) throw std::logic_error("account " + std::to_string(id) + " vanished");
  Account a;
  a.id = row->Int(0);
  a.uuid = row->Text(1);
  a.username = row->OptionalText(2).value_or("");
  a.email = row->OptionalText(3).value_or("");
  a.timezone = row->Text(4);
  return a;
}

// The day as stored (or undefined) with its free hours, for an account's calendar.
DayHours LoadDay(store::Tx& tx, const Account& account, Date day) {
  DayHours out;
  out.user = account;
  out.day = day;
  CalendarSnapshot snapshot;
  snapshot.calendar = PersonalCalendarOrStandIn(tx, account.id);
  if (auto calendar = FindPersonalCalendar(tx, account.id)) {
    snapshot = LoadSnapshot(tx, *calendar, LocalDayBounds(day, calendar->zone));
    auto row = tx.QueryOne(
        "SELECT id, blocked_hours, created_at, updated_at FROM blocked_days WHERE calendar_id = ? AND local_date = ?",
        {Int(calendar->id), Text(FormatDate(day))});
    if (row) {
      out.id = row->Int(0);
      out.blocked = ParseBlockedHours(row->Text(1));
      out.created_at = FromStored(row->Int(2));
      out.updated_at = FromStored(row->Int(3));
    }
    // The hours active meetings hold show as blocked too, as the original shows them
    // (from the scan floor: the day's, not the calendar's whole history).
    Interval bounds = LocalDayBounds(day, calendar->zone);
    auto meetings = tx.Query(
        "SELECT start_at, end_at FROM bookings WHERE calendar_id = ? AND meeting_id IS NOT NULL AND status = 'active' "
        "AND start_at >= ? AND start_at < ? AND end_at > ?",
        {Int(calendar->id), Int(kairos::booking::OverlapScanFloor(bounds.start)), Int(ToStored(bounds.end)),
         Int(ToStored(bounds.start))});
    for (int h = 0; h < kHoursPerDay; ++h) {
      Interval hour = LocalHour(day, h, calendar->zone);
      if (hour.empty()) continue;
      bool held = std::any_of(meetings.begin(), meetings.end(), [&](const auto& m) {
        return Interval{FromStored(m.Int(0)), FromStored(m.Int(1))}.Overlaps(hour);
      });
      if (held) out.blocked.push_back(h);
    }
    std::sort(out.blocked.begin(), out.blocked.end());
    out.blocked.erase(std::unique(out.blocked.begin(), out.blocked.end()), out.blocked.end());
  } else {
    // No calendar yet holds nothing of its own, but the account's connected calendars
    // may still hold busy time.
    snapshot = LoadSnapshot(tx, snapshot.calendar, LocalDayBounds(day, snapshot.calendar.zone));
  }
  out.available = AvailableHours(snapshot, day);
  return out;
}

Result<Party> ActiveParty(store::Tx& tx, const std::string& email) {
  auto row = tx.QueryOne("SELECT id, email FROM accounts WHERE email_key = ? AND is_active = 1", {Text(CaseKey(email))});
  if (!row) return InvalidArgument("User does not exist : " + email, "participants");
  return Party{row->Int(0), row->Text(1)};
}

// The participants for these emails: each once, in the given order, the organiser last.
Result<std::vector<Party>> ResolveParticipants(store::Tx& tx, const std::vector<std::string>& emails,
                                               const Party& organiser) {
  if (emails.size() > kMaxParticipants) {
    return InvalidArgument("A meeting has at most " + std::to_string(kMaxParticipants) + " participants",
                           "participants");
  }
  std::vector<Party> out;
  for (const auto& email : emails) {
    auto party = ActiveParty(tx, email);
    if (!party.ok()) return party.error();
    bool seen = party->id == organiser.id ||
                std::any_of(out.begin(), out.end(), [&](const Party& p) { return p.id == party->id; });
    if (!seen) out.push_back(std::move(*party));
  }
  out.push_back(organiser);
  return out;
}

// Checks that every participant can take the hour, then books it on all their calendars.
// The caller's write transaction makes it all or nothing.
Status BookForAll(store::Tx& tx, std::int64_t meeting_id, std::int64_t organiser_id, const std::vector<Party>& parties,
                  Interval interval, MeetingStatus status, bool check, Instant now) {
  std::vector<NewBooking> requests;
  for (const auto& p : parties) {
    NewBooking b;
    b.calendar_id = PersonalCalendar(tx, p.id, now).id;
    b.face = "meeting";
    b.interval = interval;
    b.status = *ParseBookingStatus(MeetingStatusName(status));
    b.client_account_id = organiser_id;
    b.meeting_id = meeting_id;
    requests.push_back(std::move(b));
  }
  auto booked = kairos::booking::Book(tx, requests, MeetingPolicy(), now, check);
  if (booked.ok()) return {};
  const kairos::booking::Refusal& refusal = *booked.refusal;
  std::size_t i = 0;
  while (i + 1 < requests.size() && requests[i].calendar_id != refusal.calendar_id) ++i;
  if (refusal.booking_id) {
    return InvalidArgument("Time slot is conflicting with another event for user : " + parties[i].email);
  }
  return InvalidArgument("Time slot is not available for user : " + parties[i].email);
}

struct StoredMeeting {
  Meeting meeting;
  std::int64_t organiser_id = 0;
  std::vector<Party> parties;
};

// The meetings with these ids that exist, in the order given, with their parties (the
// organiser last): two queries however many there are.
std::vector<StoredMeeting> LoadMeetings(store::Tx& tx, const std::vector<std::int64_t>& ids, Zone viewer_zone) {
  std::vector<StoredMeeting> out;
  if (ids.empty()) return out;
  const store::IdList in = store::IdsIn(ids);
  const std::string& marks = in.marks;
  const store::Params& params = in.params;
  std::unordered_map<std::int64_t, StoredMeeting> found;
  for (const auto& row : tx.Query(
           "SELECT m.id, m.organiser_account_id, o.email, m.title, m.description, m.start_at, m.end_at, m.status, "
           "m.created_at, m.updated_at FROM meetings m JOIN accounts o ON o.id = m.organiser_account_id WHERE m.id IN (" +
               marks + ")",
           params)) {
    StoredMeeting s;
    Meeting& m = s.meeting;
    m.id = row.Int(0);
    s.organiser_id = row.Int(1);
    m.organiser = row.OptionalText(2).value_or("");
    m.title = row.Text(3);
    m.description = row.Text(4);
    m.interval = {FromStored(row.Int(5)), FromStored(row.Int(6))};
    m.time_slot = ToLocal(m.interval.start, viewer_zone);
    m.status = row.Text(7) == "cancelled" ? MeetingStatus::kCancelled : MeetingStatus::kActive;
    m.created_at = FromStored(row.Int(8));
    m.updated_at = FromStored(row.Int(9));
    found.emplace(m.id, std::move(s));
  }
  for (const auto& p : tx.Query(
           "SELECT b.meeting_id, a.id, a.email FROM bookings b JOIN meetings m ON m.id = b.meeting_id JOIN calendars c "
           "ON c.id = b.calendar_id JOIN accounts a ON a.id = c.owner_account_id WHERE b.meeting_id IN (" + marks +
               ") ORDER BY b.meeting_id, CASE WHEN a.id = m.organiser_account_id THEN 1 ELSE 0 END, b.id",
           params)) {
    auto it = found.find(p.Int(0));
    if (it == found.end()) continue;
    it->second.parties.push_back({p.Int(1), p.OptionalText(2).value_or("")});
    it->second.meeting.participants.push_back(it->second.parties.back().email);
  }
  for (std::int64_t id : ids) {
    auto it = found.find(id);
    if (it != found.end()) out.push_back(std::move(it->second));
  }
  return out;
}

std::optional<StoredMeeting> LoadMeeting(store::Tx& tx, std::int64_t id, Zone viewer_zone) {
  auto loaded = LoadMeetings(tx, {id}, viewer_zone);
  if (loaded.empty()) return std::nullopt;
  return std::move(loaded.front());
}

Zone CallerZone(store::Tx& tx, const auth::Principal& caller) {
  return ZoneOrUtc(AccountSummary(tx, caller.account_id).timezone);
}

// The meeting's hour for a wall-clock start in the organiser's zone, which must be on
// the hour.
Result<Interval> MeetingHour(LocalDateTime start, Zone organiser_zone) {
  if (TimeOfDayOf(start) % std::chrono::hours(1) != std::chrono::seconds(0)) {
    return InvalidArgument("time_slot must be on the hour (HH:00:00)", "time_slot");
  }
  Instant utc = ToUtc(start, organiser_zone);
  return Interval{utc, utc + kMeetingLength};
}

Status CheckFuture(Interval interval, Instant now) {
  if (interval.start <= now) return InvalidArgument("time_slot must be in the future", "time_slot");
  return {};
}

// Any participant (or an admin) sees and changes a meeting; anyone else may not know it
// exists.
Status MayChange(const auth::Principal& caller, const std::optional<StoredMeeting>& stored) {
  if (!stored) return NotFound("Not found.");
  if (auth::RequireSelfOrAdmin(caller, stored->organiser_id).ok()) return {};
  bool participant = std::any_of(stored->parties.begin(), stored->parties.end(),
                                 [&](const Party& p) { return p.id == caller.account_id; });
  if (!participant) return NotFound("Not found.");
  return {};
}

bool SameParties(const std::vector<Party>& a, const std::vector<Party>& b) {
  if (a.size() != b.size()) return false;
  return std::all_of(a.begin(), a.end(), [&](const Party& p) {
    return std::any_of(b.begin(), b.end(), [&](const Party& q) { return p.id == q.id; });
  });
}

}  // namespace

std::string_view MeetingStatusName(MeetingStatus status) {
  return status == MeetingStatus::kActive ? "active" : "cancelled";
}

Result<MeetingStatus> ParseMeetingStatus(std::string_view name) {
  if (name == "active") return MeetingStatus::kActive;
  if (name == "cancelled") return MeetingStatus::kCancelled;
  return InvalidArgument("status must be \"active\" or \"cancelled\"", "status");
}

Result<DayHours> Meetings::BlockHours(const auth::Principal& caller, Date day, std::vector<int> hours, Instant now) {
  for (int h : hours) {
    if (h < 0 || h >= kHoursPerDay) return InvalidArgument("blocked_slots must be hours from 0 to 23", "blocked_slots");
  }
  std::sort(hours.begin(), hours.end());
  hours.erase(std::unique(hours.begin(), hours.end()), hours.end());
  return db_.Write([&](store::Tx& tx) -> Result<DayHours> {
    Account account = AccountSummary(tx, caller.account_id);
    Calendar calendar = PersonalCalendar(tx, account.id, now);
    LockCalendars(tx, {calendar.id});
    CalendarSnapshot snapshot = LoadSnapshot(tx, calendar, LocalDayBounds(day, calendar.zone));
    const std::string local_date = FormatDate(day);
    std::vector<int> already;
    if (auto row = tx.QueryOne("SELECT blocked_hours FROM blocked_days WHERE calendar_id = ? AND local_date = ?",
                               {Int(calendar.id), Text(local_date)})) {
      already = ParseBlockedHours(row->Text(0));
    }
    for (int h : hours) {
      // Hours blocked before stay blocked; only the new ones are checked against bookings.
      if (std::find(already.begin(), already.end(), h) != already.end()) continue;
      Interval hour = LocalHour(day, h, calendar.zone);
      bool booked = std::any_of(snapshot.bookings.begin(), snapshot.bookings.end(),
                                [&](const Booking& b) { return b.interval.Overlaps(hour); });
      if (booked) return InvalidArgument("There is already an event booked at time slot : " + std::to_string(h));
    }
    hours.insert(hours.end(), already.begin(), already.end());
    std::sort(hours.begin(), hours.end());
    hours.erase(std::unique(hours.begin(), hours.end()), hours.end());
    std::int64_t changed = tx.Exec(
        "UPDATE blocked_days SET blocked_hours = ?, updated_at = ? WHERE calendar_id = ? AND local_date = ?",
        {Text(JoinHours(hours)), Int(ToStored(now)), Int(calendar.id), Text(local_date)});
    if (changed == 0) {
      tx.Exec(
          "INSERT INTO blocked_days (calendar_id, local_date, blocked_hours, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?)",
          {Int(calendar.id), Text(local_date), Text(JoinHours(hours)), Int(ToStored(now)), Int(ToStored(now))});
    }
    return LoadDay(tx, account, day);
  });
}

Result<DayHours> Meetings::Hours(const auth::Principal& caller, std::string_view email, Date day) {
  std::int64_t account_id = caller.account_id;
  if (!email.empty()) {
    auto account = accounts_.FindByEmail(email);
    if (!account.ok() || !account->is_active) return NotFound("User not found : " + std::string(email));
    account_id = account->id;
  }
  return db_.Read([&](store::Tx& tx) -> Result<DayHours> { return LoadDay(tx, AccountSummary(tx, account_id), day); });
}

Result<Meeting> Meetings::Create(const auth::Principal& caller, const MeetingFields& in, Instant now) {
  if (!in.title || !in.description || !in.time_slot || !in.participants) {
    throw std::logic_error("Meetings::Create needs title, description, time_slot and participants");
  }
  return db_.Write([&](store::Tx& tx) -> Result<Meeting> {
    Account organiser = AccountSummary(tx, caller.account_id);
    Zone zone = ZoneOrUtc(organiser.timezone);
    auto interval = MeetingHour(*in.time_slot, zone);
    if (!interval.ok()) return interval.error();
    if (auto s = CheckFuture(*interval, now); !s.ok()) return s.error();
    auto parties = ResolveParticipants(tx, *in.participants, {organiser.id, organiser.email});
    if (!parties.ok()) return parties.error();
    std::int64_t id = tx.Query(
                            "INSERT INTO meetings (uuid, organiser_account_id, title, description, start_at, end_at, "
                            "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            {Text(auth::NewUuid()), Int(organiser.id), Text(*in.title), Text(*in.description),
                             Int(ToStored(interval->start)), Int(ToStored(interval->end)),
                             Text("active"), Int(ToStored(now)), Int(ToStored(now))})
                          .at(0)
                          .Int(0);
    if (auto s = BookForAll(tx, id, organiser.id, *parties, *interval, MeetingStatus::kActive, true, now); !s.ok()) {
      return s.error();
    }
    return LoadMeeting(tx, id, zone)->meeting;
  });
}

Result<MeetingPage> Meetings::Upcoming(const auth::Principal& caller, const MeetingListRequest& request,
                                       Instant now) {
  return db_.Read([&](store::Tx& tx) -> Result<MeetingPage> {
    // The caller's meetings are found from the caller's own bookings, so the cost follows
    // the caller's calendar, not every meeting on the server. A meeting's bookings take its
    // time (BookForAll) and no booking lasts over booking::kMaxHeldSpan, so one that ends
    // after now starts after the scan floor.
    std::string mine =
        " FROM meetings m WHERE m.end_at > ? AND m.id IN (SELECT b.meeting_id FROM calendars c JOIN bookings b ON "
        "b.calendar_id = c.id WHERE c.owner_account_id = ? AND b.start_at >= ? AND b.meeting_id IS NOT NULL)";
    store::Params params{Int(ToStored(now)), Int(caller.account_id), Int(kairos::booking::OverlapScanFloor(now))};
    if (request.status) {
      mine += " AND m.status = ?";
      params.push_back(Text(*request.status));
    }
    // One pass gives the count and the page: the filter is evaluated once, not once for a
    // COUNT and again for the page.
    std::vector<std::pair<std::int64_t, std::int64_t>> upcoming;  // (start, id)
    for (const auto& row : tx.Query("SELECT m.start_at, m.id" + mine, params)) {
      upcoming.emplace_back(row.Int(0), row.Int(1));
    }
    MeetingPage page;
    page.count = static_cast<std::int64_t>(upcoming.size());
    const std::int64_t offset = std::max<std::int64_t>(0, request.offset);
    const std::int64_t limit = std::clamp<std::int64_t>(request.limit, 1, std::max<std::int64_t>(1, page.count));
    if (offset >= page.count) return page;
    const auto from = upcoming.begin() + offset;
    const auto to = upcoming.begin() + std::min(page.count, offset + limit);
    std::partial_sort(upcoming.begin(), to, upcoming.end());
    Zone zone = CallerZone(tx, caller);
    std::vector<std::int64_t> ids;
    for (auto it = from; it != to; ++it) ids.push_back(it->second);
    for (StoredMeeting& stored : LoadMeetings(tx, ids, zone)) page.meetings.push_back(std::move(stored.meeting));
    return page;
  });
}

Result<Meeting> Meetings::Find(const auth::Principal& caller, std::int64_t meeting_id) {
  return db_.Read([&](store::Tx& tx) -> Result<Meeting> {
    auto stored = LoadMeeting(tx, meeting_id, CallerZone(tx, caller));
    if (auto s = MayChange(caller, stored); !s.ok()) return s.error();
    return stored->meeting;
  });
}

Status Meetings::MayUpdate(const auth::Principal& caller, std::int64_t meeting_id) {
  return db_.Read([&](store::Tx& tx) { return MayChange(caller, LoadMeeting(tx, meeting_id, ZoneOrUtc("UTC"))); });
}

Result<Meeting> Meetings::Update(const auth::Principal& caller, std::int64_t meeting_id, const MeetingFields& change,
                                 Instant now) {
  return db_.Write([&](store::Tx& tx) -> Result<Meeting> {
    Zone caller_zone = CallerZone(tx, caller);
    auto stored = LoadMeeting(tx, meeting_id, caller_zone);
    if (auto s = MayChange(caller, stored); !s.ok()) return s.error();
    const Meeting& old = stored->meeting;
    Account organiser = AccountSummary(tx, stored->organiser_id);
    Interval interval = old.interval;
    if (change.time_slot) {
      auto hour = MeetingHour(*change.time_slot, ZoneOrUtc(organiser.timezone));
      if (!hour.ok()) return hour.error();
      interval = *hour;
    }
    std::vector<Party> parties = stored->parties;
    if (change.participants) {
      auto resolved = ResolveParticipants(tx, *change.participants, {organiser.id, organiser.email});
      if (!resolved.ok()) return resolved.error();
      parties = std::move(*resolved);
    }
    MeetingStatus status = change.status.value_or(old.status);
    // Edits that leave the booked time as it was (a title, or a cancellation) need no
    // check; anything that takes time anew does.
    bool takes_time = status == MeetingStatus::kActive &&
                      (interval != old.interval || !SameParties(parties, stored->parties) ||
                       old.status == MeetingStatus::kCancelled);
    if (takes_time) {
      if (auto s = CheckFuture(interval, now); !s.ok()) return s.error();
    }
    // The meeting's own bookings go first, so they never conflict with it; an error
    // rolls the whole transaction back.
    kairos::booking::DeleteMeetingBookings(tx, meeting_id);
    if (auto s = BookForAll(tx, meeting_id, organiser.id, parties, interval, status, takes_time, now); !s.ok()) {
      return s.error();
    }
    tx.Exec(
        "UPDATE meetings SET title = ?, description = ?, start_at = ?, end_at = ?, status = ?, updated_at = ? "
        "WHERE id = ?",
        {Text(change.title.value_or(old.title)), Text(change.description.value_or(old.description)),
         Int(ToStored(interval.start)), Int(ToStored(interval.end)), Text(std::string(MeetingStatusName(status))),
         Int(ToStored(now)), Int(meeting_id)});
    return LoadMeeting(tx, meeting_id, caller_zone)->meeting;
  });
}

}  // namespace kairos::service
