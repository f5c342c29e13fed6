#include "kairos/api/ops/ops_routes.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

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

std::string OperationId(http::Method method, std::string_view pattern) {
  std::string out = Lower(http::MethodName(method));
  bool in_type = false;  // inside "{name:type}", after the colon
  for (char c : pattern) {
    if (c == '}') in_type = false;
    if (in_type) continue;
    if (c == ':') {
      in_type = true;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(c);
    } else if (out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

nlohmann::json BuildOpenApi(const http::Router& router) {
  nlohmann::json paths = nlohmann::json::object();
  nlohmann::json schemas = nlohmann::json::object();
  std::set<std::string> operation_ids;
  bool any_auth = false;
  // A named schema is published once; the operation refers to it.
  auto publish = [&schemas](const nlohmann::json& schema, const std::string& name) -> nlohmann::json {
    if (name.empty()) return schema;
    if (!schemas.contains(name)) schemas[name] = schema;
    return {{"$ref", "#/components/schemas/" + name}};
  };
  for (const auto& route : router.routes()) {
    const http::RouteDoc& doc = route->doc;
    nlohmann::json parameters = nlohmann::json::array();
    std::string path = OpenApiPath(route->pattern, parameters);
    for (auto& p : parameters) {
      auto d = doc.path_params.find(p["name"].get<std::string>());
      if (d != doc.path_params.end()) p["description"] = d->second;
    }
    for (const auto& q : route->query) {
      auto schema = doc.query_schemas.find(q.name);
      parameters.push_back({{"name", q.name},
                            {"in", "query"},
                            {"required", q.required},
                            {"description", q.description},
                            {"schema", schema != doc.query_schemas.end() ? schema->second
                                                                         : nlohmann::json{{"type", "string"}}}});
    }
    std::string id = doc.operation_id.empty() ? OperationId(route->method, route->pattern) : doc.operation_id;
    for (int n = 2; operation_ids.count(id); ++n) {
      std::string candidate = id + "_" + std::to_string(n);
      if (!operation_ids.count(candidate)) id = candidate;
    }
    operation_ids.insert(id);
    nlohmann::json responses = nlohmann::json::object();
    for (const auto& r : doc.responses) {
      nlohmann::json response = {{"description", r.description.empty() ? std::string(http::StatusTitle(r.status))
                                                                         : r.description}};
      if (!r.schema.is_null()) {
        response["content"][r.media_type]["schema"] = publish(r.schema, r.schema_name);
      }
      responses[std::to_string(r.status)] = response;
    }
    if (responses.empty()) responses["default"] = {{"description", "See the face's documentation under docs/."}};
    nlohmann::json op = {{"summary", route->summary}, {"operationId", id}, {"responses", responses}};
    if (!doc.description.empty()) op["description"] = doc.description;
    if (!doc.request_body.is_null()) {
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", publish(doc.request_body,
                                                                                 doc.request_body_name)}}}}}};
    }
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
  nlohmann::json doc = {{"openapi", "3.1.0"},
                        {"info", {{"title", "Kairos"}, {"version", KAIROS_VERSION},
                                  {"description", "Scheduling and booking server serving five documented APIs and its "
                                                  "own (/v1, docs/api.md) over one engine."}}},
                        {"jsonSchemaDialect", "https://json-schema.org/draft/2020-12/schema"},
                        {"servers", nlohmann::json::array({{{"url", "/"}}})},
                        {"paths", paths}};
  if (!schemas.empty()) doc["components"]["schemas"] = schemas;
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
