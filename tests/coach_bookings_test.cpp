// Face 001 (coach bookings) over HTTP: every /booking route as documented, the status
// transitions, who may see and change what, bad input, availability from the engine
// (fallback hours in the coach's zone, time held through other paths), and no double
// booking under 64 concurrent connections.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

// 2030-01-07 is a Monday; everything here is far in the future.
constexpr const char* kMonday = "2030-01-07";

std::string At(const std::string& day, const std::string& hhmm) { return day + "T" + hhmm + ":00Z"; }

class CoachBookingsTest : public SharedServerTest<CoachBookingsTest> {
 protected:

  void SetUp() override { c_ = std::make_unique<HttpClient>(server_->port()); }

  TestAccount Client(const json& extra = json::object()) { return SignUpAndLogin(*c_, Unique("client"), extra); }
  TestAccount Coach(json extra = json::object()) {
    extra["role"] = "coach";
    return SignUpAndLogin(*c_, Unique("coach"), extra);
  }
  TestAccount Admin() {
    auto a = SignUpAndLogin(*c_, Unique("admin"));
    SetRole(*server_, a.username, "admin");
    return a;
  }

  HttpResponse Book(const TestAccount& client, const TestAccount& coach, const std::string& when, int minutes = 60,
                    HttpClient* via = nullptr) {
    json body = {{"coach_id", coach.uuid}, {"session_datetime", when}, {"duration_minutes", minutes}};
    return (via ? *via : *c_).Post("/booking", body, BearerAuth(client));
  }
  std::string BookOk(const TestAccount& client, const TestAccount& coach, const std::string& when, int minutes = 60) {
    auto r = Book(client, coach, when, minutes);
    EXPECT_EQ(r.status, 201) << when << " " << r.body;
    return r.status == 201 ? r.Json()["id"].get<std::string>() : "";
  }
  HttpResponse SetStatus(const TestAccount& who, const std::string& id, const std::string& status) {
    return c_->Patch("/booking/" + id + "/status", {{"status", status}}, BearerAuth(who));
  }
  // Starts of the offered slots.
  std::vector<std::string> Offered(const TestAccount& coach, const std::string& from, const std::string& to,
                                   const std::string& extra = "") {
    auto r = c_->Get("/booking/coach/" + coach.uuid + "/availability?start_date=" + UrlEncode(from) +
                     "&end_date=" + UrlEncode(to) + extra);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> starts;
    if (r.status != 200) return starts;
    auto body = r.Json();
    for (const auto& s : body["available_slots"]) starts.push_back(s["start"]);
    return starts;
  }
  std::string CalendarOf(const TestAccount& coach) {
    return QuerySql(server_->db_path(),
                    "SELECT c.id FROM calendars c JOIN accounts a ON a.id = c.owner_account_id WHERE a.uuid = '" +
                        coach.uuid + "' AND c.kind = 'personal'");
  }

  static void ExpectDetail(const HttpResponse& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = r.Json();
    ASSERT_TRUE(body.contains("detail")) << r.body;
    EXPECT_NE(body["detail"].get<std::string>().find(needle), std::string::npos) << r.body;
  }

  // 401 in the face's shape; without credentials, in the document's words.
  static void ExpectUnauthenticated(const HttpResponse& r, bool sent_credentials = false) {
    EXPECT_EQ(r.status, 401) << r.body;
    auto body = r.Json();
    EXPECT_EQ(body.size(), 1u) << r.body;
    ASSERT_TRUE(body["detail"].is_string()) << r.body;
    if (!sent_credentials) {
      EXPECT_EQ(body["detail"], "Not authenticated");
    }
  }

