#include "kairos/store/teams_schema.hpp"

namespace kairos::store {
namespace {

std::string Schema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
CREATE TABLE teams (
  id          )sql" + id + R"sql(,
  uuid        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  created_by  )sql" + big + R"sql( REFERENCES accounts(id) ON DELETE SET NULL,
  created_at  )sql" + big + R"sql( NOT NULL,
  updated_at  )sql" + big + R"sql( NOT NULL
);

-- A member is invited (accepted_at NULL) until the invited account accepts. Roles: owner
-- (every right, at least one per team), admin (members and event types), member.
CREATE TABLE team_members (
  id          )sql" + id + R"sql(,
  team_id     )sql" + big + R"sql( NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  account_id  )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  invited_by  )sql" + big + R"sql( REFERENCES accounts(id) ON DELETE SET NULL,
  invited_at  )sql" + big + R"sql( NOT NULL,
  accepted_at )sql" + big + R"sql(,
  UNIQUE (team_id, account_id)
);
CREATE INDEX team_members_account ON team_members(account_id, team_id);

-- The hosts of a collective or round-robin event type, in the order given.
CREATE TABLE event_type_hosts (
  id             )sql" + id + R"sql(,
  event_type_id  )sql" + big + R"sql( NOT NULL REFERENCES event_types(id) ON DELETE CASCADE,
  account_id     )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  position       )sql" + big + R"sql( NOT NULL,
  mandatory      )sql" + big + R"sql( NOT NULL DEFAULT 0 CHECK (mandatory IN (0, 1)),
  weight         )sql" + big + R"sql( NOT NULL DEFAULT 100 CHECK (weight BETWEEN 1 AND 10000),
  UNIQUE (event_type_id, account_id)
);
CREATE INDEX event_type_hosts_account ON event_type_hosts(account_id);

ALTER TABLE event_types ADD COLUMN scheduling TEXT NOT NULL DEFAULT 'individual'
  CHECK (scheduling IN ('individual', 'collective', 'round_robin'));
ALTER TABLE event_types ADD COLUMN team_id )sql" + big + R"sql( REFERENCES teams(id);
CREATE INDEX event_types_team ON event_types(team_id);

-- A team booking is one booking row per host calendar it holds: the first (the one the
-- API names) and, for each other host, a row here naming that host's booking row.
CREATE TABLE team_booking_hosts (
  booking_id       )sql" + big + R"sql( NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  host_booking_id  )sql" + big + R"sql( NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  account_id       )sql" + big + R"sql( NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  PRIMARY KEY (booking_id, host_booking_id)
);
CREATE INDEX team_booking_hosts_host ON team_booking_hosts(host_booking_id);
)sql";
}

}  // namespace

Migration TeamsMigration() { return {11, "teams, team members, event type hosts", Schema(false), Schema(true)}; }

}  // namespace kairos::store
