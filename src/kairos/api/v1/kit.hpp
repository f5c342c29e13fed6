// The v1 kit: what every /v1 route shares (docs/api.md, "Conventions"). Errors are RFC
// 9457 problem details; instants are RFC 3339, answered in UTC with "Z"; local times are
// "HH:MM" and dates "YYYY-MM-DD"; lists are keyset pages with an opaque cursor; bodies are
// read strictly (exact types, unknown fields refused with 400 naming them).
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
#include "kairos/api/kit.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/core/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/http/errors.hpp"
#include "kairos/http/request.hpp"
#include "kairos/http/router.hpp"
#include "kairos/service/page.hpp"

namespace kairos::api::v1 {

using nlohmann::json;

inline constexpr http::ErrorStyle kStyle = http::ErrorStyle::kProblem;
inline constexpr BodyProfile kBodies = BodyProfile::kStrict;
inline constexpr const char* kPrefix = "/v1/";

// Gives every unmatched path under /v1/ (404, 405) the problem style. Call once.
void InstallPrefix(http::Router& router);

// ---- Answers ---------------------------------------------------------------------------

// An error as application/problem+json: {"type", "title", "status", "detail", "errors":
// [{"field", "message"}]}. status 0: the code's default (400 invalid, 401, 403, 404, 409
// conflict, 429 with Retry-After, 503).
http::Response Fail(const Error& error, int status = 0);
// 422 Unprocessable Content: the request is well formed but cannot be done as asked.
http::Response Unprocessable(const Error& error);
http::Response Ok(const json& body);       // 200
http::Response Created(const json& body);  // 201
http::Response NoContent();                // 204

// ---- Values ----------------------------------------------------------------------------

// An RFC 3339 instant: "2027-03-01T09:00:00Z", "2027-03-01T10:00:00+01:00"; 'T' (or 't')
// between date and time, seconds required, a fraction of a second allowed (and dropped),
// "Z"/"z" or an offset. InvalidArgument naming `field` otherwise.
Result<Instant> ParseTimestamp(std::string_view text, std::string_view field);
// "2027-03-01T09:00:00Z": always UTC.
std::string FormatTimestamp(Instant t);
// "HH:MM", 00:00 to 23:59; with allow_end_of_day also "24:00" (the end of a day).
Result<TimeOfDay> ParseClock(std::string_view text, std::string_view field, bool allow_end_of_day = false);
// "09:00"; 86400 seconds is "24:00".
std::string FormatClock(TimeOfDay t);
// "YYYY-MM-DD", a real date.
Result<Date> ParseDay(std::string_view text, std::string_view field);
std::string FormatDay(Date day);
// An IANA zone name that the system knows; InvalidArgument naming `field` otherwise.
Result<Zone> ParseZone(std::string_view text, std::string_view field);

// Query parameters: nullopt when absent, a 400 naming the parameter when malformed.
Result<std::optional<Instant>> QueryTimestamp(const http::Request& request, std::string_view name);
Result<std::optional<Date>> QueryDay(const http::Request& request, std::string_view name);
// A decimal integer in [min, max].
Result<std::optional<std::int64_t>> QueryInt(const http::Request& request, std::string_view name, std::int64_t min,
                                             std::int64_t max);

// ---- Lists -----------------------------------------------------------------------------

inline constexpr std::size_t kDefaultLimit = 50;
inline constexpr std::size_t kMaxLimit = 200;

// The opaque cursor of a page key: base64url (no padding) of a small JSON array.
std::string EncodeCursor(const service::PageKey& key);
// The page key of a cursor EncodeCursor made; nullopt for anything else.
std::optional<service::PageKey> DecodeCursor(std::string_view cursor);
// ?limit= (1..200, default 50) and ?cursor=; a bad one is a 400 naming "limit" or "cursor".
Result<service::PageRequest> ReadPage(const http::Request& request);
// {"data": [...], "next_cursor": "..." | null}.
template <class T, class ToJson>
json PageJson(const service::Page<T>& page, ToJson to_json) {
  json data = json::array();
  for (const auto& item : page.items) data.push_back(to_json(item));
  return {{"data", std::move(data)}, {"next_cursor", page.next ? json(EncodeCursor(*page.next)) : json(nullptr)}};
}
// The handler of a paginated list: reads ?limit= and ?cursor=, asks `fetch(request, page)`
// for a Result<service::Page<T>>, and answers it as PageJson with `to_json`; a bad page or
// a refused fetch is answered as a problem.
template <class Fetch, class ToJson>
http::Handler PageHandler(Fetch fetch, ToJson to_json) {
  return [fetch = std::move(fetch), to_json = std::move(to_json)](http::Request& request) -> http::Response {
    auto page = ReadPage(request);
    if (!page) return Fail(page.error());
    auto found = fetch(request, *page);
    if (!found) return Fail(found.error());
    return Ok(PageJson(*found, to_json));
  };
}
// The query parameters a paginated route documents (for Route::query) and their schemas
// (for RouteDoc::query_schemas).
std::vector<http::QueryParam> PageParams();
void DocumentPageParams(http::RouteDoc& doc);

// ---- Callers ---------------------------------------------------------------------------

// The caller of a public route when the request carried valid credentials, else null
// (bad credentials on a public route read as none).
const auth::Principal* OptionalCaller(const http::Request& request);

// ---- Bodies ----------------------------------------------------------------------------

// The request's body as a strict JSON object (kStrict). After reading the fields, call
// body.RejectUnknownFields() (or Finish below).
Result<JsonBody> ReadBody(const http::Request& request);

// A nested object of a body (an element of "weekly", "booking_window"), read as strictly:
// exact types, every key known. `path` names it in errors: "weekly[2]" gives fields like
// "weekly[2].start".
class ObjectReader {
 public:
  // InvalidArgument("<path> must be an object.", path) unless `value` is an object.
  static Result<ObjectReader> Of(const json& value, std::string path);