  std::unique_ptr<HttpClient> c_;
};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_F(CoachBookingsTest, CreateAsDocumented) {
  auto coach = Coach();
  auto client = Client();
  json body = {{"coach_id", coach.uuid},
               {"session_datetime", "2030-01-07T14:00:00Z"},
               {"duration_minutes", 60},
               {"notes", "Looking forward to discussing career transition strategies"}};
  auto r = c_->Post("/booking", body, BearerAuth(client));
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = r.Json();
  EXPECT_EQ(b.size(), 11u) << r.body;
  EXPECT_EQ(b["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(b["client_id"], client.uuid);
  EXPECT_EQ(b["coach_id"], coach.uuid);
  EXPECT_EQ(b["session_datetime"], "2030-01-07T14:00:00Z");
  EXPECT_EQ(b["duration_minutes"], 60);
  EXPECT_EQ(b["status"], "pending");
  EXPECT_TRUE(b["payment_id"].is_null());
  EXPECT_TRUE(b["meeting_link"].is_null());
  EXPECT_EQ(b["notes"], "Looking forward to discussing career transition strategies");
  EXPECT_EQ(b["created_at"].get<std::string>().back(), 'Z');
  EXPECT_EQ(b["created_at"], b["updated_at"]);

  // Defaults: 60 minutes, no notes; an offset is converted to UTC.
  auto d = c_->Post("/booking", {{"coach_id", coach.uuid}, {"session_datetime", "2030-01-07T17:30:00+05:30"}},
                    BearerAuth(client));
  ASSERT_EQ(d.status, 201) << d.body;
  EXPECT_EQ(d.Json()["session_datetime"], "2030-01-07T12:00:00Z");
  EXPECT_EQ(d.Json()["duration_minutes"], 60);
  EXPECT_TRUE(d.Json()["notes"].is_null());
  // Upper-case UUIDs name the same coach.
  std::string upper = coach.uuid;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto u = c_->Post("/booking", {{"coach_id", upper}, {"session_datetime", "2030-01-08T09:00:00Z"}, {"notes", nullptr}},
                    BearerAuth(client));
  EXPECT_EQ(u.status, 201) << u.body;
}

TEST_F(CoachBookingsTest, GetShowsPartiesToThemAndAdminsOnly) {
  auto coach = Coach({{"first_name", "Jane"}, {"last_name", "Smith"}});
  auto client = Client({{"first_name", "  John"}, {"last_name", ""}});
  auto other_client = Client();
  auto other_coach = Coach();
  auto admin = Admin();
  std::string id = BookOk(client, coach, At(kMonday, "10:00"));

  for (const auto* who : {&client, &coach, &admin}) {
    auto r = c_->Get("/booking/" + id, BearerAuth(*who));
    ASSERT_EQ(r.status, 200) << r.body;
    auto b = r.Json();
    EXPECT_EQ(b.size(), 15u) << r.body;
    EXPECT_EQ(b["id"], id);
    EXPECT_EQ(b["client_name"], "John");
    EXPECT_EQ(b["client_email"], client.email);
    EXPECT_EQ(b["coach_name"], "Jane Smith");
    EXPECT_EQ(b["coach_email"], coach.email);
    EXPECT_EQ(b["session_datetime"], "2030-01-07T10:00:00Z");
  }
  // Without first or last name, the username.
  std::string id2 = BookOk(other_client, coach, At(kMonday, "12:00"));
  EXPECT_EQ(c_->Get("/booking/" + id2, BearerAuth(other_client)).Json()["client_name"], other_client.username);

  ExpectDetail(c_->Get("/booking/" + id, BearerAuth(other_client)), 403, "Unauthorized to view this booking");
  ExpectDetail(c_->Get("/booking/" + id, BearerAuth(other_coach)), 403, "Unauthorized to view this booking");
  ExpectUnauthenticated(c_->Get("/booking/" + id));
  EXPECT_EQ(c_->Get("/booking/00000000-0000-4000-8000-000000000000", BearerAuth(admin)).Json(),
            json({{"detail", "Booking not found"}}));
  ExpectDetail(c_->Get("/booking/not-a-uuid", BearerAuth(admin)), 404, "Booking not found");
  ExpectDetail(c_->Get("/booking/a/b/c/d", BearerAuth(admin)), 404, "Not found");
}

TEST_F(CoachBookingsTest, OnlyClientsCreateAndOnlyForOfferedFutureTime) {
  auto coach = Coach();
  auto client = Client();
  auto other_coach = Coach();
  auto admin = Admin();
  ExpectDetail(Book(coach, other_coach, At(kMonday, "10:00")), 403, "Only clients can create bookings");
  ExpectDetail(Book(admin, coach, At(kMonday, "10:00")), 403, "Only clients can create bookings");
  ExpectUnauthenticated(c_->Post("/booking", {{"coach_id", coach.uuid}, {"session_datetime", At(kMonday, "10:00")}}));

  ExpectDetail(Book(client, coach, "2020-01-06T10:00:00Z"), 400, "Session must be scheduled in the future");
  ExpectDetail(Book(client, coach, At(kMonday, "10:00"), 14), 400, "Duration must be between 15 and 480 minutes");
  ExpectDetail(Book(client, coach, At(kMonday, "10:00"), 481), 400, "Duration must be between 15 and 480 minutes");
  ExpectDetail(Book(client, coach, At(kMonday, "10:00"), -60), 400, "Duration must be between 15 and 480 minutes");
  // Outside the fallback hours, off the 30-minute grid, past 17:00, on a Saturday.
  for (const std::string& when : {At(kMonday, "08:30"), At(kMonday, "10:10"), At(kMonday, "16:30"),
                                  At("2030-01-12", "10:00")}) {
    EXPECT_EQ(Book(client, coach, when).Json(), json({{"detail", "Time slot is not available"}})) << when;
  }
  EXPECT_EQ(Book(client, coach, At(kMonday, "16:30"), 30).status, 201) << "ends at 17:00";
  // A 15-minute session fits the grid too.
  EXPECT_EQ(Book(client, coach, At(kMonday, "09:00"), 15).status, 201);

  TestAccount unknown = coach;
  unknown.uuid = "00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(Book(client, unknown, At(kMonday, "10:00")).Json(), json({{"detail", "Coach not found"}}));
  ExpectDetail(Book(client, client, At(kMonday, "10:00")), 404, "Coach not found");  // a client is no coach

  ExecSql(server_->db_path(), "UPDATE accounts SET is_active = 0 WHERE uuid = '" + other_coach.uuid + "'");
  ExpectDetail(Book(client, other_coach, At(kMonday, "10:00")), 400, "Coach is not active");
  EXPECT_TRUE(Offered(other_coach, At(kMonday, "00:00"), At("2030-01-08", "00:00")).empty());
}

TEST_F(CoachBookingsTest, BadInputIsRefusedClearly) {
  auto coach = Coach();
  auto client = Client();
  json ok = {{"coach_id", coach.uuid}, {"session_datetime", At(kMonday, "11:00")}, {"duration_minutes", 60}};
  auto with = [&](const std::string& key, const json& value) {
    json b = ok;
    b[key] = value;
    return c_->Post("/booking", b, BearerAuth(client));
  };
  auto without = [&](const std::string& key) {
    json b = ok;
    b.erase(key);
    return c_->Post("/booking", b, BearerAuth(client));
  };
  ExpectDetail(c_->Request("POST", "/booking", "{\"coach_id\": ", BearerAuth(client)), 400, "not valid JSON");
  ExpectDetail(c_->Request("POST", "/booking", "[]", BearerAuth(client)), 400, "must be a JSON object");
  ExpectDetail(c_->Request("POST", "/booking", "", BearerAuth(client)), 400, "empty");
  ExpectDetail(with("duration_minutes", "sixty"), 400, "duration_minutes must be an integer");
  ExpectDetail(with("duration_minutes", "60.5"), 400, "duration_minutes must be an integer");
  ExpectDetail(with("duration_minutes", 60.5), 400, "duration_minutes must be an integer");
  ExpectDetail(with("coach_id", 5), 400, "coach_id must be a string");
  ExpectDetail(with("coach_id", "not-a-uuid"), 400, "coach_id must be a valid UUID");
  ExpectDetail(with("notes", 7), 400, "notes must be a string");
  ExpectDetail(with("notes", std::string(4097, 'n')), 400, "notes must be at most 4096 characters");
  ExpectDetail(with("session_datetime", "2030-02-30T10:00:00Z"), 400, "session_datetime");
  ExpectDetail(with("session_datetime", "2025-02-30T10:00:00Z"), 400, "session_datetime");
  ExpectDetail(with("session_datetime", "2030-01-07T25:00:00Z"), 400, "session_datetime");
  ExpectDetail(with("session_datetime", "tomorrow"), 400, "session_datetime");
  ExpectDetail(with("session_datetime", 1893924000), 400, "session_datetime must be a string");
  ExpectDetail(without("coach_id"), 400, "coach_id is required");
  ExpectDetail(without("session_datetime"), 400, "session_datetime is required");
  EXPECT_EQ(QuerySql(server_->db_path(),
                     "SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.id = b.calendar_id JOIN accounts a ON "
                     "a.id = c.owner_account_id WHERE a.uuid = '" + coach.uuid + "'"),
            "0")
      << "no refused request booked anything";

  // Pydantic's lax mode: an int field takes "60" and 60.0; fields the model does not
  // declare are ignored, so a client sets neither the status nor the client.
  json lax = ok;
  lax["duration_minutes"] = "60";
  lax["status"] = "confirmed";
  lax["client_id"] = coach.uuid;
  auto accepted = c_->Post("/booking", lax, BearerAuth(client));
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(accepted.Json()["duration_minutes"], 60);
  EXPECT_EQ(accepted.Json()["status"], "pending");
  EXPECT_EQ(accepted.Json()["client_id"], client.uuid);
  json whole = ok;
  whole["session_datetime"] = At(kMonday, "13:00");
  whole["duration_minutes"] = 60.0;
  EXPECT_EQ(c_->Post("/booking", whole, BearerAuth(client)).status, 201);

  // Hostile notes are data, stored and returned verbatim.
  for (const std::string& notes : {std::string("'); DROP TABLE bookings; --"), std::string("<script>alert(1)</script>"),
                                   std::string("nul\0byte", 8), std::string("\xF0\x9F\x98\x80 \"quoted\" \\")}) {
    static int hour = 9;
    char when[32];
    std::snprintf(when, sizeof when, "2030-01-08T%02d:00:00Z", hour++);
    json b = ok;
    b["session_datetime"] = when;
    b["notes"] = notes;
    auto r = c_->Post("/booking", b, BearerAuth(client));
    ASSERT_EQ(r.status, 201) << r.body;
    auto id = r.Json()["id"].get<std::string>();
    EXPECT_EQ(c_->Get("/booking/" + id, BearerAuth(client)).Json()["notes"], notes);
  }
}

TEST_F(CoachBookingsTest, StatusTransitionsFollowTheTable) {
  auto coach = Coach();
  auto client = Client();
  auto other_client = Client();
  auto other_coach = Coach();
  auto admin = Admin();
  std::string id = BookOk(client, coach, At(kMonday, "09:00"));

  // Who: a client only cancels; strangers do nothing.
  ExpectDetail(SetStatus(client, id, "confirmed"), 403, "Only the coach or an admin can confirm or complete");
  ExpectDetail(SetStatus(other_client, id, "cancelled"), 403, "Unauthorized to update this booking");
  ExpectDetail(SetStatus(other_coach, id, "confirmed"), 403, "Unauthorized to update this booking");
  ExpectUnauthenticated(c_->Patch("/booking/" + id + "/status", {{"status", "confirmed"}}));
  // What: the body and the table.
  ExpectDetail(SetStatus(coach, id, "done"), 400, "status must be one of: pending, confirmed, completed, cancelled");
  ExpectDetail(SetStatus(coach, id, "CONFIRMED"), 400, "status must be one of");
  ExpectDetail(c_->Patch("/booking/" + id + "/status", {{"status", 1}}, BearerAuth(coach)), 400,
               "status must be a string");
  ExpectDetail(c_->Request("PATCH", "/booking/" + id + "/status", "{", BearerAuth(coach)), 400, "not valid JSON");
  ExpectDetail(SetStatus(coach, id, "pending"), 400, "Cannot change booking status from pending to pending");
  ExpectDetail(SetStatus(coach, id, "completed"), 400, "Cannot change booking status from pending to completed");
  ExpectDetail(SetStatus(coach, "00000000-0000-4000-8000-000000000000", "confirmed"), 404, "Booking not found");

  // pending → confirmed (coach), then the session has not ended yet.
  // A field the model does not declare is ignored.
  auto confirmed = c_->Patch("/booking/" + id + "/status", {{"status", "confirmed"}, {"x", 1}}, BearerAuth(coach));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.Json()["status"], "confirmed");
  EXPECT_EQ(confirmed.Json()["id"], id);
  EXPECT_EQ(confirmed.Json()["coach_email"], coach.email);
  ExpectDetail(SetStatus(coach, id, "completed"), 400, "Cannot complete a session that has not ended");
  ExpectDetail(SetStatus(coach, id, "pending"), 400, "Cannot change booking status from confirmed to pending");
  ExpectDetail(SetStatus(coach, id, "confirmed"), 400, "from confirmed to confirmed");
  ExpectDetail(SetStatus(client, id, "completed"), 403, "Only the coach or an admin");

  // confirmed → completed once the session is over (moved into the past directly).
  ExecSql(server_->db_path(), "UPDATE bookings SET start_at = start_at - 400000000, end_at = end_at - 400000000 "
                              "WHERE uuid = '" + id + "'");
  auto completed = SetStatus(coach, id, "completed");
  ASSERT_EQ(completed.status, 200) << completed.body;
  EXPECT_EQ(completed.Json()["status"], "completed");
  for (const char* to : {"cancelled", "confirmed", "pending", "completed"}) {
    ExpectDetail(SetStatus(admin, id, to), 400, std::string("from completed to ") + to);
  }
  ExpectDetail(c_->Delete("/booking/" + id, BearerAuth(client)), 400, "Only pending or confirmed bookings can be cancelled");

  // Admins confirm and complete too; clients cancel through PATCH; cancelled is final.
  std::string second = BookOk(client, coach, At(kMonday, "11:00"));
  EXPECT_EQ(SetStatus(admin, second, "confirmed").status, 200);
  ExecSql(server_->db_path(), "UPDATE bookings SET start_at = start_at - 400000000, end_at = end_at - 400000000 "
                              "WHERE uuid = '" + second + "'");
  EXPECT_EQ(SetStatus(admin, second, "completed").status, 200);
  std::string third = BookOk(client, coach, At(kMonday, "13:00"));
  auto cancelled = SetStatus(client, third, "cancelled");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Json()["status"], "cancelled");
  for (const char* to : {"pending", "confirmed", "completed", "cancelled"}) {
    ExpectDetail(SetStatus(coach, third, to), 400, std::string("from cancelled to ") + to);
  }
  std::string fourth = BookOk(client, coach, At(kMonday, "15:00"));
  EXPECT_EQ(SetStatus(coach, fourth, "confirmed").status, 200);
  EXPECT_EQ(SetStatus(coach, fourth, "cancelled").status, 200) << "confirmed → cancelled";
}

