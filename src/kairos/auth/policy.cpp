#include "kairos/auth/policy.hpp"

#include <algorithm>

namespace kairos::auth {
namespace {

Error Denied() { return Forbidden("You do not have permission to perform this action."); }

}  // namespace

bool IsAdmin(const Principal& p) { return p.role == Role::kAdmin; }

Status RequireRole(const Principal& p, std::initializer_list<Role> roles) {
  if (std::find(roles.begin(), roles.end(), p.role) != roles.end()) return {};
  return Denied();
}

Status RequireSelfOrAdmin(const Principal& p, std::int64_t owner_account_id) {
  if (p.account_id == owner_account_id || IsAdmin(p)) return {};
  return Denied();
}

Status RequireAnyOf(const Principal& p, std::span<const std::int64_t> account_ids) {
  if (IsAdmin(p) || std::find(account_ids.begin(), account_ids.end(), p.account_id) != account_ids.end()) return {};
  return Denied();
}

Status RequireAnyOf(const Principal& p, std::initializer_list<std::int64_t> account_ids) {
  return RequireAnyOf(p, std::span<const std::int64_t>(account_ids.begin(), account_ids.size()));
}

}  // namespace kairos::auth
