// JSON Schema building blocks for route documentation (/openapi.json), shared by every
// face and by /v1: value schemas, objects, and the schema of a request body built from the
// same field table its reader uses, in the face's BodyProfile (what that profile accepts
// for each type).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kairos/api/json_body.hpp"
#include "kairos/core/result.hpp"
#include "kairos/http/router.hpp"

namespace kairos::api {

namespace schema {
using nlohmann::json;

// Building blocks: {"type": "string", ...} and friends.
json String(std::size_t max_length = 0, std::size_t min_length = 0);
json Nullable(json schema);  // allows null too
json Integer(std::optional<std::int64_t> minimum = std::nullopt, std::optional<std::int64_t> maximum = std::nullopt);
json Boolean();
json Timestamp();  // RFC 3339, UTC with Z
json Day();        // YYYY-MM-DD
json Clock();      // HH:MM or 24:00
json Uuid();
json Enum(std::initializer_list<const char*> values);
json ArrayOf(json items, std::optional<std::size_t> max_items = std::nullopt);
// An object with exactly these properties (additionalProperties false) and these required.
json Object(json properties, std::vector<std::string> required);
// Every property listed is present (the serializer always writes them all).
json ClosedObject(json properties);
// An object whose keys are free, each holding a value of `values`.
json MapOf(json values);
}  // namespace schema

// One field of a request body, as its reader reads it and /openapi.json documents it.
// A route keeps its fields in constants and passes them to both.
struct BodyField {
  enum class Type { kString, kInteger, kBoolean };
  std::string_view name;
  Type type = Type::kString;
  bool required = false;
  std::size_t max_length = 0;  // strings: the reader's limit, in characters
  bool nullable = false;       // null is accepted (and read as absent)
  std::string_view description = {};
};

// The reader side: the field's value read with its limits (BodyField::nullable fields
// read null as absent).
Result<std::optional<std::string>> ReadString(JsonBody& body, const BodyField& field);
Result<std::optional<std::int64_t>> ReadInt(JsonBody& body, const BodyField& field);
Result<std::optional<bool>> ReadBool(JsonBody& body, const BodyField& field);

namespace schema {
// What `profile` accepts for a field of this type (Pydantic's lax int takes "3", 4.0
// and booleans; DRF's CharField takes numbers; ...).
json Field(BodyProfile profile, const BodyField& field);
// The body: an object of these fields; kStrict refuses other keys, the lenient profiles
// ignore them.
json Body(BodyProfile profile, std::initializer_list<BodyField> fields);
}  // namespace schema

namespace schema {
// The body an error has in a style (http::ErrorResponse), and the name it is published under.
json Error(http::ErrorStyle style);
std::string ErrorName(http::ErrorStyle style);
}  // namespace schema

// A documented response with a JSON body (schema null: none, as a 204). Status 0 is the
// operation's `default` response.
http::ResponseDoc Returns(int status, std::string description, nlohmann::json schema = nullptr,
                           std::string name = {});
// The responses, then an error response in `style` for each of these statuses, and a
// `default` one in the same style for any other status (the router's 405, a 500, ...).
std::vector<http::ResponseDoc> WithErrors(std::vector<http::ResponseDoc> responses, http::ErrorStyle style,
                                          std::initializer_list<int> statuses);

}  // namespace kairos::api
