#include "kairos/service/schedules.hpp"

#include <algorithm>
#include <set>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/calendars.hpp"

namespace kairos::service {
namespace {

using store::Int;
using store::Text;

std::size_t Characters(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string At(std::string_view list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

// Each span starts before it ends and starts before midnight; spans of one day do not
// overlap. `day_of(i)` groups them (a weekday, or one date), `name(i)` is the element's path.
template <class DayOf, class SpanOf, class NameOf>
Status CheckSpans(std::size_t n, DayOf day_of, SpanOf span_of, NameOf name_of) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i) {
    const booking::LocalSpan& s = span_of(i);
    if (s.start.count() < 0 || s.start.count() >= 86400) {
      return InvalidArgument(name_of(i) + ".start must be a time from 00:00 to 23:59.", name_of(i) + ".start");
    }
    if (s.end.count() > 86400 || s.end <= s.start) {
      return InvalidArgument(name_of(i) + ".end must be after its start (24:00 is the end of the day).",
                             name_of(i) + ".end");
    }
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (day_of(a) != day_of(b)) return day_of(a) < day_of(b);
    return span_of(a).start < span_of(b).start;
  });
  for (std::size_t k = 1; k < order.size(); ++k) {
    std::size_t prev = order[k - 1], cur = order[k];
    if (day_of(prev) == day_of(cur) && span_of(cur).start < span_of(prev).end) {
      // Name the one given later, which is what the client added.
      std::size_t later = std::max(prev, cur), earlier = std::min(prev, cur);
      return InvalidArgument(name_of(later) + " overlaps " + name_of(earlier) + " on the same day.",
                             name_of(later) + ".start");
    }
  }
  return {};
}

void WriteIntervals(store::Tx& tx, std::int64_t id, const ScheduleFields& f) {
  if (f.weekly) {
    tx.Exec("DELETE FROM schedule_weekly WHERE schedule_id = ?", {Int(id)});
    std::int64_t position = 0;
    for (const auto& w : *f.weekly) {
      tx.Exec("INSERT INTO schedule_weekly (schedule_id, position, iso_weekday, start_second, end_second) "
              "VALUES (?, ?, ?, ?, ?)",
              {Int(id), Int(position++), Int(w.iso_weekday), Int(w.span.start.count()), Int(w.span.end.count())});
    }
  }
  if (f.overrides) {
    tx.Exec("DELETE FROM schedule_overrides WHERE schedule_id = ?", {Int(id)});
    for (const auto& o : *f.overrides) {
      const std::string day = FormatDate(o.date);
      if (o.intervals.empty()) {
        tx.Exec("INSERT INTO schedule_overrides (schedule_id, local_date, position, start_second, end_second) "
                "VALUES (?, ?, 0, NULL, NULL)",
                {Int(id), Text(day)});
      }
      std::int64_t position = 0;
      for (const auto& s : o.intervals) {
        tx.Exec("INSERT INTO schedule_overrides (schedule_id, local_date, position, start_second, end_second) "
                "VALUES (?, ?, ?, ?, ?)",
                {Int(id), Text(day), Int(position++), Int(s.start.count()), Int(s.end.count())});
      }
    }
  }
}

// The caller's schedule of that uuid; another account's reads as not found.
Result<booking::Schedule> Owned(store::Tx& tx, const auth::Principal& caller, std::string_view uuid) {
  auto s = booking::LoadScheduleByUuid(tx, uuid);
  if (!s || s->owner_account_id != caller.account_id) return NotFound("Schedule not found.");
  return s;
}

}  // namespace

