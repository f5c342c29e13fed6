// Teams of Kairos's own API (/v1/teams): accounts that host collective and round-robin
// event types together (docs/teams.md). A member has a role (owner, admin, member) and is
// invited until the invited account accepts; only accepted members host team event types.
//
// Who may do what: any member (invited included) reads the team and its members; owners
// and admins rename it and invite, change and remove members, but only an owner grants,
// changes or removes the owner role; only an owner deletes the team. A member may leave
// (remove itself); the last owner can neither leave nor be demoted. A non-member is told
// the team does not exist, so ids do not leak. Every write runs in one transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/page.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

inline constexpr std::size_t kMaxTeamName = 150;

enum class TeamRole { kOwner, kAdmin, kMember };
std::string_view TeamRoleName(TeamRole role);
std::optional<TeamRole> ParseTeamRole(std::string_view name);

struct TeamMember {
  std::int64_t id = 0;  // the membership row
  std::int64_t account_id = 0;
  std::string account_uuid;
  std::string username;
  TeamRole role = TeamRole::kMember;
  bool accepted = false;
  Instant invited_at{};
  std::optional<Instant> accepted_at;
};

struct Team {
  std::int64_t id = 0;
  std::string uuid;
  std::string name;
  Instant created_at{};
  Instant updated_at{};
  // The caller's own membership.
  TeamRole caller_role = TeamRole::kMember;
  bool caller_accepted = false;
};

class Teams {
 public:

  explicit Teams(store::Database& db) : db_(db) {}

  // The caller becomes the team's owner, accepted.
  Result<Team> Create(const auth::Principal& caller, std::string_view name, Instant now);
  // The teams the caller belongs to or is invited to, oldest first.
  Result<Page<Team>> List(const auth::Principal& caller, const PageRequest& page);
  Result<Team> Get(const auth::Principal& caller, std::string_view uuid);
  Result<Team> Rename(const auth::Principal& caller, std::string_view uuid, std::string_view name, Instant now);
  // Conflict while event types belong to the team.
  Status Delete(const auth::Principal& caller, std::string_view uuid);

  // Members, invited ones included, in the order they were invited.
  Result<Page<TeamMember>> Members(const auth::Principal& caller, std::string_view uuid, const PageRequest& page);
  // Invites an account (by uuid) with a role. Conflict when it is already a member.
  Result<TeamMember> Invite(const auth::Principal& caller, std::string_view uuid, std::string_view account_uuid,
                            TeamRole role, Instant now);
  // The invited caller accepts. NotFound when not invited; Conflict when already accepted.
  Result<TeamMember> Accept(const auth::Principal& caller, std::string_view uuid, Instant now);
  Result<TeamMember> ChangeRole(const auth::Principal& caller, std::string_view uuid, std::string_view account_uuid,
                                TeamRole role);
  Status Remove(const auth::Principal& caller, std::string_view uuid, std::string_view account_uuid);

 private:
  store::Database& db_;
};

// The caller's role in the team when it is an accepted member.
std::optional<TeamRole> AcceptedRole(store::Tx& tx, std::int64_t team_id, std::int64_t account_id);

}  // namespace kairos::service
