// What face 002's routes share: the error style, the tag in /openapi.json, the status of
// a refusal, and the document's "YYYY-MM-DD HH:MM:SS" stamps.
#pragma once

#include <chrono>
#include <string>

#include "kairos/core/time.hpp"
#include "kairos/http/errors.hpp"

namespace kairos::api::meetings {

inline constexpr http::ErrorStyle kFaceStyle = http::ErrorStyle::kErrMessage;
inline constexpr const char* kFaceTag = "meetings (002)";

// This face answers every refused request that is not about access with 400, as its
// document's validation messages are; access and lookups keep their own codes.
inline http::Response FaceError(const Error& error) {
  return http::ErrorResponse(kFaceStyle, error, error.code == ErrorCode::kConflict ? 400 : 0);
}

inline Instant Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// An instant as the document shows created/modified: UTC, "2020-04-07 18:00:17".
inline std::string UtcStamp(Instant t) { return FormatLocalDateTimeSpaced(LocalDateTime{t.time_since_epoch()}); }

}  // namespace kairos::api::meetings
