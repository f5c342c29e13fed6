#include "kairos/service/teams.hpp"

#include <algorithm>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/calendars.hpp"
#include "kairos/booking/event_types.hpp"
#include "kairos/booking/team_event_types.hpp"
#include "kairos/service/event_types.hpp"

namespace kairos::service {
namespace {

using booking::FromStored;
using booking::ToStored;
using store::Int;
using store::Null;
using store::Text;

std::size_t Characters(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Status ValidateName(std::string_view name) {
  if (name.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidArgument("name may not be blank.", "name");
  }
  if (Characters(name) > kMaxTeamName) {
    return InvalidArgument("name is longer than " + std::to_string(kMaxTeamName) + " characters.", "name");
  }
  return {};
}

constexpr const char* kMemberColumns =
    "m.id, m.account_id, a.uuid, COALESCE(a.username, ''), m.role, m.invited_at, m.accepted_at "
    "FROM team_members m JOIN accounts a ON a.id = m.account_id ";

TeamMember MemberOf(const store::Row& r) {
  TeamMember m;
  m.id = r.Int(0);
  m.account_id = r.Int(1);
  m.account_uuid = r.Text(2);
  m.username = r.Text(3);
  m.role = ParseTeamRole(r.Text(4)).value_or(TeamRole::kMember);
  m.invited_at = FromStored(r.Int(5));
  if (auto at = r.OptionalInt(6)) {
    m.accepted = true;
    m.accepted_at = FromStored(*at);
  }
  return m;
}

std::optional<TeamMember> FindMember(store::Tx& tx, std::int64_t team_id, std::int64_t account_id) {
  auto r = tx.QueryOne(std::string("SELECT ") + kMemberColumns + "WHERE m.team_id = ? AND m.account_id = ?",
                       {Int(team_id), Int(account_id)});
  if (!r) return std::nullopt;
  return MemberOf(*r);
}

std::optional<TeamMember> FindMemberByUuid(store::Tx& tx, std::int64_t team_id, std::string_view account_uuid) {
  auto r = tx.QueryOne(std::string("SELECT ") + kMemberColumns + "WHERE m.team_id = ? AND a.uuid = ?",
                       {Int(team_id), Text(std::string(account_uuid))});
  if (!r) return std::nullopt;
  return MemberOf(*r);
}

// The team and the caller's membership; NotFound for a non-member.
Result<Team> Visible(store::Tx& tx, const auth::Principal& caller, std::string_view uuid) {
  auto r = tx.QueryOne(
      "SELECT t.id, t.uuid, t.name, t.created_at, t.updated_at, m.role, m.accepted_at FROM teams t "
      "JOIN team_members m ON m.team_id = t.id AND m.account_id = ? WHERE t.uuid = ?",
      {Int(caller.account_id), Text(std::string(uuid))});
  if (!r) return NotFound("Team not found.");
  Team t;
  t.id = r->Int(0);
  t.uuid = r->Text(1);
  t.name = r->Text(2);
  t.created_at = FromStored(r->Int(3));
  t.updated_at = FromStored(r->Int(4));
  t.caller_role = ParseTeamRole(r->Text(5)).value_or(TeamRole::kMember);
  t.caller_accepted = !r->IsNull(6);
  return t;
}

// The team when the caller is an accepted owner or admin (or owner only).
Result<Team> Managed(store::Tx& tx, const auth::Principal& caller, std::string_view uuid, bool owner_only = false) {
  auto t = Visible(tx, caller, uuid);
  if (!t) return t.error();
  const bool allowed = t->caller_accepted && (t->caller_role == TeamRole::kOwner ||
                                              (!owner_only && t->caller_role == TeamRole::kAdmin));
  if (!allowed) {
    return Forbidden(owner_only ? "Only the team's owners may do this." : "Only the team's owners and admins may do this.");
  }
  return t;
}

std::int64_t AcceptedOwners(store::Tx& tx, std::int64_t team_id) {
  return tx.QueryOne("SELECT COUNT(*) FROM team_members WHERE team_id = ? AND role = 'owner' AND accepted_at IS NOT NULL",
                     {Int(team_id)})
      ->Int(0);
}

}  // namespace

std::string_view TeamRoleName(TeamRole role) {
  switch (role) {
    case TeamRole::kOwner: return "owner";
    case TeamRole::kAdmin: return "admin";
    case TeamRole::kMember: return "member";
  }
  return "member";
}

std::optional<TeamRole> ParseTeamRole(std::string_view name) {
  if (name == "owner") return TeamRole::kOwner;
  if (name == "admin") return TeamRole::kAdmin;
  if (name == "member") return TeamRole::kMember;
  return std::nullopt;
}

std::optional<TeamRole> AcceptedRole(store::Tx& tx, std::int64_t team_id, std::int64_t account_id) {
  auto m = FindMember(tx, team_id, account_id);
  if (!m || !m->accepted) return std::nullopt;
  return m->role;
}

Result<Team> Teams::Create(const auth::Principal& caller, std::string_view name, Instant now) {
  if (auto s = ValidateName(name); !s) return s.error();
  return db_.Write([&](store::Tx& tx) -> Result<Team> {
    const std::string uuid = auth::NewUuid();
    auto row = tx.QueryOne("INSERT INTO teams (uuid, name, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                           "RETURNING id",
                           {Text(uuid), Text(std::string(name)), Int(caller.account_id), Int(ToStored(now)),
                            Int(ToStored(now))});
    tx.Exec("INSERT INTO team_members (team_id, account_id, role, invited_by, invited_at, accepted_at) "
            "VALUES (?, ?, 'owner', ?, ?, ?)",
            {Int(row->Int(0)), Int(caller.account_id), Int(caller.account_id), Int(ToStored(now)), Int(ToStored(now))});
    return Visible(tx, caller, uuid);
  });
}

Result<Page<Team>> Teams::List(const auth::Principal& caller, const PageRequest& page) {
  return db_.Read([&](store::Tx& tx) -> Result<Page<Team>> {
    std::vector<Team> rows;
    const std::int64_t after = page.after ? page.after->id : 0;
    for (const auto& r : tx.Query("SELECT t.uuid FROM teams t JOIN team_members m ON m.team_id = t.id "
                                  "WHERE m.account_id = ? AND t.id > ? ORDER BY t.id LIMIT ?",
                                  {Int(caller.account_id), Int(after), Int(static_cast<std::int64_t>(page.limit) + 1)})) {
      auto t = Visible(tx, caller, r.Text(0));
      if (t) rows.push_back(std::move(*t));
    }
    return TakePage(std::move(rows), page, [](const Team& t) { return PageKey{"", t.id}; });
  });
}

Result<Team> Teams::Get(const auth::Principal& caller, std::string_view uuid) {
  return db_.Read([&](store::Tx& tx) { return Visible(tx, caller, uuid); });
}

Result<Team> Teams::Rename(const auth::Principal& caller, std::string_view uuid, std::string_view name, Instant now) {
  if (auto s = ValidateName(name); !s) return s.error();
  return db_.Write([&](store::Tx& tx) -> Result<Team> {
    auto t = Managed(tx, caller, uuid);
    if (!t) return t.error();
    tx.Exec("UPDATE teams SET name = ?, updated_at = ? WHERE id = ?",
            {Text(std::string(name)), Int(ToStored(now)), Int(t->id)});
    return Visible(tx, caller, uuid);
  });
}

Status Teams::Delete(const auth::Principal& caller, std::string_view uuid) {
  return db_.Write([&](store::Tx& tx) -> Status {
    auto t = Managed(tx, caller, uuid, true);
    if (!t) return t.error();
    if (tx.QueryOne("SELECT 1 FROM event_types WHERE team_id = ? LIMIT 1", {Int(t->id)})) {
      return Conflict("The team still has event types; delete them first.");
    }
    tx.Exec("DELETE FROM team_members WHERE team_id = ?", {Int(t->id)});
    tx.Exec("DELETE FROM teams WHERE id = ?", {Int(t->id)});
    return {};
  });
}

Result<Page<TeamMember>> Teams::Members(const auth::Principal& caller, std::string_view uuid, const PageRequest& page) {
  return db_.Read([&](store::Tx& tx) -> Result<Page<TeamMember>> {
    auto t = Visible(tx, caller, uuid);
    if (!t) return t.error();
    std::vector<TeamMember> rows;
    const std::int64_t after = page.after ? page.after->id : 0;
    for (const auto& r : tx.Query(std::string("SELECT ") + kMemberColumns + "WHERE m.team_id = ? AND m.id > ? "
                                  "ORDER BY m.id LIMIT ?",
                                  {Int(t->id), Int(after), Int(static_cast<std::int64_t>(page.limit) + 1)})) {
      rows.push_back(MemberOf(r));
    }
    return TakePage(std::move(rows), page, [](const TeamMember& m) { return PageKey{"", m.id}; });
  });
}

Result<TeamMember> Teams::Invite(const auth::Principal& caller, std::string_view uuid, std::string_view account_uuid,
                                 TeamRole role, Instant now) {
  return db_.Write([&](store::Tx& tx) -> Result<TeamMember> {
    auto t = Managed(tx, caller, uuid, role == TeamRole::kOwner);
    if (!t) return t.error();
    auto account = tx.QueryOne("SELECT id FROM accounts WHERE uuid = ?", {Text(std::string(account_uuid))});
    if (!account) return InvalidArgument("account_id names no account.", "account_id");
    if (FindMember(tx, t->id, account->Int(0))) {
      return Conflict("That account is already a member of the team (or invited).", "account_id");
    }
    tx.Exec("INSERT INTO team_members (team_id, account_id, role, invited_by, invited_at, accepted_at) "
            "VALUES (?, ?, ?, ?, ?, NULL)",
            {Int(t->id), Int(account->Int(0)), Text(std::string(TeamRoleName(role))), Int(caller.account_id),
             Int(ToStored(now))});
    return *FindMember(tx, t->id, account->Int(0));
  });
}

Result<TeamMember> Teams::Accept(const auth::Principal& caller, std::string_view uuid, Instant now) {
  return db_.Write([&](store::Tx& tx) -> Result<TeamMember> {
    auto t = Visible(tx, caller, uuid);
    if (!t) return t.error();
    if (t->caller_accepted) return Conflict("You are already a member of this team.");
    tx.Exec("UPDATE team_members SET accepted_at = ? WHERE team_id = ? AND account_id = ?",
            {Int(ToStored(now)), Int(t->id), Int(caller.account_id)});
    return *FindMember(tx, t->id, caller.account_id);
  });
}

Result<TeamMember> Teams::ChangeRole(const auth::Principal& caller, std::string_view uuid,
                                     std::string_view account_uuid, TeamRole role) {
  return db_.Write([&](store::Tx& tx) -> Result<TeamMember> {
    auto t = Managed(tx, caller, uuid);
    if (!t) return t.error();
    auto m = FindMemberByUuid(tx, t->id, account_uuid);
    if (!m) return NotFound("Member not found.");
    if ((m->role == TeamRole::kOwner || role == TeamRole::kOwner) && t->caller_role != TeamRole::kOwner) {
      return Forbidden("Only the team's owners may grant or change the owner role.");
    }
    if (m->role == TeamRole::kOwner && role != TeamRole::kOwner && m->accepted && AcceptedOwners(tx, t->id) <= 1) {
      return Conflict("The team's last owner cannot be demoted; make another member owner first.", "role");
    }
    tx.Exec("UPDATE team_members SET role = ? WHERE id = ?", {Text(std::string(TeamRoleName(role))), Int(m->id)});
    return *FindMember(tx, t->id, m->account_id);
  });
}

Status Teams::Remove(const auth::Principal& caller, std::string_view uuid, std::string_view account_uuid) {
  return db_.Write([&](store::Tx& tx) -> Status {
    auto t = Visible(tx, caller, uuid);
    if (!t) return t.error();
    auto m = FindMemberByUuid(tx, t->id, account_uuid);
    if (!m) return NotFound("Member not found.");
    const bool self = m->account_id == caller.account_id;
    if (!self) {
      auto managed = Managed(tx, caller, uuid, m->role == TeamRole::kOwner);
      if (!managed) return managed.error();
    }
    if (m->role == TeamRole::kOwner && m->accepted && AcceptedOwners(tx, t->id) <= 1) {
      return Conflict("The team's last owner cannot leave; make another member owner first.");
    }
    tx.Exec("DELETE FROM event_type_hosts WHERE account_id = ? AND event_type_id IN "
            "(SELECT id FROM event_types WHERE team_id = ?)",
            {Int(m->account_id), Int(t->id)});
    tx.Exec("DELETE FROM team_members WHERE id = ?", {Int(m->id)});
    return {};
  });
}

Result<RoundRobinView> Teams::RoundRobin(const auth::Principal& caller, std::string_view event_type_uuid,
                                        Instant now) {
  return db_.Read([&](store::Tx& tx) -> Result<RoundRobinView> {
    auto context = booking::LoadEventTypeContext(tx, event_type_uuid, false, now);
    if (!context.ok() || context->event_type.owner_account_id != caller.account_id) {
      return NotFound("Event type not found.");
    }
    if (context->event_type.scheduling != "round_robin") {
      return Conflict("The event type is not round robin.", "scheduling");
    }
    booking::TeamContext team = booking::LoadTeamContext(tx, std::move(*context), false, now);
    std::vector<RoundRobinCandidate> standing = booking::RoundRobinStanding(tx, team, now);
    RoundRobinView out;
    out.event_type_uuid = team.base.event_type.uuid;
    out.since = now - kRoundRobinWindow;
    std::vector<RoundRobinCandidate> rotating;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < team.hosts.size(); ++i) {
      const auto& h = team.hosts[i].host;
      out.hosts.push_back({h.account_uuid, h.weight, h.mandatory, standing[i].bookings, standing[i].last_booked});
      if (!h.mandatory) {
        rotating.push_back(standing[i]);
        index.push_back(i);
      }
    }
    if (auto next = ChooseRoundRobinHost(rotating)) out.next = team.hosts[index[*next]].host.account_uuid;
    return out;
  });
}

Status WriteTeamScheduling(store::Tx& tx, const auth::Principal& caller, std::int64_t event_type_id,
                           const EventTypeFields& f) {
  if (!f.scheduling && !f.team_uuid && !f.hosts) {
    return {};  // nothing asked: individual by the columns' defaults, or as stored
  }
  auto current = booking::LoadEventTypeById(tx, event_type_id);
  if (!current) return current.error();
  std::string scheduling = f.scheduling.value_or(current->scheduling);
  if (scheduling != "individual" && scheduling != "collective" && scheduling != "round_robin") {
    return InvalidArgument("scheduling must be individual, collective or round_robin.", "scheduling");
  }
  std::optional<std::string> team_uuid = f.team_uuid ? *f.team_uuid : current->team_uuid;
  std::vector<booking::EventTypeHost> hosts = f.hosts ? *f.hosts : current->hosts;
  if (scheduling == "individual") {
    if (f.team_uuid && *f.team_uuid) {
      return InvalidArgument("team_id applies to collective and round_robin event types.", "team_id");
    }
    if (f.hosts && !f.hosts->empty()) {
      return InvalidArgument("hosts apply to collective and round_robin event types.", "hosts");
    }
    tx.Exec("UPDATE event_types SET scheduling = 'individual', team_id = NULL WHERE id = ?", {Int(event_type_id)});
    tx.Exec("DELETE FROM event_type_hosts WHERE event_type_id = ?", {Int(event_type_id)});
    return {};
  }
  if (!team_uuid) return InvalidArgument("team_id is required for " + scheduling + " event types.", "team_id");
  auto team = tx.QueryOne("SELECT id FROM teams WHERE uuid = ?", {Text(*team_uuid)});
  const bool site_admin = caller.role == auth::Role::kAdmin;
  if (!team) return InvalidArgument("team_id names no team of yours.", "team_id");
  const std::int64_t team_id = team->Int(0);
  if (!site_admin) {
    auto role = AcceptedRole(tx, team_id, caller.account_id);
    if (!role) return InvalidArgument("team_id names no team of yours.", "team_id");
    if (*role == TeamRole::kMember) {
      return Forbidden("Only the team's owners and admins may make its event types.");
    }
  }
  if (hosts.empty()) return InvalidArgument("hosts must name at least one host.", "hosts");
  if (hosts.size() > kMaxHosts) {
    return InvalidArgument("hosts has more than " + std::to_string(kMaxHosts) + " hosts.", "hosts");
  }
  std::vector<std::int64_t> seen;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const std::string path = "hosts[" + std::to_string(i) + "]";
    booking::EventTypeHost& h = hosts[i];
    if (h.weight < 1 || h.weight > kMaxHostWeight) {
      return InvalidArgument(path + ".weight must be from 1 to " + std::to_string(kMaxHostWeight) + ".",
                             path + ".weight");
    }
    auto account = tx.QueryOne("SELECT id FROM accounts WHERE uuid = ?", {Text(h.account_uuid)});
    if (!account) return InvalidArgument(path + ".account_id names no account.", path + ".account_id");
    h.account_id = account->Int(0);
    if (std::find(seen.begin(), seen.end(), h.account_id) != seen.end()) {
      return InvalidArgument(path + ".account_id repeats an earlier host.", path + ".account_id");
    }
    seen.push_back(h.account_id);
    if (!site_admin && !AcceptedRole(tx, team_id, h.account_id)) {
      return InvalidArgument(path + ".account_id is not an accepted member of the team.", path + ".account_id");
    }
  }
  tx.Exec("UPDATE event_types SET scheduling = ?, team_id = ? WHERE id = ?",
          {Text(scheduling), Int(team_id), Int(event_type_id)});
  tx.Exec("DELETE FROM event_type_hosts WHERE event_type_id = ?", {Int(event_type_id)});
  std::int64_t position = 0;
  for (const auto& h : hosts) {
    tx.Exec("INSERT INTO event_type_hosts (event_type_id, account_id, position, mandatory, weight) "
            "VALUES (?, ?, ?, ?, ?)",
            {Int(event_type_id), Int(h.account_id), Int(position++), store::Bool(h.mandatory), Int(h.weight)});
  }
  return {};
}

}  // namespace kairos::service
