#include "kairos/service/notifications.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/calendars.hpp"
#include "kairos/booking/events.hpp"
#include "kairos/core/text.hpp"
#include "kairos/service/calendar_sync_ical.hpp"
#include "kairos/service/calendar_sync_secrets.hpp"

namespace kairos::service {
namespace {

using nlohmann::json;
using store::Int;
using store::Null;
using store::Text;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool PrivateV4(const unsigned char* b) {
  return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) ||
         (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
         (b[0] == 100 && (b[1] & 0xc0) == 64) || (b[0] == 192 && b[1] == 0 && b[2] == 0) ||
         (b[0] == 198 && (b[1] & 0xfe) == 18) || b[0] >= 224;
}

bool PrivateV6(const unsigned char* b) {
  static const unsigned char zero[16] = {};
  if (std::memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, mapped, 12) == 0) return PrivateV4(b + 12);
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
  if ((b[0] & 0xfe) == 0xfc) return true;                   // fc00::/7 unique local
  if (b[0] == 0xff) return true;                            // multicast
  return false;
}

bool PrivateSockaddr(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    return PrivateV4(reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr));
  }
  if (sa->sa_family == AF_INET6) {
    return PrivateV6(reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr));
  }
  return true;
}

struct ParsedUrl {
  std::string scheme;
  std::string host;
};

std::optional<ParsedUrl> ParseUrl(std::string_view url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> h(curl_url(), curl_url_cleanup);
  if (!h) return std::nullopt;
  std::string text(url);
  if (curl_url_set(h.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return std::nullopt;
  ParsedUrl out;
  char* part = nullptr;
  if (curl_url_get(h.get(), CURLUPART_SCHEME, &part, 0) != CURLUE_OK) return std::nullopt;
  out.scheme = part;
  curl_free(part);
  part = nullptr;
  if (curl_url_get(h.get(), CURLUPART_HOST, &part, 0) != CURLUE_OK) return std::nullopt;
  out.host = part;
  curl_free(part);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  return out;
}

std::vector<std::string> SplitEvents(const std::string& stored) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= stored.size()) {
    auto comma = stored.find(',', start);
    std::string item = stored.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string JoinEvents(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events) out += (out.empty() ? "" : ",") + e;
  return out;
}

Status CheckEvents(const std::vector<std::string>& events) {
  if (events.empty()) return InvalidArgument("events must name at least one event type.", "events");
  for (const auto& e : events) {
    if (!booking::IsEventType(e)) return InvalidArgument("events: \"" + e + "\" is not an event type.", "events");
  }
  return {};
}

// Each type once, in the documented order.
std::vector<std::string> Normalized(const std::vector<std::string>& events) {
  std::vector<std::string> out;
  for (std::string_view t : booking::kEventTypes) {
    if (std::find(events.begin(), events.end(), t) != events.end()) out.emplace_back(t);
  }
  return out;
}

constexpr const char* kWebhookColumns = "id, uuid, url, events, active, created_at, updated_at";

Webhook WebhookOf(const store::Row& r) {
  Webhook w;
  w.id = r.Int(0);
  w.uuid = r.Text(1);
  w.url = r.Text(2);
  w.events = SplitEvents(r.Text(3));
  w.active = r.Bool(4);
  w.created_at = booking::FromStored(r.Int(5));
  w.updated_at = booking::FromStored(r.Int(6));
  return w;
}

Result<Webhook> Owned(store::Tx& tx, const auth::Principal& caller, std::string_view uuid) {
  auto row = tx.QueryOne("SELECT " + std::string(kWebhookColumns) + " FROM webhooks WHERE uuid = ? AND owner_account_id = ?",
                         {Text(std::string(uuid)), Int(caller.account_id)});
  if (!row) return NotFound("Webhook not found.");
  return WebhookOf(*row);
}

constexpr const char* kDeliveryColumns =
    "d.id, d.uuid, e.uuid, e.type, d.state, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status, "
    "d.last_error, d.created_at";

Delivery DeliveryOf(const store::Row& r) {
  Delivery d;
  d.id = r.Int(0);
  d.uuid = r.Text(1);
  d.event_id = r.Text(2);
  d.event_type = r.Text(3);
  d.state = r.Text(4);
  d.attempts = r.Int(5);
  if (d.state == "pending") d.next_attempt_ms = r.Int(6);
  d.last_attempt_ms = r.OptionalInt(7);
  d.last_status = r.OptionalInt(8);
  d.last_error = r.OptionalText(9);
  d.created_at = booking::FromStored(r.Int(10));
  return d;
}

std::string Hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

std::size_t Discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// Refuses, at connect time, an address that is not public (the host may resolve
// differently than when the webhook was created).
curl_socket_t OpenPublicSocket(void* allow_private, curlsocktype, curl_sockaddr* address) {
  if (!*static_cast<bool*>(allow_private) && PrivateSockaddr(&address->addr)) return CURL_SOCKET_BAD;
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

struct Outcome {
  std::optional<long> status;
  std::string error;
  bool aborted = false;  // the server is stopping: not an attempt
  bool ok() const { return status && *status >= 200 && *status < 300; }
};

namespace {

int AbortWhenStopping(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

Outcome Post(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
             std::chrono::milliseconds timeout, bool allow_private, const std::atomic<bool>& stopping) {
  Outcome out;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    out.error = "libcurl could not create a handle";
    return out;
  }
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  std::string ignored;
  bool allow = allow_private;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ignored);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenPublicSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &allow);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, AbortWhenStopping);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&stopping));
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (code == CURLE_COULDNT_CONNECT && !allow_private && error[0] == '\0') {
    out.error = "the target resolves to a private address";
  } else if (code != CURLE_OK) {
    out.error = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(code));
  }
  if (code == CURLE_OK) out.status = status;
  out.aborted = code == CURLE_ABORTED_BY_CALLBACK;
  return out;
}

