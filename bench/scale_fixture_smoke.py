#!/usr/bin/python3
"""bench.scale_fixture_smoke: kairos_scale_fixture at a tiny size on a database the real
server made, checked against the database itself.

usage: scale_fixture_smoke.py KAIROS_BINARY SCALE_FIXTURE_BINARY

Starts kairos on a fresh SQLite file, makes one face 004 consultant with windows in March
2031 and one face 002 account (both "existing" to the generator), reads the consultant's
March and the view across consultants of 2031-03-10, stops the server, grows the database
by 50 calendars and 2,000 bookings (20 for each existing calendar), then checks that the
counts the generator printed are what the database holds, that the rows are where the
generator's contract puts them, and that the restarted server answers both reads 200 with
the same bodies as before.
"""
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

CALENDARS, BOOKINGS, PER_EXISTING = 50, 2000, 20
failures = []


def check(ok, what):
    print(('ok   ' if ok else 'FAIL ') + what)
    if not ok:
        failures.append(what)


class Server:
    def __init__(self, binary, db, work):
        port_file = os.path.join(work, 'port')
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.log = open(os.path.join(work, 'kairos.log'), 'ab')
        self.proc = subprocess.Popen([binary, 'serve', '--listen', '127.0.0.1:0', '--db', db, '--port-file', port_file,
                                      '--calendar-key-file', os.path.join(work, 'key'), '--no-access-log'],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(400):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if self.proc.poll() is not None:
                sys.exit('kairos exited at start; see ' + self.log.name)
            time.sleep(0.05)
        self.port = int(open(port_file).read())

    def call(self, method, path, body=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=30)
        conn.request(method, path, body=None if body is None else json.dumps(body),
                     headers={'Content-Type': 'application/json'})
        resp = conn.getresponse()
        raw = resp.read()
        conn.close()
        return resp.status, raw

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


def main():
    kairos, generator = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix='kairos-scale-smoke-')
    db = os.path.join(work, 'smoke.db')
    reads = ['/consultant/1/availability/?start_date=2031-03-01&end_date=2031-03-31',
             '/consultants/availabilities/2031-03-10/']

    server = Server(kairos, db, work)
    status, raw = server.call('POST', '/consultant/', {'first_name': 'Read', 'last_name': 'Smoke'})
    check(status == 201 and json.loads(raw)['id'] == 1, f'consultant 1 created ({status})')
    for day in ('2031-03-09', '2031-03-10'):
        status, _ = server.call('POST', '/consultants/1/availabilities/',
                                {'date': day, 'start_time': '09:00:00', 'end_time': '10:00:00'})
        check(status == 201, f'a window on {day} ({status})')
    status, _ = server.call('POST', '/api/user/sign_up/',
                            {'username': 'smoke', 'email': 'smoke@bench.test', 'password': 'Bench@12345'})
    check(status in (200, 201), f'face 002 account signed up ({status})')
    before = {}
    for path in reads:
        status, before[path] = server.call('GET', path)
        check(status == 200 and b'2031-03-10' in before[path], f'GET {path} before: {status}')
    server.stop()

    run = subprocess.run([generator, '--db', db, '--calendars', str(CALENDARS), '--bookings', str(BOOKINGS),
                          '--per-existing', str(PER_EXISTING)], capture_output=True, text=True, timeout=120)
    print(run.stdout, run.stderr, sep='')
    check(run.returncode == 0, f'kairos_scale_fixture exited {run.returncode}')
    said = {m.group(1): int(m.group(2)) for m in re.finditer(r'^(added \w+|total \w+|overlapping active bookings) (\d+)$',
                                                            run.stdout, re.M)}

    q = sqlite3.connect(db)
    one = lambda sql, *args: q.execute(sql, args).fetchone()[0]
    for table in ('calendars', 'bookings', 'availability_windows', 'meetings', 'accounts'):
        check(said.get(f'total {table}') == one(f'SELECT count(*) FROM {table}'),
              f'total {table}: printed {said.get(f"total {table}")}, database {one(f"SELECT count(*) FROM {table}")}')
    check(said.get('added calendars') == CALENDARS, f'added calendars {said.get("added calendars")} = {CALENDARS}')
    check(said.get('added bookings') == BOOKINGS == one('SELECT count(*) FROM bookings'),
          f'added bookings {said.get("added bookings")} = {BOOKINGS} = the bookings in the database')
    check(one('SELECT count(*) FROM calendars') == CALENDARS + 1, 'the existing calendar plus those added')
    overlaps = one("""SELECT count(*) FROM (SELECT start_at, lag(end_at) OVER (PARTITION BY calendar_id
                      ORDER BY start_at) AS previous_end FROM bookings
                      WHERE status IN ('pending', 'confirmed', 'active')) WHERE previous_end > start_at""")
    check(said.get('overlapping active bookings') == 0 == overlaps, f'no overlapping active bookings ({overlaps})')
    first, last = q.execute('SELECT min(start_at), max(end_at) FROM bookings').fetchone()
    check(first >= 1909094400 and last <= 1972252800, 'every booking within 2030-07-01 .. 2032-06-30')
    # The existing calendars: face 004 consultant 1 and the face 002 account.
    cons_calendar = one("SELECT c.id FROM face004_consultants f JOIN calendars c ON c.owner_account_id = f.account_id "
                        "WHERE f.consultant_no = 1")
    user_calendar = one("SELECT c.id FROM accounts a JOIN calendars c ON c.owner_account_id = a.id "
                        "WHERE a.username = 'smoke'")
    check(one('SELECT count(*) FROM bookings WHERE calendar_id = ? AND face = ?', cons_calendar, 'consultant')
          == PER_EXISTING, f'consultant 1 has {PER_EXISTING} reservations')
    check(one('SELECT count(*) FROM bookings WHERE calendar_id = ? AND window_id IS NOT NULL', cons_calendar)
          == PER_EXISTING, 'each in a window')
    check(one('SELECT count(*) FROM bookings WHERE calendar_id = ? AND face = ?', user_calendar, 'meeting')
          == PER_EXISTING, f'the face 002 account has {PER_EXISTING} meetings')
    check(one("SELECT count(*) FROM availability_windows WHERE local_date LIKE '2031-03-%'") == 2,
          'no window added in March 2031 (what the views across consultants read)')
    check(one("""SELECT count(*) FROM bookings b JOIN availability_windows w ON w.id = b.window_id
                 WHERE b.start_at <> w.start_at OR b.end_at <> w.end_at""") == 0, 'each reservation fills its window')
    check(one("""SELECT count(*) FROM bookings b JOIN meetings m ON m.id = b.meeting_id
                 WHERE b.start_at <> m.start_at OR b.end_at <> m.end_at""") == 0, 'each meeting booking at its hour')
    check(one('SELECT count(*) FROM bookings WHERE face = ? AND meeting_id IS NULL', 'meeting') == 0,
          'every meeting booking names its meeting')
    q.close()

    server = Server(kairos, db, work)
    for path in reads:
        status, after = server.call('GET', path)
        check(status == 200 and after == before[path], f'GET {path} after: {status}, same body as before')
    status, _ = server.call('GET', '/consultant/2/availability/?start_date=2030-07-01&end_date=2030-09-28')
    check(status == 200, f'a generated consultant reads 200 ({status})')
    server.stop()
    if failures:
        sys.exit(f'{len(failures)} check(s) failed; files in {work}')
    subprocess.run(['rm', '-rf', work], check=True)


if __name__ == '__main__':
    main()
