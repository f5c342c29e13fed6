#include "kairos/api/calendar/calendar_routes.hpp"

#include <algorithm>
#include <cctype>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/auth/policy.hpp"
#include "kairos/service/calendar_sync_subscriptions.hpp"

namespace kairos::api::calendar {
namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;
using service::CalendarProvider;

constexpr ErrorStyle kStyle = ErrorStyle::kDetail;
constexpr const char* kTag = "calendar integration (001)";
// Bodies are read as the original's framework reads them: FastAPI (Pydantic v2, lax).
constexpr BodyProfile kBodies = BodyProfile::kPydantic;
constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxTokenLength = 8192;  // provider codes and tokens are opaque and can be long
constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::size_t kMaxCredentialLength = 1024;

constexpr FaceErrors Fail{kStyle};

// The bodies' fields: what the readers read and /openapi.json documents.
constexpr BodyField kCodeField{"code", BodyField::Type::kString, true, kMaxTokenLength, false,
                               "The authorization code the provider gave the redirect URI."};
constexpr BodyField kStateField{"state", BodyField::Type::kString, true, kMaxIdLength, false,
                                "The state from auth-url (single-use)."};
constexpr BodyField kUrlField{"url", BodyField::Type::kString, true, kMaxUrlLength, false,
                              "The CalDAV calendar collection, http(s)."};
constexpr BodyField kUsernameField{"username", BodyField::Type::kString, true, kMaxCredentialLength};
constexpr BodyField kPasswordField{"password", BodyField::Type::kString, true, kMaxCredentialLength};
constexpr BodyField kBookingIdField{"booking_id", BodyField::Type::kString, true, kMaxIdLength, false,
                                    "A booking's id (UUID): a coach session, a consultant or business booking."};
constexpr BodyField kCalendarTypeField{"calendar_type", BodyField::Type::kString, true, kMaxIdLength, false,
                                       "google, outlook or caldav."};
constexpr BodyField kAccessTokenField{"access_token", BodyField::Type::kString, false, kMaxTokenLength, true,
                                      "Google/Outlook: a token to use instead of the stored connection (empty: "
                                      "the connection)."};
constexpr BodyField kSubscriptionUrlField{"url", BodyField::Type::kString, true, service::kMaxSubscriptionUrl, false,
                                          "The iCalendar subscription URL: https:// or webcal://."};
constexpr BodyField kBusyField{"busy", BodyField::Type::kBoolean, true, 0, false,
                               "Whether the connection's events count as busy time."};
constexpr BodyField kTimezoneField{"timezone", BodyField::Type::kString, false, kMaxIdLength, true,
                                   "The IANA zone the event is shown in (default UTC)."};

std::string Lower(std::string id) {
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  return id;
}

json Nullable(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

Response Calendar(int status, std::string ics, const std::string& filename) {
  Response r;
  r.status = status;
  r.content_type = "text/calendar; charset=utf-8";
  r.body = std::move(ics);
  r.SetHeader("Content-Disposition", "inline; filename=\"" + filename + "\"");
  // Feeds hold personal data behind a secret URL: no shared caches.
  r.SetHeader("Cache-Control", "private, no-store");
  return r;
}

Response AuthUrl(service::CalendarSync& sync, Request& req, CalendarProvider provider) {
  auto start = sync.StartAuthorization(Caller(req), provider, req.Query("redirect_uri").value_or(""), Now());
  if (!start) return Fail(start.error());
  return http::JsonResponse(200, {{"auth_url", start->auth_url}, {"state", start->state}});
}

Response ExchangeToken(service::CalendarSync& sync, Request& req, CalendarProvider provider) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  auto code = ReadString(*body, kCodeField);
  if (!code) return Fail(code.error());
  auto state = ReadString(*body, kStateField);
  if (!state) return Fail(state.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto tokens = sync.ExchangeCode(Caller(req), provider, **code, **state, req.Query("redirect_uri").value_or(""),
                                  Now());
  if (!tokens) return Fail(tokens.error());
  return http::JsonResponse(200, {{"access_token", tokens->access_token},
                                  {"refresh_token", Nullable(tokens->refresh_token)},
                                  {"expires_in", tokens->expires_in},
                                  {"token_type", tokens->token_type}});
}

Response ConnectCaldav(service::CalendarSync& sync, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  service::CaldavCredentials c;
  auto url = ReadString(*body, kUrlField);
  if (!url) return Fail(url.error());
  auto username = ReadString(*body, kUsernameField);
  if (!username) return Fail(username.error());
  auto password = ReadString(*body, kPasswordField);
  if (!password) return Fail(password.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  c.url = std::move(**url);
  c.username = std::move(**username);
  c.password = std::move(**password);
  if (auto s = sync.ConnectCaldav(Caller(req), c, Now()); !s) return Fail(s.error());
  return http::JsonResponse(200, {{"calendar_type", "caldav"}, {"url", c.url}, {"username", c.username}});
}

Response SyncBooking(service::CalendarSync& sync, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  auto booking_id = ReadString(*body, kBookingIdField);
  if (!booking_id) return Fail(booking_id.error());
  auto type = ReadString(*body, kCalendarTypeField);
  if (!type) return Fail(type.error());
  service::SyncRequest in;
  auto token = ReadString(*body, kAccessTokenField);  // null reads as absent
  if (!token) return Fail(token.error());
  if (token->has_value() && !(*token)->empty()) in.access_token = std::move(**token);
  auto zone = ReadString(*body, kTimezoneField);
  if (!zone) return Fail(zone.error());
  if (zone->has_value()) in.timezone = std::move(**zone);
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto provider = service::ParseCalendarProvider(**type);
  if (!provider) return Fail(provider.error());
  if (!http::IsUuid(**booking_id)) return Fail(InvalidArgument("booking_id must be a valid UUID", "booking_id"));
  in.booking_uuid = Lower(std::move(**booking_id));
  in.provider = *provider;
  auto synced = sync.SyncBooking(Caller(req), in, Now());
  if (!synced) return Fail(synced.error());
  return http::JsonResponse(200, {{"event_id", synced->event_id},
                                  {"meeting_link", Nullable(synced->meeting_link)},
                                  {"status", synced->status}});
}

json OptionalTime(const std::optional<Instant>& t) { return t ? json(FormatUtc(*t)) : json(nullptr); }

// A connection's busy-time fields: its id, the switch, and its last read.
void PutBusy(json& item, const service::BusySourceState& s) {
  item["id"] = s.connection_id;
  item["busy"] = s.busy;
  item["busy_fetched_at"] = OptionalTime(s.fetched_at);
  item["busy_error"] = Nullable(s.last_error);
}

Response Connections(service::CalendarSync& sync, service::CalendarBusy& busy, Request& req) {
  json items = json::array();
  auto states = busy.States(Caller(req));
  for (const auto& c : sync.Connections(Caller(req))) {
    json item = {{"calendar_type", service::CalendarProviderName(c.provider)},
                 {"connected_at", FormatUtc(c.connected_at)}};
    if (c.provider == CalendarProvider::kCaldav) {
      item["url"] = Nullable(c.caldav_url);
      item["username"] = Nullable(c.caldav_username);
    }
    for (const auto& s : states) {
      if (s.provider == c.provider) PutBusy(item, s);
    }
    items.push_back(std::move(item));
  }
  return http::JsonResponse(200, {{"connections", items}});
}

Response ConnectSubscription(service::CalendarBusy& busy, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  auto url = ReadString(*body, kSubscriptionUrlField);
  if (!url) return Fail(url.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  if (auto s = busy.ConnectSubscription(Caller(req), **url, Now()); !s) return Fail(s.error());
  // The URL is not echoed: subscription URLs often carry a secret token.
  return http::JsonResponse(200, {{"calendar_type", "subscription"}});
}

Response ChangeConnection(service::CalendarBusy& busy, Request& req) {
  auto provider = service::ParseCalendarProvider(req.Param("calendar_type"));
  if (!provider) return Fail(provider.error());
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  auto on = ReadBool(*body, kBusyField);
  if (!on) return Fail(on.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  if (auto s = busy.SetBusy(Caller(req), *provider, **on); !s) return Fail(s.error());
  return http::JsonResponse(200, {{"calendar_type", service::CalendarProviderName(*provider)}, {"busy", **on}});
}

Response RefreshConnection(service::CalendarBusy& busy, Request& req) {
  auto provider = service::ParseCalendarProvider(req.Param("calendar_type"));
  if (!provider) return Fail(provider.error());
  auto state = busy.Refresh(Caller(req), *provider, Now());
  if (!state) return Fail(state.error());
  json out = {{"calendar_type", service::CalendarProviderName(*provider)},
              {"busy_intervals", state->intervals}};
  PutBusy(out, *state);
  return http::JsonResponse(200, out);
}

Response Disconnect(service::CalendarSync& sync, Request& req) {
  auto provider = service::ParseCalendarProvider(req.Param("calendar_type"));
  if (!provider) return Fail(provider.error());
  if (auto s = sync.Disconnect(Caller(req), *provider); !s) return Fail(s.error());
  return http::EmptyResponse(204);
}

Response CreateFeedToken(service::CalendarFeeds& feeds, Request& req) {
  std::string token = feeds.RotateToken(Caller(req), Now());
  return http::JsonResponse(201, {{"token", token}, {"feed_path", "/calendar/feed.ics?token=" + token}});
}

Response RevokeFeedToken(service::CalendarFeeds& feeds, Request& req) {
  if (auto s = feeds.RevokeToken(Caller(req)); !s) return Fail(s.error());
  return http::EmptyResponse(204);
}

Response Feed(service::CalendarFeeds& feeds, Request& req) {
  auto ics = feeds.Feed(req.Query("token").value_or(""), Now());
  if (!ics) return Fail(ics.error());
  return Calendar(200, std::move(*ics), "kairos.ics");
}

Response BookingIcs(service::CalendarFeeds& feeds, Request& req) {
  std::string id = Lower(req.Param("booking_id"));
  auto ics = feeds.BookingIcs(Caller(req), id, Now());
  if (!ics) return Fail(ics.error());
  return Calendar(200, std::move(*ics), "booking-" + id + ".ics");
}

namespace doc {

using schema::ArrayOf;
using schema::ClosedObject;
using schema::Enum;
using schema::Integer;
using schema::Nullable;
using schema::String;
using schema::Timestamp;

// An .ics answer: the file, text/calendar (RFC 5545).
http::ResponseDoc Ics(std::string what) {
  http::ResponseDoc r = Returns(200, std::move(what), String());
  r.media_type = "text/calendar";
  return r;
}

http::RouteDoc AuthUrlDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "Where to send the user, and the state to bring back.",
                                     ClosedObject({{"auth_url", String()}, {"state", String()}}),
                                     "CalendarAuthUrl")},
                           kStyle, {400, 401});
  d.query_schemas = {{"redirect_uri", String()}};
  return d;
}
http::RouteDoc ExchangeDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kCodeField, kStateField});
  d.request_body_name = "CalendarCodeExchange";
  d.responses = WithErrors({Returns(200, "The provider's tokens (also stored, sealed, as the caller's connection).",
                                     ClosedObject({{"access_token", String()},
                                                   {"refresh_token", Nullable(String())},
                                                   {"expires_in", Integer()},
                                                   {"token_type", String()}}),
                                     "CalendarTokens")},
                           kStyle, {400, 401, 403, 502, 503});
  d.query_schemas = {{"redirect_uri", String()}};
  return d;
}
http::RouteDoc CaldavDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kUrlField, kUsernameField, kPasswordField});
  d.request_body_name = "CaldavConnect";
  d.responses = WithErrors({Returns(200, "Connected (the password is not shown).",
                                     ClosedObject({{"calendar_type", Enum({"caldav"})},
                                                   {"url", String()},
                                                   {"username", String()}}),
                                     "CaldavConnection")},
                           kStyle, {400, 401, 403, 502, 503});
  return d;
}
http::RouteDoc SyncDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kBookingIdField, kCalendarTypeField, kAccessTokenField, kTimezoneField});
  d.request_body_name = "CalendarSyncBooking";
  d.responses = WithErrors({Returns(200, "The external event, created or updated (cancelled for a cancelled booking).",
                                     ClosedObject({{"event_id", String()},
                                                   {"meeting_link", Nullable(String())},
                                                   {"status", Enum({"confirmed", "cancelled"})}}),
                                     "CalendarSyncedEvent")},
                           kStyle, {400, 401, 403, 404, 502, 503});
  return d;
}
// An object of these properties and the busy-time fields every connection shows, all present.
json WithBusy(json properties) {
  properties["id"] = Integer();
  properties["busy"] = schema::Boolean();
  properties["busy_fetched_at"] = Nullable(Timestamp());
  properties["busy_error"] = Nullable(String());
  return ClosedObject(std::move(properties));
}
http::RouteDoc ConnectionsDoc() {
  http::RouteDoc d;
  // OAuth connections show their provider and time; a CalDAV one also its url and username.
  // Each also shows its busy-time fields (id, busy, busy_fetched_at, busy_error).
  json oauth = WithBusy({{"calendar_type", Enum({"google", "outlook", "subscription"})}, {"connected_at", Timestamp()}});
  json caldav = WithBusy({{"calendar_type", Enum({"caldav"})},
                          {"connected_at", Timestamp()},
                          {"url", Nullable(String())},
                          {"username", Nullable(String())}});
  json connection = {{"oneOf", json::array({oauth, caldav})}};
  d.responses = WithErrors({Returns(200, "The caller's connections, without secrets.",
                                     ClosedObject({{"connections", ArrayOf(connection)}}), "CalendarConnections")},
                           kStyle, {401});
  return d;
}
http::RouteDoc SubscriptionDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kSubscriptionUrlField});
  d.request_body_name = "CalendarSubscriptionConnect";
  d.responses = WithErrors({Returns(200, "Connected; its busy time is read (the URL is not shown).",
                                     ClosedObject({{"calendar_type", Enum({"subscription"})}}),
                                     "CalendarSubscription")},
                           kStyle, {400, 401, 403, 413, 502, 503});
  return d;
}
http::RouteDoc ChangeDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kBodies, {kBusyField});
  d.request_body_name = "CalendarConnectionChange";
  d.responses = WithErrors({Returns(200, "Changed.",
                                     ClosedObject({{"calendar_type", String()}, {"busy", schema::Boolean()}}),
                                     "CalendarConnectionBusy")},
                           kStyle, {400, 401, 403, 404});
  d.path_params = {{"calendar_type", "google, outlook, caldav or subscription."}};
  return d;
}
http::RouteDoc RefreshDoc() {
  http::RouteDoc d;
  d.responses = WithErrors(
      {Returns(200, "Read now; a failure is in busy_error and the last known busy time still counts.",
               WithBusy({{"calendar_type", Enum({"google", "outlook", "caldav", "subscription"})},
                         {"busy_intervals", Integer(0)}}),
               "CalendarBusyRefresh")},
      kStyle, {400, 401, 403, 404});
  d.path_params = {{"calendar_type", "google, outlook, caldav or subscription."}};
  return d;
}
http::RouteDoc DisconnectDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(204, "Forgotten.")}, kStyle, {400, 401, 403, 404});
  d.path_params = {{"calendar_type", "google, outlook or caldav."}};
  return d;
}
http::RouteDoc FeedTokenDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(201, "The new token (shown once) and the feed's path.",
                                     ClosedObject({{"token", String()}, {"feed_path", String()}}),
                                     "CalendarFeedToken")},
                           kStyle, {401, 403});
  return d;
}
http::RouteDoc RevokeDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(204, "Revoked.")}, kStyle, {401, 403, 404});
  return d;
}
http::RouteDoc FeedDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Ics("The account's subscription feed.")}, kStyle, {404});
  d.query_schemas = {{"token", String()}};
  return d;
}
http::RouteDoc BookingIcsDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Ics("The booking as one VEVENT.")}, kStyle, {401, 403, 404});
  d.path_params = {{"booking_id", "The booking's id."}};
  return d;
}

}  // namespace doc

}  // namespace