TEST_F(CoachBookingsTest, DeleteCancelsAndFreesTheTime) {
  auto coach = Coach();
  auto client = Client();
  auto other_client = Client();
  auto other_coach = Coach();
  auto admin = Admin();
  std::string day_start = At(kMonday, "00:00"), day_end = At("2030-01-08", "00:00");
  std::string id = BookOk(client, coach, At(kMonday, "10:00"));
  EXPECT_FALSE(Contains(Offered(coach, day_start, day_end), At(kMonday, "10:00")));

  ExpectDetail(c_->Delete("/booking/" + id, BearerAuth(other_client)), 403, "Unauthorized to cancel this booking");
  ExpectDetail(c_->Delete("/booking/" + id, BearerAuth(other_coach)), 403, "Unauthorized to cancel this booking");
  ExpectUnauthenticated(c_->Delete("/booking/" + id));
  ExpectDetail(c_->Delete("/booking/00000000-0000-4000-8000-000000000000", BearerAuth(admin)), 404,
               "Booking not found");

  auto r = c_->Delete("/booking/" + id, BearerAuth(client));
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(c_->Get("/booking/" + id, BearerAuth(client)).Json()["status"], "cancelled");
  ExpectDetail(c_->Delete("/booking/" + id, BearerAuth(client)), 400,
               "Only pending or confirmed bookings can be cancelled");
  EXPECT_TRUE(Contains(Offered(coach, day_start, day_end), At(kMonday, "10:00"))) << "cancelled time is free again";

  std::string again = BookOk(other_client, coach, At(kMonday, "10:00"));
  EXPECT_EQ(c_->Delete("/booking/" + again, BearerAuth(coach)).status, 204) << "the coach cancels";
  std::string third = BookOk(client, coach, At(kMonday, "10:00"));
  EXPECT_EQ(SetStatus(coach, third, "confirmed").status, 200);
  EXPECT_EQ(c_->Delete("/booking/" + third, BearerAuth(admin)).status, 204) << "an admin cancels a confirmed one";
}

