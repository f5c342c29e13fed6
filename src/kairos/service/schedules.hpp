// Schedules of Kairos's own API (/v1/schedules): weekly intervals in a named IANA zone
// with per-date overrides. Owner only: another account's schedule reads as not found, so
// ids do not leak. Every write validates and runs in one transaction.
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

inline constexpr std::size_t kMaxScheduleName = 150;
inline constexpr std::size_t kMaxWeeklyIntervals = 100;
inline constexpr std::size_t kMaxOverrides = 1000;
inline constexpr std::size_t kMaxOverrideIntervals = 24;

// One override as given: a date and its intervals (none: the date is closed).
struct ScheduleOverride {
  Date date{};
  std::vector<booking::LocalSpan> intervals;
};

// The fields of a create (name required; time_zone defaults to the account's zone;
// weekly and overrides to none) or of an update (each given field replaces the stored
// one whole; absent fields are kept). Lists keep the order given, so errors name the
// position: "weekly[2].start", "overrides[0].intervals[1].end".
struct ScheduleFields {
  std::optional<std::string> name;
  std::optional<std::string> time_zone;
  std::optional<std::vector<booking::WeeklySpan>> weekly;
  std::optional<std::vector<ScheduleOverride>> overrides;
};

class Schedules {
 public:
  explicit Schedules(store::Database& db) : db_(db) {}

  Result<booking::Schedule> Create(const auth::Principal& caller, const ScheduleFields& fields, Instant now);
  // The caller's schedules, oldest first.
  Result<Page<booking::Schedule>> List(const auth::Principal& caller, const PageRequest& page);
  Result<booking::Schedule> Get(const auth::Principal& caller, std::string_view uuid);
  Result<booking::Schedule> Update(const auth::Principal& caller, std::string_view uuid, const ScheduleFields& fields,
                                   Instant now);
  // Event types on the schedule keep existing with no schedule (schedule_id null).
  Status Delete(const auth::Principal& caller, std::string_view uuid);

 private:
  store::Database& db_;
};

// The rules, on their own (for tests and for other use cases): every error is
// InvalidArgument naming the field as the API spells it.
Status ValidateScheduleFields(const ScheduleFields& fields, bool creating);

}  // namespace kairos::service
