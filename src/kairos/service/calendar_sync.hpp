// Calendar integration use cases: connecting an account to Google Calendar or Outlook
// (OAuth 2.0 authorization code with PKCE) or to a CalDAV collection, and writing a
// booking to the connected calendar as an event that later syncs update and
// cancellation cancels. Credentials are stored sealed (SecretBox); nothing here logs
// them. Knows nothing of HTTP routes or JSON bodies.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/auth/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/calendar_sync_feeds.hpp"
#include "kairos/service/calendar_sync_http.hpp"
#include "kairos/service/calendar_sync_providers.hpp"
#include "kairos/service/calendar_sync_secrets.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

struct CalendarSyncOptions {
  OAuthEndpoints google = DefaultGoogleEndpoints();
  OAuthEndpoints outlook = DefaultOutlookEndpoints();
  // Exact redirect URIs the operator allows; an empty list allows none.
  std::vector<std::string> redirect_uris;
  std::chrono::seconds state_ttl{600};
  // An access token this close to expiry is refreshed before use.
  std::chrono::seconds refresh_margin{60};
};

struct AuthorizationStart {
  std::string auth_url;
  std::string state;
};

struct CaldavCredentials {
  std::string url;  // the calendar collection, http(s)
  std::string username;
  std::string password;
};

struct SyncRequest {
  std::string booking_uuid;
  CalendarProvider provider = CalendarProvider::kGoogle;
  std::optional<std::string> access_token;  // Google/Outlook: use this instead of the stored connection
  std::string timezone = "UTC";             // the zone the event is shown in
};

struct SyncedEvent {
  std::string event_id;
  std::optional<std::string> meeting_link;
  std::string status;  // "confirmed", or "cancelled" for a cancelled booking
};

struct ConnectionInfo {
  CalendarProvider provider;
  std::optional<std::string> caldav_url;
  std::optional<std::string> caldav_username;
  Instant connected_at{};
};

class CalendarSync {
 public:
  // Keeps references to all three; they must outlive this object.
  CalendarSync(store::Database& db, const SecretBox& box, HttpFetcher& http, CalendarSyncOptions options)
      : db_(db), box_(box), http_(http), options_(std::move(options)) {}

  // Starts an authorization for google or outlook: a fresh single-use state bound to the
  // caller, the provider and the redirect URI, expiring after state_ttl, and a PKCE pair
  // whose verifier is kept sealed. InvalidArgument for a redirect URI not on the
  // allow-list, or a provider the operator has not configured (no client id).
  Result<AuthorizationStart> StartAuthorization(const auth::Principal& caller, CalendarProvider provider,
                                                std::string_view redirect_uri, Instant now);

  // Redeems a state (its caller, provider and redirect URI must match; used or expired
  // states are refused) and exchanges the code at the token endpoint, storing the tokens
  // sealed as the caller's connection. If the endpoint cannot be reached or fails, the
  // state stays usable and kBadGateway is returned.
  Result<ProviderTokens> ExchangeCode(const auth::Principal& caller, CalendarProvider provider,
                                      std::string_view code, std::string_view state, std::string_view redirect_uri,
                                      Instant now);

  // Checks the collection with a PROPFIND and stores it as the caller's CalDAV
  // connection (the password sealed), replacing an earlier one.
  Status ConnectCaldav(const auth::Principal& caller, const CaldavCredentials& credentials, Instant now);

  // The caller's connections, without secrets.
  std::vector<ConnectionInfo> Connections(const auth::Principal& caller);

  // Forgets the caller's connection to a provider; NotFound when there is none.
  Status Disconnect(const auth::Principal& caller, CalendarProvider provider);

  // Writes the booking to the caller's calendar of that provider: creates the event the
  // first time, updates the same event afterwards, and cancels it once the booking is
  // cancelled. Stores the event id and the meeting link the provider returns (also as the
  // booking's meeting_link). Only the booking's client or its calendar's owner may sync
  // it. Provider failures are kBadGateway and change nothing.
  Result<SyncedEvent> SyncBooking(const auth::Principal& caller, const SyncRequest& request, Instant now);

  // Cancels every external event of a booking that has just been cancelled, through the
  // connections of the accounts that synced it. Failures are logged (without secrets) and
  // the events stay marked confirmed, so a later sync-booking cancels them.
  void CancelExternalEvents(std::string_view booking_uuid, Instant now);

  // An access token of the account's google or outlook connection, refreshed (and stored)
  // when near expiry or when `force_refresh`; NotFound when there is no such connection.
  // For readers of the connection (busy time); secrets never leave the service layer.
  Result<std::string> AccessToken(std::int64_t account_id, CalendarProvider provider, Instant now,
                                  bool force_refresh = false);
  // The operator's endpoints for google or outlook.
  const OAuthEndpoints& ProviderEndpoints(CalendarProvider p) const { return Endpoints(p); }

 private:
  struct Connection;
  const OAuthEndpoints& Endpoints(CalendarProvider p) const;
  std::optional<Connection> LoadConnection(std::int64_t account_id, CalendarProvider provider);
  Result<std::string> UsableAccessToken(Connection& connection, Instant now, bool force_refresh);
  Result<WrittenEvent> WriteEvent(CalendarProvider provider, Connection* connection, std::string access_token,
                                  const EventDetails& details, std::optional<std::string> event_id, Instant now);
  Status DeleteEvent(CalendarProvider provider, Connection* connection, std::string access_token,
                     const std::string& event_id, const IcalEvent& cancelled, Instant now);

  store::Database& db_;
  const SecretBox& box_;
  HttpFetcher& http_;
  CalendarSyncOptions options_;
};

}  // namespace kairos::service
