#include "kairos/service/calendar_sync_subscriptions.hpp"

#include <algorithm>
#include <cctype>

#include "kairos/service/notifications.hpp"

namespace kairos::service {
namespace {

constexpr std::string_view kPeer = "Calendar subscription";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// An address literal (v4 dotted, or v6 as written inside brackets).
bool IsAddressLiteral(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
         });
}

}  // namespace

Result<std::string> ParseSubscriptionUrl(std::string_view text, bool allow_private, std::string_view field) {
  auto invalid = [&](std::string message) { return InvalidArgument(std::move(message), std::string(field)); };
  if (text.size() > kMaxSubscriptionUrl) {
    return invalid(std::string(field) + " is longer than " + std::to_string(kMaxSubscriptionUrl) + " characters");
  }
  auto control = [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; };
  if (std::any_of(text.begin(), text.end(), control)) {
    return invalid(std::string(field) + " must not contain spaces or control characters");
  }
  auto colon = text.find("://");
  if (colon == std::string_view::npos) return invalid(std::string(field) + " must be an https:// or webcal:// URL");
  std::string scheme = Lower(text.substr(0, colon));
  std::string_view rest = text.substr(colon + 3);
  if (scheme == "webcal" || scheme == "webcals") {
    scheme = "https";
  } else if (scheme == "http") {
    if (!allow_private) return invalid(std::string(field) + " must use https:// or webcal://, not http://");
  } else if (scheme != "https") {
    return invalid(std::string(field) + " must be an https:// or webcal:// URL");
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return invalid(std::string(field) + " must not carry a user name or password");
  }
  std::string host;
  if (authority.starts_with('[')) {
    auto end = authority.find(']');
    if (end == std::string_view::npos) return invalid(std::string(field) + " has a malformed host");
    host = std::string(authority.substr(1, end - 1));
  } else {
    host = Lower(authority.substr(0, authority.find(':')));
  }
  if (host.empty()) return invalid(std::string(field) + " has no host");
  if (!allow_private) {
    std::string bare = host.ends_with('.') ? host.substr(0, host.size() - 1) : host;
    if (bare == "localhost" || bare.ends_with(".localhost") || (IsAddressLiteral(bare) && IsPrivateAddress(bare))) {
      return invalid(std::string(field) + " is a loopback, private or link-local address, which is not allowed");
    }
  }
  return scheme + "://" + std::string(rest);
}

OutgoingRequest SubscriptionRequest(const std::string& url, bool allow_private, const BusyReadLimits& limits) {
  OutgoingRequest r;
  r.method = "GET";
  r.url = url;
  r.headers = {{"Accept", "text/calendar, */*;q=0.5"}};
  r.public_only = !allow_private;
  r.max_body_bytes = limits.max_bytes;
  return r;
}

Result<BusyTime> FetchSubscriptionBusy(HttpFetcher& http, const std::string& url, bool allow_private, Zone owner,
                                       Interval range, const BusyReadLimits& limits) {
  auto response = http.Fetch(SubscriptionRequest(url, allow_private, limits), std::string(kPeer));
  if (!response.ok()) return response.error();
  if (response.value().status != 200) {
    return Error{ErrorCode::kBadGateway,
                 std::string(kPeer) + " answered HTTP " + std::to_string(response.value().status), {}};
  }
  return ReadIcalBusyTime(response.value().body, owner, range, limits);
}

}  // namespace kairos::service