struct Upload {
  const std::string* text;
  std::size_t at = 0;
};

std::size_t ReadUpload(char* out, std::size_t size, std::size_t count, void* data) {
  auto* u = static_cast<Upload*>(data);
  const std::size_t n = std::min(size * count, u->text->size() - u->at);
  std::memcpy(out, u->text->data() + u->at, n);
  u->at += n;
  return n;
}

std::string HeaderSafe(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

}  // namespace

namespace {

std::string Str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string Base64Lines(std::string_view data) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string flat;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (i + 2 < data.size()) n |= static_cast<unsigned char>(data[i + 2]);
    flat += digits[(n >> 18) & 63];
    flat += digits[(n >> 12) & 63];
    flat += i + 1 < data.size() ? digits[(n >> 6) & 63] : '=';
    flat += i + 2 < data.size() ? digits[n & 63] : '=';
  }
  std::string out;
  for (std::size_t i = 0; i < flat.size(); i += 76) out += flat.substr(i, 76) + "\r\n";
  return out;
}

// An RFC 2047 encoded word when the text is not plain ASCII.
std::string HeaderText(const std::string& text) {
  std::string safe = HeaderSafe(text);
  bool ascii = std::all_of(safe.begin(), safe.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return safe;
  std::string b64 = Base64Lines(safe);
  b64.erase(std::remove(b64.begin(), b64.end(), '\r'), b64.end());
  b64.erase(std::remove(b64.begin(), b64.end(), '\n'), b64.end());
  return "=?UTF-8?B?" + b64 + "?=";
}

struct Zoned {
  std::string name;
  Zone zone = nullptr;
};

Zoned ZoneNamed(const std::string& name) {
  auto z = FindZone(name.empty() ? "UTC" : name);
  if (!z.ok()) return {"UTC", *FindZone("UTC")};
  return {name.empty() ? "UTC" : name, *z};
}

// "Monday 4 March 2030, 11:00" on the zone's wall clock.
std::string LocalText(Instant t, const Zoned& z) {
  LocalDateTime local = ToLocal(t, z.zone);
  Date day = DateOf(local);
  static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
  std::string out(WeekdayName(IsoWeekday(day)));
  out += " " + std::to_string(static_cast<unsigned>(day.day())) + " " +
         months[static_cast<unsigned>(day.month()) - 1] + " " + std::to_string(static_cast<int>(day.year())) + ", " +
         FormatHourMinute(TimeOfDayOf(local));
  return out;
}

std::string Name(const json& party, const std::string& fallback) {
  std::string n = Str(party, "name");
  return n.empty() ? fallback : n;
}

}  // namespace

