// Who is calling: the account a request authenticated as, and how.
#pragma once

#include <cstdint>
#include <string>

namespace kairos::auth {

enum class Role { kClient, kCoach, kAdmin };

struct Principal {
  std::int64_t account_id = 0;
  std::string account_uuid;
  Role role = Role::kClient;
  std::string timezone = "UTC";
  bool via_session = false;  // authenticated by session cookie (CSRF applies)
  std::int64_t token_id = 0;  // the token or session row that authenticated the call
};

}  // namespace kairos::auth
