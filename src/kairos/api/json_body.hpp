// The reader for request bodies, shared by every face. A body is an object of fields;
// each field is read with its type and limits. How lenient the reading is depends on the
// face's framework, named once per face as a BodyProfile:
//
//   kStrict    JSON only; every value must have its exact type; fields nobody read are
//              refused. The default of Parse(body), kept for callers not yet switched.
//   kDrf       as Django REST framework's parsers and fields: JSON, form-urlencoded and
//              multipart/form-data bodies (form values are strings, a repeated key is a
//              list); an empty body is an empty object; CharField takes numbers as their
//              text and trims whitespace; IntegerField takes "3", 4.0 and "4.0"; fields
//              nobody read are ignored.
//   kPydantic  as Pydantic v2's lax mode (FastAPI): JSON; int takes "3", 4.0 and booleans;
//              str takes strings only; bool takes "true"/"yes"/"1"/1 and the like; fields
//              nobody read are ignored.
//
// Errors are InvalidArgument with `field` set (none for an unreadable body), so each face
// renders its style. Reading never throws on bad input, and every size is bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kairos/core/result.hpp"
#include "kairos/http/request.hpp"

namespace kairos::api {

// Maximum lengths, in characters (code points), for common kinds of string field.
inline constexpr std::size_t kMaxNameLength = 150;    // usernames, first and last names
inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxTextLength = 4096;   // free text: descriptions, notes
inline constexpr std::size_t kMaxPasswordLength = 1024;

// At most this many fields in a form body (Django's DATA_UPLOAD_MAX_NUMBER_FIELDS).
inline constexpr std::size_t kMaxFormFields = 1000;

enum class BodyProfile { kStrict, kDrf, kPydantic };

class JsonBody {
 public:
  // Parses a JSON body with the strict profile. Empty or malformed JSON, or anything but
  // an object, is an error.
  static Result<JsonBody> Parse(std::string_view body);
  // Parses a body with a profile. content_type is the request's Content-Type header: the
  // DRF profile reads application/x-www-form-urlencoded and multipart/form-data bodies as
  // forms and everything else as JSON; the other profiles read JSON whatever it says.
  static Result<JsonBody> Parse(std::string_view body, BodyProfile profile, std::string_view content_type = {});
  // The same for a request: its body and Content-Type header.
  static Result<JsonBody> Parse(const http::Request& request, BodyProfile profile);

  BodyProfile profile() const { return profile_; }
  // True for a form body: every value is a string, and Raw/List give strings.
  bool is_form() const { return form_; }

  // True when the field is present (even as null).
  bool Has(std::string_view name) const;

  // A string field: missing (when required), null, a type the profile does not convert,
  // or longer than max_length characters is an error naming the field. An optional field
  // that is absent yields nullopt.
  Result<std::string> RequiredString(std::string_view name, std::size_t max_length);
  Result<std::optional<std::string>> OptionalString(std::string_view name, std::size_t max_length);

  // An integer field that fits in 64 bits: a JSON number with no fractional part, and
  // whatever else the profile converts (strings, booleans).
  Result<std::int64_t> RequiredInt(std::string_view name);
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view name);

  Result<bool> RequiredBool(std::string_view name);
  Result<std::optional<bool>> OptionalBool(std::string_view name);

  // The raw value of a field for shapes the getters do not cover (nullable fields,
  // objects), marking it read; nullptr when absent. In a form, the key's last value, as
  // Django's QueryDict gives it.
  const nlohmann::json* Raw(std::string_view name);
  // The value of a list field, marking it read; nullptr when absent. In JSON the raw
  // value (which may be no array at all); in a form, every value of the key, in order.
  const nlohmann::json* List(std::string_view name);

  // One value (a list's element, say) converted as the profile converts a field; nullopt
  // when it does not convert.
  std::optional<std::int64_t> ToInt(const nlohmann::json& value) const;
  std::optional<std::string> ToString(const nlohmann::json& value) const;
  std::optional<bool> ToBool(const nlohmann::json& value) const;

  // The strict profile: an error naming the first field no getter asked for. The lenient
  // profiles ignore unknown fields, so this succeeds.
  Status RejectUnknownFields() const;

 private:
  JsonBody(nlohmann::json object, BodyProfile profile, bool form)
      : object_(std::move(object)), profile_(profile), form_(form) {}
  Result<const nlohmann::json*> Field(std::string_view name, bool required);

  nlohmann::json object_;  // in a form, each key holds the array of its values
  BodyProfile profile_ = BodyProfile::kStrict;
  bool form_ = false;
  std::set<std::string, std::less<>> read_;
};

}  // namespace kairos::api
