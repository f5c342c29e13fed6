#include "kairos/service/consultants.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "kairos/auth/crypto.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service {
namespace {

using namespace std::chrono_literals;

Date D(std::string_view s) { return *ParseDate(s); }
TimeOfDay H(int hours, int minutes = 0) { return std::chrono::hours(hours) + std::chrono::minutes(minutes); }

class ConsultantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kairos-consultants-" + auth::NewUuid());
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    accounts_ = std::make_unique<Accounts>(*db_, hasher_, AccountsOptions{});
    consultants_ = std::make_unique<Consultants>(*db_, *accounts_);
  }
  void TearDown() override {
    consultants_.reset();
    accounts_.reset();
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  std::int64_t Consultant(const std::string& tz = "UTC") {
    auto a = consultants_->CreateConsultant({"Ada", "Lovelace", tz}, now_);
    EXPECT_TRUE(a.ok()) << a.error().message;
    return a->no;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  auth::PasswordHasher hasher_{{1, 8192}, 2};
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Consultants> consultants_;
  Instant now_ = *ParseInstant("2030-01-01T00:00:00Z");
};

TEST_F(ConsultantsTest, AccountsWithoutLoginGetNumberedUniqueNames) {
  // Someone signed up elsewhere (as a client: user 1) with the name the first consultant gets.
  auto squatter = accounts_->Create({.username = "consultant-1", .email = "s@example.com", .password = "password1"});
  ASSERT_TRUE(squatter.ok());
  auto c = consultants_->CreateConsultant({"Ada", "Lovelace", "Europe/London"}, now_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->no, 1);
  EXPECT_EQ(c->account.id, 2);
  EXPECT_EQ(c->account.username.rfind("consultant-1-", 0), 0u) << c->account.username;
  EXPECT_EQ(c->account.role, auth::Role::kCoach);
  EXPECT_EQ(accounts_->FindById(2)->username, c->account.username);
  auto u = consultants_->CreateUser({"Grace", "Hopper", "UTC"});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->no, 2);
  EXPECT_EQ(u->account.username, "user-2");
  EXPECT_EQ(u->account.role, auth::Role::kClient);
  EXPECT_EQ(consultants_->FindUser(1)->account.id, squatter->id);
  EXPECT_EQ(consultants_->FindConsultant(1)->account.id, 2);
  EXPECT_EQ(ConsultantNumberOf(*db_, 2), 1);
  EXPECT_EQ(ConsultantNumberOf(*db_, u->account.id), std::nullopt);
  EXPECT_FALSE(accounts_->Login(u->account.username, "", "127.0.0.1").ok());
  EXPECT_EQ(consultants_->FindConsultant(2).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(consultants_->FindUser(3).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(consultants_->CreateUser({"", "Hopper", "UTC"}).ok());
  EXPECT_FALSE(consultants_->CreateUser({"Grace", "Hopper", "Nowhere/City"}).ok());
  EXPECT_EQ(accounts_->CreateWithoutLogin("admin", {.role = auth::Role::kAdmin}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(ConsultantsTest, FreeTimeSplitsWindowsAroundReservations) {
  std::int64_t id = Consultant("America/New_York");
  auto user = consultants_->CreateUser({"Grace", "Hopper", "UTC"});
  ASSERT_TRUE(user.ok());
  // Anyone may change or reserve a consultant and user made through the face.
  auto consultant = consultants_->MayChange(id, std::nullopt);
  ASSERT_TRUE(consultant.ok());
  auto parties = consultants_->MayReserve(id, user->no, std::nullopt);
  ASSERT_TRUE(parties.ok());
  auto window = consultants_->AddAvailability(*consultant, D("2030-03-05"), H(9), H(12), now_);
  ASSERT_TRUE(window.ok()) << window.error().message;
  auto weekly = consultants_->AddRecurring(*consultant, 1, H(14), H(15), true, now_);  // Tuesdays
  ASSERT_TRUE(weekly.ok()) << weekly.error().message;

  auto booked = consultants_->Reserve(*parties, {D("2030-03-05"), H(10), H(10, 30)}, now_);
  ASSERT_TRUE(booked.ok()) << booked.error().message;
  EXPECT_EQ(booked->availability_id, window->id);

  auto slots = consultants_->FreeTime(id, D("2030-03-05"), D("2030-03-05"), now_);
  ASSERT_TRUE(slots.ok());
  ASSERT_EQ(slots->size(), 3u);
  EXPECT_EQ((*slots)[0].end, H(10));
  EXPECT_EQ((*slots)[1].start, H(10, 30));
  EXPECT_EQ((*slots)[1].source_id, window->id);
  EXPECT_TRUE((*slots)[2].recurring);
  EXPECT_EQ((*slots)[2].source_id, weekly->id);

  EXPECT_FALSE(consultants_->Reserve(*parties, {D("2030-03-05"), H(10), H(10, 30)}, now_).ok());
  EXPECT_EQ(consultants_->DeleteAvailability(*consultant, window->id).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(consultants_->FreeTime(id, D("2030-01-01"), D("2030-04-03"), now_).error().field, "end_date");
  EXPECT_TRUE(consultants_->FreeTime(id, D("2030-01-01"), D("2030-04-02"), now_).ok());
}

TEST_F(ConsultantsTest, ViewsStartFromNow) {
  std::int64_t id = Consultant();
  ASSERT_TRUE(consultants_->AddAvailability(*consultants_->FindConsultant(id), D("2030-01-02"), H(9), H(11), now_).ok());
  auto slots = consultants_->FreeTime(id, D("2030-01-02"), D("2030-01-02"), *ParseInstant("2030-01-02T10:00:00Z"));
  ASSERT_TRUE(slots.ok());
  ASSERT_EQ(slots->size(), 1u);
  EXPECT_EQ((*slots)[0].start, H(10));
  EXPECT_EQ((*slots)[0].end, H(11));
}

// Coaches and clients that existed before migration 8 are numbered in account-id order
// when it runs; accounts made afterwards continue the count, each role on its own.
TEST(ConsultantNumbers, ExistingAccountsAreNumberedInIdOrderByTheMigration) {
  auto dir = std::filesystem::temp_directory_path() / ("kairos-consultant-numbers-" + auth::NewUuid());
  auto db = store::OpenSqlite((dir / "k.db").string());
  store::SchemaVersion(*db);  // creates schema_migrations
  for (const auto& m : store::AllMigrations()) {
    if (m.version >= 8) continue;
    db->Write([&](store::Tx& tx) {
      tx.ExecScript(m.sqlite_sql);
      tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)",
              {store::Int(m.version), store::Text(m.name)});
    });
  }
  db->Write([](store::Tx& tx) {
    for (const char* role : {"client", "coach", "admin", "coach", "client"}) {
      tx.Exec("INSERT INTO accounts (uuid, role, created_at, updated_at) VALUES (?, ?, 0, 0)",
              {store::Text(auth::NewUuid()), store::Text(role)});
    }
  });
  const auto& all = store::AllMigrations();
  EXPECT_EQ(store::Migrate(*db), std::count_if(all.begin(), all.end(), [](const auto& m) { return m.version >= 8; }));
  EXPECT_EQ(ConsultantNumberOf(*db, 2), 1);
  EXPECT_EQ(ConsultantNumberOf(*db, 4), 2);
  EXPECT_EQ(ConsultantNumberOf(*db, 3), std::nullopt) << "an admin is no consultant";

  auth::PasswordHasher hasher{{1, 8192}, 2};
  Accounts accounts(*db, hasher, AccountsOptions{});
  Consultants consultants(*db, accounts);
  EXPECT_EQ(consultants.FindUser(1)->account.id, 1);
  EXPECT_EQ(consultants.FindUser(2)->account.id, 5);
  EXPECT_EQ(consultants.FindConsultant(2)->account.id, 4);
  auto next = consultants.CreateConsultant({"Ada", "Lovelace", "UTC"}, *ParseInstant("2030-01-01T00:00:00Z"));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->no, 3);
  EXPECT_EQ(consultants.CreateUser({"Grace", "Hopper", "UTC"})->no, 3);
  // A client promoted to coach gets the next consultant number and keeps its user number.
  db->Write([](store::Tx& tx) { tx.Exec("UPDATE accounts SET role = 'coach' WHERE id = 5"); });
  EXPECT_EQ(ConsultantNumberOf(*db, 5), 4);
  EXPECT_EQ(consultants.FindUser(2).error().code, ErrorCode::kNotFound) << "no longer a client";
  db->Write([](store::Tx& tx) { tx.Exec("UPDATE accounts SET role = 'client' WHERE id = 5"); });
  EXPECT_EQ(consultants.FindUser(2)->account.id, 5);
  EXPECT_EQ(ConsultantNumberOf(*db, 5), std::nullopt);
  db->Close();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kairos::service
