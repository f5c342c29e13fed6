// The router's authenticator: turns a request's credentials into a Principal through the
// accounts service, enforcing CSRF on session-authenticated unsafe requests. Reading
// credentials off a request is the face kit's job, so auth itself knows no HTTP.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/accounts.hpp"

namespace kairos::api {

// POST, PUT, PATCH, DELETE and anything unknown: the methods CSRF protection covers.
bool IsUnsafeMethod(http::Method method);

// An Authorization header wins over a session cookie (and needs no CSRF token). With
// neither, or with a bad one, the result is Unauthenticated; a session request with an
// unsafe method and a missing or wrong X-CSRFToken is Forbidden.
http::Authenticator MakeAuthenticator(service::Accounts& accounts);

// Gives the router that authenticator, with the session cookie (auth::kSessionCookie) as
// a credential besides the Authorization header.
void InstallAuthenticator(http::Router& router, service::Accounts& accounts);

}  // namespace kairos::api
