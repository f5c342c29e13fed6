// Face 002 (meetings with participants): the account routes under /api/user/ — sign-up,
// login, logout and the caller's own account. Errors are {"err_message": ["..."]}.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"

namespace kairos::api::meetings {

struct AccountRoutesOptions {
  bool secure_cookies = false;  // add Secure to the session and CSRF cookies
};

void RegisterAccountRoutes(http::Router& router, service::Accounts& accounts, AccountRoutesOptions options);

}  // namespace kairos::api::meetings
