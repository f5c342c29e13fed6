#include "support/json_schema.hpp"

#include <regex>

namespace kairos::testing {
namespace {

using nlohmann::json;

bool HasType(const json& value, const std::string& type) {
  if (type == "null") return value.is_null();
  if (type == "boolean") return value.is_boolean();
  if (type == "integer") return value.is_number_integer() || (value.is_number_float() && value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>())));
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return false;
}

bool FormatOk(const std::string& format, const std::string& s) {
  static const std::regex date_time(R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  static const std::regex date(R"(^\d{4}-\d{2}-\d{2}$)");
  static const std::regex uuid(R"(^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)");
  if (format == "date-time") return std::regex_match(s, date_time);
  if (format == "date") return std::regex_match(s, date);
  if (format == "uuid") return std::regex_match(s, uuid);
  return true;  // unknown formats are annotations
}

std::size_t CodePoints(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void Check(const json& schema, const json& value, const json& root, const std::string& at,
           std::vector<std::string>& errors, int depth) {
  if (depth > 64) {
    errors.push_back(at + ": schema nests too deep");
    return;
  }
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) errors.push_back(at + ": no value is allowed here");
    return;
  }
  if (!schema.is_object()) return;
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    const std::string prefix = "#/components/schemas/";
    if (ref.rfind(prefix, 0) != 0 || !root.contains("components") ||
        !root["components"]["schemas"].contains(ref.substr(prefix.size()))) {
      errors.push_back(at + ": unresolvable $ref " + ref);
      return;
    }
    Check(root["components"]["schemas"][ref.substr(prefix.size())], value, root, at, errors, depth + 1);
  }
  if (schema.contains("type")) {
    const json& t = schema["type"];
    bool ok = false;
    if (t.is_string()) ok = HasType(value, t.get<std::string>());
    for (const auto& one : t.is_array() ? t : json::array()) ok = ok || HasType(value, one.get<std::string>());
    if (!ok) {
      errors.push_back(at + ": " + value.dump() + " is not of type " + t.dump());
      return;
    }
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& e : schema["enum"]) found = found || e == value;
    if (!found) errors.push_back(at + ": " + value.dump() + " is not one of " + schema["enum"].dump());
  }
  if (schema.contains("const") && schema["const"] != value) errors.push_back(at + ": is not " + schema["const"].dump());
  if (value.is_number()) {
    double v = value.get<double>();
    if (schema.contains("minimum") && v < schema["minimum"].get<double>()) errors.push_back(at + ": below minimum");
    if (schema.contains("maximum") && v > schema["maximum"].get<double>()) errors.push_back(at + ": above maximum");
  }
  if (value.is_string()) {
    const std::string s = value.get<std::string>();
    if (schema.contains("minLength") && CodePoints(s) < schema["minLength"].get<std::size_t>()) {
      errors.push_back(at + ": shorter than minLength");
    }
    if (schema.contains("maxLength") && CodePoints(s) > schema["maxLength"].get<std::size_t>()) {
      errors.push_back(at + ": longer than maxLength");
    }
    if (schema.contains("pattern") && !std::regex_search(s, std::regex(schema["pattern"].get<std::string>()))) {
      errors.push_back(at + ": \"" + s + "\" does not match " + schema["pattern"].get<std::string>());
    }
    if (schema.contains("format") && !FormatOk(schema["format"], s)) {
      errors.push_back(at + ": \"" + s + "\" is not a " + schema["format"].get<std::string>());
    }
  }
  if (value.is_array()) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>()) {
      errors.push_back(at + ": fewer items than minItems");
    }
    if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<std::size_t>()) {
      errors.push_back(at + ": more items than maxItems");
    }
    if (schema.contains("items")) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        Check(schema["items"], value[i], root, at + "/" + std::to_string(i), errors, depth + 1);
      }
    }
  }
  if (value.is_object()) {
    for (const auto& r : schema.value("required", json::array())) {
      if (!value.contains(r.get<std::string>())) errors.push_back(at + ": missing required " + r.get<std::string>());
    }
    const json props = schema.value("properties", json::object());
    for (const auto& [key, v] : value.items()) {
      if (props.contains(key)) {
        Check(props[key], v, root, at + "/" + key, errors, depth + 1);
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) {
          errors.push_back(at + ": unexpected property " + key);
        } else {
          Check(extra, v, root, at + "/" + key, errors, depth + 1);
        }
      }
    }
  }
  if (schema.contains("allOf")) {
    for (const auto& s : schema["allOf"]) Check(s, value, root, at, errors, depth + 1);
  }
  for (const char* key : {"anyOf", "oneOf"}) {
    if (!schema.contains(key)) continue;
    int matches = 0;
    for (const auto& s : schema[key]) {
      std::vector<std::string> sub;
      Check(s, value, root, at, sub, depth + 1);
      matches += sub.empty();
    }
    if (matches == 0 || (std::string(key) == "oneOf" && matches > 1)) {
      errors.push_back(at + ": " + std::to_string(matches) + " of the " + key + " alternatives match");
    }
  }
}

bool TemplateMatches(const std::string& tmpl, const std::string& path) {
  auto split = [](const std::string& s) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
      auto slash = s.find('/', start);
      parts.push_back(s.substr(start, slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    return parts;
  };
  auto a = split(tmpl), b = split(path);
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    bool param = a[i].size() > 2 && a[i].front() == '{' && a[i].back() == '}';
    if (param ? b[i].empty() : a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> SchemaErrors(const json& schema, const json& value, const json& root) {
  std::vector<std::string> errors;
  Check(schema, value, root, "", errors, 0);
  return errors;
}

json ResponseSchema(const json& openapi, const std::string& method, const std::string& path, int status,
                    std::string& error) {
  std::string lower;
  for (char c : method) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string plain = path.substr(0, path.find('?'));
  // Literal templates first, as the router prefers them.
  const json* op = nullptr;
  int best = -1;
  for (const auto& [tmpl, item] : openapi["paths"].items()) {
    if (!TemplateMatches(tmpl, plain) || !item.contains(lower)) continue;
    int literal = 0;
    for (char c : tmpl) literal += c != '{';
    if (literal > best) {
      best = literal;
      op = &item[lower];
    }
  }
  if (op == nullptr) {
    error = "no operation " + method + " " + plain + " in /openapi.json";
    return nullptr;
  }
  const json& responses = (*op)["responses"];
  const std::string code = std::to_string(status);
  if (!responses.contains(code)) {
    error = method + " " + plain + " (" + (*op)["operationId"].get<std::string>() + ") declares no " + code + " response";
    return nullptr;
  }
  const json& response = responses[code];
  if (!response.contains("content")) return json::object({{"x-no-body", true}});
  return response["content"].begin().value()["schema"];
}

}  // namespace kairos::testing
