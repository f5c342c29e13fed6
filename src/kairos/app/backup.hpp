// `kairos backup` and `kairos restore` for SQLite databases. PostgreSQL has its own
// tools (pg_dump, pg_restore); both commands say so for a postgresql:// URL.
#pragma once

#include <string>

#include "kairos/app/config.hpp"

namespace kairos::app {

// Copies the database named by config.db to `to` with SQLite's online backup API: one
// consistent snapshot, taken while servers keep reading and writing. The copy is written
// beside `to`, checked (PRAGMA integrity_check), made a single self-contained file
// (rollback journal mode) and renamed into place. Returns the exit code.
int Backup(const Config& config, const std::string& to);

// Replaces the database named by config.db with the backup `from`: checks the backup,
// copies it beside the database, refuses if any process (a server) has the database open,
// keeps the replaced file as <db>.before-restore, renames the copy into place and checks
// the result. Returns the exit code.
int Restore(const Config& config, const std::string& from);

}  // namespace kairos::app
