#include "kairos/service/v1_bookings.hpp"

#include <algorithm>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/events.hpp"
#include "kairos/booking/holds.hpp"
#include "kairos/booking/team_event_types.hpp"
#include "kairos/service/calendar_busy.hpp"
#include "kairos/service/calendar_sync_ical.hpp"
#include "kairos/service/calendar_sync_secrets.hpp"
#include "kairos/service/page.hpp"

namespace kairos::service::v1 {
namespace {

using booking::EventTypeContext;
using booking::Reason;
using booking::V1Status;
using nlohmann::json;
using store::Int;
using store::Text;

constexpr std::size_t kMaxGuests = 10;
constexpr std::size_t kMaxAnswerLength = 2000;
constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxEmailLength = 254;

Error NoEventType() { return NotFound("Event type not found"); }
Error NoBooking() { return NotFound("Booking not found"); }

bool IsOwner(const auth::Principal* caller, const booking::EventType& e) {
  return caller && caller->account_id == e.owner_account_id;
}

// The event type as the caller may see it: public ones to anyone, others to the owner.
Result<EventTypeContext> Visible(store::Tx& tx, const auth::Principal* caller, const std::string& id, bool write,
                                 Instant now) {
  if (id.empty()) return InvalidArgument("event_type_id is required.", "event_type_id");
  auto context = booking::LoadEventTypeContext(tx, id, write, now);
  if (!context.ok()) return NoEventType();
  if (!context->event_type.is_public && !IsOwner(caller, context->event_type)) return NoEventType();
  return context;
}

bool LooksLikeEmail(std::string_view s) {
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size() || s.size() > kMaxEmailLength) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= ' ') return false;
  }
  return s.find('.', at) != std::string_view::npos;
}

