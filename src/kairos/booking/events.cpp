#include "kairos/booking/events.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <vector>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/booking.hpp"
#include "kairos/booking/calendars.hpp"
#include "kairos/booking/team_event_types.hpp"

namespace kairos::booking {
namespace {

using nlohmann::json;
using store::Int;
using store::Text;

json OrNull(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// A booking as it was before face 002 deleted it to write it anew.
struct Remembered {
  std::int64_t id = 0;
  std::string uuid;
  std::int64_t calendar_id = 0;
  std::string face;
  BookingStatus status = BookingStatus::kActive;
  Instant start{};
  Instant end{};
  std::int64_t revision = 0;
  json data;
};

// Keyed by meeting: filled by RememberMeetingBookings, consumed by the Book that follows
// in the same transaction (on the same thread). A transaction that rolls back between the
// two leaves an entry the next RememberMeetingBookings of that meeting replaces.
thread_local std::map<std::int64_t, std::vector<Remembered>> remembered;

std::atomic<bool> email_on{false};

thread_local EventContext* context = nullptr;

// Every event type is emailed.
bool Emailed(std::string_view type) { return IsEventType(type); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string EmailOf(const json& party) {
  if (!party.is_object() || !party.contains("email") || !party["email"].is_string()) return "";
  return party["email"].get<std::string>();
}

// Who is emailed about an event, in order, each address once: the attendee (with the
// manage token), the guests, the host. A meeting's booking sits on a participant's
// calendar and goes to that participant (its host); so does a team booking's other
// hosts' row (`host_only`).
struct Recipient {
  std::string email;
  std::string role;  // attendee, guest, host; organizer: a meeting's organiser about their own booking
};

std::vector<Recipient> Recipients(const json& data, bool host_only) {
  std::vector<Recipient> out;
  auto add = [&](const std::string& email, const char* role) {
    if (email.empty() || email.size() > 320 || email.find('@') == std::string::npos) return;
    for (const Recipient& r : out) {
      if (Lower(r.email) == Lower(email)) return;
    }
    out.push_back({email, role});
  };
  if (!host_only) {
    add(EmailOf(data.value("attendee", json::object())), "attendee");
    if (data.contains("guests") && data["guests"].is_array()) {
      for (const json& g : data["guests"]) {
        if (g.is_string()) add(g.get<std::string>(), "guest");
      }
    }
  }
  add(EmailOf(data.value("host", json::object())), "host");
  return out;
}

// Whether a webhook's comma-separated `events` names `type`. Matched here rather than
// with a LIKE on a bound pattern, which SQLite prepares again for every new pattern.
bool ListsEvent(std::string_view events, std::string_view type) {
  for (std::size_t at = 0; at <= events.size();) {
    std::size_t comma = std::min(events.find(',', at), events.size());
    if (events.substr(at, comma - at) == type) return true;
    at = comma + 1;
  }
  return false;
}

std::string Emit(store::Tx& tx, std::string_view type, std::optional<std::int64_t> booking_id, const std::string& booking_uuid,
          std::int64_t calendar_id, const std::string& face, json data, Instant now, bool host_only = true,
          const std::optional<std::string>& manage_token = std::nullopt) {
  const std::string uuid = auth::NewUuid();
  json payload = {{"id", uuid}, {"type", type}, {"created_at", FormatUtc(now)}, {"data", std::move(data)}};
  auto rows = tx.Query(
      "INSERT INTO notification_events (uuid, type, booking_id, booking_uuid, calendar_id, face, payload, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {Text(uuid), Text(std::string(type)), booking_id ? Int(*booking_id) : store::Null(), Text(booking_uuid),
       Int(calendar_id), Text(face), Text(payload.dump()), Int(ToStored(now))});
  const std::int64_t event_id = rows.at(0).Int(0);
  // The calendar owner's active webhooks that ask for this type.
  std::vector<store::Row> hooks;
  for (auto& row : tx.Query("SELECT w.id, w.events FROM webhooks w JOIN calendars c ON c.owner_account_id = "
                            "w.owner_account_id WHERE c.id = ? AND w.active = 1 ORDER BY w.id",
                            {Int(calendar_id)})) {
    if (ListsEvent(row.Text(1), type)) hooks.push_back(std::move(row));
  }
  // By email, when the server sends email.
  if (email_on.load() && Emailed(type)) {
    for (Recipient& r : Recipients(payload["data"], host_only || face == "meeting")) {
      const bool token = r.role == "attendee" && manage_token && !manage_token->empty();
      // A meeting's organiser is emailed once per change, about the booking on their own
      // calendar (every meeting has one), and reads it in their own zone.
      std::optional<std::string> zone;
      if (face == "meeting") {
        const json& data = payload["data"];
        const json host = data.value("host", json::object());
        const json attendee = data.value("attendee", json::object());
        if (host.value("id", json()).is_string() && host["id"] == attendee.value("id", json())) {
          r.role = "organizer";
          auto row = tx.QueryOne("SELECT timezone FROM accounts WHERE uuid = ?", {Text(host["id"].get<std::string>())});
          if (row) zone = row->Text(0);
        }
      }
      tx.Exec(
          "INSERT INTO notification_deliveries (uuid, event_id, email, recipient, manage_token, time_zone, state, "
          "attempts, next_attempt_at, retry_from, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, "
          "?, ?)",
          {Text(auth::NewUuid()), Int(event_id), Text(r.email), Text(r.role), token ? Text(*manage_token) : store::Null(),
           zone ? Text(*zone) : store::Null(), Int(ToStored(now) * 1000), Int(ToStored(now)), Int(ToStored(now)),
           Int(ToStored(now))});
    }
  }
  for (const store::Row& h : hooks) {
    tx.Exec(
        "INSERT INTO notification_deliveries (uuid, event_id, webhook_id, state, attempts, next_attempt_at, "
        "retry_from, created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)",
        {Text(auth::NewUuid()), Int(event_id), Int(h.Int(0)), Int(ToStored(now) * 1000), Int(ToStored(now)),
         Int(ToStored(now)), Int(ToStored(now))});
  }
  return uuid;
}

struct Loaded {
  json data;
  std::string uuid;
  std::int64_t calendar_id = 0;
  std::string face;
  std::int64_t revision = 0;
  bool host_only = false;  // a team booking's other hosts' row: no v1_bookings row of its own
};

std::optional<Loaded> Load(store::Tx& tx, std::int64_t booking_id) {
  auto row = tx.QueryOne(
      "SELECT b.uuid, b.status, b.start_at, b.end_at, b.face, c.uuid, c.name, h.uuid, h.email, "
      "a.uuid, a.first_name, a.last_name, a.email, b.customer_name, b.customer_email, b.customer_phone, b.notes, "
      "b.calendar_id, h.first_name, h.last_name, c.timezone, b.revision, v.booking_id, v.attendee_time_zone, "
      "v.guests, v.answers, e.title, m.uuid, m.title "
      "FROM bookings b JOIN calendars c ON c.id = b.calendar_id LEFT JOIN accounts h ON h.id = c.owner_account_id "
      "LEFT JOIN accounts a ON a.id = b.client_account_id LEFT JOIN v1_bookings v ON v.booking_id = b.id "
      "LEFT JOIN event_types e ON e.id = v.event_type_id LEFT JOIN meetings m ON m.id = b.meeting_id WHERE b.id = ?",
      {Int(booking_id)});
  if (!row) return std::nullopt;
  auto name = [](const std::optional<std::string>& first, const std::optional<std::string>& last) -> json {
    std::string n = first.value_or("");
    if (last && !last->empty()) n += (n.empty() ? "" : " ") + *last;
    return n.empty() ? json(nullptr) : json(n);
  };
  json attendee = {{"id", OrNull(row->OptionalText(9))}};
  if (row->OptionalText(13) || row->OptionalText(14)) {
    attendee["name"] = OrNull(row->OptionalText(13));
    attendee["email"] = OrNull(row->OptionalText(14));
  } else {
    attendee["name"] = name(row->OptionalText(10), row->OptionalText(11));
    attendee["email"] = OrNull(row->OptionalText(12));
  }
  attendee["phone"] = OrNull(row->OptionalText(15));
  attendee["time_zone"] = OrNull(row->OptionalText(23));
  const bool v1 = !row->IsNull(22);
  json guests = json::array();
  json answers = json::object();
  if (v1) {
    auto g = json::parse(row->Text(24), nullptr, false);
    if (g.is_array()) guests = std::move(g);
    auto a = json::parse(row->Text(25), nullptr, false);
    if (a.is_object()) answers = std::move(a);
  }
  Loaded out;
  out.uuid = row->Text(0);
  out.face = row->Text(4);
  out.calendar_id = row->Int(17);
  out.revision = row->Int(21);
  out.host_only = out.face == "v1" && !v1;
  const std::optional<std::string> meeting = row->OptionalText(27);
  json title = row->OptionalText(26) ? json(*row->OptionalText(26))
               : row->OptionalText(28) && !row->OptionalText(28)->empty() ? json(*row->OptionalText(28))
                                                                            : json(nullptr);
  out.data = {{"id", out.uuid},
              {"status", row->Text(1)},
              {"start", FormatUtc(FromStored(row->Int(2)))},
              {"end", FormatUtc(FromStored(row->Int(3)))},
              {"face", out.face},
              {"title", std::move(title)},
              {"calendar", {{"id", row->Text(5)}, {"name", row->Text(6)}, {"time_zone", row->Text(20)}}},
              {"host",
               {{"id", OrNull(row->OptionalText(7))},
                {"name", name(row->OptionalText(18), row->OptionalText(19))},
                {"email", OrNull(row->OptionalText(8))}}},
              {"attendee", std::move(attendee)},
              {"guests", std::move(guests)},
              {"answers", std::move(answers)},
              {"notes", OrNull(row->OptionalText(16))},
              {"ical_uid", meeting ? "meeting-" + *meeting + "@kairos" : out.uuid + "@kairos"},
              {"sequence", out.revision}};
  return out;
}

// The event a booking written with `status` announces.
std::optional<std::string_view> CreationType(BookingStatus status) {
  switch (status) {
    case BookingStatus::kPending: return "booking.requested";
    case BookingStatus::kConfirmed:
    case BookingStatus::kActive: return "booking.created";
    case BookingStatus::kCompleted:
    case BookingStatus::kCancelled: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

void SetEmailNotifications(bool on) { email_on.store(on); }
bool EmailNotifications() { return email_on.load(); }

bool IsEventType(std::string_view type) {
  return std::find(kEventTypes.begin(), kEventTypes.end(), type) != kEventTypes.end();
}

std::optional<json> BookingEventData(store::Tx& tx, std::int64_t booking_id) {
  auto loaded = Load(tx, booking_id);
  if (!loaded) return std::nullopt;
  return loaded->data;
}

// Whether anyone would receive an event of `type` about the booking: an active webhook of
// its calendar's owner asking for it, or an email (when the server sends email). An event
// nobody receives is not stored, so a booking on a server without subscribers writes
// nothing more than the booking.
static bool Wanted(store::Tx& tx, std::string_view type, std::int64_t booking_id) {
  if (email_on.load() && Emailed(type)) return true;
  for (const auto& row : tx.Query(
           "SELECT w.events FROM bookings b JOIN calendars c ON c.id = b.calendar_id JOIN webhooks w ON "
           "w.owner_account_id = c.owner_account_id WHERE b.id = ? AND w.active = 1",
           {Int(booking_id)})) {
    if (ListsEvent(row.Text(0), type)) return true;
  }
  return false;
}

EventContext::EventContext(bool declining_, std::optional<std::string> manage_token_)
    : declining(declining_), manage_token(std::move(manage_token_)), previous_(context) {
  context = this;
}

EventContext::~EventContext() { context = previous_; }

std::optional<std::string> RecordEvent(store::Tx& tx, std::string_view type, std::int64_t booking_id, Instant now,
                                       const json& extra, const std::optional<std::string>& manage_token) {
  if (!Wanted(tx, type, booking_id)) return std::nullopt;
  auto loaded = Load(tx, booking_id);
  if (!loaded) return std::nullopt;
  json data = loaded->data;
  for (const auto& [key, value] : extra.items()) data[key] = value;
  std::optional<std::string> token = manage_token;
  if (!token && context) token = context->manage_token;
  return Emit(tx, type, booking_id, loaded->uuid, loaded->calendar_id, loaded->face, std::move(data), now,
              loaded->host_only, token);
}

void RecordV1Booked(store::Tx& tx, std::int64_t booking_id, const std::string& manage_token, Instant now) {
  std::vector<std::int64_t> rows = {booking_id};
  for (std::int64_t other : TeamBookingRows(tx, booking_id)) {
    if (other != booking_id) rows.push_back(other);
  }
  for (std::int64_t id : rows) {
    auto status = tx.QueryOne("SELECT status FROM bookings WHERE id = ?", {Int(id)});
    if (!status) continue;
    auto type = CreationType(ParseBookingStatus(status->Text(0)).value_or(BookingStatus::kCancelled));
    if (type) RecordEvent(tx, *type, id, now, json::object(), id == booking_id ? std::optional(manage_token) : std::nullopt);
  }
  ScheduleReminders(tx, booking_id, now);
}

void RecordV1Rescheduled(store::Tx& tx, std::int64_t booking_id, Interval previous, Instant now) {
  auto uuid = tx.QueryOne("SELECT uuid FROM bookings WHERE id = ?", {Int(booking_id)});
  if (!uuid) return;
  RecordEvent(tx, "booking.rescheduled", booking_id, now,
              {{"previous",
                {{"id", uuid->Text(0)}, {"start", FormatUtc(previous.start)}, {"end", FormatUtc(previous.end)}}}});
  ScheduleReminders(tx, booking_id, now);
}

void ScheduleReminders(store::Tx& tx, std::int64_t booking_id, Instant now) {
  tx.Exec("DELETE FROM booking_reminders WHERE booking_id = ? AND state = 'pending'", {Int(booking_id)});
  auto row = tx.QueryOne(
      "SELECT b.start_at, b.status, e.reminders FROM bookings b JOIN v1_bookings v ON v.booking_id = b.id "
      "JOIN event_types e ON e.id = v.event_type_id WHERE b.id = ?",
      {Int(booking_id)});
  if (!row) return;
  if (!HoldsCapacity(ParseBookingStatus(row->Text(1)).value_or(BookingStatus::kCancelled))) return;
  auto reminders = json::parse(row->Text(2), nullptr, false);
  if (!reminders.is_array()) return;
  const std::int64_t start = row->Int(0);
  for (const json& minutes : reminders) {
    if (!minutes.is_number_integer()) continue;
    const std::int64_t due = start - minutes.get<std::int64_t>() * 60;
    if (due <= ToStored(now)) continue;  // already past when the booking is made or moved
    tx.Exec("INSERT INTO booking_reminders (booking_id, minutes_before, due_at, state, created_at) VALUES "
            "(?, ?, ?, 'pending', ?)",
            {Int(booking_id), Int(minutes.get<std::int64_t>()), Int(due), Int(ToStored(now))});
  }
}

void RecordCalendarDeleted(store::Tx& tx, std::int64_t calendar_id, Instant now) {
  for (const store::Row& row :
       tx.Query("SELECT id FROM bookings WHERE calendar_id = ? AND status IN " + std::string(kHoldingStatusesSql) +
                    " ORDER BY id",
                {Int(calendar_id)})) {
    RecordEvent(tx, "booking.cancelled", row.Int(0), now, {{"status", "cancelled"}});
  }
}

void RecordBooked(store::Tx& tx, std::span<const NewBooking> requests, const Booked& booked, Instant now) {
  if (!booked.ok()) return;
  std::vector<std::int64_t> meetings;
  for (std::size_t i = 0; i < requests.size() && i < booked.bookings.size(); ++i) {
    const NewBooking& r = requests[i];
    const std::int64_t id = booked.bookings[i].id;
    if (r.face == "v1") continue;  // announced by RecordV1Booked, once its v1 row exists
    std::optional<Remembered> before;
    if (r.meeting_id) {
      if (auto it = remembered.find(*r.meeting_id); it != remembered.end()) {
        if (std::find(meetings.begin(), meetings.end(), *r.meeting_id) == meetings.end()) {
          meetings.push_back(*r.meeting_id);
        }
        auto& list = it->second;
        auto same = std::find_if(list.begin(), list.end(),
                                 [&](const Remembered& m) { return m.calendar_id == r.calendar_id; });
        if (same != list.end()) {
          before = std::move(*same);
          list.erase(same);
        }
      }
    }
    if (!before) {
      if (auto type = CreationType(r.status)) RecordEvent(tx, *type, id, now);
      continue;
    }
    // The meeting's booking written anew goes on with the revision of the one it
    // replaces, one more when its time or status changed.
    const bool changed = before->status != r.status || before->start != r.interval.start || before->end != r.interval.end;
    tx.Exec("UPDATE bookings SET revision = ? WHERE id = ?", {Int(before->revision + (changed ? 1 : 0)), Int(id)});
    const bool held = HoldsCapacity(before->status);
    const bool holds = HoldsCapacity(r.status);
    if (held && !holds) {
      RecordEvent(tx, "booking.cancelled", id, now);
    } else if (!held && holds) {
      if (auto type = CreationType(r.status)) RecordEvent(tx, *type, id, now);
    } else if (holds && (before->start != r.interval.start || before->end != r.interval.end)) {
      RecordEvent(tx, "booking.rescheduled", id, now,
                  {{"previous",
                    {{"id", before->uuid}, {"start", FormatUtc(before->start)}, {"end", FormatUtc(before->end)}}}});
    }
  }
  // Participants the meeting no longer has: their bookings are gone, cancelled.
  for (std::int64_t meeting : meetings) {
    for (Remembered& m : remembered[meeting]) {
      if (!HoldsCapacity(m.status)) continue;
      m.data["status"] = "cancelled";
      m.data["sequence"] = m.revision + 1;
      Emit(tx, "booking.cancelled", std::nullopt, m.uuid, m.calendar_id, m.face, std::move(m.data), now);
    }
    remembered.erase(meeting);
  }
}

void RecordStatusChange(store::Tx& tx, std::int64_t booking_id, BookingStatus from, BookingStatus to, Instant now) {
  if (from == to) return;
  // A booking that gives its time up is reminded of nothing.
  if (!HoldsCapacity(to)) {
    tx.Exec("DELETE FROM booking_reminders WHERE booking_id = ? AND state = 'pending'", {Int(booking_id)});
  }
  if (to == BookingStatus::kConfirmed) RecordEvent(tx, "booking.confirmed", booking_id, now);
  if (to == BookingStatus::kCancelled) {
    RecordEvent(tx, context && context->declining ? "booking.declined" : "booking.cancelled", booking_id, now);
  }
  if (to == BookingStatus::kActive && !HoldsCapacity(from)) RecordEvent(tx, "booking.created", booking_id, now);
}

void RememberMeetingBookings(store::Tx& tx, std::int64_t meeting_id) {
  std::vector<Remembered> list;
  for (const store::Row& row :
       tx.Query("SELECT id, status, start_at, end_at FROM bookings WHERE meeting_id = ? ORDER BY id",
                {Int(meeting_id)})) {
    auto loaded = Load(tx, row.Int(0));
    if (!loaded) continue;
    Remembered m;
    m.id = row.Int(0);
    m.uuid = loaded->uuid;
    m.calendar_id = loaded->calendar_id;
    m.face = loaded->face;
    m.status = ParseBookingStatus(row.Text(1)).value_or(BookingStatus::kCancelled);
    m.start = FromStored(row.Int(2));
    m.end = FromStored(row.Int(3));
    m.revision = loaded->revision;
    m.data = std::move(loaded->data);
    list.push_back(std::move(m));
  }
  remembered[meeting_id] = std::move(list);
}

}  // namespace kairos::booking
