#include "kairos/booking/event_types.hpp"

#include <nlohmann/json.hpp>

#include "kairos/booking/calendars.hpp"

namespace kairos::booking {
namespace {

using store::Int;
using store::Text;

Result<Schedule> LoadScheduleWhere(store::Tx& tx, std::string_view where, store::Value key) {
  auto row = tx.QueryOne("SELECT id, uuid, owner_account_id, name, time_zone, created_at, updated_at FROM schedules "
                         "WHERE " + std::string(where),
                         {key});
  if (!row) return NotFound("Schedule not found");
  Schedule s;
  s.id = row->Int(0);
  s.uuid = row->Text(1);
  s.owner_account_id = row->Int(2);
  s.name = row->Text(3);
  s.time_zone = row->Text(4);
  s.created_at = FromStored(row->Int(5));
  s.updated_at = FromStored(row->Int(6));
  for (const auto& r : tx.Query("SELECT iso_weekday, start_second, end_second FROM schedule_weekly WHERE "
                                "schedule_id = ? ORDER BY position",
                                {Int(s.id)})) {
    s.weekly.push_back({static_cast<int>(r.Int(0)), {TimeOfDay{r.Int(1)}, TimeOfDay{r.Int(2)}}});
  }
  for (const auto& r : tx.Query("SELECT local_date, start_second, end_second FROM schedule_overrides WHERE "
                                "schedule_id = ? ORDER BY local_date, position",
                                {Int(s.id)})) {
    auto day = ParseDate(r.Text(0));
    if (!day.ok()) continue;  // not written by this program
    auto& spans = s.overrides[*day];
    if (!r.IsNull(1) && !r.IsNull(2)) spans.push_back({TimeOfDay{r.Int(1)}, TimeOfDay{r.Int(2)}});
  }
  return s;
}

constexpr std::string_view kEventTypeColumns =
    "e.id, e.uuid, e.owner_account_id, e.slug, e.title, e.description, e.duration_minutes, e.schedule_id, s.uuid, "
    "e.slot_interval_minutes, e.buffer_before_minutes, e.buffer_after_minutes, e.minimum_notice_minutes, "
    "e.window_type, e.window_days, e.window_start_date, e.window_end_date, e.limit_per_day, e.limit_per_week, "
    "e.seats_per_slot, e.requires_confirmation, e.is_public, e.hold_minutes, e.questions, e.created_at, e.updated_at, "
    "e.reminders, e.scheduling, e.team_id, t.uuid";

std::optional<int> OptionalSmall(const store::Row& row, std::size_t i) {
  auto v = row.OptionalInt(i);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<Date> OptionalDate(const store::Row& row, std::size_t i) {
  auto text = row.OptionalText(i);
  if (!text) return std::nullopt;
  auto day = ParseDate(*text);
  if (!day.ok()) return std::nullopt;
  return *day;
}

Result<EventType> LoadEventTypeWhere(store::Tx& tx, std::string_view where, store::Value key) {
  auto row = tx.QueryOne("SELECT " + std::string(kEventTypeColumns) +
                             " FROM event_types e LEFT JOIN schedules s ON s.id = e.schedule_id LEFT JOIN teams t ON t.id = e.team_id WHERE " +
                             std::string(where),
                         {key});
  if (!row) return NotFound("Event type not found");
  EventType e;
  e.id = row->Int(0);
  e.uuid = row->Text(1);
  e.owner_account_id = row->Int(2);
  e.slug = row->Text(3);
  e.title = row->Text(4);
  e.description = row->Text(5);
  e.duration_minutes = static_cast<int>(row->Int(6));
  e.schedule_id = row->OptionalInt(7);
  e.schedule_uuid = row->OptionalText(8);
  e.slot_interval_minutes = OptionalSmall(*row, 9);
  e.buffer_before_minutes = static_cast<int>(row->Int(10));
  e.buffer_after_minutes = static_cast<int>(row->Int(11));
  e.minimum_notice_minutes = static_cast<int>(row->Int(12));
  e.window.kind = ParseWindowKind(row->Text(13)).value_or(WindowKind::kUnlimited);
  e.window.days = OptionalSmall(*row, 14);
  e.window.start_date = OptionalDate(*row, 15);
  e.window.end_date = OptionalDate(*row, 16);
  e.limit_per_day = OptionalSmall(*row, 17);
  e.limit_per_week = OptionalSmall(*row, 18);
  e.seats_per_slot = static_cast<int>(row->Int(19));
  e.requires_confirmation = row->Bool(20);
  e.is_public = row->Bool(21);
  e.hold_minutes = static_cast<int>(row->Int(22));
  e.questions_json = row->Text(23);
  e.created_at = FromStored(row->Int(24));
  e.updated_at = FromStored(row->Int(25));
  // Reminders (migration 13): a JSON array of minutes.
  auto list = nlohmann::json::parse(row->Text(26), nullptr, false);
  if (list.is_array()) {
    for (const auto& m : list) {
      if (m.is_number_integer()) e.reminders.push_back(m.get<int>());
    }
  }
  // Team scheduling (migration 11).
  e.scheduling = row->Text(27);
  e.team_id = row->OptionalInt(28);
  e.team_uuid = row->OptionalText(29);
  if (e.scheduling != "individual") {
    for (const auto& h : tx.Query("SELECT h.account_id, a.uuid, h.mandatory, h.weight FROM event_type_hosts h "
                                  "JOIN accounts a ON a.id = h.account_id WHERE h.event_type_id = ? ORDER BY h.position",
                                  {Int(e.id)})) {
      e.hosts.push_back({h.Int(0), h.Text(1), h.Bool(2), static_cast<int>(h.Int(3))});
    }
  }
  return e;
}

}  // namespace

std::string_view QuestionTypeName(QuestionType type) {
  switch (type) {
    case QuestionType::kText: return "text";
    case QuestionType::kEmail: return "email";
    case QuestionType::kPhone: return "phone";
    case QuestionType::kTextarea: return "textarea";
    case QuestionType::kSelect: return "select";
  }
  return "text";
}

std::optional<QuestionType> ParseQuestionType(std::string_view text) {
  for (auto t : {QuestionType::kText, QuestionType::kEmail, QuestionType::kPhone, QuestionType::kTextarea,
                 QuestionType::kSelect}) {
    if (QuestionTypeName(t) == text) return t;
  }
  return std::nullopt;
}

std::string QuestionsToJson(const std::vector<Question>& questions) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& q : questions) {
    out.push_back({{"name", q.name},
                   {"label", q.label},
                   {"type", QuestionTypeName(q.type)},
                   {"required", q.required},
                   {"options", q.options}});
  }
  return out.dump();
}