std::string EmailMessage(const std::string& from, const std::string& to, const std::string& payload_json,
                         const std::string& recipient, const std::string& manage_url, const std::string& time_zone) {
  json payload = json::parse(payload_json, nullptr, false);
  if (!payload.is_object()) payload = json::object();
  const json data = payload.value("data", json::object());
  const std::string type = payload.value("type", "booking");
  const json host = data.value("host", json::object());
  const json attendee = data.value("attendee", json::object());
  const std::string what = type.rfind("booking.", 0) == 0 ? type.substr(8) : type;
  const bool to_host = recipient == "host";
  const bool to_organizer = recipient == "organizer";
  // The host reads the calendar's zone; the attendee and guests the zone recorded with
  // the booking, else the calendar's.
  const std::string calendar_zone = Str(data.value("calendar", json::object()), "time_zone");
  const std::string attendee_zone = Str(attendee, "time_zone");
  // A zone the delivery names (a meeting's organiser's) comes first.
  const Zoned zone = ZoneNamed(!time_zone.empty()                   ? time_zone
                               : to_host || attendee_zone.empty() ? calendar_zone
                                                                  : attendee_zone);
  auto start = ParseInstant(Str(data, "start"), "start");
  auto end = ParseInstant(Str(data, "end"), "end");
  const Instant start_at = start.ok() ? *start : Instant{};
  const Instant end_at = end.ok() ? *end : start_at;
  const std::string title = Str(data, "title").empty() ? "Booking" : Str(data, "title");
  const std::string host_name = Name(host, "the host");
  const std::string attendee_name = Name(attendee, Str(attendee, "email"));
  const std::string with = to_host ? attendee_name : host_name;
  const std::string when = LocalText(start_at, zone) + " – " + FormatHourMinute(TimeOfDayOf(ToLocal(end_at, zone.zone))) +
                           " (" + zone.name + ", UTC" + FormatOffset(UtcOffset(start_at, zone.zone)) + ")";
  static const std::map<std::string, std::string> kHeadline = {
      {"created", "is booked"},          {"requested", "is requested and waits for the host's confirmation"},
      {"confirmed", "is confirmed"},     {"declined", "was declined"},
      {"cancelled", "is cancelled"},     {"rescheduled", "moved to a new time"},
      {"reminder", "is coming up"}};
  const std::string happened = kHeadline.count(what) ? kHeadline.at(what) : what;
  const std::string headline = to_organizer ? "Your meeting " + title + " " + happened + "."
                                            : title + " with " + (with.empty() ? "you" : with) + " " + happened + ".";
  std::string subject = "Booking " + what + ": " + title + ", " + LocalText(start_at, zone) + " (" + zone.name + ")";

  // Plain text.
  std::string text = headline + "\r\n\r\n";
  text += "When:    " + when + "\r\n";
  if (data.contains("previous") && data["previous"].is_object()) {
    auto was = ParseInstant(Str(data["previous"], "start"), "start");
    if (was.ok()) text += "Was:     " + LocalText(*was, zone) + " (" + zone.name + ")\r\n";
  }
  text += "Host:    " + host_name + (Str(host, "email").empty() ? "" : " <" + Str(host, "email") + ">") + "\r\n";
  text += "Attendee: " + attendee_name + "\r\n";
  text += "Status:  " + Str(data, "status") + "\r\n";
  if (!Str(data, "notes").empty()) text += "Notes:   " + Str(data, "notes") + "\r\n";
  const json answers = data.value("answers", json::object());
  for (const auto& [question, answer] : answers.items()) {
    text += question + ": " + (answer.is_string() ? answer.get<std::string>() : answer.dump()) + "\r\n";
  }
  text += "Booking: " + Str(data, "id") + "\r\n";
  if (!manage_url.empty()) text += "\r\nCancel or reschedule: " + manage_url + "\r\n";

  // HTML: every text that came from someone is escaped.
  std::string html = "<!DOCTYPE html><html><body>\r\n<p>" + HtmlEscape(headline) + "</p>\r\n<table>\r\n";
  auto row = [&](const std::string& k, const std::string& v) {
    html += "<tr><th align=\"left\">" + HtmlEscape(k) + "</th><td>" + HtmlEscape(v) + "</td></tr>\r\n";
  };
  row("When", when);
  row("Host", host_name);
  row("Attendee", attendee_name);
  row("Status", Str(data, "status"));
  if (!Str(data, "notes").empty()) row("Notes", Str(data, "notes"));
  for (const auto& [question, answer] : answers.items()) {
    row(question, answer.is_string() ? answer.get<std::string>() : answer.dump());
  }
  html += "</table>\r\n";
  if (!manage_url.empty()) {
    html += "<p><a href=\"" + HtmlEscape(manage_url) + "\">Cancel or reschedule</a></p>\r\n";
  }
  html += "</body></html>\r\n";

  // The invitation: UID and SEQUENCE of the booking, times in the reader's zone.
  std::string method;
  std::string ics;
  if (what != "reminder") {
    method = what == "cancelled" || what == "declined" ? "CANCEL" : "REQUEST";
    IcalEvent e;
    e.uid = Str(data, "ical_uid").empty() ? Str(data, "id") + "@kairos" : Str(data, "ical_uid");
    auto stamp = ParseInstant(Str(payload, "created_at"), "created_at");
    e.stamp = stamp.ok() ? *stamp : start_at;
    e.interval = {start_at, end_at};
    e.sequence = data.value("sequence", json(0)).is_number_integer() ? data["sequence"].get<std::int64_t>() : 0;
    const std::string status = Str(data, "status");
    e.status = method == "CANCEL"        ? IcalStatus::kCancelled
               : status == "pending"     ? IcalStatus::kTentative
                                         : IcalStatus::kConfirmed;
    e.summary = title + " with " + (to_host ? attendee_name : host_name);
    e.description = Str(data, "notes");
    e.tzid = zone.name;
    e.zone = zone.zone;
    e.organizer = IcalParty{Name(host, ""), Str(host, "email"), "CHAIR", "ACCEPTED"};
    e.attendees.push_back(IcalParty{Name(attendee, ""), Str(attendee, "email"), "REQ-PARTICIPANT",
                                    status == "pending" ? "NEEDS-ACTION" : "ACCEPTED"});
    if (data.contains("guests") && data["guests"].is_array()) {
      for (const json& g : data["guests"]) {
        if (g.is_string()) e.attendees.push_back(IcalParty{"", g.get<std::string>(), "OPT-PARTICIPANT", "NEEDS-ACTION"});
      }
    }
    ics = IcalInvitation(e, method);
  }

  std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", std::gmtime(&now));
  const std::string domain = from.find('@') != std::string::npos ? from.substr(from.find('@') + 1) : "kairos.invalid";
  const std::string boundary = "kairos-" + HeaderSafe(Str(payload, "id"));
  std::string out;
  out += "From: " + HeaderSafe(from) + "\r\n";
  out += "To: " + HeaderSafe(to) + "\r\n";
  out += "Subject: " + HeaderText(subject) + "\r\n";
  out += "Date: " + std::string(date) + "\r\n";
  out += "Message-ID: <" + HeaderSafe(Str(payload, "id")) + "." + HeaderSafe(recipient) + "@" + HeaderSafe(domain) +
         ">\r\n";
  out += "Kairos-Event-Id: " + HeaderSafe(Str(payload, "id")) + "\r\n";
  out += "Kairos-Event-Type: " + HeaderSafe(type) + "\r\n";
  out += "Kairos-Booking-Id: " + HeaderSafe(Str(data, "id")) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  auto part = [&](const std::string& content_type, const std::string& body) {
    out += "--" + boundary + "\r\nContent-Type: " + content_type + "\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    out += Base64Lines(body);
  };
  part("text/plain; charset=utf-8", text);
  part("text/html; charset=utf-8", html);
  if (!ics.empty()) part("text/calendar; charset=utf-8; method=" + method, ics);
  out += "--" + boundary + "--\r\n";
  // Every line is base64 or a header: none starts with "." (libcurl dot-stuffs anyway).
  return out;
}

