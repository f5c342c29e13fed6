#include "kairos/service/accounts.hpp"

#include <gtest/gtest.h>

#include <filesystem>

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

TEST_F(AccountsTest, LoginThrottlesAndASuccessClearsTheUsernamesFailures) {
  Make("bob");
  EXPECT_FALSE(accounts_->Login("bob", "wrong", "10.0.0.1").ok());
  EXPECT_FALSE(accounts_->Login("bob", "wrong", "10.0.0.2").ok());
  EXPECT_TRUE(accounts_->Login("bob", "password1", "10.0.0.3").ok()) << "two failures are under the limit";
  EXPECT_FALSE(accounts_->Login("bob", "wrong", "10.0.0.4").ok());
  EXPECT_FALSE(accounts_->Login("bob", "wrong", "10.0.0.5").ok());
  EXPECT_TRUE(accounts_->Login("bob", "password1", "10.0.0.6").ok()) << "the success cleared the earlier failures";
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(accounts_->Login("bob", "wrong", "10.0.1." + std::to_string(i)).ok());
  auto throttled = accounts_->Login("bob", "password1", "10.0.2.1");
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error().code, ErrorCode::kTooManyRequests);
  EXPECT_GT(throttled.error().retry_after_seconds, 0);
  // One address failing for many usernames is throttled too.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(accounts_->Login("ghost" + std::to_string(i), "x", "10.9.9.9").ok());
  EXPECT_EQ(accounts_->Login("other", "x", "10.9.9.9").error().code, ErrorCode::kTooManyRequests);
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
