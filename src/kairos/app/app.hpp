// Wiring: opens the database, builds the services and the route table, and serves.
#pragma once

#include <memory>

#include "kairos/app/config.hpp"
#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/store/database.hpp"

namespace kairos::app {

// Opens the database named by a --db value (creating and migrating it).
std::unique_ptr<store::Database> OpenDatabase(const Config& config);

// The accounts service's settings from the configuration.
service::AccountsOptions AccountsOptionsFrom(const Config& config);

// Serves until SIGTERM/SIGINT; returns the process exit code.
int Serve(const Config& config);

}  // namespace kairos::app
