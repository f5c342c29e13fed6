// Face 002 (meetings with participants): the account routes under /api/user/ — sign-up,
// login, logout and the caller's own account. Errors are {"err_message": ["..."]}.
#pragma once

#include <functional>
#include <optional>

#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"

namespace kairos::api::meetings {

struct AccountRoutesOptions {
  bool secure_cookies = false;  // add Secure to the session and CSRF cookies
  // Face 004's number for an account that is one of its consultants; /me shows it as consultant_id.
  std::function<std::optional<std::int64_t>(std::int64_t account_id)> consultant_id_of;
};

void RegisterAccountRoutes(http::Router& router, service::Accounts& accounts, AccountRoutesOptions options);

}  // namespace kairos::api::meetings
