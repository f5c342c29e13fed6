// A strict reader for JSON request bodies, shared by every face: the body must be a JSON
// object, each field is read with its type and limits, and fields nobody read are
// refused. Errors are InvalidArgument with `field` set, so each face renders its style.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kairos/core/result.hpp"

namespace kairos::api {

// Maximum lengths, in characters (code points), for common kinds of string field.
inline constexpr std::size_t kMaxNameLength = 150;    // usernames, first and last names
inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxTextLength = 4096;   // free text: descriptions, notes
inline constexpr std::size_t kMaxPasswordLength = 1024;

class JsonBody {
 public:
  // Parses the body. Empty or malformed JSON, or anything but an object, is an error.
  static Result<JsonBody> Parse(std::string_view body);

  // True when the field is present (even as null).
  bool Has(std::string_view name) const;

  // A string field: missing (when required), null, another type, or longer than
  // max_length characters is an error naming the field. An optional field that is
  // absent yields nullopt.
  Result<std::string> RequiredString(std::string_view name, std::size_t max_length);
  Result<std::optional<std::string>> OptionalString(std::string_view name, std::size_t max_length);

  // An integer field: a JSON number with no fractional part that fits in 64 bits;
  // booleans and strings are refused.
  Result<std::int64_t> RequiredInt(std::string_view name);
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view name);

  Result<bool> RequiredBool(std::string_view name);
  Result<std::optional<bool>> OptionalBool(std::string_view name);

  // The raw value of a field for shapes the getters do not cover (arrays, objects,
  // nullable fields), marking it read; nullptr when absent.
  const nlohmann::json* Raw(std::string_view name);

  // An error naming the first field no getter asked for.
  Status RejectUnknownFields() const;

 private:
  explicit JsonBody(nlohmann::json object) : object_(std::move(object)) {}
  Result<const nlohmann::json*> Field(std::string_view name, bool required);

  nlohmann::json object_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace kairos::api
