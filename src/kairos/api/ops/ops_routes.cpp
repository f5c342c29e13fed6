#include "kairos/api/ops/ops_routes.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace kairos::api {
namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "{slot_id:uuid}" → "{slot_id}" for OpenAPI paths, and the parameter's schema.
std::string OpenApiPath(const std::string& pattern, nlohmann::json& parameters) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] != '{') {
      out.push_back(pattern[i++]);
      continue;
    }
    auto close = pattern.find('}', i);
    std::string inner = pattern.substr(i + 1, close - i - 1);
    auto colon = inner.find(':');
    std::string name = inner.substr(0, colon);
    std::string type = colon == std::string::npos ? "" : inner.substr(colon + 1);
    nlohmann::json schema = {{"type", type == "int" ? "integer" : "string"}};
    if (type == "uuid") schema["format"] = "uuid";
    if (type == "date") schema["format"] = "date";
    parameters.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", schema}});
    out += "{" + name + "}";
    i = close + 1;
  }
  return out;
}

}  // namespace

nlohmann::json BuildOpenApi(const http::Router& router) {
  nlohmann::json paths = nlohmann::json::object();
  bool any_auth = false;
  for (const auto& route : router.routes()) {
    nlohmann::json parameters = nlohmann::json::array();
    std::string path = OpenApiPath(route->pattern, parameters);
    for (const auto& q : route->query) {
      parameters.push_back({{"name", q.name},
                            {"in", "query"},
                            {"required", q.required},
                            {"description", q.description},
                            {"schema", {{"type", "string"}}}});
    }
    nlohmann::json op = {{"summary", route->summary},
                         {"operationId", Lower(http::MethodName(route->method)) + path},
                         {"responses", {{"default", {{"description", "See the face's documentation under docs/."}}}}}};
    if (!route->tag.empty()) op["tags"] = nlohmann::json::array({route->tag});
    if (!parameters.empty()) op["parameters"] = parameters;
    if (route->access == Access::kAuthenticated) {
      op["security"] = nlohmann::json::array({{{"bearerAuth", nlohmann::json::array()}},
                                              {{"tokenAuth", nlohmann::json::array()}},
                                              {{"sessionAuth", nlohmann::json::array()}}});
      any_auth = true;
    } else {
      op["security"] = nlohmann::json::array();
    }
    paths[path][Lower(http::MethodName(route->method))] = op;
  }
  nlohmann::json doc = {{"openapi", "3.0.3"},
                        {"info", {{"title", "Kairos"}, {"version", KAIROS_VERSION},
                                  {"description", "Scheduling and booking server serving five documented APIs over one engine."}}},
                        {"paths", paths}};
  if (any_auth) {
    doc["components"]["securitySchemes"] = {
        {"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}},
        {"tokenAuth", {{"type", "apiKey"}, {"in", "header"}, {"name", "Authorization"},
                       {"description", "Authorization: Token <token>"}}},
        {"sessionAuth", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "sessionid"},
                         {"description", "Unsafe methods also need the X-CSRFToken header."}}}};
  }
  return doc;
}

void RegisterOpsRoutes(http::Router& router, http::Metrics& metrics, std::function<bool()> database_ok) {
  router.Add({Method::kGet, "/healthz", Access::kPublic, ErrorStyle::kErrorKey, "operations",
              "Liveness: the process is up and serving.", {}, [](Request&) {
                Response r;
                r.body = R"({"status":"ok"})";
                return r;
              }});
  router.Add({Method::kGet, "/readyz", Access::kPublic, ErrorStyle::kErrorKey, "operations",
              "Readiness: the database answers.", {}, [database_ok = std::move(database_ok)](Request&) {
                if (database_ok()) return http::JsonResponse(200, {{"status", "ready"}, {"database", "ok"}});
                return http::JsonResponse(503, {{"status", "unavailable"}, {"database", "unreachable"}});
              }});
  router.Add({Method::kGet, "/metrics", Access::kPublic, ErrorStyle::kErrorKey, "operations",
              "Prometheus metrics: requests, latency, bookings, database pools, process and build.", {}, [&metrics](Request&) {
                Response r;
                r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                r.body = metrics.Render();
                return r;
              }});
  router.Add({Method::kGet, "/openapi.json", Access::kPublic, ErrorStyle::kErrorKey, "operations",
              "This API's OpenAPI 3 document, built from the route table.", {}, [&router](Request&) {
                return http::JsonResponse(200, BuildOpenApi(router));
              }});
}

}  // namespace kairos::api
