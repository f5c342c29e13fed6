// Numbered schema migrations, applied in order and recorded in schema_migrations.
#pragma once

#include <string>
#include <vector>

#include "kairos/store/database.hpp"

namespace kairos::store {

struct Migration {
  int version;
  std::string name;
  std::string sqlite_sql;
  std::string postgres_sql;
};

// Every migration, in version order.
const std::vector<Migration>& AllMigrations();

// Applies the migrations the database has not seen, each in its own transaction, and
// returns how many it applied. Throws if the database is newer than this program.
int Migrate(Database& db);
// The same over a given list (in version order): every version not recorded is applied,
// also one below the newest recorded.
int Migrate(Database& db, const std::vector<Migration>& all);

// The highest version applied, 0 for an empty database.
int SchemaVersion(Database& db);

}  // namespace kairos::store
