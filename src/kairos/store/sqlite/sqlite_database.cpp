#include "kairos/store/sqlite/sqlite_database.hpp"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace kairos::store {
namespace {

std::atomic<std::uint64_t> vm_steps{0};  // see SqliteVmSteps

// Looks prepared statements up by the SQL text without copying it into a key first.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
};

[[noreturn]] void Fail(sqlite3* db, int rc, std::string_view what) {
  int ext = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  std::string message = std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      throw StoreError(StoreError::Kind::kUniqueViolation, message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      throw StoreError(StoreError::Kind::kForeignKeyViolation, message);
    case SQLITE_CONSTRAINT_CHECK:
      throw StoreError(StoreError::Kind::kCheckViolation, message);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw StoreUnavailable(StoreUnavailable::Kind::kBusy, message);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      throw StoreUnavailable(StoreUnavailable::Kind::kConnectionLost, message);
    default:
      throw StoreError(StoreError::Kind::kOther, message);
  }
}

class Connection final : public Tx {
 public:
  Connection(const std::string& path, const SqliteOptions& options, bool read_only) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw std::runtime_error("cannot open database " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    ExecScript("PRAGMA journal_mode=WAL");
    ExecScript(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    ExecScript("PRAGMA foreign_keys=ON");
    // SQLite's default page cache is 2 MB per connection: on a database of hundreds of MB
    // every lookup then descends through pages read in again. 32 MB each (the pool's few
    // connections) keeps the indexes' upper levels resident; reads map the file instead of
    // copying pages in (mmap_size), which SQLite keeps consistent with the WAL.
    ExecScript("PRAGMA cache_size=-32768");
    ExecScript("PRAGMA mmap_size=268435456");
    if (read_only) ExecScript("PRAGMA query_only=ON");
  }

  ~Connection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  std::vector<Row> Query(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = Prepare(sql, params);
    std::vector<Row> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      int n = sqlite3_column_count(stmt);
      Row row;
      row.columns.reserve(n);
      for (int i = 0; i < n; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER:
            row.columns.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, i)));
            break;
          case SQLITE_FLOAT:
            row.columns.emplace_back(sqlite3_column_double(stmt, i));
            break;
          case SQLITE_NULL:
            row.columns.emplace_back(nullptr);
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
            row.columns.emplace_back(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    Finish(stmt, rc, sql);
    return rows;
  }

  std::int64_t Exec(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = Prepare(sql, params);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    Finish(stmt, rc, sql);
    return sqlite3_changes64(db_);
  }

  // Rows inserted, updated or deleted on this connection since it opened (triggers
  // included); a write transaction that leaves it unchanged changed nothing.
  std::int64_t TotalChanges() const { return sqlite3_total_changes64(db_); }

