// The kairos command: serve, migrate, version, backup and restore, and account administration.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <iostream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "kairos/app/app.hpp"
#include "kairos/app/backup.hpp"
#include "kairos/app/config_file.hpp"
#include "kairos/app/logging.hpp"
#include "kairos/app/user_commands.hpp"
#include "kairos/http/client_address.hpp"
#include "kairos/http/cors.hpp"
#include "kairos/store/migrations.hpp"

namespace {

void AddDbFlag(CLI::App* cmd, kairos::app::Config& config) {
  cmd->add_option("--db", config.db,
                  "SQLite database file (created with its folder if missing), or a "
                  "postgresql://user:pass@host:port/dbname URL")
      ->envname("KAIROS_DB")
      ->capture_default_str();
}

// Password hashing cost; `serve` and `user add` share it.
void AddHashFlags(CLI::App* cmd, kairos::app::Config& config) {
  cmd->add_option("--argon2-opslimit", config.argon2_opslimit, "Argon2id passes per password hash")
      ->envname("KAIROS_ARGON2_OPSLIMIT")
      ->check(CLI::Range(1ULL, 1ULL << 32))
      ->capture_default_str();
  cmd->add_option("--argon2-memlimit", config.argon2_memlimit, "Argon2id memory per password hash, in bytes")
      ->envname("KAIROS_ARGON2_MEMLIMIT")
      ->check(CLI::Range(static_cast<std::size_t>(8192), static_cast<std::size_t>(1) << 32))
      ->capture_default_str();
}

// The option a configuration key names on one command: its flag without the dashes.
// Negated names (no-...) are not keys: a boolean key takes true or false.
CLI::Option* OptionForKey(CLI::App* app, const std::string& key) {
  if (key.empty() || key == "help" || key == "config" || key.rfind("no-", 0) == 0) return nullptr;
  return app->get_option_no_throw("--" + key);
}

// What a configuration value must be to fill an option, as the file's kinds.
enum class Wants { kBoolean, kInteger, kString, kStrings };
Wants WantsFor(const CLI::Option* opt) {
  if (opt->get_expected_max() == 0) return Wants::kBoolean;  // a flag
  if (opt->get_items_expected_max() > 1) return Wants::kStrings;
  std::string type = opt->get_type_name();
  if (type.rfind("INT", 0) == 0 || type.rfind("UINT", 0) == 0) return Wants::kInteger;
  return Wants::kString;
}

std::string_view WantsName(Wants w) {
  switch (w) {
    case Wants::kBoolean: return "a boolean (true or false)";
    case Wants::kInteger: return "an integer";
    case Wants::kString: return "a string";
    case Wants::kStrings: return "a string or an array of strings";
  }
  return "";
}

// Applies a configuration file to the command being run. Its keys are the flags of
// `serve` and the logging flags of the top level; a command takes the keys it has and
// ignores the others (so one file serves `serve`, `migrate`, `backup`, `user ...`). An
// option a flag or environment variable already set keeps that value: flag >
// environment > file > default. With `all`, every key is applied and checked regardless.
// Returns "" or an error naming the file and line; counts applied keys in *applied.
std::string ApplyConfigFile(const std::string& path, CLI::App* root, CLI::App* serve, CLI::App* command, bool all,
                            int* applied) {
  using kairos::app::ConfigValue;
  auto entries = kairos::app::ReadConfigFile(path);
  if (!entries.ok()) return entries.error().message;
  for (const auto& entry : *entries) {
    std::string where = path + ": line " + std::to_string(entry.line) + ": ";
    CLI::Option* known = OptionForKey(serve, entry.key);
    if (known == nullptr) known = OptionForKey(root, entry.key);
    if (known == nullptr) return where + "unknown key \"" + entry.key + "\" (keys are the flags of kairos serve)";
    Wants wants = WantsFor(known);
    const ConfigValue& v = entry.value;
    std::vector<std::string> results;
    bool fits = false;
    switch (wants) {
      case Wants::kBoolean:
        fits = v.kind == ConfigValue::Kind::kBoolean;
        results = {v.boolean ? "true" : "false"};
        break;
      case Wants::kInteger:
        fits = v.kind == ConfigValue::Kind::kInteger;
        results = {std::to_string(v.integer)};
        break;
      case Wants::kString:
        fits = v.kind == ConfigValue::Kind::kString;
        results = {v.string};
        break;
      case Wants::kStrings:
        fits = v.kind == ConfigValue::Kind::kString || v.kind == ConfigValue::Kind::kStringArray;
        results = v.kind == ConfigValue::Kind::kString ? std::vector<std::string>{v.string} : v.strings;
        break;
    }
    if (!fits) {
      return where + "\"" + entry.key + "\" must be " + std::string(WantsName(wants)) + ", not " +
             std::string(kairos::app::KindName(v.kind));
    }
    // Values whose form the option's own check does not cover.
    if (entry.key == "listen") {
      if (auto listen = kairos::app::ParseListen(results[0]); !listen.ok()) return where + listen.error().message;
    }
    if (entry.key == "trusted-proxies") {
      std::vector<std::string> items;  // a string may list several, comma-separated, as on the command line
      for (const auto& r : results) {
        for (std::size_t at = 0, comma; at <= r.size(); at = comma + 1) {
          comma = std::min(r.find(',', at), r.size());
          items.push_back(r.substr(at, comma - at));
        }
      }
      if (auto proxies = kairos::http::TrustedProxies::Parse(items); !proxies.ok()) {
        return where + proxies.error().message;
      }
    }
    if (entry.key == "cors-origins") {
      if (auto policy = kairos::http::CorsPolicy::Parse(results); !policy.ok()) return where + policy.error().message;
    }
    CLI::Option* target = OptionForKey(command, entry.key);
    if (target == nullptr) target = OptionForKey(root, entry.key);
    if (target == nullptr) continue;           // a key this command does not use
    if (!all && target->count() > 0) continue;  // set by a flag or the environment
    try {
      target->clear();
      for (auto& r : results) target->add_result(r);
      target->run_callback();
    } catch (const CLI::Error& e) {
      return where + e.what();
    }
    ++*applied;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  kairos::app::Config config;
  CLI::App cli{"Kairos: a scheduling and booking server.\n"
               "Every flag can also be set with the environment variable shown beside it."};
  cli.require_subcommand(1);
  // The logging flags belong to every command and may follow the command's name
  // (`kairos serve --log-level debug`): subcommands hand options they do not know to
  // their parent. Set before any subcommand is added, which inherits it.
  cli.fallthrough();
  cli.add_option("--log-level", config.log_level, "Log level: debug, info, warn, error (any command)")
      ->envname("KAIROS_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  cli.add_option("--log-format", config.log_format, "Log lines as text, or as one JSON object per line (any command)")
      ->envname("KAIROS_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  std::string config_path;
  cli.add_option("--config", config_path,
                 "Configuration file (TOML; keys are serve's flags without the dashes). Flags and environment "
                 "variables win over it (any command)")
      ->envname("KAIROS_CONFIG");

  auto* serve = cli.add_subcommand("serve", "Serve HTTP (creates and migrates the database first)");
  serve->footer(
      "Also (any command, before or after its name): --config FILE (KAIROS_CONFIG), --log-level LEVEL "
      "(KAIROS_LOG_LEVEL), --log-format text|json (KAIROS_LOG_FORMAT). Flags win over the environment, which wins "
      "over the file.");
  serve->add_option("--listen", config.listen, "Address to listen on, host:port (port 0 picks a free one)")
      ->envname("KAIROS_LISTEN")
      ->capture_default_str();
  AddDbFlag(serve, config);
  serve->add_option("--port-file", config.port_file, "Write the bound port to this file once listening")
      ->envname("KAIROS_PORT_FILE");
  serve->add_option("--io-threads", config.io_threads, "Threads that read and write sockets")
      ->envname("KAIROS_IO_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_option("--worker-threads", config.worker_threads, "Threads that run handlers (database, hashing)")
      ->envname("KAIROS_WORKER_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--read-threads", config.read_threads,
                    "Where GET and HEAD run: 0 on the I/O threads, N on a pool of their own, -1 by backend "
                    "(0 with SQLite, the worker pool with PostgreSQL)")
      ->envname("KAIROS_READ_THREADS")
      ->check(CLI::Range(-1, 256))
      ->capture_default_str();
  serve->add_option("--db-readers", config.db_readers, "Pooled read connections to the database")
      ->envname("KAIROS_DB_READERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_option("--db-pool-size", config.db_pool_size, "PostgreSQL connections, shared by reads and writes")
      ->envname("KAIROS_DB_POOL_SIZE")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_flag("--sqlite-sync-full,!--no-sqlite-sync-full", config.sqlite_sync_full,
                  "fsync every commit (survives power loss; a process crash is survived either way)")
      ->envname("KAIROS_SQLITE_SYNC_FULL");
  serve->add_flag("--keep-answers,!--no-keep-answers", config.keep_answers,
                  "Keep the answers of the faces' availability views within a second while no write commits "
                  "(SQLite only)")
      ->envname("KAIROS_KEEP_ANSWERS");
  serve->add_option("--body-limit", config.body_limit, "Largest request body in bytes (larger: 413)")
      ->envname("KAIROS_BODY_LIMIT")
      ->check(CLI::Range(static_cast<std::size_t>(1024), static_cast<std::size_t>(1) << 30))
      ->capture_default_str();
  serve->add_option("--header-limit", config.header_limit, "Largest request header block in bytes (larger: 431)")
      ->envname("KAIROS_HEADER_LIMIT")
      ->check(CLI::Range(static_cast<std::size_t>(1024), static_cast<std::size_t>(1) << 20))
      ->capture_default_str();
  serve->add_option("--header-timeout-ms", config.header_timeout_ms, "Time allowed to send a request's headers")
      ->envname("KAIROS_HEADER_TIMEOUT_MS")
      ->check(CLI::Range(10, 3'600'000))
      ->capture_default_str();
  serve->add_option("--body-timeout-ms", config.body_timeout_ms, "Time allowed to send a body or read a response")
      ->envname("KAIROS_BODY_TIMEOUT_MS")
      ->check(CLI::Range(10, 3'600'000))
      ->capture_default_str();
  serve->add_option("--idle-timeout-ms", config.idle_timeout_ms, "How long a kept-alive connection may sit idle")
      ->envname("KAIROS_IDLE_TIMEOUT_MS")
      ->check(CLI::Range(10, 3'600'000))
      ->capture_default_str();
  serve->add_option("--shutdown-timeout-ms", config.shutdown_timeout_ms,
                    "On SIGTERM/SIGINT, how long requests in flight may take to finish")
      ->envname("KAIROS_SHUTDOWN_TIMEOUT_MS")
      ->check(CLI::Range(0, 3'600'000))
      ->capture_default_str();
  serve->add_flag("--access-log,!--no-access-log", config.access_log, "Log one line per request")
      ->envname("KAIROS_ACCESS_LOG")
      ->capture_default_str();

  serve->add_option("--token-ttl-seconds", config.token_ttl_seconds, "Lifetime of login tokens and sessions")
      ->envname("KAIROS_TOKEN_TTL_SECONDS")
      ->check(CLI::Range(static_cast<std::int64_t>(60), static_cast<std::int64_t>(10) * 365 * 24 * 3600))
      ->capture_default_str();
  serve->add_option("--login-max-failures", config.login_max_failures,
                    "Failed logins allowed per username from one client address within the window (then 429)")
      ->envname("KAIROS_LOGIN_MAX_FAILURES")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  serve->add_option("--login-max-account-failures", config.login_max_account_failures,
                    "Failed logins allowed per username from all addresses together within the window (then 429)")
      ->envname("KAIROS_LOGIN_MAX_ACCOUNT_FAILURES")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  serve->add_option("--login-max-address-failures", config.login_max_address_failures,
                    "Failed logins allowed per client address for all usernames together within the window (then "
                    "429)")
      ->envname("KAIROS_LOGIN_MAX_ADDRESS_FAILURES")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  serve->add_option("--login-failure-window-seconds", config.login_failure_window_seconds,
                    "Window in which failed logins are counted")
      ->envname("KAIROS_LOGIN_FAILURE_WINDOW_SECONDS")
      ->check(CLI::Range(static_cast<std::int64_t>(1), static_cast<std::int64_t>(7) * 24 * 3600))
      ->capture_default_str();
  serve->add_option("--trusted-proxies", config.trusted_proxies,
                    "Reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For names the client "
                    "address; from any other peer the header is ignored")
      ->envname("KAIROS_TRUSTED_PROXIES")
      ->delimiter(',');
  serve->add_option("--cors-origins", config.cors_origins,
                    "Origins (scheme://host[:port], comma-separated; * for any, then without credentials) whose "
                    "browser scripts may call the API (CORS); none: no CORS headers at all")
      ->envname("KAIROS_CORS_ORIGINS")
      ->delimiter(',');
  AddHashFlags(serve, config);
  serve->add_option("--hash-concurrency", config.hash_concurrency,
                    "Password hashes computed at once (each takes argon2-memlimit bytes)")
      ->envname("KAIROS_HASH_CONCURRENCY")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_flag("--secure-cookies,!--no-secure-cookies", config.secure_cookies,
                  "Mark the session and CSRF cookies Secure (set when served over HTTPS)")
      ->envname("KAIROS_SECURE_COOKIES")
      ->capture_default_str();
  serve->add_flag("--consultants-require-auth,!--no-consultants-require-auth", config.consultants_require_auth,
                  "Require a token or session on the consultant routes (face 004 documents none)")
      ->envname("KAIROS_CONSULTANTS_REQUIRE_AUTH")
      ->capture_default_str();

  serve->add_option("--calendar-redirect-uris", config.calendar_redirect_uris,
                    "OAuth redirect URIs the calendar integration accepts, exactly (comma-separated)")
      ->envname("KAIROS_CALENDAR_REDIRECT_URIS")
      ->delimiter(',');
  serve->add_option("--calendar-key", config.calendar_key,
                    "Key sealing stored calendar credentials, webhook secrets and manage tokens: 64 hex characters "
                    "(default: the key file)")
      ->envname("KAIROS_CALENDAR_KEY");
  serve->add_option("--calendar-key-file", config.calendar_key_file,
                    "File holding that key, created with mode 0600 when missing (default: calendar.key beside the "
                    "database)")
      ->envname("KAIROS_CALENDAR_KEY_FILE");
  serve->add_option("--notify-poll-ms", config.notify_poll_ms,
                    "How often the notification dispatcher looks for due deliveries")
      ->envname("KAIROS_NOTIFY_POLL_MS")
      ->check(CLI::Range(10, 600'000))
      ->capture_default_str();
  serve->add_option("--notify-retry-base-ms", config.notify_retry_base_ms,
                    "Delay before a failed delivery's first retry; doubles each time, at most an hour")
      ->envname("KAIROS_NOTIFY_RETRY_BASE_MS")
      ->check(CLI::Range(10, 3'600'000))
      ->capture_default_str();
  serve->add_option("--notify-retention-days", config.notify_retention_days,
                    "Days sent or given-up notification events and their attempts are kept before deletion")
      ->envname("KAIROS_NOTIFY_RETENTION_DAYS")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  serve->add_flag("--webhooks-allow-private,!--no-webhooks-allow-private", config.webhooks_allow_private,
                  "Allow webhook targets on loopback, private and link-local addresses")
      ->envname("KAIROS_WEBHOOKS_ALLOW_PRIVATE")
      ->capture_default_str();
  serve->add_option("--smtp-url", config.smtp_url,
                    "SMTP server for booking emails, smtp://host:port or smtps://host:port (default: email off)")
      ->envname("KAIROS_SMTP_URL");
  serve->add_option("--smtp-user", config.smtp_user, "SMTP user name (default: no authentication)")
      ->envname("KAIROS_SMTP_USER");
  serve->add_option("--smtp-password-file", config.smtp_password_file, "File holding the SMTP password (first line)")
      ->envname("KAIROS_SMTP_PASSWORD_FILE");
  serve->add_option("--smtp-from", config.smtp_from, "Sender address of booking emails (required with --smtp-url)")
      ->envname("KAIROS_SMTP_FROM");
  serve->add_option("--public-url", config.public_url,
                    "Base URL people reach this server at, e.g. https://book.example.com; booking emails link "
                    "<url>/manage/<booking id>?token=... (default: no manage link)")
      ->envname("KAIROS_PUBLIC_URL");
  serve->add_option("--notify-reminder-clock-offset-s", config.notify_reminder_clock_offset_s,
                    "Tests only: the reminder scan reads a clock this many seconds ahead of the real one")
      ->envname("KAIROS_NOTIFY_REMINDER_CLOCK_OFFSET_S")
      ->check(CLI::Range(0, 40 * 86400))
      ->capture_default_str();
  serve->add_option("--calendar-http-timeout-ms", config.calendar_http_timeout_ms,
                    "Time allowed for each request to a calendar provider (then 502)")
      ->envname("KAIROS_CALENDAR_HTTP_TIMEOUT_MS")
      ->check(CLI::Range(100, 600'000))
      ->capture_default_str();
  serve->add_option("--busy-refresh", config.busy_refresh_seconds,
                    "Seconds between reads of each connected calendar's busy time (CalDAV, subscriptions)")
      ->envname("KAIROS_BUSY_REFRESH")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  serve->add_flag("--calendar-allow-private,!--no-calendar-allow-private", config.calendar_allow_private,
                  "Allow calendar subscriptions over http:// and at loopback, private and link-local addresses")
      ->envname("KAIROS_CALENDAR_ALLOW_PRIVATE")
      ->capture_default_str();
  for (auto [flag, field, what] : {
           std::tuple{"google-client-id", &config.google_client_id, "Google OAuth client id"},
           std::tuple{"google-client-secret", &config.google_client_secret, "Google OAuth client secret"},
           std::tuple{"google-auth-url", &config.google_auth_url, "Google authorization endpoint (default: Google's)"},
           std::tuple{"google-token-url", &config.google_token_url, "Google token endpoint (default: Google's)"},
           std::tuple{"google-api-url", &config.google_api_url, "Google Calendar API v3 base URL (default: Google's)"},
           std::tuple{"outlook-client-id", &config.outlook_client_id, "Microsoft OAuth client (application) id"},
           std::tuple{"outlook-client-secret", &config.outlook_client_secret, "Microsoft OAuth client secret"},
           std::tuple{"outlook-auth-url", &config.outlook_auth_url,
                      "Microsoft authorization endpoint (default: the common tenant's)"},
           std::tuple{"outlook-token-url", &config.outlook_token_url,
                      "Microsoft token endpoint (default: the common tenant's)"},
           std::tuple{"outlook-api-url", &config.outlook_api_url, "Microsoft Graph base URL (default: v1.0)"}}) {
    std::string env = std::string("KAIROS_") + flag;
    for (char& ch : env) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    serve->add_option(std::string("--") + flag, *field, what)->envname(env);
  }

  // Each subcommand binds its own Config: CLI11 applies environment variables to the
  // options of every subcommand, invoked or not, so a shared binding could overwrite a flag.
  kairos::app::Config migrate_config;
  auto* migrate = cli.add_subcommand("migrate", "Create the database if needed and apply pending migrations");
  AddDbFlag(migrate, migrate_config);

  auto* version = cli.add_subcommand("version", "Print the version");

  kairos::app::Config backup_config, restore_config;
  std::string backup_to, restore_from;
  auto* backup = cli.add_subcommand(
      "backup", "Copy a SQLite database to a file, consistently, while servers keep serving (PostgreSQL: pg_dump)");
  AddDbFlag(backup, backup_config);
  backup->add_option("--to", backup_to, "The backup file to write (replaced if it exists)")->required();
  auto* restore = cli.add_subcommand(
      "restore", "Replace a SQLite database with a backup; stop the servers first (PostgreSQL: pg_restore)");
  AddDbFlag(restore, restore_config);
  restore->add_option("--from", restore_from, "The backup file to restore")->required();

  kairos::app::UserArgs user_args;
  kairos::app::Config user_add_config, user_list_config, user_set_role_config, user_deactivate_config;
  auto* user = cli.add_subcommand("user", "Administer accounts (the only way to create an admin)");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create an account");
  AddDbFlag(user_add, user_add_config);
  AddHashFlags(user_add, user_add_config);
  user_add->add_option("--username", user_args.username, "Username (unique, case-insensitive)")->required();
  user_add->add_option("--email", user_args.email, "Email address (unique, case-insensitive)")->required();
  auto* password = user_add->add_option("--password", user_args.password, "Password (at least 8 characters)")
                       ->envname("KAIROS_USER_PASSWORD");
  auto* password_stdin =
      user_add->add_flag("--password-stdin", user_args.password_stdin, "Read the password from standard input");
  password->excludes(password_stdin);
  user_add->add_option("--role", user_args.role, "admin, coach or client")
      ->check(CLI::IsMember({"admin", "coach", "client"}))
      ->capture_default_str();
  user_add->add_option("--timezone", user_args.timezone, "IANA time zone")->capture_default_str();
  auto* user_list = user->add_subcommand("list", "List accounts: id, uuid, username, email, role, active");
  AddDbFlag(user_list, user_list_config);
  auto* user_set_role = user->add_subcommand("set-role", "Change an account's role");
  AddDbFlag(user_set_role, user_set_role_config);
  user_set_role->add_option("--username", user_args.username, "Username")->required();
  user_set_role->add_option("--role", user_args.role, "admin, coach or client")
      ->required()
      ->check(CLI::IsMember({"admin", "coach", "client"}));
  auto* user_deactivate = user->add_subcommand("deactivate", "Deactivate an account and revoke its credentials");
  AddDbFlag(user_deactivate, user_deactivate_config);
  user_deactivate->add_option("--username", user_args.username, "Username")->required();

  std::string check_path;
  auto* config_cmd = cli.add_subcommand("config", "Work with configuration files");
  config_cmd->require_subcommand(1);
  auto* config_check = config_cmd->add_subcommand("check", "Check a configuration file: exit 0 if valid, 2 if not");
  config_check->add_option("file", check_path, "The file to check")->required();

  CLI11_PARSE(cli, argc, argv);

  if (*config_check) {
    int applied = 0;
    std::string problem = ApplyConfigFile(check_path, &cli, serve, serve, true, &applied);
    if (!problem.empty()) {
      std::cerr << "error: " << problem << "\n";
      return 2;
    }
    std::cout << check_path << ": ok (" << applied << " setting" << (applied == 1 ? "" : "s") << ")\n";
    return 0;
  }
  if (!config_path.empty()) {
    CLI::App* command = &cli;
    while (!command->get_subcommands().empty()) command = command->get_subcommands().front();
    int applied = 0;
    std::string problem = ApplyConfigFile(config_path, &cli, serve, command, false, &applied);
    if (!problem.empty()) {
      std::cerr << "error: " << problem << "\n";
      return 2;
    }
  }
  kairos::app::ConfigureLogging(config.log_level, config.log_format == "json" ? kairos::app::LogFormat::kJson
                                                                              : kairos::app::LogFormat::kText);

  if (*version) {
    std::cout << "kairos " << KAIROS_VERSION << "\n";
    return 0;
  }
  if (*migrate) {
    try {
      auto db = kairos::app::OpenDatabase(migrate_config);
      std::cout << "schema version " << kairos::store::SchemaVersion(*db) << "\n";
      db->Close();
      return 0;
    } catch (const std::exception& e) {
      spdlog::error("migration failed: {}", e.what());
      return 1;
    }
  }
  if (*backup) return kairos::app::Backup(backup_config, backup_to);
  if (*restore) return kairos::app::Restore(restore_config, restore_from);
  if (*user_add) {
    if (!user_args.password_stdin && user_args.password.empty()) {
      std::cerr << "error: give --password or --password-stdin\n";
      return 2;
    }
    return kairos::app::UserAdd(user_add_config, user_args);
  }
  if (*user_list) return kairos::app::UserList(user_list_config);
  if (*user_set_role) return kairos::app::UserSetRole(user_set_role_config, user_args);
  if (*user_deactivate) return kairos::app::UserDeactivate(user_deactivate_config, user_args);
  return kairos::app::Serve(config);
}