bool IsPrivateAddress(std::string_view address) {
  std::string text(address);
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return PrivateV4(buf);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return PrivateV6(buf);
  return true;
}

Status CheckWebhookUrl(std::string_view url, bool allow_private) {
  if (url.size() > kMaxWebhookUrl) return InvalidArgument("url is longer than 2048 characters.", "url");
  auto parsed = ParseUrl(url);
  if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https") || parsed->host.empty()) {
    return InvalidArgument("url must be an http or https URL.", "url");
  }
  if (allow_private) return {};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(parsed->host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return InvalidArgument("url: its host does not resolve.", "url");
  }
  bool refused = false;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) refused = refused || PrivateSockaddr(a->ai_addr);
  freeaddrinfo(found);
  if (refused) {
    return InvalidArgument("url resolves to a loopback, private or link-local address, which is not allowed.", "url");
  }
  return {};
}

std::string SignatureHeader(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  auth::InitSodium();
  const std::string signed_text = std::to_string(unix_seconds) + "." + std::string(body);
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signed_text.data()),
                                signed_text.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return "t=" + std::to_string(unix_seconds) + ",v1=" + Hex(mac, sizeof mac);
}

// ---- Webhooks ---------------------------------------------------------------------------

Result<Webhook> Webhooks::Create(const auth::Principal& caller, const WebhookFields& fields, Instant now) {
  if (!fields.url) return InvalidArgument("url is required.", "url");
  if (!fields.events) return InvalidArgument("events is required.", "events");
  if (auto s = CheckWebhookUrl(*fields.url, allow_private_); !s) return s.error();
  if (auto s = CheckEvents(*fields.events); !s) return s.error();
  auth::InitSodium();
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  const std::string secret = Hex(key, sizeof key);
  return db_.Write([&](store::Tx& tx) -> Result<Webhook> {
    auto count = tx.QueryOne("SELECT COUNT(*) FROM webhooks WHERE owner_account_id = ?", {Int(caller.account_id)});
    if (count && count->Int(0) >= static_cast<std::int64_t>(kMaxWebhooksPerAccount)) {
      return InvalidArgument("An account has at most 50 webhooks.", "url");
    }
    auto rows = tx.Query("INSERT INTO webhooks (uuid, owner_account_id, url, events, secret, active, created_at, "
                         "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING " +
                             std::string(kWebhookColumns),
                         {Text(auth::NewUuid()), Int(caller.account_id), Text(*fields.url),
                          Text(JoinEvents(Normalized(*fields.events))), Text(box_ ? box_->Seal(secret) : secret),
                          store::Bool(fields.active.value_or(true)),
                          Int(booking::ToStored(now)), Int(booking::ToStored(now))});
    Webhook w = WebhookOf(rows.at(0));
    w.secret = secret;
    return w;
  });
}

