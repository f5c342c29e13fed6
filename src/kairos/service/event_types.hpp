// Event types of Kairos's own API (/v1/event-types): what a host offers on a schedule.
// Owner only, except that a public event type can be read by anyone (by id, or by its
// owner's username and its slug). A non-owner never learns that a private one exists.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/booking/event_types.hpp"
#include "kairos/core/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/page.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

inline constexpr std::size_t kMaxSlug = 100;
inline constexpr std::size_t kMaxEventTitle = 200;
inline constexpr std::size_t kMaxEventDescription = 4096;
inline constexpr std::size_t kMaxQuestions = 20;
inline constexpr std::size_t kMaxQuestionName = 50;
inline constexpr std::size_t kMaxQuestionLabel = 200;
inline constexpr std::size_t kMaxQuestionOptions = 50;
inline constexpr std::size_t kMaxQuestionOption = 200;
inline constexpr int kMaxMinutes = 1440;                 // durations, intervals, buffers
inline constexpr int kMaxNoticeMinutes = 525600;         // a year
inline constexpr int kMaxWindowDays = 3650;
inline constexpr int kMaxBookingsLimit = 10000;
inline constexpr int kMaxSeats = 1000;

struct EventTypeLimits {
  std::optional<int> per_day;
  std::optional<int> per_week;
};

// The fields of a create (slug, title and duration_minutes required; the rest default)
// or an update (each given field replaces the stored one whole, booking_window and
// limits included; absent fields are kept). A nullable field given as null clears it.
struct EventTypeFields {
  std::optional<std::string> slug;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<int> duration_minutes;
  std::optional<std::optional<std::string>> schedule_uuid;
  std::optional<std::optional<int>> slot_interval_minutes;
  std::optional<int> buffer_before_minutes;
  std::optional<int> buffer_after_minutes;
  std::optional<int> minimum_notice_minutes;
  std::optional<booking::BookingWindow> booking_window;
  std::optional<EventTypeLimits> limits;
  std::optional<int> seats_per_slot;
  std::optional<bool> requires_confirmation;
  std::optional<bool> is_public;
  std::optional<int> hold_minutes;
  std::optional<std::vector<booking::Question>> questions;
  std::optional<std::vector<int>> reminders;  // minutes before the start
  // Team scheduling (docs/teams.md, service/teams.hpp checks and writes them).
  std::optional<std::string> scheduling;               // individual, collective, round_robin
  std::optional<std::optional<std::string>> team_uuid;  // null: no team
  std::optional<std::vector<booking::EventTypeHost>> hosts;  // account_uuid, mandatory, weight
};

class EventTypes {
 public:
  explicit EventTypes(store::Database& db) : db_(db) {}

  Result<booking::EventType> Create(const auth::Principal& caller, const EventTypeFields& fields, Instant now);
  // The caller's event types, oldest first.
  Result<Page<booking::EventType>> List(const auth::Principal& caller, const PageRequest& page);
  // The owner sees theirs; anyone (caller may be null) sees a public one; otherwise NotFound.
  Result<booking::EventType> Get(const auth::Principal* caller, std::string_view uuid);
  // A public event type by its owner's username (case-insensitive) and slug.
  Result<booking::EventType> FindPublic(std::string_view username, std::string_view slug);
  // The public event types of a user, oldest first; NotFound when there is no such user.
  Result<Page<booking::EventType>> ListPublic(std::string_view username, const PageRequest& page);
  Result<booking::EventType> Update(const auth::Principal& caller, std::string_view uuid, const EventTypeFields& fields,
                                    Instant now);
  Status Delete(const auth::Principal& caller, std::string_view uuid);

 private:
  store::Database& db_;
};

// The rules on their own: InvalidArgument naming the field as the API spells it
// ("booking_window.days", "questions[1].options").
Status ValidateEventTypeFields(const EventTypeFields& fields, bool creating);

}  // namespace kairos::service