TEST_F(CoachBookingsTest, ListsPaginateFilterAndAuthorize) {
  auto coach = Coach();
  auto second_coach = Coach();
  auto client = Client();
  auto other_client = Client();
  auto admin = Admin();
  std::vector<std::string> ids;
  for (const char* t : {"09:00", "10:00", "11:00", "12:00", "13:00"}) ids.push_back(BookOk(client, coach, At(kMonday, t)));
  ids.push_back(BookOk(client, second_coach, At(kMonday, "09:00")));
  BookOk(other_client, coach, At(kMonday, "15:00"));
  ASSERT_EQ(SetStatus(coach, ids[0], "confirmed").status, 200);
  ASSERT_EQ(c_->Delete("/booking/" + ids[1], BearerAuth(client)).status, 204);

  auto mine = c_->Get("/booking/client/" + client.uuid, BearerAuth(client));
  ASSERT_EQ(mine.status, 200) << mine.body;
  auto page = mine.Json();
  EXPECT_EQ(page.size(), 4u);
  EXPECT_EQ(page["total"], 6);
  EXPECT_EQ(page["skip"], 0);
  EXPECT_EQ(page["limit"], 20);
  ASSERT_EQ(page["bookings"].size(), 6u);
  EXPECT_EQ(page["bookings"][0]["session_datetime"], At(kMonday, "13:00")) << "latest session first";
  EXPECT_EQ(page["bookings"][0]["client_name"], client.username);
  EXPECT_EQ(page["bookings"][0].size(), 15u);

  auto paged = c_->Get("/booking/client/" + client.uuid + "?skip=1&limit=2", BearerAuth(client)).Json();
  EXPECT_EQ(paged["total"], 6);
  EXPECT_EQ(paged["skip"], 1);
  EXPECT_EQ(paged["limit"], 2);
  ASSERT_EQ(paged["bookings"].size(), 2u);
  EXPECT_EQ(paged["bookings"][0]["session_datetime"], At(kMonday, "12:00"));
  EXPECT_EQ(c_->Get("/booking/client/" + client.uuid + "?skip=100", BearerAuth(client)).Json()["bookings"].size(), 0u);

  auto pending = c_->Get("/booking/client/" + client.uuid + "?status=pending", BearerAuth(client)).Json();
  EXPECT_EQ(pending["total"], 4);
  for (const auto& b : pending["bookings"]) EXPECT_EQ(b["status"], "pending");
  EXPECT_EQ(c_->Get("/booking/client/" + client.uuid + "?status=cancelled", BearerAuth(client)).Json()["total"], 1);
  EXPECT_EQ(c_->Get("/booking/client/" + client.uuid + "?status=completed", BearerAuth(client)).Json()["total"], 0);

  auto theirs = c_->Get("/booking/coach/" + coach.uuid, BearerAuth(coach)).Json();
  EXPECT_EQ(theirs["total"], 6) << "five from one client, one from another";
  EXPECT_EQ(c_->Get("/booking/coach/" + coach.uuid + "?status=confirmed", BearerAuth(coach)).Json()["total"], 1);
  EXPECT_EQ(c_->Get("/booking/coach/" + second_coach.uuid, BearerAuth(admin)).Json()["total"], 1);
  EXPECT_EQ(c_->Get("/booking/client/" + client.uuid, BearerAuth(admin)).Json()["total"], 6);

  // Only the account itself or an admin; existence is for admins to learn.
  ExpectDetail(c_->Get("/booking/client/" + client.uuid, BearerAuth(other_client)), 403, "Unauthorized");
  ExpectDetail(c_->Get("/booking/client/" + client.uuid, BearerAuth(coach)), 403, "Unauthorized");
  ExpectDetail(c_->Get("/booking/coach/" + coach.uuid, BearerAuth(second_coach)), 403, "Unauthorized");
  ExpectDetail(c_->Get("/booking/coach/" + coach.uuid, BearerAuth(client)), 403, "Unauthorized");
  ExpectDetail(c_->Get("/booking/coach/00000000-0000-4000-8000-000000000000", BearerAuth(client)), 403, "Unauthorized");
  ExpectDetail(c_->Get("/booking/coach/00000000-0000-4000-8000-000000000000", BearerAuth(admin)), 404,
               "Coach not found");
  ExpectDetail(c_->Get("/booking/coach/" + client.uuid, BearerAuth(admin)), 404, "Coach not found");
  ExpectDetail(c_->Get("/booking/client/00000000-0000-4000-8000-000000000000", BearerAuth(admin)), 404,
               "Client not found");
  ExpectUnauthenticated(c_->Get("/booking/client/" + client.uuid));
  ExpectUnauthenticated(c_->Get("/booking/coach/" + coach.uuid));
  ExpectUnauthenticated(c_->Get("/booking/coach/" + coach.uuid, {{"Authorization", "Bearer " + std::string(43, 'A')}}),
                        true);

  // Bad paging and filters.
  const std::string base = "/booking/client/" + client.uuid;
  for (const char* q : {"?limit=0", "?limit=101", "?limit=1000000", "?limit=99999999999999999999999", "?limit=-5",
                        "?limit=ten", "?limit=", "?limit=1.5"}) {
    ExpectDetail(c_->Get(base + q, BearerAuth(client)), 400, "limit must be between 1 and 100");
  }
  for (const char* q : {"?skip=-1", "?skip=x", "?skip=", "?skip=-99999999999999999999999"}) {
    ExpectDetail(c_->Get(base + q, BearerAuth(client)), 400, "skip must be a non-negative integer");
  }
  ExpectDetail(c_->Get(base + "?status=bogus", BearerAuth(client)), 400,
               "status must be one of: pending, confirmed, completed, cancelled");
  EXPECT_EQ(c_->Get(base + "?limit=100&skip=99999999999999999999", BearerAuth(client)).status, 200)
      << "a huge skip is an empty page";
}

