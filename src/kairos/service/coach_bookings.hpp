// Face 001's use cases: clients book coaching sessions in a coach's free time, the
// parties move a booking through its statuses, anyone reads a coach's availability.
// Sessions live on the coach's personal calendar, so they are busy time in every face.
// Knows nothing of HTTP or JSON; authorization is decided here, through auth/policy.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/auth/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

inline constexpr std::chrono::minutes kMinSessionLength{15};
inline constexpr std::chrono::minutes kMaxSessionLength{480};
inline constexpr std::chrono::minutes kDefaultSessionLength{60};
// Availability and booking share this grid: slots start every 30 minutes from the start
// of each window of availability.
inline constexpr std::chrono::minutes kSessionStep{30};
inline constexpr std::chrono::days kMaxAvailabilityRange{30};
inline constexpr std::int64_t kDefaultPageSize = 20;
inline constexpr std::int64_t kMaxPageSize = 100;

// pending → confirmed → completed; pending/confirmed → cancelled. Pending and confirmed
// sessions hold the coach's time.
enum class SessionStatus { kPending, kConfirmed, kCompleted, kCancelled };

// "pending", "confirmed", "completed", "cancelled".
std::string_view SessionStatusName(SessionStatus status);
// The status of that exact name, or InvalidArgument naming `field` and the valid names.
Result<SessionStatus> ParseSessionStatus(std::string_view name, std::string_view field = "status");
// True when the document's transition table allows from → to.
bool SessionTransitionAllowed(SessionStatus from, SessionStatus to);

// An account as a booking shows it: name is "first last" trimmed, else the username.
struct SessionParty {
  std::string uuid;
  std::string name;
  std::string email;
};

struct CoachSession {
  std::string uuid;
  std::optional<SessionParty> client;  // absent once the client's account is deleted
  SessionParty coach;
  Interval interval;
  SessionStatus status = SessionStatus::kPending;
  std::optional<std::string> payment_id;
  std::optional<std::string> meeting_link;
  std::optional<std::string> notes;
  Instant created_at{};
  Instant updated_at{};
};

struct NewCoachSession {
  std::string coach_uuid;
  Instant start{};
  std::chrono::minutes length = kDefaultSessionLength;
  std::optional<std::string> notes;
};

struct SessionListQuery {
  std::int64_t skip = 0;
  std::int64_t limit = kDefaultPageSize;
  std::optional<SessionStatus> status;
};

struct SessionPage {
  std::vector<CoachSession> sessions;  // latest session first
  std::int64_t total = 0;              // matching sessions before skip/limit
  std::int64_t skip = 0;
  std::int64_t limit = 0;
};

struct AvailabilityQuery {
  Interval range;
  std::chrono::minutes length = kDefaultSessionLength;
  std::chrono::minutes step = kSessionStep;
};

// Told of each session cancelled (by Cancel or ChangeStatus), after the commit: calendar
// integration cancels the session's external events.
using SessionCancelledListener = std::function<void(std::string_view booking_uuid, Instant now)>;

class CoachBookings {
 public:
  CoachBookings(store::Database& db, Accounts& accounts, SessionCancelledListener on_cancelled = {})
      : db_(db), accounts_(accounts), on_cancelled_(std::move(on_cancelled)) {}

  // Books a pending session for the calling client if the coach's availability (at the
  // default step) offers exactly that time. Forbidden for non-clients; NotFound("Coach
  // not found"); InvalidArgument for a past start, a length outside 15–480 minutes, an
  // inactive coach, or time not offered ("Time slot is not available").
  Result<CoachSession> Create(const auth::Principal& caller, const NewCoachSession& in, Instant now);

  // The session, for its client, its coach or an admin (others: Forbidden).
  // NotFound("Booking not found") for unknown ids, including other faces' bookings.
  Result<CoachSession> Get(const auth::Principal& caller, std::string_view booking_uuid);

  // A page of the sessions booked by a client / with a coach, for that account itself or
  // an admin. Unknown accounts are NotFound for admins and Forbidden for anyone else.
  Result<SessionPage> ListForClient(const auth::Principal& caller, std::string_view client_uuid,
                                    const SessionListQuery& query);
  Result<SessionPage> ListForCoach(const auth::Principal& caller, std::string_view coach_uuid,
                                   const SessionListQuery& query);

  // Moves a session along the transition table. Parties may cancel; only the coach or an
  // admin confirms and completes, and a session completes only once it has ended.
  Result<CoachSession> ChangeStatus(const auth::Principal& caller, std::string_view booking_uuid, SessionStatus to,
                                    Instant now);

  // Cancels a pending or confirmed session (client, coach or admin), freeing its time.
  Status Cancel(const auth::Principal& caller, std::string_view booking_uuid, Instant now);

  // The coach's free slots in the range: the engine's free time of the coach's personal
  // calendar, or 09:00–17:00 Monday–Friday in the coach's time zone when the calendar
  // defines no availability at all. Empty for an inactive coach.
  Result<std::vector<Interval>> Availability(std::string_view coach_uuid, const AvailabilityQuery& query,
                                             Instant now);

 private:
  Result<Account> FindCoach(std::string_view coach_uuid);
  Result<SessionPage> List(const auth::Principal& caller, std::string_view account_uuid, bool as_coach,
                           const SessionListQuery& query);

  store::Database& db_;
  Accounts& accounts_;
  SessionCancelledListener on_cancelled_;
};

}  // namespace kairos::service
