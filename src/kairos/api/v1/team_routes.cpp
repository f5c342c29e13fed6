#include "kairos/api/v1/team_routes.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/kit.hpp"

namespace kairos::api::v1 {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;

constexpr const char* kTag = "v1 teams";

json RoleSchema() { return schema::Enum({"owner", "admin", "member"}); }

Result<std::string> ReadName(const Request& req) {
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto name = body->RequiredString("name", service::kMaxTeamName * 4);
  if (!name) return name.error();
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return std::move(*name);
}

Result<service::TeamRole> ReadRole(const std::string& text) {
  auto role = service::ParseTeamRole(text);
  if (!role) return InvalidArgument("role must be owner, admin or member.", "role");
  return *role;
}

struct Invitation {
  std::string account_uuid;
  service::TeamRole role = service::TeamRole::kMember;
};

Result<Invitation> ReadInvitation(const Request& req) {
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto account = body->RequiredString("account_id", 64);
  if (!account) return account.error();
  Invitation out;
  out.account_uuid = NormalizedUuid(*account);
  if (out.account_uuid.empty()) return InvalidArgument("account_id must be an account's id (a UUID).", "account_id");
  if (body->Has("role")) {
    auto role_text = body->RequiredString("role", 16);
    if (!role_text) return role_text.error();
    auto role = ReadRole(*role_text);
    if (!role) return role.error();
    out.role = *role;
  }
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return out;
}

Result<service::TeamRole> ReadRoleBody(const Request& req) {
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto role_text = body->RequiredString("role", 16);
  if (!role_text) return role_text.error();
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return ReadRole(*role_text);
}

}  // namespace

json TeamSchema() {
  return schema::Object({{"id", schema::Uuid()},
                         {"name", schema::String(service::kMaxTeamName, 1)},
                         {"role", RoleSchema()},
                         {"membership", schema::Enum({"invited", "accepted"})},
                         {"created_at", schema::Timestamp()},
                         {"updated_at", schema::Timestamp()}},
                        {"id", "name", "role", "membership", "created_at", "updated_at"});
}

json TeamMemberSchema() {
  return schema::Object({{"account_id", schema::Uuid()},
                         {"username", schema::String()},
                         {"role", RoleSchema()},
                         {"status", schema::Enum({"invited", "accepted"})},
                         {"invited_at", schema::Timestamp()},
                         {"accepted_at", schema::Nullable(schema::Timestamp())}},
                        {"account_id", "username", "role", "status", "invited_at", "accepted_at"});
}

json TeamJson(const service::Team& t) {
  return {{"id", t.uuid},
          {"name", t.name},
          {"role", std::string(service::TeamRoleName(t.caller_role))},
          {"membership", t.caller_accepted ? "accepted" : "invited"},
          {"created_at", FormatTimestamp(t.created_at)},
          {"updated_at", FormatTimestamp(t.updated_at)}};
}

json TeamMemberJson(const service::TeamMember& m) {
  return {{"account_id", m.account_uuid},
          {"username", m.username},
          {"role", std::string(service::TeamRoleName(m.role))},
          {"status", m.accepted ? "accepted" : "invited"},
          {"invited_at", FormatTimestamp(m.invited_at)},
          {"accepted_at", m.accepted_at ? json(FormatTimestamp(*m.accepted_at)) : json(nullptr)}};
}

json RoundRobinSchema() {
  json host = schema::Object({{"account_id", schema::Uuid()},
                              {"weight", schema::Integer(1)},
                              {"mandatory", schema::Boolean()},
                              {"bookings", schema::Integer(0)},
                              {"ratio", {{"type", "number"}}},
                              {"last_booked_at", schema::Nullable(schema::Timestamp())}},
                             {"account_id", "weight", "mandatory", "bookings", "ratio", "last_booked_at"});
  return schema::Object({{"event_type_id", schema::Uuid()},
                         {"since", schema::Timestamp()},
                         {"hosts", schema::ArrayOf(host)},
                         {"next", schema::Nullable(schema::Uuid())}},
                        {"event_type_id", "since", "hosts", "next"});
}

json RoundRobinJson(const service::RoundRobinView& v) {
  json hosts = json::array();
  for (const auto& h : v.hosts) {
    hosts.push_back({{"account_id", h.account_uuid},
                     {"weight", h.weight},
                     {"mandatory", h.mandatory},
                     {"bookings", h.bookings},
                     {"ratio", static_cast<double>(h.bookings) / std::max(1, h.weight)},
                     {"last_booked_at", h.last_booked_at ? json(FormatTimestamp(*h.last_booked_at)) : json(nullptr)}});
  }
  return {{"event_type_id", v.event_type_uuid},
          {"since", FormatTimestamp(v.since)},
          {"hosts", hosts},
          {"next", v.next ? json(*v.next) : json(nullptr)}};
}