std::size_t Characters(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Required questions must be answered, unknown ones are refused, select answers must be
// one of the options, email answers must look like one: 400 naming answers.<name>.
Status CheckAnswers(const booking::EventType& e, const json& answers) {
  if (!answers.is_object()) return InvalidArgument("answers must be an object.", "answers");
  auto questions = e.questions();
  for (const auto& [name, value] : answers.items()) {
    auto q = std::find_if(questions.begin(), questions.end(), [&](const booking::Question& q) { return q.name == name; });
    std::string field = "answers." + name;
    if (q == questions.end()) return InvalidArgument("There is no question named " + name + ".", field);
    if (!value.is_string()) return InvalidArgument(field + " must be a string.", field);
    const std::string text = value.get<std::string>();
    if (Characters(text) > kMaxAnswerLength) {
      return InvalidArgument(field + " must be at most " + std::to_string(kMaxAnswerLength) + " characters.", field);
    }
    if (text.empty()) continue;
    if (q->type == booking::QuestionType::kSelect &&
        std::find(q->options.begin(), q->options.end(), text) == q->options.end()) {
      return InvalidArgument(field + " must be one of the question's options.", field);
    }
    if (q->type == booking::QuestionType::kEmail && !LooksLikeEmail(text)) {
      return InvalidArgument(field + " must be an email address.", field);
    }
  }
  for (const auto& q : questions) {
    if (!q.required) continue;
    auto it = answers.find(q.name);
    if (it == answers.end() || !it->is_string() || it->get<std::string>().empty()) {
      return InvalidArgument("answers." + q.name + " is required.", "answers." + q.name);
    }
  }
  return {};
}

Status CheckAttendee(const Attendee& a) {
  if (a.name.empty()) return InvalidArgument("attendee.name is required.", "attendee.name");
  if (Characters(a.name) > kMaxNameLength) {
    return InvalidArgument("attendee.name must be at most 200 characters.", "attendee.name");
  }
  if (!LooksLikeEmail(a.email)) return InvalidArgument("attendee.email must be an email address.", "attendee.email");
  if (!a.time_zone.empty()) {
    if (auto zone = FindZone(a.time_zone, "attendee.time_zone"); !zone.ok()) {
      return InvalidArgument("attendee.time_zone must be an IANA time zone.", "attendee.time_zone");
    }
  }
  return {};
}

std::string ReasonWord(Reason r) {
  switch (r) {
    case Reason::kOutsideHours: return "outside_hours";
    case Reason::kBlocked: return "blocked";
    case Reason::kBusy: return "busy";
    case Reason::kTaken: return "booked";
    case Reason::kFull: return "full";
    case Reason::kHeld: return "held";
    case Reason::kBuffer: return "buffer";
    case Reason::kTooSoon: return "too_soon";
    case Reason::kTooFar: return "too_far";
    case Reason::kLimitReached: return "limit_reached";
    case Reason::kInvalid: return "outside_hours";
  }
  return "outside_hours";
}

std::string Message(const std::string& reason) {
  if (reason == "outside_hours") return "The time is not offered by the event type's hours.";
  if (reason == "blocked") return "The time is blocked.";
  if (reason == "busy") return "The time is busy in the host's connected calendar.";
  if (reason == "booked") return "Another booking holds the time.";
  if (reason == "full") return "Every seat at that time is taken.";
  if (reason == "held") return "Someone else holds the time.";
  if (reason == "buffer") return "The time is inside the buffer around another booking.";
  if (reason == "too_soon") return "The time is too soon to book.";
  if (reason == "too_far") return "The time is too far ahead to book.";
  return "The event type's booking limit is reached for that time.";
}

std::string HostName(const store::Row& row, std::size_t first) {
  std::string name = row.Text(first);
  if (!row.Text(first + 1).empty()) name += (name.empty() ? "" : " ") + row.Text(first + 1);
  if (name.empty()) name = row.OptionalText(first + 2).value_or("");
  return name;
}

constexpr std::string_view kBookingColumns =
    "b.id, b.uuid, b.start_at, b.end_at, v.status, e.uuid, COALESCE(e.title, ''), a.uuid, a.first_name, a.last_name, "
    "a.username, COALESCE(a.email, ''), v.attendee_name, v.attendee_email, v.attendee_time_zone, v.guests, "
    "v.answers, v.reason, v.created_at, v.updated_at, v.host_account_id, v.manage_token_hash, v.event_type_id, "
    "b.calendar_id, b.revision";
constexpr std::string_view kBookingFrom =
    " FROM v1_bookings v JOIN bookings b ON b.id = v.booking_id JOIN accounts a ON a.id = v.host_account_id "
    "LEFT JOIN event_types e ON e.id = v.event_type_id";

// A booking made through another face, in the same columns (and the stored face last):
// the calendar's owner is its host, the attendee the customer fields or the client account,
// else the owner (who booked it themselves: a face-000 slot).
constexpr std::string_view kFaceStatusSql =
    "(CASE b.status WHEN 'pending' THEN 'pending' WHEN 'cancelled' THEN 'cancelled' ELSE 'accepted' END)";
const std::string& FaceColumns() {
  static const std::string columns =
      "b.id, b.uuid, b.start_at, b.end_at, " + std::string(kFaceStatusSql) +
      ", NULL, COALESCE(m.title, ''), a.uuid, a.first_name, a.last_name, a.username, COALESCE(a.email, ''), "
      "COALESCE(NULLIF(b.customer_name, ''), NULLIF(TRIM(cl.first_name || ' ' || cl.last_name), ''), cl.username, "
      "NULLIF(TRIM(a.first_name || ' ' || a.last_name), ''), a.username), "
      "COALESCE(NULLIF(b.customer_email, ''), cl.email, CASE WHEN cl.id IS NULL THEN a.email END, ''), "
      "COALESCE(cl.timezone, a.timezone), '[]', '{}', NULL, "
      "b.created_at, b.updated_at, c.owner_account_id, '', NULL, b.calendar_id, b.revision, b.face";
  return columns;
}
constexpr std::string_view kFaceFrom =
    " FROM bookings b JOIN calendars c ON c.id = b.calendar_id JOIN accounts a ON a.id = c.owner_account_id "
    "LEFT JOIN accounts cl ON cl.id = b.client_account_id LEFT JOIN meetings m ON m.id = b.meeting_id";

// The faces' own names for the stored face words (docs/architecture.md).
std::string FaceNumber(const std::string& stored) {
  if (stored == "slot") return "000";
  if (stored == "coach") return "001";
  if (stored == "meeting") return "002";
  if (stored == "business") return "003";
  if (stored == "consultant") return "004";
  return stored;
}

struct StoredBooking {
  std::int64_t id = 0;
  std::int64_t host_account_id = 0;
  std::optional<std::int64_t> event_type_row;
  std::int64_t calendar_id = 0;
  std::string token_hash;
  BookingView view;
};

StoredBooking FromRow(const store::Row& row) {
  StoredBooking s;
  s.id = row.Int(0);
  BookingView& v = s.view;
  v.id = row.Text(1);
  v.interval = {booking::FromStored(row.Int(2)), booking::FromStored(row.Int(3))};
  v.status = booking::ParseV1Status(row.Text(4)).value_or(V1Status::kCancelled);
  v.event_type_id = row.OptionalText(5);
  v.event_type_title = row.Text(6);
  v.host = {row.Text(7), HostName(row, 8), row.Text(11)};
  v.attendee = {row.Text(12), row.Text(13), row.Text(14)};
  auto guests = json::parse(row.Text(15), nullptr, false);
  if (guests.is_array()) {
    for (const auto& g : guests) {
      if (g.is_string()) v.guests.push_back(g.get<std::string>());
    }
  }
  auto answers = json::parse(row.Text(16), nullptr, false);
  v.answers = answers.is_object() ? answers : json::object();
  v.reason = row.OptionalText(17);
  v.created_at = booking::FromStored(row.Int(18));
  v.updated_at = booking::FromStored(row.Int(19));
  v.sequence = row.Int(24);
  s.host_account_id = row.Int(20);
  s.token_hash = row.Text(21);
  s.event_type_row = row.OptionalInt(22);
  s.calendar_id = row.Int(23);
  if (row.columns.size() > 25) s.view.face = FaceNumber(row.Text(25));
  return s;
}

// A booking another face made, when the caller owns its calendar.
std::optional<StoredBooking> LoadFaceBooking(store::Tx& tx, const auth::Principal* caller, const std::string& uuid) {
  if (!caller) return std::nullopt;
  auto row = tx.QueryOne("SELECT " + FaceColumns() + std::string(kFaceFrom) +
                             " WHERE b.uuid = ? AND b.face <> 'v1' AND c.owner_account_id = ?",
                         {Text(uuid), Int(caller->account_id)});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

std::optional<StoredBooking> LoadStored(store::Tx& tx, const std::string& uuid) {
  auto row = tx.QueryOne("SELECT " + std::string(kBookingColumns) + std::string(kBookingFrom) + " WHERE b.uuid = ?",
                         {Text(uuid)});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

// The booking if the caller may act on it: its host, or whoever shows its manage token.
Result<StoredBooking> Authorized(store::Tx& tx, const BookingCaller& caller, const std::string& id,
                                 bool host_only = false) {
  auto stored = LoadStored(tx, id);
  if (caller.principal && stored && stored->host_account_id == caller.principal->account_id) return *stored;
  if (!host_only && caller.token) {
    if (stored && auth::LooksLikeSecret(*caller.token) &&
        auth::SameDigest(auth::SecretDigest(*caller.token), stored->token_hash)) {
      return *stored;
    }
    return NoBooking();
  }
  if (!caller.principal) return Unauthenticated("Sign in as the host, or give the booking's manage token.");
  return NoBooking();
}

Interval SlotRangeOf(const SlotsQuery& q, Zone zone) {
  Instant start = std::holds_alternative<Date>(q.start) ? LocalDayBounds(std::get<Date>(q.start), zone).start
                                                        : std::get<Instant>(q.start);
  Instant end = std::holds_alternative<Date>(q.end) ? LocalDayBounds(std::get<Date>(q.end), zone).end
                                                    : std::get<Instant>(q.end);
  return {start, end};
}

// Keeps the new booking's manage token sealed, for the links in later emails; false
// without a box.
bool SealManageToken(store::Tx& tx, const SecretBox* box, std::int64_t booking_id, const std::string& token) {
  if (box == nullptr) return false;
  tx.Exec("UPDATE v1_bookings SET manage_token_sealed = ? WHERE booking_id = ?",
          {store::Text(box->Seal(token)), store::Int(booking_id)});
  return true;
}

}  // namespace

Unavailable UnavailableOf(store::Tx& tx, const booking::Refusal& refusal, const EventTypeContext& context,
                          Instant now) {
  Unavailable u;
  u.reason = ReasonWord(refusal.reason);
  u.rules = refusal.reason == Reason::kTooSoon || refusal.reason == Reason::kTooFar ||
            refusal.reason == Reason::kLimitReached;
  u.message = Message(u.reason);
  if (refusal.booking_id && refusal.reason != Reason::kHeld && !u.rules && refusal.reason != Reason::kOutsideHours &&
      refusal.reason != Reason::kBlocked && refusal.reason != Reason::kBusy) {
    if (auto row = tx.QueryOne("SELECT uuid FROM bookings WHERE id = ?", {Int(*refusal.booking_id)})) {
      u.booking_id = row->Text(0);
    }
  }
  if (refusal.reason == Reason::kHeld) u.hold_id = refusal.hold_id;
  if (refusal.reason == Reason::kLimitReached) {
    u.rule = refusal.rule == "per_week_limit" ? "limit_per_week" : "limit_per_day";
  } else if (refusal.reason == Reason::kTooSoon) {
    u.rule = booking::BoundsOf(context, now).earliest_is_window ? "booking_window" : "minimum_notice";
  } else if (refusal.reason == Reason::kTooFar) {
    u.rule = "booking_window";
  }
  return u;
}

Result<SlotDays> V1Bookings::Slots(const auth::Principal* caller, const SlotsQuery& query, Instant now) {
  const std::uint64_t generation = store::WriteGeneration();  // before the snapshot is taken
  return db_.Read([&](store::Tx& tx) -> Result<SlotDays> {
    auto context = Visible(tx, caller, query.event_type_id, false, now);
    if (!context.ok()) return context.error();
    Zone zone = context->zone;
    std::string zone_name = context->schedule ? context->schedule->time_zone : context->calendar.timezone;
    if (query.time_zone) {
      auto asked = FindZone(*query.time_zone, "time_zone");
      if (!asked.ok()) return InvalidArgument("time_zone must be an IANA time zone.", "time_zone");
      zone = *asked;
      zone_name = *query.time_zone;
    }
    Interval range = SlotRangeOf(query, zone);
    if (range.end <= range.start) return InvalidArgument("end must be after start.", "end");
    if (std::holds_alternative<Date>(query.start) && std::holds_alternative<Date>(query.end)) {
      auto days = (date::sys_days{std::get<Date>(query.end)} - date::sys_days{std::get<Date>(query.start)}).count() + 1;
      if (days > kMaxSlotRangeDays) return InvalidArgument("The range must not exceed 62 days.", "end");
    } else if (range.length() > date::days{kMaxSlotRangeDays} + std::chrono::hours{2}) {
      return InvalidArgument("The range must not exceed 62 days.", "end");
    }
    if (booking::IsTeamEventType(context->event_type)) {
      const std::string key = context->event_type.uuid + " " + std::to_string(booking::ToStored(range.start)) + " " +
                              std::to_string(booking::ToStored(range.end)) + " " + zone_name;
      const auto clock = std::chrono::steady_clock::now();
      {
        std::lock_guard<std::mutex> lock(cache_mutex_);
        auto hit = team_slots_.find(key);
        if (hit != team_slots_.end() && hit->second.generation == generation) {
          const auto age = clock - hit->second.at;
          if (age < kTeamSlotsTtl) return *hit->second.days;
          // Expired by age only: one request refreshes it, the others keep the last one
          // meanwhile (for one more period at most), so they do not all recompute at once.
          if (hit->second.refreshing && age < 2 * kTeamSlotsTtl) return *hit->second.days;
          hit->second.refreshing = true;
        }
      }
      booking::TeamContext team = booking::LoadTeamContext(tx, *context, false, now);
      auto slots = booking::ListTeamSlots(tx, team, range, now);
      if (!slots.ok()) return InvalidArgument(slots.error().message, "end");
      SlotDays out;
      out.event_type_id = context->event_type.uuid;
      out.time_zone = zone_name;
      std::vector<std::int64_t> hosts;
      for (const auto& h : team.hosts) hosts.push_back(h.calendar.owner_account_id);
      out.stale_sources = StaleBusySources(tx, hosts, now);
      for (const TeamSlot& s : *slots) {
        Date day = LocalDate(s.interval.start, zone);
        if (out.days.empty() || out.days.back().first != day) out.days.emplace_back(day, std::vector<OfferedSlot>{});
        out.days.back().second.push_back({s.interval, context->event_type.seats_per_slot, s.hosts_available});
      }
      out.rendered = std::make_shared<RenderedSlots>();
      std::lock_guard<std::mutex> lock(cache_mutex_);
      if (team_slots_.size() >= 256) team_slots_.clear();
      team_slots_[key] = {generation, clock, false, std::make_shared<const SlotDays>(out)};
      return out;
    }
    booking::Policy policy = booking::EventTypePolicy(tx, *context, range, now);
    auto slots = booking::ListFree(tx, context->calendar, range, policy, now);
    if (!slots.ok()) return InvalidArgument(slots.error().message, "end");
    SlotDays out;
    out.event_type_id = context->event_type.uuid;
    out.time_zone = zone_name;
    out.stale_sources = StaleBusySources(tx, {context->calendar.owner_account_id}, now);
    for (const DaySlots& day : GroupByLocalDay(*slots, zone)) {
      std::vector<OfferedSlot> offered;
      for (const Slot& s : day.slots) offered.push_back({s.interval, s.remaining_capacity});
      out.days.emplace_back(day.day, std::move(offered));
    }
    return out;
  });
}

Result<Explanation> V1Bookings::Explain(const auth::Principal& caller, const std::string& event_type_id,
                                        Instant start, Instant now) {
  return db_.Read([&](store::Tx& tx) -> Result<Explanation> {
    auto context = Visible(tx, &caller, event_type_id, false, now);
    if (!context.ok()) return context.error();
    if (!IsOwner(&caller, context->event_type)) return Forbidden("Only the event type's owner may ask why.");
    Interval interval{start, start + std::chrono::minutes{context->event_type.duration_minutes}};
    Explanation out;
    out.start = start;
    if (booking::IsTeamEventType(context->event_type)) {
      booking::TeamContext team = booking::LoadTeamContext(tx, *context, false, now);
      booking::TeamExplained explained = booking::ExplainTeamTime(tx, team, interval, now);
      out.offered = !explained.refusal.has_value();
      if (explained.refusal) out.why = UnavailableOf(tx, *explained.refusal, *context, now);
      for (std::size_t i = 0; i < team.hosts.size(); ++i) {
        HostExplanation h{team.hosts[i].host.account_uuid, !explained.hosts[i].has_value(), std::nullopt};
        if (explained.hosts[i]) h.why = UnavailableOf(tx, *explained.hosts[i], *context, now);
        out.hosts.push_back(std::move(h));
      }
      return out;
    }
    booking::Policy policy = booking::EventTypePolicy(tx, *context, interval, now);
    auto refused = booking::CheckOffered(tx, context->calendar, interval, policy, now);
    out.offered = !refused.has_value();
    if (refused) out.why = UnavailableOf(tx, *refused, *context, now);
    return out;
  });
}

Outcome<HoldView> V1Bookings::CreateHold(const auth::Principal* caller, const std::string& event_type_id,
                                         Instant start, Instant now) {
  std::optional<Outcome<HoldView>> out;
  db_.WriteTx([&](store::Tx& tx) {
    auto context = Visible(tx, caller, event_type_id, true, now);
    if (!context.ok()) {
      out.emplace(context.error());
      return false;
    }
    if (booking::IsTeamEventType(context->event_type)) {
      out.emplace(InvalidArgument("Holds are not available for team event types.", "event_type_id"));
      return false;
    }
    auto placed = booking::PlaceHold(tx, *context, start, now);
    if (placed.refusal) {
      out.emplace(std::variant<HoldView, Unavailable>(UnavailableOf(tx, *placed.refusal, *context, now)));
      return false;
    }
    out.emplace(std::variant<HoldView, Unavailable>(HoldView{placed.hold->uuid, placed.hold->interval,
                                                             placed.hold->expires_at}));
    return true;
  });
  return std::move(*out);
}

Status V1Bookings::ReleaseHold(const std::string& hold_id, Instant now) {
  return db_.Write([&](store::Tx& tx) -> Status {
    if (!booking::ReleaseHold(tx, hold_id, now)) return NotFound("Hold not found");
    return {};
  });
}

Outcome<BookingView> V1Bookings::Create(const auth::Principal* caller, const BookingInput& input, Instant now) {
  if (Status s = CheckAttendee(input.attendee); !s) return s.error();
  if (input.guests.size() > kMaxGuests) return InvalidArgument("At most 10 guests.", "guests");
  for (std::size_t i = 0; i < input.guests.size(); ++i) {
    if (!LooksLikeEmail(input.guests[i])) {
      return InvalidArgument("guests[" + std::to_string(i) + "] must be an email address.",
                             "guests[" + std::to_string(i) + "]");
    }
  }
  std::optional<Outcome<BookingView>> out;
  std::string token;
  db_.WriteTx([&](store::Tx& tx) {
    auto context = Visible(tx, caller, input.event_type_id, true, now);
    if (!context.ok()) {
      out.emplace(context.error());
      return false;
    }
    if (Status s = CheckAnswers(context->event_type, input.answers); !s) {
      out.emplace(s.error());
      return false;
    }
    booking::EventTypeBookingRequest request;
    request.start = input.start;
    request.attendee_name = input.attendee.name;
    request.attendee_email = input.attendee.email;
    request.attendee_time_zone = input.attendee.time_zone.empty()
                                     ? (context->schedule ? context->schedule->time_zone : context->calendar.timezone)
                                     : input.attendee.time_zone;
    request.guests_json = json(input.guests).dump();
    request.answers_json = input.answers.dump();
    request.hold_id = input.hold_id;
    if (caller) request.client_account_id = caller->account_id;
    if (booking::IsTeamEventType(context->event_type)) {
      if (request.hold_id) {
        out.emplace(InvalidArgument("Holds are not available for team event types.", "hold_id"));
        return false;
      }
      booking::TeamContext team = booking::LoadTeamContext(tx, *context, true, now);
      auto booked = booking::BookTeamEventType(tx, team, request, now);
      if (booked.refusal) {
        out.emplace(std::variant<BookingView, Unavailable>(UnavailableOf(tx, *booked.refusal, *context, now)));
        return false;
      }
      // Sealed, the token need not go with the emails in the clear.
    const bool sealed = SealManageToken(tx, box_, booked.booking->id, booked.manage_token);
    booking::RecordV1Booked(tx, booked.booking->id, sealed ? std::string() : booked.manage_token, now);
      StoredBooking stored = *LoadStored(tx, booked.booking->uuid);
      stored.view.manage_token = booked.manage_token;
      out.emplace(std::variant<BookingView, Unavailable>(std::move(stored.view)));
      return true;
    }
    auto booked = booking::BookEventType(tx, *context, request, now);
    if (booked.error) {
      out.emplace(*booked.error);
      return false;
    }
    if (booked.refusal) {
      out.emplace(std::variant<BookingView, Unavailable>(UnavailableOf(tx, *booked.refusal, *context, now)));
      return false;
    }
    // Sealed, the token need not go with the emails in the clear.
    const bool sealed = SealManageToken(tx, box_, booked.booking->id, booked.manage_token);
    booking::RecordV1Booked(tx, booked.booking->id, sealed ? std::string() : booked.manage_token, now);
    StoredBooking stored = *LoadStored(tx, booked.booking->uuid);
    stored.view.manage_token = booked.manage_token;
    out.emplace(std::variant<BookingView, Unavailable>(std::move(stored.view)));
    return true;
  });
  return std::move(*out);
}

Result<Page<BookingView>> V1Bookings::List(const auth::Principal& host, const BookingFilter& filter,
                                           std::size_t limit, const PageKey* after) {
  std::int64_t key = 0;
  if (after) {
    try {
      key = std::stoll(after->key);
    } catch (...) {
      return InvalidArgument("The cursor is not valid.", "cursor");
    }
  }
  return db_.Read([&](store::Tx& tx) -> Result<Page<BookingView>> {
    store::Params params;
    // The filters, the same for both kinds of rows (the status as /v1 names it).
    auto narrowed = [&](std::string sql, std::string_view status_sql) {
      if (filter.status) {
        sql += " AND " + std::string(status_sql) + " = ?";
        params.push_back(Text(std::string(booking::V1StatusName(*filter.status))));
      }
      if (filter.from) {
        sql += " AND b.start_at >= ?";
        params.push_back(Int(booking::ToStored(*filter.from)));
      }
      if (filter.to) {
        sql += " AND b.start_at < ?";
        params.push_back(Int(booking::ToStored(*filter.to)));
      }
      if (after) {
        sql += " AND (b.start_at > ? OR (b.start_at = ? AND b.id > ?))";
        params.push_back(Int(key));
        params.push_back(Int(key));
        params.push_back(Int(after->id));
      }
      return sql;
    };
    // The caller's own bookings, and those of team event types it hosts or whose team it
    // manages (an accepted owner or admin): docs/teams.md.
    std::string sql = narrowed(
        "SELECT " + std::string(kBookingColumns) + (filter.all_faces ? ", b.face" : "") + std::string(kBookingFrom) +
            " WHERE (v.host_account_id = ? OR v.event_type_id IN (SELECT h.event_type_id FROM "
            "event_type_hosts h WHERE h.account_id = ?) OR v.event_type_id IN (SELECT t.id FROM event_types "
            "t JOIN team_members m ON m.team_id = t.team_id WHERE m.account_id = ? AND m.role IN ('owner', "
            "'admin') AND m.accepted_at IS NOT NULL))",
        "v.status");
    params.insert(params.begin(), {Int(host.account_id), Int(host.account_id), Int(host.account_id)});
    if (filter.all_faces) {
      // Every booking another face made on the caller's calendars (docs/api.md).
      params.push_back(Int(host.account_id));
      sql += " UNION ALL " + narrowed("SELECT " + FaceColumns() + std::string(kFaceFrom) +
                                          " WHERE c.owner_account_id = ? AND b.face <> 'v1'",
                                      kFaceStatusSql);
      sql += " ORDER BY 3, 1 LIMIT ?";
    } else {
      sql += " ORDER BY b.start_at, b.id LIMIT ?";
    }
    params.push_back(Int(static_cast<std::int64_t>(limit + 1)));
    std::vector<StoredBooking> rows;
    for (const auto& row : tx.Query(sql, params)) rows.push_back(FromRow(row));
    Page<BookingView> out;
    if (rows.size() > limit) {
      rows.resize(limit);
      if (!rows.empty()) out.next = PageKey{std::to_string(booking::ToStored(rows.back().view.interval.start)), rows.back().id};
    }
    for (auto& s : rows) out.items.push_back(std::move(s.view));
    return out;
  });
}

Result<BookingView> V1Bookings::Get(const BookingCaller& caller, const std::string& id) {
  return db_.Read([&](store::Tx& tx) -> Result<BookingView> {
    auto stored = Authorized(tx, caller, id);
    if (!stored.ok()) {
      if (auto face = LoadFaceBooking(tx, caller.principal, id)) return face->view;
      return stored.error();
    }
    return stored->view;
  });
}

namespace {

// The manage token the caller showed, when it is this booking's, for the manage link of the
// emails the change sends; none when the booking keeps its token sealed, which the emails
// link from, so that the token never waits in the clear.
std::optional<std::string> ShownToken(store::Tx& tx, const BookingCaller& caller, const StoredBooking& stored) {
  if (!caller.token || !auth::LooksLikeSecret(*caller.token) || auth::SecretDigest(*caller.token) != stored.token_hash) {
    return std::nullopt;
  }
  if (tx.QueryOne("SELECT 1 FROM v1_bookings WHERE booking_id = ? AND manage_token_sealed IS NOT NULL",
                  {Int(stored.id)})) {
    return std::nullopt;
  }
  return caller.token;
}

// What a change through /v1 does to a booking another face made: the stored status the
// face itself would set (declining is that face's cancel), through the one booking path.
Result<BookingView> ChangeFaceBooking(store::Tx& tx, const StoredBooking& stored, const std::string& face,
                                      std::initializer_list<V1Status> from, V1Status to, Instant now) {
  if (face == "meeting") {
    return Conflict("A meeting's bookings change with the meeting: change it through /meetings (face 002).", "face");
  }
  if (std::find(from.begin(), from.end(), stored.view.status) == from.end()) {
    return Conflict("The booking is " + std::string(booking::V1StatusName(stored.view.status)) + ".", "status");
  }
  booking::LockCalendars(tx, {stored.calendar_id});
  const auto target = to == V1Status::kAccepted ? BookingStatus::kConfirmed : BookingStatus::kCancelled;
  auto slot = tx.QueryOne("SELECT slot_id FROM bookings WHERE id = ?", {Int(stored.id)});
  if (face == "slot" && target == BookingStatus::kCancelled && slot && !slot->IsNull(0)) {
    // Face 000 cancels a booked slot, and the slot's booking with it (docs/time-slots.md):
    // a booked slot is busy time of its own, so the slot must go for the time to be free.
    booking::CancelSlotBookings(tx, slot->Int(0), now);
    tx.Exec("UPDATE slots SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'booked'",
            {Int(booking::ToStored(now)), Int(slot->Int(0))});
  } else if (auto set = booking::SetStatus(tx, stored.id, target, now); !set.ok()) return Conflict(set.error().message, "status");
  auto row = tx.QueryOne("SELECT " + FaceColumns() + std::string(kFaceFrom) + " WHERE b.id = ?", {Int(stored.id)});
  return FromRow(*row).view;
}

// Changes a booking's v1 status in its own transaction, after the checks `allowed` makes.
// A booking another face made on the caller's calendar changes as that face changes it.
Result<BookingView> ChangeStatus(store::Database& db, const BookingCaller& caller, const std::string& id,
                                 bool host_only, std::initializer_list<V1Status> from, V1Status to,
                                 const std::optional<std::string>& reason, Instant now,
                                 const V1Bookings::SessionCancelled& on_session_cancelled) {
  if (reason && Characters(*reason) > 1000) return InvalidArgument("reason must be at most 1000 characters.", "reason");
  bool session_cancelled = false;
  auto changed = db.Write([&](store::Tx& tx) -> Result<BookingView> {
    auto stored = Authorized(tx, caller, id, host_only);
    if (!stored.ok()) {
      auto face = LoadFaceBooking(tx, caller.principal, id);
      if (!face) return stored.error();
      auto row = tx.QueryOne("SELECT face FROM bookings WHERE id = ?", {Int(face->id)});
      const std::string stored_face = row->Text(0);
      auto done = ChangeFaceBooking(tx, *face, stored_face, from, to, now);
      session_cancelled = done.ok() && stored_face == "coach" && to != V1Status::kAccepted;
      return done;
    }
    if (std::find(from.begin(), from.end(), stored->view.status) == from.end()) {
      return Conflict("The booking is " + std::string(booking::V1StatusName(stored->view.status)) + ".", "status");
    }
    booking::LockCalendars(tx, {stored->calendar_id});
    booking::EventContext events(to == V1Status::kDeclined, ShownToken(tx, caller, *stored));
    if (Status s = booking::SetEventTypeBookingStatus(tx, stored->id, to, reason, now); !s) {
      return Conflict(s.error().message, "status");
    }
    return LoadStored(tx, id)->view;
  });
  // As face 001 does after its own cancel: the session's copies in external calendars go.
  if (changed.ok() && session_cancelled && on_session_cancelled) on_session_cancelled(id, now);
  return changed;
}

}  // namespace

Result<BookingView> V1Bookings::Cancel(const BookingCaller& caller, const std::string& id,
                                       std::optional<std::string> reason, Instant now) {
  return ChangeStatus(db_, caller, id, false, {V1Status::kAccepted, V1Status::kPending}, V1Status::kCancelled, reason,
                      now, on_session_cancelled_);
}

Result<BookingView> V1Bookings::Confirm(const auth::Principal& host, const std::string& id, Instant now) {
  return ChangeStatus(db_, {&host, std::nullopt}, id, true, {V1Status::kPending}, V1Status::kAccepted, std::nullopt,
                      now, on_session_cancelled_);
}

Result<BookingView> V1Bookings::Decline(const auth::Principal& host, const std::string& id,
                                        std::optional<std::string> reason, Instant now) {
  return ChangeStatus(db_, {&host, std::nullopt}, id, true, {V1Status::kPending}, V1Status::kDeclined, reason, now,
                      on_session_cancelled_);
}

Outcome<BookingView> V1Bookings::Reschedule(const BookingCaller& caller, const std::string& id, Instant start,
                                            Instant now) {
  std::optional<Outcome<BookingView>> out;
  db_.WriteTx([&](store::Tx& tx) {
    auto stored = Authorized(tx, caller, id);
    if (!stored.ok()) {
      out.emplace(stored.error());
      return false;
    }
    if (stored->view.status != V1Status::kAccepted && stored->view.status != V1Status::kPending) {
      out.emplace(Conflict("The booking is " + std::string(booking::V1StatusName(stored->view.status)) + ".", "status"));
      return false;
    }
    if (!stored->view.event_type_id) {
      out.emplace(Conflict("The booking's event type no longer exists.", "event_type_id"));
      return false;
    }
    booking::EventContext events(false, ShownToken(tx, caller, *stored));
    auto context = booking::LoadEventTypeContext(tx, *stored->view.event_type_id, true, now);
    if (!context.ok()) {
      out.emplace(Conflict("The booking's event type no longer exists.", "event_type_id"));
      return false;
    }
    if (booking::IsTeamEventType(context->event_type)) {
      booking::TeamContext team = booking::LoadTeamContext(tx, *context, true, now);
      auto refused = booking::RescheduleTeamBooking(tx, team, stored->id, start, now);
      if (refused) {
        out.emplace(std::variant<BookingView, Unavailable>(UnavailableOf(tx, *refused, *context, now)));
        return false;
      }
      booking::RecordV1Rescheduled(tx, stored->id, stored->view.interval, now);
      out.emplace(std::variant<BookingView, Unavailable>(LoadStored(tx, id)->view));
      return true;
    }
    if (context->calendar.id != stored->calendar_id) {
      out.emplace(Conflict("The booking's host calendar changed.", "event_type_id"));
      return false;
    }
    auto refused = booking::RescheduleEventTypeBooking(tx, *context, stored->id, start, now);
    if (refused) {
      out.emplace(std::variant<BookingView, Unavailable>(UnavailableOf(tx, *refused, *context, now)));
      return false;
    }
    booking::RecordV1Rescheduled(tx, stored->id, stored->view.interval, now);
    out.emplace(std::variant<BookingView, Unavailable>(LoadStored(tx, id)->view));
    return true;
  });
  return std::move(*out);
}

Result<std::string> V1Bookings::Ics(const BookingCaller& caller, const std::string& id, Instant now) {
  auto view = Get(caller, id);
  if (!view.ok()) return view.error();
  IcalEvent event;
  event.uid = view->id + "@kairos";
  event.stamp = now;
  event.interval = view->interval;
  event.sequence = view->sequence;
  event.status = view->status == V1Status::kPending   ? IcalStatus::kTentative
                 : view->status == V1Status::kAccepted ? IcalStatus::kConfirmed
                                                       : IcalStatus::kCancelled;
  event.summary = view->event_type_title.empty() ? "Booking" : view->event_type_title;
  event.summary += " with " + (view->host.name.empty() ? std::string("the host") : view->host.name);
  event.description = "Attendee: " + view->attendee.name + " <" + view->attendee.email + ">";
  event.organizer = IcalParty{view->host.name, view->host.email, "CHAIR", "ACCEPTED"};
  return IcalCalendar({event});
}

}  // namespace kairos::service::v1