TEST_F(CoachBookingsTest, AvailabilityFallsBackToWorkingHoursInTheCoachsZone) {
  auto utc_coach = Coach();
  auto offered = Offered(utc_coach, At(kMonday, "00:00"), At("2030-01-08", "00:00"));
  ASSERT_EQ(offered.size(), 15u) << "09:00 to 16:00 every 30 minutes";
  EXPECT_EQ(offered.front(), At(kMonday, "09:00"));
  EXPECT_EQ(offered.back(), At(kMonday, "16:00"));

  auto kolkata = Coach({{"timezone", "Asia/Kolkata"}});
  auto r = c_->Get("/booking/coach/" + kolkata.uuid + "/availability?start_date=2030-01-07&end_date=2030-01-08");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.Json();
  EXPECT_EQ(body.size(), 2u);
  EXPECT_EQ(body["coach_id"], kolkata.uuid);
  auto slots = body["available_slots"];
  ASSERT_EQ(slots.size(), 15u) << r.body;
  EXPECT_EQ(slots[0], json({{"start", "2030-01-07T03:30:00Z"}, {"end", "2030-01-07T04:30:00Z"}, {"duration_minutes", 60}}))
      << "09:00 IST";
  EXPECT_EQ(slots[14]["start"], "2030-01-07T10:30:00Z") << "16:00 IST";
  EXPECT_EQ(slots[14]["end"], "2030-01-07T11:30:00Z") << "17:00 IST";
  // Offsets in the query mean the same instants; the weekend offers nothing.
  EXPECT_EQ(Offered(kolkata, "2030-01-07T05:30:00+05:30", "2030-01-08T05:30:00+05:30").size(), 15u);
  EXPECT_TRUE(Offered(kolkata, "2030-01-05", "2030-01-07").empty());

  // Booking follows the same hours: 09:00 IST is bookable, 09:00 UTC (14:30 IST) too, 17:00 IST not.
  auto client = Client();
  EXPECT_EQ(Book(client, kolkata, "2030-01-07T03:30:00Z").status, 201);
  EXPECT_EQ(Book(client, kolkata, "2030-01-07T09:00:00Z").status, 201);
  ExpectDetail(Book(client, kolkata, "2030-01-07T11:30:00Z"), 400, "Time slot is not available");
  EXPECT_EQ(CalendarOf(kolkata).empty(), false);
  EXPECT_EQ(QuerySql(server_->db_path(), "SELECT timezone FROM calendars WHERE id = " + CalendarOf(kolkata)),
            "Asia/Kolkata");

  // Durations and steps.
  auto two_hours = Offered(utc_coach, At(kMonday, "00:00"), At("2030-01-08", "00:00"), "&duration_minutes=120");
  EXPECT_EQ(two_hours.size(), 13u);
  EXPECT_EQ(two_hours.back(), At(kMonday, "15:00"));
  auto hourly = Offered(utc_coach, At(kMonday, "00:00"), At("2030-01-08", "00:00"), "&step_minutes=60");
  EXPECT_EQ(hourly.size(), 8u);
  EXPECT_EQ(Offered(utc_coach, At(kMonday, "00:00"), At("2030-02-06", "00:00")).size(), 15u * 22)
      << "exactly 30 days: 22 weekdays";
}

