#include "kairos/api/v1/freebusy_routes.hpp"

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/kit.hpp"
#include "kairos/core/text.hpp"

namespace kairos::api::v1 {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;

constexpr const char* kTag = "v1 free/busy";

std::string FeedPath(std::string_view username, std::string_view token) {
  return "/v1/users/" + PercentEncode(username) + "/freebusy.ics?token=" + std::string(token);
}

json TokenSchema() {
  return schema::Object({{"token", schema::String()}, {"feed_path", schema::String()}, {"created_at", schema::Timestamp()}},
                        {"token", "feed_path", "created_at"});
}

Response FeedAnswer(service::FreeBusyFeeds& feeds, Request& req) {
  auto feed = feeds.Feed(req.Param("username"), req.Query("token").value_or(""), Now());
  if (!feed) return Fail(feed.error());
  Response r;
  r.SetHeader("ETag", feed->etag);
  // Behind a secret URL: no shared caches; clients revalidate with If-None-Match.
  r.SetHeader("Cache-Control", "private, no-cache");
  if (http::IfNoneMatchMatches(req.Header("if-none-match"), feed->etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.content_type = "text/calendar; charset=utf-8";
  r.SetHeader("Content-Disposition", "inline; filename=\"freebusy.ics\"");
  r.body = std::move(feed->ics);
  return r;
}

}  // namespace

void RegisterFreeBusyRoutes(http::Router& router, service::FreeBusyFeeds& feeds, service::Accounts& accounts) {
  FaceRoutes routes(router);

  http::Route create{Method::kPost, "/v1/me/freebusy-token", Access::kAuthenticated, kStyle, kTag,
                     "Create or rotate the caller's free/busy feed token (shown once; the previous one stops "
                     "working).",
                     {}, [&feeds, &accounts](Request& req) -> Response {
                       auto account = accounts.FindById(Caller(req).account_id);
                       if (!account) return Fail(NotFound("Account not found."));
                       const Instant now = Now();
                       std::string token = feeds.RotateToken(Caller(req), now);
                       return Created({{"token", token},
                                       {"feed_path", FeedPath(account->username, token)},
                                       {"created_at", FormatTimestamp(now)}});
                     }};
  create.doc.operation_id = "createFreeBusyToken";
  create.doc.request_body = schema::Object(json::object(), {});  // nothing to send; a body is ignored
  create.doc.responses =
      WithProblems({Success(201, "The new token (shown this once) and the feed's path.", TokenSchema(),
                            "FreeBusyToken")},
                   {});
  routes.Add(std::move(create));

  http::Route show{Method::kGet, "/v1/me/freebusy-token", Access::kAuthenticated, kStyle, kTag,
                   "Whether the caller has a free/busy feed token, and since when (the token itself is not kept).",
                   {}, [&feeds](Request& req) -> Response {
                     auto created = feeds.TokenCreatedAt(Caller(req));
                     if (!created) return Fail(created.error());
                     return Ok({{"created_at", FormatTimestamp(*created)}});
                   }};
  show.doc.operation_id = "getFreeBusyToken";
  show.doc.responses = WithProblems(
      {Success(200, "The token exists.", schema::Object({{"created_at", schema::Timestamp()}}, {"created_at"}),
               "FreeBusyTokenInfo"),
       Problem(404, "No token.")},
      {});
  routes.Add(std::move(show));

  http::Route revoke{Method::kDelete, "/v1/me/freebusy-token", Access::kAuthenticated, kStyle, kTag,
                     "Revoke the caller's free/busy feed token: its feed answers 404 from now on.", {},
                     [&feeds](Request& req) -> Response {
                       if (auto s = feeds.RevokeToken(Caller(req)); !s) return Fail(s.error());
                       return NoContent();
                     }};
  revoke.doc.operation_id = "revokeFreeBusyToken";
  revoke.doc.responses = WithProblems({Success(204, "Revoked."), Problem(404, "No token.")}, {});
  routes.Add(std::move(revoke));

  http::Route feed{Method::kGet, "/v1/users/{username}/freebusy.ics", Access::kPublic, kStyle, kTag,
                   "The account's free/busy as an RFC 5545 VFREEBUSY (today and the coming 9 weeks, UTC periods), "
                   "for calendar clients to subscribe to.",
                   {{"token", "The free/busy token from POST /v1/me/freebusy-token.", true}},
                   [&feeds](Request& req) { return FeedAnswer(feeds, req); }};
  feed.doc.operation_id = "getFreeBusyFeed";
  feed.doc.path_params = {{"username", "The account's username (case-insensitive)."}};
  feed.doc.query_schemas = {{"token", schema::String()}};
  http::ResponseDoc ics = Success(200, "The VCALENDAR holding one VFREEBUSY.", schema::String());
  ics.media_type = "text/calendar";
  feed.doc.responses = {ics, Success(304, "Unchanged since the ETag sent in If-None-Match."),
                        Problem(404, "No such user, or a wrong or revoked token (not told apart).")};
  routes.Add(std::move(feed));
}

}  // namespace kairos::api::v1
