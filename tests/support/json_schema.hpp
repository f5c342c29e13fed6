// A small JSON Schema (2020-12) checker for the tests: enough of the vocabulary that
// /openapi.json uses to check what responses really contain. Supports type (a name or a
// list), properties, required, additionalProperties (false or a schema), items,
// minItems/maxItems, enum, const, minimum/maximum, minLength/maxLength, pattern (ECMAScript),
// format (date-time, date, uuid), anyOf, oneOf, allOf, and $ref into "#/components/schemas/".
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kairos::testing {

// Every way `value` breaks `schema`, each as "<json pointer>: <what>"; empty when it fits.
// `root` is the document $refs resolve in (the whole /openapi.json).
std::vector<std::string> SchemaErrors(const nlohmann::json& schema, const nlohmann::json& value,
                                      const nlohmann::json& root);

// The schema /openapi.json declares for a response: the operation whose path template
// matches `path` (no query) with that method, its response for `status`, the schema of its
// first content type. Sets `error` and returns null when there is none.
nlohmann::json ResponseSchema(const nlohmann::json& openapi, const std::string& method, const std::string& path,
                              int status, std::string& error);

}  // namespace kairos::testing
