#include "kairos/booking/holds.hpp"

#include "kairos/auth/crypto.hpp"

namespace kairos::booking {
namespace {

using store::Int;
using store::Text;

Hold HoldFromRow(const store::Row& row) {
  Hold h;
  h.id = row.Int(0);
  h.uuid = row.Text(1);
  h.calendar_id = row.Int(2);
  h.event_type_id = row.Int(3);
  h.interval = {FromStored(row.Int(4)), FromStored(row.Int(5))};
  h.expires_at = FromStored(row.Int(6));
  h.created_at = FromStored(row.Int(7));
  return h;
}

}  // namespace

HoldPlaced PlaceHold(store::Tx& tx, const EventTypeContext& context, Instant start, Instant now) {
  HoldPlaced out;
  const EventType& e = context.event_type;
  Interval interval{start, start + std::chrono::minutes{e.duration_minutes}};
  LockCalendars(tx, {context.calendar.id});
  // Read under the lock: the event type's own bookings, for its limits.
  Policy policy = EventTypePolicy(tx, context, interval, now);
  if (auto refused = CheckOffered(tx, context.calendar, interval, policy, now)) {
    out.refusal = std::move(refused);
    return out;
  }
  Hold h;
  h.uuid = auth::NewUuid();
  h.calendar_id = context.calendar.id;
  h.event_type_id = e.id;
  h.interval = interval;
  h.created_at = now;
  h.expires_at = now + std::chrono::minutes{e.hold_minutes};
  auto rows = tx.Query(
      "INSERT INTO holds (uuid, calendar_id, event_type_id, start_at, end_at, units, expires_at, created_at) "
      "VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
      {Text(h.uuid), Int(h.calendar_id), Int(h.event_type_id), Int(ToStored(interval.start)),
       Int(ToStored(interval.end)), Int(ToStored(h.expires_at)), Int(ToStored(now))});
  h.id = rows.at(0).Int(0);
  // Expired holds are dead weight: clear this calendar's as we go.
  tx.Exec("DELETE FROM holds WHERE calendar_id = ? AND expires_at <= ?", {Int(h.calendar_id), Int(ToStored(now))});
  out.hold = std::move(h);
  return out;
}

std::optional<Hold> FindLiveHold(store::Tx& tx, std::string_view uuid, Instant now) {
  auto row = tx.QueryOne(
      "SELECT id, uuid, calendar_id, event_type_id, start_at, end_at, expires_at, created_at FROM holds "
      "WHERE uuid = ? AND expires_at > ?",
      {Text(std::string(uuid)), Int(ToStored(now))});
  if (!row) return std::nullopt;
  return HoldFromRow(*row);
}

bool ReleaseHold(store::Tx& tx, std::string_view uuid, Instant now) {
  auto live = FindLiveHold(tx, uuid, now);
  tx.Exec("DELETE FROM holds WHERE uuid = ?", {Text(std::string(uuid))});
  return live.has_value();
}

}  // namespace kairos::booking
