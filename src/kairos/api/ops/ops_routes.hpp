// Operations routes: /healthz, /readyz, /metrics and /openapi.json.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <nlohmann/json.hpp>

#include "kairos/http/metrics.hpp"
#include "kairos/http/router.hpp"

namespace kairos::api {

// `database_ok` answers /readyz: whether the database answers a trivial query now.
void RegisterOpsRoutes(http::Router& router, http::Metrics& metrics, std::function<bool()> database_ok);

// A URL-safe operationId for a route without one: the method and the pattern's literals and
// parameter names, every other character a single '_' ("get_v1_schedules_id").
std::string OperationId(http::Method method, std::string_view pattern);

// The OpenAPI 3.1 document of every route in the table.
nlohmann::json BuildOpenApi(const http::Router& router);

}  // namespace kairos::api
