#include "kairos/service/accounts.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "kairos/auth/crypto.hpp"
#include "kairos/core/time.hpp"

namespace kairos::service {
namespace {

using store::Int;
using store::Row;
using store::Text;
using store::Tx;

constexpr std::string_view kAccountColumns =
    "id, uuid, username, email, first_name, last_name, timezone, role, is_active, "
    "CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END, created_at, updated_at";
const char* const kLoginFailed = "Unable to log in with provided credentials.";

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A name as typed by a client, fit for one log line: quotes, backslashes and control
// characters become \xNN.
std::string LogSafe(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

bool HasSpaceOrControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

Account FromRow(const Row& row) {
  Account a;
  a.id = row.Int(0);
  a.uuid = row.Text(1);
  a.username = row.OptionalText(2).value_or("");
  a.email = row.OptionalText(3).value_or("");
  a.first_name = row.Text(4);
  a.last_name = row.Text(5);
  a.timezone = row.Text(6);
  a.role = auth::ParseRole(row.Text(7)).value_or(auth::Role::kClient);
  a.is_active = row.Bool(8);
  a.can_sign_in = row.Int(9) == 1;
  a.created_at = Instant{std::chrono::seconds{row.Int(10)}};
  a.updated_at = Instant{std::chrono::seconds{row.Int(11)}};
  return a;
}

bool ValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  int labels = 0;
  while (true) {
    auto dot = domain.find('.');
    std::string_view label = domain.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      auto u = static_cast<unsigned char>(c);
      bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u >= 0x80;
      if (!ok) return false;
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return labels >= 2;
}

Status ValidateName(std::string_view value, const char* field) {
  if (CodePoints(value) > 150) return InvalidArgument(std::string(field) + " must be at most 150 characters.", field);
  return {};
}

}  // namespace

std::string DisplayName(std::string_view first_name, std::string_view last_name, std::string_view username) {
  std::string name = std::string(first_name) + " " + std::string(last_name);
  auto first = name.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return std::string(username);
  return name.substr(first, name.find_last_not_of(" \t\r\n") - first + 1);
}

std::string CaseKey(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status ValidateUsername(std::string_view username) {
  if (username.empty()) return InvalidArgument("username must not be empty.", "username");
  if (CodePoints(username) > 150) return InvalidArgument("username must be at most 150 characters.", "username");
  if (HasSpaceOrControl(username)) {
    return InvalidArgument("username must not contain spaces or control characters.", "username");
  }
  return {};
}

Status ValidateEmail(std::string_view email) {
  Error bad = InvalidArgument("email is not a valid email address.", "email");
  if (email.empty()) return InvalidArgument("email must not be empty.", "email");
  if (email.size() > 254) return InvalidArgument("email must be at most 254 characters.", "email");
  auto at = email.rfind('@');
  if (at == std::string_view::npos || HasSpaceOrControl(email)) return bad;
  std::string_view local = email.substr(0, at);
  if (local.empty() || local.size() > 64 || local.find('@') != std::string_view::npos) return bad;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return bad;
  if (!ValidDomain(email.substr(at + 1))) return bad;
  return {};
}

Status ValidatePassword(std::string_view password) {
  if (CodePoints(password) < 8) return InvalidArgument("password must be at least 8 characters long.", "password");
  if (password.size() > 4096) return InvalidArgument("password must be at most 4096 bytes.", "password");
  return {};
}

Accounts::Accounts(store::Database& db, auth::PasswordHasher& hasher, AccountsOptions options)
    : db_(db), hasher_(hasher), options_(options) {}

Result<Account> Accounts::SignUp(const NewAccount& in) {
  if (in.role == auth::Role::kAdmin) {
    return InvalidArgument("role admin cannot be requested at sign-up; use client or coach.", "role");
  }
  return Create(in);
}

Result<Account> Accounts::Create(const NewAccount& in) {
  if (auto s = ValidateUsername(in.username); !s) return s.error();
  if (auto s = ValidateEmail(in.email); !s) return s.error();
  if (auto s = ValidatePassword(in.password); !s) return s.error();
  if (auto s = ValidateName(in.first_name, "first_name"); !s) return s.error();
  if (auto s = ValidateName(in.last_name, "last_name"); !s) return s.error();
  if (auto zone = FindZone(in.timezone, "timezone"); !zone) return zone.error();

  std::string username_key = CaseKey(in.username);
  std::string email_key = CaseKey(in.email);
  auto duplicate = [&](Tx& tx) -> std::optional<Error> {
    if (tx.QueryOne("SELECT 1 FROM accounts WHERE username_key = ?", {Text(username_key)})) {
      return Conflict("A user with that username already exists.", "username");
    }
    if (tx.QueryOne("SELECT 1 FROM accounts WHERE email_key = ?", {Text(email_key)})) {
      return Conflict("A user with that email already exists.", "email");
    }
    return std::nullopt;
  };
  // Checked before hashing so a duplicate costs no argon2 time, and again in the write.
  if (auto dup = db_.Read(duplicate)) return *dup;
  std::string hash = hasher_.Hash(in.password);

  Account a;
  a.uuid = auth::NewUuid();
  a.username = in.username;
  a.email = in.email;
  a.first_name = in.first_name;
  a.last_name = in.last_name;
  a.timezone = in.timezone;
  a.role = in.role;
  a.can_sign_in = true;
  try {
    return db_.Write([&](Tx& tx) -> Result<Account> {
      if (auto dup = duplicate(tx)) return *dup;
      std::int64_t now = NowSeconds();
      auto row = tx.QueryOne(
          "INSERT INTO accounts (uuid, username, username_key, email, email_key, first_name, last_name, password_hash, "
          "role, is_active, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
          {Text(a.uuid), Text(a.username), Text(username_key), Text(a.email), Text(email_key), Text(a.first_name),
           Text(a.last_name), Text(hash), Text(std::string(auth::RoleName(a.role))), Text(a.timezone), Int(now),
           Int(now)});
      a.id = row->Int(0);
      return a;
    });
  } catch (const store::StoreError& e) {
    // Another writer (another server on the same database) won the race.
    if (e.kind() != store::StoreError::Kind::kUniqueViolation) throw;
    if (std::string_view(e.what()).find("email_key") != std::string_view::npos) {
      return Conflict("A user with that email already exists.", "email");
    }
    return Conflict("A user with that username already exists.", "username");
  }
}

Result<Account> Accounts::CreateWithoutLogin(std::string_view username_prefix, const NewAccount& in) {
  if (in.role == auth::Role::kAdmin) return InvalidArgument("An account without login cannot be an admin.", "role");
  if (auto s = ValidateName(in.first_name, "first_name"); !s) return s.error();
  if (auto s = ValidateName(in.last_name, "last_name"); !s) return s.error();
  if (auto zone = FindZone(in.timezone, "timezone"); !zone) return zone.error();

  Account a;
  a.uuid = auth::NewUuid();
  a.first_name = in.first_name;
  a.last_name = in.last_name;
  a.timezone = in.timezone;
  a.role = in.role;
  return db_.Write([&](Tx& tx) -> Result<Account> {
    std::int64_t now = NowSeconds();
    // The name needs the id, so the row is inserted nameless and named in the same transaction.
    a.id = tx.QueryOne(
                 "INSERT INTO accounts (uuid, first_name, last_name, role, is_active, timezone, created_at, "
                 "updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
                 {Text(a.uuid), Text(a.first_name), Text(a.last_name), Text(std::string(auth::RoleName(a.role))),
                  Text(a.timezone), Int(now), Int(now)})
               ->Int(0);
    a.username = std::string(username_prefix) + "-" + std::to_string(a.id);
    if (tx.QueryOne("SELECT 1 FROM accounts WHERE username_key = ?", {Text(CaseKey(a.username))})) {
      a.username += "-" + a.uuid.substr(0, 8);
    }
    tx.Exec("UPDATE accounts SET username = ?, username_key = ? WHERE id = ?",
            {Text(a.username), Text(CaseKey(a.username)), Int(a.id)});
    return a;
  });
}

std::vector<Accounts::ThrottleKey> Accounts::ThrottleKeys(const std::string& username_key,
                                                         std::string_view address) const {
  std::vector<ThrottleKey> keys = {{"username", username_key, options_.max_account_failures}};
  if (!address.empty()) {
    // An address never holds a space, so the pair's key is unambiguous.
    keys.push_back({"username_address", std::string(address) + " " + username_key, options_.max_login_failures});
    keys.push_back({"address", std::string(address), options_.max_address_failures});
  }
  return keys;
}

Result<void> Accounts::CheckThrottle(const std::vector<ThrottleKey>& keys, std::int64_t now) {
  std::int64_t window = options_.failure_window.count();
  int retry = db_.Read([&](Tx& tx) {
    std::int64_t wait = 0;
    for (const ThrottleKey& k : keys) {
      auto count = tx.QueryOne("SELECT COUNT(*) FROM login_failures WHERE scope = ? AND key = ? AND at > ?",
                               {Text(k.scope), Text(k.key), Int(now - window)});
      std::int64_t n = count->Int(0);
      if (n < k.limit) continue;
      // The key frees up when so many failures have aged out that fewer than the limit
      // remain: when the (n - limit + 1)th oldest in the window does.
      auto oldest = tx.QueryOne(
          "SELECT at FROM login_failures WHERE scope = ? AND key = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?",
          {Text(k.scope), Text(k.key), Int(now - window), Int(n - k.limit)});
      wait = std::max(wait, oldest ? oldest->Int(0) + window - now : window);
    }
    return static_cast<int>(std::max<std::int64_t>(wait, 0));
  });
  if (retry > 0) {
    return TooManyRequests("Too many failed login attempts. Try again in " + std::to_string(retry) + " seconds.",
                           retry);
  }
  return {};
}

void Accounts::RecordFailure(const std::vector<ThrottleKey>& keys, std::string_view username,
                             std::string_view address, std::int64_t now) {
  std::int64_t since = now - options_.failure_window.count();
  std::vector<const ThrottleKey*> locked;
  db_.Write([&](Tx& tx) {
    locked.clear();  // the transaction may run again
    // Failures out of the window count for nothing: dropping them all here keeps the
    // table as small as the traffic of one window.
    tx.Exec("DELETE FROM login_failures WHERE at <= ?", {Int(since)});
    for (const ThrottleKey& k : keys) {
      tx.Exec("INSERT INTO login_failures (scope, key, at) VALUES (?, ?, ?)", {Text(k.scope), Text(k.key), Int(now)});
    }
    for (const ThrottleKey& k : keys) {
      auto count = tx.QueryOne("SELECT COUNT(*) FROM login_failures WHERE scope = ? AND key = ? AND at > ?",
                               {Text(k.scope), Text(k.key), Int(since)});
      // Locked keys take no more failures, so a key passes its limit exactly once.
      if (count->Int(0) == k.limit) locked.push_back(&k);
    }
  });
  for (const ThrottleKey* k : locked) {
    spdlog::warn("login lockout: scope={} username=\"{}\" address={} failures={} window={}s", k->scope,
                 LogSafe(username), address.empty() ? "-" : LogSafe(address), k->limit, options_.failure_window.count());
  }
}

Result<LoginResult> Accounts::Login(std::string_view username, std::string_view password, std::string_view address) {
  std::int64_t now = NowSeconds();
  std::string key = CaseKey(username);
  auto throttle_keys = ThrottleKeys(key, address);
  if (auto s = CheckThrottle(throttle_keys, now); !s) return s.error();

  struct Stored {
    Account account;
    std::optional<std::string> hash;
  };
  auto stored = db_.Read([&](Tx& tx) -> std::optional<Stored> {
    std::string sql = "SELECT " + std::string(kAccountColumns) + ", password_hash FROM accounts WHERE ";
    auto row = tx.QueryOne(sql + "username_key = ?", {Text(key)});
    if (!row) row = tx.QueryOne(sql + "email_key = ?", {Text(key)});
    if (!row) return std::nullopt;
    return Stored{FromRow(*row), row->OptionalText(12)};
  });

  bool ok = false;
  if (stored && stored->hash) {
    ok = hasher_.Verify(*stored->hash, password);
  } else {
    hasher_.VerifyDummy(password);
  }
  if (!ok || !stored->account.is_active) {
    RecordFailure(throttle_keys, username, address, now);
    return InvalidArgument(kLoginFailed);
  }

  std::optional<std::string> rehashed;
  if (hasher_.NeedsRehash(*stored->hash)) rehashed = hasher_.Hash(password);

  LoginResult out;
  out.account = stored->account;
  out.token = auth::RandomSecret();
  out.session_id = auth::RandomSecret();
  out.csrf_token = auth::RandomSecret();
  out.ttl = options_.credential_ttl;
  std::int64_t expires = now + options_.credential_ttl.count();
  db_.Write([&](Tx& tx) {
    // The address's failures stay: they are other people's too.
    for (const ThrottleKey& k : throttle_keys) {
      if (std::string_view(k.scope) == "address") continue;
      tx.Exec("DELETE FROM login_failures WHERE scope = ? AND key = ?", {Text(k.scope), Text(k.key)});
    }
    if (rehashed) {
      tx.Exec("UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?",
              {Text(*rehashed), Int(now), Int(out.account.id)});
    }
    tx.Exec("INSERT INTO auth_tokens (account_id, token_hash, kind, csrf_token, created_at, expires_at) "
            "VALUES (?, ?, 'token', NULL, ?, ?)",
            {Int(out.account.id), Text(auth::SecretDigest(out.token)), Int(now), Int(expires)});
    tx.Exec("INSERT INTO auth_tokens (account_id, token_hash, kind, csrf_token, created_at, expires_at) "
            "VALUES (?, ?, 'session', ?, ?, ?)",
            {Int(out.account.id), Text(auth::SecretDigest(out.session_id)), Text(auth::SecretDigest(out.csrf_token)),
             Int(now), Int(expires)});
  });
  return out;
}

Result<Authenticated> Accounts::Authenticate(CredentialKind kind, std::string_view secret) {
  if (!auth::LooksLikeSecret(secret)) {
    return Unauthenticated(kind == CredentialKind::kToken ? "Invalid token." : "Invalid session.");
  }
  std::string digest = auth::SecretDigest(secret);
  auto row = db_.Read([&](Tx& tx) {
    return tx.QueryOne(
        "SELECT t.id, t.kind, t.csrf_token, t.expires_at, t.revoked_at, a.id, a.uuid, a.role, a.timezone, a.is_active "
        "FROM auth_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?",
        {Text(digest)});
  });
  const char* kind_name = kind == CredentialKind::kToken ? "token" : "session";
  if (!row || row->Text(1) != kind_name || !row->IsNull(4)) {
    return Unauthenticated(kind == CredentialKind::kToken ? "Invalid token." : "Invalid session.");
  }
  if (row->Int(3) <= NowSeconds()) {
    return Unauthenticated(kind == CredentialKind::kToken ? "Token has expired." : "Session has expired.");
  }
  if (!row->Bool(9)) return Unauthenticated("User inactive or deleted.");
  Authenticated out;
  out.principal.token_id = row->Int(0);
  out.principal.via_session = kind == CredentialKind::kSession;
  out.principal.account_id = row->Int(5);
  out.principal.account_uuid = row->Text(6);
  out.principal.role = auth::ParseRole(row->Text(7)).value_or(auth::Role::kClient);
  out.principal.timezone = row->Text(8);
  out.csrf_digest = row->OptionalText(2).value_or("");
  return out;
}

void Accounts::Revoke(std::int64_t credential_id) {
  db_.Write([&](Tx& tx) {
    tx.Exec("UPDATE auth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            {Int(NowSeconds()), Int(credential_id)});
  });
}

Result<Account> Accounts::Find(std::string_view where, store::Value key) {
  auto row = db_.Read([&](Tx& tx) {
    return tx.QueryOne("SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE " + std::string(where) + " = ?",
                       {std::move(key)});
  });
  if (!row) return NotFound("User not found.");
  return FromRow(*row);
}

Result<Account> Accounts::FindById(std::int64_t id) { return Find("id", Int(id)); }
Result<Account> Accounts::FindByUuid(std::string_view uuid) { return Find("uuid", Text(CaseKey(uuid))); }
Result<Account> Accounts::FindByUsername(std::string_view username) { return Find("username_key", Text(CaseKey(username))); }
Result<Account> Accounts::FindByEmail(std::string_view email) { return Find("email_key", Text(CaseKey(email))); }

bool Accounts::IsActive(std::int64_t id) {
  auto a = FindById(id);
  return a.ok() && a->is_active;
}

Result<Account> Accounts::SetRole(std::string_view username, auth::Role role) {
  auto a = FindByUsername(username);
  if (!a) return a.error();
  db_.Write([&](Tx& tx) {
    tx.Exec("UPDATE accounts SET role = ?, updated_at = ? WHERE id = ?",
            {Text(std::string(auth::RoleName(role))), Int(NowSeconds()), Int(a->id)});
  });
  a->role = role;
  return a;
}

Result<Account> Accounts::Deactivate(std::string_view username) {
  auto a = FindByUsername(username);
  if (!a) return a.error();
  db_.Write([&](Tx& tx) {
    std::int64_t now = NowSeconds();
    tx.Exec("UPDATE accounts SET is_active = 0, updated_at = ? WHERE id = ?", {Int(now), Int(a->id)});
    tx.Exec("UPDATE auth_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL", {Int(now), Int(a->id)});
  });
  a->is_active = false;
  return a;
}

std::vector<Account> Accounts::List() {
  return db_.Read([&](Tx& tx) {
    std::vector<Account> out;
    for (const Row& row : tx.Query("SELECT " + std::string(kAccountColumns) + " FROM accounts ORDER BY id")) {
      out.push_back(FromRow(row));
    }
    return out;
  });
}

}  // namespace kairos::service
