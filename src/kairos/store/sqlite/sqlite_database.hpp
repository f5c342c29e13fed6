// SQLite backend: WAL mode, foreign keys on, one writer connection and a pool of readers.
#pragma once

#include <cstdint>
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

// The virtual-machine steps every SQLite statement of this process has taken so far
// (sqlite3_stmt_status SQLITE_STMTSTATUS_VM_STEP, summed when each statement finishes):
// a measure of the rows a query visits that does not depend on the machine's speed, so
// tests can show that a cost stays flat as unrelated data grows.
std::uint64_t SqliteVmSteps();

}  // namespace kairos::store
