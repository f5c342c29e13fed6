// The shapes an error body can take. One Error type travels through every layer; the
// route's style (chosen by the face that adds it, in api/) decides the body's shape and
// the status code. Each shape is named by what it looks like, not by who uses it.
#pragma once

#include <nlohmann/json.hpp>

#include "kairos/core/result.hpp"
#include "kairos/http/request.hpp"

namespace kairos::http {

enum class ErrorStyle {
  kDetail,      // {"detail": "..."}, as FastAPI answers
  kErrMessage,  // {"err_message": ["..."]} for every error
  // Refusals (400s naming no field) are {"err_message": ["..."]}; a field's are
  // {"<field>": ["..."]} as serializers give them; everything else (401, 403, 404, 405,
  // ...) is {"detail": "..."} as Django REST framework answers.
  kErrMessageDrf,
  kFieldKeyed,  // {"<field>": ["..."]}, {"non_field_errors": [...]} or {"detail": "..."}, as DRF
  kErrorKey,    // {"error": "..."}
  // RFC 9457 problem details, application/problem+json: {"type", "title", "status",
  // "detail", "errors": [{"field", "message"}]} (errors only when a field is named).
  kProblem,
};

// The title RFC 9457 gives a status: its reason phrase ("Conflict", "Not Found").
std::string_view StatusTitle(int status);

// The status an error code maps to unless a face says otherwise.
int DefaultStatus(ErrorCode code);

// Renders an error in a style. status 0 means DefaultStatus(error.code).
Response ErrorResponse(ErrorStyle style, const Error& error, int status = 0);

// A JSON response with the given status.
Response JsonResponse(int status, const nlohmann::json& body);

// An empty response (204 and the like).
Response EmptyResponse(int status);

}  // namespace kairos::http
