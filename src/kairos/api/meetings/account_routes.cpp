#include "kairos/api/meetings/account_routes.hpp"

#include "kairos/api/kit.hpp"
#include "kairos/api/json_body.hpp"
#include "kairos/api/meetings/face.hpp"
#include "kairos/api/schema.hpp"
#include "kairos/auth/credentials.hpp"
#include "kairos/auth/policy.hpp"

namespace kairos::api::meetings {
namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;

constexpr ErrorStyle kStyle = kFaceStyle;
constexpr const char* kTag = kFaceTag;

// The bodies' fields: what the readers read and /openapi.json documents.
using Type = BodyField::Type;
constexpr BodyField kUsername{"username", Type::kString, true, kMaxNameLength};
constexpr BodyField kEmail{"email", Type::kString, true, kMaxEmailLength};
constexpr BodyField kPassword{"password", Type::kString, true, kMaxPasswordLength};
constexpr BodyField kFirstName{"first_name", Type::kString, false, kMaxNameLength};
constexpr BodyField kLastName{"last_name", Type::kString, false, kMaxNameLength};
constexpr BodyField kTimezone{"timezone", Type::kString, false, kMaxNameLength, false, "IANA zone, default UTC."};
constexpr BodyField kRole{"role", Type::kString, false, kMaxNameLength, false, "client or coach."};
// Login takes a username or an email, so its limit is an email's.
constexpr BodyField kLoginUsername{"username", Type::kString, true, kMaxEmailLength, false,
                                   "Username or email; not blank."};
constexpr BodyField kLoginPassword{"password", Type::kString, true, kMaxPasswordLength, false, "Not blank."};

// This face answers every validation failure, duplicates included, with 400; a taken
// email is worded as the original's user model words it.
Response Fail(const Error& error) {
  if (error.code == ErrorCode::kConflict && error.field == "email") {
    return FaceError(Conflict("user with this email address already exists.", "email"));
  }
  return FaceError(error);
}

nlohmann::json UserSummary(const service::Account& a) {
  return {{"id", a.id}, {"username", a.username}, {"email", a.email}, {"uuid", a.uuid}};
}

Response SignUp(service::Accounts& accounts, Request& req) {
  auto body = JsonBody::Parse(req, kFaceBodies);
  if (!body) return BodyError(body.error());
  service::NewAccount in;
  auto username = body->RequiredString(kUsername.name, kUsername.max_length);
  if (!username) return Fail(username.error());
  auto email = body->RequiredString(kEmail.name, kEmail.max_length);
  if (!email) return Fail(email.error());
  auto password = body->RequiredString(kPassword.name, kPassword.max_length);
  if (!password) return Fail(password.error());
  auto first_name = body->OptionalString(kFirstName.name, kFirstName.max_length);
  if (!first_name) return Fail(first_name.error());
  auto last_name = body->OptionalString(kLastName.name, kLastName.max_length);
  if (!last_name) return Fail(last_name.error());
  auto timezone = body->OptionalString(kTimezone.name, kTimezone.max_length);
  if (!timezone) return Fail(timezone.error());
  auto role = body->OptionalString(kRole.name, kRole.max_length);
  if (!role) return Fail(role.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());

  in.username = std::move(*username);
  in.email = std::move(*email);
  in.password = std::move(*password);
  in.first_name = first_name->value_or("");
  in.last_name = last_name->value_or("");
  in.timezone = timezone->value_or("UTC");
  if (*role) {
    auto parsed = auth::ParseRole(**role);
    if (!parsed) return Fail(InvalidArgument("role must be \"client\" or \"coach\".", "role"));
    in.role = *parsed;
  }
  auto account = accounts.SignUp(in);
  if (!account) return Fail(account.error());
  // The original's sign-up is a plain action answering 200, not a create answering 201.
  return http::JsonResponse(200, UserSummary(*account));
}

Response Login(service::Accounts& accounts, const AccountRoutesOptions& options, Request& req) {
  auto body = JsonBody::Parse(req, kFaceBodies);
  if (!body) return BodyError(body.error());
  auto username = body->RequiredString(kLoginUsername.name, kLoginUsername.max_length);
  if (!username) return Fail(username.error());
  auto password = body->RequiredString(kLoginPassword.name, kLoginPassword.max_length);
  if (!password) return Fail(password.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());
  // The original's login serializer has two CharFields, which refuse blank values.
  for (auto [name, value] : {std::pair{"username", &*username}, std::pair{"password", &*password}}) {
    if (value->empty()) return Fail(InvalidArgument(std::string(name) + " may not be blank.", name));
  }

  auto login = accounts.Login(*username, *password, req.client_address);
  // Wrong credentials: the original's 401 with one message as a string, not a list.
  if (!login && login.error().code == ErrorCode::kInvalidArgument && login.error().field.empty()) {
    return http::JsonResponse(401, {{"err_message", "Credentials were not correct"}});
  }
  if (!login) return Fail(login.error());
  Response r = http::JsonResponse(
      200, {{"is_authenticated", true}, {"user", UserSummary(login->account)}, {"auth_token", login->token}});
  for (auto& cookie : auth::SessionCookies(login->session_id, login->csrf_token, login->ttl, options.secure_cookies)) {
    r.AddHeader("Set-Cookie", std::move(cookie));
  }
  return r;
}

Response Logout(service::Accounts& accounts, const AccountRoutesOptions& options, Request& req) {
  accounts.Revoke(Caller(req).token_id);
  Response r = http::JsonResponse(200, {{"is_authenticated", false}});
  for (auto& cookie : auth::ClearedSessionCookies(options.secure_cookies)) r.AddHeader("Set-Cookie", std::move(cookie));
  return r;
}

// GET logout, as the original's: {"logged_out": true}.
Response LogoutGet(service::Accounts& accounts, const AccountRoutesOptions& options, Request& req) {
  Response r = Logout(accounts, options, req);
  r.body = nlohmann::json({{"logged_out", true}}).dump();
  return r;
}

// The caller as login answers it; anyone may ask, and a caller without valid credentials
// gets the original's 401 {"err_message": "..."} (a string). The token is the one the
// request carried; a session-authenticated call has none to show, so it is null.
Response Detail(service::Accounts& accounts, Request& req) {
  if (!req.principal) return http::JsonResponse(401, {{"err_message", "You are not an authenticated user"}});
  auto account = accounts.FindById(req.principal->account_id);
  if (!account) return http::JsonResponse(401, {{"err_message", "You are not an authenticated user"}});
  nlohmann::json token = nullptr;
  if (!req.principal->via_session) {
    if (auto secret = auth::ParseAuthorization(req.Header("authorization"))) token = *secret;
  }
  return http::JsonResponse(200, {{"is_authenticated", true}, {"user", UserSummary(*account)}, {"auth_token", token}});
}

Response Me(service::Accounts& accounts, const AccountRoutesOptions& options, Request& req) {
  auto account = accounts.FindById(Caller(req).account_id);
  if (!account) return Fail(account.error());
  const auto& a = *account;
  nlohmann::json me = {{"id", a.id},
                       {"uuid", a.uuid},
                       {"username", a.username},
                       {"email", a.email},
                       {"first_name", a.first_name},
                       {"last_name", a.last_name},
                       {"timezone", a.timezone},
                       {"role", auth::RoleName(a.role)},
                       {"is_active", a.is_active}};
  if (options.consultant_id_of) {
    if (auto no = options.consultant_id_of(a.id)) me["consultant_id"] = *no;
  }
  return http::JsonResponse(200, me);
}

namespace doc {

using nlohmann::json;
using schema::Boolean;
using schema::ClosedObject;
using schema::Integer;
using schema::Nullable;
using schema::String;

// What UserSummary writes.
json Summary() {
  return ClosedObject({{"id", Integer()}, {"username", String()}, {"email", String()}, {"uuid", schema::Uuid()}});
}
// The original's 401 of login and get_detail: one message as a string.
http::ResponseDoc NotAuthenticated(std::string what) {
  return Returns(401, std::move(what), schema::Object({{"err_message", String()}}, {"err_message"}),
                 "ErrMessageString");
}
json True() { return {{"const", true}}; }

http::RouteDoc SignUpDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kFaceBodies, {kUsername, kEmail, kPassword, kFirstName, kLastName, kTimezone, kRole});
  d.request_body_name = "MeetingsSignUp";
  d.responses = WithErrors({Returns(200, "The new account.", Summary(), "MeetingsUserSummary")}, kStyle, {400});
  return d;
}
http::RouteDoc LoginDoc() {
  http::RouteDoc d;
  d.request_body = schema::Body(kFaceBodies, {kLoginUsername, kLoginPassword});
  d.request_body_name = "MeetingsLogin";
  json ok = ClosedObject({{"is_authenticated", True()}, {"user", Summary()}, {"auth_token", String()}});
  d.responses = WithErrors({Returns(200, "Logged in; also sets the sessionid and csrftoken cookies.", ok,
                                    "MeetingsLoggedIn"),
                            NotAuthenticated("Credentials were not correct.")},
                           kStyle, {400, 429});
  return d;
}
http::RouteDoc LogoutDoc() {
  http::RouteDoc d;
  d.responses = WithErrors({Returns(200, "Logged out; the cookies are cleared.",
                                    ClosedObject({{"is_authenticated", {{"const", false}}}}))},
                           kStyle, {401, 403});
  return d;
}
http::RouteDoc LogoutGetDoc() {
  http::RouteDoc d;
  d.responses = WithErrors(
      {Returns(200, "Logged out; the cookies are cleared.", ClosedObject({{"logged_out", True()}}))}, kStyle,
      {401});
  return d;
}
http::RouteDoc DetailDoc() {
  http::RouteDoc d;
  json ok = ClosedObject({{"is_authenticated", True()}, {"user", Summary()}, {"auth_token", Nullable(String())}});
  d.responses = WithErrors({Returns(200, "The caller; auth_token is null for a session.", ok, "MeetingsDetail"),
                            NotAuthenticated("No valid credentials.")},
                           kStyle, {});
  return d;
}
http::RouteDoc MeDoc() {
  http::RouteDoc d;
  json p = {{"id", Integer()},
            {"uuid", schema::Uuid()},
            {"username", String()},
            {"email", String()},
            {"first_name", String()},
            {"last_name", String()},
            {"timezone", String()},
            {"role", schema::Enum({"client", "coach", "admin"})},
            {"is_active", Boolean()}};
  std::vector<std::string> required;
  for (const auto& [name, v] : p.items()) required.push_back(name);
  p["consultant_id"] = Integer();
  p["consultant_id"]["description"] = "Only for an account that is also a consultant of face 004.";
  d.responses = WithErrors({Returns(200, "The caller's account.", schema::Object(p, required), "MeetingsMe")}, kStyle,
                           {401});
  return d;
}

}  // namespace doc

}  // namespace

