#include "kairos/http/router.hpp"

#include "kairos/http/answer_keeper.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "kairos/core/text.hpp"

namespace kairos::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

bool IsDecimalId(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<Router::Segment> Router::Compile(const std::string& pattern) {
  if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with /: " + pattern);
  std::vector<Segment> out;
  for (std::string_view part : SplitPath(pattern)) {
    Segment seg;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      std::string_view inner = part.substr(1, part.size() - 2);
      auto colon = inner.find(':');
      seg.text = std::string(inner.substr(0, colon));
      std::string_view type = colon == std::string_view::npos ? "" : inner.substr(colon + 1);
      if (type.empty()) seg.kind = Segment::Kind::kAny;
      else if (type == "int") seg.kind = Segment::Kind::kInt;
      else if (type == "uuid") seg.kind = Segment::Kind::kUuid;
      else if (type == "date") seg.kind = Segment::Kind::kDate;
      else throw std::invalid_argument("unknown parameter type in " + pattern);
    } else {
      seg.text = std::string(part);
    }
    out.push_back(std::move(seg));
  }
  return out;
}

void Router::Add(Route route) {
  if (route.access == Access::kAuthenticated && route.missing_credentials.empty()) {
    throw std::invalid_argument("authenticated route " + route.pattern + " says nothing to a request without credentials");
  }
  for (const auto& r : routes_) {
    if (r->method == route.method && r->pattern == route.pattern) {
      throw std::invalid_argument("duplicate route " + route.pattern);
    }
  }
  Compiled c;
  c.segments = Compile(route.pattern);
  // Literal segments win over typed parameters, which win over untyped ones, left to right.
  for (const auto& s : c.segments) {
    c.specificity = c.specificity * 3 + (s.kind == Segment::Kind::kLiteral ? 2 : s.kind == Segment::Kind::kAny ? 0 : 1);
  }
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  c.route = routes_.back().get();
  compiled_.push_back(std::move(c));
  std::stable_sort(compiled_.begin(), compiled_.end(), [](const Compiled& a, const Compiled& b) {
    if (a.segments.size() != b.segments.size()) return a.segments.size() < b.segments.size();
    return a.specificity > b.specificity;
  });
}

