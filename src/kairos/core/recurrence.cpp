#include "kairos/core/recurrence.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include <libical/ical.h>

#include "kairos/core/ical_time.hpp"

namespace kairos {

namespace {

// Iterations spent reaching a window far past DTSTART when libical cannot jump there
// (rules with COUNT); bounds the work a hostile rule can cause.
constexpr std::size_t kMaxSkippedIterations = 1'000'000;

using ical::FromIcal;
using ical::ToIcal;

struct IteratorDeleter {
  void operator()(icalrecur_iterator* it) const { icalrecur_iterator_free(it); }
};

}  // namespace

Result<RecurrenceRule> RecurrenceRule::Parse(std::string_view text, std::string_view field) {
  ical::DisableFatalErrors();
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.starts_with("RRULE:")) upper.erase(0, 6);
  auto invalid = [&] {
    return InvalidArgument("Invalid recurrence rule: " + std::string(text), std::string(field));
  };
  if (upper.empty() || upper.find("RSCALE") != std::string::npos || upper.find("SKIP") != std::string::npos) {
    return invalid();
  }
  // Occurrences are floating local times, so a UTC UNTIL is read on the same wall clock.
  if (auto at = upper.find("UNTIL="); at != std::string::npos) {
    auto end = upper.find(';', at);
    if (end == std::string::npos) end = upper.size();
    if (end > at && upper[end - 1] == 'Z') upper.erase(end - 1, 1);
  }
  icalrecurrencetype parsed = icalrecurrencetype_from_string(upper.c_str());
  if (parsed.freq == ICAL_NO_RECURRENCE) return invalid();
  return RecurrenceRule(std::move(upper), parsed.count > 0);
}

RecurrenceRule MakeRepeatRule(RepeatPattern pattern, std::optional<Date> last_day) {
  std::string text = pattern == RepeatPattern::kDaily    ? "FREQ=DAILY"
                     : pattern == RepeatPattern::kWeekly ? "FREQ=WEEKLY"
                                                         : "FREQ=MONTHLY";
  if (last_day) {
    std::string day = FormatDate(*last_day);
    std::erase(day, '-');
    text += ";UNTIL=" + day + "T235959";
  }
  return RecurrenceRule::Parse(text).value();
}

Result<RepeatPattern> ParseRepeatPattern(std::string_view text, std::string_view field) {
  if (text == "daily") return RepeatPattern::kDaily;
  if (text == "weekly") return RepeatPattern::kWeekly;
  if (text == "monthly") return RepeatPattern::kMonthly;
  return InvalidArgument("Invalid recurring pattern '" + std::string(text) + "' (expected daily, weekly or monthly)",
                         std::string(field));
}

Result<std::vector<LocalDateTime>> ExpandRecurrence(const RecurrenceRule& rule, LocalDateTime first,
                                                    LocalDateTime window_start, LocalDateTime window_end,
                                                    std::span<const LocalDateTime> exceptions,
                                                    std::size_t max_occurrences) {
  ical::DisableFatalErrors();
  std::vector<LocalDateTime> out;
  if (window_end <= window_start) return out;
  icalrecurrencetype parsed = icalrecurrencetype_from_string(rule.text().c_str());
  std::unique_ptr<icalrecur_iterator, IteratorDeleter> it(icalrecur_iterator_new(parsed, ToIcal(first)));
  if (!it) return InvalidArgument("Invalid recurrence rule: " + rule.text(), "rrule");
  // Without COUNT the occurrences before the window do not matter, so libical may jump.
  if (!rule.has_count() && window_start > first) icalrecur_iterator_set_start(it.get(), ToIcal(window_start));

  std::vector<LocalDateTime> skipped(exceptions.begin(), exceptions.end());
  std::sort(skipped.begin(), skipped.end());
  std::size_t iterations = 0;
  for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
       t = icalrecur_iterator_next(it.get())) {
    LocalDateTime occurrence = FromIcal(t);
    if (occurrence >= window_end) break;
    if (occurrence < window_start) {
      if (++iterations > kMaxSkippedIterations) {
        return InvalidArgument("Recurrence rule starts too long before the requested range", "rrule");
      }
      continue;
    }
    if (std::binary_search(skipped.begin(), skipped.end(), occurrence)) continue;
    if (out.size() == max_occurrences) {
      return InvalidArgument("Recurrence produces more than " + std::to_string(max_occurrences) +
                                 " occurrences in the requested range",
                             "rrule");
    }
    out.push_back(occurrence);
  }
  return out;
}

}  // namespace kairos