void RegisterAccountRoutes(http::Router& router, service::Accounts& accounts, AccountRoutesOptions options) {
  FaceRoutes routes(router);
  router.SetPrefixStyle("/api/user/", kStyle);
  router.SetPrefixStyle("/api/event/", kStyle);
  // Django's APPEND_SLASH: "/api/event" is redirected to "/api/event/".
  router.SetAppendSlash("/api/user/");
  router.SetAppendSlash("/api/event/");
  routes.Add({Method::kPost, "/api/user/sign_up/", Access::kPublic, kStyle, kTag,
              "Create an account (username, email, password; optional first_name, last_name, timezone, role).",
              {}, [&accounts](Request& req) { return SignUp(accounts, req); }, {}, doc::SignUpDoc()});
  routes.Add({Method::kPost, "/api/user/login/", Access::kPublic, kStyle, kTag,
              "Log in: returns an auth token and sets the sessionid and csrftoken cookies.", {},
              [&accounts, options](Request& req) { return Login(accounts, options, req); }, {}, doc::LoginDoc()});
  routes.Add({Method::kPost, "/api/user/logout/", Access::kAuthenticated, kStyle, kTag,
              "Revoke the token or session used for this request and clear the cookies.", {},
              [&accounts, options](Request& req) { return Logout(accounts, options, req); }, {}, doc::LogoutDoc()});
  routes.Add({Method::kGet, "/api/user/logout/", Access::kAuthenticated, kStyle, kTag,
              "Log out as the original does with GET: revoke the credential, clear the cookies; {\"logged_out\": true}.",
              {}, [&accounts, options](Request& req) { return LogoutGet(accounts, options, req); }, {},
              doc::LogoutGetDoc()});
  routes.Add({Method::kGet, "/api/user/get_detail/", Access::kPublic, kStyle, kTag,
              "The caller as login answers it (is_authenticated, user, auth_token); 401 without credentials.", {},
              [&accounts](Request& req) { return Detail(accounts, req); }, {}, doc::DetailDoc()});
  routes.Add({Method::kGet, "/api/user/me/", Access::kAuthenticated, kStyle, kTag, "The caller's own account.", {},
              [&accounts, options](Request& req) { return Me(accounts, options, req); }, {}, doc::MeDoc()});
}

}  // namespace kairos::api::meetings
