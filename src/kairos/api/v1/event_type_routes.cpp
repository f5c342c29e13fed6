#include "kairos/api/v1/event_type_routes.hpp"

#include <climits>

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/kit.hpp"
#include "kairos/booking/events.hpp"
#include "kairos/service/teams.hpp"

namespace kairos::api::v1 {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;

constexpr const char* kTag = "v1 event types";

// A JSON integer narrowed to int; values beyond int saturate, so the service's range
// check names the limits.
int Narrow(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, INT_MIN, INT_MAX));
}

Error WrongType(const std::string& field, const char* expected) {
  return InvalidArgument(field + " must be " + expected + ".", field);
}

// A nullable integer field at `field`: absent → nullopt, null → {nullopt}.
Result<std::optional<std::optional<int>>> NullableInt(const json* raw, const std::string& field) {
  if (raw == nullptr) return std::optional<std::optional<int>>();
  if (raw->is_null()) return std::optional<std::optional<int>>(std::optional<int>());
  if (!raw->is_number_integer()) return WrongType(field, "an integer or null");
  if (raw->is_number_unsigned() && raw->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::optional<int>>(std::optional<int>(INT_MAX));
  }
  return std::optional<std::optional<int>>(std::optional<int>(Narrow(raw->get<std::int64_t>())));
}

Result<std::optional<int>> OptionalInt(JsonBody& body, std::string_view name) {
  auto v = body.OptionalInt(name);
  if (!v) return v.error();
  if (!*v) return std::optional<int>();
  return std::optional<int>(Narrow(**v));
}

Result<std::optional<Date>> NullableDay(ObjectReader& r, std::string_view name) {
  const json* raw = r.Raw(name);
  if (raw == nullptr || raw->is_null()) return std::optional<Date>();
  const std::string field = r.FieldPath(name);
  if (!raw->is_string()) return WrongType(field, "a date YYYY-MM-DD or null");
  auto d = ParseDay(raw->get<std::string>(), field);
  if (!d) return d.error();
  return std::optional<Date>(*d);
}

Result<booking::BookingWindow> ReadWindow(const json& raw) {
  auto r = ObjectReader::Of(raw, "booking_window");
  if (!r) return r.error();
  booking::BookingWindow w;
  auto type = r->RequiredString("type", 16);
  if (!type) return type.error();
  auto kind = booking::ParseWindowKind(*type);
  if (!kind) return InvalidArgument("booking_window.type must be rolling, range or unlimited.", "booking_window.type");
  w.kind = *kind;
  auto days = NullableInt(r->Raw("days"), "booking_window.days");
  if (!days) return days.error();
  if (*days) w.days = **days;
  auto start = NullableDay(*r, "start_date");
  if (!start) return start.error();
  w.start_date = *start;
  auto end = NullableDay(*r, "end_date");
  if (!end) return end.error();
  w.end_date = *end;
  if (auto s = r->RejectUnknownFields(); !s) return s.error();
  return w;
}

Result<service::EventTypeLimits> ReadLimits(const json& raw) {
  auto r = ObjectReader::Of(raw, "limits");
  if (!r) return r.error();
  service::EventTypeLimits l;
  auto per_day = NullableInt(r->Raw("per_day"), "limits.per_day");
  if (!per_day) return per_day.error();
  if (*per_day) l.per_day = **per_day;
  auto per_week = NullableInt(r->Raw("per_week"), "limits.per_week");
  if (!per_week) return per_week.error();
  if (*per_week) l.per_week = **per_week;
  if (auto s = r->RejectUnknownFields(); !s) return s.error();
  return l;
}

// [{"minutes_before": N}, ...]; the service checks the ranges and repeats.
Result<std::vector<int>> ReadReminders(const json& raw) {
  if (!raw.is_array()) return InvalidArgument("reminders must be a list.", "reminders");
  if (raw.size() > static_cast<std::size_t>(booking::kMaxReminders)) {
    return InvalidArgument("reminders has more than 5 reminders.", "reminders");
  }
  std::vector<int> out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto r = ObjectReader::Of(raw[i], "reminders[" + std::to_string(i) + "]");
    if (!r) return r.error();
    const json* minutes = r->Raw("minutes_before");
    const std::string path = r->FieldPath("minutes_before");
    if (minutes == nullptr) return InvalidArgument(path + " is required.", path);
    if (!minutes->is_number_integer()) return WrongType(path, "an integer");
    const auto n = minutes->get<std::int64_t>();
    if (n < 1 || n > booking::kMaxReminderMinutes) return InvalidArgument(path + " must be between 1 and 40320.", path);
    out.push_back(static_cast<int>(n));
    if (auto s = r->RejectUnknownFields(); !s) return s.error();
  }
  return out;
}

