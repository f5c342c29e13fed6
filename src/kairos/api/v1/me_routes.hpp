// GET /v1/me: the account the credentials belong to (docs/api.md, "Me").
#pragma once

#include <nlohmann/json.hpp>

#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"

namespace kairos::api::v1 {

nlohmann::json AccountSchema();
nlohmann::json AccountJson(const service::Account& account);

void RegisterMeRoutes(http::Router& router, service::Accounts& accounts);

}  // namespace kairos::api::v1
