// Face 002's use cases: each account blocks hours of its local days, anyone reads an
// account's free hours, and an organiser books one-hour meetings with participants.
// A meeting is one meetings row plus an 'active' booking on every participant's personal
// calendar, so it is busy time in every face, and every face's bookings are busy here.
// Knows nothing of HTTP or JSON; authorization is decided here, through auth/policy.
#pragma once

#include <chrono>
#include <cstdint>
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

inline constexpr int kHoursPerDay = 24;
inline constexpr std::chrono::hours kMeetingLength{1};
inline constexpr std::int64_t kMeetingsPerPage = 10;
inline constexpr std::size_t kMaxParticipants = 100;

// One account's hourly view of one of its local days.
struct DayHours {
  std::optional<std::int64_t> id;  // the day's definition; absent when never defined
  Account user;
  Date day{};
  std::vector<int> blocked;    // ascending local hours 0–23
  std::vector<int> available;  // hours neither blocked nor busy (nor skipped by DST)
  std::optional<Instant> created_at;
  std::optional<Instant> updated_at;
};

enum class MeetingStatus { kActive, kCancelled };

// "active" or "cancelled".
std::string_view MeetingStatusName(MeetingStatus status);
// The status of that exact name, or InvalidArgument naming the field.
Result<MeetingStatus> ParseMeetingStatus(std::string_view name);

struct Meeting {
  std::int64_t id = 0;
  std::vector<std::string> participants;  // emails; the organiser last
  std::string organiser;                  // email
  std::string title;
  std::string description;
  Interval interval;
  LocalDateTime time_slot{};  // the start on the wall clock of the account that asked
  MeetingStatus status = MeetingStatus::kActive;
  Instant created_at{};
  Instant updated_at{};
};

// A new meeting (every field but status set; it starts active) or a change (only the
// fields to change). time_slot is a wall-clock time in the organiser's zone;
// participants are emails, and the organiser may be among them.
struct MeetingFields {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<LocalDateTime> time_slot;
  std::optional<std::vector<std::string>> participants;
  std::optional<MeetingStatus> status;
};

// A stretch of the caller's meetings: `limit` of them after the first `offset`, and
// only those with that status when one is given.
struct MeetingListRequest {
  std::int64_t offset = 0;
  std::int64_t limit = kMeetingsPerPage;
  std::optional<std::string> status;
};

struct MeetingPage {
  std::vector<Meeting> meetings;
  std::int64_t count = 0;  // all of the caller's upcoming meetings that match
};

class Meetings {
 public:
  Meetings(store::Database& db, Accounts& accounts) : db_(db), accounts_(accounts) {}

  // Adds hours to the caller's blocked hours of local day `day` (the day keeps those it
  // had; duplicates are dropped). Refuses, blocking nothing, when any hour not blocked
  // before overlaps a booking that holds the caller's time:
  // InvalidArgument("There is already an event booked at time slot : h").
  // The answer's `blocked` also holds the hours the account's active meetings take.
  Result<DayHours> BlockHours(const auth::Principal& caller, Date day, std::vector<int> hours, Instant now);

  // The hours of `day` of the account with that email (empty: the caller).
  // NotFound("User not found : <email>") for unknown or inactive accounts.
  Result<DayHours> Hours(const auth::Principal& caller, std::string_view email, Date day);

  // Books the hour at time_slot for the organiser (the caller) and the participants, all
  // or nothing. InvalidArgument for a start that is past or not on the hour, unknown
  // participants, or an hour some participant cannot take ("Time slot is not available
  // for user : e" when blocked or not offered, "Time slot is conflicting with another
  // event for user : e" when another booking holds it).
  Result<Meeting> Create(const auth::Principal& caller, const MeetingFields& in, Instant now);

  // The caller's meetings (as organiser or participant) that have not ended, by start:
  // `limit` of them from `offset` (past the end, none), with that status if one is asked.
  Result<MeetingPage> Upcoming(const auth::Principal& caller, const MeetingListRequest& request, Instant now);

  // One of the caller's meetings (as organiser or participant), or NotFound("Not found.").
  Result<Meeting> Find(const auth::Principal& caller, std::int64_t meeting_id);

  // Changes the fields that are set, with Create's checks whenever the meeting (still or
  // again) holds time and its hour, participants or status change; its own bookings do
  // not conflict with it. Cancelling frees the hour for everyone. Any participant (or
  // an admin) may change a meeting, as the document says ("A user can update any
  // scheduled meeting"); anyone else gets NotFound("Not found."). The organiser stays.
  // Whether the caller may change that meeting at all, with Update's answer if not
  // (so a face can refuse before reading the request's fields).
  Status MayUpdate(const auth::Principal& caller, std::int64_t meeting_id);

  Result<Meeting> Update(const auth::Principal& caller, std::int64_t meeting_id, const MeetingFields& change,
                         Instant now);

 private:
  store::Database& db_;
  Accounts& accounts_;
};

}  // namespace kairos::service
