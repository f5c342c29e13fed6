// What face 002's routes share: the error style, the tag in /openapi.json, the status of
// a refusal, how bodies are read, and the document's "YYYY-MM-DD HH:MM:SS" stamps.
#pragma once

#include <chrono>
#include <string>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/core/time.hpp"
#include "kairos/http/errors.hpp"

namespace kairos::api::meetings {

// The document's refusals are {"err_message": [...]}; a field's {"field": [...]}, and
// anything else {"detail": "..."}, as the original's serializers and framework answer.
inline constexpr http::ErrorStyle kFaceStyle = http::ErrorStyle::kErrMessageDrf;
// Bodies are read as Django REST framework reads them: JSON or forms, lenient fields.
inline constexpr BodyProfile kFaceBodies = BodyProfile::kDrf;
inline constexpr const char* kFaceTag = "meetings (002)";

// This face answers every refused request that is not about access with 400, as its
// document's validation messages are; access and lookups keep their own codes.
inline constexpr FaceErrors FaceError{kFaceStyle, ConflictStatus::k400};

// A body that could not be read at all: 400 {"detail": "..."}, as the framework's parse
// error; a field's error keeps its field.
inline http::Response BodyError(const Error& error) {
  if (!error.field.empty()) return FaceError(error);
  return http::JsonResponse(400, {{"detail", error.message}});
}

// An instant as the document shows created/modified: UTC, "2020-04-07 18:00:17".
inline std::string UtcStamp(Instant t) { return FormatLocalDateTimeSpaced(LocalDateTime{t.time_since_epoch()}); }

}  // namespace kairos::api::meetings
