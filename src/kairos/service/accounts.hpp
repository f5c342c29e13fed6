// Accounts and their credentials: sign-up, login with throttling, tokens and sessions,
// roles and deactivation. Knows nothing of HTTP or JSON; every face uses it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/auth/password_hasher.hpp"
#include "kairos/auth/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

struct Account {
  std::int64_t id = 0;
  std::string uuid;
  std::string username;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string timezone = "UTC";
  auth::Role role = auth::Role::kClient;
  bool is_active = true;
};

struct NewAccount {
  std::string username;
  std::string email;
  std::string password;
  std::string first_name;
  std::string last_name;
  std::string timezone = "UTC";
  auth::Role role = auth::Role::kClient;
};

struct AccountsOptions {
  std::chrono::seconds credential_ttl = std::chrono::hours(24 * 30);  // tokens and sessions
  int max_login_failures = 10;  // per username and per client address, within the window
  std::chrono::seconds failure_window = std::chrono::minutes(15);
};

// What a successful login hands out: a bearer token, and a session id with its CSRF
// token for browsers. The secrets exist only here; the database keeps their digests.
struct LoginResult {
  Account account;
  std::string token;
  std::string session_id;
  std::string csrf_token;
  std::chrono::seconds ttl{0};
};

enum class CredentialKind { kToken, kSession };

// A credential that checked out: who it belongs to, and for a session the digest of its
// CSRF token (empty for tokens).
struct Authenticated {
  auth::Principal principal;
  std::string csrf_digest;
};

class Accounts {
 public:
  Accounts(store::Database& db, auth::PasswordHasher& hasher, AccountsOptions options);

  // Creates an account with any role (the operator's command line). Validates every
  // field; a taken username or email (case-insensitive) is a Conflict naming the field.
  Result<Account> Create(const NewAccount& in);
  // Creates an account on its owner's request: as Create, but the admin role is refused.
  Result<Account> SignUp(const NewAccount& in);
  // Creates an account that cannot log in (no password, no email; the admin role is
  // refused). Its username is "<username_prefix>-<id>", with a random suffix if another
  // account already took that name. Names and the time zone are validated as in Create.
  Result<Account> CreateWithoutLogin(std::string_view username_prefix, const NewAccount& in);

  // Checks a username (or, failing that, an email) and password. Unknown users, wrong
  // passwords and inactive accounts all get the same InvalidArgument; repeated failures
  // per username or per address get TooManyRequests with retry_after_seconds set.
  // Rehashes the password when the hashing parameters have changed.
  Result<LoginResult> Login(std::string_view username, std::string_view password, std::string_view address);

  // Resolves a token or session secret to its live, unexpired, unrevoked credential of
  // an active account; anything else is Unauthenticated.
  Result<Authenticated> Authenticate(CredentialKind kind, std::string_view secret);

  // Revokes the token or session row with that id (idempotent).
  void Revoke(std::int64_t credential_id);

  Result<Account> FindById(std::int64_t id);
  Result<Account> FindByUuid(std::string_view uuid);
  Result<Account> FindByUsername(std::string_view username);  // case-insensitive
  Result<Account> FindByEmail(std::string_view email);        // case-insensitive
  // True when the account exists and may act (log in, book, be booked).
  bool IsActive(std::int64_t id);

  Result<Account> SetRole(std::string_view username, auth::Role role);
  // Deactivates the account and revokes all its credentials.
  Result<Account> Deactivate(std::string_view username);
  // Every account, by id.
  std::vector<Account> List();

 private:
  Result<Account> Find(std::string_view where, store::Value key);
  Result<void> CheckThrottle(const std::string& username_key, std::string_view address, std::int64_t now);
  void RecordFailure(const std::string& username_key, std::string_view address, std::int64_t now);

  store::Database& db_;
  auth::PasswordHasher& hasher_;
  AccountsOptions options_;
};

// Field rules, shared with faces that validate before calling (all return InvalidArgument
// naming the field).
Status ValidateUsername(std::string_view username);
Status ValidateEmail(std::string_view email);
Status ValidatePassword(std::string_view password);

// The case-insensitive key a username or email is unique by (ASCII letters folded).
std::string CaseKey(std::string_view s);

// How an account is named to others: "first last" without surrounding blanks, or the
// username when both names are blank.
std::string DisplayName(std::string_view first_name, std::string_view last_name, std::string_view username);

}  // namespace kairos::service
