#include "kairos/store/postgres/postgres_database.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace kairos::store {
namespace {

// Type OIDs from pg_type (stable since forever; the server headers are not in libpq-dev).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

bool IsConnectionState(std::string_view state) {
  // Class 08 is connection exceptions; 57P01-57P03 are the server shutting down or starting.
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

// Rewrites `?` placeholders as $1, $2, ... outside string literals and quoted names.
std::string DollarNumberedSql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

// PostgreSQL text cannot hold U+0000, which SQLite stores and faces return verbatim. So
// NUL is stored as the noncharacter U+10FFFF followed by '0', and U+10FFFF itself as
// U+10FFFF '1': injective, so equality and uniqueness are kept, and text without either
// (nearly all) is untouched.
constexpr std::string_view kEscape = "\xF4\x8F\xBF\xBF";

std::string EncodeText(const std::string& s) {
  if (s.find('\0') == std::string::npos && s.find(kEscape) == std::string::npos) return s;
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\0') {
      out.append(kEscape).push_back('0');
    } else if (s.compare(i, kEscape.size(), kEscape) == 0) {
      out.append(kEscape).push_back('1');
      i += kEscape.size() - 1;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string DecodeText(const char* text, std::size_t length) {
  std::string_view in(text, length);
  if (in.find(kEscape) == std::string_view::npos) return std::string(in);
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in.compare(i, kEscape.size(), kEscape) == 0 && i + kEscape.size() < in.size()) {
      char tag = in[i + kEscape.size()];
      if (tag == '0') out.push_back('\0');
      else out.append(kEscape);
      i += kEscape.size();
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

std::string ToText(const Value& v) {
  if (auto i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto d = std::get_if<double>(&v)) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, end);
  }
  return EncodeText(std::get<std::string>(v));
}

// Parameter types follow the values (a null's type is left to the server), so
// `? IS NULL` and arithmetic on parameters type-check; the cache key includes them.
Oid TypeOf(const Value& v) {
  if (std::holds_alternative<std::int64_t>(v)) return kInt8Oid;
  if (std::holds_alternative<double>(v)) return kFloat8Oid;
  if (std::holds_alternative<std::string>(v)) return 25;  // text
  return 0;
}

Value FromText(const char* text, int length, Oid type) {
  switch (type) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
    case kOidOid:
      return static_cast<std::int64_t>(std::strtoll(text, nullptr, 10));
    case kBoolOid:
      return static_cast<std::int64_t>(text[0] == 't' ? 1 : 0);
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(text, nullptr);
    case kNumericOid:
      // SUM over BIGINT is NUMERIC: whole numbers stay integers, as SQLite gives them.
      if (std::strpbrk(text, ".eEN") == nullptr) return static_cast<std::int64_t>(std::strtoll(text, nullptr, 10));
      return std::strtod(text, nullptr);
    default:
      return DecodeText(text, static_cast<std::size_t>(length));
  }
}

void IgnoreNotice(void*, const char*) {}

class Connection final : public Tx {
 public:
  explicit Connection(const std::string& url) {
    // The URL's own connect_timeout, if any, wins: later parameters override earlier ones.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"5", "kairos", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      std::string message = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
      PQfinish(conn_);
      conn_ = nullptr;
      while (!message.empty() && message.back() == '\n') message.pop_back();
      throw StoreUnavailable(StoreUnavailable::Kind::kConnectionLost, "cannot connect to PostgreSQL: " + message);
    }
    PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
  }

  ~Connection() override { PQfinish(conn_); }

