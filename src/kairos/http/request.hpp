// The transport-neutral request and response every handler sees. Nothing here depends on
// Asio or Beast, so faces and services compile without them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kairos/core/principal.hpp"
#include "kairos/core/text.hpp"  // PercentDecode / PercentEncode, which queries and paths use

namespace kairos::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method m);
Method ParseMethod(std::string_view name);
// RFC 9110 §13.1.2: whether an If-None-Match value ("*" or a list of entity tags, weak
// ones compared by their opaque part) matches `etag`.
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);

// Header names are stored lower-cased; lookups are case-insensitive.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::kGet;
  std::string target;        // as sent: path plus query
  std::string path;          // percent-decoded path, no query
  std::string query_string;  // raw, without '?'
  HeaderList headers;
  std::string body;
  std::string remote_address;  // the TCP peer
  // Who sent the request: the peer, or when the peer is a trusted proxy the address it
  // forwarded (see client_address.hpp). Throttling and logs use this one.
  std::string client_address;
  std::string request_id;
  bool keep_alive = true;

  // Filled by the router: the matched route's parameters, in pattern order.
  std::vector<std::pair<std::string, std::string>> params;
  // Filled by the router when the request carries valid credentials.
  std::optional<auth::Principal> principal;

  // The header's value, or empty when absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // The path parameter of that name (empty if the route has none).
  const std::string& Param(std::string_view name) const;
  // The first query value of that name, percent-decoded; nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
  // All decoded query pairs in order.
  std::vector<std::pair<std::string, std::string>> QueryPairs() const;
  // The value of a cookie, or nullopt when absent.
  std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;  // besides Content-Type, Content-Length, X-Request-Id, Connection
  std::string content_type = "application/json";
  std::string body;

  void SetHeader(std::string name, std::string value);
  void AddHeader(std::string name, std::string value);  // may repeat (Set-Cookie)
  // Adds a field name to Vary, once (CORS and compression both vary responses).
  void AddVary(std::string_view field);
  std::string_view Header(std::string_view name) const;
};

}  // namespace kairos::http
