// Recurrence: RFC 5545 RRULEs expanded in floating (local) time.
//
// Occurrences are wall-clock date-times; callers convert them with the calendar's zone
// (ToUtc) afterwards, so a weekly 09:00 stays 09:00 across DST changes.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"

namespace kairos {

// A validated RRULE value, e.g. "FREQ=MONTHLY;BYDAY=-1FR;COUNT=5".
class RecurrenceRule {
 public:
  // Validates `text` (the RRULE value without the "RRULE:" prefix) with libical.
  // FREQ is required; COUNT and UNTIL together, unknown parts or out-of-range values are
  // InvalidArgument naming `field`. A "Z" UNTIL is read as floating local time.
  static Result<RecurrenceRule> Parse(std::string_view text, std::string_view field = "rrule");

  const std::string& text() const { return text_; }
  bool has_count() const { return has_count_; }

 private:
  RecurrenceRule(std::string text, bool has_count) : text_(std::move(text)), has_count_(has_count) {}

  std::string text_;
  bool has_count_ = false;
};

// The simple patterns of "recurring slots".
enum class RepeatPattern { kDaily, kWeekly, kMonthly };

// "FREQ=<pattern>[;UNTIL=<last_day>T235959]": repeats on DTSTART's weekday (weekly) or
// day of month (monthly; months without that day are skipped, as RFC 5545 says) through
// `last_day` inclusive, or forever when it is absent.
RecurrenceRule MakeRepeatRule(RepeatPattern pattern, std::optional<Date> last_day);

// Parses "daily", "weekly" or "monthly".
Result<RepeatPattern> ParseRepeatPattern(std::string_view text, std::string_view field = "recurring_pattern");

inline constexpr std::size_t kMaxOccurrences = 10000;

// The occurrences of `rule` anchored at `first` (DTSTART, itself the first occurrence when
// it matches the rule) that fall in [window_start, window_end), in order, without those
// listed in `exceptions` (EXDATE, matched exactly). COUNT counts occurrences before
// exceptions are removed, as RFC 5545 says. More than `max_occurrences` in the window is
// an InvalidArgument error, never a silent truncation.
Result<std::vector<LocalDateTime>> ExpandRecurrence(const RecurrenceRule& rule, LocalDateTime first,
                                                    LocalDateTime window_start, LocalDateTime window_end,
                                                    std::span<const LocalDateTime> exceptions = {},
                                                    std::size_t max_occurrences = kMaxOccurrences);

}  // namespace kairos