  const std::string& path() const { return path_; }
  std::string FieldPath(std::string_view name) const;
  bool Has(std::string_view name) const;

  Result<std::string> RequiredString(std::string_view name, std::size_t max_length);
  Result<std::optional<std::string>> OptionalString(std::string_view name, std::size_t max_length);
  Result<std::int64_t> RequiredInt(std::string_view name);
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view name);
  Result<bool> RequiredBool(std::string_view name);
  Result<std::optional<bool>> OptionalBool(std::string_view name);
  // The raw value (nullptr when absent), marked read.
  const json* Raw(std::string_view name);
  // An error naming the first key no getter asked for.
  Status RejectUnknownFields() const;

 private:
  ObjectReader(const json& object, std::string path) : object_(&object), path_(std::move(path)) {}
  const json* Field(std::string_view name);
  const json* object_;
  std::string path_;
  std::vector<std::string> read_;
};

// Number of characters (code points) of a UTF-8 string.
std::size_t Characters(std::string_view s);

// ---- Documentation ---------------------------------------------------------------------

namespace schema {
// The face-neutral builders (api/schema.hpp), under their v1 names.
using api::schema::ArrayOf;
using api::schema::Boolean;
using api::schema::Clock;
using api::schema::Day;
using api::schema::Enum;
using api::schema::Integer;
using api::schema::Nullable;
using api::schema::Object;
using api::schema::String;
using api::schema::Timestamp;
using api::schema::Uuid;
// The JSON Schema of a problem body, published as "Problem".
json Problem();
// {"data": [item], "next_cursor": string|null}.
json PageOf(json item, std::string_view item_name);
}  // namespace schema

// Responses a route documents: the success, then the problems it can answer.
http::ResponseDoc Success(int status, std::string description, json schema = nullptr, std::string name = {});
http::ResponseDoc Problem(int status, std::string description);
// The problems every authenticated v1 route can answer (401), plus these statuses.
std::vector<http::ResponseDoc> WithProblems(std::vector<http::ResponseDoc> responses, std::initializer_list<int> problems);

}  // namespace kairos::api::v1