std::vector<Question> QuestionsFromJson(std::string_view text) {
  std::vector<Question> out;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& v : parsed) {
    if (!v.is_object()) continue;
    Question q;
    q.name = v.value("name", "");
    q.label = v.value("label", "");
    q.type = ParseQuestionType(v.value("type", "text")).value_or(QuestionType::kText);
    q.required = v.value("required", false);
    if (v.contains("options") && v["options"].is_array()) {
      for (const auto& o : v["options"]) {
        if (o.is_string()) q.options.push_back(o.get<std::string>());
      }
    }
    out.push_back(std::move(q));
  }
  return out;
}

std::string_view WindowKindName(WindowKind kind) {
  switch (kind) {
    case WindowKind::kRolling: return "rolling";
    case WindowKind::kRange: return "range";
    case WindowKind::kUnlimited: return "unlimited";
  }
  return "unlimited";
}

std::optional<WindowKind> ParseWindowKind(std::string_view text) {
  if (text == "rolling") return WindowKind::kRolling;
  if (text == "range") return WindowKind::kRange;
  if (text == "unlimited") return WindowKind::kUnlimited;
  return std::nullopt;
}

Result<Schedule> LoadSchedule(store::Tx& tx, std::int64_t id) { return LoadScheduleWhere(tx, "id = ?", Int(id)); }

Result<Schedule> LoadScheduleByUuid(store::Tx& tx, std::string_view uuid) {
  return LoadScheduleWhere(tx, "uuid = ?", Text(std::string(uuid)));
}

Result<EventType> LoadEventType(store::Tx& tx, std::string_view uuid) {
  return LoadEventTypeWhere(tx, "e.uuid = ?", Text(std::string(uuid)));
}

Result<EventType> LoadEventTypeById(store::Tx& tx, std::int64_t id) {
  return LoadEventTypeWhere(tx, "e.id = ?", Int(id));
}

}  // namespace kairos::booking