int Webhooks::SealStoredSecrets() {
  if (box_ == nullptr) return 0;
  return db_.Write([&](store::Tx& tx) {
    int sealed = 0;
    for (const auto& r : tx.Query("SELECT id, secret FROM webhooks WHERE secret NOT LIKE 'v1:%' ORDER BY id")) {
      // Only if no other server sealed it meanwhile.
      sealed += static_cast<int>(tx.Exec("UPDATE webhooks SET secret = ? WHERE id = ? AND secret = ?",
                                         {Text(box_->Seal(r.Text(1))), Int(r.Int(0)), Text(r.Text(1))}));
    }
    return sealed;
  });
}

Result<Page<Webhook>> Webhooks::List(const auth::Principal& caller, const PageRequest& page) {
  return db_.Read([&](store::Tx& tx) -> Result<Page<Webhook>> {
    std::vector<Webhook> rows;
    const std::int64_t after = page.after ? page.after->id : 0;
    for (const auto& r : tx.Query("SELECT " + std::string(kWebhookColumns) +
                                      " FROM webhooks WHERE owner_account_id = ? AND id > ? ORDER BY id LIMIT ?",
                                  {Int(caller.account_id), Int(after), Int(static_cast<std::int64_t>(page.limit) + 1)})) {
      rows.push_back(WebhookOf(r));
    }
    return TakePage(std::move(rows), page, [](const Webhook& w) { return PageKey{"", w.id}; });
  });
}

Result<Webhook> Webhooks::Get(const auth::Principal& caller, std::string_view uuid) {
  return db_.Read([&](store::Tx& tx) { return Owned(tx, caller, uuid); });
}

Result<Webhook> Webhooks::Update(const auth::Principal& caller, std::string_view uuid, const WebhookFields& fields,
                                 Instant now) {
  if (fields.url) {
    if (auto s = CheckWebhookUrl(*fields.url, allow_private_); !s) return s.error();
  }
  if (fields.events) {
    if (auto s = CheckEvents(*fields.events); !s) return s.error();
  }
  return db_.Write([&](store::Tx& tx) -> Result<Webhook> {
    auto current = Owned(tx, caller, uuid);
    if (!current) return current.error();
    tx.Exec("UPDATE webhooks SET url = ?, events = ?, active = ?, updated_at = ? WHERE id = ?",
            {Text(fields.url.value_or(current->url)),
             Text(JoinEvents(fields.events ? Normalized(*fields.events) : current->events)),
             store::Bool(fields.active.value_or(current->active)), Int(booking::ToStored(now)), Int(current->id)});
    return Owned(tx, caller, uuid);
  });
}

Status Webhooks::Delete(const auth::Principal& caller, std::string_view uuid) {
  return db_.Write([&](store::Tx& tx) -> Status {
    auto current = Owned(tx, caller, uuid);
    if (!current) return current.error();
    tx.Exec("DELETE FROM webhooks WHERE id = ?", {Int(current->id)});
    return {};
  });
}

Result<Page<Delivery>> Webhooks::Deliveries(const auth::Principal& caller, std::string_view uuid,
                                            const PageRequest& page) {
  return db_.Read([&](store::Tx& tx) -> Result<Page<Delivery>> {
    auto hook = Owned(tx, caller, uuid);
    if (!hook) return hook.error();
    const std::int64_t before = page.after ? page.after->id : std::numeric_limits<std::int64_t>::max();
    std::vector<Delivery> rows;
    for (const auto& r : tx.Query("SELECT " + std::string(kDeliveryColumns) +
                                      " FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id "
                                      "WHERE d.webhook_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?",
                                  {Int(hook->id), Int(before), Int(static_cast<std::int64_t>(page.limit) + 1)})) {
      rows.push_back(DeliveryOf(r));
    }
    return TakePage(std::move(rows), page, [](const Delivery& d) { return PageKey{"", d.id}; });
  });
}