Status ValidateScheduleFields(const ScheduleFields& f, bool creating) {
  if (creating && !f.name) return InvalidArgument("name is required.", "name");
  if (f.name) {
    if (f.name->find_first_not_of(" \t\r\n") == std::string::npos) {
      return InvalidArgument("name may not be blank.", "name");
    }
    if (Characters(*f.name) > kMaxScheduleName) {
      return InvalidArgument("name is longer than " + std::to_string(kMaxScheduleName) + " characters.", "name");
    }
  }
  if (f.time_zone) {
    if (!FindZone(*f.time_zone, "time_zone")) {
      return InvalidArgument("time_zone is not a known IANA time zone: " + *f.time_zone + ".", "time_zone");
    }
  }
  if (f.weekly) {
    const auto& w = *f.weekly;
    if (w.size() > kMaxWeeklyIntervals) {
      return InvalidArgument("weekly has more than " + std::to_string(kMaxWeeklyIntervals) + " intervals.", "weekly");
    }
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i].iso_weekday < 1 || w[i].iso_weekday > 7) {
        return InvalidArgument(At("weekly", i) + ".day must be a weekday.", At("weekly", i) + ".day");
      }
    }
    if (auto s = CheckSpans(
            w.size(), [&](std::size_t i) { return w[i].iso_weekday; },
            [&](std::size_t i) -> const booking::LocalSpan& { return w[i].span; },
            [](std::size_t i) { return At("weekly", i); });
        !s) {
      return s;
    }
  }
  if (f.overrides) {
    const auto& o = *f.overrides;
    if (o.size() > kMaxOverrides) {
      return InvalidArgument("overrides has more than " + std::to_string(kMaxOverrides) + " dates.", "overrides");
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < o.size(); ++i) {
      const std::string path = At("overrides", i);
      if (!seen.insert(FormatDate(o[i].date)).second) {
        return InvalidArgument(path + ".date repeats an earlier override's date.", path + ".date");
      }
      if (o[i].intervals.size() > kMaxOverrideIntervals) {
        return InvalidArgument(path + ".intervals has more than " + std::to_string(kMaxOverrideIntervals) +
                                   " intervals.",
                               path + ".intervals");
      }
      const auto& spans = o[i].intervals;
      if (auto s = CheckSpans(
              spans.size(), [](std::size_t) { return 0; },
              [&](std::size_t k) -> const booking::LocalSpan& { return spans[k]; },
              [&](std::size_t k) { return At(path + ".intervals", k); });
          !s) {
        return s;
      }
    }
  }
  return {};
}

Result<booking::Schedule> Schedules::Create(const auth::Principal& caller, const ScheduleFields& in, Instant now) {
  ScheduleFields f = in;
  if (!f.time_zone) f.time_zone = caller.timezone.empty() ? "UTC" : caller.timezone;
  if (auto s = ValidateScheduleFields(f, true); !s) return s.error();
  return db_.Write([&](store::Tx& tx) -> Result<booking::Schedule> {
    const std::string uuid = auth::NewUuid();
    auto row = tx.QueryOne("INSERT INTO schedules (uuid, owner_account_id, name, time_zone, created_at, updated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                           {Text(uuid), Int(caller.account_id), Text(*f.name), Text(*f.time_zone),
                            Int(booking::ToStored(now)), Int(booking::ToStored(now))});
    const std::int64_t id = row->Int(0);
    WriteIntervals(tx, id, f);
    return booking::LoadSchedule(tx, id);
  });
}

Result<Page<booking::Schedule>> Schedules::List(const auth::Principal& caller, const PageRequest& page) {
  return db_.Read([&](store::Tx& tx) -> Result<Page<booking::Schedule>> {
    std::vector<booking::Schedule> rows;
    const std::int64_t after = page.after ? page.after->id : 0;
    for (const auto& r : tx.Query("SELECT id FROM schedules WHERE owner_account_id = ? AND id > ? ORDER BY id LIMIT ?",
                                  {Int(caller.account_id), Int(after), Int(static_cast<std::int64_t>(page.limit) + 1)})) {
      auto s = booking::LoadSchedule(tx, r.Int(0));
      if (s) rows.push_back(std::move(*s));
    }
    return TakePage(std::move(rows), page, [](const booking::Schedule& s) { return PageKey{"", s.id}; });
  });
}

Result<booking::Schedule> Schedules::Get(const auth::Principal& caller, std::string_view uuid) {
  return db_.Read([&](store::Tx& tx) { return Owned(tx, caller, uuid); });
}

Result<booking::Schedule> Schedules::Update(const auth::Principal& caller, std::string_view uuid,
                                            const ScheduleFields& f, Instant now) {
  if (auto s = ValidateScheduleFields(f, false); !s) return s.error();
  return db_.Write([&](store::Tx& tx) -> Result<booking::Schedule> {
    auto current = Owned(tx, caller, uuid);
    if (!current) return current.error();
    tx.Exec("UPDATE schedules SET name = ?, time_zone = ?, updated_at = ? WHERE id = ?",
            {Text(f.name.value_or(current->name)), Text(f.time_zone.value_or(current->time_zone)),
             Int(booking::ToStored(now)), Int(current->id)});
    WriteIntervals(tx, current->id, f);
    return booking::LoadSchedule(tx, current->id);
  });
}

Status Schedules::Delete(const auth::Principal& caller, std::string_view uuid) {
  return db_.Write([&](store::Tx& tx) -> Status {
    auto current = Owned(tx, caller, uuid);
    if (!current) return current.error();
    tx.Exec("UPDATE event_types SET schedule_id = NULL WHERE schedule_id = ?", {Int(current->id)});
    tx.Exec("DELETE FROM schedule_overrides WHERE schedule_id = ?", {Int(current->id)});
    tx.Exec("DELETE FROM schedule_weekly WHERE schedule_id = ?", {Int(current->id)});
    tx.Exec("DELETE FROM schedules WHERE id = ?", {Int(current->id)});
    return {};
  });
}

}  // namespace kairos::service
