// The answer of GET /v1/slots for the benchmark's team (bench/team_slots_data.py: a
// 100-host round robin, 200 bookings per host, a month of 30-minute slots) is the one
// recorded in tests/team_slots_answer.json.gz, byte for byte: when the listing is
// computed, when it is served from the kept copy, and after a booking has changed it and
// it is computed again. The recording was made before team listings kept their rendered
// bytes, so the kept answer is the answer the listing always gave (with "stale_sources",
// empty here, added since). SQLite only: the
// fixture is written into a SQLite file.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "support/database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "v1_support.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

std::string ReadGzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  std::string out;
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

// Where two answers first differ, with some context, for the failure message.
std::string FirstDifference(const std::string& got, const std::string& want) {
  std::size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  if (i == got.size() && i == want.size()) return "identical";
  const std::size_t from = i < 60 ? 0 : i - 60;
  return "first difference at byte " + std::to_string(i) + " (sizes " + std::to_string(got.size()) + " and " +
         std::to_string(want.size()) + "):\n got: " + got.substr(from, 160) + "\nwant: " + want.substr(from, 160);
}

class TeamSlotsAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PostgresBackend()) GTEST_SKIP() << "the fixture is a SQLite file";
    dir_ = MakeTempDir();
    db_ = dir_ + "/bench.db";
    auto [rc, out] = RunKairos({"migrate", "--db", db_});
    ASSERT_EQ(rc, 0) << out;
    const std::string script = std::string(KAIROS_TESTS_DIR) + "/../bench/team_slots_data.py";
    FILE* p = popen(("/usr/bin/python3 " + script + " " + db_).c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[128];
    while (fgets(buf, sizeof buf, p) != nullptr) event_type_ += buf;
    ASSERT_EQ(pclose(p), 0);
    while (!event_type_.empty() && event_type_.back() == '\n') event_type_.pop_back();
    recorded_ = ReadGzip(std::string(KAIROS_TESTS_DIR) + "/team_slots_answer.json.gz");
    ASSERT_FALSE(recorded_.empty());
  }

  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
  }

  std::string Month() const {
    return "/v1/slots?event_type_id=" + event_type_ + "&start=2030-03-01&end=2030-03-31&time_zone=UTC";
  }

  std::string dir_;
  std::string db_;
  std::string event_type_;
  std::string recorded_;
};

TEST_F(TeamSlotsAnswerTest, ComputedAndKeptAnswersAreTheRecordedBytes) {
  ServerProcessOptions options;
  options.db_path = db_;
  ServerProcess server(options);
  HttpClient c(server.port());
  auto first = c.Get(Month());
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Header("Content-Type"), "application/json");
  EXPECT_TRUE(first.body == recorded_) << FirstDifference(first.body, recorded_);
  for (int i = 0; i < 3; ++i) {
    auto kept = c.Get(Month());
    ASSERT_EQ(kept.status, 200);
    EXPECT_TRUE(kept.body == recorded_) << FirstDifference(kept.body, recorded_);
  }
  // A fixture of this size is worth its bytes only if it holds many slots.
  EXPECT_GT(json::parse(recorded_)["days"].size(), 20u);
}

TEST_F(TeamSlotsAnswerTest, ABookingChangesTheKeptAnswerAtOnce) {
  ServerProcessOptions options;
  options.db_path = db_;
  ServerProcess server(options);
  HttpClient c(server.port());
  ASSERT_EQ(c.Get(Month()).body, recorded_);
  // The first offered slot, taken through the team event type.
  json slot = json::parse(recorded_)["days"].begin()->at(0);
  const std::string start = slot["start"];
  const int hosts = slot["hosts_available"];
  auto booked = v1::BookV1(c, event_type_, start);
  ASSERT_EQ(booked.status, 201) << booked.body;
  auto after = c.Get(Month());
  ASSERT_EQ(after.status, 200);
  ASSERT_NE(after.body, recorded_);
  json first = json::parse(after.body)["days"].begin()->at(0);
  if (hosts > 1) {
    EXPECT_EQ(first["start"], start);
    EXPECT_EQ(first["hosts_available"], hosts - 1);
  } else {
    EXPECT_NE(first["start"], start);
  }
  // Kept again, and still the new answer.
  EXPECT_EQ(c.Get(Month()).body, after.body);
}

}  // namespace
}  // namespace kairos::testing