Result<Delivery> Webhooks::Redeliver(const auth::Principal& caller, std::string_view uuid,
                                     std::string_view delivery_uuid, Instant now) {
  return db_.Write([&](store::Tx& tx) -> Result<Delivery> {
    auto hook = Owned(tx, caller, uuid);
    if (!hook) return hook.error();
    const std::int64_t changed = tx.Exec(
        "UPDATE notification_deliveries SET state = 'pending', next_attempt_at = ?, retry_from = ?, claimed_by = NULL, "
        "claimed_until = NULL, updated_at = ? WHERE uuid = ? AND webhook_id = ?",
        {Int(NowMs()), Int(booking::ToStored(now)), Int(booking::ToStored(now)), Text(std::string(delivery_uuid)),
         Int(hook->id)});
    if (changed == 0) return NotFound("Delivery not found.");
    auto row = tx.QueryOne("SELECT " + std::string(kDeliveryColumns) +
                               " FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id "
                               "WHERE d.uuid = ?",
                           {Text(std::string(delivery_uuid))});
    return DeliveryOf(*row);
  });
}

// ---- Dispatcher -------------------------------------------------------------------------

Dispatcher::Dispatcher(store::Database& db, DispatcherOptions options, const SecretBox* box)
    : db_(db), options_(options), box_(box) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  instance_ = std::string(host) + ":" + std::to_string(getpid()) + ":" + auth::NewUuid().substr(0, 8);
}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::Loop() {
  for (;;) {
    int sent = 0;
    try {
      RunReminders();
    } catch (const std::exception& e) {
      spdlog::warn("notifications: reminder scan failed: {}", e.what());
    }
    try {
      sent = RunOnce();
    } catch (const std::exception& e) {
      spdlog::warn("notifications: dispatcher round failed: {}", e.what());
    }
    if (std::chrono::steady_clock::now() >= next_prune_) {
      next_prune_ = std::chrono::steady_clock::now() + options_.prune_every;
      try {
        if (int pruned = Prune(booking::ClockNow()); pruned > 0) {
          spdlog::info("notifications: pruned {} event(s) older than the retention", pruned);
        }
      } catch (const std::exception& e) {
        spdlog::warn("notifications: pruning failed: {}", e.what());
      }
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    // A full batch: more may be due at once.
    if (sent >= options_.batch) continue;
    wake_.wait_for(lock, options_.poll, [this] { return stopping_.load(); });
    if (stopping_) return;
  }
}

int Dispatcher::RunOnce() {
  const std::int64_t now = NowMs();
  std::vector<std::int64_t> claimed = db_.Write([&](store::Tx& tx) {
    const std::string lock = tx.dialect() == store::Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
    std::vector<std::int64_t> ids;
    for (const auto& r : tx.Query(
             "UPDATE notification_deliveries SET claimed_by = ?, claimed_until = ? WHERE id IN (SELECT id FROM "
             "notification_deliveries WHERE state = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR "
             "claimed_until < ?) ORDER BY next_attempt_at, id LIMIT ?" + lock + ") RETURNING id",
             {Text(instance_), Int(now + options_.claim.count()), Int(now), Int(now), Int(options_.batch)})) {
      ids.push_back(r.Int(0));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  });
  for (std::int64_t id : claimed) {
    if (stopping_) {
      // Hand the rest back for the next start (or another instance).
      db_.Write([&](store::Tx& tx) {
        tx.Exec("UPDATE notification_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND "
                "claimed_by = ?",
                {Int(id), Text(instance_)});
      });
      continue;
    }
    Send(id);
  }
  return static_cast<int>(claimed.size());
}

int Dispatcher::RunReminders() {
  const Instant real = booking::ClockNow();
  const std::int64_t now = booking::ToStored(real + options_.reminder_clock_offset);
  return db_.Write([&](store::Tx& tx) {
    const std::string lock = tx.dialect() == store::Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
    int sent = 0;
    for (const auto& r : tx.Query(
             "UPDATE booking_reminders SET state = 'sent', sent_at = ? WHERE id IN (SELECT id FROM booking_reminders "
             "WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?" + lock +
                 ") RETURNING id, booking_id, minutes_before, due_at",
             {Int(booking::ToStored(real)), Int(now), Int(options_.batch)})) {
      // Not for a booking that no longer holds its time, was moved, or has begun.
      auto b = tx.QueryOne("SELECT start_at, status FROM bookings WHERE id = ?", {Int(r.Int(1))});
      const bool live = b && (b->Text(1) == "pending" || b->Text(1) == "confirmed" || b->Text(1) == "active");
      if (!live || b->Int(0) - r.Int(2) * 60 != r.Int(3) || b->Int(0) <= now) {
        tx.Exec("UPDATE booking_reminders SET state = 'dropped' WHERE id = ?", {Int(r.Int(0))});
        continue;
      }
      booking::RecordEvent(tx, "booking.reminder", r.Int(1), real, {{"reminder", {{"minutes_before", r.Int(2)}}}});
      ++sent;
    }
    return sent;
  });
}

int Dispatcher::Prune(Instant now) {
  const std::int64_t cutoff =
      booking::ToStored(now) - std::chrono::duration_cast<std::chrono::seconds>(options_.retention).count();
  int total = 0;
  for (;;) {
    // Deliveries and their attempts go with the event (ON DELETE CASCADE).
    const std::int64_t deleted = db_.Write([&](store::Tx& tx) {
      return tx.Exec(
          "DELETE FROM notification_events WHERE id IN (SELECT e.id FROM notification_events e WHERE e.created_at < ? "
          "AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.event_id = e.id AND (d.state = 'pending' "
          "OR d.updated_at >= ?)) ORDER BY e.id LIMIT ?)",
          {Int(cutoff), Int(cutoff), Int(options_.prune_batch)});
    });
    total += static_cast<int>(deleted);
    if (deleted < options_.prune_batch || stopping_) return total;
  }
}

Outcome Dispatcher::Mail(const std::string& to, const std::string& message) {
  Outcome out;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    out.error = "libcurl could not create a handle";
    return out;
  }
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  Upload upload{&message};
  char error[CURL_ERROR_SIZE] = {};
  const std::string from = "<" + options_.smtp_from + ">";
  curl_easy_setopt(curl, CURLOPT_URL, options_.smtp_url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));  // STARTTLS when offered
  if (!options_.smtp_user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.smtp_user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.smtp_password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, AbortWhenStopping);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &stopping_);
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  out.aborted = code == CURLE_ABORTED_BY_CALLBACK;
  if (code == CURLE_OK) {
    out.status = 250;  // the server accepted the message
  } else {
    out.error = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(code));
    if (status > 0) out.error += " (SMTP " + std::to_string(status) + ")";
  }
  return out;
}

