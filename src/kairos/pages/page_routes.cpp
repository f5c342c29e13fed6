#include "kairos/pages/page_routes.hpp"

#include <chrono>

#include "kairos/booking/calendars.hpp"
#include "kairos/pages/assets.hpp"
#include "kairos/pages/html.hpp"
#include "kairos/service/page.hpp"

namespace kairos::pages {

const Asset* FindAsset(std::string_view name) {
  for (const Asset& a : Assets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;

// Pages are documented as HTML (the schema hook checks JSON answers only).
http::RouteDoc HtmlDoc(std::string description, bool may_be_missing) {
  http::RouteDoc d;
  d.description = std::move(description);
  http::ResponseDoc ok{200, "An HTML page.", {{"type", "string"}}, "", "text/html"};
  d.responses.push_back(ok);
  if (may_be_missing) d.responses.push_back({404, "No such page (an HTML page says so).", {{"type", "string"}}, "", "text/html"});
  return d;
}

std::string DisplayName(const service::Account& a) {
  std::string name = a.first_name;
  if (!a.last_name.empty()) name += (name.empty() ? "" : " ") + a.last_name;
  return name.empty() ? a.username : name;
}

// "YYYY-MM" with a month from 01 to 12.
bool ValidMonth(std::string_view m) {
  if (m.size() != 7 || m[4] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6}) {
    if (m[i] < '0' || m[i] > '9') return false;
  }
  int month = (m[5] - '0') * 10 + (m[6] - '0');
  return month >= 1 && month <= 12;
}

bool Embedded(const Request& req) { return req.Query("embed").value_or("") == "1"; }

Response NotFoundPage(std::string what) {
  Shell s;
  s.title = "Not found";
  s.body = "<h1>Not found</h1>\n<p>" + Escape(what) + "</p>\n<p><a href=\"/\">Kairos</a></p>";
  return HtmlResponse(404, RenderShell(s));
}

Response Home(const Request& req, PageServices& sv) {
  Shell s;
  s.title = "";
  std::string body =
      "<h1>Kairos</h1>\n"
      "<p class=\"lead\">Scheduling and booking: hosts publish when they are free, anyone books a time "
      "in their own time zone, and every booking is busy time everywhere.</p>\n";
  if (req.principal) {
    auto account = sv.accounts.FindById(req.principal->account_id);
    if (account.ok()) {
      std::string u = PercentEncode(account->username);
      body += "<p>Signed in as <strong>" + Escape(account->username) + "</strong>.</p>\n<ul class=\"links\">"
              "<li><a href=\"/app/\">Your bookings, hours and event types</a></li>"
              "<li><a href=\"/book/" + Escape(u) + "\">Your public booking page</a></li></ul>\n";
    }
  } else {
    body += "<p><a class=\"button\" href=\"/app/\">Sign in</a></p>\n";
  }
  body += "<p class=\"muted\">For programs: <a href=\"/openapi.json\">the API description</a>.</p>";
  s.body = body;
  return HtmlResponse(200, RenderShell(s));
}

Response HostPage(const Request& req, PageServices& sv) {
  const std::string& username = req.Param("username");
  auto account = sv.accounts.FindByUsername(username);
  if (!account.ok() || !account->is_active) return NotFoundPage("There is no booking page here.");
  service::PageRequest page;
  page.limit = 200;
  auto types = sv.event_types.ListPublic(account->username, page);
  Shell s;
  s.embed = Embedded(req);
  s.title = DisplayName(*account);
  std::string body = "<h1>" + Escape(DisplayName(*account)) + "</h1>\n";
  if (!types.ok() || types->items.empty()) {
    body += "<p>Nothing to book here yet.</p>";
  } else {
    body += "<p>Choose what to book.</p>\n<ul class=\"cards\">\n";
    for (const auto& t : types->items) {
      std::string href = "/book/" + PercentEncode(account->username) + "/" + t.slug + (s.embed ? "?embed=1" : "");
      body += "<li><a class=\"card\" href=\"" + Escape(href) + "\"><span class=\"card-title\">" + Escape(t.title) +
              "</span><span class=\"muted\">" + std::to_string(t.duration_minutes) + " min</span>";
      if (!t.description.empty()) body += "<span class=\"card-text\">" + Escape(t.description) + "</span>";
      body += "</a></li>\n";
    }
    body += "</ul>";
  }
  s.body = body;
  return HtmlResponse(200, RenderShell(s), true);
}

nlohmann::json QuestionsJson(const booking::EventType& t) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& q : t.questions()) {
    out.push_back({{"name", q.name},
                   {"label", q.label},
                   {"type", booking::QuestionTypeName(q.type)},
                   {"required", q.required},
                   {"options", q.options}});
  }
  return out;
}

