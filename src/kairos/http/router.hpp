// The route table: method and path patterns with typed parameters, each with its access
// policy and its error style. The router knows no face: faces (api/) add their routes
// with their styles, and the application gives it the authenticator and session cookie. Tests walk the table; /openapi.json is built from it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kairos/core/result.hpp"
#include "kairos/http/errors.hpp"
#include "kairos/http/request.hpp"

namespace kairos::http {

class AnswerKeeper;

enum class Access { kPublic, kAuthenticated };

using Handler = std::function<Response(Request&)>;
// Checks a request's credentials. Returns the principal, or an error that is sent as is
// (Unauthenticated → 401, Forbidden → 403 for a missing CSRF token).
using Authenticator = std::function<Result<auth::Principal>(const Request&)>;

// One documented query parameter, for /openapi.json.
struct QueryParam {
  std::string name;
  std::string description;
  bool required = false;
};

// One documented response of a route: its status, what it means and the JSON schema of
// its body (null: no body, as a 204). With a schema_name the schema is published once
// under components/schemas/<name> and the response refers to it.
struct ResponseDoc {
  int status = 200;  // 0: the `default` response (any status not listed)
  std::string description;
  nlohmann::json schema;  // a JSON Schema (2020-12, as OpenAPI 3.1 reads it), or null
  std::string schema_name;
  std::string media_type = "application/json";
};

// A route's optional documentation for /openapi.json. Routes without one are documented
// with a `default` response that points at their face's page.
struct RouteDoc {
  std::string operation_id;       // empty: derived from method and pattern
  std::string description;        // a longer text than the summary, optional
  nlohmann::json request_body;    // the body's JSON Schema, or null for none
  std::string request_body_name;  // published under components/schemas when set
  std::vector<ResponseDoc> responses;
  // Descriptions of path parameters by name (the parameters themselves come from the pattern).
  std::map<std::string, std::string> path_params;
  // Schemas of documented query parameters by name (default: a string).
  std::map<std::string, nlohmann::json> query_schemas;
};

struct Route {
  Method method = Method::kGet;
  // Segments separated by '/'; "{name}" matches one segment, "{name:int}" a decimal
  // integer, "{name:uuid}" a UUID, "{name:date}" YYYY-MM-DD. A trailing slash is part
  // of the pattern and must be matched exactly.
  std::string pattern;
  Access access = Access::kAuthenticated;
  ErrorStyle style = ErrorStyle::kDetail;
  std::string tag;       // the area the route belongs to, for documentation
  std::string summary;   // one line, for documentation
  std::vector<QueryParam> query;
  Handler handler;
  // What a request without credentials is told on an authenticated route (401 in the
  // route's style, with WWW-Authenticate: Bearer). The face sets it; the router knows no
  // face's words, and refuses an authenticated route without them.
  std::string missing_credentials;
  RouteDoc doc;  // optional: request and response schemas for /openapi.json
  // A read whose answer depends only on the request, the caller, the time to the second
  // and the database: its answers may be kept (AnswerKeeper) on a router that keeps them.
  bool keep_answer = false;
};

struct Dispatched {
  Response response;
  const Route* route = nullptr;  // null when no route matched (404/405)
};

class Router {
 public:
  // Adds a route. Throws std::invalid_argument for a malformed pattern, a duplicate
  // method+pattern or an authenticated route with no missing_credentials (a programming
  // error).
  void Add(Route route);

  // Unmatched paths under this prefix get 404/405 bodies in this style.
  void SetPrefixStyle(std::string prefix, ErrorStyle style);

  // Django's APPEND_SLASH, for routes whose original runs on Django: a path under this
  // prefix without a trailing slash that matches no route, but would with one, is
  // redirected there (301, query kept) whatever the method, before authentication.
  // The prefix is compared with the slashed path, so "/api/event/" covers "/api/event".
  void SetAppendSlash(std::string prefix);

  // `session_cookie`: the cookie that, like an Authorization header, counts as credentials
  // (empty: only the header does).
  // Routes marked keep_answer are answered through `keeper` (not owned; null: never kept).
  void KeepAnswers(AnswerKeeper* keeper) { keeper_ = keeper; }

  void SetAuthenticator(Authenticator authenticator, std::string session_cookie = {}) {
    authenticator_ = std::move(authenticator);
    session_cookie_ = std::move(session_cookie);
  }

  // Matches, authenticates and runs the handler. Never throws: a handler's exception
  // becomes a 500 in the route's style (and is reported through on_exception).
  Dispatched Dispatch(Request& request) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

  // The routes whose pattern matches a (decoded) path, whatever their method, most
  // specific first; empty when the path has none. CORS preflights answer from these.
  std::vector<const Route*> RoutesAt(std::string_view path) const;

  // Called with the route and what() when a handler throws; used for logging.
  std::function<void(const Request&, const std::string&)> on_exception;

 private:
  struct Segment {
    enum class Kind { kLiteral, kAny, kInt, kUuid, kDate } kind = Kind::kLiteral;
    std::string text;  // literal text or parameter name
  };
  struct Compiled {
    std::vector<Segment> segments;
    const Route* route = nullptr;
    int specificity = 0;
  };

  static std::vector<Segment> Compile(const std::string& pattern);
  static bool Match(const Compiled& c, const std::vector<std::string_view>& parts, Request* request);
  ErrorStyle StyleForPath(std::string_view path) const;
  bool MatchesAny(const std::vector<std::string_view>& parts) const;
  std::optional<Response> AppendSlash(const Request& request) const;

  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<Compiled> compiled_;
  std::vector<std::pair<std::string, ErrorStyle>> prefix_styles_;
  std::vector<std::string> append_slash_prefixes_;
  Authenticator authenticator_;
  std::string session_cookie_;
  AnswerKeeper* keeper_ = nullptr;
};

// Path parameter type checks, shared with handlers that validate ids themselves.
bool IsUuid(std::string_view s);
bool IsDecimalId(std::string_view s);

}  // namespace kairos::http
