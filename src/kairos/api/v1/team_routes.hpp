// /v1/teams: teams, their members (roles owner, admin, member; invited until accepted)
// and invitations (docs/teams.md). A non-member is told a team does not exist (404); a
// member without the right gets 403.
#pragma once

#include <nlohmann/json.hpp>

#include "kairos/http/router.hpp"
#include "kairos/service/teams.hpp"

namespace kairos::api::v1 {

nlohmann::json TeamSchema();
nlohmann::json TeamMemberSchema();
nlohmann::json TeamJson(const service::Team& team);
nlohmann::json TeamMemberJson(const service::TeamMember& member);

void RegisterTeamRoutes(http::Router& router, service::Teams& teams);

}  // namespace kairos::api::v1