// The host's zone for an event type is its schedule's: the zone /v1/slots answers in when
// asked for none. `fallback` (the account's) when it cannot be listed.
std::string HostZone(PageServices& sv, const std::string& event_type_uuid, std::string fallback) {
  Instant now = booking::ClockNow();
  Date today{std::chrono::floor<date::days>(now)};
  service::v1::SlotsQuery q{event_type_uuid, today, today, std::nullopt};
  auto days = sv.bookings.Slots(nullptr, q, now);
  return days.ok() ? days->time_zone : fallback;
}

Response BookingPage(const Request& req, PageServices& sv) {
  auto type = sv.event_types.FindPublic(req.Param("username"), req.Param("slug"));
  if (!type.ok()) return NotFoundPage("There is no such booking page.");
  auto host = sv.accounts.FindById(type->owner_account_id);
  if (!host.ok()) return NotFoundPage("There is no such booking page.");
  std::string host_zone = HostZone(sv, type->uuid, host->timezone);
  std::string month = req.Query("month").value_or("");
  if (!ValidMonth(month)) month.clear();
  Shell s;
  s.embed = Embedded(req);
  s.title = type->title;
  s.module = "book.js";
  s.data = {{"event_type",
             {{"id", type->uuid},
              {"title", type->title},
              {"description", type->description},
              {"duration_minutes", type->duration_minutes},
              {"requires_confirmation", type->requires_confirmation},
              {"questions", QuestionsJson(*type)}}},
            {"host", {{"name", DisplayName(*host)}, {"username", host->username}, {"time_zone", host_zone}}},
            {"month", month}};
  std::string back = "/book/" + PercentEncode(host->username) + (s.embed ? "?embed=1" : "");
  s.body = "<p class=\"crumb\"><a href=\"" + Escape(back) + "\">" + Escape(DisplayName(*host)) + "</a></p>\n"
           "<h1>" + Escape(type->title) + "</h1>\n"
           "<p class=\"facts\"><span>" + std::to_string(type->duration_minutes) + " min</span></p>\n" +
           (type->description.empty() ? "" : "<p class=\"description\">" + Escape(type->description) + "</p>\n") +
           "<div id=\"app\" class=\"booker\"><p class=\"muted\">Loading the calendar…</p></div>\n"
           "<noscript><p>This page needs JavaScript to show the free times.</p></noscript>";
  return HtmlResponse(200, RenderShell(s), true);
}

Response ManagePage(const Request& req, PageServices& sv) {
  auto token = req.Query("token");
  if (!token || token->empty()) return NotFoundPage("This link does not open a booking: its token is missing.");
  service::v1::BookingCaller caller{nullptr, token};
  auto b = sv.bookings.Get(caller, req.Param("booking_id"));
  if (!b.ok()) return NotFoundPage("This link does not open a booking. Check that it is complete, as it came in your email.");
  std::string host_zone;
  if (auto host = sv.accounts.FindByUuid(b->host.id); host.ok()) host_zone = host->timezone;
  if (b->event_type_id) host_zone = HostZone(sv, *b->event_type_id, host_zone);
  Shell s;
  s.title = "Your booking";
  s.module = "manage.js";
  s.data = {{"title", b->event_type_title},
            {"host_zone", host_zone},
            {"booking",
             {{"id", b->id},
              {"status", booking::V1StatusName(b->status)},
              {"start", FormatUtc(b->interval.start)},
              {"end", FormatUtc(b->interval.end)},
              {"event_type_id", b->event_type_id ? nlohmann::json(*b->event_type_id) : nlohmann::json(nullptr)},
              {"host", {{"name", b->host.name}}},
              {"attendee", {{"name", b->attendee.name}, {"email", b->attendee.email}, {"time_zone", b->attendee.time_zone}}},
              {"reason", b->reason ? nlohmann::json(*b->reason) : nlohmann::json(nullptr)}}}};
  s.body = "<h1>Your booking</h1>\n<div id=\"app\"><p class=\"muted\">Loading your booking…</p></div>\n"
           "<noscript><p>This page needs JavaScript.</p></noscript>";
  return HtmlResponse(200, RenderShell(s));
}

