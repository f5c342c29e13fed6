// Face 004 (consultants, one-off and weekly availability): /consultant/..., /consultants/...,
// /user/ and /availabilities/... with integer ids. Errors are {"error": "..."} with 400
// or 404. The document requires no credentials; an operator may require them.
#pragma once

#include "kairos/http/router.hpp"
#include "kairos/service/consultants.hpp"

namespace kairos::api::consultants {

struct ConsultantRoutesOptions {
  bool require_auth = false;  // every route needs a token or session (else public, as documented)
};

// Adds the routes; they keep a reference to `consultants`, which must outlive the router.
void RegisterConsultantRoutes(http::Router& router, service::Consultants& consultants, ConsultantRoutesOptions options);

}  // namespace kairos::api::consultants
