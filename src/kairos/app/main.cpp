// The kairos command: serve, migrate, version (and account administration).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>

#include "kairos/app/app.hpp"
#include "kairos/store/migrations.hpp"

namespace {

void AddDbFlag(CLI::App* cmd, kairos::app::Config& config) {
  cmd->add_option("--db", config.db, "SQLite database file (created with its folder if missing)")
      ->envname("KAIROS_DB")
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  kairos::app::Config config;
  CLI::App cli{"Kairos: a scheduling and booking server.\n"
               "Every flag can also be set with the environment variable shown beside it."};
  cli.require_subcommand(1);
  cli.add_option("--log-level", config.log_level, "Log level: debug, info, warn, error")
      ->envname("KAIROS_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();

  auto* serve = cli.add_subcommand("serve", "Serve HTTP (creates and migrates the database first)");
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
  serve->add_option("--db-readers", config.db_readers, "Pooled read connections to the database")
      ->envname("KAIROS_DB_READERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_flag("--sqlite-sync-full,!--no-sqlite-sync-full", config.sqlite_sync_full,
                  "fsync every commit (survives power loss; a process crash is survived either way)")
      ->envname("KAIROS_SQLITE_SYNC_FULL");
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

  auto* migrate = cli.add_subcommand("migrate", "Create the database if needed and apply pending migrations");
  AddDbFlag(migrate, config);

  auto* version = cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);
  kairos::app::ConfigureLogging(config.log_level);

  if (*version) {
    std::cout << "kairos " << KAIROS_VERSION << "\n";
    return 0;
  }
  if (*migrate) {
    try {
      auto db = kairos::app::OpenDatabase(config);
      std::cout << "schema version " << kairos::store::SchemaVersion(*db) << "\n";
      db->Close();
      return 0;
    } catch (const std::exception& e) {
      spdlog::error("migration failed: {}", e.what());
      return 1;
    }
  }
  return kairos::app::Serve(config);
}
