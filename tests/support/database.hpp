// Which database the HTTP tests run against. KAIROS_TEST_BACKEND=postgres (set by ctest
// for the "pg." tests) gives every test server a fresh database on the throwaway cluster
// that tests/pg/cluster.sh started; otherwise each gets a SQLite file.
#pragma once

#include <string>

namespace kairos::testing {

// True when the tests run against PostgreSQL.
bool PostgresBackend();

// True for a postgresql:// URL (a --db value naming a PostgreSQL database).
bool IsDatabaseUrl(const std::string& db);

// The URL of the test cluster's database `name` (as user kairos, without password).
std::string PostgresUrl(const std::string& name);

// Creates an empty database kairos_<random> on the test cluster and returns its URL.
// Throws std::runtime_error when the cluster cannot be reached.
std::string CreatePostgresDatabase();

// Drops a database CreatePostgresDatabase made, disconnecting whoever still uses it.
void DropPostgresDatabase(const std::string& url);

// A database for a test that manages its own servers: a fresh PostgreSQL database in
// postgres mode, else `sqlite_path`.
std::string FreshDatabase(const std::string& sqlite_path);

// Runs SQL on a PostgreSQL database URL; returns an error message, empty on success.
std::string PostgresExec(const std::string& url, const std::string& sql);
// The first column of the first row as text ("" for no row or NULL); throws on error.
std::string PostgresQuery(const std::string& url, const std::string& sql);

}  // namespace kairos::testing
