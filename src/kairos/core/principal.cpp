#include "kairos/core/principal.hpp"

namespace kairos::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kClient: return "client";
    case Role::kCoach: return "coach";
    case Role::kAdmin: return "admin";
  }
  return "client";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kClient, Role::kCoach, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace kairos::auth
