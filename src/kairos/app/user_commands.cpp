#include "kairos/app/user_commands.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "kairos/app/app.hpp"
#include "kairos/auth/password_hasher.hpp"
#include "kairos/service/accounts.hpp"

namespace kairos::app {
namespace {

// Opens the database and the accounts service, runs f, and turns failures into exit codes.
template <class F>
int WithAccounts(const Config& config, F&& f) {
  try {
    auto db = OpenDatabase(config);
    auth::PasswordHasher hasher({config.argon2_opslimit, config.argon2_memlimit}, 1);
    service::Accounts accounts(*db, hasher, AccountsOptionsFrom(config));
    int code = f(accounts);
    db->Close();
    return code;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}

int Report(const Result<service::Account>& r, const char* done) {
  if (!r) {
    std::cerr << "error: " << r.error().message << "\n";
    return 1;
  }
  std::cout << done << " " << r->username << " (id " << r->id << ", uuid " << r->uuid << ", role "
            << auth::RoleName(r->role) << ")\n";
  return 0;
}

}  // namespace

int UserAdd(const Config& config, UserArgs args) {
  if (args.password_stdin) {
    std::getline(std::cin, args.password);
    if (!args.password.empty() && args.password.back() == '\r') args.password.pop_back();
  }
  auto role = auth::ParseRole(args.role);
  if (!role) {
    std::cerr << "error: role must be admin, coach or client\n";
    return 2;
  }
  return WithAccounts(config, [&](service::Accounts& accounts) {
    service::NewAccount in;
    in.username = args.username;
    in.email = args.email;
    in.password = args.password;
    in.timezone = args.timezone;
    in.role = *role;
    return Report(accounts.Create(in), "created");
  });
}

int UserList(const Config& config) {
  return WithAccounts(config, [&](service::Accounts& accounts) {
    std::cout << "id\tuuid\tusername\temail\trole\tactive\n";
    for (const auto& a : accounts.List()) {
      std::cout << a.id << "\t" << a.uuid << "\t" << a.username << "\t" << a.email << "\t" << auth::RoleName(a.role)
                << "\t" << (a.is_active ? "yes" : "no") << "\n";
    }
    return 0;
  });
}

int UserSetRole(const Config& config, const UserArgs& args) {
  auto role = auth::ParseRole(args.role);
  if (!role) {
    std::cerr << "error: role must be admin, coach or client\n";
    return 2;
  }
  return WithAccounts(config,
                      [&](service::Accounts& accounts) { return Report(accounts.SetRole(args.username, *role), "updated"); });
}

int UserDeactivate(const Config& config, const UserArgs& args) {
  return WithAccounts(config, [&](service::Accounts& accounts) {
    return Report(accounts.Deactivate(args.username), "deactivated");
  });
}

}  // namespace kairos::app
