// PostgreSQL backend (libpq): a pool of connections shared by reads and writes, for
// several stateless server instances on one database.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kairos/store/database.hpp"

namespace kairos::store {

struct PostgresOptions {
  // Connections opened at most; each serves one transaction at a time.
  int pool_size = 8;
  // Times a write transaction is run again after a serialization failure or deadlock
  // (SQLSTATE 40001, 40P01) before StoreUnavailable(kSerialization).
  int serialization_retries = 5;
};

// True for a postgresql:// or postgres:// URL (the --db values this backend serves).
bool IsPostgresUrl(std::string_view db);

// Connects to the database at `url` (libpq URL or key=value string). Throws
// std::runtime_error when the first connection cannot be made. Writes run in READ
// COMMITTED (services take row locks); reads in a READ ONLY REPEATABLE READ snapshot.
// A connection found broken is replaced on its next use; the call that found it throws
// StoreUnavailable(kConnectionLost) unless its transaction had not started yet.
std::unique_ptr<Database> OpenPostgres(const std::string& url, const PostgresOptions& options = {});

}  // namespace kairos::store
