"""Writes a 100-host round-robin event type into a migrated Kairos SQLite database.

Every host: an account, a personal calendar, a schedule (Monday to Friday 09:00-17:00 in
America/New_York) and 200 30-minute bookings in March 2030 inside those hours (face
"coach"). The team's owner is the first host. Prints the event type's id. Every run
writes the same data, ids included, so tests/team_slots_answer_test.cpp can compare the
answer byte for byte with the one it recorded.
"""
import random
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

HOSTS = 100
BOOKINGS = 200


def new_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def main(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    rng = random.Random(7)
    zone = ZoneInfo("America/New_York")
    accounts = []
    for i in range(HOSTS):
        name = f"host{i}"
        cur = db.execute(
            "INSERT INTO accounts (uuid, username, username_key, email, email_key, first_name, last_name, role, "
            "timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'Host', ?, 'coach', 'America/New_York', 0, 0)",
            (new_uuid(rng), name, name, f"{name}@example.com", f"{name}@example.com", str(i)))
        accounts.append(cur.lastrowid)
    team = db.execute("INSERT INTO teams (uuid, name, created_by, created_at, updated_at) VALUES (?, 'Sales', ?, 0, 0)",
                      (new_uuid(rng), accounts[0])).lastrowid
    schedules = []
    for i, a in enumerate(accounts):
        db.execute("INSERT INTO team_members (team_id, account_id, role, invited_by, invited_at, accepted_at) "
                   "VALUES (?, ?, ?, ?, 0, 0)", (team, a, "owner" if i == 0 else "member", accounts[0]))
        s = db.execute("INSERT INTO schedules (uuid, owner_account_id, name, time_zone, created_at, updated_at) "
                       "VALUES (?, ?, 'Hours', 'America/New_York', 0, 0)", (new_uuid(rng), a)).lastrowid
        schedules.append(s)
        for day in range(1, 6):
            db.execute("INSERT INTO schedule_weekly (schedule_id, position, iso_weekday, start_second, end_second) "
                       "VALUES (?, ?, ?, ?, ?)", (s, day - 1, day, 9 * 3600, 17 * 3600))
        cal = db.execute("INSERT INTO calendars (uuid, owner_account_id, kind, timezone, capacity, created_at, "
                         "updated_at) VALUES (?, ?, 'personal', 'America/New_York', 1, 0, 0)",
                         (new_uuid(rng), a)).lastrowid
        weekdays = [d for d in range(1, 32) if datetime(2030, 3, d).isoweekday() <= 5]
        for _ in range(BOOKINGS):
            day = rng.choice(weekdays)
            start = datetime(2030, 3, day, 9, tzinfo=zone) + timedelta(minutes=30 * rng.randrange(16))
            t = int(start.timestamp())
            db.execute("INSERT INTO bookings (uuid, calendar_id, face, start_at, end_at, units, status, created_at, "
                       "updated_at) VALUES (?, ?, 'coach', ?, ?, 1, 'confirmed', 0, 0)",
                       (new_uuid(rng), cal, t, t + 1800))
    event_type = new_uuid(rng)
    et = db.execute(
        "INSERT INTO event_types (uuid, owner_account_id, slug, title, duration_minutes, schedule_id, is_public, "
        "scheduling, team_id, created_at, updated_at) VALUES (?, ?, 'sales', 'Sales call', 30, ?, 1, 'round_robin', ?, "
        "0, 0)", (event_type, accounts[0], schedules[0], team)).lastrowid
    for i, a in enumerate(accounts):
        db.execute("INSERT INTO event_type_hosts (event_type_id, account_id, position, mandatory, weight) "
                   "VALUES (?, ?, ?, 0, 100)", (et, a, i))
    db.commit()
    print(event_type)


if __name__ == "__main__":
    main(sys.argv[1])