TEST_F(CoachBookingsTest, AvailabilityValidatesItsQuery) {
  auto coach = Coach();
  auto client = Client();
  const std::string base = "/booking/coach/" + coach.uuid + "/availability";
  auto get = [&](const std::string& q) { return c_->Get(base + q); };
  ExpectDetail(get("?end_date=2030-01-08"), 400, "start_date is required");
  ExpectDetail(get("?start_date=2030-01-07"), 400, "end_date is required");
  ExpectDetail(get("?start_date=2030-01-08&end_date=2030-01-07"), 400, "End date must be after start date");
  ExpectDetail(get("?start_date=2030-01-07&end_date=2030-01-07"), 400, "End date must be after start date");
  ExpectDetail(get("?start_date=2030-01-01&end_date=2030-01-31T00:00:01Z"), 400, "Date range cannot exceed 30 days");
  ExpectDetail(get("?start_date=2030-02-30&end_date=2030-03-02"), 400, "start_date");
  ExpectDetail(get("?start_date=2025-02-30T10:00:00Z&end_date=2025-03-02T00:00:00Z"), 400, "start_date");
  ExpectDetail(get("?start_date=2030-01-07T10:00:00&end_date=2030-01-08"), 400, "start_date");
  ExpectDetail(get("?start_date=yesterday&end_date=2030-01-08"), 400, "start_date");
  ExpectDetail(get("?start_date=2030-01-07&end_date=2030-13-01"), 400, "end_date");
  for (const char* d : {"14", "481", "abc", "99999999999999999999999", "-60"}) {
    ExpectDetail(get(std::string("?start_date=2030-01-07&end_date=2030-01-08&duration_minutes=") + d), 400,
                 "Duration must be between 15 and 480 minutes");
  }
  for (const char* s : {"0", "15", "45", "510", "x"}) {
    ExpectDetail(get(std::string("?start_date=2030-01-07&end_date=2030-01-08&step_minutes=") + s), 400,
                 "step_minutes must be a multiple of 30 between 30 and 480");
  }
  ExpectDetail(c_->Get("/booking/coach/00000000-0000-4000-8000-000000000000/availability?start_date=2030-01-07&"
                       "end_date=2030-01-08"),
               404, "Coach not found");
  ExpectDetail(c_->Get("/booking/coach/" + client.uuid + "/availability?start_date=2030-01-07&end_date=2030-01-08"),
               404, "Coach not found");
  // Public, and stale credentials do not matter; the past is never offered.
  EXPECT_EQ(c_->Get(base + "?start_date=2030-01-07&end_date=2030-01-08", {{"Authorization", "Bearer nonsense"}}).status,
            200);
  EXPECT_TRUE(Offered(coach, "2020-01-06", "2020-01-07").empty());
}