// A secret stored sealed ("v1:…") is opened in place; one in clear stays as it is.
bool Dispatcher::OpenSecret(std::string& secret) const {
  if (secret.rfind("v1:", 0) != 0) return true;
  if (box_ == nullptr) return false;
  auto opened = box_->Open(secret);
  if (!opened.ok()) return false;
  secret = std::move(*opened);
  return true;
}

void Dispatcher::Send(std::int64_t delivery_id) {
  struct Target {
    std::string delivery_uuid, event_uuid, type, payload, url, secret;
    bool active = false;
    std::int64_t attempts = 0, retry_from = 0;
    std::optional<std::string> email;
    std::string recipient, manage_token;
    std::optional<std::string> sealed_token;  // the /v1 booking's, for the attendee and guests
    std::string time_zone;                    // the recipient's, when the delivery names it
  };
  auto target = db_.Read([&](store::Tx& tx) -> std::optional<Target> {
    auto r = tx.QueryOne(
        "SELECT d.uuid, e.uuid, e.type, e.payload, w.url, w.secret, w.active, d.attempts, d.retry_from, d.email, "
        "d.recipient, d.manage_token, v.manage_token_sealed, d.time_zone "
        "FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id "
        "LEFT JOIN webhooks w ON w.id = d.webhook_id LEFT JOIN v1_bookings v ON v.booking_id = e.booking_id "
        "WHERE d.id = ? AND d.claimed_by = ? AND d.state = 'pending'",
        {Int(delivery_id), Text(instance_)});
    if (!r) return std::nullopt;
    Target t;
    t.delivery_uuid = r->Text(0);
    t.event_uuid = r->Text(1);
    t.type = r->Text(2);
    t.payload = r->Text(3);
    t.email = r->OptionalText(9);
    t.recipient = r->OptionalText(10).value_or("attendee");
    t.manage_token = r->OptionalText(11).value_or("");
    if (t.recipient == "attendee" || t.recipient == "guest") t.sealed_token = r->OptionalText(12);
    t.time_zone = r->OptionalText(13).value_or("");
    if (!t.email) {
      if (r->IsNull(4)) return std::nullopt;
      t.url = r->Text(4);
      t.secret = r->Text(5);
      t.active = r->Bool(6);
    } else {
      t.active = true;
    }
    t.attempts = r->Int(7);
    t.retry_from = r->Int(8);
    return t;
  });
  if (!target) return;
  const std::int64_t started = NowMs();
  Outcome outcome;
  if (target->email && options_.smtp_url.empty()) {
    outcome.error = "email is off (no --smtp-url)";
    target->active = false;  // no retry
  } else if (target->email) {
    std::string manage;
    if (target->manage_token.empty() && target->sealed_token && box_ != nullptr) {
      auto opened = box_->Open(*target->sealed_token);
      if (opened.ok()) {
        target->manage_token = *opened;
      } else {
        spdlog::warn("notifications: a booking's sealed manage token does not open under this server's key; "
                     "delivery {} goes without a manage link", target->delivery_uuid);
      }
    }
    if (!options_.public_url.empty() && !target->manage_token.empty()) {
      json payload = json::parse(target->payload, nullptr, false);
      if (payload.is_object() && payload.contains("data") && payload["data"].contains("id")) {
        manage = options_.public_url + "/manage/" + payload["data"]["id"].get<std::string>() +
                 "?token=" + target->manage_token;
      }
    }
    outcome = Mail(*target->email,
                   EmailMessage(options_.smtp_from, *target->email, target->payload, target->recipient, manage,
                                target->time_zone));
    if (outcome.aborted) {
      db_.Write([&](store::Tx& tx) {
        tx.Exec("UPDATE notification_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND "
                "claimed_by = ?",
                {Int(delivery_id), Text(instance_)});
      });
      return;
    }
  } else if (!target->active) {
    outcome.error = "the webhook is inactive";
  } else if (!OpenSecret(target->secret)) {
    outcome.error = "the webhook's secret does not open under this server's key";
  } else {
    const std::int64_t t = started / 1000;
    outcome = Post(target->url,
                   {"Content-Type: application/json", "User-Agent: Kairos-Webhooks/1",
                    "Kairos-Event-Id: " + target->event_uuid, "Kairos-Event-Type: " + target->type,
                    "Kairos-Delivery-Id: " + target->delivery_uuid,
                    "Kairos-Signature: " + SignatureHeader(target->secret, t, target->payload), "Expect:"},
                   target->payload, options_.timeout, options_.allow_private, stopping_);
    if (outcome.aborted) {
      // Stopping: hand the delivery back untouched for the next start (or another instance).
      db_.Write([&](store::Tx& tx) {
        tx.Exec("UPDATE notification_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND "
                "claimed_by = ?",
                {Int(delivery_id), Text(instance_)});
      });
      return;
    }
    if (!outcome.ok() && outcome.error.empty() && outcome.status) {
      outcome.error = "the receiver answered " + std::to_string(*outcome.status);
    }
  }
  const std::int64_t finished = NowMs();
  const std::int64_t attempts = target->attempts + 1;
  std::string state = "pending";
  std::int64_t next = 0;
  if (outcome.ok()) {
    state = "sent";
  } else if (!target->active || finished / 1000 - target->retry_from >= options_.give_up.count()) {
    state = "failed";
  } else {
    std::int64_t delay = options_.retry_base.count();
    for (std::int64_t i = 1; i < attempts && delay < options_.retry_cap.count(); ++i) delay *= 2;
    next = finished + std::min<std::int64_t>(delay, options_.retry_cap.count());
  }
  db_.Write([&](store::Tx& tx) {
    tx.Exec("INSERT INTO notification_attempts (delivery_id, instance, at_ms, status, error, duration_ms) VALUES "
            "(?, ?, ?, ?, ?, ?)",
            {Int(delivery_id), Text(instance_), Int(started), outcome.status ? Int(*outcome.status) : Null(),
             outcome.ok() ? Null() : Text(outcome.error), Int(finished - started)});
    tx.Exec("UPDATE notification_deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?, "
            "last_status = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ?, "
            "manage_token = CASE WHEN ? = 'pending' THEN manage_token ELSE NULL END "
            "WHERE id = ? AND claimed_by = ?",
            {Text(state), Int(attempts), Int(state == "pending" ? next : finished), Int(started),
             outcome.status ? Int(*outcome.status) : Null(), outcome.ok() ? Null() : Text(outcome.error),
             Int(finished / 1000), Text(state), Int(delivery_id), Text(instance_)});
  });
  if (outcome.ok()) {
    spdlog::debug("notifications: delivered {} ({})", target->event_uuid, target->type);
  } else {
    spdlog::info("notifications: delivery {} attempt {} failed ({}); {}", target->delivery_uuid, attempts,
                 outcome.error, state == "failed" ? "giving up" : "will retry");
  }
}

}  // namespace kairos::service
