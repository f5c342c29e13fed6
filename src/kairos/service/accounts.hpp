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
#include "kairos/core/time.hpp"
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
  bool can_sign_in = false;  // it has a password (accounts made through face 004 have none)
  Instant created_at{};
  Instant updated_at{};
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

// Failed logins are counted within failure_window under three keys; when one reaches
// its limit, logins under that key are refused with TooManyRequests until enough of its
// failures age out. A username is case-folded and need not name an account.
struct AccountsOptions {
  std::chrono::seconds credential_ttl = std::chrono::hours(24 * 30);  // tokens and sessions
  int max_login_failures = 10;     // per username from one client address
  int max_account_failures = 50;   // per username, from every address together
  int max_address_failures = 100;  // per client address, for every username together
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

  // Checks a username (or, failing that, an email) and password from a client address.
  // Unknown users, wrong passwords and inactive accounts all get the same
  // InvalidArgument, and each such failure counts under the username, the username with
  // the address, and the address (see AccountsOptions). While any of the three is at its
  // limit, the login gets TooManyRequests with retry_after_seconds set, without the
  // password being checked and without counting as a failure. A success clears the
  // username's failures and the username-with-address ones, never the address's. Each
  // lockout is logged once as a warning. Rehashes the password when the hashing
  // parameters have changed. An empty address counts under the username alone.
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
  struct ThrottleKey {
    const char* scope;  // login_failures.scope
    std::string key;
    int limit;
  };
  std::vector<ThrottleKey> ThrottleKeys(const std::string& username_key, std::string_view address) const;
  Result<void> CheckThrottle(const std::vector<ThrottleKey>& keys, std::int64_t now);
  void RecordFailure(const std::vector<ThrottleKey>& keys, std::string_view username, std::string_view address,
                     std::int64_t now);

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
