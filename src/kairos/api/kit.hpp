// The face kit: what every face needs to read a request and answer it, in one place.
// Where faces must differ because the frameworks their documents come from differ, the
// difference is a named profile (json_body.hpp's BodyProfile), not a copy.
#pragma once

#include <chrono>

#include "kairos/core/principal.hpp"
#include "kairos/core/time.hpp"
#include "kairos/http/request.hpp"

namespace kairos::api {

// The caller of an authenticated route. The router guarantees one; calling this on a
// public route without credentials is a bug and throws std::logic_error.
const auth::Principal& Caller(const http::Request& request);

// The current instant, to the second: what every face stamps and compares with.
inline Instant Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

}  // namespace kairos::api
