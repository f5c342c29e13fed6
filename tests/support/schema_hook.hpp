// The schema hook: every response an HttpClient reads through Request() on a path of a
// documented face is checked against the schema the server's /openapi.json declares for
// the matched operation (method and path template) and status, or its `default`. A
// mismatch fails the running test, naming the operation, status, path, body and the
// checker's message. /openapi.json is fetched once per server (port).
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace kairos::testing {

// Whether responses under this path are checked: the path prefixes of the faces whose
// routes declare their schemas.
bool SchemaChecked(const std::string& path);

// The check itself: empty when the response fits; otherwise what is wrong. A status the
// operation does not declare is checked against `default`; when that declares no body
// either, the response passes and the operation is recorded (Undocumented()).
std::string CheckResponse(const nlohmann::json& openapi, const std::string& method, const std::string& target,
                          int status, const std::string& body);

// The hook HttpClient calls: fetches (once) the document of the server on `port` and
// fails the current test when the response breaks it.
void CheckServerResponse(std::uint16_t port, const std::string& host, const std::string& method,
                         const std::string& target, int status, const std::string& body);

// Replaces the document used for a server (tests of the hook itself); null forgets it.
void SetOpenApiForPort(std::uint16_t port, nlohmann::json openapi);

// "<operationId> <status>" of the responses that passed because nothing was declared.
std::set<std::string> Undocumented();

}  // namespace kairos::testing
