#include "kairos/auth/authenticator.hpp"

#include "kairos/auth/credentials.hpp"

namespace kairos::auth {

http::Authenticator MakeAuthenticator(service::Accounts& accounts) {
  return [&accounts](const http::Request& request) -> Result<Principal> {
    if (request.HasHeader("authorization")) {
      auto secret = ParseAuthorization(request.Header("authorization"));
      if (!secret) return secret.error();
      auto found = accounts.Authenticate(service::CredentialKind::kToken, *secret);
      if (!found) return found.error();
      return std::move(found->principal);
    }
    auto session = request.Cookie(kSessionCookie);
    if (!session) return Unauthenticated("Authentication credentials were not provided.");
    auto found = accounts.Authenticate(service::CredentialKind::kSession, *session);
    if (!found) return found.error();
    if (IsUnsafeMethod(request.method)) {
      if (auto csrf = CheckCsrf(request.Header(kCsrfHeader), found->csrf_digest); !csrf) return csrf.error();
    }
    return std::move(found->principal);
  };
}

}  // namespace kairos::auth
