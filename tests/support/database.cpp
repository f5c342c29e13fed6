#include "support/database.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

namespace kairos::testing {
namespace {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

ConnPtr Connect(const std::string& url) {
  ConnPtr conn(PQconnectdb(url.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url + ": " + PQerrorMessage(conn.get()));
  }
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

std::string ClusterPort() {
  std::ifstream in(std::string(KAIROS_TEST_PG_STATE) + "/port");
  std::string port;
  in >> port;
  if (port.empty()) {
    throw std::runtime_error("no test PostgreSQL cluster: " + std::string(KAIROS_TEST_PG_STATE) +
                             "/port is missing (ctest starts it with the pg fixture)");
  }
  return port;
}

std::string DatabaseName(const std::string& url) { return url.substr(url.rfind('/') + 1); }

}  // namespace

bool PostgresBackend() {
  const char* backend = std::getenv("KAIROS_TEST_BACKEND");
  return backend != nullptr && std::string(backend) == "postgres";
}

bool IsDatabaseUrl(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string PostgresUrl(const std::string& name) {
  return "postgresql://kairos@127.0.0.1:" + ClusterPort() + "/" + name;
}

std::string CreatePostgresDatabase() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string name = "kairos_" + std::to_string(rng() % 1'000'000'000'000ULL);
  std::string url = PostgresUrl(name);
  std::string error = PostgresExec(PostgresUrl("postgres"), "CREATE DATABASE " + name);
  if (!error.empty()) throw std::runtime_error("CREATE DATABASE " + name + ": " + error);
  return url;
}

void DropPostgresDatabase(const std::string& url) {
  PostgresExec(PostgresUrl("postgres"), "DROP DATABASE IF EXISTS " + DatabaseName(url) + " WITH (FORCE)");
}

std::string FreshDatabase(const std::string& sqlite_path) {
  return PostgresBackend() ? CreatePostgresDatabase() : sqlite_path;
}

std::string PostgresExec(const std::string& url, const std::string& sql) {
  ConnPtr conn = Connect(url);
  ResultPtr res(PQexec(conn.get(), sql.c_str()));
  auto status = PQresultStatus(res.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return "";
  return PQresultErrorMessage(res.get());
}

std::string PostgresQuery(const std::string& url, const std::string& sql) {
  ConnPtr conn = Connect(url);
  ResultPtr res(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
    throw std::runtime_error("query failed: " + std::string(PQresultErrorMessage(res.get())) + " in: " + sql);
  }
  if (PQntuples(res.get()) == 0 || PQgetisnull(res.get(), 0, 0)) return "";
  return PQgetvalue(res.get(), 0, 0);
}

}  // namespace kairos::testing
