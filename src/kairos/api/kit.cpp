#include "kairos/api/kit.hpp"

#include <stdexcept>

namespace kairos::api {

const auth::Principal& Caller(const http::Request& request) {
  if (!request.principal) throw std::logic_error("Caller() on a request without a principal: " + request.path);
  return *request.principal;
}

}  // namespace kairos::api