void RegisterTeamRoutes(http::Router& router, service::Teams& teams) {
  FaceRoutes routes(router);
  const std::map<std::string, std::string> id_param = {{"id", "The team's id."}};
  const std::map<std::string, std::string> member_params = {{"id", "The team's id."},
                                                            {"account_id", "The member's account id."}};
  const json name_body = schema::Object({{"name", schema::String(service::kMaxTeamName, 1)}}, {"name"});

  http::Route create{Method::kPost, "/v1/teams", Access::kAuthenticated, kStyle, kTag,
                     "Create a team; the caller becomes its owner.", {}, [&teams](Request& req) -> Response {
                       auto name = ReadName(req);
                       if (!name) return Fail(name.error());
                       auto t = teams.Create(Caller(req), *name, Now());
                       if (!t) return Fail(t.error());
                       return Created(TeamJson(*t));
                     }};
  create.doc.operation_id = "createTeam";
  create.doc.request_body = name_body;
  create.doc.request_body_name = "TeamWrite";
  create.doc.responses = WithProblems({Success(201, "The team.", TeamSchema(), "Team")}, {400, 401});
  routes.Add(std::move(create));

  http::Route list{Method::kGet, "/v1/teams", Access::kAuthenticated, kStyle, kTag,
                   "The teams the caller belongs to or is invited to, oldest first.", PageParams(),
                   PageHandler([&teams](Request& req, const service::PageRequest& page) {
                     return teams.List(Caller(req), page);
                   }, TeamJson)};
  list.doc.operation_id = "listTeams";
  DocumentPageParams(list.doc);
  list.doc.responses =
      WithProblems({Success(200, "A page of teams.", schema::PageOf(TeamSchema(), "teams"), "TeamPage")}, {400, 401});
  routes.Add(std::move(list));

  http::Route get{Method::kGet, "/v1/teams/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                  "One team, with the caller's role in it.", {}, [&teams](Request& req) -> Response {
                    auto t = teams.Get(Caller(req), NormalizedUuid(req.Param("id")));
                    if (!t) return Fail(t.error());
                    return Ok(TeamJson(*t));
                  }};
  get.doc.operation_id = "getTeam";
  get.doc.path_params = id_param;
  get.doc.responses = WithProblems({Success(200, "The team.", TeamSchema(), "Team")}, {401, 404});
  routes.Add(std::move(get));

  http::Route rename{Method::kPatch, "/v1/teams/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                     "Rename a team (owners and admins).", {}, [&teams](Request& req) -> Response {
                       auto name = ReadName(req);
                       if (!name) return Fail(name.error());
                       auto t = teams.Rename(Caller(req), NormalizedUuid(req.Param("id")), *name, Now());
                       if (!t) return Fail(t.error());
                       return Ok(TeamJson(*t));
                     }};
  rename.doc.operation_id = "updateTeam";
  rename.doc.path_params = id_param;
  rename.doc.request_body = name_body;
  rename.doc.request_body_name = "TeamWrite";
  rename.doc.responses = WithProblems({Success(200, "The team.", TeamSchema(), "Team")}, {400, 401, 403, 404});
  routes.Add(std::move(rename));

  http::Route remove{Method::kDelete, "/v1/teams/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                     "Delete a team (owners), once it has no event types.", {}, [&teams](Request& req) -> Response {
                       auto s = teams.Delete(Caller(req), NormalizedUuid(req.Param("id")));
                       if (!s) return Fail(s.error());
                       return NoContent();
                     }};
  remove.doc.operation_id = "deleteTeam";
  remove.doc.path_params = id_param;
  remove.doc.responses = WithProblems({Success(204, "Deleted.")}, {401, 403, 404, 409});
  routes.Add(std::move(remove));

  http::Route members{Method::kGet, "/v1/teams/{id:uuid}/members", Access::kAuthenticated, kStyle, kTag,
                      "The team's members, invited ones included, in the order they were invited.", PageParams(),
                      PageHandler([&teams](Request& req, const service::PageRequest& page) {
                        return teams.Members(Caller(req), NormalizedUuid(req.Param("id")), page);
                      }, TeamMemberJson)};
  members.doc.operation_id = "listTeamMembers";
  members.doc.path_params = id_param;
  DocumentPageParams(members.doc);
  members.doc.responses = WithProblems(
      {Success(200, "A page of members.", schema::PageOf(TeamMemberSchema(), "team members"), "TeamMemberPage")},
      {400, 401, 404});
  routes.Add(std::move(members));

  http::Route invite{Method::kPost, "/v1/teams/{id:uuid}/members", Access::kAuthenticated, kStyle, kTag,
                     "Invite an account (owners and admins; only owners invite owners).", {},
                     [&teams](Request& req) -> Response {
                       auto in = ReadInvitation(req);
                       if (!in) return Fail(in.error());
                       auto m = teams.Invite(Caller(req), NormalizedUuid(req.Param("id")), in->account_uuid, in->role,
                                             Now());
                       if (!m) return Fail(m.error());
                       return Created(TeamMemberJson(*m));
                     }};
  invite.doc.operation_id = "inviteTeamMember";
  invite.doc.description = "role defaults to member. The invited account accepts with POST /v1/teams/{id}/accept.";
  invite.doc.path_params = id_param;
  invite.doc.request_body = schema::Object({{"account_id", schema::Uuid()}, {"role", RoleSchema()}}, {"account_id"});
  invite.doc.request_body_name = "TeamInvitation";
  invite.doc.responses =
      WithProblems({Success(201, "The invited member.", TeamMemberSchema(), "TeamMember")}, {400, 401, 403, 404, 409});
  routes.Add(std::move(invite));

  http::Route accept{Method::kPost, "/v1/teams/{id:uuid}/accept", Access::kAuthenticated, kStyle, kTag,
                     "Accept the caller's invitation to the team.", {}, [&teams](Request& req) -> Response {
                       auto m = teams.Accept(Caller(req), NormalizedUuid(req.Param("id")), Now());
                       if (!m) return Fail(m.error());
                       return Ok(TeamMemberJson(*m));
                     }};
  accept.doc.operation_id = "acceptTeamInvitation";
  accept.doc.request_body = schema::Object(json::object(), {});
  accept.doc.request_body_name = "TeamAcceptance";
  accept.doc.path_params = id_param;
  accept.doc.responses =
      WithProblems({Success(200, "The caller's membership.", TeamMemberSchema(), "TeamMember")}, {401, 404, 409});
  routes.Add(std::move(accept));

  http::Route change{Method::kPatch, "/v1/teams/{id:uuid}/members/{account_id:uuid}", Access::kAuthenticated, kStyle,
                     kTag, "Change a member's role (owners and admins; only owners touch the owner role).", {},
                     [&teams](Request& req) -> Response {
                       auto role = ReadRoleBody(req);
                       if (!role) return Fail(role.error());
                       auto m = teams.ChangeRole(Caller(req), NormalizedUuid(req.Param("id")),
                                                 NormalizedUuid(req.Param("account_id")), *role);
                       if (!m) return Fail(m.error());
                       return Ok(TeamMemberJson(*m));
                     }};
  change.doc.operation_id = "updateTeamMember";
  change.doc.path_params = member_params;
  change.doc.request_body = schema::Object({{"role", RoleSchema()}}, {"role"});
  change.doc.request_body_name = "TeamMemberUpdate";
  change.doc.responses =
      WithProblems({Success(200, "The member.", TeamMemberSchema(), "TeamMember")}, {400, 401, 403, 404, 409});
  routes.Add(std::move(change));

  http::Route leave{Method::kDelete, "/v1/teams/{id:uuid}/members/{account_id:uuid}", Access::kAuthenticated, kStyle,
                    kTag, "Remove a member (owners and admins), or leave (the member itself).", {},
                    [&teams](Request& req) -> Response {
                      auto s = teams.Remove(Caller(req), NormalizedUuid(req.Param("id")),
                                            NormalizedUuid(req.Param("account_id")));
                      if (!s) return Fail(s.error());
                      return NoContent();
                    }};
  leave.doc.operation_id = "removeTeamMember";
  leave.doc.description = "The member stops hosting the team's event types.";
  leave.doc.path_params = member_params;
  leave.doc.responses = WithProblems({Success(204, "Removed.")}, {401, 403, 404, 409});
  routes.Add(std::move(leave));

  http::Route standing{Method::kGet, "/v1/event-types/{id:uuid}/round-robin", Access::kAuthenticated, kStyle, kTag,
                       "A round-robin event type's hosts under the fairness rule, and who is next (owner).", {},
                       [&teams](Request& req) -> Response {
                         auto v = teams.RoundRobin(Caller(req), NormalizedUuid(req.Param("id")), Now());
                         if (!v) return Fail(v.error());
                         return Ok(RoundRobinJson(*v));
                       }};
  standing.doc.operation_id = "getRoundRobinStanding";
  standing.doc.description =
      "bookings counts the host's bookings of the event type made in the last 30 days that still hold time; next is "
      "the host the rule picks when every rotating host is free (docs/teams.md).";
  standing.doc.path_params = {{"id", "The event type's id."}};
  standing.doc.responses =
      WithProblems({Success(200, "The standing.", RoundRobinSchema(), "RoundRobinStanding")}, {401, 404, 409});
  routes.Add(std::move(standing));
}

}  // namespace kairos::api::v1
