#include "kairos/service/accounts.hpp"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>

#include "kairos/auth/crypto.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kairos-accounts-" + auth::NewUuid());
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    AccountsOptions options;
    options.max_login_failures = 3;
    options.max_account_failures = 5;
    options.max_address_failures = 8;
    accounts_ = std::make_unique<Accounts>(*db_, hasher_, options);
  }
  void TearDown() override {
    accounts_.reset();
    db_->Close();
    std::filesystem::remove_all(dir_);
  }
  Account Make(const std::string& username, auth::Role role = auth::Role::kClient) {
    auto a = accounts_->Create({.username = username, .email = username + "@example.com", .password = "password1",
                                .role = role});
    EXPECT_TRUE(a.ok()) << a.error().message;
    return *a;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  auth::PasswordHasher hasher_{{1, 8192}, 2};
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, CreatesAndFinds) {
  Account a = Make("Alice");
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(accounts_->FindByUsername("ALICE")->id, a.id);
  EXPECT_EQ(accounts_->FindByEmail("alice@EXAMPLE.com")->id, a.id);
  EXPECT_EQ(accounts_->FindByUuid(a.uuid)->username, "Alice");
  EXPECT_EQ(accounts_->FindById(a.id)->email, "Alice@example.com");
  EXPECT_EQ(accounts_->FindById(999).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(accounts_->IsActive(a.id));
  EXPECT_FALSE(accounts_->IsActive(999));
  auto dup = accounts_->Create({.username = "alice", .email = "x@example.com", .password = "password1"});
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().field, "username");
}

TEST_F(AccountsTest, ValidatesFields) {
  EXPECT_EQ(ValidateEmail("a@b.co").ok(), true);
  EXPECT_FALSE(ValidateEmail("a@b").ok());
  EXPECT_FALSE(ValidateEmail("a..b@c.de").ok());
  EXPECT_FALSE(ValidateEmail("@c.de").ok());
  EXPECT_FALSE(ValidateEmail("a@-c.de").ok());
  EXPECT_FALSE(ValidatePassword("1234567").ok());
  EXPECT_TRUE(ValidatePassword("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80" "abcd").ok());
  EXPECT_FALSE(ValidateUsername("a\tb").ok());
  auto tz = accounts_->Create({.username = "z", .email = "z@example.com", .password = "password1", .timezone = "X/Y"});
  EXPECT_EQ(tz.error().field, "timezone");
  auto admin = accounts_->SignUp({.username = "y", .email = "y@example.com", .password = "password1",
                                  .role = auth::Role::kAdmin});
  EXPECT_EQ(admin.error().field, "role");
}

// The fixture's limits: 3 per username and address, 5 per username, 8 per address.
TEST_F(AccountsTest, OneUsersFailuresDoNotLockOutOthersAtTheSameAddress) {
  Make("amy");
  Make("john");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(accounts_->Login("amy", "wrong", "10.0.0.1").ok());
  EXPECT_TRUE(accounts_->Login("john", "password1", "10.0.0.1").ok()) << "john is not amy";
  auto amy = accounts_->Login("amy", "password1", "10.0.0.1");
  ASSERT_FALSE(amy.ok());
  EXPECT_EQ(amy.error().code, ErrorCode::kTooManyRequests);
  EXPECT_GT(amy.error().retry_after_seconds, 0);
  EXPECT_LE(amy.error().retry_after_seconds, 900);
  EXPECT_EQ(accounts_->Login("AMY", "password1", "10.0.0.1").error().code, ErrorCode::kTooManyRequests)
      << "usernames are case-folded";
  EXPECT_TRUE(accounts_->Login("amy", "password1", "10.0.0.2").ok()) << "from another address amy may log in";
  EXPECT_EQ(accounts_->Login("amy", "password1", "10.0.0.1").error().code, ErrorCode::kTooManyRequests)
      << "a success elsewhere does not clear this address's lock";
}

TEST_F(AccountsTest, ASuccessClearsTheUsernamesFailuresButNotTheAddressFailures) {
  Make("bob");
  Make("john");
  for (int round = 0; round < 3; ++round) {
    EXPECT_FALSE(accounts_->Login("bob", "wrong", "10.0.0.1").ok());
    EXPECT_FALSE(accounts_->Login("bob", "wrong", "10.0.0.1").ok());
    EXPECT_TRUE(accounts_->Login("bob", "password1", "10.0.0.1").ok()) << "round " << round;
  }
  // Six failures from 10.0.0.1 so far; successes never counted. Two more reach 8.
  EXPECT_FALSE(accounts_->Login("ghost", "wrong", "10.0.0.1").ok());
  EXPECT_TRUE(accounts_->Login("john", "password1", "10.0.0.1").ok());
  EXPECT_FALSE(accounts_->Login("ghost2", "wrong", "10.0.0.1").ok());
  EXPECT_EQ(accounts_->Login("john", "password1", "10.0.0.1").error().code, ErrorCode::kTooManyRequests);
  EXPECT_TRUE(accounts_->Login("john", "password1", "10.0.0.2").ok());
}

