// How each face shows an error. One Error type travels through every layer; the face's
// style decides the body's shape and the status code.
#pragma once

#include <nlohmann/json.hpp>

#include "kairos/core/result.hpp"
#include "kairos/http/request.hpp"

namespace kairos::http {

enum class ErrorStyle {
  kDetail,      // {"detail": "..."}                  (faces 000, 001)
  kErrMessage,  // {"err_message": ["..."]}           (every error)
  // Face 002: the document's refusals (400s naming no field) are {"err_message": ["..."]};
  // a field's are {"<field>": ["..."]} as its serializers give them; everything else
  // (401, 403, 404, 405, ...) is {"detail": "..."} as Django REST framework answers.
  kErrMessageDrf,
  kFieldKeyed,  // {"<field>": ["..."]} or detail     (face 003)
  kErrorKey,    // {"error": "..."}                   (face 004, operations)
};

// The status an error code maps to unless a face says otherwise.
int DefaultStatus(ErrorCode code);

// Renders an error in a style. status 0 means DefaultStatus(error.code).
Response ErrorResponse(ErrorStyle style, const Error& error, int status = 0);

// A JSON response with the given status.
Response JsonResponse(int status, const nlohmann::json& body);

// An empty response (204 and the like).
Response EmptyResponse(int status);

}  // namespace kairos::http
