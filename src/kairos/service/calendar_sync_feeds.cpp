#include "kairos/service/calendar_sync_feeds.hpp"

#include "kairos/auth/crypto.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/booking/booking.hpp"

namespace kairos::service {

using namespace kairos::booking;  // calendars, snapshots and the booking path
namespace {

using store::Int;
using store::Text;

constexpr std::string_view kBookingColumns =
    "SELECT b.id, b.uuid, b.face, b.start_at, b.end_at, b.status, b.notes, b.meeting_link, b.created_at, "
    "b.updated_at, c.name, m.title, cl.id, cl.username, cl.email, cl.first_name, cl.last_name, ow.id, ow.username, "
    "ow.email, ow.first_name, ow.last_name, m.uuid, m.description "
    "FROM bookings b JOIN calendars c ON c.id = b.calendar_id JOIN accounts ow ON ow.id = c.owner_account_id "
    "LEFT JOIN accounts cl ON cl.id = b.client_account_id LEFT JOIN meetings m ON m.id = b.meeting_id";

// The party whose columns start at `at`: id, username, email, first_name, last_name.
BookingParty PartyAt(const store::Row& row, std::size_t at) {
  BookingParty p;
  p.id = row.Int(at);
  p.name = DisplayName(row.OptionalText(at + 3).value_or(""), row.OptionalText(at + 4).value_or(""),
                       row.OptionalText(at + 1).value_or(""));
  p.email = row.OptionalText(at + 2).value_or("");
  return p;
}

BookingView ViewFromRow(const store::Row& row) {
  BookingView b;
  b.id = row.Int(0);
  b.uuid = row.Text(1);
  b.face = row.Text(2);
  b.interval = {FromStored(row.Int(3)), FromStored(row.Int(4))};
  b.status = row.Text(5);
  b.notes = row.OptionalText(6);
  b.meeting_link = row.OptionalText(7);
  b.created_at = FromStored(row.Int(8));
  b.updated_at = FromStored(row.Int(9));
  b.calendar_name = row.Text(10);
  b.meeting_title = row.OptionalText(11);
  if (!row.IsNull(12)) b.client = PartyAt(row, 12);
  b.owner = PartyAt(row, 17);
  b.meeting_uuid = row.OptionalText(22);
  b.meeting_description = row.OptionalText(23);
  return b;
}

IcalParty Attendee(const BookingParty& p, std::string_view role, std::string_view partstat) {
  return {p.name, p.email, std::string(role), std::string(partstat)};
}

std::string Summary(const BookingView& b) {
  if (b.face == "coach") {
    return "Coaching session: " + (b.client ? b.client->name : std::string("(deleted client)")) + " with " +
           b.owner.name;
  }
  if (b.face == "consultant") return "Consultation with " + b.owner.name;
  if (b.meeting_title && !b.meeting_title->empty()) return *b.meeting_title;
  if (!b.calendar_name.empty()) return b.calendar_name;
  return "Booking with " + b.owner.name;
}

IcalStatus StatusOf(std::string_view stored) {
  auto status = ParseBookingStatus(stored);
  if (status == BookingStatus::kPending) return IcalStatus::kTentative;
  if (status == BookingStatus::kCancelled) return IcalStatus::kCancelled;
  return IcalStatus::kConfirmed;
}

std::int64_t ChangeSequence(Instant created, Instant updated) {
  return std::max<std::int64_t>(0, (updated - created).count());
}

}  // namespace

std::optional<BookingView> LoadBookingView(store::Tx& tx, std::string_view booking_uuid) {
  auto row = tx.QueryOne(std::string(kBookingColumns) + " WHERE b.uuid = ?", {Text(std::string(booking_uuid))});
  if (!row) return std::nullopt;
  BookingView b = ViewFromRow(*row);
  if (b.meeting_uuid) {
    // Every participant has a booking on their own calendar; the organiser is one of them.
    for (const auto& p : tx.Query("SELECT a.id, a.username, a.email, a.first_name, a.last_name FROM bookings mb "
                                  "JOIN bookings pb ON pb.meeting_id = mb.meeting_id JOIN calendars c ON c.id = "
                                  "pb.calendar_id JOIN accounts a ON a.id = c.owner_account_id WHERE mb.id = ? "
                                  "ORDER BY pb.id",
                                  {Int(b.id)})) {
      b.participants.push_back(PartyAt(p, 0));
    }
  }
  return b;
}

std::string MeetingUid(std::string_view meeting_uuid) { return "meeting-" + std::string(meeting_uuid) + "@kairos"; }

std::string BookingUid(const BookingView& b) {
  return b.meeting_uuid ? MeetingUid(*b.meeting_uuid) : b.uuid + "@kairos";
}

IcalEvent BookingEvent(const BookingView& b, Instant now, std::optional<std::int64_t> sequence) {
  IcalEvent e;
  e.uid = BookingUid(b);
  e.stamp = now;
  e.interval = b.interval;
  e.sequence = sequence.value_or(ChangeSequence(b.created_at, b.updated_at));
  e.status = StatusOf(b.status);
  e.summary = Summary(b);
  e.description = b.notes.value_or(b.meeting_description.value_or(""));
  e.url = b.meeting_link.value_or("");
  // Kairos collects no replies. Whoever books holds the time they chose (ACCEPTED); a
  // meeting's participants were put in by its organiser and have not answered.
  if (b.meeting_uuid) {
    if (b.client) {
      e.organizer = Attendee(*b.client, "CHAIR", "ACCEPTED");
      for (const BookingParty& p : b.participants) {
        bool organiser = p.id == b.client->id;
        e.attendees.push_back(
            Attendee(p, organiser ? "CHAIR" : "REQ-PARTICIPANT", organiser ? "ACCEPTED" : "NEEDS-ACTION"));
      }
    }
  } else {
    e.organizer = Attendee(b.owner, "CHAIR", "ACCEPTED");
    e.attendees.push_back(*e.organizer);
    if (b.client && b.client->id != b.owner.id) {
      e.attendees.push_back(Attendee(*b.client, "REQ-PARTICIPANT", "ACCEPTED"));
    }
  }
  return e;
}

std::string CalendarFeeds::RotateToken(const auth::Principal& caller, Instant now) {
  std::string token = auth::RandomSecret();
  db_.Write([&](store::Tx& tx) {
    tx.Exec("DELETE FROM calendar_feed_tokens WHERE account_id = ?", {Int(caller.account_id)});
    tx.Exec("INSERT INTO calendar_feed_tokens (account_id, token_digest, created_at) VALUES (?, ?, ?)",
            {Int(caller.account_id), Text(auth::SecretDigest(token)), Int(ToStored(now))});
  });
  return token;
}

Status CalendarFeeds::RevokeToken(const auth::Principal& caller) {
  return db_.Write([&](store::Tx& tx) -> Status {
    if (tx.Exec("DELETE FROM calendar_feed_tokens WHERE account_id = ?", {Int(caller.account_id)}) == 0) {
      return NotFound("No feed token");
    }
    return {};
  });
}

Result<std::string> CalendarFeeds::Feed(std::string_view token, Instant now) {
  if (!auth::LooksLikeSecret(token)) return NotFound("Feed not found");
  return db_.Read([&](store::Tx& tx) -> Result<std::string> {
    auto owner = tx.QueryOne(
        "SELECT a.id, a.username FROM calendar_feed_tokens f JOIN accounts a ON a.id = f.account_id "
        "WHERE f.token_digest = ? AND a.is_active = 1",
        {Text(auth::SecretDigest(token))});
    if (!owner) return NotFound("Feed not found");
    std::int64_t account = owner->Int(0);
    std::int64_t since = ToStored(now - kFeedHistory);
    std::vector<IcalEvent> events;
    // A meeting's bookings (one per participant) are shown once, as the meeting below. The
    // account's bookings are found through its calendars and as their client, from the scan
    // floor (no booking lasts longer), so the feed reads the account's own recent rows, not
    // the whole table.
    const std::int64_t floor = kairos::booking::OverlapScanFloor(FromStored(since));
    for (const auto& row : tx.Query(std::string(kBookingColumns) +
                                        " WHERE b.id IN (SELECT o.id FROM calendars oc JOIN bookings o ON o.calendar_id = "
                                        "oc.id WHERE oc.owner_account_id = ? AND o.start_at >= ? UNION SELECT id FROM "
                                        "bookings WHERE client_account_id = ? AND start_at >= ?) AND b.meeting_id IS NULL "
                                        "AND b.end_at >= ? ORDER BY b.start_at, b.id",
                                    {Int(account), Int(floor), Int(account), Int(floor), Int(since)})) {
      events.push_back(BookingEvent(ViewFromRow(row), now));
    }
    // The account's meetings, organised or attended, through its own bookings: every party
    // of a meeting, the organiser included, holds one booking of its time (kept, cancelled,
    // when the meeting is).
    for (const auto& row : tx.Query(
             "SELECT m.uuid, m.title, m.description, m.start_at, m.end_at, m.status, m.created_at, m.updated_at, "
             "o.id, o.username, o.email, o.first_name, o.last_name "
             "FROM meetings m JOIN accounts o ON o.id = m.organiser_account_id WHERE m.end_at >= ? AND "
             "m.id IN (SELECT b.meeting_id FROM calendars c JOIN bookings b ON b.calendar_id = c.id WHERE "
             "c.owner_account_id = ? AND b.start_at >= ? AND b.meeting_id IS NOT NULL) "
             "ORDER BY m.start_at, m.id",
             {Int(since), Int(account), Int(floor)})) {
      IcalEvent e;
      e.uid = MeetingUid(row.Text(0));
      e.stamp = now;
      e.interval = {FromStored(row.Int(3)), FromStored(row.Int(4))};
      e.status = row.Text(5) == "cancelled" ? IcalStatus::kCancelled : IcalStatus::kConfirmed;
      e.sequence = ChangeSequence(FromStored(row.Int(6)), FromStored(row.Int(7)));
      e.summary = row.Text(1).empty() ? "Meeting" : row.Text(1);
      e.description = row.Text(2);
      e.organizer = Attendee(PartyAt(row, 8), "CHAIR", "ACCEPTED");
      events.push_back(std::move(e));
    }
    return IcalCalendar(events, "Kairos: " + owner->OptionalText(1).value_or("bookings"));
  });
}

Result<std::string> CalendarFeeds::BookingIcs(const auth::Principal& caller, std::string_view booking_uuid,
                                              Instant now) {
  return db_.Read([&](store::Tx& tx) -> Result<std::string> {
    auto booking = LoadBookingView(tx, booking_uuid);
    if (!booking) return NotFound("Booking not found");
    if (!booking->IsParty(caller.account_id)) return Forbidden("Unauthorized to view this booking");
    return IcalCalendar({BookingEvent(*booking, now)});
  });
}

}  // namespace kairos::service
