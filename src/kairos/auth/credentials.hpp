// How a request carries credentials: the Authorization header (Bearer or Token), or the
// session cookie with its CSRF token; and the cookies a login sets.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/result.hpp"

namespace kairos::auth {

inline constexpr std::string_view kSessionCookie = "sessionid";
inline constexpr std::string_view kCsrfCookie = "csrftoken";
inline constexpr std::string_view kCsrfHeader = "X-CSRFToken";

// The secret of an "Authorization: Bearer <t>" or "Authorization: Token <t>" header
// (scheme case-insensitive), or Unauthenticated naming what is wrong with the header.
Result<std::string> ParseAuthorization(std::string_view header);

// Forbidden unless the X-CSRFToken value's digest equals the session's CSRF digest
// (compared in constant time).
Status CheckCsrf(std::string_view header_value, std::string_view csrf_digest);

// The Set-Cookie values a login sends: the session id (HttpOnly) and the CSRF token
// (readable by scripts, which copy it into X-CSRFToken). SameSite=Lax, Path=/.
std::vector<std::string> SessionCookies(std::string_view session_id, std::string_view csrf_token,
                                        std::chrono::seconds max_age, bool secure);
// The Set-Cookie values that make a browser forget both cookies.
std::vector<std::string> ClearedSessionCookies(bool secure);

}  // namespace kairos::auth
