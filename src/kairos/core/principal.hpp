// Who is calling: the account a request authenticated as, and how. A plain value that
// every layer passes around (the router attaches it to a request, services check it), so
// it lives in core; the rules about what a principal may do are auth's (auth/policy.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kairos::auth {

enum class Role { kClient, kCoach, kAdmin };

// "client", "coach" or "admin".
std::string_view RoleName(Role role);
// The role of that exact (lower-case) name, or nullopt.
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  std::int64_t account_id = 0;
  std::string account_uuid;
  Role role = Role::kClient;
  std::string timezone = "UTC";
  bool via_session = false;  // authenticated by session cookie (CSRF applies)
  std::int64_t token_id = 0;  // the token or session row that authenticated the call
};

}  // namespace kairos::auth
