// /v1/teams over HTTP: create, read, rename and delete teams; invite, accept, change roles
// and remove members; who may do each (docs/teams.md). Errors are problem details.
#include <gtest/gtest.h>

#include "support/accounts.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server_test.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

class TeamsTest : public SharedServerTest<TeamsTest> {
 protected:
  HttpClient c_{server_->port()};

  TestAccount Account(const std::string& base) { return SignUpAndLogin(c_, Unique(base)); }

  std::string NewTeam(const TestAccount& owner, const std::string& name = "Support") {
    auto r = c_.Post("/v1/teams", {{"name", name}}, BearerAuth(owner));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }

  int Invite(const TestAccount& by, const std::string& team, const TestAccount& who, const std::string& role = "member") {
    return c_.Post("/v1/teams/" + team + "/members", {{"account_id", who.uuid}, {"role", role}}, BearerAuth(by)).status;
  }
};

TEST_F(TeamsTest, CreatorIsTheAcceptedOwner) {
  auto owner = Account("teamowner");
  auto r = c_.Post("/v1/teams", {{"name", "Sales"}}, BearerAuth(owner));
  ASSERT_EQ(r.status, 201) << r.body;
  json t = r.Json();
  EXPECT_EQ(t["name"], "Sales");
  EXPECT_EQ(t["role"], "owner");
  EXPECT_EQ(t["membership"], "accepted");
  auto got = c_.Get("/v1/teams/" + t["id"].get<std::string>(), BearerAuth(owner));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Json(), t);
  auto members = c_.Get("/v1/teams/" + t["id"].get<std::string>() + "/members", BearerAuth(owner));
  ASSERT_EQ(members.status, 200);
  ASSERT_EQ(members.Json()["data"].size(), 1u);
  EXPECT_EQ(members.Json()["data"][0]["account_id"], owner.uuid);
  EXPECT_EQ(members.Json()["data"][0]["status"], "accepted");
  EXPECT_TRUE(members.Json()["next_cursor"].is_null());
}

TEST_F(TeamsTest, InviteThenAccept) {
  auto owner = Account("teamowner");
  auto invited = Account("teaminvited");
  const std::string team = NewTeam(owner);
  auto r = c_.Post("/v1/teams/" + team + "/members", {{"account_id", invited.uuid}}, BearerAuth(owner));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["role"], "member");
  EXPECT_EQ(r.Json()["status"], "invited");
  EXPECT_TRUE(r.Json()["accepted_at"].is_null());
  // The invited account sees the team as invited, and accepts.
  auto seen = c_.Get("/v1/teams/" + team, BearerAuth(invited));
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(seen.Json()["membership"], "invited");
  auto mine = c_.Get("/v1/teams", BearerAuth(invited));
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.Json()["data"].size(), 1u);
  auto accepted = c_.Post("/v1/teams/" + team + "/accept", json::object(), BearerAuth(invited));
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.Json()["status"], "accepted");
  EXPECT_TRUE(accepted.Json()["accepted_at"].is_string());
  EXPECT_EQ(c_.Post("/v1/teams/" + team + "/accept", json::object(), BearerAuth(invited)).status, 409);
  // Inviting again is a conflict.
  EXPECT_EQ(Invite(owner, team, invited), 409);
}

TEST_F(TeamsTest, StrangersSeeNothingAndCannotAccept) {
  auto owner = Account("teamowner");
  auto stranger = Account("teamstranger");
  const std::string team = NewTeam(owner);
  auto r = c_.Get("/v1/teams/" + team, BearerAuth(stranger));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.Header("Content-Type").find("application/problem+json"), std::string::npos);
  EXPECT_EQ(c_.Get("/v1/teams/" + team + "/members", BearerAuth(stranger)).status, 404);
  EXPECT_EQ(c_.Post("/v1/teams/" + team + "/accept", json::object(), BearerAuth(stranger)).status, 404);
  EXPECT_EQ(c_.Patch("/v1/teams/" + team, {{"name", "Mine"}}, BearerAuth(stranger)).status, 404);
  EXPECT_EQ(c_.Delete("/v1/teams/" + team, BearerAuth(stranger)).status, 404);
  EXPECT_EQ(Invite(stranger, team, stranger), 404);
  EXPECT_EQ(c_.Get("/v1/teams", BearerAuth(stranger)).Json()["data"].size(), 0u);
  EXPECT_EQ(c_.Get("/v1/teams/" + team).status, 401);
}