Result<std::vector<booking::Question>> ReadQuestions(const json& raw) {
  if (!raw.is_array()) return InvalidArgument("questions must be a list.", "questions");
  if (raw.size() > service::kMaxQuestions) {
    return InvalidArgument("questions has more than " + std::to_string(service::kMaxQuestions) + " questions.",
                           "questions");
  }
  std::vector<booking::Question> out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto r = ObjectReader::Of(raw[i], "questions[" + std::to_string(i) + "]");
    if (!r) return r.error();
    booking::Question q;
    auto name = r->RequiredString("name", service::kMaxQuestionName);
    if (!name) return name.error();
    q.name = std::move(*name);
    auto label = r->RequiredString("label", service::kMaxQuestionLabel);
    if (!label) return label.error();
    q.label = std::move(*label);
    auto type = r->RequiredString("type", 16);
    if (!type) return type.error();
    auto kind = booking::ParseQuestionType(*type);
    if (!kind) {
      return InvalidArgument(r->FieldPath("type") + " must be text, email, phone, textarea or select.",
                             r->FieldPath("type"));
    }
    q.type = *kind;
    auto required = r->OptionalBool("required");
    if (!required) return required.error();
    q.required = required->value_or(false);
    if (const json* options = r->Raw("options")) {
      const std::string path = r->FieldPath("options");
      if (!options->is_array()) return WrongType(path, "a list of strings");
      if (options->size() > service::kMaxQuestionOptions) {
        return InvalidArgument(path + " has more than " + std::to_string(service::kMaxQuestionOptions) + " options.",
                               path);
      }
      for (std::size_t k = 0; k < options->size(); ++k) {
        const std::string opt = path + "[" + std::to_string(k) + "]";
        if (!(*options)[k].is_string()) return WrongType(opt, "a string");
        q.options.push_back((*options)[k].get<std::string>());
      }
    }
    if (auto s = r->RejectUnknownFields(); !s) return s.error();
    out.push_back(std::move(q));
  }
  return out;
}

// hosts: [{"account_id", "mandatory" (default false), "weight" (default 100)}].
Result<std::vector<booking::EventTypeHost>> ReadHosts(const json& raw) {
  if (!raw.is_array()) return InvalidArgument("hosts must be a list.", "hosts");
  if (raw.size() > service::kMaxHosts) {
    return InvalidArgument("hosts has more than " + std::to_string(service::kMaxHosts) + " hosts.", "hosts");
  }
  std::vector<booking::EventTypeHost> out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto r = ObjectReader::Of(raw[i], "hosts[" + std::to_string(i) + "]");
    if (!r) return r.error();
    auto account = r->RequiredString("account_id", 64);
    if (!account) return account.error();
    auto mandatory = r->OptionalBool("mandatory");
    if (!mandatory) return mandatory.error();
    auto weight = r->OptionalInt("weight");
    if (!weight) return weight.error();
    if (auto s = r->RejectUnknownFields(); !s) return s.error();
    booking::EventTypeHost h;
    h.account_uuid = NormalizedUuid(*account);
    h.mandatory = mandatory->value_or(false);
    h.weight = weight->has_value() ? Narrow(**weight) : 100;
    out.push_back(std::move(h));
  }
  return out;
}