  void ExecScript(std::string_view sql) override {
    std::string copy(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      sqlite3_free(err);
      Fail(db_, rc, "script failed");
    }
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  // False once SQLite ended the transaction by itself (it does on some errors).
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

  sqlite3* handle() const { return db_; }

 private:
  sqlite3_stmt* Prepare(std::string_view sql, const Params& params) {
    auto it = statements_.find(sql);
    sqlite3_stmt* stmt;
    if (it != statements_.end()) {
      stmt = it->second;
    } else {
      int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) Fail(db_, rc, "prepare failed for: " + std::string(sql));
      statements_.emplace(std::string(sql), stmt);
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i];
      int rc;
      if (std::holds_alternative<std::nullptr_t>(v)) rc = sqlite3_bind_null(stmt, idx);
      else if (auto p = std::get_if<std::int64_t>(&v)) rc = sqlite3_bind_int64(stmt, idx, *p);
      else if (auto d = std::get_if<double>(&v)) rc = sqlite3_bind_double(stmt, idx, *d);
      else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(stmt, idx, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        Fail(db_, rc, "bind failed");
      }
    }
    return stmt;
  }

  void Finish(sqlite3_stmt* stmt, int rc, std::string_view sql) {
    vm_steps.fetch_add(static_cast<std::uint64_t>(sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1)),
                       std::memory_order_relaxed);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE) Fail(db_, rc, "statement failed: " + std::string(sql.substr(0, 80)));
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::string& path, const SqliteOptions& options) {
    writer_ = std::make_unique<Connection>(path, options, false);
    for (int i = 0; i < std::max(1, options.readers); ++i) {
      readers_.push_back(std::make_unique<Connection>(path, options, true));
      free_.push_back(readers_.back().get());
    }
    readers_size_ = static_cast<int>(readers_.size());
    // Checkpoints run on a thread of their own instead of inside the commit that grew the
    // WAL past SQLite's threshold: that commit held the one writer, so every writer queued
    // behind the copy. The hook replaces SQLite's automatic checkpoint on this connection.
    checkpointer_ = std::make_unique<Connection>(path, options, false);
    version_ = std::make_unique<Connection>(path, options, true);
    sqlite3_wal_hook(writer_->handle(), &SqliteDatabase::WalCommitted, this);
    checkpoints_ = std::thread([this] { Checkpoints(); });
  }

  ~SqliteDatabase() override { StopCheckpoints(); }

  // Group commit: callers that arrive while a write transaction runs queue their work;
  // the next caller to find no transaction running becomes the leader and runs everything
  // queued as one transaction, each caller's work inside its own savepoint (so a caller
  // that fails or declines rolls back alone), then commits once. Each caller returns only
  // after that commit, with its own hooks run on its own thread: acknowledged work is as
  // durable as with one transaction per caller, and the WAL is written once per batch
  // instead of once per caller. Alone, a caller runs exactly as a lone transaction.
  void WriteTx(const std::function<bool(Tx&)>& f) override {
    WriteJob job{&f};
    std::unique_lock lock(writer_mu_);
    queue_.push_back(&job);
    std::optional<std::chrono::steady_clock::time_point> blocked;
    while (!job.done) {
      if (!leading_) {
        leading_ = true;
        const bool closed = closed_;
        std::vector<WriteJob*> batch;
        const std::size_t n = std::min(queue_.size(), kMaxBatch);
        batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        lock.unlock();
        RunBatch(batch, closed);
        lock.lock();
        leading_ = false;
        for (WriteJob* j : batch) j->done = true;
        writer_cv_.notify_all();
      } else {
        if (!blocked) blocked = std::chrono::steady_clock::now();
        writer_cv_.wait(lock);
      }
    }
    lock.unlock();
    if (blocked) writer_waits_.Add(std::chrono::steady_clock::now() - *blocked);
    if (job.error) std::rethrow_exception(job.error);
    for (auto& hook : job.hooks) hook();
  }

  void ReadTx(const std::function<void(Tx&)>& f) override {
    Connection* conn;
    {
      std::unique_lock lock(readers_mu_);
      auto ready = [&] { return !free_.empty() || closed_; };
      if (!ready()) {
        auto start = std::chrono::steady_clock::now();
        readers_cv_.wait(lock, ready);
        reader_waits_.Add(std::chrono::steady_clock::now() - start);
      }
      if (closed_) throw StoreUnavailable(StoreUnavailable::Kind::kConnectionLost, "database is closed");
      conn = free_.back();
      free_.pop_back();
    }
    struct Release {
      SqliteDatabase* self;
      Connection* conn;
      ~Release() {
        std::lock_guard lock(self->readers_mu_);
        self->free_.push_back(conn);
        self->readers_cv_.notify_one();
      }
    } release{this, conn};
    conn->DropAfterCommit();
    conn->Exec("BEGIN", {});
    try {
      f(*conn);
    } catch (...) {
      Rollback(*conn);
      throw;
    }
    conn->Exec("COMMIT", {});
    conn->RunAfterCommit();
  }

  bool Ping() override {
    try {
      ReadTx([](Tx& tx) { tx.Query("SELECT 1", {}); });
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  // PRAGMA data_version on a connection of its own, which never writes: it moves with
  // every commit of every other connection, this process's writer included.
  std::optional<std::uint64_t> DataVersion() override {
    std::lock_guard lock(version_mu_);
    if (!version_) return std::nullopt;
    return static_cast<std::uint64_t>(version_->Query("PRAGMA data_version", {}).at(0).Int(0));
  }

  std::vector<PoolStats> Pools() const override {
    return {writer_waits_.Stats("sqlite_writer", 1), reader_waits_.Stats("sqlite_readers", readers_size_)};
  }

  void Close() override {
    StopCheckpoints();
    std::unique_lock writer_lock(writer_mu_);
    writer_cv_.wait(writer_lock, [&] { return !leading_; });  // a running batch finishes first
    std::lock_guard readers_lock(readers_mu_);
    if (closed_) return;
    closed_ = true;
    // Readers in use finish first: Close runs after the server has drained.
    readers_.clear();
    free_.clear();
    writer_.reset();
    {
      std::lock_guard version_lock(version_mu_);
      version_.reset();
    }
    readers_cv_.notify_all();
  }

 private:
  struct WriteJob {
    const std::function<bool(Tx&)>* f;
    std::vector<std::function<void()>> hooks;  // its after-commit hooks, once committed
    std::exception_ptr error;
    bool done = false;
  };
  static constexpr std::size_t kMaxBatch = 64;
  // SQLite's own automatic threshold: a checkpoint once the WAL holds this many pages.
  static constexpr int kCheckpointPages = 1000;

  // Called by SQLite on the writer's thread after each commit, with the WAL's size. The
  // checkpoint thread copies most of the WAL while writers go on; the WAL starts over from
  // its beginning only once a checkpoint has copied all of it before the next write, which
  // under steady writes only the writer itself can see, so at twice the threshold it
  // finishes the copy itself (the rest of it: little is left by then). SQLite runs one
  // checkpoint at a time and refuses a second at once, so the writer first waits for the
  // thread's pass to end: on a busy machine that pass is slow, and the writer's copy
  // refused at every commit let the WAL grow without bound.
  static int WalCommitted(void* self, sqlite3* handle, const char*, int pages) {
    auto* db = static_cast<SqliteDatabase*>(self);
    if (pages >= 2 * kCheckpointPages) {
      std::lock_guard running(db->checkpoint_run_mu_);
      sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= kCheckpointPages) {
      std::lock_guard lock(db->checkpoint_mu_);
      db->checkpoint_due_ = true;
      db->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  // A PASSIVE checkpoint whenever one is due: it copies what no reader still needs and
  // never waits for readers or the writer, as SQLite's automatic one does.
  void Checkpoints() {
    std::unique_lock lock(checkpoint_mu_);
    for (;;) {
      checkpoint_cv_.wait(lock, [&] { return checkpoint_due_ || stop_checkpoints_; });
      if (stop_checkpoints_) return;
      checkpoint_due_ = false;
      lock.unlock();
      {
        std::lock_guard running(checkpoint_run_mu_);
        sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      }
      lock.lock();
    }
  }

  void StopCheckpoints() {
    {
      std::lock_guard lock(checkpoint_mu_);
      stop_checkpoints_ = true;
      checkpoint_cv_.notify_one();
    }
    if (checkpoints_.joinable()) checkpoints_.join();
    checkpointer_.reset();
  }

  // Runs on the leader's thread, writer_mu_ not held (only the leader touches writer_).
  void RunBatch(const std::vector<WriteJob*>& batch, bool closed) {
    if (closed) {
      for (WriteJob* j : batch) {
        j->error = std::make_exception_ptr(StoreUnavailable(StoreUnavailable::Kind::kConnectionLost, "database is closed"));
      }
      return;
    }
    if (batch.size() == 1 || !RunTogether(batch)) {
      for (WriteJob* j : batch) RunAlone(*j);
    }
  }

  // One caller, one transaction.
  void RunAlone(WriteJob& job) {
    job.error = nullptr;
    job.hooks.clear();
    try {
      writer_->DropAfterCommit();
      writer_->Exec("BEGIN IMMEDIATE", {});
      const std::int64_t changes_before = writer_->TotalChanges();
      bool commit;
      try {
        commit = (*job.f)(*writer_);
      } catch (...) {
        Rollback(*writer_);
        throw;
      }
      if (!commit) {
        Rollback(*writer_);
        return;
      }
      try {
        writer_->Exec("COMMIT", {});
      } catch (...) {
        Rollback(*writer_);
        throw;
      }
      // A transaction that changed no row (a poll that found nothing to claim) leaves
      // what readers see, and so what they may keep, as it was.
      if (writer_->TotalChanges() != changes_before) NoteCommittedWrite();
      job.hooks = writer_->TakeAfterCommit();
    } catch (...) {
      job.error = std::current_exception();
    }
  }

  // Every caller in one transaction, each in a savepoint. False when the transaction as a
  // whole failed (nothing of it committed): the callers then run again one by one.
  bool RunTogether(const std::vector<WriteJob*>& batch) {
    try {
      writer_->DropAfterCommit();
      writer_->Exec("BEGIN IMMEDIATE", {});
    } catch (...) {
      return false;
    }
    const std::int64_t changes_before = writer_->TotalChanges();
    for (WriteJob* j : batch) {
      j->error = nullptr;
      j->hooks.clear();
      writer_->DropAfterCommit();
      bool commit = false;
      try {
        writer_->Exec("SAVEPOINT kairos_caller", {});
        commit = (*j->f)(*writer_);
      } catch (...) {
        j->error = std::current_exception();
      }
      try {
        if (!writer_->InTransaction()) throw std::runtime_error("the transaction ended by itself");
        if (!commit) writer_->Exec("ROLLBACK TO kairos_caller", {});
        writer_->Exec("RELEASE kairos_caller", {});
      } catch (...) {
        Rollback(*writer_);
        return false;
      }
      if (commit) j->hooks = writer_->TakeAfterCommit();
      writer_->DropAfterCommit();
    }
    try {
      writer_->Exec("COMMIT", {});
    } catch (...) {
      Rollback(*writer_);
      return false;
    }
    if (writer_->TotalChanges() != changes_before) NoteCommittedWrite();
    return true;
  }

  static void Rollback(Connection& c) {
    c.DropAfterCommit();
    try {
      c.Exec("ROLLBACK", {});
    } catch (const std::exception&) {
      // The transaction is already gone (SQLite rolls back on some errors by itself).
    }
  }

  std::mutex writer_mu_;  // guards queue_ and leading_; writer_ belongs to the leader
  std::condition_variable writer_cv_;
  std::vector<WriteJob*> queue_;
  bool leading_ = false;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> free_;
  bool closed_ = false;
  int readers_size_ = 0;
  PoolWaits writer_waits_;
  PoolWaits reader_waits_;
  std::unique_ptr<Connection> checkpointer_;  // used by checkpoints_ alone
  std::mutex version_mu_;                     // guards version_
  std::unique_ptr<Connection> version_;       // asked for DataVersion alone
  std::mutex checkpoint_run_mu_;              // held while either thread checkpoints
  std::mutex checkpoint_mu_;                  // guards the two flags below
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool stop_checkpoints_ = false;
  std::thread checkpoints_;
};

}  // namespace

std::uint64_t SqliteVmSteps() { return vm_steps.load(std::memory_order_relaxed); }

std::unique_ptr<Database> OpenSqlite(const std::string& path, const SqliteOptions& options) {
  // SQLite's memory statistics take one process-wide mutex on every allocation, which
  // concurrent readers then queue on; nothing reads them. It must be set before SQLite
  // initialises, so it is a no-op (SQLITE_MISUSE) when something else opened a database first.
  static std::once_flag no_memstatus;
  std::call_once(no_memstatus, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) throw std::runtime_error("cannot create folder " + p.parent_path().string() + ": " + ec.message());
  }
  return std::make_unique<SqliteDatabase>(path, options);
}

}  // namespace kairos::store
