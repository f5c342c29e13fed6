// Outgoing HTTP for calendar integration, behind a small interface so the services can
// be tested with a fake and only calendar_sync_http.cpp includes libcurl.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kairos/core/result.hpp"

namespace kairos::service {

struct OutgoingRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // HTTP Basic credentials (CalDAV); sent only when username is set.
  std::string username;
  std::string password;
  // Refuse to connect to a loopback, private or link-local address (checked on each
  // address the host resolves to, at connect time). Default: any address.
  bool public_only = false;
  // A larger response body is kPayloadTooLarge naming the peer. Default: 0, no limit.
  std::size_t max_body_bytes = 0;
};

struct OutgoingResponse {
  int status = 0;
  std::string body;
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // Sends the request and returns whatever status the peer answered. A peer that cannot
  // be reached, or does not answer within the timeout, is kBadGateway naming `peer`
  // (the URL is left out: it may carry secrets).
  virtual Result<OutgoingResponse> Fetch(const OutgoingRequest& request, const std::string& peer) = 0;
};

// A libcurl fetcher: one easy handle per request, redirects not followed, the whole
// exchange bounded by `timeout`.
std::unique_ptr<HttpFetcher> MakeCurlFetcher(std::chrono::milliseconds timeout);

// "a=1&b=x%20y" from pairs (application/x-www-form-urlencoded bodies and queries).
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace kairos::service
