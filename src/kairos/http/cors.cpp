#include "kairos/http/cors.hpp"

#include <algorithm>
#include <cctype>

#include "kairos/http/errors.hpp"

namespace kairos::http {
namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated items of a header value or a setting, trimmed, empty ones dropped.
std::vector<std::string_view> Items(std::string_view list) {
  std::vector<std::string_view> out;
  while (true) {
    auto comma = list.find(',');
    if (auto item = Trim(list.substr(0, comma)); !item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

// What is wrong with an origin as configured, or "" for `scheme://host[:port]`.
std::string OriginProblem(std::string_view origin) {
  auto sep = origin.find("://");
  if (sep == std::string_view::npos || sep == 0) return "must be scheme://host[:port]";
  for (char c : origin.substr(0, sep)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return "has an invalid scheme";
  }
  std::string_view authority = origin.substr(sep + 3);
  if (authority.empty()) return "has no host";
  if (authority.find_first_of("/?#") != std::string_view::npos) {
    return "must not have a path, query or fragment (not even a trailing /)";
  }
  if (authority.find('@') != std::string_view::npos) return "must not have user information";
  std::string_view host = authority;
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos && authority.back() != ']') {
    std::string_view port = authority.substr(colon + 1);
    host = authority.substr(0, colon);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return "has an invalid port";
    }
  }
  if (host.empty()) return "has no host";
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("-._~[]:").find(c) == std::string_view::npos) {
      return "has an invalid host";
    }
  }
  return "";
}

void AddMethod(std::string& list, std::string_view name) {
  for (auto item : Items(list)) {
    if (item == name) return;
  }
  if (!list.empty()) list += ", ";
  list += name;
}

}  // namespace

Result<CorsPolicy> CorsPolicy::Parse(const std::vector<std::string>& entries) {
  CorsPolicy policy;
  for (const auto& entry : entries) {
    for (auto origin : Items(entry)) {
      if (origin == "*") {
        policy.any_ = true;
        continue;
      }
      if (IEquals(origin, "null")) return InvalidArgument("--cors-origins: \"null\" is not an origin that can be allowed");
      if (auto problem = OriginProblem(origin); !problem.empty()) {
        return InvalidArgument("--cors-origins: \"" + std::string(origin) + "\" " + problem);
      }
      std::string lowered = Lowered(origin);
      if (std::find(policy.origins_.begin(), policy.origins_.end(), lowered) == policy.origins_.end()) {
        policy.origins_.push_back(std::move(lowered));
      }
    }
  }
  return policy;
}

CorsPolicy::Match CorsPolicy::Matches(std::string_view origin) const {
  if (origin.empty() || IEquals(origin, "null")) return Match::kNone;
  for (const auto& o : origins_) {
    if (IEquals(o, origin)) return Match::kExact;
  }
  return any_ ? Match::kAny : Match::kNone;
}

bool IsPreflight(const Request& request) {
  return request.method == Method::kOptions && request.HasHeader("origin") &&
         request.HasHeader("access-control-request-method");
}

std::optional<Response> AnswerPreflight(const CorsPolicy& policy, const Request& request,
                                        const std::vector<Method>& methods) {
  if (methods.empty()) return std::nullopt;
  std::string_view origin = request.Header("origin");
  CorsPolicy::Match match = policy.Matches(origin);
  if (match == CorsPolicy::Match::kNone) {
    Response r = ErrorResponse(ErrorStyle::kDetail, Forbidden("Origin not allowed."));
    r.AddVary("Origin");
    return r;
  }
  Response r = EmptyResponse(204);
  r.SetHeader("Access-Control-Allow-Origin", match == CorsPolicy::Match::kExact ? std::string(origin) : "*");
  if (match == CorsPolicy::Match::kExact) r.SetHeader("Access-Control-Allow-Credentials", "true");
  std::vector<Method> sorted = methods;
  std::sort(sorted.begin(), sorted.end());
  std::string allow;
  for (Method m : sorted) {
    AddMethod(allow, MethodName(m));
    if (m == Method::kGet) AddMethod(allow, "HEAD");
  }
  r.SetHeader("Access-Control-Allow-Methods", allow);
  std::string headers;
  for (const auto& [name, value] : request.headers) {
    if (!IEquals(name, "access-control-request-headers")) continue;
    for (auto asked : Items(value)) {
      bool allowed = std::any_of(std::begin(kCorsAllowedHeaders), std::end(kCorsAllowedHeaders),
                                 [&](std::string_view h) { return IEquals(h, asked); });
      bool listed = false;
      for (auto item : Items(headers)) listed = listed || IEquals(item, asked);
      if (!allowed || listed) continue;
      if (!headers.empty()) headers += ", ";
      headers += asked;
    }
  }
  if (!headers.empty()) r.SetHeader("Access-Control-Allow-Headers", headers);
  r.SetHeader("Access-Control-Max-Age", std::string(kCorsMaxAgeSeconds));
  r.AddVary("Origin");
  r.AddVary("Access-Control-Request-Headers");
  return r;
}

void ApplyCors(const CorsPolicy& policy, const Request& request, Response& response) {
  if (!policy.enabled()) return;
  response.AddVary("Origin");
  std::string_view origin = request.Header("origin");
  CorsPolicy::Match match = policy.Matches(origin);
  if (match == CorsPolicy::Match::kNone) return;
  response.SetHeader("Access-Control-Allow-Origin", match == CorsPolicy::Match::kExact ? std::string(origin) : "*");
  if (match == CorsPolicy::Match::kExact) response.SetHeader("Access-Control-Allow-Credentials", "true");
  response.SetHeader("Access-Control-Expose-Headers", std::string(kCorsExposedHeaders));
}

}  // namespace kairos::http