Response HostApp(const Request& req, PageServices& sv) {
  Shell s;
  s.title = "Your pages";
  s.module = "app.js";
  nlohmann::json data = {{"signed_in", false}};
  if (req.principal) {
    auto account = sv.accounts.FindById(req.principal->account_id);
    if (account.ok()) {
      data = {{"signed_in", true},
              {"username", account->username},
              {"uuid", account->uuid},
              {"role", auth::RoleName(account->role)},
              {"time_zone", account->timezone}};
    }
  }
  s.data = data;
  s.body = "<div id=\"app\"><p class=\"muted\">Loading…</p></div>\n<noscript><p>This page needs JavaScript.</p></noscript>";
  return HtmlResponse(200, RenderShell(s));
}

Response ServeAsset(const Request& req, const Asset* asset, bool versioned) {
  if (!asset) {
    Response r;
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Not found.\n";
    return r;
  }
  Response r;
  r.SetHeader("ETag", std::string(asset->etag));
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "public, max-age=300");
  if (asset->name == "embed.js") r.SetHeader("Access-Control-Allow-Origin", "*");
  if (http::IfNoneMatchMatches(req.Header("if-none-match"), asset->etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = std::string(asset->content_type);
  r.body = std::string(asset->body);
  return r;
}

}  // namespace

void RegisterPageRoutes(http::Router& router, PageServices sv) {
  auto add = [&router](std::string pattern, std::string summary, http::Handler handler, http::RouteDoc doc,
                        std::vector<http::QueryParam> query = {}) {
    router.Add({Method::kGet, std::move(pattern), Access::kPublic, ErrorStyle::kDetail, "pages", std::move(summary),
                std::move(query), std::move(handler), {}, std::move(doc)});
  };
  const http::QueryParam embed{"embed", "1: rendered for an iframe on another site (no header).", false};
  add("/", "The front page (HTML).", [sv](Request& req) mutable { return Home(req, sv); },
      HtmlDoc("What Kairos is, a sign-in link and, signed in, links to the host's pages (docs/pages.md).", false));
  add("/book/{username}", "A host's public event types (HTML).",
      [sv](Request& req) mutable { return HostPage(req, sv); },
      HtmlDoc("The host's public event types, each linking to its booking page (docs/pages.md).", true), {embed});
  add("/book/{username}/{slug}", "The booking page of a public event type (HTML).",
      [sv](Request& req) mutable { return BookingPage(req, sv); },
      HtmlDoc("A month calendar of free days and slots in the visitor's zone; books through /v1. "
              "`?month=YYYY-MM` opens that month, `?embed=1` renders it for an iframe (docs/pages.md).",
              true),
      {{"month", "YYYY-MM: the month the calendar opens on (default: this month).", false}, embed});
  add("/manage/{booking_id:uuid}", "The attendee's page for one booking (HTML; `?token=` is its manage token).",
      [sv](Request& req) mutable { return ManagePage(req, sv); },
      HtmlDoc("Shows the booking and lets the attendee cancel or reschedule it through /v1 (docs/pages.md).", true),
      {{"token", "The booking's manage token, as the booking's answer and emails give it.", true}});
  add("/app/", "The host's pages (HTML): bookings, hours, event types, the embed snippet.",
      [sv](Request& req) mutable { return HostApp(req, sv); },
      HtmlDoc("Signed in with the session cookie; a sign-in form otherwise (docs/pages.md).", false));
  add("/app", "Redirects to /app/.", [](Request&) {
        Response r;
        r.status = 301;
        r.content_type = "text/plain; charset=utf-8";
        r.SetHeader("Location", "/app/");
        return r;
      }, [] {
        http::RouteDoc d;
        d.responses.push_back({301, "To /app/.", nullptr, "", "text/plain"});
        return d;
      }());
  http::RouteDoc asset_doc;
  asset_doc.description = "A module or the style sheet the pages use, cached for a year under its version.";
  asset_doc.responses.push_back({200, "The file.", {{"type", "string"}}, "", "text/plain"});
  asset_doc.responses.push_back({304, "Not modified (If-None-Match).", nullptr, "", "text/plain"});
  asset_doc.responses.push_back({404, "No such file.", nullptr, "", "text/plain"});
  add("/assets/{version}/{name}", "The pages' static files, embedded in the binary.", [](Request& req) {
        // An old version's page still gets today's file, but not for a year.
        return ServeAsset(req, FindAsset(req.Param("name")), req.Param("version") == AssetVersion());
      }, asset_doc);
  http::RouteDoc embed_doc = asset_doc;
  embed_doc.description = "The embed script: puts a booking page on another site (docs/pages.md).";
  add("/embed.js", "The script that embeds a booking page in another site.",
      [](Request& req) { return ServeAsset(req, FindAsset("embed.js"), false); }, embed_doc);
}

}  // namespace kairos::pages