TEST_F(AccountsTest, OneUsernameFromManyAddressesIsLockedOut) {
  Make("amy");
  Make("john");
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(accounts_->Login("amy", "wrong", "10.0.1." + std::to_string(i)).ok());
  auto amy = accounts_->Login("amy", "password1", "10.0.2.1");
  ASSERT_FALSE(amy.ok()) << "a distributed run against one account stops at 5";
  EXPECT_EQ(amy.error().code, ErrorCode::kTooManyRequests);
  EXPECT_GT(amy.error().retry_after_seconds, 0);
  EXPECT_EQ(accounts_->Login("amy", "password1", "").error().code, ErrorCode::kTooManyRequests);
  EXPECT_TRUE(accounts_->Login("john", "password1", "10.0.1.0").ok());
}

TEST_F(AccountsTest, ManyUsernamesFromOneAddressAreLockedOut) {
  Make("john");
  for (int i = 0; i < 8; ++i) {
    auto r = accounts_->Login("user" + std::to_string(i), "password1", "10.9.9.9");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << i;
  }
  auto stuffed = accounts_->Login("user8", "password1", "10.9.9.9");
  EXPECT_EQ(stuffed.error().code, ErrorCode::kTooManyRequests);
  EXPECT_GT(stuffed.error().retry_after_seconds, 0);
  EXPECT_EQ(accounts_->Login("john", "password1", "10.9.9.9").error().code, ErrorCode::kTooManyRequests)
      << "the whole address waits";
  EXPECT_TRUE(accounts_->Login("john", "password1", "10.9.9.8").ok());
}

TEST_F(AccountsTest, LockedAttemptsAreNotCheckedAndAddNoFailures) {
  Make("amy");
  Make("john");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(accounts_->Login("amy", "wrong", "10.0.0.1").ok());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(accounts_->Login("amy", "wrong", "10.0.0.1").error().code, ErrorCode::kTooManyRequests);
  }
  EXPECT_EQ(accounts_->Login("amy", "password1", "10.0.0.1").error().code, ErrorCode::kTooManyRequests)
      << "the right password is not even checked";
  auto count = [&](const std::string& scope) {
    return db_->Read([&](store::Tx& tx) {
      return tx.QueryOne("SELECT COUNT(*) FROM login_failures WHERE scope = ?", {store::Text(scope)})->Int(0);
    });
  };
  EXPECT_EQ(count("address"), 3);
  EXPECT_EQ(count("username"), 3);
  EXPECT_EQ(count("username_address"), 3);
  // So the address has room for four more failures before it locks.
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(accounts_->Login("ghost" + std::to_string(i), "x", "10.0.0.1").ok());
  EXPECT_TRUE(accounts_->Login("john", "password1", "10.0.0.1").ok());
}

