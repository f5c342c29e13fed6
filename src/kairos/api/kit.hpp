// The face kit: what every face needs to read a request and answer it, in one place.
// Where faces must differ because the frameworks their documents come from differ, the
// difference is a named profile (json_body.hpp's BodyProfile), not a copy.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kairos/core/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/http/errors.hpp"
#include "kairos/http/request.hpp"
#include "kairos/http/router.hpp"

namespace kairos::api {

// The caller of an authenticated route. The router guarantees one; calling this on a
// public route without credentials is a bug and throws std::logic_error.
const auth::Principal& Caller(const http::Request& request);

// The current instant, to the second: what every face stamps and compares with.
inline Instant Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// The parser's message, prefixed with the field it concerns: "date: ...".
Error Named(std::string_view field, Error error);

// How a face answers a refusal: its error style, and the status its document gives a
// conflict (a duplicate, an overlap). Callable, so a face writes `Fail(error)`.
enum class ConflictStatus {
  k409,  // the framework's conflict, as DefaultStatus gives it
  k400,  // the document answers duplicates and overlaps as it answers validation
};
struct FaceErrors {
  http::ErrorStyle style = http::ErrorStyle::kDetail;
  ConflictStatus conflict = ConflictStatus::k409;

  http::Response operator()(const Error& error) const;
};

// How a face adds its routes: each with what its framework tells a request that brings no
// credentials (FastAPI's "Not authenticated" on {"detail"} faces, Django REST framework's
// "Authentication credentials were not provided." on the others, and on problem-details
// routes, which are Kairos's own, what to send).
class FaceRoutes {
 public:
  explicit FaceRoutes(http::Router& router) : router_(router) {}
  void Add(http::Route route);

 private:
  http::Router& router_;
};

// How a face's framework reads an integer in a query string.
enum class IntSyntax {
  // An optional '-' and decimal digits, nothing else. Digits too many for 64 bits read
  // as the largest value of that sign, so a service's range check names the limits.
  kDecimal,
  // Python's int(): surrounding whitespace and a '+' or '-' sign allowed. Too many
  // digits for 64 bits read as the largest value of that sign.
  kPython,
};
struct Integer {
  std::int64_t value = 0;
  bool saturated = false;  // the digits did not fit in 64 bits; value is the largest of its sign
};
// The integer the text spells in that syntax, or nullopt when it spells none.
std::optional<Integer> ReadInteger(std::string_view text, IntSyntax syntax);

// A query integer: nullopt when the parameter is absent, `invalid` when it is not an
// integer in that syntax.
Result<std::optional<Integer>> QueryInteger(const http::Request& request, std::string_view name, IntSyntax syntax,
                                            const Error& invalid);

// A query integer in IntSyntax::kDecimal, refused as InvalidArgument(message, name). Digits
// too many for 64 bits read as the largest value of their sign, so a service's range
// check names the limits instead of a parse failure.
Result<std::optional<std::int64_t>> IntQuery(const http::Request& request, std::string_view name,
                                             const std::string& message);

// A query date, YYYY-MM-DD: nullopt when absent; a bad one is InvalidArgument on that
// field with the field named in the message.
Result<std::optional<Date>> QueryDate(const http::Request& request, std::string_view name);

// A decimal path parameter as a number; nullopt when it is not one that fits 64 bits.
std::optional<std::int64_t> PathInteger(const http::Request& request, std::string_view name);

// An id as UUIDs are stored: lower case when it is a UUID, otherwise as given (it then
// simply matches nothing).
std::string NormalizedUuid(std::string id);

}  // namespace kairos::api