void RegisterCalendarRoutes(http::Router& router, service::CalendarSync& sync, service::CalendarFeeds& feeds,
                            service::CalendarBusy& busy) {
  FaceRoutes routes(router);
  const std::vector<http::QueryParam> redirect = {
      {"redirect_uri", "Where the provider sends the user back; must be on the server's allow-list.", true}};
  router.SetPrefixStyle("/calendar", kStyle);
  for (auto [provider, name, label] : {std::tuple{CalendarProvider::kGoogle, "google", "Google"},
                                       std::tuple{CalendarProvider::kOutlook, "outlook", "Microsoft (Outlook)"}}) {
    routes.Add({Method::kGet, std::string("/calendar/") + name + "/auth-url", Access::kAuthenticated, kStyle, kTag,
                std::string(label) +
                    " OAuth authorization URL (PKCE S256) and its state: single-use, bound to the caller, valid 10 "
                    "minutes.",
                redirect, [&sync, provider](Request& req) { return AuthUrl(sync, req, provider); }, {}, doc::AuthUrlDoc()});
    routes.Add({Method::kPost, std::string("/calendar/") + name + "/exchange-token", Access::kAuthenticated, kStyle,
                kTag,
                "Exchange the authorization code ({code, state}) at " + std::string(label) +
                    "'s token endpoint; the tokens are stored encrypted as the caller's connection.",
                redirect, [&sync, provider](Request& req) { return ExchangeToken(sync, req, provider); }, {},
                doc::ExchangeDoc()});
  }
  routes.Add({Method::kPost, "/calendar/caldav/connect", Access::kAuthenticated, kStyle, kTag,
              "Connect a CalDAV calendar collection: url, username, password (checked with PROPFIND, stored "
              "encrypted).",
              {}, [&sync](Request& req) { return ConnectCaldav(sync, req); }, {}, doc::CaldavDoc()});
  routes.Add({Method::kPost, "/calendar/sync-booking", Access::kAuthenticated, kStyle, kTag,
              "Write a booking to the caller's google, outlook or caldav calendar: booking_id, calendar_type, "
              "access_token (optional), timezone. Creates once, then updates the same event; cancels it once the "
              "booking is cancelled.",
              {}, [&sync](Request& req) { return SyncBooking(sync, req); }, {}, doc::SyncDoc()});
  routes.Add({Method::kPost, "/calendar/subscription/connect", Access::kAuthenticated, kStyle, kTag,
              "Connect an iCalendar subscription (url: https:// or webcal://) whose events count as busy time; "
              "fetched once now, then refreshed in the background (stored encrypted).",
              {}, [&busy](Request& req) { return ConnectSubscription(busy, req); }, {}, doc::SubscriptionDoc()});
  routes.Add({Method::kGet, "/calendar/connections", Access::kAuthenticated, kStyle, kTag,
              "The caller's connected calendars (no secrets), with their busy switch and last busy-time read.", {},
              [&sync, &busy](Request& req) { return Connections(sync, busy, req); }, {}, doc::ConnectionsDoc()});
  routes.Add({Method::kPatch, "/calendar/connections/{calendar_type}", Access::kAuthenticated, kStyle, kTag,
              "Turn a connection's busy switch on or off: {busy: true|false}.", {},
              [&busy](Request& req) { return ChangeConnection(busy, req); }, {}, doc::ChangeDoc()});
  routes.Add({Method::kPost, "/calendar/connections/{calendar_type}/refresh", Access::kAuthenticated, kStyle, kTag,
              "Read the busy time of the caller's google, outlook, caldav or subscription connection now.", {},
              [&busy](Request& req) { return RefreshConnection(busy, req); }, {}, doc::RefreshDoc()});
  routes.Add({Method::kDelete, "/calendar/connections/{calendar_type}", Access::kAuthenticated, kStyle, kTag,
              "Forget the caller's connection to google, outlook or caldav.", {},
              [&sync](Request& req) { return Disconnect(sync, req); }, {}, doc::DisconnectDoc()});
  routes.Add({Method::kPost, "/calendar/feed-token", Access::kAuthenticated, kStyle, kTag,
              "Create or rotate the caller's iCalendar feed token (shown once; the previous one stops working).", {},
              [&feeds](Request& req) { return CreateFeedToken(feeds, req); }, {}, doc::FeedTokenDoc()});
  routes.Add({Method::kDelete, "/calendar/feed-token", Access::kAuthenticated, kStyle, kTag,
              "Revoke the caller's iCalendar feed token.", {},
              [&feeds](Request& req) { return RevokeFeedToken(feeds, req); }, {}, doc::RevokeDoc()});
  routes.Add({Method::kGet, "/calendar/feed.ics", Access::kPublic, kStyle, kTag,
              "The iCalendar (RFC 5545) subscription feed of the token's account: its bookings and meetings from "
              "every face.",
              {{"token", "The feed token from POST /calendar/feed-token.", true}},
              [&feeds](Request& req) { return Feed(feeds, req); }, {}, doc::FeedDoc()});
  routes.Add({Method::kGet, "/calendar/bookings/{booking_id:uuid}/event.ics", Access::kAuthenticated, kStyle, kTag,
              "One booking as an iCalendar file (its client or its calendar's owner).", {},
              [&feeds](Request& req) { return BookingIcs(feeds, req); }, {}, doc::BookingIcsDoc()});
}

}  // namespace kairos::api::calendar
