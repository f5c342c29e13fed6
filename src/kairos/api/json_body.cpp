#include "kairos/api/json_body.hpp"

#include <algorithm>
#include <cmath>

namespace kairos::api {
namespace {

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Error WrongType(std::string_view name, const char* expected) {
  return InvalidArgument(std::string(name) + " must be " + expected + ".", std::string(name));
}

}  // namespace

Result<JsonBody> JsonBody::Parse(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidArgument("The request body is empty; expected a JSON object.");
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return InvalidArgument("The request body is not valid JSON.");
  if (!parsed.is_object()) return InvalidArgument("The request body must be a JSON object.");
  return JsonBody(std::move(parsed));
}

bool JsonBody::Has(std::string_view name) const { return object_.contains(name); }

Result<const nlohmann::json*> JsonBody::Field(std::string_view name, bool required) {
  read_.emplace(name);
  auto it = object_.find(name);
  if (it == object_.end()) {
    if (required) return InvalidArgument(std::string(name) + " is required.", std::string(name));
    return static_cast<const nlohmann::json*>(nullptr);
  }
  if (it->is_null()) return InvalidArgument(std::string(name) + " may not be null.", std::string(name));
  return &*it;
}

Result<std::optional<std::string>> JsonBody::OptionalString(std::string_view name, std::size_t max_length) {
  auto field = Field(name, false);
  if (!field) return field.error();
  if (*field == nullptr) return std::optional<std::string>();
  if (!(*field)->is_string()) return WrongType(name, "a string");
  const auto& s = (*field)->get_ref<const std::string&>();
  if (CodePoints(s) > max_length) {
    return InvalidArgument(std::string(name) + " must be at most " + std::to_string(max_length) + " characters.",
                           std::string(name));
  }
  return std::optional<std::string>(s);
}

Result<std::string> JsonBody::RequiredString(std::string_view name, std::size_t max_length) {
  if (!Has(name)) {
    read_.emplace(name);
    return InvalidArgument(std::string(name) + " is required.", std::string(name));
  }
  auto s = OptionalString(name, max_length);
  if (!s) return s.error();
  return std::move(**s);
}

Result<std::optional<std::int64_t>> JsonBody::OptionalInt(std::string_view name) {
  auto field = Field(name, false);
  if (!field) return field.error();
  if (*field == nullptr) return std::optional<std::int64_t>();
  const nlohmann::json& v = **field;
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      return InvalidArgument(std::string(name) + " is out of range.", std::string(name));
    }
    return std::optional<std::int64_t>(v.get<std::int64_t>());
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    // 2.0 is an integer written with a decimal point; 2.5 is not.
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) {
      return std::optional<std::int64_t>(static_cast<std::int64_t>(d));
    }
    return WrongType(name, "an integer");
  }
  return WrongType(name, "an integer");
}

Result<std::int64_t> JsonBody::RequiredInt(std::string_view name) {
  if (!Has(name)) {
    read_.emplace(name);
    return InvalidArgument(std::string(name) + " is required.", std::string(name));
  }
  auto v = OptionalInt(name);
  if (!v) return v.error();
  return **v;
}

Result<std::optional<bool>> JsonBody::OptionalBool(std::string_view name) {
  auto field = Field(name, false);
  if (!field) return field.error();
  if (*field == nullptr) return std::optional<bool>();
  if (!(*field)->is_boolean()) return WrongType(name, "a boolean");
  return std::optional<bool>((*field)->get<bool>());
}

Result<bool> JsonBody::RequiredBool(std::string_view name) {
  if (!Has(name)) {
    read_.emplace(name);
    return InvalidArgument(std::string(name) + " is required.", std::string(name));
  }
  auto v = OptionalBool(name);
  if (!v) return v.error();
  return **v;
}

const nlohmann::json* JsonBody::Raw(std::string_view name) {
  read_.emplace(name);
  auto it = object_.find(name);
  return it == object_.end() ? nullptr : &*it;
}

Status JsonBody::RejectUnknownFields() const {
  for (const auto& item : object_.items()) {
    if (!read_.contains(item.key())) return InvalidArgument("Unknown field: " + item.key() + ".", item.key());
  }
  return {};
}

}  // namespace kairos::api
