// Migration 8. Face 004 names consultants and users by small numbers of its own:
// face004_consultants maps a consultant number to a coach account, face004_users a user
// number to a client account. Numbers are handed out by the database when an account is
// created with, or first given, that role (a trigger on accounts), so every path that
// makes a coach or a client (any face's sign-up, the command line, face 004 itself)
// numbers it in the same transaction, in creation order, and concurrent creations can
// never take one number twice. A number is never reused or moved: an account that stops
// being a coach keeps its row (face 004 then no longer finds it), and gets the same
// number back if it becomes a coach again. Existing accounts are numbered in id order.
#include "kairos/store/consultants_schema.hpp"

#include <string>

namespace kairos::store {
namespace {

// What both SQLite triggers do: number the account for its role unless it has a number.
const std::string kSqliteNumberAccount = R"sql(
BEGIN
  INSERT INTO face004_consultants (account_id) SELECT NEW.id
    WHERE NEW.role = 'coach' AND NOT EXISTS (SELECT 1 FROM face004_consultants WHERE account_id = NEW.id);
  INSERT INTO face004_users (account_id) SELECT NEW.id
    WHERE NEW.role = 'client' AND NOT EXISTS (SELECT 1 FROM face004_users WHERE account_id = NEW.id);
END;
)sql";

// SQLite hands an INTEGER PRIMARY KEY the largest value plus one, under its single writer.
const std::string kSqlite = R"sql(
CREATE TABLE face004_consultants (
  consultant_no INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE
);
CREATE TABLE face004_users (
  user_no    INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE
);
INSERT INTO face004_consultants (account_id) SELECT id FROM accounts WHERE role = 'coach' ORDER BY id;
INSERT INTO face004_users (account_id) SELECT id FROM accounts WHERE role = 'client' ORDER BY id;
CREATE TRIGGER face004_number_new_account AFTER INSERT ON accounts)sql" + kSqliteNumberAccount + R"sql(
CREATE TRIGGER face004_number_new_role AFTER UPDATE OF role ON accounts)sql" + kSqliteNumberAccount;

// PostgreSQL draws the numbers from sequences, which concurrent transactions never share
// (a transaction that rolls back after drawing one leaves a gap). The existence check
// keeps a role update from drawing a number it does not use; the account row's lock
// orders two updates of one account, and ON CONFLICT covers whatever slips between.
const char* const kPostgres = R"sql(
CREATE TABLE face004_consultants (
  consultant_no BIGSERIAL PRIMARY KEY,
  account_id    BIGINT NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE
);
CREATE TABLE face004_users (
  user_no    BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE
);
INSERT INTO face004_consultants (account_id) SELECT id FROM accounts WHERE role = 'coach' ORDER BY id;
INSERT INTO face004_users (account_id) SELECT id FROM accounts WHERE role = 'client' ORDER BY id;
CREATE FUNCTION face004_number_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.role = 'coach' AND NOT EXISTS (SELECT 1 FROM face004_consultants WHERE account_id = NEW.id) THEN
    INSERT INTO face004_consultants (account_id) VALUES (NEW.id) ON CONFLICT (account_id) DO NOTHING;
  ELSIF NEW.role = 'client' AND NOT EXISTS (SELECT 1 FROM face004_users WHERE account_id = NEW.id) THEN
    INSERT INTO face004_users (account_id) VALUES (NEW.id) ON CONFLICT (account_id) DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER face004_number_new_account AFTER INSERT ON accounts
  FOR EACH ROW EXECUTE FUNCTION face004_number_account();
CREATE TRIGGER face004_number_new_role AFTER UPDATE OF role ON accounts
  FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role) EXECUTE FUNCTION face004_number_account();
)sql";

}  // namespace

Migration ConsultantNumbersMigration() { return {8, "face 004 consultant and user numbers", kSqlite, kPostgres}; }

}  // namespace kairos::store
