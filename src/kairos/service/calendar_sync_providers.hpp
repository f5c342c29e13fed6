// The wire formats of the external calendars: OAuth 2.0 authorization-code flow with
// PKCE (Google identity, Microsoft identity platform), Google Calendar API v3 events,
// Microsoft Graph events, and CalDAV resources. Builds requests and reads responses;
// sending them is HttpFetcher's job, deciding when is CalendarSync's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/calendar_sync_http.hpp"

namespace kairos::service {

// A connected calendar: the three Kairos writes bookings to, and an iCalendar
// subscription it only reads busy time from.
enum class CalendarProvider { kGoogle, kOutlook, kCaldav, kSubscription };

// "google", "outlook", "caldav", "subscription".
std::string_view CalendarProviderName(CalendarProvider p);
// The provider of that name, or InvalidArgument naming `field` and the valid names.
Result<CalendarProvider> ParseCalendarProvider(std::string_view name, std::string_view field = "calendar_type");
// "Google Calendar", "Microsoft Graph", "CalDAV server": how errors name the peer.
std::string ProviderPeer(CalendarProvider p);

// One OAuth provider as the operator configures it.
struct OAuthEndpoints {
  std::string client_id;
  std::string client_secret;
  std::string authorize_url;
  std::string token_url;
  std::string api_url;  // Calendar API v3 base, or Graph's /v1.0 base
  std::string scopes;   // space-separated
};

// Google's and Microsoft's public endpoints and the scopes Kairos asks for.
OAuthEndpoints DefaultGoogleEndpoints();
OAuthEndpoints DefaultOutlookEndpoints();

// A PKCE verifier (43 characters of base64url) and its S256 challenge (RFC 7636).
std::string NewPkceVerifier();
std::string PkceChallengeS256(std::string_view verifier);

// The authorization URL the user is sent to.
std::string AuthorizationUrl(CalendarProvider p, const OAuthEndpoints& e, std::string_view redirect_uri,
                             std::string_view state, std::string_view code_challenge);

struct ProviderTokens {
  std::string access_token;
  std::optional<std::string> refresh_token;  // Google sends it only on first consent
  std::int64_t expires_in = 0;
  std::string token_type = "Bearer";
};

// The token endpoint requests: a code (with the PKCE verifier) or a refresh token.
OutgoingRequest CodeExchangeRequest(CalendarProvider p, const OAuthEndpoints& e, std::string_view code,
                                    std::string_view redirect_uri, std::string_view code_verifier);
OutgoingRequest RefreshRequest(CalendarProvider p, const OAuthEndpoints& e, std::string_view refresh_token);

// A token endpoint's answer. 400/401 (invalid_grant and the like) is InvalidArgument —
// the code or refresh token is no good; anything else unexpected is kBadGateway.
Result<ProviderTokens> ParseTokenResponse(CalendarProvider p, const OutgoingResponse& r);

// What Kairos writes about a booking to an external calendar.
struct EventDetails {
  std::string booking_uuid;
  std::string summary;
  std::string description;
  Interval interval;
  std::string timezone = "UTC";  // IANA name the event is shown in
  Zone zone = nullptr;
  std::vector<std::pair<std::string, std::string>> attendees;  // (name, email)
};

// Creates (no event_id) or updates (event_id) the event with an online meeting:
// Google events.insert/patch with conferenceDataVersion=1 and a Meet create request;
// Graph POST/PATCH /me/events with isOnlineMeeting.
OutgoingRequest EventWriteRequest(CalendarProvider p, const OAuthEndpoints& e, std::string_view access_token,
                                  const EventDetails& details, const std::optional<std::string>& event_id);
// Deletes the event (Google: with sendUpdates=all, so guests hear of it).
OutgoingRequest EventDeleteRequest(CalendarProvider p, const OAuthEndpoints& e, std::string_view access_token,
                                   std::string_view event_id);

struct WrittenEvent {
  std::string id;
  std::optional<std::string> meeting_link;
  std::string status = "confirmed";
};

// The event from a 200/201 answer (Google's hangoutLink or video entry point; Graph's
// onlineMeeting.joinUrl); kBadGateway for any other answer.
Result<WrittenEvent> ParseEventResponse(CalendarProvider p, const OutgoingResponse& r);

// CalDAV: a PROPFIND (Depth 0) that proves the collection exists and the credentials
// work, and the PUT / DELETE of one resource in it.
OutgoingRequest CaldavProbeRequest(std::string_view collection_url, std::string_view user, std::string_view password);
OutgoingRequest CaldavPutRequest(std::string_view resource_url, std::string_view user, std::string_view password,
                                 std::string ics);
// The resource URL of a UID inside a collection URL.
std::string CaldavResourceUrl(std::string_view collection_url, std::string_view uid);

// A calendar-query REPORT (RFC 4791 §7.8, Depth: 1) for the VEVENTs of the collection
// that overlap `range`, each answered with its whole calendar-data: recurring events come
// back as their master and overrides, unexpanded, and ReadIcalBusyTime expands them.
OutgoingRequest CaldavBusyQueryRequest(std::string_view collection_url, std::string_view user,
                                       std::string_view password, Interval range);

// Busy time from Google: the freeBusy query (POST {api}/freeBusy) for the primary
// calendar over `range`, and the busy periods of its answer (UTC). An answer whose
// calendar reports errors, or that is not the documented shape, is kBadGateway.
OutgoingRequest GoogleFreeBusyRequest(const OAuthEndpoints& e, std::string_view access_token, Interval range);
Result<std::vector<Interval>> ParseGoogleFreeBusy(const OutgoingResponse& r);

// Busy time from Microsoft Graph: GET {api}/me/calendarView over `range` (times asked in
// UTC, only the fields read), or the page at a previous answer's @odata.nextLink.
OutgoingRequest GraphCalendarViewRequest(const OAuthEndpoints& e, std::string_view access_token, Interval range);
OutgoingRequest GraphNextPageRequest(std::string_view next_link, std::string_view access_token);
struct GraphEventTime {
  std::string id;     // Graph's event id (Kairos's own events are known by it)
  Interval interval;  // UTC
};
struct GraphCalendarPage {
  std::vector<GraphEventTime> busy;  // events shown as busy, tentative or away, not cancelled
  std::optional<std::string> next_link;
};
Result<GraphCalendarPage> ParseGraphCalendarView(const OutgoingResponse& r);

// An error for a peer's unexpected status: 401/403 as "credentials refused" (the caller
// should reconnect), others as kBadGateway with the status.
Error PeerError(CalendarProvider p, int status);

}  // namespace kairos::service
