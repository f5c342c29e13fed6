#include "kairos/api/kit.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "kairos/api/authenticator.hpp"

namespace kairos::api {
namespace {

TEST(Kit, CallerNeedsAPrincipal) {
  http::Request no_caller;
  EXPECT_THROW(Caller(no_caller), std::logic_error);
  http::Request with;
  with.principal = auth::Principal{.account_id = 4, .role = auth::Role::kCoach};
  EXPECT_EQ(Caller(with).account_id, 4);
}

TEST(Kit, CsrfCoversTheUnsafeMethods) {
  EXPECT_TRUE(IsUnsafeMethod(http::Method::kPost));
  EXPECT_TRUE(IsUnsafeMethod(http::Method::kDelete));
  EXPECT_TRUE(IsUnsafeMethod(http::Method::kOther));
  EXPECT_FALSE(IsUnsafeMethod(http::Method::kGet));
  EXPECT_FALSE(IsUnsafeMethod(http::Method::kHead));
}

}  // namespace
}  // namespace kairos::api
