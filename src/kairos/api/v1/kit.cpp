#include "kairos/api/v1/kit.hpp"

#include <algorithm>
#include <charconv>

namespace kairos::api::v1 {
namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kBase64Url[(v >> shift) & 63]);
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
    out.push_back(kBase64Url[(v >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::find(kBase64Url, kBase64Url + 64, c);
    if (p == kBase64Url + 64 || c == '\0') return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(p - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, so every cursor has one spelling.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

Error WrongType(const std::string& field, const char* expected) {
  return InvalidArgument(field + " must be " + expected + ".", field);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void InstallPrefix(http::Router& router) { router.SetPrefixStyle("/v1/", kStyle); }

http::Response Fail(const Error& error, int status) { return http::ErrorResponse(kStyle, error, status); }
http::Response Unprocessable(const Error& error) { return Fail(error, 422); }
http::Response Ok(const json& body) { return http::JsonResponse(200, body); }
http::Response Created(const json& body) { return http::JsonResponse(201, body); }
http::Response NoContent() { return http::EmptyResponse(204); }

Result<Instant> ParseTimestamp(std::string_view text, std::string_view field) {
  const std::string name(field);
  const Error bad = InvalidArgument(name + " must be an RFC 3339 date-time such as 2027-03-01T09:00:00Z.", name);
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z or ±HH:MM.
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') return bad;
  std::string normal(text.substr(0, 19));
  normal[10] = 'T';
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 1 || n > 10) return bad;
    rest.remove_prefix(n);
  }
  if (rest == "z") rest = "Z";
  if (rest != "Z" && rest.size() != 6) return bad;
  normal += rest;
  auto t = ParseInstant(normal, field);
  if (!t) return bad;
  return *t;
}

std::string FormatTimestamp(Instant t) { return FormatUtc(t); }

Result<TimeOfDay> ParseClock(std::string_view text, std::string_view field, bool allow_end_of_day) {
  const std::string name(field);
  if (allow_end_of_day && text == "24:00") return TimeOfDay{86400};
  if (text.size() != 5 || text[2] != ':' || !AllDigits(text.substr(0, 2)) || !AllDigits(text.substr(3, 2))) {
    return InvalidArgument(name + " must be a time HH:MM" + (allow_end_of_day ? " (or 24:00)" : "") + ".", name);
  }
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) {
    return InvalidArgument(name + " is not a time of day: " + std::string(text) + ".", name);
  }
  return TimeOfDay{h * 3600 + m * 60};
}

std::string FormatClock(TimeOfDay t) { return t.count() >= 86400 ? "24:00" : FormatHourMinute(t); }

Result<Date> ParseDay(std::string_view text, std::string_view field) {
  auto day = ParseDate(text, field);
  if (!day) {
    const std::string name(field);
    return InvalidArgument(name + " must be a date YYYY-MM-DD.", name);
  }
  return *day;
}

std::string FormatDay(Date day) { return FormatDate(day); }

Result<Zone> ParseZone(std::string_view text, std::string_view field) {
  const std::string name(field);
  if (text.empty() || text.size() > 64) return InvalidArgument(name + " must be an IANA time zone name.", name);
  auto zone = FindZone(text, field);
  if (!zone) return InvalidArgument(name + " is not a known IANA time zone: " + std::string(text) + ".", name);
  return *zone;
}

Result<std::optional<Instant>> QueryTimestamp(const http::Request& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::optional<Instant>();
  auto t = ParseTimestamp(*text, name);
  if (!t) return t.error();
  return std::optional<Instant>(*t);
}

Result<std::optional<Date>> QueryDay(const http::Request& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::optional<Date>();
  auto d = ParseDay(*text, name);
  if (!d) return d.error();
  return std::optional<Date>(*d);
}

Result<std::optional<std::int64_t>> QueryInt(const http::Request& request, std::string_view name, std::int64_t min,
                                             std::int64_t max) {
  const std::string field(name);
  const Error bad = InvalidArgument(field + " must be an integer from " + std::to_string(min) + " to " +
                                        std::to_string(max) + ".",
                                    field);
  auto text = request.Query(name);
  if (!text) return std::optional<std::int64_t>();
  auto n = ReadInteger(*text, IntSyntax::kDecimal);
  if (!n || n->saturated || n->value < min || n->value > max) return bad;
  return std::optional<std::int64_t>(n->value);
}

std::string EncodeCursor(const service::PageKey& key) { return Base64UrlEncode(json::array({key.key, key.id}).dump()); }

std::optional<service::PageKey> DecodeCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > 512) return std::nullopt;
  auto text = Base64UrlDecode(cursor);
  if (!text || Base64UrlEncode(*text) != cursor) return std::nullopt;  // one spelling per cursor
  json v = json::parse(*text, nullptr, false);
  if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_number_integer()) return std::nullopt;
  if (v.dump() != *text) return std::nullopt;  // only what EncodeCursor writes
  return service::PageKey{v[0].get<std::string>(), v[1].get<std::int64_t>()};
}

Result<service::PageRequest> ReadPage(const http::Request& request) {
  service::PageRequest page;
  page.limit = kDefaultLimit;
  auto limit = QueryInt(request, "limit", 1, static_cast<std::int64_t>(kMaxLimit));
  if (!limit) return limit.error();
  if (*limit) page.limit = static_cast<std::size_t>(**limit);
  if (auto cursor = request.Query("cursor")) {
    auto key = DecodeCursor(*cursor);
    if (!key) return InvalidArgument("cursor is not a cursor this list gave out.", "cursor");
    page.after = std::move(*key);
  }
  return page;
}

