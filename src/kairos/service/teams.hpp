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

struct EventTypeFields;  // service/event_types.hpp

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

// GET /v1/event-types/{id}/round-robin: each host's standing under the fairness rule.
struct RoundRobinHostView {
  std::string account_uuid;
  int weight = 100;
  bool mandatory = false;
  std::int64_t bookings = 0;  // in the last 30 days, still holding time
  std::optional<Instant> last_booked_at;
};

struct RoundRobinView {
  std::string event_type_uuid;
  Instant since{};  // the start of the 30 days counted
  std::vector<RoundRobinHostView> hosts;
  std::optional<std::string> next;  // who the rule picks when every rotating host is free
};

class Teams {
 public:
  // The event type's owner only (others: NotFound); Conflict for a non-round-robin one.
  Result<RoundRobinView> RoundRobin(const auth::Principal& caller, std::string_view event_type_uuid, Instant now);

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

inline constexpr std::size_t kMaxHosts = 200;
inline constexpr int kMaxHostWeight = 10000;

// Checks and writes an event type's team scheduling (scheduling, team_id, hosts) from a
// create's or an update's fields, inside its transaction; absent fields keep the stored
// ones (or the defaults: individual, no team, no hosts). A collective or round-robin
// event type names a team whose accepted owner or admin the caller is, and one host or
// more, each an accepted member of that team; an account with the admin role may name
// any team and any accounts. Errors name the field ("hosts[1].weight").
Status WriteTeamScheduling(store::Tx& tx, const auth::Principal& caller, std::int64_t event_type_id,
                           const EventTypeFields& fields);

}  // namespace kairos::service