TEST_F(TeamsTest, RolesDecideWhoManages) {
  auto owner = Account("teamowner");
  auto admin = Account("teamadmin");
  auto member = Account("teammember");
  auto other = Account("teamother");
  const std::string team = NewTeam(owner);
  ASSERT_EQ(Invite(owner, team, admin, "admin"), 201);
  ASSERT_EQ(Invite(owner, team, member), 201);
  // Not yet accepted: the admin cannot manage.
  EXPECT_EQ(Invite(admin, team, other), 403);
  ASSERT_EQ(c_.Post("/v1/teams/" + team + "/accept", json::object(), BearerAuth(admin)).status, 200);
  ASSERT_EQ(c_.Post("/v1/teams/" + team + "/accept", json::object(), BearerAuth(member)).status, 200);
  // A member cannot invite or rename; an admin can, but not grant the owner role.
  EXPECT_EQ(Invite(member, team, other), 403);
  EXPECT_EQ(c_.Patch("/v1/teams/" + team, {{"name", "Renamed"}}, BearerAuth(member)).status, 403);
  auto renamed = c_.Patch("/v1/teams/" + team, {{"name", "Renamed"}}, BearerAuth(admin));
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.Json()["name"], "Renamed");
  EXPECT_EQ(renamed.Json()["role"], "admin");
  EXPECT_EQ(Invite(admin, team, other, "owner"), 403);
  EXPECT_EQ(Invite(admin, team, other, "admin"), 201);
  EXPECT_EQ(c_.Patch("/v1/teams/" + team + "/members/" + member.uuid, {{"role", "owner"}}, BearerAuth(admin)).status,
            403);
  EXPECT_EQ(c_.Patch("/v1/teams/" + team + "/members/" + owner.uuid, {{"role", "member"}}, BearerAuth(admin)).status,
            403);
  // Only an owner deletes; the last owner cannot be demoted or leave.
  EXPECT_EQ(c_.Delete("/v1/teams/" + team, BearerAuth(admin)).status, 403);
  EXPECT_EQ(c_.Patch("/v1/teams/" + team + "/members/" + owner.uuid, {{"role", "admin"}}, BearerAuth(owner)).status,
            409);
  EXPECT_EQ(c_.Delete("/v1/teams/" + team + "/members/" + owner.uuid, BearerAuth(owner)).status, 409);
  auto promoted = c_.Patch("/v1/teams/" + team + "/members/" + member.uuid, {{"role", "owner"}}, BearerAuth(owner));
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(promoted.Json()["role"], "owner");
  EXPECT_EQ(c_.Delete("/v1/teams/" + team + "/members/" + owner.uuid, BearerAuth(owner)).status, 204);
  EXPECT_EQ(c_.Get("/v1/teams/" + team, BearerAuth(owner)).status, 404);
  // An admin removes a member; a member leaves by itself.
  EXPECT_EQ(c_.Delete("/v1/teams/" + team + "/members/" + other.uuid, BearerAuth(admin)).status, 204);
  EXPECT_EQ(c_.Delete("/v1/teams/" + team + "/members/" + admin.uuid, BearerAuth(admin)).status, 204);
  EXPECT_EQ(c_.Delete("/v1/teams/" + team, BearerAuth(member)).status, 204);
  EXPECT_EQ(c_.Get("/v1/teams/" + team, BearerAuth(member)).status, 404);
}

TEST_F(TeamsTest, BadBodiesNameTheField) {
  auto owner = Account("teamowner");
  auto r = c_.Post("/v1/teams", json::object(), BearerAuth(owner));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.Header("Content-Type").find("application/problem+json"), std::string::npos);
  EXPECT_EQ(r.Json()["errors"][0]["field"], "name");
  EXPECT_EQ(c_.Post("/v1/teams", {{"name", "  "}}, BearerAuth(owner)).status, 400);
  EXPECT_EQ(c_.Post("/v1/teams", {{"name", std::string(151, 'x')}}, BearerAuth(owner)).status, 400);
  auto unknown = c_.Post("/v1/teams", {{"name", "A"}, {"colour", "red"}}, BearerAuth(owner));
  EXPECT_EQ(unknown.status, 400);
  const std::string team = NewTeam(owner);
  auto bad_role = c_.Post("/v1/teams/" + team + "/members", {{"account_id", owner.uuid}, {"role", "boss"}}, BearerAuth(owner));
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_EQ(bad_role.Json()["errors"][0]["field"], "role");
  auto nobody = c_.Post("/v1/teams/" + team + "/members", {{"account_id", "00000000-0000-4000-8000-000000000000"}},
                        BearerAuth(owner));
  EXPECT_EQ(nobody.status, 400);
  EXPECT_EQ(nobody.Json()["errors"][0]["field"], "account_id");
}

TEST_F(TeamsTest, ListsArePaged) {
  auto owner = Account("teamowner");
  for (int i = 0; i < 5; ++i) NewTeam(owner, "T" + std::to_string(i));
  std::vector<std::string> names;
  std::string next;
  for (int pages = 0; pages < 5; ++pages) {
    auto r = c_.Get("/v1/teams?limit=2" + (next.empty() ? std::string() : "&cursor=" + next), BearerAuth(owner));
    ASSERT_EQ(r.status, 200) << r.body;
    const json page = r.Json();
    for (const auto& t : page["data"]) names.push_back(t["name"]);
    if (page["next_cursor"].is_null()) break;
    next = page["next_cursor"];
  }
  EXPECT_EQ(names, (std::vector<std::string>{"T0", "T1", "T2", "T3", "T4"}));
  EXPECT_EQ(c_.Get("/v1/teams?limit=0", BearerAuth(owner)).status, 400);
  EXPECT_EQ(c_.Get("/v1/teams?cursor=zz", BearerAuth(owner)).status, 400);
}

}  // namespace
}  // namespace kairos::testing
