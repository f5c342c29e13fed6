#include "kairos/api/v1/me_routes.hpp"

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/kit.hpp"

namespace kairos::api::v1 {

json AccountSchema() {
  return schema::Object({{"id", schema::Uuid()},
                         {"username", schema::String()},
                         {"email", schema::String()},
                         {"name", schema::String()},
                         {"time_zone", schema::String()},
                         {"created_at", schema::Timestamp()},
                         {"updated_at", schema::Timestamp()}},
                        {"id", "username", "email", "name", "time_zone", "created_at", "updated_at"});
}

json AccountJson(const service::Account& a) {
  return {{"id", a.uuid},
          {"username", a.username},
          {"email", a.email},
          {"name", service::DisplayName(a.first_name, a.last_name, a.username)},
          {"time_zone", a.timezone},
          {"created_at", FormatTimestamp(a.created_at)},
          {"updated_at", FormatTimestamp(a.updated_at)}};
}

void RegisterMeRoutes(http::Router& router, service::Accounts& accounts) {
  http::Route me{http::Method::kGet, "/v1/me", http::Access::kAuthenticated, kStyle, "v1 me",
                 "The account the credentials belong to.", {}, [&accounts](http::Request& req) -> http::Response {
                   auto a = accounts.FindById(Caller(req).account_id);
                   if (!a) return Fail(NotFound("Account not found."));
                   return Ok(AccountJson(*a));
                 }};
  me.doc.operation_id = "getMe";
  me.doc.responses = WithProblems({Success(200, "The account.", AccountSchema(), "Account")}, {401});
  router.Add(std::move(me));
}

}  // namespace kairos::api::v1
