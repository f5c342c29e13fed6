// Kairos's own scheduling model, as the booking path reads it: a schedule (weekly
// intervals in a named zone, with per-date overrides) and an event type (what a host
// offers on it). The /v1 API writes them (service/); listing and booking read them here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/store/database.hpp"

namespace kairos::booking {

// A stretch of a local day: [start, end) in seconds since local midnight; end may be 24:00.
struct LocalSpan {
  TimeOfDay start{};
  TimeOfDay end{};
  friend bool operator==(const LocalSpan&, const LocalSpan&) = default;
};

struct WeeklySpan {
  int iso_weekday = 1;  // 1 = Monday
  LocalSpan span;
  friend bool operator==(const WeeklySpan&, const WeeklySpan&) = default;
};

struct Schedule {
  std::int64_t id = 0;
  std::string uuid;
  std::int64_t owner_account_id = 0;
  std::string name;
  std::string time_zone = "UTC";
  std::vector<WeeklySpan> weekly;  // in the order given
  // An override replaces that date's weekly intervals; an empty one closes the date.
  std::map<Date, std::vector<LocalSpan>> overrides;
  Instant created_at{};
  Instant updated_at{};
};

enum class WindowKind { kRolling, kRange, kUnlimited };
std::string_view WindowKindName(WindowKind kind);
std::optional<WindowKind> ParseWindowKind(std::string_view text);

// How far ahead an event type can be booked: `days` from now (rolling), between two dates
// in the schedule's zone, inclusive (range), or without a bound (unlimited).
struct BookingWindow {
  WindowKind kind = WindowKind::kUnlimited;
  std::optional<int> days;
  std::optional<Date> start_date;
  std::optional<Date> end_date;
};

// A question a booker answers (stored as JSON in event_types.questions).
enum class QuestionType { kText, kEmail, kPhone, kTextarea, kSelect };
std::string_view QuestionTypeName(QuestionType type);
std::optional<QuestionType> ParseQuestionType(std::string_view text);

struct Question {
  std::string name;   // [a-z0-9_], unique within the event type
  std::string label;
  QuestionType type = QuestionType::kText;
  bool required = false;
  std::vector<std::string> options;  // select only: the allowed answers
  friend bool operator==(const Question&, const Question&) = default;
};

// The stored form of questions, and back (malformed stored text reads as none).
std::string QuestionsToJson(const std::vector<Question>& questions);
std::vector<Question> QuestionsFromJson(std::string_view text);

// A host of a collective or round-robin event type (docs/teams.md).
struct EventTypeHost {
  std::int64_t account_id = 0;
  std::string account_uuid;
  bool mandatory = false;
  int weight = 100;
  friend bool operator==(const EventTypeHost&, const EventTypeHost&) = default;
};

struct EventType {
  std::int64_t id = 0;
  std::string uuid;
  std::int64_t owner_account_id = 0;
  std::string slug;
  std::string title;
  std::string description;
  int duration_minutes = 30;
  std::optional<std::int64_t> schedule_id;    // the schedule's row id
  std::optional<std::string> schedule_uuid;   // the same schedule, as the API names it
  std::optional<int> slot_interval_minutes;   // absent: the duration
  int buffer_before_minutes = 0;
  int buffer_after_minutes = 0;
  int minimum_notice_minutes = 0;
  BookingWindow window;
  std::optional<int> limit_per_day;
  std::optional<int> limit_per_week;
  int seats_per_slot = 1;
  bool requires_confirmation = false;
  bool is_public = false;
  int hold_minutes = 10;
  std::string questions_json = "[]";  // the validated questions, as stored
  std::vector<int> reminders;          // minutes before the start (docs/notifications.md)
  // Team scheduling (docs/teams.md): "individual" (the owner hosts), "collective" (every
  // host attends) or "round_robin" (one host, chosen fairly, plus the mandatory ones).
  std::string scheduling = "individual";
  std::optional<std::int64_t> team_id;
  std::optional<std::string> team_uuid;
  std::vector<EventTypeHost> hosts;  // in the order given; empty for individual ones
  Instant created_at{};
  Instant updated_at{};

  int slot_interval() const { return slot_interval_minutes.value_or(duration_minutes); }
  std::vector<Question> questions() const { return QuestionsFromJson(questions_json); }
};

// The schedule with that row id or uuid, with its intervals and overrides; NotFound otherwise.
Result<Schedule> LoadSchedule(store::Tx& tx, std::int64_t id);
Result<Schedule> LoadScheduleByUuid(store::Tx& tx, std::string_view uuid);

// The event type with that uuid (or row id); NotFound("Event type not found") otherwise.
Result<EventType> LoadEventType(store::Tx& tx, std::string_view uuid);
Result<EventType> LoadEventTypeById(store::Tx& tx, std::int64_t id);

}  // namespace kairos::booking