std::vector<http::QueryParam> PageParams() {
  return {{"limit", "Rows per page, 1 to 200 (default 50).", false},
          {"cursor", "The next_cursor of the previous page.", false}};
}

void DocumentPageParams(http::RouteDoc& doc) {
  doc.query_schemas["limit"] = schema::Integer(1, static_cast<std::int64_t>(kMaxLimit));
  doc.query_schemas["cursor"] = schema::String(512);
}

const auth::Principal* OptionalCaller(const http::Request& request) {
  return request.principal ? &*request.principal : nullptr;
}

Result<JsonBody> ReadBody(const http::Request& request) { return JsonBody::Parse(request, kBodies); }

Result<ObjectReader> ObjectReader::Of(const json& value, std::string path) {
  if (!value.is_object()) return InvalidArgument(path + " must be an object.", path);
  return ObjectReader(value, std::move(path));
}

std::string ObjectReader::FieldPath(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

bool ObjectReader::Has(std::string_view name) const { return object_->contains(name); }

const json* ObjectReader::Field(std::string_view name) {
  if (std::find(read_.begin(), read_.end(), name) == read_.end()) read_.emplace_back(name);
  auto it = object_->find(name);
  return it == object_->end() ? nullptr : &*it;
}

const json* ObjectReader::Raw(std::string_view name) { return Field(name); }

Result<std::optional<std::string>> ObjectReader::OptionalString(std::string_view name, std::size_t max_length) {
  const json* v = Field(name);
  if (v == nullptr) return std::optional<std::string>();
  const std::string field = FieldPath(name);
  if (!v->is_string()) return WrongType(field, "a string");
  std::string s = v->get<std::string>();
  if (Characters(s) > max_length) {
    return InvalidArgument(field + " is longer than " + std::to_string(max_length) + " characters.", field);
  }
  return std::optional<std::string>(std::move(s));
}

Result<std::string> ObjectReader::RequiredString(std::string_view name, std::size_t max_length) {
  auto s = OptionalString(name, max_length);
  if (!s) return s.error();
  if (!*s) return InvalidArgument(FieldPath(name) + " is required.", FieldPath(name));
  return std::move(**s);
}

Result<std::optional<std::int64_t>> ObjectReader::OptionalInt(std::string_view name) {
  const json* v = Field(name);
  if (v == nullptr) return std::optional<std::int64_t>();
  const std::string field = FieldPath(name);
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      return WrongType(field, "an integer");
    }
    return std::optional<std::int64_t>(v->get<std::int64_t>());
  }
  return WrongType(field, "an integer");
}

Result<std::int64_t> ObjectReader::RequiredInt(std::string_view name) {
  auto n = OptionalInt(name);
  if (!n) return n.error();
  if (!*n) return InvalidArgument(FieldPath(name) + " is required.", FieldPath(name));
  return **n;
}

Result<std::optional<bool>> ObjectReader::OptionalBool(std::string_view name) {
  const json* v = Field(name);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return WrongType(FieldPath(name), "true or false");
  return std::optional<bool>(v->get<bool>());
}

Result<bool> ObjectReader::RequiredBool(std::string_view name) {
  auto b = OptionalBool(name);
  if (!b) return b.error();
  if (!*b) return InvalidArgument(FieldPath(name) + " is required.", FieldPath(name));
  return **b;
}

Status ObjectReader::RejectUnknownFields() const {
  for (const auto& item : object_->items()) {
    if (std::find(read_.begin(), read_.end(), item.key()) == read_.end()) {
      const std::string field = FieldPath(item.key());
      return InvalidArgument("Unknown field: " + field + ".", field);
    }
  }
  return {};
}

std::size_t Characters(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace schema {

json Problem() {
  return Object({{"type", String()},
                 {"title", String()},
                 {"status", Integer(100, 599)},
                 {"detail", String()},
                 {"errors", ArrayOf(Object({{"field", String()}, {"message", String()}}, {"field", "message"}))}},
                {"type", "title", "status", "detail"});
}

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

json PageOf(json item, std::string_view item_name) {
  json data = ArrayOf(std::move(item));
  data["description"] = "One page of " + std::string(item_name) + ", in the list's order.";
  return Object({{"data", data}, {"next_cursor", Nullable(String())}}, {"data", "next_cursor"});
}

}  // namespace schema

http::ResponseDoc Success(int status, std::string description, json schema, std::string name) {
  return {status, std::move(description), std::move(schema), std::move(name)};
}

http::ResponseDoc Problem(int status, std::string description) {
  return {status, std::move(description), schema::Problem(), "Problem", "application/problem+json"};
}

std::vector<http::ResponseDoc> WithProblems(std::vector<http::ResponseDoc> responses, std::initializer_list<int> problems) {
  for (int status : problems) {
    std::string what;
    switch (status) {
      case 400: what = "The request is malformed or breaks a rule; errors[].field names the field."; break;
      case 401: what = "No valid credentials (Authorization: Bearer <token>)."; break;
      case 403: what = "The caller may not do this."; break;
      case 404: what = "No such resource, or not the caller's."; break;
      case 409: what = "The request collides with existing state."; break;
      case 422: what = "Well formed, but it cannot be done as asked."; break;
      case 429: what = "Too many requests; Retry-After says when to try again."; break;
      default: what = std::string(http::StatusTitle(status));
    }
    responses.push_back(Problem(status, what));
  }
  return responses;
}

}  // namespace kairos::api::v1