Result<service::EventTypeFields> ReadFields(const Request& req) {
  auto body = ReadBody(req);
  if (!body) return body.error();
  service::EventTypeFields f;
  auto str = [&](std::string_view name, std::size_t max, std::optional<std::string>& out) -> Status {
    auto v = body->OptionalString(name, max);
    if (!v) return v.error();
    out = std::move(*v);
    return {};
  };
  auto integer = [&](std::string_view name, std::optional<int>& out) -> Status {
    auto v = OptionalInt(*body, name);
    if (!v) return v.error();
    out = *v;
    return {};
  };
  auto boolean = [&](std::string_view name, std::optional<bool>& out) -> Status {
    auto v = body->OptionalBool(name);
    if (!v) return v.error();
    out = *v;
    return {};
  };
  // Slugs longer than the limit are read whole, so the message is the slug rule's.
  if (auto s = str("slug", 4096, f.slug); !s) return s.error();
  if (auto s = str("title", service::kMaxEventTitle, f.title); !s) return s.error();
  if (auto s = str("description", service::kMaxEventDescription, f.description); !s) return s.error();
  if (auto s = integer("duration_minutes", f.duration_minutes); !s) return s.error();
  if (const json* raw = body->Raw("schedule_id")) {
    if (raw->is_null()) {
      f.schedule_uuid = std::optional<std::string>();
    } else if (raw->is_string() && http::IsUuid(raw->get<std::string>())) {
      f.schedule_uuid = std::optional<std::string>(NormalizedUuid(raw->get<std::string>()));
    } else {
      return WrongType("schedule_id", "a schedule's id (a UUID) or null");
    }
  }
  auto interval = NullableInt(body->Raw("slot_interval_minutes"), "slot_interval_minutes");
  if (!interval) return interval.error();
  f.slot_interval_minutes = *interval;
  if (auto s = integer("buffer_before_minutes", f.buffer_before_minutes); !s) return s.error();
  if (auto s = integer("buffer_after_minutes", f.buffer_after_minutes); !s) return s.error();
  if (auto s = integer("minimum_notice_minutes", f.minimum_notice_minutes); !s) return s.error();
  if (const json* raw = body->Raw("booking_window")) {
    auto w = ReadWindow(*raw);
    if (!w) return w.error();
    f.booking_window = *w;
  }
  if (const json* raw = body->Raw("limits")) {
    auto l = ReadLimits(*raw);
    if (!l) return l.error();
    f.limits = *l;
  }
  if (auto s = integer("seats_per_slot", f.seats_per_slot); !s) return s.error();
  if (auto s = boolean("requires_confirmation", f.requires_confirmation); !s) return s.error();
  if (auto s = boolean("public", f.is_public); !s) return s.error();
  if (auto s = integer("hold_minutes", f.hold_minutes); !s) return s.error();
  if (const json* raw = body->Raw("questions")) {
    auto q = ReadQuestions(*raw);
    if (!q) return q.error();
    f.questions = std::move(*q);
  }
  if (const json* raw = body->Raw("reminders")) {
    auto r = ReadReminders(*raw);
    if (!r) return r.error();
    f.reminders = std::move(*r);
  }
  // Team scheduling (docs/teams.md).
  if (auto s = str("scheduling", 16, f.scheduling); !s) return s.error();
  if (const json* raw = body->Raw("team_id")) {
    if (raw->is_null()) {
      f.team_uuid = std::optional<std::string>();
    } else if (raw->is_string()) {
      f.team_uuid = std::optional<std::string>(NormalizedUuid(raw->get<std::string>()));
    } else {
      return WrongType("team_id", "a team's id or null");
    }
  }
  if (const json* raw = body->Raw("hosts")) {
    auto h = ReadHosts(*raw);
    if (!h) return h.error();
    f.hosts = std::move(*h);
  }
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return f;
}

json HostSchema() {
  return schema::Object({{"account_id", schema::Uuid()},
                         {"mandatory", schema::Boolean()},
                         {"weight", schema::Integer(1, service::kMaxHostWeight)}},
                        {"account_id"});
}

json QuestionSchema() {
  return schema::Object({{"name", {{"type", "string"}, {"pattern", "^[a-z0-9_]{1,50}$"}}},
                         {"label", schema::String(service::kMaxQuestionLabel, 1)},
                         {"type", schema::Enum({"text", "email", "phone", "textarea", "select"})},
                         {"required", schema::Boolean()},
                         {"options", schema::ArrayOf(schema::String(service::kMaxQuestionOption, 1),
                                                     service::kMaxQuestionOptions)}},
                        {"name", "label", "type"});
}

json EventTypeProperties() {
  return {{"slug", {{"type", "string"}, {"pattern", "^[a-z0-9-]{1,100}$"}}},
          {"title", schema::String(service::kMaxEventTitle, 1)},
          {"description", schema::String(service::kMaxEventDescription)},
          {"duration_minutes", schema::Integer(1, service::kMaxMinutes)},
          {"schedule_id", schema::Nullable(schema::Uuid())},
          {"slot_interval_minutes", schema::Nullable(schema::Integer(1, service::kMaxMinutes))},
          {"buffer_before_minutes", schema::Integer(0, service::kMaxMinutes)},
          {"buffer_after_minutes", schema::Integer(0, service::kMaxMinutes)},
          {"minimum_notice_minutes", schema::Integer(0, service::kMaxNoticeMinutes)},
          {"booking_window", schema::Object({{"type", schema::Enum({"rolling", "range", "unlimited"})},
                                             {"days", schema::Nullable(schema::Integer(1, service::kMaxWindowDays))},
                                             {"start_date", schema::Nullable(schema::Day())},
                                             {"end_date", schema::Nullable(schema::Day())}},
                                            {"type"})},
          {"limits", schema::Object({{"per_day", schema::Nullable(schema::Integer(1, service::kMaxBookingsLimit))},
                                     {"per_week", schema::Nullable(schema::Integer(1, service::kMaxBookingsLimit))}},
                                    {})},
          {"seats_per_slot", schema::Integer(1, service::kMaxSeats)},
          {"requires_confirmation", schema::Boolean()},
          {"public", schema::Boolean()},
          {"hold_minutes", schema::Integer(1, 30)},
          {"questions", schema::ArrayOf(QuestionSchema(), service::kMaxQuestions)},
          {"reminders",
           schema::ArrayOf(schema::Object({{"minutes_before", schema::Integer(1, booking::kMaxReminderMinutes)}},
                                          {"minutes_before"}),
                           booking::kMaxReminders)},
          {"scheduling", schema::Enum({"individual", "collective", "round_robin"})},
          {"team_id", schema::Nullable(schema::Uuid())},
          {"hosts", schema::ArrayOf(HostSchema(), service::kMaxHosts)}};
}

