// Cross-origin resource sharing (CORS) for browsers on other origins: an allow-list of
// exact origins (`--cors-origins`), the headers added to their responses, and the answer
// to their preflight requests. Knows no face: the server asks the router which methods
// a path takes and hands them in.
//
// Without origins the policy is off and nothing here changes a response. With them:
//   - a request whose Origin is listed gets Access-Control-Allow-Origin (that origin),
//     Access-Control-Allow-Credentials: true and Access-Control-Expose-Headers;
//   - `*`, when listed, lets every other origin in too, as `*` and never with credentials;
//   - every response gets Vary: Origin, since it depends on the Origin header;
//   - a preflight (OPTIONS with Origin and Access-Control-Request-Method) on a path that
//     has routes is answered here: 204 with the methods and headers allowed when the
//     origin is listed, 403 without any CORS header when it is not.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/result.hpp"
#include "kairos/http/request.hpp"

namespace kairos::http {

class CorsPolicy {
 public:
  enum class Match { kNone, kExact, kAny };

  // Each entry is an origin, `scheme://host[:port]` with nothing after it, or `*`. An
  // entry may itself list several, comma-separated. No entries: the policy is off.
  static Result<CorsPolicy> Parse(const std::vector<std::string>& entries);

  bool enabled() const { return any_ || !origins_.empty(); }
  // kExact for a listed origin (compared case-insensitively), kAny for another origin
  // when `*` is listed, kNone otherwise (and for an empty origin or "null").
  Match Matches(std::string_view origin) const;

 private:
  std::vector<std::string> origins_;  // lower-cased
  bool any_ = false;
};

// The request headers a preflight may ask for; anything else is left out of the answer.
inline constexpr std::string_view kCorsAllowedHeaders[] = {"Authorization", "Content-Type", "X-CSRFToken",
                                                           "Idempotency-Key", "X-Requested-With"};
// The response headers scripts on an allowed origin may read, besides the safelisted ones.
inline constexpr std::string_view kCorsExposedHeaders = "X-Request-Id, Retry-After, Location";
inline constexpr std::string_view kCorsMaxAgeSeconds = "600";

// An OPTIONS request with Origin and Access-Control-Request-Method.
bool IsPreflight(const Request& request);

// The answer to a preflight on a path whose routes take `methods` (HEAD is added for
// GET). Null when `methods` is empty: the path has no routes, and the router answers as
// it would without CORS. Only for an enabled policy.
std::optional<Response> AnswerPreflight(const CorsPolicy& policy, const Request& request,
                                        const std::vector<Method>& methods);

// Adds the CORS headers for the request's origin to a response that is not a preflight
// answer. Does nothing when the policy is off.
void ApplyCors(const CorsPolicy& policy, const Request& request, Response& response);

}  // namespace kairos::http