TEST_F(CoachBookingsTest, AvailabilityExcludesTimeHeldThroughOtherPaths) {
  auto coach = Coach();
  auto client = Client();
  const std::string from = At(kMonday, "00:00"), to = At("2030-01-08", "00:00");
  BookOk(client, coach, At(kMonday, "14:00"));  // creates the coach's calendar
  std::string cal = CalendarOf(coach);
  ASSERT_FALSE(cal.empty());
  auto offered = Offered(coach, from, to);
  for (const char* t : {"13:30", "14:00", "14:30"}) EXPECT_FALSE(Contains(offered, At(kMonday, t))) << t;
  EXPECT_TRUE(Contains(offered, At(kMonday, "13:00")));
  EXPECT_TRUE(Contains(offered, At(kMonday, "15:00")));

  // Blocked hours (face 000's block), a blocked slot, and another face's booking.
  ExecSql(server_->db_path(), "INSERT INTO blocked_days (calendar_id, local_date, blocked_hours, created_at, "
                              "updated_at) VALUES (" + cal + ", '2030-01-07', '10,11', 0, 0)");
  ExecSql(server_->db_path(), "INSERT INTO slots (uuid, calendar_id, start_at, end_at, status, created_at, updated_at) "
                              "VALUES ('blocked-slot-" + coach.uuid + "', " + cal + ", " +
                                  std::to_string(1894010400 + 2 * 3600) + ", " +
                                  std::to_string(1894010400 + 3 * 3600) + ", 'blocked', 0, 0)");  // 12:00-13:00
  ExecSql(server_->db_path(), "INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, status, created_at, "
                              "updated_at) VALUES ('meeting-" + coach.uuid + "', " + cal + ", 'meeting', " +
                                  std::to_string(1894010400 + 6 * 3600) + ", " +
                                  std::to_string(1894010400 + 7 * 3600) + ", 'active', 0, 0)");  // 16:00-17:00
  offered = Offered(coach, from, to);
  EXPECT_EQ(offered, (std::vector<std::string>{At(kMonday, "09:00"), At(kMonday, "13:00"), At(kMonday, "15:00")}))
      << json(offered).dump();
  for (const char* t : {"09:30", "10:00", "11:00", "11:30", "12:00", "12:30", "13:30", "15:30", "16:00"}) {
    ExpectDetail(Book(client, coach, At(kMonday, t)), 400, "Time slot is not available");
  }
  EXPECT_EQ(Book(client, coach, At(kMonday, "15:00")).status, 201);
  // Another face's booking is not a coach session.
  ExpectDetail(c_->Get("/booking/meeting-" + coach.uuid, BearerAuth(coach)), 404, "Booking not found");

  // Once the coach defines availability (a weekly rule, here Saturday 10:00–12:00 local),
  // the fallback hours no longer apply.
  ExecSql(server_->db_path(), "INSERT INTO weekly_rules (uuid, calendar_id, iso_weekday, start_second, end_second, "
                              "created_at, updated_at) VALUES ('rule-" + coach.uuid + "', " + cal +
                                  ", 6, 36000, 43200, 0, 0)");
  EXPECT_TRUE(Offered(coach, from, to).empty());
  EXPECT_EQ(Offered(coach, "2030-01-12", "2030-01-13"),
            (std::vector<std::string>{At("2030-01-12", "10:00"), At("2030-01-12", "10:30"), At("2030-01-12", "11:00")}));
  ExpectDetail(Book(client, coach, At("2030-01-14", "09:00")), 400, "Time slot is not available");
  EXPECT_EQ(Book(client, coach, At("2030-01-12", "10:30")).status, 201);
}

