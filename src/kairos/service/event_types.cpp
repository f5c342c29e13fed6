#include "kairos/service/event_types.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/calendars.hpp"
#include "kairos/booking/events.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/service/teams.hpp"

namespace kairos::service {
namespace {

using store::Int;
using store::Null;
using store::Text;

std::size_t Characters(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

Status Range(const std::string& field, std::optional<int> v, int min, int max) {
  if (v && (*v < min || *v > max)) {
    return InvalidArgument(field + " must be from " + std::to_string(min) + " to " + std::to_string(max) + ".", field);
  }
  return {};
}

std::string At(std::string_view list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

bool IsSlug(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsQuestionName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

store::Value OptionalInt(std::optional<int> v) { return v ? Int(*v) : Null(); }

// Every field of a stored event type, so a patch can be laid over it.
EventTypeFields FieldsOf(const booking::EventType& e) {
  EventTypeFields f;
  f.slug = e.slug;
  f.title = e.title;
  f.description = e.description;
  f.duration_minutes = e.duration_minutes;
  f.schedule_uuid = e.schedule_uuid;
  f.slot_interval_minutes = e.slot_interval_minutes;
  f.buffer_before_minutes = e.buffer_before_minutes;
  f.buffer_after_minutes = e.buffer_after_minutes;
  f.minimum_notice_minutes = e.minimum_notice_minutes;
  f.booking_window = e.window;
  f.limits = EventTypeLimits{e.limit_per_day, e.limit_per_week};
  f.seats_per_slot = e.seats_per_slot;
  f.requires_confirmation = e.requires_confirmation;
  f.is_public = e.is_public;
  f.hold_minutes = e.hold_minutes;
  f.questions = e.questions();
  f.reminders = e.reminders;
  return f;
}

template <class T>
void Over(std::optional<T>& base, const std::optional<T>& patch) {
  if (patch) base = patch;
}

EventTypeFields Merge(EventTypeFields base, const EventTypeFields& p) {
  Over(base.slug, p.slug);
  Over(base.title, p.title);
  Over(base.description, p.description);
  Over(base.duration_minutes, p.duration_minutes);
  Over(base.schedule_uuid, p.schedule_uuid);
  Over(base.slot_interval_minutes, p.slot_interval_minutes);
  Over(base.buffer_before_minutes, p.buffer_before_minutes);
  Over(base.buffer_after_minutes, p.buffer_after_minutes);
  Over(base.minimum_notice_minutes, p.minimum_notice_minutes);
  Over(base.booking_window, p.booking_window);
  Over(base.limits, p.limits);
  Over(base.seats_per_slot, p.seats_per_slot);
  Over(base.requires_confirmation, p.requires_confirmation);
  Over(base.is_public, p.is_public);
  Over(base.hold_minutes, p.hold_minutes);
  Over(base.questions, p.questions);
  Over(base.reminders, p.reminders);
  return base;
}

// The reminders in the stored form (a JSON array of minutes), sorted, longest ahead first.
void WriteReminders(store::Tx& tx, std::int64_t event_type_id, std::vector<int> reminders) {
  std::sort(reminders.begin(), reminders.end(), std::greater<>());
  tx.Exec("UPDATE event_types SET reminders = ? WHERE id = ?",
          {Text(nlohmann::json(reminders).dump()), Int(event_type_id)});
}

// The defaults of a create.
EventTypeFields Defaults() {
  EventTypeFields f;
  f.description = "";
  f.schedule_uuid = std::optional<std::string>();
  f.slot_interval_minutes = std::optional<int>();
  f.buffer_before_minutes = 0;
  f.buffer_after_minutes = 0;
  f.minimum_notice_minutes = 0;
  f.booking_window = booking::BookingWindow{};
  f.limits = EventTypeLimits{};
  f.seats_per_slot = 1;
  f.requires_confirmation = false;
  f.is_public = false;
  f.hold_minutes = 10;
  f.questions = std::vector<booking::Question>{};
  f.reminders = std::vector<int>{};
  return f;
}

// The schedule's row id, when it is one of the caller's.
Result<std::optional<std::int64_t>> ScheduleId(store::Tx& tx, std::int64_t owner,
                                               const std::optional<std::string>& uuid) {
  if (!uuid) return std::optional<std::int64_t>();
  auto row = tx.QueryOne("SELECT id, owner_account_id FROM schedules WHERE uuid = ?", {Text(*uuid)});
  if (!row || row->Int(1) != owner) {
    return InvalidArgument("schedule_id is not one of your schedules.", "schedule_id");
  }
  return std::optional<std::int64_t>(row->Int(0));
}

Status SlugFree(store::Tx& tx, std::int64_t owner, const std::string& slug, std::int64_t except_id) {
  if (tx.QueryOne("SELECT 1 FROM event_types WHERE owner_account_id = ? AND slug = ? AND id <> ?",
                  {Int(owner), Text(slug), Int(except_id)})) {
    return Conflict("You already have an event type with the slug " + slug + ".", "slug");
  }
  return {};
}

store::Params Columns(const EventTypeFields& f, std::optional<std::int64_t> schedule_id) {
  const auto& w = *f.booking_window;
  return {Text(*f.slug),
          Text(*f.title),
          Text(*f.description),
          Int(*f.duration_minutes),
          schedule_id ? Int(*schedule_id) : Null(),
          OptionalInt(*f.slot_interval_minutes),
          Int(*f.buffer_before_minutes),
          Int(*f.buffer_after_minutes),
          Int(*f.minimum_notice_minutes),
          Text(std::string(booking::WindowKindName(w.kind))),
          OptionalInt(w.days),
          w.start_date ? Text(FormatDate(*w.start_date)) : Null(),
          w.end_date ? Text(FormatDate(*w.end_date)) : Null(),
          OptionalInt(f.limits->per_day),
          OptionalInt(f.limits->per_week),
          Int(*f.seats_per_slot),
          store::Bool(*f.requires_confirmation),
          store::Bool(*f.is_public),
          Int(*f.hold_minutes),
          Text(booking::QuestionsToJson(*f.questions))};
}

// Runs a write that may hit the (owner, slug) unique constraint when two writers race.
template <class F>
Result<booking::EventType> GuardSlug(F&& f) {
  try {
    return f();
  } catch (const store::StoreError& e) {
    if (e.kind() == store::StoreError::Kind::kUniqueViolation) {
      return Conflict("You already have an event type with that slug.", "slug");
    }
    throw;
  }
}

Result<Page<booking::EventType>> ListWhere(store::Tx& tx, const std::string& where, std::int64_t owner,
                                           const PageRequest& page) {
  std::vector<booking::EventType> rows;
  const std::int64_t after = page.after ? page.after->id : 0;
  for (const auto& r : tx.Query("SELECT id FROM event_types WHERE owner_account_id = ? AND id > ?" + where +
                                    " ORDER BY id LIMIT ?",
                                {Int(owner), Int(after), Int(static_cast<std::int64_t>(page.limit) + 1)})) {
    auto e = booking::LoadEventTypeById(tx, r.Int(0));
    if (e) rows.push_back(std::move(*e));
  }
  return TakePage(std::move(rows), page, [](const booking::EventType& e) { return PageKey{"", e.id}; });
}

std::optional<std::int64_t> AccountByUsername(store::Tx& tx, std::string_view username) {
  auto row = tx.QueryOne("SELECT id FROM accounts WHERE username_key = ? AND is_active = 1",
                         {Text(CaseKey(username))});
  if (!row) return std::nullopt;
  return row->Int(0);
}

}  // namespace

Status ValidateEventTypeFields(const EventTypeFields& f, bool creating) {
  if (creating) {
    if (!f.slug) return InvalidArgument("slug is required.", "slug");
    if (!f.title) return InvalidArgument("title is required.", "title");
    if (!f.duration_minutes) return InvalidArgument("duration_minutes is required.", "duration_minutes");
  }
  if (f.slug && (!IsSlug(*f.slug) || f.slug->size() > kMaxSlug)) {
    return InvalidArgument("slug must be 1 to 100 characters of a-z, 0-9 and '-'.", "slug");
  }
  if (f.title) {
    if (Blank(*f.title)) return InvalidArgument("title may not be blank.", "title");
    if (Characters(*f.title) > kMaxEventTitle) {
      return InvalidArgument("title is longer than " + std::to_string(kMaxEventTitle) + " characters.", "title");
    }
  }
  if (f.description && Characters(*f.description) > kMaxEventDescription) {
    return InvalidArgument("description is longer than " + std::to_string(kMaxEventDescription) + " characters.",
                           "description");
  }
  if (auto s = Range("duration_minutes", f.duration_minutes, 1, kMaxMinutes); !s) return s;
  if (f.slot_interval_minutes) {
    if (auto s = Range("slot_interval_minutes", *f.slot_interval_minutes, 1, kMaxMinutes); !s) return s;
  }
  if (auto s = Range("buffer_before_minutes", f.buffer_before_minutes, 0, kMaxMinutes); !s) return s;
  if (auto s = Range("buffer_after_minutes", f.buffer_after_minutes, 0, kMaxMinutes); !s) return s;
  if (auto s = Range("minimum_notice_minutes", f.minimum_notice_minutes, 0, kMaxNoticeMinutes); !s) return s;
  if (f.booking_window) {
    const auto& w = *f.booking_window;
    using booking::WindowKind;
    if (w.kind == WindowKind::kRolling) {
      if (!w.days) return InvalidArgument("booking_window.days is required for a rolling window.", "booking_window.days");
      if (auto s = Range("booking_window.days", w.days, 1, kMaxWindowDays); !s) return s;
    } else if (w.days) {
      return InvalidArgument("booking_window.days applies to rolling windows only.", "booking_window.days");
    }
    if (w.kind == WindowKind::kRange) {
      if (!w.start_date) {
        return InvalidArgument("booking_window.start_date is required for a range.", "booking_window.start_date");
      }
      if (!w.end_date) {
        return InvalidArgument("booking_window.end_date is required for a range.", "booking_window.end_date");
      }
      if (*w.end_date < *w.start_date) {
        return InvalidArgument("booking_window.end_date is before its start_date.", "booking_window.end_date");
      }
    } else if (w.start_date || w.end_date) {
      const char* field = w.start_date ? "booking_window.start_date" : "booking_window.end_date";
      return InvalidArgument(std::string(field) + " applies to range windows only.", field);
    }
  }
  if (f.limits) {
    if (auto s = Range("limits.per_day", f.limits->per_day, 1, kMaxBookingsLimit); !s) return s;
    if (auto s = Range("limits.per_week", f.limits->per_week, 1, kMaxBookingsLimit); !s) return s;
  }
  if (auto s = Range("seats_per_slot", f.seats_per_slot, 1, kMaxSeats); !s) return s;
  if (auto s = Range("hold_minutes", f.hold_minutes, 1, 30); !s) return s;
  if (f.reminders) {
    const auto& rs = *f.reminders;
    if (rs.size() > static_cast<std::size_t>(booking::kMaxReminders)) {
      return InvalidArgument("reminders has more than 5 reminders.", "reminders");
    }
    for (std::size_t i = 0; i < rs.size(); ++i) {
      const std::string path = At("reminders", i) + ".minutes_before";
      if (rs[i] < 1 || rs[i] > booking::kMaxReminderMinutes) {
        return InvalidArgument(path + " must be between 1 and 40320.", path);
      }
      if (std::find(rs.begin(), rs.begin() + static_cast<std::ptrdiff_t>(i), rs[i]) != rs.begin() + static_cast<std::ptrdiff_t>(i)) {
        return InvalidArgument(path + " repeats another reminder.", path);
      }
    }
  }
  if (f.questions) {
    const auto& qs = *f.questions;
    if (qs.size() > kMaxQuestions) {
      return InvalidArgument("questions has more than " + std::to_string(kMaxQuestions) + " questions.", "questions");
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < qs.size(); ++i) {
      const std::string path = At("questions", i);
      const auto& q = qs[i];
      if (!IsQuestionName(q.name) || q.name.size() > kMaxQuestionName) {
        return InvalidArgument(path + ".name must be 1 to 50 characters of a-z, 0-9 and '_'.", path + ".name");
      }
      if (!names.insert(q.name).second) {
        return InvalidArgument(path + ".name repeats an earlier question's name.", path + ".name");
      }
      if (Blank(q.label) || Characters(q.label) > kMaxQuestionLabel) {
        return InvalidArgument(path + ".label must be 1 to 200 characters.", path + ".label");
      }
      if (q.type == booking::QuestionType::kSelect) {
        if (q.options.empty()) {
          return InvalidArgument(path + ".options needs at least one option for a select.", path + ".options");
        }
        if (q.options.size() > kMaxQuestionOptions) {
          return InvalidArgument(path + ".options has more than 50 options.", path + ".options");
        }
        std::set<std::string> seen;
        for (std::size_t k = 0; k < q.options.size(); ++k) {
          const std::string opt = At(path + ".options", k);
          if (Blank(q.options[k]) || Characters(q.options[k]) > kMaxQuestionOption) {
            return InvalidArgument(opt + " must be 1 to 200 characters.", opt);
          }
          if (!seen.insert(q.options[k]).second) return InvalidArgument(opt + " repeats an earlier option.", opt);
        }
      } else if (!q.options.empty()) {
        return InvalidArgument(path + ".options applies to select questions only.", path + ".options");
      }
    }
  }
  return {};
}

Result<booking::EventType> EventTypes::Create(const auth::Principal& caller, const EventTypeFields& in, Instant now) {
  if (auto s = ValidateEventTypeFields(in, true); !s) return s.error();
  const EventTypeFields f = Merge(Defaults(), in);
  return GuardSlug([&] {
    return db_.Write([&](store::Tx& tx) -> Result<booking::EventType> {
      auto schedule = ScheduleId(tx, caller.account_id, *f.schedule_uuid);
      if (!schedule) return schedule.error();
      if (auto s = SlugFree(tx, caller.account_id, *f.slug, 0); !s) return s.error();
      store::Params params = {Text(auth::NewUuid()), Int(caller.account_id)};
      for (auto& v : Columns(f, *schedule)) params.push_back(std::move(v));
      params.push_back(Int(booking::ToStored(now)));
      params.push_back(Int(booking::ToStored(now)));
      auto row = tx.QueryOne(
          "INSERT INTO event_types (uuid, owner_account_id, slug, title, description, duration_minutes, schedule_id, "
          "slot_interval_minutes, buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes, window_type, "
          "window_days, window_start_date, window_end_date, limit_per_day, limit_per_week, seats_per_slot, "
          "requires_confirmation, is_public, hold_minutes, questions, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          params);
      WriteReminders(tx, row->Int(0), *f.reminders);
      if (auto s = WriteTeamScheduling(tx, caller, row->Int(0), in); !s) return s.error();
      return booking::LoadEventTypeById(tx, row->Int(0));
    });
  });
}

Result<Page<booking::EventType>> EventTypes::List(const auth::Principal& caller, const PageRequest& page) {
  return db_.Read([&](store::Tx& tx) { return ListWhere(tx, "", caller.account_id, page); });
}

Result<booking::EventType> EventTypes::Get(const auth::Principal* caller, std::string_view uuid) {
  auto e = db_.Read([&](store::Tx& tx) { return booking::LoadEventType(tx, uuid); });
  if (!e) return NotFound("Event type not found.");
  if (e->is_public || (caller != nullptr && caller->account_id == e->owner_account_id)) return e;
  return NotFound("Event type not found.");
}

Result<booking::EventType> EventTypes::FindPublic(std::string_view username, std::string_view slug) {
  return db_.Read([&](store::Tx& tx) -> Result<booking::EventType> {
    auto owner = AccountByUsername(tx, username);
    if (!owner) return NotFound("Event type not found.");
    auto row = tx.QueryOne("SELECT id FROM event_types WHERE owner_account_id = ? AND slug = ? AND is_public = 1",
                           {Int(*owner), Text(std::string(slug))});
    if (!row) return NotFound("Event type not found.");
    return booking::LoadEventTypeById(tx, row->Int(0));
  });
}

Result<Page<booking::EventType>> EventTypes::ListPublic(std::string_view username, const PageRequest& page) {
  return db_.Read([&](store::Tx& tx) -> Result<Page<booking::EventType>> {
    auto owner = AccountByUsername(tx, username);
    if (!owner) return NotFound("User not found.");
    return ListWhere(tx, " AND is_public = 1", *owner, page);
  });
}

Result<booking::EventType> EventTypes::Update(const auth::Principal& caller, std::string_view uuid,
                                              const EventTypeFields& patch, Instant now) {
  if (auto s = ValidateEventTypeFields(patch, false); !s) return s.error();
  return GuardSlug([&] {
    return db_.Write([&](store::Tx& tx) -> Result<booking::EventType> {
      auto current = booking::LoadEventType(tx, uuid);
      if (!current || current->owner_account_id != caller.account_id) return NotFound("Event type not found.");
      const EventTypeFields f = Merge(FieldsOf(*current), patch);
      // A patch can make a valid whole invalid (a range's end before a kept start).
      if (auto s = ValidateEventTypeFields(f, true); !s) return s.error();
      auto schedule = ScheduleId(tx, caller.account_id, *f.schedule_uuid);
      if (!schedule) return schedule.error();
      if (auto s = SlugFree(tx, caller.account_id, *f.slug, current->id); !s) return s.error();
      store::Params params = Columns(f, *schedule);
      params.push_back(Int(booking::ToStored(now)));
      params.push_back(Int(current->id));
      tx.Exec("UPDATE event_types SET slug = ?, title = ?, description = ?, duration_minutes = ?, schedule_id = ?, "
              "slot_interval_minutes = ?, buffer_before_minutes = ?, buffer_after_minutes = ?, "
              "minimum_notice_minutes = ?, window_type = ?, window_days = ?, window_start_date = ?, "
              "window_end_date = ?, limit_per_day = ?, limit_per_week = ?, seats_per_slot = ?, "
              "requires_confirmation = ?, is_public = ?, hold_minutes = ?, questions = ?, updated_at = ? WHERE id = ?",
              params);
      WriteReminders(tx, current->id, *f.reminders);
      if (auto s = WriteTeamScheduling(tx, caller, current->id, patch); !s) return s.error();
      return booking::LoadEventTypeById(tx, current->id);
    });
  });
}

Status EventTypes::Delete(const auth::Principal& caller, std::string_view uuid) {
  return db_.Write([&](store::Tx& tx) -> Status {
    auto current = booking::LoadEventType(tx, uuid);
    if (!current || current->owner_account_id != caller.account_id) return NotFound("Event type not found.");
    tx.Exec("DELETE FROM event_types WHERE id = ?", {Int(current->id)});
    return {};
  });
}

}  // namespace kairos::service
