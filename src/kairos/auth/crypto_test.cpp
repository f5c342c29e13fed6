#include "kairos/auth/crypto.hpp"

#include <gtest/gtest.h>

namespace kairos::auth {
namespace {

TEST(SealedAnswers, OpenOnlyWithTheMaterialTheyWereSealedWith) {
  const std::string sealed = SealWith("idempotency-key-1", R"({"manage_token":"secret"})");
  EXPECT_EQ(sealed.find("secret"), std::string::npos);
  EXPECT_EQ(OpenWith("idempotency-key-1", sealed), std::optional<std::string>(R"({"manage_token":"secret"})"));
  EXPECT_EQ(OpenWith("idempotency-key-2", sealed), std::nullopt);
  EXPECT_EQ(OpenWith("idempotency-key-1", "not base64!"), std::nullopt);
  EXPECT_EQ(OpenWith("idempotency-key-1", ""), std::nullopt);
  EXPECT_NE(SealWith("k", "same"), SealWith("k", "same")) << "a fresh nonce each time";
  EXPECT_EQ(OpenWith("k", SealWith("k", "")), std::optional<std::string>(""));
}

}  // namespace
}  // namespace kairos::auth
