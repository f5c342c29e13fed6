#include "kairos/app/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "kairos/store/postgres/postgres_database.hpp"

namespace kairos::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPostgresAdvice =
    "is a PostgreSQL database: back it up with PostgreSQL's own tools, e.g.\n"
    "  pg_dump --format=custom --file=kairos.dump \"$KAIROS_DB\"\n"
    "and restore with\n"
    "  pg_restore --clean --if-exists --no-owner --dbname=\"$KAIROS_DB\" kairos.dump\n"
    "(see docs/deployment.md)";

std::string SqlitePath(const std::string& db) { return db.rfind("sqlite:", 0) == 0 ? db.substr(7) : db; }

// An open SQLite handle, closed on scope exit.
class Handle {
 public:
  Handle(const std::string& path, int flags) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw std::runtime_error("cannot open " + path + ": " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
  }
  ~Handle() { Close(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  sqlite3* get() const { return db_; }
  void Close() {
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
  }

  // Runs statements; throws with SQLite's message, or returns the SQLite code when it is
  // one of `allowed` (e.g. SQLITE_BUSY) so the caller can decide.
  int Exec(const std::string& sql, int allowed = SQLITE_OK) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    if (rc == SQLITE_OK || (allowed != SQLITE_OK && (rc & 0xff) == allowed)) return rc & 0xff;
    throw std::runtime_error(sql + ": " + message);
  }

  // The first column of every row of a query.
  std::vector<std::string> Column(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      auto text = sqlite3_column_text(st, 0);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// "ok", or what PRAGMA integrity_check found (its first lines).
std::string IntegrityCheck(Handle& db) {
  auto rows = db.Column("PRAGMA integrity_check(20)");
  if (rows.size() == 1 && rows[0] == "ok") return "ok";
  std::string out;
  for (const auto& r : rows) out += (out.empty() ? "" : "; ") + r;
  return out.empty() ? "no answer" : out;
}

// The Kairos schema version a database holds, or -1 when it is not a Kairos database.
int SchemaVersionOf(Handle& db) {
  auto tables = db.Column("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (tables.empty()) return -1;
  auto v = db.Column("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return v.empty() ? -1 : std::stoi(v[0]);
}

// Copies every page of src's main database into dest's in one step: one read
// transaction on src, so one consistent snapshot. Retries while src is locked.
void CopyDatabase(Handle& src, Handle& dest) {
  sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", src.get(), "main");
  if (backup == nullptr) throw std::runtime_error(std::string("backup failed: ") + sqlite3_errmsg(dest.get()));
  int rc;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_DONE) break;
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    break;
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("backup failed: ") + sqlite3_errstr(rc));
}

void Fsync(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Writes a checked, self-contained copy of src to `tmp`; returns its schema version.
int WriteCopy(Handle& src, const fs::path& tmp) {
  fs::remove(tmp);
  Handle dest(tmp.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  CopyDatabase(src, dest);
  // The copy carries the source's WAL flag; a backup should be one file.
  dest.Exec("PRAGMA journal_mode=DELETE");
  std::string check = IntegrityCheck(dest);
  if (check != "ok") throw std::runtime_error("the copy failed its integrity check: " + check);
  int version = SchemaVersionOf(dest);
  dest.Close();
  Fsync(tmp, false);
  return version;
}

fs::path TempBeside(const fs::path& target, const char* what) {
  return target.parent_path() / ("." + target.filename().string() + "." + what + "-" + std::to_string(::getpid()));
}

}  // namespace

int Backup(const Config& config, const std::string& to) {
  if (store::IsPostgresUrl(config.db)) {
    std::cerr << "error: --db " << kPostgresAdvice << "\n";
    return 2;
  }
  fs::path source = SqlitePath(config.db);
  fs::path target = fs::absolute(to);
  fs::path tmp = TempBeside(target, "backup");
  try {
    if (!fs::exists(source)) throw std::runtime_error("no database at " + source.string());
    if (fs::exists(target) && fs::equivalent(source, target)) throw std::runtime_error("--to is the database itself");
    fs::create_directories(target.parent_path());
    // Read-write (a reader of a WAL database may need to create its shared-memory file),
    // never create: a mistyped --db must not produce an empty backup.
    Handle src(source.string(), SQLITE_OPEN_READWRITE);
    sqlite3_busy_timeout(src.get(), 5000);
    if (SchemaVersionOf(src) < 0) throw std::runtime_error(source.string() + " is not a Kairos database");
    int version = WriteCopy(src, tmp);
    src.Close();
    fs::rename(tmp, target);
    Fsync(target.parent_path(), true);
    std::cout << "backup of " << source.string() << " written to " << target.string() << " (schema version "
              << version << ", integrity ok)\n";
    return 0;
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    std::cerr << "error: backup failed: " << e.what() << "\n";
    return 1;
  }
}

int Restore(const Config& config, const std::string& from) {
  if (store::IsPostgresUrl(config.db)) {
    std::cerr << "error: --db " << kPostgresAdvice << "\n";
    return 2;
  }
  fs::path target = fs::absolute(SqlitePath(config.db));
  fs::path source = from;
  fs::path tmp = TempBeside(target, "restore");
  try {
    if (!fs::exists(source)) throw std::runtime_error("no backup at " + source.string());
    if (fs::exists(target) && fs::equivalent(source, target)) throw std::runtime_error("--from is the database itself");
    fs::create_directories(target.parent_path());
    int version;
    {
      Handle src(source.string(), SQLITE_OPEN_READWRITE);
      sqlite3_busy_timeout(src.get(), 5000);
      std::string check = IntegrityCheck(src);
      if (check != "ok") throw std::runtime_error(source.string() + " failed its integrity check: " + check);
      if (SchemaVersionOf(src) < 0) throw std::runtime_error(source.string() + " is not a Kairos database");
      version = WriteCopy(src, tmp);
    }

    // Nobody may have the database open: every connection to a WAL database holds a
    // shared lock on it, so an exclusive lock is refused while a server runs. The lock
    // is held until the copy is in place.
    std::optional<Handle> lock;
    fs::path kept = target.string() + ".before-restore";
    if (fs::exists(target)) {
      lock.emplace(target.string(), SQLITE_OPEN_READWRITE);
      sqlite3_busy_timeout(lock->get(), 1000);
      lock->Exec("PRAGMA locking_mode=EXCLUSIVE");
      if (lock->Exec("BEGIN EXCLUSIVE", SQLITE_BUSY) == SQLITE_BUSY) {
        throw std::runtime_error(target.string() +
                                 " is in use (a server or another command has it open); stop it first");
      }
      lock->Exec("COMMIT");
      // Fold the write-ahead log into the file being replaced, so what is kept is whole.
      lock->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
      fs::rename(target, kept);
    }
    fs::rename(tmp, target);
    lock.reset();
    // The log and shared-memory files left beside it belong to the replaced database; the
    // copy is a single file (rollback journal mode) until a server opens it.
    std::error_code ignored;
    fs::remove(target.string() + "-wal", ignored);
    fs::remove(target.string() + "-shm", ignored);
    fs::remove(target.string() + "-journal", ignored);
    Fsync(target.parent_path(), true);

    Handle result(target.string(), SQLITE_OPEN_READWRITE);
    std::string check = IntegrityCheck(result);
    if (check != "ok") throw std::runtime_error("the restored database failed its integrity check: " + check);
    result.Close();
    std::cout << "restored " << target.string() << " from " << source.string() << " (schema version " << version
              << ", integrity ok)";
    if (fs::exists(kept)) std::cout << "; the replaced database is kept as " << kept.string();
    std::cout << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    std::cerr << "error: restore failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace kairos::app
