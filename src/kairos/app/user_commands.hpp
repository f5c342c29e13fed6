// Account administration from the command line (`kairos user ...`): the only way to
// create an admin. Each returns the process exit code and prints to stdout/stderr.
#pragma once

#include <string>

#include "kairos/app/config.hpp"

namespace kairos::app {

struct UserArgs {
  std::string username;
  std::string email;
  std::string password;
  bool password_stdin = false;  // read the password from the first line of stdin
  std::string role = "client";
  std::string timezone = "UTC";
};

int UserAdd(const Config& config, UserArgs args);
// Prints one tab-separated line per account: id, uuid, username, email, role, active.
int UserList(const Config& config);
int UserSetRole(const Config& config, const UserArgs& args);
int UserDeactivate(const Config& config, const UserArgs& args);

}  // namespace kairos::app
