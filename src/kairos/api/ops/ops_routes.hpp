// Operations routes: /healthz, /readyz, /metrics and /openapi.json.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "kairos/http/metrics.hpp"
#include "kairos/http/router.hpp"

namespace kairos::api {

// `database_ok` answers /readyz: whether the database answers a trivial query now.
void RegisterOpsRoutes(http::Router& router, http::Metrics& metrics, std::function<bool()> database_ok);

// The OpenAPI 3 document of every route in the table.
nlohmann::json BuildOpenApi(const http::Router& router);

}  // namespace kairos::api
