#include "kairos/api/calendar/calendar_routes.hpp"

#include <algorithm>
#include <cctype>

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/auth/policy.hpp"

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
  auto code = body->RequiredString("code", kMaxTokenLength);
  if (!code) return Fail(code.error());
  auto state = body->RequiredString("state", kMaxIdLength);
  if (!state) return Fail(state.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto tokens = sync.ExchangeCode(Caller(req), provider, *code, *state, req.Query("redirect_uri").value_or(""),
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
  auto url = body->RequiredString("url", kMaxUrlLength);
  if (!url) return Fail(url.error());
  auto username = body->RequiredString("username", kMaxCredentialLength);
  if (!username) return Fail(username.error());
  auto password = body->RequiredString("password", kMaxCredentialLength);
  if (!password) return Fail(password.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  c.url = std::move(*url);
  c.username = std::move(*username);
  c.password = std::move(*password);
  if (auto s = sync.ConnectCaldav(Caller(req), c, Now()); !s) return Fail(s.error());
  return http::JsonResponse(200, {{"calendar_type", "caldav"}, {"url", c.url}, {"username", c.username}});
}

Response SyncBooking(service::CalendarSync& sync, Request& req) {
  auto body = JsonBody::Parse(req, kBodies);
  if (!body) return Fail(body.error());
  auto booking_id = body->RequiredString("booking_id", kMaxIdLength);
  if (!booking_id) return Fail(booking_id.error());
  auto type = body->RequiredString("calendar_type", kMaxIdLength);
  if (!type) return Fail(type.error());
  service::SyncRequest in;
  if (const json* raw = body->Raw("access_token"); raw != nullptr && !raw->is_null()) {
    auto token = body->OptionalString("access_token", kMaxTokenLength);
    if (!token) return Fail(token.error());
    if (token->has_value() && !(*token)->empty()) in.access_token = std::move(**token);
  }
  if (const json* raw = body->Raw("timezone"); raw != nullptr && !raw->is_null()) {
    auto zone = body->OptionalString("timezone", kMaxIdLength);
    if (!zone) return Fail(zone.error());
    if (zone->has_value()) in.timezone = std::move(**zone);
  }
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  auto provider = service::ParseCalendarProvider(*type);
  if (!provider) return Fail(provider.error());
  if (!http::IsUuid(*booking_id)) return Fail(InvalidArgument("booking_id must be a valid UUID", "booking_id"));
  in.booking_uuid = Lower(std::move(*booking_id));
  in.provider = *provider;
  auto synced = sync.SyncBooking(Caller(req), in, Now());
  if (!synced) return Fail(synced.error());
  return http::JsonResponse(200, {{"event_id", synced->event_id},
                                  {"meeting_link", Nullable(synced->meeting_link)},
                                  {"status", synced->status}});
}

Response Connections(service::CalendarSync& sync, Request& req) {
  json items = json::array();
  for (const auto& c : sync.Connections(Caller(req))) {
    json item = {{"calendar_type", service::CalendarProviderName(c.provider)},
                 {"connected_at", FormatUtc(c.connected_at)}};
    if (c.provider == CalendarProvider::kCaldav) {
      item["url"] = Nullable(c.caldav_url);
      item["username"] = Nullable(c.caldav_username);
    }
    items.push_back(std::move(item));
  }
  return http::JsonResponse(200, {{"connections", items}});
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

}  // namespace

void RegisterCalendarRoutes(http::Router& router, service::CalendarSync& sync, service::CalendarFeeds& feeds) {
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
                redirect, [&sync, provider](Request& req) { return AuthUrl(sync, req, provider); }});
    routes.Add({Method::kPost, std::string("/calendar/") + name + "/exchange-token", Access::kAuthenticated, kStyle,
                kTag,
                "Exchange the authorization code ({code, state}) at " + std::string(label) +
                    "'s token endpoint; the tokens are stored encrypted as the caller's connection.",
                redirect, [&sync, provider](Request& req) { return ExchangeToken(sync, req, provider); }});
  }
  routes.Add({Method::kPost, "/calendar/caldav/connect", Access::kAuthenticated, kStyle, kTag,
              "Connect a CalDAV calendar collection: url, username, password (checked with PROPFIND, stored "
              "encrypted).",
              {}, [&sync](Request& req) { return ConnectCaldav(sync, req); }});
  routes.Add({Method::kPost, "/calendar/sync-booking", Access::kAuthenticated, kStyle, kTag,
              "Write a booking to the caller's google, outlook or caldav calendar: booking_id, calendar_type, "
              "access_token (optional), timezone. Creates once, then updates the same event; cancels it once the "
              "booking is cancelled.",
              {}, [&sync](Request& req) { return SyncBooking(sync, req); }});
  routes.Add({Method::kGet, "/calendar/connections", Access::kAuthenticated, kStyle, kTag,
              "The caller's connected calendars (no secrets).", {},
              [&sync](Request& req) { return Connections(sync, req); }});
  routes.Add({Method::kDelete, "/calendar/connections/{calendar_type}", Access::kAuthenticated, kStyle, kTag,
              "Forget the caller's connection to google, outlook or caldav.", {},
              [&sync](Request& req) { return Disconnect(sync, req); }});
  routes.Add({Method::kPost, "/calendar/feed-token", Access::kAuthenticated, kStyle, kTag,
              "Create or rotate the caller's iCalendar feed token (shown once; the previous one stops working).", {},
              [&feeds](Request& req) { return CreateFeedToken(feeds, req); }});
  routes.Add({Method::kDelete, "/calendar/feed-token", Access::kAuthenticated, kStyle, kTag,
              "Revoke the caller's iCalendar feed token.", {},
              [&feeds](Request& req) { return RevokeFeedToken(feeds, req); }});
  routes.Add({Method::kGet, "/calendar/feed.ics", Access::kPublic, kStyle, kTag,
              "The iCalendar (RFC 5545) subscription feed of the token's account: its bookings and meetings from "
              "every face.",
              {{"token", "The feed token from POST /calendar/feed-token.", true}},
              [&feeds](Request& req) { return Feed(feeds, req); }});
  routes.Add({Method::kGet, "/calendar/bookings/{booking_id:uuid}/event.ics", Access::kAuthenticated, kStyle, kTag,
              "One booking as an iCalendar file (its client or its calendar's owner).", {},
              [&feeds](Request& req) { return BookingIcs(feeds, req); }});
}

}  // namespace kairos::api::calendar
