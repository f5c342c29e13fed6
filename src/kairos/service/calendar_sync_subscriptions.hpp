// iCalendar subscriptions read for busy time: a URL the user gives (https://, webcal://;
// http:// and private addresses only when the operator allows them, so tests can serve a
// feed on loopback), fetched with a GET and read with ReadIcalBusyTime.
#pragma once

#include <string>
#include <string_view>

#include "kairos/core/busy_time.hpp"
#include "kairos/core/result.hpp"
#include "kairos/service/calendar_sync_http.hpp"

namespace kairos::service {

inline constexpr std::size_t kMaxSubscriptionUrl = 2048;

// The URL fetched for a subscription URL as a user gives it: webcal:// becomes https://
// (webcal names no protocol of its own; feeds serve it over HTTPS). Refused, as
// InvalidArgument naming `field`: other schemes, http:// unless `allow_private`, user
// names or passwords in the URL, no host, over kMaxSubscriptionUrl characters, and, unless
// `allow_private`, a host that is "localhost" or a loopback, private or link-local address
// literal. A host name that resolves to such an address is refused when fetched.
Result<std::string> ParseSubscriptionUrl(std::string_view text, bool allow_private, std::string_view field = "url");

// The GET for a subscription: Accept text/calendar, the body bounded by the reader's byte
// limit, private addresses refused at connect time unless `allow_private`.
OutgoingRequest SubscriptionRequest(const std::string& url, bool allow_private, const BusyReadLimits& limits = {});

// Fetches the subscription and reads its busy time in `range` for an owner in `owner`.
// A peer that cannot be reached or answers other than 200 is kBadGateway naming
// "Calendar subscription" (never the URL: it often carries a secret token); a body that
// is not iCalendar or breaks a limit is the reader's error.
Result<BusyTime> FetchSubscriptionBusy(HttpFetcher& http, const std::string& url, bool allow_private, Zone owner,
                                       Interval range, const BusyReadLimits& limits = {});

}  // namespace kairos::service