Response Answer(const Result<booking::EventType>& e, int status = 200) {
  if (!e) return Fail(e.error());
  return http::JsonResponse(status, EventTypeJson(*e));
}

}  // namespace

json EventTypeSchema() {
  json p = EventTypeProperties();
  p["id"] = schema::Uuid();
  p["slot_interval_minutes"] = schema::Integer(1, service::kMaxMinutes);  // answered as the effective value
  p["booking_window"]["required"] = json::array({"type", "days", "start_date", "end_date"});
  p["limits"]["required"] = json::array({"per_day", "per_week"});
  p["questions"]["items"]["required"] = json::array({"name", "label", "type", "required", "options"});
  p["hosts"]["items"]["required"] = json::array({"account_id", "mandatory", "weight"});
  p["created_at"] = schema::Timestamp();
  p["updated_at"] = schema::Timestamp();
  std::vector<std::string> required;
  for (const auto& [name, unused] : p.items()) required.push_back(name);
  return schema::Object(p, required);
}

json EventTypeWriteSchema(bool create) {
  return schema::Object(EventTypeProperties(), create ? std::vector<std::string>{"slug", "title", "duration_minutes"}
                                                      : std::vector<std::string>{});
}

json EventTypeJson(const booking::EventType& e) {
  auto opt = [](const std::optional<int>& v) { return v ? json(*v) : json(nullptr); };
  json questions = json::array();
  for (const auto& q : e.questions()) {
    questions.push_back({{"name", q.name},
                         {"label", q.label},
                         {"type", booking::QuestionTypeName(q.type)},
                         {"required", q.required},
                         {"options", q.options}});
  }
  json reminders = json::array();
  for (int m : e.reminders) reminders.push_back({{"minutes_before", m}});
  json hosts = json::array();
  for (const auto& h : e.hosts) {
    hosts.push_back({{"account_id", h.account_uuid}, {"mandatory", h.mandatory}, {"weight", h.weight}});
  }
  return {{"id", e.uuid},
          {"slug", e.slug},
          {"title", e.title},
          {"description", e.description},
          {"duration_minutes", e.duration_minutes},
          {"schedule_id", e.schedule_uuid ? json(*e.schedule_uuid) : json(nullptr)},
          {"slot_interval_minutes", e.slot_interval()},
          {"buffer_before_minutes", e.buffer_before_minutes},
          {"buffer_after_minutes", e.buffer_after_minutes},
          {"minimum_notice_minutes", e.minimum_notice_minutes},
          {"booking_window",
           {{"type", booking::WindowKindName(e.window.kind)},
            {"days", opt(e.window.days)},
            {"start_date", e.window.start_date ? json(FormatDay(*e.window.start_date)) : json(nullptr)},
            {"end_date", e.window.end_date ? json(FormatDay(*e.window.end_date)) : json(nullptr)}}},
          {"limits", {{"per_day", opt(e.limit_per_day)}, {"per_week", opt(e.limit_per_week)}}},
          {"seats_per_slot", e.seats_per_slot},
          {"requires_confirmation", e.requires_confirmation},
          {"public", e.is_public},
          {"hold_minutes", e.hold_minutes},
          {"questions", questions},
          {"reminders", reminders},
          {"scheduling", e.scheduling},
          {"team_id", e.team_uuid ? json(*e.team_uuid) : json(nullptr)},
          {"hosts", hosts},
          {"created_at", FormatTimestamp(e.created_at)},
          {"updated_at", FormatTimestamp(e.updated_at)}};
}

