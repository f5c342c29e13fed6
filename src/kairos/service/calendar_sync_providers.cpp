#include "kairos/service/calendar_sync_providers.hpp"

#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "kairos/auth/crypto.hpp"
#include "kairos/core/text.hpp"
#include "kairos/service/calendar_sync_ical.hpp"

namespace kairos::service {
namespace {

using nlohmann::json;

std::string Bearer(std::string_view token) { return "Bearer " + std::string(token); }

std::string TrimSlash(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

// "2030-01-07T09:00:00": the wall clock in the event's zone, which both APIs pair with
// a timeZone field so the event shows in that zone.
std::string LocalWallClock(Instant t, Zone zone) { return FormatLocalDateTime(ToLocal(t, zone)); }

json GoogleEventBody(const EventDetails& d, bool create) {
  json attendees = json::array();
  for (const auto& [name, email] : d.attendees) attendees.push_back({{"email", email}, {"displayName", name}});
  json body = {{"summary", d.summary},
               {"description", d.description},
               {"start", {{"dateTime", FormatLocalWithOffset(d.interval.start, d.zone)}, {"timeZone", d.timezone}}},
               {"end", {{"dateTime", FormatLocalWithOffset(d.interval.end, d.zone)}, {"timeZone", d.timezone}}},
               {"attendees", attendees},
               {"status", "confirmed"}};
  // The booking's id as requestId: a retried insert asks for the same conference.
  if (create) {
    body["conferenceData"] = {{"createRequest",
                               {{"requestId", d.booking_uuid}, {"conferenceSolutionKey", {{"type", "hangoutsMeet"}}}}}};
  }
  return body;
}

json GraphEventBody(const EventDetails& d, bool create) {
  json attendees = json::array();
  for (const auto& [name, email] : d.attendees) {
    attendees.push_back({{"emailAddress", {{"address", email}, {"name", name}}}, {"type", "required"}});
  }
  json body = {{"subject", d.summary},
               {"body", {{"contentType", "text"}, {"content", d.description}}},
               {"start", {{"dateTime", LocalWallClock(d.interval.start, d.zone)}, {"timeZone", d.timezone}}},
               {"end", {{"dateTime", LocalWallClock(d.interval.end, d.zone)}, {"timeZone", d.timezone}}},
               {"attendees", attendees},
               {"isOnlineMeeting", true},
               {"onlineMeetingProvider", "teamsForBusiness"}};
  // transactionId makes a retried create idempotent at Graph.
  if (create) body["transactionId"] = d.booking_uuid;
  return body;
}

std::optional<std::string> StringAt(const json& j, std::initializer_list<const char*> path) {
  const json* at = &j;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return std::nullopt;
    at = &(*at)[key];
  }
  if (!at->is_string()) return std::nullopt;
  return at->get<std::string>();
}

}  // namespace

std::string_view CalendarProviderName(CalendarProvider p) {
  switch (p) {
    case CalendarProvider::kGoogle: return "google";
    case CalendarProvider::kOutlook: return "outlook";
    case CalendarProvider::kCaldav: return "caldav";
    case CalendarProvider::kSubscription: return "subscription";
  }
  return "google";
}

Result<CalendarProvider> ParseCalendarProvider(std::string_view name, std::string_view field) {
  for (auto p : {CalendarProvider::kGoogle, CalendarProvider::kOutlook, CalendarProvider::kCaldav,
                 CalendarProvider::kSubscription}) {
    if (CalendarProviderName(p) == name) return p;
  }
  return InvalidArgument(std::string(field) + " must be one of: google, outlook, caldav, subscription",
                         std::string(field));
}

std::string ProviderPeer(CalendarProvider p) {
  switch (p) {
    case CalendarProvider::kGoogle: return "Google Calendar";
    case CalendarProvider::kOutlook: return "Microsoft Graph";
    case CalendarProvider::kCaldav: return "The CalDAV server";
    case CalendarProvider::kSubscription: return "Calendar subscription";
  }
  return "The calendar provider";
}

OAuthEndpoints DefaultGoogleEndpoints() {
  return {"", "", "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
          "https://www.googleapis.com/calendar/v3",
          // Writing events, and reading busy time through freeBusy.
          "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.freebusy"};
}

OAuthEndpoints DefaultOutlookEndpoints() {
  return {"",
          "",
          "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
          "https://login.microsoftonline.com/common/oauth2/v2.0/token",
          "https://graph.microsoft.com/v1.0",
          "offline_access Calendars.ReadWrite"};
}

std::string NewPkceVerifier() { return auth::RandomSecret(); }

std::string PkceChallengeS256(std::string_view verifier) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size());
  std::string out(sodium_base64_ENCODED_LEN(digest.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), digest.data(), digest.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

std::string AuthorizationUrl(CalendarProvider p, const OAuthEndpoints& e, std::string_view redirect_uri,
                             std::string_view state, std::string_view code_challenge) {
  std::vector<std::pair<std::string, std::string>> q = {{"client_id", e.client_id},
                                                        {"redirect_uri", std::string(redirect_uri)},
                                                        {"response_type", "code"},
                                                        {"scope", e.scopes},
                                                        {"state", std::string(state)},
                                                        {"code_challenge", std::string(code_challenge)},
                                                        {"code_challenge_method", "S256"}};
  if (p == CalendarProvider::kGoogle) {
    // A refresh token comes back only with offline access, and again only on consent.
    q.push_back({"access_type", "offline"});
    q.push_back({"prompt", "consent"});
  } else {
    q.push_back({"response_mode", "query"});
  }
  std::string sep = e.authorize_url.find('?') == std::string::npos ? "?" : "&";
  return e.authorize_url + sep + FormEncode(q);
}

OutgoingRequest CodeExchangeRequest(CalendarProvider p, const OAuthEndpoints& e, std::string_view code,
                                    std::string_view redirect_uri, std::string_view code_verifier) {
  std::vector<std::pair<std::string, std::string>> form = {{"grant_type", "authorization_code"},
                                                           {"code", std::string(code)},
                                                           {"redirect_uri", std::string(redirect_uri)},
                                                           {"client_id", e.client_id},
                                                           {"client_secret", e.client_secret},
                                                           {"code_verifier", std::string(code_verifier)}};
  if (p == CalendarProvider::kOutlook) form.push_back({"scope", e.scopes});
  return {"POST", e.token_url, {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
          FormEncode(form)};
}

OutgoingRequest RefreshRequest(CalendarProvider p, const OAuthEndpoints& e, std::string_view refresh_token) {
  std::vector<std::pair<std::string, std::string>> form = {{"grant_type", "refresh_token"},
                                                           {"refresh_token", std::string(refresh_token)},
                                                           {"client_id", e.client_id},
                                                           {"client_secret", e.client_secret}};
  if (p == CalendarProvider::kOutlook) form.push_back({"scope", e.scopes});
  return {"POST", e.token_url, {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
          FormEncode(form)};
}

Result<ProviderTokens> ParseTokenResponse(CalendarProvider p, const OutgoingResponse& r) {
  std::string peer = p == CalendarProvider::kGoogle ? "Google's token endpoint" : "Microsoft's token endpoint";
  json body = json::parse(r.body, nullptr, false);
  if (r.status == 400 || r.status == 401) {
    std::string reason = body.is_object() && body.contains("error") && body["error"].is_string()
                             ? body["error"].get<std::string>()
                             : "invalid_grant";
    return InvalidArgument(peer + " refused the grant (" + reason + ")", "code");
  }
  if (r.status != 200) return Error{ErrorCode::kBadGateway, peer + " answered HTTP " + std::to_string(r.status), {}};
  auto access = StringAt(body, {"access_token"});
  if (!access || access->empty()) {
    return Error{ErrorCode::kBadGateway, peer + " answered without an access token", {}};
  }
  ProviderTokens t;
  t.access_token = *access;
  t.refresh_token = StringAt(body, {"refresh_token"});
  if (body.contains("expires_in") && body["expires_in"].is_number_integer()) {
    t.expires_in = body["expires_in"].get<std::int64_t>();
  } else if (auto text = StringAt(body, {"expires_in"})) {
    t.expires_in = std::atoll(text->c_str());  // some issuers send it as a string
  }
  if (auto type = StringAt(body, {"token_type"})) t.token_type = *type;
  return t;
}

OutgoingRequest EventWriteRequest(CalendarProvider p, const OAuthEndpoints& e, std::string_view access_token,
                                  const EventDetails& details, const std::optional<std::string>& event_id) {
  OutgoingRequest r;
  r.headers = {{"Authorization", Bearer(access_token)}, {"Content-Type", "application/json"},
               {"Accept", "application/json"}};
  std::string api = TrimSlash(e.api_url);
  if (p == CalendarProvider::kGoogle) {
    r.method = event_id ? "PATCH" : "POST";
    r.url = api + "/calendars/primary/events" + (event_id ? "/" + PercentEncode(*event_id) : "") +
            "?conferenceDataVersion=1&sendUpdates=all";
    r.body = GoogleEventBody(details, !event_id).dump();
  } else {
    r.method = event_id ? "PATCH" : "POST";
    r.url = api + "/me/events" + (event_id ? "/" + PercentEncode(*event_id) : "");
    r.body = GraphEventBody(details, !event_id).dump();
  }
  return r;
}

OutgoingRequest EventDeleteRequest(CalendarProvider p, const OAuthEndpoints& e, std::string_view access_token,
                                   std::string_view event_id) {
  OutgoingRequest r;
  r.method = "DELETE";
  r.headers = {{"Authorization", Bearer(access_token)}};
  std::string api = TrimSlash(e.api_url);
  r.url = p == CalendarProvider::kGoogle
              ? api + "/calendars/primary/events/" + PercentEncode(event_id) + "?sendUpdates=all"
              : api + "/me/events/" + PercentEncode(event_id);
  return r;
}

Result<WrittenEvent> ParseEventResponse(CalendarProvider p, const OutgoingResponse& r) {
  if (r.status != 200 && r.status != 201) return PeerError(p, r.status);
  json body = json::parse(r.body, nullptr, false);
  auto id = StringAt(body, {"id"});
  if (!id || id->empty()) return Error{ErrorCode::kBadGateway, ProviderPeer(p) + " answered without an event id", {}};
  WrittenEvent w;
  w.id = *id;
  if (p == CalendarProvider::kGoogle) {
    w.meeting_link = StringAt(body, {"hangoutLink"});
    if (!w.meeting_link && body.contains("conferenceData") && body["conferenceData"].contains("entryPoints") &&
        body["conferenceData"]["entryPoints"].is_array()) {
      for (const auto& ep : body["conferenceData"]["entryPoints"]) {
        if (StringAt(ep, {"entryPointType"}) == "video") w.meeting_link = StringAt(ep, {"uri"});
      }
    }
    if (auto status = StringAt(body, {"status"})) w.status = *status;
  } else {
    w.meeting_link = StringAt(body, {"onlineMeeting", "joinUrl"});
    if (body.contains("isCancelled") && body["isCancelled"] == true) w.status = "cancelled";
  }
  return w;
}

OutgoingRequest CaldavProbeRequest(std::string_view collection_url, std::string_view user, std::string_view password) {
  OutgoingRequest r;
  r.method = "PROPFIND";
  r.url = std::string(collection_url);
  r.headers = {{"Depth", "0"}, {"Content-Type", "application/xml; charset=utf-8"}};
  r.body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
      "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:resourcetype/></d:prop></d:propfind>";
  r.username = std::string(user);
  r.password = std::string(password);
  return r;
}

OutgoingRequest CaldavPutRequest(std::string_view resource_url, std::string_view user, std::string_view password,
                                 std::string ics) {
  OutgoingRequest r;
  r.method = "PUT";
  r.url = std::string(resource_url);
  r.headers = {{"Content-Type", "text/calendar; charset=utf-8"}};
  r.body = std::move(ics);
  r.username = std::string(user);
  r.password = std::string(password);
  return r;
}

OutgoingRequest CaldavBusyQueryRequest(std::string_view collection_url, std::string_view user,
                                       std::string_view password, Interval range) {
  OutgoingRequest r;
  r.method = "REPORT";
  r.url = std::string(collection_url);
  r.headers = {{"Depth", "1"}, {"Content-Type", "application/xml; charset=utf-8"}};
  r.body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
      "<c:calendar-query xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
      "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
      "<c:filter><c:comp-filter name=\"VCALENDAR\"><c:comp-filter name=\"VEVENT\">"
      "<c:time-range start=\"" + IcalUtc(range.start) + "\" end=\"" + IcalUtc(range.end) + "\"/>"
      "</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>";
  r.username = std::string(user);
  r.password = std::string(password);
  return r;
}

std::string CaldavResourceUrl(std::string_view collection_url, std::string_view uid) {
  std::string base(collection_url);
  if (base.empty() || base.back() != '/') base += '/';
  return base + PercentEncode(uid) + ".ics";
}

Error PeerError(CalendarProvider p, int status) {
  if (status == 401 || status == 403) {
    return InvalidArgument(ProviderPeer(p) + " refused the credentials (HTTP " + std::to_string(status) +
                               "); connect the calendar again",
                           p == CalendarProvider::kCaldav ? "password" : "access_token");
  }
  return Error{ErrorCode::kBadGateway, ProviderPeer(p) + " answered HTTP " + std::to_string(status), {}};
}

}  // namespace kairos::service

namespace kairos::service {
namespace {

// An instant as Google and Graph write it: RFC 3339 with Z or an offset (Google), or a
// wall clock in UTC (Graph, asked for UTC), either with a fraction of a second, dropped.
std::optional<Instant> ProviderInstant(std::string text, bool utc_wall_clock) {
  if (auto dot = text.find('.'); dot != std::string::npos && dot > 10) {
    auto end = dot + 1;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    text.erase(dot, end - dot);
  }
  if (utc_wall_clock && !text.empty() && text.back() != 'Z') text += 'Z';
  auto t = ParseInstant(text, "dateTime");
  if (!t.ok()) return std::nullopt;
  return *t;
}

Error Unreadable(CalendarProvider p, std::string what) {
  return Error{ErrorCode::kBadGateway, ProviderPeer(p) + " answered busy time Kairos cannot read: " + what, {}};
}

}  // namespace

OutgoingRequest GoogleFreeBusyRequest(const OAuthEndpoints& e, std::string_view access_token, Interval range) {
  OutgoingRequest r;
  r.method = "POST";
  r.url = TrimSlash(e.api_url) + "/freeBusy";
  r.headers = {{"Authorization", Bearer(access_token)}, {"Content-Type", "application/json"}};
  r.body = json{{"timeMin", FormatUtc(range.start)},
                {"timeMax", FormatUtc(range.end)},
                {"timeZone", "UTC"},
                {"items", json::array({{{"id", "primary"}}})}}
               .dump();
  r.max_body_bytes = 8 * 1024 * 1024;
  return r;
}

Result<std::vector<Interval>> ParseGoogleFreeBusy(const OutgoingResponse& r) {
  if (r.status != 200) return PeerError(CalendarProvider::kGoogle, r.status);
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("calendars") || !body["calendars"].is_object() ||
      !body["calendars"].contains("primary")) {
    return Unreadable(CalendarProvider::kGoogle, "no calendars.primary");
  }
  const json& primary = body["calendars"]["primary"];
  if (primary.contains("errors") && primary["errors"].is_array() && !primary["errors"].empty()) {
    std::string reason = primary["errors"][0].is_object() ? primary["errors"][0].value("reason", "error") : "error";
    return Unreadable(CalendarProvider::kGoogle, "the primary calendar reports " + reason);
  }
  std::vector<Interval> out;
  if (!primary.contains("busy")) return out;
  if (!primary["busy"].is_array()) return Unreadable(CalendarProvider::kGoogle, "busy is not a list");
  for (const json& period : primary["busy"]) {
    auto start = StringAt(period, {"start"});
    auto end = StringAt(period, {"end"});
    auto a = start ? ProviderInstant(*start, false) : std::nullopt;
    auto b = end ? ProviderInstant(*end, false) : std::nullopt;
    if (!a || !b) return Unreadable(CalendarProvider::kGoogle, "a busy period without start and end");
    if (*a < *b) out.push_back({*a, *b});
  }
  return out;
}

OutgoingRequest GraphCalendarViewRequest(const OAuthEndpoints& e, std::string_view access_token, Interval range) {
  return GraphNextPageRequest(TrimSlash(e.api_url) + "/me/calendarView?" +
                                  FormEncode({{"startDateTime", FormatUtc(range.start)},
                                              {"endDateTime", FormatUtc(range.end)},
                                              {"$select", "id,showAs,isCancelled,start,end"},
                                              {"$top", "500"}}),
                              access_token);
}

OutgoingRequest GraphNextPageRequest(std::string_view next_link, std::string_view access_token) {
  OutgoingRequest r;
  r.method = "GET";
  r.url = std::string(next_link);
  r.headers = {{"Authorization", Bearer(access_token)}, {"Prefer", "outlook.timezone=\"UTC\""}};
  r.max_body_bytes = 8 * 1024 * 1024;
  return r;
}

Result<GraphCalendarPage> ParseGraphCalendarView(const OutgoingResponse& r) {
  if (r.status != 200) return PeerError(CalendarProvider::kOutlook, r.status);
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("value") || !body["value"].is_array()) {
    return Unreadable(CalendarProvider::kOutlook, "no value list");
  }
  GraphCalendarPage page;
  for (const json& event : body["value"]) {
    if (!event.is_object()) return Unreadable(CalendarProvider::kOutlook, "an event that is not an object");
    if (event.value("isCancelled", false)) continue;
    std::string show = event.contains("showAs") && event["showAs"].is_string() ? event["showAs"].get<std::string>()
                                                                               : "busy";
    if (show == "free" || show == "workingElsewhere") continue;
    auto start = StringAt(event, {"start", "dateTime"});
    auto end = StringAt(event, {"end", "dateTime"});
    auto zone_start = StringAt(event, {"start", "timeZone"});
    if (zone_start && *zone_start != "UTC") {
      return Unreadable(CalendarProvider::kOutlook, "times in " + *zone_start + ", not the UTC asked for");
    }
    auto a = start ? ProviderInstant(*start, true) : std::nullopt;
    auto b = end ? ProviderInstant(*end, true) : std::nullopt;
    if (!a || !b) return Unreadable(CalendarProvider::kOutlook, "an event without start and end");
    if (*a < *b) page.busy.push_back({StringAt(event, {"id"}).value_or(""), {*a, *b}});
  }
  if (auto next = StringAt(body, {"@odata.nextLink"})) page.next_link = *next;
  return page;
}

}  // namespace kairos::service
