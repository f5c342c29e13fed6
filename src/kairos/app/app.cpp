#include "kairos/app/app.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "kairos/app/logging.hpp"
#include "kairos/app/metrics.hpp"
#include "kairos/api/authenticator.hpp"
#include "kairos/api/businesses/business_routes.hpp"
#include "kairos/api/calendar/calendar_routes.hpp"
#include "kairos/api/coach/booking_routes.hpp"
#include "kairos/api/consultants/consultant_routes.hpp"
#include "kairos/api/meetings/account_routes.hpp"
#include "kairos/api/meetings/availability_routes.hpp"
#include "kairos/api/meetings/meeting_routes.hpp"
#include "kairos/api/ops/ops_routes.hpp"
#include "kairos/api/time_slots/time_slot_routes.hpp"
#include "kairos/api/v1/booking_routes.hpp"
#include "kairos/api/v1/event_type_routes.hpp"
#include "kairos/api/v1/freebusy_routes.hpp"
#include "kairos/api/v1/hold_routes.hpp"
#include "kairos/api/v1/kit.hpp"
#include "kairos/api/v1/me_routes.hpp"
#include "kairos/api/v1/schedule_routes.hpp"
#include "kairos/api/v1/team_routes.hpp"
#include "kairos/api/v1/slot_routes.hpp"
#include "kairos/api/v1/webhook_routes.hpp"
#include "kairos/auth/password_hasher.hpp"
#include "kairos/pages/page_routes.hpp"
#include "kairos/booking/events.hpp"
#include "kairos/http/answer_keeper.hpp"
#include "kairos/http/metrics.hpp"
#include "kairos/http/server.hpp"
#include "kairos/service/businesses.hpp"
#include "kairos/service/calendar_busy.hpp"
#include "kairos/service/calendar_sync.hpp"
#include "kairos/service/coach_bookings.hpp"
#include "kairos/service/consultants.hpp"
#include "kairos/service/event_types.hpp"
#include "kairos/service/meetings.hpp"
#include "kairos/service/notifications.hpp"
#include "kairos/service/schedules.hpp"
#include "kairos/service/teams.hpp"
#include "kairos/service/time_slots.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/postgres/postgres_database.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::app {

std::unique_ptr<store::Database> OpenDatabase(const Config& config) {
  std::unique_ptr<store::Database> db;
  if (store::IsPostgresUrl(config.db)) {
    store::PostgresOptions options;
    options.pool_size = config.db_pool_size;
    db = store::OpenPostgres(config.db, options);
  } else {
    std::string path = config.db;
    if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
    store::SqliteOptions options;
    options.readers = config.db_readers;
    options.synchronous_full = config.sqlite_sync_full;
    db = store::OpenSqlite(path, options);
  }
  int applied = store::Migrate(*db);
  if (applied > 0) spdlog::info("applied {} migration(s); schema version {}", applied, store::SchemaVersion(*db));
  return db;
}

service::AccountsOptions AccountsOptionsFrom(const Config& config) {
  service::AccountsOptions o;
  o.credential_ttl = std::chrono::seconds(config.token_ttl_seconds);
  o.max_login_failures = config.login_max_failures;
  o.max_account_failures = config.login_max_account_failures;
  o.max_address_failures = config.login_max_address_failures;
  o.failure_window = std::chrono::seconds(config.login_failure_window_seconds);
  return o;
}

// The calendar integration's settings: the operator's values over the providers' defaults.
service::CalendarSyncOptions CalendarSyncOptionsFrom(const Config& config) {
  service::CalendarSyncOptions o;
  o.redirect_uris = config.calendar_redirect_uris;
  auto set = [](std::string& field, const std::string& value) {
    if (!value.empty()) field = value;
  };
  set(o.google.client_id, config.google_client_id);
  set(o.google.client_secret, config.google_client_secret);
  set(o.google.authorize_url, config.google_auth_url);
  set(o.google.token_url, config.google_token_url);
  set(o.google.api_url, config.google_api_url);
  set(o.outlook.client_id, config.outlook_client_id);
  set(o.outlook.client_secret, config.outlook_client_secret);
  set(o.outlook.authorize_url, config.outlook_auth_url);
  set(o.outlook.token_url, config.outlook_token_url);
  set(o.outlook.api_url, config.outlook_api_url);
  return o;
}