  std::vector<Row> Query(std::string_view sql, const Params& params) override {
    ResultPtr res = Run(sql, params);
    int rows = PQntuples(res.get());
    int cols = PQnfields(res.get());
    std::vector<Row> out;
    out.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      Row row;
      row.columns.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res.get(), r, c)) {
          row.columns.emplace_back(nullptr);
        } else {
          row.columns.push_back(FromText(PQgetvalue(res.get(), r, c), PQgetlength(res.get(), r, c), PQftype(res.get(), c)));
        }
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  std::int64_t Exec(std::string_view sql, const Params& params) override {
    ResultPtr res = Run(sql, params);
    const char* n = PQcmdTuples(res.get());
    return n[0] != '\0' ? std::strtoll(n, nullptr, 10) : 0;
  }

  void ExecScript(std::string_view sql) override {
    Simple(std::string(sql));
    changed_ = true;
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  // Runs SQL without parameters through the simple query protocol (several statements allowed).
  void Simple(const std::string& sql) {
    ResultPtr res(PQexec(conn_, sql.c_str()));
    Check(res.get(), sql);
  }

  // Rolls back whatever is open; a dead connection has nothing to roll back.
  void Rollback() {
    DropAfterCommit();
    if (broken_) return;
    ResultPtr res(PQexec(conn_, "ROLLBACK"));
    if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  }

  bool broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

  // Whether a statement changed a row since the last call (one transaction's worth).
  bool TakeChanged() { return std::exchange(changed_, false); }

 private:
  ResultPtr Run(std::string_view sql, const Params& params) {
    std::string key;
    key.reserve(params.size() + 1 + sql.size());
    std::vector<Oid> types;
    types.reserve(params.size());
    for (const Value& v : params) {
      types.push_back(TypeOf(v));
      key += static_cast<char>('a' + v.index());
    }
    key += '|';
    key += sql;
    auto it = statements_.find(key);
    if (it == statements_.end()) {
      std::string name = "k" + std::to_string(statements_.size() + 1);
      std::string translated = DollarNumberedSql(sql);
      ResultPtr prepared(PQprepare(conn_, name.c_str(), translated.c_str(), static_cast<int>(types.size()),
                                   types.data()));
      Check(prepared.get(), sql);
      it = statements_.emplace(std::move(key), std::move(name)).first;
    }
    std::vector<std::string> texts;
    std::vector<const char*> values;
    texts.reserve(params.size());
    values.reserve(params.size());
    for (const Value& v : params) {
      if (std::holds_alternative<std::nullptr_t>(v)) {
        values.push_back(nullptr);
      } else {
        texts.push_back(ToText(v));
        values.push_back(texts.back().c_str());
      }
    }
    ResultPtr res(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                 nullptr, 0));
    Check(res.get(), sql);
    NoteChanges(res.get());
    return res;
  }

  // INSERT, UPDATE, DELETE and MERGE report the rows they touched; anything else but a
  // SELECT (DDL, COPY) counts as a change.
  void NoteChanges(PGresult* res) {
    std::string_view command = PQcmdStatus(res);
    if (command.starts_with("SELECT") || command.starts_with("LOCK") || command.starts_with("SET") ||
        command.empty()) {
      return;
    }
    std::string_view rows = PQcmdTuples(res);
    if (rows != "0") changed_ = true;
  }

  // Throws the typed error for a failed result; the SQLSTATE decides the kind.
  void Check(PGresult* res, std::string_view sql) {
    ExecStatusType status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return;
    const char* state_field = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string_view state = state_field != nullptr ? state_field : "";
    std::string message = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    message = "statement failed (" + std::string(state) + "): " + message + " in: " + std::string(sql.substr(0, 80));
    // No SQLSTATE means libpq itself failed, nearly always on a connection the server
    // closed (its status may not say so yet): treat it as lost.
    if (state.empty() || IsConnectionState(state) || PQstatus(conn_) == CONNECTION_BAD) {
      broken_ = true;
      throw StoreUnavailable(StoreUnavailable::Kind::kConnectionLost, message);
    }
    if (state == "23505") throw StoreError(StoreError::Kind::kUniqueViolation, message);
    if (state == "23P01") throw StoreError(StoreError::Kind::kExclusionViolation, message);
    if (state == "23503") throw StoreError(StoreError::Kind::kForeignKeyViolation, message);
    if (state == "23514") throw StoreError(StoreError::Kind::kCheckViolation, message);
    if (state == "40001" || state == "40P01") throw StoreUnavailable(StoreUnavailable::Kind::kSerialization, message);
    // Lock and statement timeouts: the database is busy, as SQLITE_BUSY is.
    if (state == "55P03" || state == "57014") throw StoreUnavailable(StoreUnavailable::Kind::kBusy, message);
    throw StoreError(StoreError::Kind::kOther, message);
  }

  PGconn* conn_ = nullptr;
  bool broken_ = false;
  bool changed_ = false;
  // SQL (with its parameter types) -> name of the statement prepared on this connection.
  std::unordered_map<std::string, std::string> statements_;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, const PostgresOptions& options) : url_(std::move(url)), options_(options) {
    options_.pool_size = std::max(1, options_.pool_size);
    // Fail at startup, not at the first request, when the database is unreachable.
    Release(std::make_unique<Connection>(url_), true);
  }

  void WriteTx(const std::function<bool(Tx&)>& f) override {
    for (int attempt = 0;; ++attempt) {
      Lease lease = Begin("BEGIN");
      try {
        lease.conn->TakeChanged();
        bool commit = f(*lease.conn);
        if (commit) {
          const bool changed = lease.conn->TakeChanged();
          lease.conn->Simple("COMMIT");
          // A transaction that changed no row leaves what readers may keep as it was.
          if (changed) NoteCommittedWrite();
          lease.conn->RunAfterCommit();
        } else {
          lease.conn->Rollback();
        }
        return;
      } catch (const StoreUnavailable& e) {
        lease.conn->Rollback();
        if (e.kind() != StoreUnavailable::Kind::kSerialization) throw;
        if (attempt >= options_.serialization_retries) {
          throw StoreUnavailable(StoreUnavailable::Kind::kSerialization,
                                 "serialization failure persisted after retries: " + std::string(e.what()));
        }
        // Back off a little, more each time, so the conflicting writers spread out.
        std::this_thread::sleep_for(std::chrono::milliseconds(2 << attempt));
      } catch (...) {
        lease.conn->Rollback();
        throw;
      }
    }
  }

  void ReadTx(const std::function<void(Tx&)>& f) override {
    Lease lease = Begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      f(*lease.conn);
      lease.conn->Simple("COMMIT");
      lease.conn->RunAfterCommit();
    } catch (...) {
      lease.conn->Rollback();
      throw;
    }
  }

  bool Ping() override {
    try {
      ReadTx([](Tx& tx) { tx.Query("SELECT 1", {}); });
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  std::vector<PoolStats> Pools() const override { return {waits_.Stats("postgres", options_.pool_size)}; }

  void Close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
    open_ -= static_cast<int>(idle_.size());
    idle_.clear();
    cv_.notify_all();
  }

 private:
  // A connection taken from the pool for one transaction, returned when it goes.
  struct Lease {
    PostgresDatabase* db;
    std::unique_ptr<Connection> conn;
    Lease(PostgresDatabase* d, std::unique_ptr<Connection> c) : db(d), conn(std::move(c)) {}
    Lease(Lease&& other) noexcept : db(other.db), conn(std::move(other.conn)) {}
    ~Lease() {
      if (conn) db->Release(std::move(conn), false);
    }
  };

  // A connection with `begin` run on it. Pooled connections that died while idle (the
  // server restarted) are replaced here, before anything of the transaction ran, so
  // only requests already in flight see the loss.
  Lease Begin(const char* begin) {
    for (int tries = 0;; ++tries) {
      Lease lease(this, Acquire());
      lease.conn->DropAfterCommit();
      try {
        lease.conn->Simple(begin);
        return lease;
      } catch (const StoreUnavailable& e) {
        if (e.kind() != StoreUnavailable::Kind::kConnectionLost || tries >= options_.pool_size) throw;
      }
    }
  }

  std::unique_ptr<Connection> Acquire() {
    {
      std::unique_lock lock(mu_);
      auto ready = [&] { return closed_ || !idle_.empty() || open_ < options_.pool_size; };
      if (!ready()) {
        auto start = std::chrono::steady_clock::now();
        cv_.wait(lock, ready);
        waits_.Add(std::chrono::steady_clock::now() - start);
      }
      if (closed_) throw StoreUnavailable(StoreUnavailable::Kind::kConnectionLost, "database is closed");
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      ++open_;
    }
    // Connect outside the lock: it can take up to the connect timeout.
    try {
      return std::make_unique<Connection>(url_);
    } catch (...) {
      std::lock_guard lock(mu_);
      --open_;
      cv_.notify_one();
      throw;
    }
  }

  void Release(std::unique_ptr<Connection> conn, bool fresh) {
    std::lock_guard lock(mu_);
    if (fresh) ++open_;
    if (closed_ || conn->broken()) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

  std::string url_;
  PostgresOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // connections in the pool or leased
  bool closed_ = false;
  PoolWaits waits_;
};

}  // namespace

bool IsPostgresUrl(std::string_view db) { return db.starts_with("postgresql://") || db.starts_with("postgres://"); }

std::unique_ptr<Database> OpenPostgres(const std::string& url, const PostgresOptions& options) {
  try {
    return std::make_unique<PostgresDatabase>(url, options);
  } catch (const StoreUnavailable& e) {
    throw std::runtime_error(e.what());
  }
}

}  // namespace kairos::store
