// The one booking path over HTTP: the same coach's same hour raced through faces 000
// (the coach books their own time slot), 001 (a client books a session), 002 (a meeting
// with the coach as participant) and 004 (a reservation on the coach's consultant
// number), all at once on real sockets. The coach's calendar holds one place, so
// exactly one request wins whichever face it came through; every other one gets its
// face's documented refusal. Face 003 books exchanges, which are calendars of their own
// and never a coach's, so it cannot race for this hour; its own race is in
// businesses_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

class BookingPathTest : public SharedServerTest<BookingPathTest> {
 protected:
  HttpClient c_{server_->port()};
};

struct Racer {
  std::string face;
  std::function<HttpResponse(HttpClient&)> send;
  int created_status;  // the face's success status
};

TEST_F(BookingPathTest, OneHourOfOneCoachHasOneWinnerAcrossAllFaces) {
  auto coach = SignUpAndLogin(c_, Unique("pathcoach"), {{"role", "coach"}});
  auto client = SignUpAndLogin(c_, Unique("pathclient"));

  // Face 000: the coach publishes 10:00-11:00 on Monday 2030-03-04 (UTC).
  auto slot = c_.Post("/users/time-slots/",
                      {{"start_time", "2030-03-04T10:00:00"}, {"end_time", "2030-03-04T11:00:00"}, {"timezone", "UTC"}},
                      BearerAuth(coach));
  ASSERT_EQ(slot.status, 200) << slot.body;
  const std::string slot_id = slot.Json()["id"];

  // Face 004: the same hour as a one-off window on the coach's consultant number.
  auto me = c_.Get("/api/user/me/", TokenAuth(coach));
  ASSERT_EQ(me.status, 200) << me.body;
  ASSERT_TRUE(me.Json().contains("consultant_id")) << me.body;
  const std::string consultant = std::to_string(me.Json()["consultant_id"].get<std::int64_t>());
  auto window = c_.Post("/consultants/" + consultant + "/availabilities/",
                        {{"date", "2030-03-04"}, {"start_time", "10:00"}, {"end_time", "11:00"}},
                        TokenAuth(coach));
  ASSERT_EQ(window.status, 201) << window.body;
  auto user = c_.Post("/user/", {{"first_name", "Race"}, {"last_name", "User"}});
  ASSERT_EQ(user.status, 201) << user.body;
  const std::int64_t user_no = user.Json()["id"];

  // Face 002: organisers of their own, so only the coach's calendar is shared.
  std::vector<TestAccount> organisers;
  constexpr int kPerFace = 6;
  for (int i = 0; i < kPerFace; ++i) organisers.push_back(SignUpAndLogin(c_, Unique("pathorganiser")));

  std::vector<Racer> racers;
  for (int i = 0; i < kPerFace; ++i) {
    racers.push_back({"000", [&](HttpClient& c) {
                        return c.Post("/users/time-slots/" + slot_id + "/book", json::object(), BearerAuth(coach));
                      },
                      200});
    racers.push_back({"001", [&](HttpClient& c) {
                        return c.Post("/booking",
                                      {{"coach_id", coach.uuid},
                                       {"session_datetime", "2030-03-04T10:00:00Z"},
                                       {"duration_minutes", 60}},
                                      BearerAuth(client));
                      },
                      201});
    racers.push_back({"002", [&, i](HttpClient& c) {
                        return c.Post("/api/event/",
                                      {{"title", "race"},
                                       {"time_slot", "2030-03-04 10:00:00"},
                                       {"description", "race"},
                                       {"participants", {coach.email}}},
                                      TokenAuth(organisers[static_cast<std::size_t>(i)]));
                      },
                      201});
    racers.push_back({"004", [&](HttpClient& c) {
                        return c.Post("/consultant/" + consultant + "/reserve/",
                                      {{"user", user_no},
                                       {"date", "2030-03-04"},
                                       {"start_time", "10:00"},
                                       {"end_time", "11:00"}});
                      },
                      201});
  }

  std::atomic<int> created{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::string> winners(racers.size());
  std::vector<std::string> unexpected(racers.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < racers.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server_->port());
      c.Connect();
      while (!go.load()) std::this_thread::yield();
      auto r = racers[i].send(c);
      if (r.status == racers[i].created_status) {
        ++created;
        winners[i] = racers[i].face;
      } else if (r.status == 400) {
        ++refused;
      } else {
        ++other;
        unexpected[i] = racers[i].face + ": " + std::to_string(r.status) + " " + r.body;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  std::string who;
  for (const auto& w : winners) who += w.empty() ? "" : w + " ";
  std::string what;
  for (const auto& u : unexpected) what += u.empty() ? "" : u + "\n";
  EXPECT_EQ(created.load(), 1) << "winners: " << who;
  EXPECT_EQ(refused.load(), static_cast<int>(racers.size()) - 1);
  EXPECT_EQ(other.load(), 0) << what;

  // The database agrees: one booking holds the coach's hour.
  const std::string held = QuerySql(
      server_->db_path(),
      "SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.id = b.calendar_id JOIN accounts a ON a.id = "
      "c.owner_account_id WHERE a.uuid = '" + coach.uuid + "' AND b.status IN ('pending', 'confirmed', 'active')");
  EXPECT_EQ(held, "1");

  // And every face now sees the hour as taken.
  auto again = c_.Post("/booking",
                       {{"coach_id", coach.uuid}, {"session_datetime", "2030-03-04T10:00:00Z"}, {"duration_minutes", 60}},
                       BearerAuth(client));
  EXPECT_EQ(again.status, 400) << again.body;
  auto listed = c_.Get("/booking/coach/" + coach.uuid +
                       "/availability?start_date=2030-03-04T00:00:00Z&end_date=2030-03-05T00:00:00Z&step_minutes=60");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_TRUE(listed.Json()["available_slots"].empty()) << listed.body;
}

}  // namespace
}  // namespace kairos::testing
