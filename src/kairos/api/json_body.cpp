#include "kairos/api/json_body.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "kairos/core/text.hpp"

namespace kairos::api {
namespace {

using nlohmann::json;

// Longer strings are not read as numbers (DRF's IntegerField.MAX_STRING_LENGTH).
constexpr std::size_t kMaxNumberText = 1000;

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Error WrongType(std::string_view name, const char* expected) {
  return InvalidArgument(std::string(name) + " must be " + expected + ".", std::string(name));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// An integer written as text, as Python's int() reads one: surrounding whitespace, an
// optional sign, digits with single underscores between them; then an optional decimal
// point followed only by zeros ("4.0"), which DRF's IntegerField strips first and Pydantic
// accepts when at least one zero follows (DRF takes "4.", Pydantic does not).
std::optional<std::int64_t> IntFromText(std::string_view text, BodyProfile profile) {
  if (text.size() > kMaxNumberText) return std::nullopt;
  text = TrimSpace(text);
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    std::string_view zeros = text.substr(dot + 1);
    if (!std::all_of(zeros.begin(), zeros.end(), [](char c) { return c == '0'; })) return std::nullopt;
    if (zeros.empty() && profile != BodyProfile::kDrf) return std::nullopt;
    text = TrimSpace(text.substr(0, dot));
  }
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '_' && i > 0 && i + 1 < text.size() && text[i - 1] != '_' && text[i + 1] >= '0' &&
               text[i + 1] <= '9') {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty()) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (negative) {
    if (magnitude > static_cast<std::uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<std::int64_t>(0 - magnitude);
  }
  if (magnitude > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

// A JSON number that is an integer in 64 bits: 3, or 3.0 (but not 3.5 or 1e300).
std::optional<std::int64_t> IntFromNumber(const json& v) {
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

// application/x-www-form-urlencoded: key=value pairs joined by '&', '+' for a space.
Result<json> ParseUrlEncoded(std::string_view body) {
  json object = json::object();
  std::size_t fields = 0;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    if (++fields > kMaxFormFields) return InvalidArgument("The form has too many fields.");
    auto eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    object[key].push_back(std::move(value));
  }
  return object;
}

// The value of one parameter of a header such as `form-data; name="a"; filename="b"`.
std::optional<std::string> HeaderParam(std::string_view header, std::string_view wanted) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view item = TrimSpace(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    if (Lower(TrimSpace(item.substr(0, eq))) != wanted) continue;
    std::string_view value = TrimSpace(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

// multipart/form-data: parts between boundary lines, each with a Content-Disposition
// naming its field. File parts (those with a filename) are no field of any face and are
// skipped.
Result<json> ParseMultipart(std::string_view body, std::string_view content_type) {
  const Error bad = InvalidArgument("The request body is not a valid multipart form.");
  auto boundary = HeaderParam(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) return bad;
  const std::string delimiter = "--" + *boundary;
  const std::string separator = "\r\n" + delimiter;
  json object = json::object();
  std::size_t fields = 0;
  std::size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return bad;
  pos += delimiter.size();
  while (true) {
    if (body.substr(pos, 2) == "--") break;
    if (body.substr(pos, 2) != "\r\n") return bad;
    pos += 2;
    std::size_t next = body.find(separator, pos);
    if (next == std::string_view::npos) return bad;
    std::string_view part = body.substr(pos, next - pos);
    pos = next + separator.size();
    auto header_end = part.find("\r\n\r\n");
    std::string_view headers = header_end == std::string_view::npos ? part : part.substr(0, header_end);
    std::string_view content = header_end == std::string_view::npos ? std::string_view{} : part.substr(header_end + 4);
    std::optional<std::string> name;
    bool file = false;
    while (!headers.empty()) {
      auto eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
      auto colon = line.find(':');
      if (colon == std::string_view::npos || Lower(TrimSpace(line.substr(0, colon))) != "content-disposition") continue;
      std::string_view value = line.substr(colon + 1);
      name = HeaderParam(value, "name");
      file = HeaderParam(value, "filename").has_value();
    }
    if (!name) return bad;
    if (++fields > kMaxFormFields) return InvalidArgument("The form has too many fields.");
    if (!file) object[*name].push_back(std::string(content));
  }
  return object;
}

std::string MediaType(std::string_view content_type) {
  return Lower(TrimSpace(content_type.substr(0, content_type.find(';'))));
}

}  // namespace

Result<JsonBody> JsonBody::Parse(std::string_view body) { return Parse(body, BodyProfile::kStrict); }

Result<JsonBody> JsonBody::Parse(const http::Request& request, BodyProfile profile) {
  return Parse(request.body, profile, request.Header("content-type"));
}

Result<JsonBody> JsonBody::Parse(std::string_view body, BodyProfile profile, std::string_view content_type) {
  if (profile == BodyProfile::kDrf) {
    const std::string media = MediaType(content_type);
    if (media == "application/x-www-form-urlencoded" || media == "multipart/form-data") {
      auto form = media == "multipart/form-data" ? ParseMultipart(body, content_type) : ParseUrlEncoded(body);
      if (!form) return form.error();
      return JsonBody(std::move(*form), profile, true);
    }
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    // Django REST framework reads an empty body as no fields at all.
    if (profile == BodyProfile::kDrf) return JsonBody(json::object(), profile, false);
    return InvalidArgument("The request body is empty; expected a JSON object.");
  }
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return InvalidArgument("The request body is not valid JSON.");
  if (!parsed.is_object()) return InvalidArgument("The request body must be a JSON object.");
  return JsonBody(std::move(parsed), profile, false);
}

bool JsonBody::Has(std::string_view name) const { return object_.contains(name); }

Result<const json*> JsonBody::Field(std::string_view name, bool required) {
  read_.emplace(name);
  auto it = object_.find(name);
  if (it == object_.end() || (form_ && it->empty())) {
    if (required) return InvalidArgument(std::string(name) + " is required.", std::string(name));
    return static_cast<const json*>(nullptr);
  }
  if (form_) return &it->back();
  if (it->is_null()) return InvalidArgument(std::string(name) + " may not be null.", std::string(name));
  return &*it;
}

std::optional<std::string> JsonBody::ToString(const json& v) const {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    // DRF's CharField trims surrounding whitespace by default.
    if (profile_ == BodyProfile::kDrf) return std::string(TrimSpace(s));
    return s;
  }
  // DRF's CharField takes numbers (not booleans) as their text; the others take strings only.
  if (profile_ == BodyProfile::kDrf && v.is_number()) {
    if (v.is_number_float()) return v.dump();
    return v.is_number_unsigned() ? std::to_string(v.get<std::uint64_t>()) : std::to_string(v.get<std::int64_t>());
  }
  return std::nullopt;
}

std::optional<std::int64_t> JsonBody::ToInt(const json& v) const {
  if (v.is_number()) return IntFromNumber(v);
  if (v.is_string() && profile_ != BodyProfile::kStrict) return IntFromText(v.get_ref<const std::string&>(), profile_);
  // Pydantic's lax int takes a boolean as 0 or 1; DRF's IntegerField refuses it.
  if (v.is_boolean() && profile_ == BodyProfile::kPydantic) return v.get<bool>() ? 1 : 0;
  return std::nullopt;
}

std::optional<bool> JsonBody::ToBool(const json& v) const {
  if (v.is_boolean()) return v.get<bool>();
  if (profile_ == BodyProfile::kStrict) return std::nullopt;
  if (v.is_number()) {
    double d = v.get<double>();
    if (d == 1.0) return true;
    if (d == 0.0) return false;
    return std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (profile_ == BodyProfile::kDrf) {
    // BooleanField.TRUE_VALUES and FALSE_VALUES, exactly as spelled there.
    static const std::set<std::string, std::less<>> kTrue = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true",
                                                             "True", "TRUE", "on", "On", "ON", "1"};
    static const std::set<std::string, std::less<>> kFalse = {"f", "F", "n", "N", "no", "No", "NO", "false",
                                                              "False", "FALSE", "off", "Off", "OFF", "0"};
    if (kTrue.contains(s)) return true;
    if (kFalse.contains(s)) return false;
    return std::nullopt;
  }
  // Pydantic: the same words in any case, but no surrounding whitespace.
  const std::string lower = Lower(s);
  if (lower == "1" || lower == "on" || lower == "t" || lower == "true" || lower == "y" || lower == "yes") return true;
  if (lower == "0" || lower == "off" || lower == "f" || lower == "false" || lower == "n" || lower == "no") return false;
  return std::nullopt;
}

Result<std::optional<std::string>> JsonBody::OptionalString(std::string_view name, std::size_t max_length) {
  auto field = Field(name, false);
  if (!field) return field.error();
  if (*field == nullptr) return std::optional<std::string>();
  auto s = ToString(**field);
  if (!s) return WrongType(name, "a string");
  if (CodePoints(*s) > max_length) {
    return InvalidArgument(std::string(name) + " must be at most " + std::to_string(max_length) + " characters.",
                           std::string(name));
  }
  return std::optional<std::string>(std::move(*s));
}

Result<std::string> JsonBody::RequiredString(std::string_view name, std::size_t max_length) {
  auto field = Field(name, true);
  if (!field) return field.error();
  auto s = OptionalString(name, max_length);
  if (!s) return s.error();
  return std::move(**s);
}

Result<std::optional<std::int64_t>> JsonBody::OptionalInt(std::string_view name) {
  auto field = Field(name, false);
  if (!field) return field.error();
  if (*field == nullptr) return std::optional<std::int64_t>();
  const json& v = **field;
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return InvalidArgument(std::string(name) + " is out of range.", std::string(name));
  }
  auto n = ToInt(v);
  if (!n) return WrongType(name, "an integer");
  return std::optional<std::int64_t>(*n);
}

Result<std::int64_t> JsonBody::RequiredInt(std::string_view name) {
  auto field = Field(name, true);
  if (!field) return field.error();
  auto v = OptionalInt(name);
  if (!v) return v.error();
  return **v;
}

Result<std::optional<bool>> JsonBody::OptionalBool(std::string_view name) {
  auto field = Field(name, false);
  if (!field) return field.error();
  if (*field == nullptr) return std::optional<bool>();
  auto b = ToBool(**field);
  if (!b) return WrongType(name, "a boolean");
  return std::optional<bool>(*b);
}

Result<bool> JsonBody::RequiredBool(std::string_view name) {
  auto field = Field(name, true);
  if (!field) return field.error();
  auto v = OptionalBool(name);
  if (!v) return v.error();
  return **v;
}

const json* JsonBody::Raw(std::string_view name) {
  read_.emplace(name);
  auto it = object_.find(name);
  if (it == object_.end()) return nullptr;
  if (form_) return it->empty() ? nullptr : &it->back();
  return &*it;
}

const json* JsonBody::List(std::string_view name) {
  read_.emplace(name);
  auto it = object_.find(name);
  return it == object_.end() ? nullptr : &*it;
}

Status JsonBody::RejectUnknownFields() const {
  // Django REST framework and Pydantic ignore fields a serializer or model does not declare.
  if (profile_ != BodyProfile::kStrict) return {};
  for (const auto& item : object_.items()) {
    if (!read_.contains(item.key())) return InvalidArgument("Unknown field: " + item.key() + ".", item.key());
  }
  return {};
}

}  // namespace kairos::api
