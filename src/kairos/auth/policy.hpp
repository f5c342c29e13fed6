// Authorization in one place: may this caller do this to that resource? Every handler
// asks here, so the rules read the same on every face. Denials are Forbidden.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>

#include "kairos/auth/principal.hpp"
#include "kairos/core/result.hpp"

namespace kairos::auth {

bool IsAdmin(const Principal& p);

// The caller holds one of these roles (admins pass only when admin is listed).
Status RequireRole(const Principal& p, std::initializer_list<Role> roles);

// The caller owns the resource, or is an admin.
Status RequireSelfOrAdmin(const Principal& p, std::int64_t owner_account_id);

// The caller is one of these accounts (organiser, participants, host, client), or an admin.
Status RequireAnyOf(const Principal& p, std::span<const std::int64_t> account_ids);
Status RequireAnyOf(const Principal& p, std::initializer_list<std::int64_t> account_ids);

}  // namespace kairos::auth
