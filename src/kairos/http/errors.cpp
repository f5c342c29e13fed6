#include "kairos/http/errors.hpp"

namespace kairos::http {

int DefaultStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kTooManyRequests: return 429;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kBadGateway: return 502;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

std::string_view StatusTitle(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
  }
  return status < 500 ? "Client Error" : "Server Error";
}

Response JsonResponse(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response EmptyResponse(int status) {
  Response r;
  r.status = status;
  r.content_type.clear();
  return r;
}

Response ErrorResponse(ErrorStyle style, const Error& error, int status) {
  if (status == 0) status = DefaultStatus(error.code);
  nlohmann::json body;
  switch (style) {
    case ErrorStyle::kDetail:
      body = {{"detail", error.message}};
      break;
    case ErrorStyle::kErrMessage:
      body = {{"err_message", nlohmann::json::array({error.message})}};
      break;
    case ErrorStyle::kErrMessageDrf:
      if (status != 400) {
        body = {{"detail", error.message}};
      } else if (!error.field.empty()) {
        body = {{error.field, nlohmann::json::array({error.message})}};
      } else {
        body = {{"err_message", nlohmann::json::array({error.message})}};
      }
      break;
    case ErrorStyle::kFieldKeyed:
      // Field-keyed bodies are for validation; other failures read like the framework's detail.
      if (!error.field.empty()) {
        body = {{error.field, nlohmann::json::array({error.message})}};
      } else if (error.code == ErrorCode::kInvalidArgument || error.code == ErrorCode::kConflict) {
        body = {{"non_field_errors", nlohmann::json::array({error.message})}};
      } else {
        body = {{"detail", error.message}};
      }
      break;
    case ErrorStyle::kErrorKey:
      body = {{"error", error.message}};
      break;
    case ErrorStyle::kProblem:
      body = {{"type", "about:blank"}, {"title", StatusTitle(status)}, {"status", status}, {"detail", error.message}};
      if (!error.field.empty()) {
        body["errors"] = nlohmann::json::array({{{"field", error.field}, {"message", error.message}}});
      }
      break;
  }
  Response r = JsonResponse(status, body);
  if (style == ErrorStyle::kProblem) r.content_type = "application/problem+json";
  if (error.retry_after_seconds > 0) r.SetHeader("Retry-After", std::to_string(error.retry_after_seconds));
  return r;
}

}  // namespace kairos::http
