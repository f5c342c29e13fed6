#include "kairos/api/schema.hpp"

#include <cctype>

namespace kairos::api {

namespace schema {

json String(std::size_t max_length, std::size_t min_length) {
  json s = {{"type", "string"}};
  if (max_length > 0) s["maxLength"] = max_length;
  if (min_length > 0) s["minLength"] = min_length;
  return s;
}

json Nullable(json schema) {
  if (schema.contains("type") && schema["type"].is_string()) {
    schema["type"] = json::array({schema["type"], "null"});
    if (schema.contains("enum")) schema["enum"].push_back(nullptr);
    return schema;
  }
  return {{"anyOf", json::array({std::move(schema), {{"type", "null"}}})}};
}

json Integer(std::optional<std::int64_t> minimum, std::optional<std::int64_t> maximum) {
  json s = {{"type", "integer"}};
  if (minimum) s["minimum"] = *minimum;
  if (maximum) s["maximum"] = *maximum;
  return s;
}

json Boolean() { return {{"type", "boolean"}}; }

json Timestamp() {
  return {{"type", "string"}, {"format", "date-time"}, {"pattern", "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$"}};
}

json Day() { return {{"type", "string"}, {"format", "date"}, {"pattern", "^\\d{4}-\\d{2}-\\d{2}$"}}; }

json Clock() { return {{"type", "string"}, {"pattern", "^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$"}}; }

json Uuid() { return {{"type", "string"}, {"format", "uuid"}}; }

json Enum(std::initializer_list<const char*> values) {
  json e = json::array();
  for (const char* v : values) e.push_back(v);
  return {{"type", "string"}, {"enum", e}};
}

json ArrayOf(json items, std::optional<std::size_t> max_items) {
  json s = {{"type", "array"}, {"items", std::move(items)}};
  if (max_items) s["maxItems"] = *max_items;
  return s;
}

json Object(json properties, std::vector<std::string> required) {
  json s = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

json ClosedObject(json properties) {
  std::vector<std::string> required;
  for (const auto& [name, value] : properties.items()) required.push_back(name);
  return Object(std::move(properties), std::move(required));
}

json MapOf(json values) { return {{"type", "object"}, {"additionalProperties", std::move(values)}}; }

namespace {

// The text Pydantic's and DRF's lax int read: an optional sign, digits (single '_'
// between digits), a ".0..." fraction, surrounding whitespace.
json IntegerText(BodyProfile profile) {
  const char* fraction = profile == BodyProfile::kDrf ? "(\\.0*)?" : "(\\.0+)?";
  return {{"type", "string"},
          {"pattern", std::string("^\\s*[+-]?[0-9](_?[0-9])*\\s*") + fraction + "\\s*$"}};
}

// A pattern matching any of these words in any case: "^(1|[oO][nN])$".
std::string AnyCase(std::initializer_list<const char*> words) {
  std::string out = "^(";
  bool first = true;
  for (std::string_view w : words) {
    if (!first) out += '|';
    first = false;
    for (char c : w) {
      char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (lower == upper) {
        out += c;
      } else {
        out += std::string("[") + lower + upper + "]";
      }
    }
  }
  return out + ")$";
}

}  // namespace

json Field(BodyProfile profile, const BodyField& field) {
  json s;
  switch (field.type) {
    case BodyField::Type::kString:
      s = String(field.max_length);
      // DRF's CharField takes numbers as their text.
      if (profile == BodyProfile::kDrf) s["type"] = json::array({"string", "number"});
      break;
    case BodyField::Type::kInteger:
      s = {{"type", "integer"}};
      if (profile == BodyProfile::kPydantic) {
        s = {{"anyOf", json::array({{{"type", "integer"}}, {{"type", "boolean"}}, IntegerText(profile)})}};
      } else if (profile == BodyProfile::kDrf) {
        s = {{"anyOf", json::array({{{"type", "integer"}}, IntegerText(profile)})}};
      }
      break;
    case BodyField::Type::kBoolean:
      s = Boolean();
      if (profile == BodyProfile::kPydantic) {
        s = {{"anyOf", json::array({Boolean(),
                                    {{"type", "integer"}, {"enum", json::array({0, 1})}},
                                    {{"type", "string"}, {"pattern", AnyCase({"1", "0", "on", "off", "t", "f", "true",
                                                                              "false", "y", "n", "yes", "no"})}}})}};
      } else if (profile == BodyProfile::kDrf) {
        s = {{"anyOf", json::array({Boolean(),
                                    {{"type", "integer"}, {"enum", json::array({0, 1})}},
                                    {{"type", "string"},
                                     {"enum", json::array({"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True",
                                                           "TRUE", "on", "On", "ON", "1", "f", "F", "n", "N", "no",
                                                           "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
                                                           "0"})}}})}};
      }
      break;
  }
  if (field.nullable) s = Nullable(std::move(s));
  if (!field.description.empty()) s["description"] = std::string(field.description);
  return s;
}

json Body(BodyProfile profile, std::initializer_list<BodyField> fields) {
  json properties = json::object();
  std::vector<std::string> required;
  for (const BodyField& f : fields) {
    properties[std::string(f.name)] = Field(profile, f);
    if (f.required) required.emplace_back(f.name);
  }
  json s = Object(std::move(properties), std::move(required));
  if (profile != BodyProfile::kStrict) s.erase("additionalProperties");
  return s;
}

}  // namespace schema

namespace {

// A nullable field's null reads as absent.
bool NullAsAbsent(const JsonBody& body, const BodyField& field, const nlohmann::json* raw) {
  return field.nullable && !body.is_form() && raw != nullptr && raw->is_null();
}

}  // namespace

Result<std::optional<std::string>> ReadString(JsonBody& body, const BodyField& field) {
  if (field.nullable) {
    const nlohmann::json* raw = body.Raw(field.name);
    if (NullAsAbsent(body, field, raw)) return std::optional<std::string>();
  }
  if (field.required) {
    auto s = body.RequiredString(field.name, field.max_length);
    if (!s) return s.error();
    return std::optional<std::string>(std::move(*s));
  }
  return body.OptionalString(field.name, field.max_length);
}

Result<std::optional<std::int64_t>> ReadInt(JsonBody& body, const BodyField& field) {
  if (field.nullable) {
    const nlohmann::json* raw = body.Raw(field.name);
    if (NullAsAbsent(body, field, raw)) return std::optional<std::int64_t>();
  }
  if (field.required) {
    auto n = body.RequiredInt(field.name);
    if (!n) return n.error();
    return std::optional<std::int64_t>(*n);
  }
  return body.OptionalInt(field.name);
}

Result<std::optional<bool>> ReadBool(JsonBody& body, const BodyField& field) {
  if (field.nullable) {
    const nlohmann::json* raw = body.Raw(field.name);
    if (NullAsAbsent(body, field, raw)) return std::optional<bool>();
  }
  if (field.required) {
    auto b = body.RequiredBool(field.name);
    if (!b) return b.error();
    return std::optional<bool>(*b);
  }
  return body.OptionalBool(field.name);
}

namespace schema {

json Error(http::ErrorStyle style) {
  const json detail = Object({{"detail", String()}}, {"detail"});
  const json messages = ArrayOf(String());
  switch (style) {
    case http::ErrorStyle::kDetail:
      return detail;
    case http::ErrorStyle::kErrMessage:
      return Object({{"err_message", messages}}, {"err_message"});
    case http::ErrorStyle::kErrMessageDrf:
    case http::ErrorStyle::kFieldKeyed: {
      // {"<field>": ["..."]}, {"err_message"|"non_field_errors": ["..."]} or {"detail": "..."}.
      json keyed = MapOf(messages);
      keyed["minProperties"] = 1;
      keyed["maxProperties"] = 1;
      return {{"anyOf", json::array({detail, keyed})}};
    }
    case http::ErrorStyle::kErrorKey:
      return Object({{"error", String()}}, {"error"});
    case http::ErrorStyle::kProblem:
      break;
  }
  return Object({{"type", String()},
                 {"title", String()},
                 {"status", Integer(100, 599)},
                 {"detail", String()},
                 {"errors", ArrayOf(Object({{"field", String()}, {"message", String()}}, {"field", "message"}))}},
                {"type", "title", "status", "detail"});
}

std::string ErrorName(http::ErrorStyle style) {
  switch (style) {
    case http::ErrorStyle::kDetail: return "DetailError";
    case http::ErrorStyle::kErrMessage: return "ErrMessageError";
    case http::ErrorStyle::kErrMessageDrf: return "ErrMessageOrFieldError";
    case http::ErrorStyle::kFieldKeyed: return "FieldKeyedError";
    case http::ErrorStyle::kErrorKey: return "ErrorKeyError";
    case http::ErrorStyle::kProblem: return "Problem";
  }
  return "Error";
}

}  // namespace schema

std::vector<http::ResponseDoc> WithErrors(std::vector<http::ResponseDoc> responses, http::ErrorStyle style,
                                          std::initializer_list<int> statuses) {
  const std::string media = style == http::ErrorStyle::kProblem ? "application/problem+json" : "application/json";
  auto add = [&](int status, std::string description) {
    responses.push_back({status, std::move(description), schema::Error(style), schema::ErrorName(style), media});
  };
  for (int status : statuses) {
    std::string what;
    switch (status) {
      case 400: what = "The request is malformed or breaks a rule."; break;
      case 401: what = "No valid credentials."; break;
      case 403: what = "The caller may not do this."; break;
      case 404: what = "No such resource, or not the caller's."; break;
      case 409: what = "The request collides with existing state."; break;
      default: what = std::string(http::StatusTitle(status));
    }
    add(status, what);
  }
  add(0, "Any other error, in the same shape.");
  return responses;
}

http::ResponseDoc Returns(int status, std::string description, nlohmann::json schema, std::string name) {
  return {status, std::move(description), std::move(schema), std::move(name)};
}

}  // namespace kairos::api