TEST_F(AccountsTest, UnknownUsernamesCountAsKnownOnes) {
  Make("known");
  for (int i = 0; i < 3; ++i) {
    auto unknown = accounts_->Login("nobody", "wrong", "10.0.0.1");
    auto known = accounts_->Login("known", "wrong", "10.0.0.2");
    EXPECT_EQ(unknown.error().code, known.error().code);
    EXPECT_EQ(unknown.error().message, known.error().message);
  }
  auto unknown = accounts_->Login("nobody", "wrong", "10.0.0.1");
  auto known = accounts_->Login("known", "wrong", "10.0.0.2");
  EXPECT_EQ(unknown.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(known.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(unknown.error().message.substr(0, 30), known.error().message.substr(0, 30));
}

TEST_F(AccountsTest, OnlyFailuresInTheWindowCountAndOldOnesAreDeleted) {
  Make("amy");
  std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  db_->Write([&](store::Tx& tx) {
    // Old enough to be out of the 900-second window: they count for nothing.
    for (int i = 0; i < 50; ++i) {
      tx.Exec("INSERT INTO login_failures (scope, key, at) VALUES ('address', ?, ?)",
              {store::Text("10.5.5." + std::to_string(i)), store::Int(now - 901 - i)});
      tx.Exec("INSERT INTO login_failures (scope, key, at) VALUES ('username_address', '10.0.0.1 amy', ?)",
              {store::Int(now - 1000 - i)});
    }
    // Two inside it, 100 and 200 seconds old.
    tx.Exec("INSERT INTO login_failures (scope, key, at) VALUES ('username_address', '10.0.0.1 amy', ?)",
            {store::Int(now - 100)});
    tx.Exec("INSERT INTO login_failures (scope, key, at) VALUES ('username_address', '10.0.0.1 amy', ?)",
            {store::Int(now - 200)});
  });
  EXPECT_FALSE(accounts_->Login("amy", "wrong", "10.0.0.1").ok());
  auto locked = accounts_->Login("amy", "password1", "10.0.0.1");
  ASSERT_EQ(locked.error().code, ErrorCode::kTooManyRequests);
  // Free again when the oldest of the three ages out, 200 seconds ago plus the window.
  EXPECT_NEAR(locked.error().retry_after_seconds, 700, 3);
  auto rows = db_->Read([](store::Tx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM login_failures")->Int(0); });
  EXPECT_EQ(rows, 5) << "the failure recorded three rows and deleted every expired one";
}

TEST_F(AccountsTest, EachLockoutIsLoggedOnceAsAWarning) {
  auto out = std::make_shared<std::ostringstream>();
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out));
  logger->set_pattern("%l %v");
  spdlog::set_default_logger(logger);
  Make("amy");
  EXPECT_FALSE(accounts_->Login("amy", "secret-guess-1", "10.0.0.1").ok());
  EXPECT_FALSE(accounts_->Login("amy", "secret-guess-2", "10.0.0.1").ok());
  EXPECT_EQ(out->str(), "") << "nothing is locked yet";
  EXPECT_FALSE(accounts_->Login("amy", "secret-guess-3", "10.0.0.1").ok());
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(accounts_->Login("amy", "secret-guess-4", "10.0.0.1").ok());
  EXPECT_FALSE(accounts_->Login("a\"my\n", "x", "10.0.0.2").ok());
  EXPECT_FALSE(accounts_->Login("a\"my\n", "x", "10.0.0.2").ok());
  EXPECT_FALSE(accounts_->Login("a\"my\n", "x", "10.0.0.2").ok());
  spdlog::set_default_logger(previous);

  std::string log = out->str();
  EXPECT_EQ(log,
            "warning login lockout: scope=username_address username=\"amy\" address=10.0.0.1 failures=3 window=900s\n"
            "warning login lockout: scope=username_address username=\"a\\x22my\\x0a\" address=10.0.0.2 failures=3 "
            "window=900s\n");
  EXPECT_EQ(log.find("secret-guess"), std::string::npos) << "no password in the log";
}

TEST_F(AccountsTest, TokensSessionsAndRevocation) {
  Make("carol", auth::Role::kCoach);
  auto login = accounts_->Login("carol", "password1", "");
  ASSERT_TRUE(login.ok());
  auto token = accounts_->Authenticate(CredentialKind::kToken, login->token);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->principal.role, auth::Role::kCoach);
  EXPECT_FALSE(token->principal.via_session);
  EXPECT_FALSE(accounts_->Authenticate(CredentialKind::kSession, login->token).ok()) << "kinds do not mix";
  auto session = accounts_->Authenticate(CredentialKind::kSession, login->session_id);
  ASSERT_TRUE(session.ok());
  EXPECT_TRUE(session->principal.via_session);
  EXPECT_EQ(session->csrf_digest, auth::SecretDigest(login->csrf_token));
  accounts_->Revoke(token->principal.token_id);
  EXPECT_EQ(accounts_->Authenticate(CredentialKind::kToken, login->token).error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accounts_->Authenticate(CredentialKind::kSession, login->session_id).ok());
  ASSERT_TRUE(accounts_->Deactivate("carol").ok());
  EXPECT_FALSE(accounts_->Authenticate(CredentialKind::kSession, login->session_id).ok());
  EXPECT_EQ(accounts_->Login("carol", "password1", "").error().message, "Unable to log in with provided credentials.");
  EXPECT_EQ(accounts_->SetRole("carol", auth::Role::kAdmin)->role, auth::Role::kAdmin);
  EXPECT_EQ(accounts_->List().size(), 1u);
}

}  // namespace
}  // namespace kairos::service