void Router::SetPrefixStyle(std::string prefix, ErrorStyle style) {
  prefix_styles_.emplace_back(std::move(prefix), style);
  std::sort(prefix_styles_.begin(), prefix_styles_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

void Router::SetAppendSlash(std::string prefix) { append_slash_prefixes_.push_back(std::move(prefix)); }

bool Router::MatchesAny(const std::vector<std::string_view>& parts) const {
  return std::any_of(compiled_.begin(), compiled_.end(), [&](const Compiled& c) { return Match(c, parts, nullptr); });
}

std::vector<const Route*> Router::RoutesAt(std::string_view path) const {
  auto parts = SplitPath(path);
  std::vector<const Route*> out;
  for (const auto& c : compiled_) {
    if (Match(c, parts, nullptr)) out.push_back(c.route);
  }
  return out;
}

std::optional<Response> Router::AppendSlash(const Request& request) const {
  if (request.path.empty() || request.path.back() == '/') return std::nullopt;
  const std::string slashed = request.path + "/";
  bool covered = std::any_of(append_slash_prefixes_.begin(), append_slash_prefixes_.end(),
                             [&](const std::string& p) { return slashed.compare(0, p.size(), p) == 0; });
  if (!covered || !MatchesAny(SplitPath(slashed))) return std::nullopt;
  // The path as the client wrote it (still percent-encoded), then the slash and the query.
  std::string_view raw = request.target;
  raw = raw.substr(0, raw.find('?'));
  std::string location =
      raw.empty() || raw.front() != '/' ? PercentEncodeAround(request.path, '/', '/') : std::string(raw);
  location += '/';
  if (!request.query_string.empty()) location += "?" + request.query_string;
  Response r;
  r.status = 301;
  r.content_type = "text/html; charset=utf-8";
  r.SetHeader("Location", std::move(location));
  return r;
}

ErrorStyle Router::StyleForPath(std::string_view path) const {
  for (const auto& [prefix, style] : prefix_styles_) {
    if (path.substr(0, prefix.size()) == prefix) return style;
  }
  return ErrorStyle::kDetail;
}

bool Router::Match(const Compiled& c, const std::vector<std::string_view>& parts, Request* request) {
  if (c.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Segment& s = c.segments[i];
    std::string_view p = parts[i];
    switch (s.kind) {
      case Segment::Kind::kLiteral:
        if (p != s.text) return false;
        break;
      case Segment::Kind::kAny:
        if (p.empty()) return false;
        break;
      case Segment::Kind::kInt:
        if (!IsDecimalId(p)) return false;
        break;
      case Segment::Kind::kUuid:
        if (!IsUuid(p)) return false;
        break;
      case Segment::Kind::kDate:
        if (!IsIsoDate(p)) return false;
        break;
    }
  }
  if (request != nullptr) {
    request->params.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (c.segments[i].kind != Segment::Kind::kLiteral) request->params.emplace_back(c.segments[i].text, std::string(parts[i]));
    }
  }
  return true;
}

Dispatched Router::Dispatch(Request& request) const {
  auto parts = SplitPath(request.path);
  Method method = request.method == Method::kHead ? Method::kGet : request.method;
  const Compiled* found = nullptr;
  std::vector<Method> allowed;
  for (const auto& c : compiled_) {
    if (!Match(c, parts, nullptr)) continue;
    if (c.route->method == method && found == nullptr) found = &c;
    if (std::find(allowed.begin(), allowed.end(), c.route->method) == allowed.end()) allowed.push_back(c.route->method);
  }
  if (found == nullptr && allowed.empty()) {
    if (auto redirect = AppendSlash(request)) return {std::move(*redirect), nullptr};
  }
  if (found == nullptr) {
    ErrorStyle style = StyleForPath(request.path);
    if (allowed.empty()) return {ErrorResponse(style, NotFound("Not found.")), nullptr};
    std::string allow;
    std::sort(allowed.begin(), allowed.end());
    for (Method m : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += MethodName(m);
      if (m == Method::kGet) allow += ", HEAD";
    }
    Response r = ErrorResponse(
        style, Error{ErrorCode::kInvalidArgument, "Method \"" + std::string(MethodName(request.method)) + "\" not allowed.", {}},
        405);
    r.SetHeader("Allow", allow);
    return {std::move(r), nullptr};
  }

  const Route& route = *found->route;
  Match(*found, parts, &request);

  bool has_credentials =
      request.HasHeader("authorization") || (!session_cookie_.empty() && request.Cookie(session_cookie_).has_value());
  if (route.access == Access::kAuthenticated && !has_credentials) {
    Response r = ErrorResponse(route.style, Unauthenticated(route.missing_credentials));
    r.SetHeader("WWW-Authenticate", "Bearer");
    return {std::move(r), &route};
  }
  // Authentication reads the database too: an outage there is a 503 like any other.
  try {
    if (authenticator_ && (route.access == Access::kAuthenticated || has_credentials)) {
      auto principal = authenticator_(request);
      if (principal.ok()) {
        request.principal = std::move(principal.value());
      } else if (route.access == Access::kAuthenticated) {
        Response r = ErrorResponse(route.style, principal.error());
        if (r.status == 401) r.SetHeader("WWW-Authenticate", "Bearer");
        return {std::move(r), &route};
      }
    } else if (route.access == Access::kAuthenticated) {
      // Wiring bug: an authenticated route on a router nobody gave an authenticator.
      if (on_exception) on_exception(request, "authenticated route without an authenticator");
      return {ErrorResponse(route.style, Error{ErrorCode::kInternal, "Internal server error.", {}}), &route};
    }

    if (route.keep_answer && keeper_ != nullptr) {
      return {keeper_->Answer(route.pattern, request, [&] { return route.handler(request); }), &route};
    }
    return {route.handler(request), &route};
  } catch (const UnavailableError& e) {
    if (on_exception) on_exception(request, e.what());
    Response r = ErrorResponse(route.style, Error{ErrorCode::kUnavailable, "Service temporarily unavailable.", {}});
    r.SetHeader("Retry-After", "1");
    return {std::move(r), &route};
  } catch (const std::exception& e) {
    if (on_exception) on_exception(request, e.what());
    return {ErrorResponse(route.style, Error{ErrorCode::kInternal, "Internal server error.", {}}), &route};
  }
}

}  // namespace kairos::http
