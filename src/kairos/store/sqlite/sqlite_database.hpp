// SQLite backend: WAL mode, foreign keys on, one writer connection and a pool of readers.
#pragma once

#include <memory>
#include <string>

#include "kairos/store/database.hpp"

namespace kairos::store {

struct SqliteOptions {
  int readers = 4;
  // NORMAL survives a crash of the process (the WAL is in the OS cache); FULL also
  // survives a power loss, at the cost of an fsync per commit.
  bool synchronous_full = false;
  int busy_timeout_ms = 5000;
};

// Opens the database file, creating it and its folder if needed. Throws
// std::runtime_error when the file cannot be opened.
std::unique_ptr<Database> OpenSqlite(const std::string& path, const SqliteOptions& options = {});

}  // namespace kairos::store