TEST_F(CoachBookingsTest, OfferedExactlyWhenBookable) {
  auto coach = Coach({{"timezone", "America/New_York"}});
  auto client = Client();
  BookOk(client, coach, "2030-01-07T15:00:00Z");  // 10:00 New York
  BookOk(client, coach, "2030-01-07T18:30:00Z", 45);
  for (int minutes : {30, 90}) {
    auto offered = Offered(coach, "2030-01-07", "2030-01-08", "&duration_minutes=" + std::to_string(minutes));
    std::set<std::string> listed(offered.begin(), offered.end());
    for (int half_hours = 0; half_hours < 48; ++half_hours) {
      char when[32];
      std::snprintf(when, sizeof when, "2030-01-07T%02d:%02d:00Z", half_hours / 2, half_hours % 2 * 30);
      auto r = Book(client, coach, when, minutes);
      EXPECT_EQ(r.status == 201, listed.count(when) == 1) << when << " " << minutes << " " << r.body;
      if (r.status == 201) {
        ASSERT_EQ(c_->Delete("/booking/" + r.Json()["id"].get<std::string>(), BearerAuth(client)).status, 204);
      }
    }
  }
}

// 64 connections at once: exactly one gets the time, the rest a documented 400.
void ExpectOneWinner(std::uint16_t port, const std::function<json(int)>& body_of, const Headers& auth) {
  constexpr int kThreads = 64;
  std::atomic<int> created{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(port);
      client.Connect();
      json body = body_of(i);
      while (!go.load()) std::this_thread::yield();
      auto r = client.Post("/booking", body, auth);
      if (r.status == 201) {
        ++created;
      } else if (r.status == 400 && r.Json() == json({{"detail", "Time slot is not available"}})) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(CoachBookingsTest, NoDoubleBookingUnderConcurrency) {
  auto coach = Coach();
  auto client = Client();
  ExpectOneWinner(server_->port(), [&](int) {
    return json{{"coach_id", coach.uuid}, {"session_datetime", At(kMonday, "10:00")}, {"duration_minutes", 60}};
  }, BearerAuth(client));

  // Different starts and lengths that all cover 11:00–11:30 on another day.
  ExpectOneWinner(server_->port(), [&](int i) {
    int start = 9 * 60 + (i % 5) * 30;          // 09:00 ... 11:00
    int end = 11 * 60 + 30 + (i / 5 % 4) * 30;  // 11:30 ... 13:00
    char when[32];
    std::snprintf(when, sizeof when, "2030-01-08T%02d:%02d:00Z", start / 60, start % 60);
    return json{{"coach_id", coach.uuid}, {"session_datetime", when}, {"duration_minutes", end - start}};
  }, BearerAuth(client));

  auto held = c_->Get("/booking/coach/" + coach.uuid, BearerAuth(coach)).Json();
  EXPECT_EQ(held["total"], 2);
}

TEST_F(CoachBookingsTest, RoutesAreInTheOpenApiDocument) {
  auto doc = c_->Get("/openapi.json").Json();
  const auto& paths = doc["paths"];
  EXPECT_TRUE(paths["/booking"].contains("post"));
  EXPECT_TRUE(paths["/booking/{booking_id}"].contains("get"));
  EXPECT_TRUE(paths["/booking/{booking_id}"].contains("delete"));
  EXPECT_TRUE(paths["/booking/{booking_id}/status"].contains("patch"));
  EXPECT_TRUE(paths["/booking/client/{client_id}"].contains("get"));
  EXPECT_TRUE(paths["/booking/coach/{coach_id}"].contains("get"));
  const auto& availability = paths["/booking/coach/{coach_id}/availability"]["get"];
  EXPECT_FALSE(availability["summary"].get<std::string>().empty());
  EXPECT_TRUE(availability["security"].empty()) << "public";
  std::set<std::string> names;
  for (const auto& p : availability["parameters"]) names.insert(p["name"]);
  for (const char* n : {"coach_id", "start_date", "end_date", "duration_minutes", "step_minutes"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
  ExpectDetail(c_->Get("/booking/nothing/here"), 404, "Not found");
}

}  // namespace
}  // namespace kairos::testing
