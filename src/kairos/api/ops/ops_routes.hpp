// Operations routes: /healthz, /readyz, /metrics and /openapi.json.
#pragma once

#include <nlohmann/json.hpp>

#include "kairos/http/metrics.hpp"
#include "kairos/http/router.hpp"
#include "kairos/store/database.hpp"

namespace kairos::api {

void RegisterOpsRoutes(http::Router& router, http::Metrics& metrics, store::Database& db);

// The OpenAPI 3 document of every route in the table.
nlohmann::json BuildOpenApi(const http::Router& router);

}  // namespace kairos::api
