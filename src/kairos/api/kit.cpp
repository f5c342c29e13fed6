#include "kairos/api/kit.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "kairos/http/router.hpp"

namespace kairos::api {

const auth::Principal& Caller(const http::Request& request) {
  if (!request.principal) throw std::logic_error("Caller() on a request without a principal: " + request.path);
  return *request.principal;
}

Error Named(std::string_view field, Error error) {
  error.message = std::string(field) + ": " + error.message;
  return error;
}

http::Response FaceErrors::operator()(const Error& error) const {
  int status = conflict == ConflictStatus::k400 && error.code == ErrorCode::kConflict ? 400 : 0;
  return http::ErrorResponse(style, error, status);
}

void FaceRoutes::Add(http::Route route) {
  switch (route.style) {
    case http::ErrorStyle::kDetail: route.missing_credentials = "Not authenticated"; break;
    case http::ErrorStyle::kProblem:
      route.missing_credentials = "Authentication required: send Authorization: Bearer <token>";
      break;
    default: route.missing_credentials = "Authentication credentials were not provided."; break;
  }
  router_.Add(std::move(route));
}

std::optional<Integer> ReadInteger(std::string_view text, IntSyntax syntax) {
  if (syntax == IntSyntax::kPython) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  } else {
    std::string_view digits = !text.empty() && text.front() == '-' ? text.substr(1) : text;
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
  }
  if (text.empty()) return std::nullopt;
  Integer out;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out.value);
  if (end != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    out.saturated = true;
    out.value = text.front() == '-' ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return out;
}

Result<std::optional<Integer>> QueryInteger(const http::Request& request, std::string_view name, IntSyntax syntax,
                                            const Error& invalid) {
  auto text = request.Query(name);
  if (!text) return std::optional<Integer>();
  auto n = ReadInteger(*text, syntax);
  if (!n) return invalid;
  return std::optional<Integer>(*n);
}

Result<std::optional<std::int64_t>> IntQuery(const http::Request& request, std::string_view name,
                                             const std::string& message) {
  auto n = QueryInteger(request, name, IntSyntax::kDecimal, InvalidArgument(message, std::string(name)));
  if (!n) return n.error();
  if (!*n) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>((*n)->value);
}

Result<std::optional<Date>> QueryDate(const http::Request& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::optional<Date>();
  auto day = ParseDate(*text, name);
  if (!day) return Named(name, day.error());
  return std::optional<Date>(*day);
}

std::optional<std::int64_t> PathInteger(const http::Request& request, std::string_view name) {
  const std::string& text = request.Param(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

std::string NormalizedUuid(std::string id) {
  if (http::IsUuid(id)) {
    std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  }
  return id;
}

}  // namespace kairos::api
