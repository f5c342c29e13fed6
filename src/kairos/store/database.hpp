// Persistence behind one small interface. Services write SQL with `?` placeholders
// against a Tx; each backend (SQLite now, PostgreSQL later) runs it in its dialect.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "kairos/core/result.hpp"

namespace kairos::store {

using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value Null() { return nullptr; }
inline Value Bool(bool b) { return static_cast<std::int64_t>(b ? 1 : 0); }
inline Value Int(std::int64_t v) { return v; }
inline Value Text(std::string s) { return s; }
inline Value OptionalText(const std::optional<std::string>& s) { return s ? Value(*s) : Value(nullptr); }

// One result row. Column accessors throw std::logic_error on a type mismatch (a bug).
struct Row {
  std::vector<Value> columns;

  bool IsNull(std::size_t i) const;
  std::int64_t Int(std::size_t i) const;
  double Real(std::size_t i) const;
  const std::string& Text(std::size_t i) const;
  bool Bool(std::size_t i) const { return Int(i) != 0; }
  std::optional<std::string> OptionalText(std::size_t i) const;
  std::optional<std::int64_t> OptionalInt(std::size_t i) const;
};

// A statement the database refused. The kind lets services react (a unique violation is
// a duplicate); the message is for logs, never for clients.
class StoreError : public std::runtime_error {
 public:
  enum class Kind { kUniqueViolation, kExclusionViolation, kForeignKeyViolation, kCheckViolation, kOther };
  StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// The database cannot serve right now (locked too long, a serialization conflict that
// outlived its retries, a lost connection). Answered 503; the client may retry.
class StoreUnavailable : public UnavailableError {
 public:
  enum class Kind { kBusy, kSerialization, kConnectionLost };
  StoreUnavailable(Kind kind, const std::string& message) : UnavailableError(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

enum class Dialect { kSqlite, kPostgres };

// A connection inside a transaction (or a read snapshot). Statements are prepared once
// per connection and reused.
class Tx {
 public:
  virtual ~Tx() = default;
  // Runs a statement and returns all rows (RETURNING works too).
  virtual std::vector<Row> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs a statement and returns the number of rows changed.
  virtual std::int64_t Exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs several statements separated by semicolons, without parameters (migrations).
  virtual void ExecScript(std::string_view sql) = 0;
  virtual Dialect dialect() const = 0;

  // The first row, or nullopt.
  std::optional<Row> QueryOne(std::string_view sql, const Params& params = {});

  // Runs f once this transaction has committed; dropped if it rolls back (or is run
  // again after a serialization failure). For effects that only committed writes may
  // have, such as counting the bookings made. f must not throw.
  void AfterCommit(std::function<void()> f) { after_commit_.push_back(std::move(f)); }

  // For the backends: DropAfterCommit at BEGIN and on rollback, RunAfterCommit after COMMIT.
  void DropAfterCommit() { after_commit_.clear(); }
  void RunAfterCommit() {
    auto hooks = TakeAfterCommit();
    for (auto& f : hooks) f();
  }
  // The hooks registered so far, for a backend that commits several callers' work at once
  // and runs each caller's hooks on the caller's own thread.
  std::vector<std::function<void()>> TakeAfterCommit() {
    auto hooks = std::move(after_commit_);
    after_commit_.clear();
    return hooks;
  }

 private:
  std::vector<std::function<void()>> after_commit_;
};

// How often callers had to wait for a pooled connection, and for how long in total.
// `pool` names it: "sqlite_writer" (the one writer connection), "sqlite_readers",
// "postgres" (the connections shared by reads and writes).
struct PoolStats {
  std::string pool;
  std::uint64_t waits = 0;     // acquisitions that found nothing free and blocked
  double wait_seconds = 0;     // total time spent blocked in those
  int size = 0;                // connections the pool holds at most
};

// The backends' counter behind PoolStats: Add after a blocking acquisition.
class PoolWaits {
 public:
  void Add(std::chrono::steady_clock::duration waited) {
    waits_.fetch_add(1, std::memory_order_relaxed);
    nanos_.fetch_add(static_cast<std::uint64_t>(std::chrono::nanoseconds(waited).count()), std::memory_order_relaxed);
  }
  PoolStats Stats(std::string pool, int size) const {
    return {std::move(pool), waits_.load(std::memory_order_relaxed),
            static_cast<double>(nanos_.load(std::memory_order_relaxed)) / 1e9, size};
  }

 private:
  std::atomic<std::uint64_t> waits_{0};
  std::atomic<std::uint64_t> nanos_{0};
};

// Grows after every commit of this process that changed a row, on any database (a
// transaction that changed nothing, such as a poll that found no work, leaves it).
// A reader that keeps what it computed from the data reads it before its transaction
// and trusts the kept value only while it has not moved (writes of other processes are
// not seen: such caches also expire).
std::uint64_t WriteGeneration();
// For the backends: after a COMMIT that changed a row.
void NoteCommittedWrite();

// A database: one writer at a time, many concurrent readers.
class Database {
 public:
  virtual ~Database() = default;

  // Runs f in a write transaction; commits if f returns normally with true, rolls back
  // if it returns false or throws (the exception propagates). Returns once the commit is
  // durable. f may run more than once (after a serialization failure, or when a group
  // commit it shared failed as a whole), so what it does outside the transaction must be
  // repeatable; effects of committed work belong in Tx::AfterCommit.
  virtual void WriteTx(const std::function<bool(Tx&)>& f) = 0;
  // Runs f on a consistent read snapshot.
  virtual void ReadTx(const std::function<void(Tx&)>& f) = 0;
  // True when the database answers a trivial query.
  virtual bool Ping() = 0;
  virtual Dialect dialect() const = 0;
  // Closes all connections; later calls throw. Called once at shutdown.
  virtual void Close() = 0;
  // The connection pools' wait counters (for /metrics); cheap, lock-free.
  virtual std::vector<PoolStats> Pools() const { return {}; }
  // A number that moves whenever any connection, of this process or another, commits a
  // change to the database, when the backend can tell (SQLite's data_version); cheap.
  virtual std::optional<std::uint64_t> DataVersion() { return std::nullopt; }

  // Typed wrappers: Write commits when f returns a Result that is ok (or any non-Result
  // value) and rolls back when it returns an error Result.
  template <class F>
  auto Write(F&& f) -> std::invoke_result_t<F, Tx&>;
  template <class F>
  auto Read(F&& f) -> std::invoke_result_t<F, Tx&>;
};

namespace detail {
template <class T>
struct IsResult : std::false_type {};
template <class T>
struct IsResult<Result<T>> : std::true_type {};
}  // namespace detail

template <class F>
auto Database::Write(F&& f) -> std::invoke_result_t<F, Tx&> {
  using R = std::invoke_result_t<F, Tx&>;
  if constexpr (std::is_void_v<R>) {
    WriteTx([&](Tx& tx) {
      f(tx);
      return true;
    });
  } else {
    std::optional<R> out;
    WriteTx([&](Tx& tx) {
      out.emplace(f(tx));
      if constexpr (detail::IsResult<R>::value) return out->ok();
      return true;
    });
    return std::move(*out);
  }
}

template <class F>
auto Database::Read(F&& f) -> std::invoke_result_t<F, Tx&> {
  using R = std::invoke_result_t<F, Tx&>;
  if constexpr (std::is_void_v<R>) {
    ReadTx([&](Tx& tx) { f(tx); });
  } else {
    std::optional<R> out;
    ReadTx([&](Tx& tx) { out.emplace(f(tx)); });
    return std::move(*out);
  }
}

}  // namespace kairos::store
