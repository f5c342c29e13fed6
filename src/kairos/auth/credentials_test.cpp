#include "kairos/auth/credentials.hpp"

#include <gtest/gtest.h>

#include <set>

#include "kairos/auth/crypto.hpp"
#include "kairos/auth/password_hasher.hpp"
#include "kairos/auth/policy.hpp"

namespace kairos::auth {
namespace {

TEST(Crypto, SecretsAreRandomBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string s = RandomSecret();
    EXPECT_TRUE(LooksLikeSecret(s)) << s;
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_FALSE(LooksLikeSecret("short"));
  EXPECT_FALSE(LooksLikeSecret(std::string(42, 'a') + "="));
}

TEST(Crypto, DigestsAndUuids) {
  EXPECT_EQ(SecretDigest("abc").size(), 64u);
  EXPECT_EQ(SecretDigest("abc"), SecretDigest("abc"));
  EXPECT_NE(SecretDigest("abc"), SecretDigest("abd"));
  EXPECT_TRUE(SameDigest(SecretDigest("x"), SecretDigest("x")));
  EXPECT_FALSE(SameDigest(SecretDigest("x"), SecretDigest("y")));
  EXPECT_FALSE(SameDigest("", ""));
  std::string u = NewUuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
  EXPECT_NE(u, NewUuid());
}

TEST(Credentials, ParsesBearerAndTokenSchemes) {
  EXPECT_EQ(*ParseAuthorization("Bearer abc"), "abc");
  EXPECT_EQ(*ParseAuthorization("token abc"), "abc");
  EXPECT_EQ(*ParseAuthorization("BEARER   abc  "), "abc");
  EXPECT_FALSE(ParseAuthorization("Basic abc").ok());
  EXPECT_FALSE(ParseAuthorization("Bearer").ok());
  EXPECT_FALSE(ParseAuthorization("Bearer a b").ok());
  EXPECT_EQ(ParseAuthorization("abc").error().code, ErrorCode::kUnauthenticated);
}

TEST(Credentials, CsrfComparesDigests) {
  std::string csrf = RandomSecret();
  EXPECT_TRUE(CheckCsrf(csrf, SecretDigest(csrf)).ok());
  EXPECT_EQ(CheckCsrf("", SecretDigest(csrf)).error().code, ErrorCode::kForbidden);
  EXPECT_FALSE(CheckCsrf(RandomSecret(), SecretDigest(csrf)).ok());
}

TEST(Credentials, Cookies) {
  auto set = SessionCookies("S", "C", std::chrono::seconds(60), false);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0], "sessionid=S; Max-Age=60; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(set[1], "csrftoken=C; Max-Age=60; Path=/; SameSite=Lax");
  auto cleared = ClearedSessionCookies(true);
  EXPECT_EQ(cleared[0], "sessionid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure");
}

TEST(Policy, RolesOwnersAndAdmins) {
  Principal client{.account_id = 1, .role = Role::kClient};
  Principal coach{.account_id = 2, .role = Role::kCoach};
  Principal admin{.account_id = 3, .role = Role::kAdmin};
  EXPECT_TRUE(RequireRole(coach, {Role::kCoach}).ok());
  EXPECT_EQ(RequireRole(client, {Role::kCoach}).error().code, ErrorCode::kForbidden);
  EXPECT_FALSE(RequireRole(admin, {Role::kCoach}).ok()) << "roles are exact";
  EXPECT_TRUE(RequireSelfOrAdmin(client, 1).ok());
  EXPECT_FALSE(RequireSelfOrAdmin(client, 2).ok());
  EXPECT_TRUE(RequireSelfOrAdmin(admin, 2).ok());
  EXPECT_TRUE(RequireAnyOf(coach, {1, 2}).ok());
  EXPECT_FALSE(RequireAnyOf(coach, {1, 5}).ok());
  EXPECT_TRUE(RequireAnyOf(admin, {1, 5}).ok());
  EXPECT_EQ(ParseRole("coach"), Role::kCoach);
  EXPECT_FALSE(ParseRole("Admin").has_value());
}

TEST(PasswordHasher, HashesVerifiesAndDetectsParameterChanges) {
  PasswordHasher fast({1, 8192}, 2);
  std::string h = fast.Hash("secret password");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(fast.Verify(h, "secret password"));
  EXPECT_FALSE(fast.Verify(h, "secret passwore"));
  EXPECT_FALSE(fast.Verify("not a hash", "x"));
  EXPECT_FALSE(fast.NeedsRehash(h));
  PasswordHasher slower({2, 8192}, 1);
  EXPECT_TRUE(slower.NeedsRehash(h));
  EXPECT_TRUE(slower.Verify(h, "secret password")) << "verification reads the parameters from the hash";
  EXPECT_THROW(PasswordHasher({0, 8192}, 1), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({1, 8192}, 0), std::invalid_argument);
}

}  // namespace
}  // namespace kairos::auth
