// Everything an operator can set, with its default. Each field has a command-line flag
// and a KAIROS_* environment variable (see the README).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kairos/core/result.hpp"

namespace kairos::app {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string db = "./data/kairos.db";
  std::string port_file;  // when set, the bound port is written here once listening
  int io_threads = 2;
  // Handlers block on the database, so there are more of them than cores: writers that
  // wait share one SQLite commit (group commit), and readers overlap.
  int worker_threads = 8;
  // GET and HEAD: -1 picks by backend (0 with SQLite, whose reads never wait on the network:
  // they run on the I/O thread that read them; the worker pool with PostgreSQL), 0 on the
  // I/O threads, N > 0 on a pool of N threads of their own.
  int read_threads = -1;
  int db_readers = 8;
  int db_pool_size = 8;  // PostgreSQL connections per server, shared by reads and writes
  bool sqlite_sync_full = false;
  // Answers of the read routes marked keep_answer are kept while nothing they read can
  // have changed (http::AnswerKeeper). Only with SQLite, whose data_version tells every
  // commit of any process; with PostgreSQL other instances write unseen.
  bool keep_answers = true;
  std::size_t body_limit = 1 << 20;
  std::size_t header_limit = 16 << 10;
  int header_timeout_ms = 10'000;
  int body_timeout_ms = 30'000;
  int idle_timeout_ms = 75'000;
  int shutdown_timeout_ms = 15'000;
  std::string log_level = "info";
  std::string log_format = "text";  // or "json": one object per line
  bool access_log = true;

  // Accounts and authentication.
  std::int64_t token_ttl_seconds = 30 * 24 * 3600;  // bearer tokens and sessions
  int login_max_failures = 10;                      // per username from one client address...
  int login_max_account_failures = 50;              // per username, from any address...
  int login_max_address_failures = 100;             // per client address, any username...
  std::int64_t login_failure_window_seconds = 900;  // ...within this window; then 429
  std::vector<std::string> trusted_proxies;         // IPs or CIDRs whose X-Forwarded-For is believed
  std::vector<std::string> cors_origins;            // origins browsers may call from (CORS); none: off
  unsigned long long argon2_opslimit = 2;           // libsodium's OPSLIMIT_INTERACTIVE
  std::size_t argon2_memlimit = 64 << 20;           // libsodium's MEMLIMIT_INTERACTIVE
  int hash_concurrency = 2;                         // password hashes computed at once
  bool secure_cookies = false;                      // mark session cookies Secure (HTTPS)
  bool consultants_require_auth = false;            // face 004 needs credentials (its document: none)

  // Calendar integration. Empty provider URLs mean the provider's public endpoints.
  std::vector<std::string> calendar_redirect_uris;  // OAuth redirect URIs allowed, exactly
  std::string calendar_key;                         // 64 hex characters; wins over the key file
  std::string calendar_key_file;                    // empty: calendar.key beside the database
  int calendar_http_timeout_ms = 10'000;            // each outgoing request to a provider
  int busy_refresh_seconds = 300;                   // how often each calendar's busy time is read again
  bool calendar_allow_private = false;              // subscriptions over http:// or at private addresses
  std::string google_client_id;
  std::string google_client_secret;
  std::string google_auth_url;
  std::string google_token_url;
  std::string google_api_url;
  std::string outlook_client_id;
  std::string outlook_client_secret;
  std::string outlook_auth_url;
  std::string outlook_token_url;
  std::string outlook_api_url;

  // Notifications (docs/notifications.md).
  int notify_poll_ms = 1000;           // how often the dispatcher looks for due deliveries
  int notify_retry_base_ms = 30'000;   // the first retry's delay; doubles up to an hour
  bool webhooks_allow_private = false; // allow webhook targets on loopback/private addresses
  std::string smtp_url;                // smtp:// or smtps:// server; empty: email off
  std::string smtp_user;
  std::string smtp_password_file;      // the SMTP password, in a file (first line)
  std::string smtp_from;               // the sender address; required with smtp_url
  std::string public_url;              // where people reach this server (emails' manage links); empty: none
  int notify_reminder_clock_offset_s = 0;  // tests only: the reminder scan's clock runs this far ahead
  int notify_retention_days = 30;      // sent or given-up events older than this are deleted
};

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// Parses "host:port" or "[v6]:port". Port 0 asks for a free port.
Result<ListenAddress> ParseListen(const std::string& listen);

}  // namespace kairos::app