// The key that seals calendar credentials: configured, or kept in a file beside the database.
Result<service::SecretBox> OpenCalendarKey(const Config& config) {
  if (!config.calendar_key.empty()) return service::SecretBox::FromHexKey(config.calendar_key);
  std::string path = config.calendar_key_file;
  if (path.empty() && store::IsPostgresUrl(config.db)) {
    // Instances share the database, so they must share the key: no per-machine default.
    return InvalidArgument(
        "with a PostgreSQL database, set --calendar-key (the same on every instance) or --calendar-key-file",
        "calendar_key");
  }
  if (path.empty()) {
    std::string db = config.db.rfind("sqlite:", 0) == 0 ? config.db.substr(7) : config.db;
    path = (std::filesystem::path(db).parent_path() / "calendar.key").string();
  }
  return service::SecretBox::FromKeyFile(path);
}

// A database URL may carry a password; logs show it without.
std::string RedactedDb(const std::string& db) {
  auto scheme = db.find("://");
  auto at = db.rfind('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return db;
  auto colon = db.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return db;
  return db.substr(0, colon + 1) + "***" + db.substr(at);
}

// The address to show a person for a listening address: a wildcard is reached locally.
std::string DisplayUrl(const std::string& host, std::uint16_t port) {
  std::string h = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  return "http://" + h + ":" + std::to_string(port);
}

// How the settings line names where GET and HEAD run (ServerOptions::read_threads).
std::string ReadThreadsName(int read_threads) {
  return read_threads == 0 ? "io" : read_threads < 0 ? "workers" : std::to_string(read_threads);
}

// What the startup lines say about the database: its kind, where, and its schema.
std::string DescribeDb(const Config& config, store::Database& db) {
  std::string version = std::to_string(store::SchemaVersion(db));
  if (store::IsPostgresUrl(config.db)) return "PostgreSQL " + RedactedDb(config.db) + ", schema version " + version;
  std::string path = config.db.rfind("sqlite:", 0) == 0 ? config.db.substr(7) : config.db;
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return "SQLite " + (ec ? path : absolute.lexically_normal().string()) + ", schema version " + version;
}

bool HasActiveAdmin(store::Database& db) {
  return db.Read([](store::Tx& tx) {
    auto rows = tx.Query("SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND is_active = 1");
    return !rows.empty() && rows[0].Int(0) > 0;
  });
}

int Serve(const Config& config) {
  auto listen = ParseListen(config.listen);
  if (!listen.ok()) {
    spdlog::error("{}", listen.error().message);
    return 2;
  }
  auto trusted_proxies = http::TrustedProxies::Parse(config.trusted_proxies);
  if (!trusted_proxies.ok()) {
    spdlog::error("{}", trusted_proxies.error().message);
    return 2;
  }
  auto cors = http::CorsPolicy::Parse(config.cors_origins);
  if (!cors.ok()) {
    spdlog::error("{}", cors.error().message);
    return 2;
  }
  http::ServerOptions options;
  options.host = listen->host;
  options.port = listen->port;
  options.io_threads = config.io_threads;
  options.worker_threads = config.worker_threads;
  // PostgreSQL reads wait on the network, so they keep the worker pool by default.
  options.read_threads = config.read_threads >= 0 ? config.read_threads : store::IsPostgresUrl(config.db) ? -1 : 0;
  spdlog::debug("settings: io-threads={} worker-threads={} read-threads={} db-readers={} db-pool-size={} body-limit={} "
                "header-limit={} header-timeout-ms={} body-timeout-ms={} idle-timeout-ms={} trusted-proxies={} "
                "cors-origins={}",
                config.io_threads, config.worker_threads, ReadThreadsName(options.read_threads), config.db_readers,
                config.db_pool_size, config.body_limit,
                config.header_limit, config.header_timeout_ms, config.body_timeout_ms, config.idle_timeout_ms,
                config.trusted_proxies.size(), config.cors_origins.size());

  options.body_limit = config.body_limit;
  options.header_limit = config.header_limit;
  options.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  options.body_timeout = std::chrono::milliseconds(config.body_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  options.shutdown_timeout = std::chrono::milliseconds(config.shutdown_timeout_ms);
  options.access_log = config.access_log;
  options.access_logger = LogAccess;
  options.trusted_proxies = *trusted_proxies;
  options.cors = *cors;

  // Bind first: a busy port is reported before the database is created or migrated.
  // Connections that arrive meanwhile wait in the backlog until the routes are ready.
  http::Metrics metrics;
  http::Router router;
  http::Server server(options, router, metrics);
  std::uint16_t port;
  try {
    port = server.Listen();
  } catch (const std::exception& e) {
    spdlog::error("{} (is another server running? choose another with --listen)", e.what());
    return 1;
  }

  std::unique_ptr<store::Database> db;
  try {
    db = OpenDatabase(config);
  } catch (const std::exception& e) {
    spdlog::error("cannot open database: {}", e.what());
    return 1;
  }
  // Exact with SQLite, whose data_version moves with every commit of any process.
  std::optional<http::AnswerKeeper> keeper;
  if (config.keep_answers && !store::IsPostgresUrl(config.db)) {
    // SQLite's data_version moves with every commit, also another process's (a command
    // run beside the server, or anything else writing the file).
    keeper.emplace(
        [&db] {
          auto version = db ? db->DataVersion() : std::nullopt;
          return version ? *version : store::WriteGeneration();
        },
        [] { return booking::ClockNow().time_since_epoch().count(); });
    router.KeepAnswers(&*keeper);
    metrics.AddCollector([&keeper](http::Exposition& out) {
      auto counts = keeper->counts();
      out.Family("kairos_kept_answers_total", "counter",
                 "Answers of the availability views by source: kept (the same request within the second, no "
                 "write since) or computed.");
      out.Sample("kairos_kept_answers_total", {{"source", "kept"}}, static_cast<double>(counts.kept));
      out.Sample("kairos_kept_answers_total", {{"source", "computed"}}, static_cast<double>(counts.computed));
    });
  }

  std::unique_ptr<auth::PasswordHasher> hasher;
  try {
    hasher = std::make_unique<auth::PasswordHasher>(auth::HashParams{config.argon2_opslimit, config.argon2_memlimit},
                                                    config.hash_concurrency);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  service::Accounts accounts(*db, *hasher, AccountsOptionsFrom(config));

  std::optional<Result<service::SecretBox>> calendar_key;
  try {
    calendar_key.emplace(OpenCalendarKey(config));
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  if (!calendar_key->ok()) {
    spdlog::error("{}", calendar_key->error().message);
    return 2;
  }
  auto calendar_http = service::MakeCurlFetcher(std::chrono::milliseconds(config.calendar_http_timeout_ms));
  service::CalendarSync calendar_sync(*db, **calendar_key, *calendar_http, CalendarSyncOptionsFrom(config));
  service::CalendarFeeds calendar_feeds(*db);
  service::FreeBusyFeeds freebusy_feeds(*db);
  service::BusyOptions busy_options;
  busy_options.refresh = std::chrono::seconds(config.busy_refresh_seconds);
  busy_options.allow_private = config.calendar_allow_private;
  service::CalendarBusy calendar_busy(*db, **calendar_key, *calendar_http, busy_options, &calendar_sync);

  api::InstallAuthenticator(router, accounts);
  router.on_exception = [](const http::Request& req, const std::string& what) {
    spdlog::error("handler failed: {} {} id={}: {}", http::MethodName(req.method), req.path, req.request_id, what);
  };
  // The composition root: every service is built once, here, and the faces get references.
  service::Meetings meetings(*db, accounts);
  service::Consultants consultants(*db, accounts);
  service::CoachBookings coach_bookings(*db, accounts, [&calendar_sync](std::string_view id, Instant now) {
    calendar_sync.CancelExternalEvents(id, now);
  });
  service::Businesses businesses(*db);
  service::TimeSlots time_slots(*db);
  service::Schedules schedules(*db);
  service::EventTypes event_types(*db);
  service::Teams teams(*db);
  service::v1::V1Bookings v1_bookings(*db, &**calendar_key, [&calendar_sync](std::string_view id, Instant now) {
    calendar_sync.CancelExternalEvents(id, now);
  });
  service::Idempotency idempotency(*db);
  service::Webhooks webhooks(*db, config.webhooks_allow_private, &**calendar_key);
  if (int sealed = webhooks.SealStoredSecrets(); sealed > 0) {
    spdlog::info("notifications: sealed {} webhook secret(s) stored in clear", sealed);
  }

  InstallMetrics(metrics, *db);
  api::RegisterOpsRoutes(router, metrics, [&db] { return db->Ping(); });
  api::meetings::RegisterAccountRoutes(
      router, accounts,
      {.secure_cookies = config.secure_cookies,
       .consultant_id_of = [&db](std::int64_t account_id) { return service::ConsultantNumberOf(*db, account_id); }});
  api::meetings::RegisterAvailabilityRoutes(router, meetings);
  api::meetings::RegisterMeetingRoutes(router, meetings);
  api::consultants::RegisterConsultantRoutes(router, consultants, {.require_auth = config.consultants_require_auth});
  api::coach::RegisterBookingRoutes(router, coach_bookings);
  api::calendar::RegisterCalendarRoutes(router, calendar_sync, calendar_feeds, calendar_busy);
  api::businesses::RegisterBusinessRoutes(router, businesses);
  api::time_slots::RegisterTimeSlotRoutes(router, time_slots);
  // Kairos's own API (docs/api.md): problem details for everything under /v1/.
  api::v1::InstallPrefix(router);
  api::v1::RegisterMeRoutes(router, accounts);
  api::v1::RegisterScheduleRoutes(router, schedules);
  api::v1::RegisterEventTypeRoutes(router, event_types);
  api::v1::RegisterTeamRoutes(router, teams);
  api::v1::RegisterSlotRoutes(router, v1_bookings);
  api::v1::RegisterHoldRoutes(router, v1_bookings, idempotency);
  api::v1::RegisterBookingRoutes(router, v1_bookings, idempotency);
  api::v1::RegisterWebhookRoutes(router, webhooks);
  api::v1::RegisterFreeBusyRoutes(router, freebusy_feeds, accounts);
  // The pages a person reads in a browser (docs/pages.md), over /v1 from the browser.
  pages::RegisterPageRoutes(router, {accounts, event_types, v1_bookings});

  // The notification dispatcher: delivers the outbox the booking module writes, until the
  // server stops (SIGTERM: the attempt in flight finishes, then the thread is joined).
  service::DispatcherOptions dispatch;
  dispatch.poll = std::chrono::milliseconds(config.notify_poll_ms);
  dispatch.retry_base = std::chrono::milliseconds(config.notify_retry_base_ms);
  dispatch.retention = std::chrono::hours(24) * config.notify_retention_days;
  dispatch.allow_private = config.webhooks_allow_private;
  if (!config.smtp_url.empty()) {
    if (config.smtp_from.empty()) {
      spdlog::error("--smtp-url needs --smtp-from (the sender address of booking emails)");
      return 2;
    }
    dispatch.smtp_url = config.smtp_url;
    dispatch.smtp_user = config.smtp_user;
    dispatch.smtp_from = config.smtp_from;
    if (!config.smtp_password_file.empty()) {
      std::ifstream in(config.smtp_password_file);
      if (!in) {
        spdlog::error("cannot read the SMTP password file {}", config.smtp_password_file);
        return 2;
      }
      std::getline(in, dispatch.smtp_password);
      if (!dispatch.smtp_password.empty() && dispatch.smtp_password.back() == '\r') dispatch.smtp_password.pop_back();
    }
  }
  booking::SetEmailNotifications(!dispatch.smtp_url.empty());
  dispatch.public_url = config.public_url;
  while (!dispatch.public_url.empty() && dispatch.public_url.back() == '/') dispatch.public_url.pop_back();
  dispatch.reminder_clock_offset = std::chrono::seconds(config.notify_reminder_clock_offset_s);
  service::Dispatcher dispatcher(*db, dispatch, &**calendar_key);

  if (!config.port_file.empty()) {
    std::string tmp = config.port_file + ".tmp";
    {
      std::ofstream out(tmp);
      out << port << "\n";
    }
    std::rename(tmp.c_str(), config.port_file.c_str());
  }
  std::string url = DisplayUrl(listen->host, port);
  spdlog::info("kairos {} listening on {}:{} ({})", KAIROS_VERSION, listen->host, port, url);
  try {
    spdlog::info("database: {}", DescribeDb(config, *db));
    if (!HasActiveAdmin(*db)) {
      std::string db_flag = store::IsPostgresUrl(config.db) ? "\"$KAIROS_DB\"" : config.db;
      spdlog::info("next step: no admin account yet; create one with: kairos user add --db {} --username admin "
                   "--email admin@example.com --role admin --password-stdin",
                   db_flag);
    }
  } catch (const std::exception& e) {
    spdlog::warn("cannot read the database: {}", e.what());
  }
  spdlog::info("API description: {}/openapi.json (health: /healthz, /readyz; metrics: /metrics; docs: README.md)",
               url);
  dispatcher.Start();
  // Busy time from connected calendars: read in the background, never while answering.
  calendar_busy.Start();
  spdlog::info("busy time: connected calendars read every {} s{}", config.busy_refresh_seconds,
               config.calendar_allow_private ? " (subscriptions at private addresses allowed)" : "");
  if (dispatch.smtp_url.empty()) {
    spdlog::info("notifications: webhooks on (dispatcher {}); email off (no --smtp-url)", dispatcher.instance());
  } else {
    spdlog::info("notifications: webhooks on (dispatcher {}); email on through {} from {}", dispatcher.instance(),
                 RedactedDb(dispatch.smtp_url), dispatch.smtp_from);
    if (dispatch.public_url.empty()) {
      spdlog::info("notifications: no --public-url, so booking emails carry no manage link");
    } else {
      spdlog::info("notifications: booking emails link {}/manage/<booking id>?token=...", dispatch.public_url);
    }
  }
  if (dispatch.reminder_clock_offset.count() != 0) {
    spdlog::warn("notifications: the reminder clock runs {} s ahead (--notify-reminder-clock-offset-s, tests only)",
                 dispatch.reminder_clock_offset.count());
  }
  server.Run();
  calendar_busy.Stop();  // before the database closes
  dispatcher.Stop();
  db->Close();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace kairos::app
