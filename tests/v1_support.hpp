// Helpers for the /v1 slot, hold and booking tests: event types made directly in the
// database (schedules and event types as migration 9 stores them), so these tests do not
// depend on the CRUD routes, and small request builders.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing::v1 {

struct EventTypeSpec {
  std::string time_zone = "Europe/Berlin";
  // Weekly spans: ISO weekday and local seconds. Default Monday-Friday 09:00-17:00.
  struct Span {
    int weekday;
    int start;
    int end;
  };
  std::vector<Span> weekly = {{1, 9 * 3600, 17 * 3600}, {2, 9 * 3600, 17 * 3600}, {3, 9 * 3600, 17 * 3600},
                              {4, 9 * 3600, 17 * 3600}, {5, 9 * 3600, 17 * 3600}};
  // Overrides: date and spans (none: the date is closed).
  struct Override {
    std::string date;
    std::vector<std::pair<int, int>> spans;
  };
  std::vector<Override> overrides;
  int duration = 30;
  int interval = 0;  // 0: the duration
  int buffer_before = 0;
  int buffer_after = 0;
  int notice = 0;
  std::string window = "unlimited";
  int window_days = 0;
  std::string window_start, window_end;
  int limit_per_day = 0;
  int limit_per_week = 0;
  int seats = 1;
  bool requires_confirmation = false;
  bool is_public = true;
  int hold_minutes = 10;
  std::string questions = "[]";
};

inline std::string NewUuid() {
  static int n = 0;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012d", static_cast<unsigned>(std::rand()), ++n);
  return buf;
}

inline std::string Q(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Inserts a schedule and an event type owned by `owner`; returns the event type's id.
inline std::string MakeEventType(const ServerProcess& server, const TestAccount& owner, const EventTypeSpec& s) {
  const std::string schedule = NewUuid();
  const std::string event_type = NewUuid();
  const std::string sid = "(SELECT id FROM schedules WHERE uuid = " + Q(schedule) + ")";
  ExecSql(server.db_path(), "INSERT INTO schedules (uuid, owner_account_id, name, time_zone, created_at, updated_at) "
                            "VALUES (" + Q(schedule) + ", " + std::to_string(owner.id) + ", 'Hours', " +
                                Q(s.time_zone) + ", 0, 0)");
  int position = 0;
  for (const auto& w : s.weekly) {
    ExecSql(server.db_path(), "INSERT INTO schedule_weekly (schedule_id, position, iso_weekday, start_second, "
                              "end_second) VALUES (" + sid + ", " + std::to_string(position++) + ", " +
                                  std::to_string(w.weekday) + ", " + std::to_string(w.start) + ", " +
                                  std::to_string(w.end) + ")");
  }
  for (const auto& o : s.overrides) {
    if (o.spans.empty()) {
      ExecSql(server.db_path(), "INSERT INTO schedule_overrides (schedule_id, local_date, position) VALUES (" + sid +
                                    ", " + Q(o.date) + ", 0)");
    }
    int p = 0;
    for (const auto& [a, b] : o.spans) {
      ExecSql(server.db_path(), "INSERT INTO schedule_overrides (schedule_id, local_date, position, start_second, "
                                "end_second) VALUES (" + sid + ", " + Q(o.date) + ", " + std::to_string(p++) + ", " +
                                    std::to_string(a) + ", " + std::to_string(b) + ")");
    }
  }
  auto opt = [](int v) { return v > 0 ? std::to_string(v) : std::string("NULL"); };
  auto opt_text = [](const std::string& v) { return v.empty() ? std::string("NULL") : Q(v); };
  ExecSql(server.db_path(),
          "INSERT INTO event_types (uuid, owner_account_id, slug, title, duration_minutes, schedule_id, "
          "slot_interval_minutes, buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes, window_type, "
          "window_days, window_start_date, window_end_date, limit_per_day, limit_per_week, seats_per_slot, "
          "requires_confirmation, is_public, hold_minutes, questions, created_at, updated_at) VALUES (" +
              Q(event_type) + ", " + std::to_string(owner.id) + ", " + Q("t" + event_type.substr(0, 8) + event_type.substr(24)) +
              ", 'Intro call', " + std::to_string(s.duration) + ", " + sid + ", " + opt(s.interval) + ", " +
              std::to_string(s.buffer_before) + ", " + std::to_string(s.buffer_after) + ", " +
              std::to_string(s.notice) + ", " + Q(s.window) + ", " + opt(s.window_days) + ", " +
              opt_text(s.window_start) + ", " + opt_text(s.window_end) + ", " + opt(s.limit_per_day) + ", " +
              opt(s.limit_per_week) + ", " + std::to_string(s.seats) + ", " + (s.requires_confirmation ? "1" : "0") +
              ", " + (s.is_public ? "1" : "0") + ", " + std::to_string(s.hold_minutes) + ", " + Q(s.questions) +
              ", 0, 0)");
  return event_type;
}

inline nlohmann::json BookingBody(const std::string& event_type, const std::string& start,
                                  const std::string& name = "Ada") {
  return {{"event_type_id", event_type},
          {"start", start},
          {"attendee", {{"name", name}, {"email", "ada@example.com"}, {"time_zone", "Europe/London"}}}};
}

inline HttpResponse BookV1(HttpClient& c, const std::string& event_type, const std::string& start,
                           const Headers& headers = {}) {
  return c.Post("/v1/bookings", BookingBody(event_type, start), headers);
}

inline HttpResponse HoldV1(HttpClient& c, const std::string& event_type, const std::string& start,
                           const Headers& headers = {}) {
  return c.Post("/v1/holds", {{"event_type_id", event_type}, {"start", start}}, headers);
}

inline HttpResponse Explain(HttpClient& c, const TestAccount& owner, const std::string& event_type,
                            const std::string& start) {
  return c.Get("/v1/slots/explain?event_type_id=" + event_type + "&start=" + start, BearerAuth(owner));
}

inline std::string Reason(const HttpResponse& r) {
  auto j = r.Json();
  return j.contains("reason") && j["reason"].is_string() ? j["reason"].get<std::string>() : "";
}

}  // namespace kairos::testing::v1
