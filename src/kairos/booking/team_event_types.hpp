// Team event types (docs/teams.md): collective (every host attends) and round robin (one
// host chosen by the fairness rule in core/round_robin.hpp, plus every mandatory host).
// Each host is read as an individual event type reads its owner (event_type_policy.hpp):
// the host's personal calendar (every face's bookings, holds, blocked time) plus the
// host's schedule, under the event type's grid, buffers, notice, window and limits. The
// hosts' data is loaded with a constant number of queries whatever their number, and
// the engine judges them in one pass (core TeamFreeSlots).
//
// A team booking is one `bookings` row per host it holds: the first (named by the API,
// with the v1 details: host_account_id is the chosen host, or the first host of a
// collective one) and one per other host, linked in team_booking_hosts. All are written,
// moved and cancelled together, in the caller's write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kairos/booking/event_type_bookings.hpp"
#include "kairos/booking/event_type_policy.hpp"
#include "kairos/core/free_time.hpp"
#include "kairos/core/round_robin.hpp"

namespace kairos::booking {

struct TeamHostContext {
  EventTypeHost host;
  Calendar calendar;                // personal calendar, or a stand-in (id 0) when reading
  std::optional<Schedule> schedule;  // the event type's when the host owns it, else the host's oldest
};

struct TeamContext {
  EventTypeContext base;
  TeamKind kind = TeamKind::kCollective;
  std::vector<TeamHostContext> hosts;  // in the event type's order
};

bool IsTeamEventType(const EventType& e);

// The hosts of a team event type, in a constant number of queries. `create_calendars`
// (in a write transaction) creates missing personal calendars.
TeamContext LoadTeamContext(store::Tx& tx, EventTypeContext base, bool create_calendars, Instant now);

// The team's slots over `range`: TeamSlot's hosts_available per slot.
Result<std::vector<TeamSlot>> ListTeamSlots(store::Tx& tx, const TeamContext& team, Interval range, Instant now);

// Each round-robin host's standing under the rule: bookings of the event type made in the
// last 30 days that still hold time, and when the latest was made. In host order.
std::vector<RoundRobinCandidate> RoundRobinStanding(store::Tx& tx, const TeamContext& team, Instant now);

struct TeamBooked {
  std::optional<BookingRef> booking;  // the first row, the one the API names
  std::int64_t host_account_id = 0;   // the chosen host (round robin) or the first host
  std::vector<std::int64_t> attending;  // every host's account id, chosen first
  std::string manage_token;
  std::optional<Refusal> refusal;
  bool ok() const { return booking.has_value(); }
};

// Books the team event type at request.start: locks every host's calendar, judges all
// hosts at once, picks the round-robin host (prefer_host first when it is free: a
// reschedule keeps its host), inserts every attending host's row and the v1 details.
TeamBooked BookTeamEventType(store::Tx& tx, const TeamContext& team, const EventTypeBookingRequest& request,
                             Instant now);

// Moves a team booking: its rows are released, the new time judged, the host kept when
// free (else chosen again by the rule), and the rows moved (the first to the new host's
// calendar). Nothing changes on a refusal (the caller rolls back).
std::optional<Refusal> RescheduleTeamBooking(store::Tx& tx, const TeamContext& team, std::int64_t booking_id,
                                             Instant start, Instant now);

// Why the team does or does not offer `interval`, for /v1/slots/explain: the refusal a
// booking would get (none when offered), and each host's own (none when that host could
// take it), in host order.
struct TeamExplained {
  std::optional<Refusal> refusal;
  std::vector<std::optional<Refusal>> hosts;
};
TeamExplained ExplainTeamTime(store::Tx& tx, const TeamContext& team, Interval interval, Instant now);

// The other hosts' rows of a team booking (empty for an individual one).
std::vector<std::int64_t> TeamBookingRows(store::Tx& tx, std::int64_t booking_id);

}  // namespace kairos::booking