void RegisterEventTypeRoutes(http::Router& router, service::EventTypes& event_types) {
  FaceRoutes routes(router);
  const std::map<std::string, std::string> id_param = {{"id", "The event type's id."}};
  auto ok = [] { return Success(200, "The event type.", EventTypeSchema(), "EventType"); };
  auto page = [] {
    return Success(200, "A page of event types.", schema::PageOf(EventTypeSchema(), "event types"), "EventTypePage");
  };

  http::Route create{Method::kPost, "/v1/event-types", Access::kAuthenticated, kStyle, kTag, "Create an event type.",
                     {}, [&event_types](Request& req) -> Response {
                       auto fields = ReadFields(req);
                       if (!fields) return Fail(fields.error());
                       return Answer(event_types.Create(Caller(req), *fields, Now()), 201);
                     }};
  create.doc.operation_id = "createEventType";
  create.doc.request_body = EventTypeWriteSchema(true);
  create.doc.request_body_name = "EventTypeCreate";
  create.doc.responses =
      WithProblems({Success(201, "The event type.", EventTypeSchema(), "EventType")}, {400, 401, 409});
  routes.Add(std::move(create));

  http::Route list{Method::kGet, "/v1/event-types", Access::kAuthenticated, kStyle, kTag,
                   "The caller's event types, oldest first.", PageParams(),
                     PageHandler([&event_types](Request& req, const service::PageRequest& page) {
                       return event_types.List(Caller(req), page);
                     }, EventTypeJson)};
  list.doc.operation_id = "listEventTypes";
  DocumentPageParams(list.doc);
  list.doc.responses = WithProblems({page()}, {400, 401});
  routes.Add(std::move(list));

  http::Route get{Method::kGet, "/v1/event-types/{id:uuid}", Access::kPublic, kStyle, kTag,
                  "One event type: the owner's, or anyone's public one.", {}, [&event_types](Request& req) -> Response {
                    return Answer(event_types.Get(OptionalCaller(req), NormalizedUuid(req.Param("id"))));
                  }};
  get.doc.operation_id = "getEventType";
  get.doc.description = "Public when the event type is public; otherwise only its owner sees it (others get 404).";
  get.doc.path_params = id_param;
  get.doc.responses = WithProblems({ok()}, {404});
  routes.Add(std::move(get));

  http::Route update{Method::kPatch, "/v1/event-types/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                     "Change an event type: each given field replaces the stored one whole.", {},
                     [&event_types](Request& req) -> Response {
                       auto fields = ReadFields(req);
                       if (!fields) return Fail(fields.error());
                       return Answer(event_types.Update(Caller(req), NormalizedUuid(req.Param("id")), *fields, Now()));
                     }};
  update.doc.operation_id = "updateEventType";
  update.doc.path_params = id_param;
  update.doc.request_body = EventTypeWriteSchema(false);
  update.doc.request_body_name = "EventTypeUpdate";
  update.doc.responses = WithProblems({ok()}, {400, 401, 404, 409});
  routes.Add(std::move(update));

  http::Route remove{Method::kDelete, "/v1/event-types/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                     "Delete an event type.", {}, [&event_types](Request& req) -> Response {
                       auto s = event_types.Delete(Caller(req), NormalizedUuid(req.Param("id")));
                       if (!s) return Fail(s.error());
                       return NoContent();
                     }};
  remove.doc.operation_id = "deleteEventType";
  remove.doc.path_params = id_param;
  remove.doc.responses = WithProblems({Success(204, "Deleted.")}, {401, 404});
  routes.Add(std::move(remove));

  http::Route by_user{Method::kGet, "/v1/users/{username}/event-types", Access::kPublic, kStyle, kTag,
                      "A user's public event types, oldest first.", PageParams(),
                      PageHandler([&event_types](Request& req, const service::PageRequest& page) {
                        return event_types.ListPublic(req.Param("username"), page);
                      }, EventTypeJson)};
  by_user.doc.operation_id = "listPublicEventTypes";
  by_user.doc.path_params = {{"username", "The owner's username (case-insensitive)."}};
  DocumentPageParams(by_user.doc);
  by_user.doc.responses = WithProblems({page()}, {400, 404});
  routes.Add(std::move(by_user));

  http::Route by_slug{Method::kGet, "/v1/users/{username}/event-types/{slug}", Access::kPublic, kStyle, kTag,
                      "A user's public event type by its slug.", {}, [&event_types](Request& req) -> Response {
                        return Answer(event_types.FindPublic(req.Param("username"), req.Param("slug")));
                      }};
  by_slug.doc.operation_id = "getPublicEventType";
  by_slug.doc.path_params = {{"username", "The owner's username (case-insensitive)."},
                             {"slug", "The event type's slug."}};
  by_slug.doc.responses = WithProblems({ok()}, {404});
  routes.Add(std::move(by_slug));
}

}  // namespace kairos::api::v1
