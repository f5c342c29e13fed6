#include "kairos/auth/credentials.hpp"

#include <algorithm>
#include <cctype>

#include "kairos/auth/crypto.hpp"

namespace kairos::auth {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Cookie(std::string_view name, std::string_view value, std::int64_t max_age, bool http_only, bool secure) {
  std::string c = std::string(name) + "=" + std::string(value) + "; Max-Age=" + std::to_string(max_age) + "; Path=/";
  if (http_only) c += "; HttpOnly";
  c += "; SameSite=Lax";
  if (secure) c += "; Secure";
  return c;
}

}  // namespace

Result<std::string> ParseAuthorization(std::string_view header) {
  auto space = header.find(' ');
  if (space == std::string_view::npos) {
    return Unauthenticated("Invalid token header. No credentials provided.");
  }
  std::string_view scheme = header.substr(0, space);
  std::string_view secret = header.substr(space + 1);
  while (!secret.empty() && secret.front() == ' ') secret.remove_prefix(1);
  while (!secret.empty() && secret.back() == ' ') secret.remove_suffix(1);
  if (!IEquals(scheme, "bearer") && !IEquals(scheme, "token")) {
    return Unauthenticated("Unsupported authorization scheme; use Bearer or Token.");
  }
  if (secret.empty()) return Unauthenticated("Invalid token header. No credentials provided.");
  if (secret.find(' ') != std::string_view::npos) {
    return Unauthenticated("Invalid token header. Token string should not contain spaces.");
  }
  return std::string(secret);
}

Status CheckCsrf(std::string_view header_value, std::string_view csrf_digest) {
  if (header_value.empty() || !SameDigest(SecretDigest(header_value), csrf_digest)) {
    return Forbidden("CSRF Failed: CSRF token missing or incorrect.");
  }
  return {};
}

std::vector<std::string> SessionCookies(std::string_view session_id, std::string_view csrf_token,
                                        std::chrono::seconds max_age, bool secure) {
  return {Cookie(kSessionCookie, session_id, max_age.count(), true, secure),
          Cookie(kCsrfCookie, csrf_token, max_age.count(), false, secure)};
}

std::vector<std::string> ClearedSessionCookies(bool secure) {
  return {Cookie(kSessionCookie, "", 0, true, secure), Cookie(kCsrfCookie, "", 0, false, secure)};
}

}  // namespace kairos::auth
