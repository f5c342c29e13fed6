#include "kairos/api/meetings/account_routes.hpp"

#include "kairos/api/json_body.hpp"
#include "kairos/auth/credentials.hpp"
#include "kairos/auth/policy.hpp"

namespace kairos::api::meetings {
namespace {

using http::Access;
using http::ErrorStyle;
using http::Method;
using http::Request;
using http::Response;

constexpr ErrorStyle kStyle = ErrorStyle::kErrMessage;
constexpr const char* kTag = "meetings (002)";

// This face answers every validation failure, duplicates included, with 400.
Response Fail(const Error& error) {
  int status = error.code == ErrorCode::kConflict ? 400 : 0;
  return http::ErrorResponse(kStyle, error, status);
}

nlohmann::json UserSummary(const service::Account& a) {
  return {{"id", a.id}, {"username", a.username}, {"email", a.email}, {"uuid", a.uuid}};
}

Response SignUp(service::Accounts& accounts, Request& req) {
  auto body = JsonBody::Parse(req.body);
  if (!body) return Fail(body.error());
  service::NewAccount in;
  auto username = body->RequiredString("username", kMaxNameLength);
  if (!username) return Fail(username.error());
  auto email = body->RequiredString("email", kMaxEmailLength);
  if (!email) return Fail(email.error());
  auto password = body->RequiredString("password", kMaxPasswordLength);
  if (!password) return Fail(password.error());
  auto first_name = body->OptionalString("first_name", kMaxNameLength);
  if (!first_name) return Fail(first_name.error());
  auto last_name = body->OptionalString("last_name", kMaxNameLength);
  if (!last_name) return Fail(last_name.error());
  auto timezone = body->OptionalString("timezone", kMaxNameLength);
  if (!timezone) return Fail(timezone.error());
  auto role = body->OptionalString("role", kMaxNameLength);
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
  return http::JsonResponse(201, UserSummary(*account));
}

Response Login(service::Accounts& accounts, const AccountRoutesOptions& options, Request& req) {
  auto body = JsonBody::Parse(req.body);
  if (!body) return Fail(body.error());
  auto username = body->RequiredString("username", kMaxEmailLength);
  if (!username) return Fail(username.error());
  auto password = body->RequiredString("password", kMaxPasswordLength);
  if (!password) return Fail(password.error());
  if (auto s = body->RejectUnknownFields(); !s) return Fail(s.error());

  auto login = accounts.Login(*username, *password, req.client_address);
  if (!login) return Fail(login.error());
  Response r = http::JsonResponse(
      200, {{"is_authenticated", true}, {"user", UserSummary(login->account)}, {"auth_token", login->token}});
  for (auto& cookie : auth::SessionCookies(login->session_id, login->csrf_token, login->ttl, options.secure_cookies)) {
    r.AddHeader("Set-Cookie", std::move(cookie));
  }
  return r;
}

Response Logout(service::Accounts& accounts, const AccountRoutesOptions& options, Request& req) {
  accounts.Revoke(auth::Caller(req).token_id);
  Response r = http::JsonResponse(200, {{"is_authenticated", false}});
  for (auto& cookie : auth::ClearedSessionCookies(options.secure_cookies)) r.AddHeader("Set-Cookie", std::move(cookie));
  return r;
}

Response Me(service::Accounts& accounts, const AccountRoutesOptions& options, Request& req) {
  auto account = accounts.FindById(auth::Caller(req).account_id);
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

}  // namespace

void RegisterAccountRoutes(http::Router& router, service::Accounts& accounts, AccountRoutesOptions options) {
  router.SetPrefixStyle("/api/user/", kStyle);
  router.SetPrefixStyle("/api/event/", kStyle);
  router.Add({Method::kPost, "/api/user/sign_up/", Access::kPublic, kStyle, kTag,
              "Create an account (username, email, password; optional first_name, last_name, timezone, role).",
              {}, [&accounts](Request& req) { return SignUp(accounts, req); }});
  router.Add({Method::kPost, "/api/user/login/", Access::kPublic, kStyle, kTag,
              "Log in: returns an auth token and sets the sessionid and csrftoken cookies.", {},
              [&accounts, options](Request& req) { return Login(accounts, options, req); }});
  router.Add({Method::kPost, "/api/user/logout/", Access::kAuthenticated, kStyle, kTag,
              "Revoke the token or session used for this request and clear the cookies.", {},
              [&accounts, options](Request& req) { return Logout(accounts, options, req); }});
  router.Add({Method::kGet, "/api/user/me/", Access::kAuthenticated, kStyle, kTag, "The caller's own account.", {},
              [&accounts, options](Request& req) { return Me(accounts, options, req); }});
}

}  // namespace kairos::api::meetings
