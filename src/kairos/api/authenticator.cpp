#include "kairos/api/authenticator.hpp"

#include "kairos/auth/credentials.hpp"

namespace kairos::api {

bool IsUnsafeMethod(http::Method method) {
  return method != http::Method::kGet && method != http::Method::kHead && method != http::Method::kOptions;
}

http::Authenticator MakeAuthenticator(service::Accounts& accounts) {
  return [&accounts](const http::Request& request) -> Result<auth::Principal> {
    if (request.HasHeader("authorization")) {
      auto secret = auth::ParseAuthorization(request.Header("authorization"));
      if (!secret) return secret.error();
      auto found = accounts.Authenticate(service::CredentialKind::kToken, *secret);
      if (!found) return found.error();
      return std::move(found->principal);
    }
    auto session = request.Cookie(auth::kSessionCookie);
    if (!session) return Unauthenticated("Authentication credentials were not provided.");
    auto found = accounts.Authenticate(service::CredentialKind::kSession, *session);
    if (!found) return found.error();
    if (IsUnsafeMethod(request.method)) {
      if (auto csrf = auth::CheckCsrf(request.Header(auth::kCsrfHeader), found->csrf_digest); !csrf) return csrf.error();
    }
    return std::move(found->principal);
  };
}

void InstallAuthenticator(http::Router& router, service::Accounts& accounts) {
  router.SetAuthenticator(MakeAuthenticator(accounts), std::string(auth::kSessionCookie));
}

}  // namespace kairos::api
