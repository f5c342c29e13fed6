#!/usr/bin/python3
"""Loads the side-by-side benchmark's fixtures into a running Kairos through its HTTP API
(the same shapes the side-by-side benchmark gives the original services of seeds 002 and
004, written out here: nothing is read from outside the project) and
writes the ids and tokens the wrk scripts need to STATE_DIR: fixtures.json, fixtures.lua
(read by bench/faces/*.lua), fixtures.env (shell), and one sequence file per write workload.

usage: faces_fixtures.py BASE_URL STATE_DIR

Face 002: eight signed-up users; "lister" organises 50 meetings (from 2030-06-01 09:00,
one a day, each with "lp"); "avail" has two meetings and three blocked hours on
2030-07-15. Face 004: 5 read consultants with windows 09-10 and 14-15 every day of March
2031; 40 reservation consultants with 96 windows of 14 minutes (every quarter hour) a day
for FACES_RES_DAYS days (default 32) from 2032-01-01; 40 write consultants with none; one
user who reserves. Every answer is checked; any unexpected status stops the load.
"""
import datetime as dt
import http.client
import json
import os
import sys
import threading
import urllib.parse

PASSWORD = 'Bench@12345'
READ_CONSULTANTS, RESERVE_CONSULTANTS, WRITE_CONSULTANTS = 5, 40, 40
READ_MONTH = (2031, 3)
RESERVE_FIRST = dt.date(2032, 1, 1)
RESERVE_DAYS = int(os.environ.get('FACES_RES_DAYS', '32'))
LIST_FIRST = dt.datetime(2030, 6, 1, 9)
AVAIL_DATE = '2030-07-15'
LOADERS = 6  # concurrent connections creating windows


class Api:
    """One keep-alive connection; every call checks the status it expects."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, method, path, body=None, token=None, expect=(200, 201)):
        headers = {'Content-Type': 'application/json'}
        if token:
            headers['Authorization'] = 'Token ' + token
        payload = None if body is None else json.dumps(body)
        for attempt in (1, 2):  # one reconnect if the server closed an idle connection
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                if attempt == 2:
                    raise
        if resp.status not in expect:
            sys.exit(f'faces_fixtures: {method} {path} {payload} answered {resp.status}: {raw[:300]!r}')
        return json.loads(raw) if raw else None


def quarter_hour_windows(day):
    """The 96 windows of 14 minutes that start on each quarter hour of `day`."""
    for q in range(96):
        s, e = q * 15, q * 15 + 14
        yield day.isoformat(), f'{s // 60:02d}:{s % 60:02d}:00', f'{e // 60:02d}:{e % 60:02d}:00'


def read_month_windows():
    y, m = READ_MONTH
    day = dt.date(y, m, 1)
    while day.month == m:
        yield day.isoformat(), '09:00:00', '10:00:00'
        yield day.isoformat(), '14:00:00', '15:00:00'
        day += dt.timedelta(days=1)


def load_meetings_face(api):
    users = {}
    for name in ('org', 'p1', 'p2', 'lister', 'lp', 'avail', 'ap', 'blocker'):
        email = f'{name}@bench.test'
        api.call('POST', '/api/user/sign_up/', {'username': name, 'email': email, 'password': PASSWORD})
        token = api.call('POST', '/api/user/login/', {'username': name, 'password': PASSWORD})['auth_token']
        users[name] = {'email': email, 'token': token}
    for k in range(50):
        slot = (LIST_FIRST + dt.timedelta(days=k)).strftime('%Y-%m-%d %H:%M:%S')
        api.call('POST', '/api/event/', {'title': f'list {k}', 'time_slot': slot, 'description': 'fixture',
                                         'participants': [users['lp']['email']]}, users['lister']['token'], (201,))
    for hour in (12, 14):
        api.call('POST', '/api/event/', {'title': f'busy {hour}', 'time_slot': f'{AVAIL_DATE} {hour}:00:00',
                                         'description': 'fixture', 'participants': [users['ap']['email']]},
                 users['avail']['token'], (201,))
    api.call('POST', '/api/user/block_slots/', {'date': AVAIL_DATE, 'blocked_slots': [10, 15, 17]},
             users['avail']['token'])
    day = api.call('GET', f'/api/user/get_available_slots/?date={AVAIL_DATE}', token=users['avail']['token'])
    print('face 002: get_available_slots on the fixture day:', json.dumps(day)[:300], flush=True)
    return users


def load_consultants_face(base, api):
    def create(path, n, tag):
        return [api.call('POST', path, {'first_name': f'{tag}{k}', 'last_name': 'Bench'}, expect=(201,))['id']
                for k in range(n)]
    ids = {'read': create('/consultant/', READ_CONSULTANTS, 'read'),
           'reserve': create('/consultant/', RESERVE_CONSULTANTS, 'res'),
           'write': create('/consultant/', WRITE_CONSULTANTS, 'wr'),
           'user': create('/user/', 1, 'client')[0]}
    jobs = [(c, w) for c in ids['read'] for w in read_month_windows()]
    for c in ids['reserve']:
        for k in range(RESERVE_DAYS):
            jobs += [(c, w) for w in quarter_hour_windows(RESERVE_FIRST + dt.timedelta(days=k))]
    print(f'face 004: creating {len(jobs)} availability windows through the API', flush=True)
    failures = []

    def load(part):
        conn = Api(base)
        try:
            for c, (day, start, end) in part:
                conn.call('POST', f'/consultants/{c}/availabilities/',
                          {'date': day, 'start_time': start, 'end_time': end}, expect=(201,))
        except SystemExit as e:
            failures.append(str(e))
    threads = [threading.Thread(target=load, args=(jobs[k::LOADERS],)) for k in range(LOADERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        sys.exit(failures[0])
    return ids


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, state = sys.argv[1], sys.argv[2]
    api = Api(base)
    users = load_meetings_face(api)
    ids = load_consultants_face(base, api)
    fixtures = {'TOK_ORG': users['org']['token'], 'TOK_LIST': users['lister']['token'],
                'TOK_AVAIL': users['avail']['token'], 'TOK_BLOCK': users['blocker']['token'],
                'P1': users['p1']['email'], 'P2': users['p2']['email'], 'AVAIL_DATE': AVAIL_DATE,
                'READ_CONS': ids['read'], 'RES_CONS': ids['reserve'], 'WR_CONS': ids['write'],
                'RES_USER': ids['user'], 'RES_DAYS': RESERVE_DAYS}
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, 'fixtures.json'), 'w') as f:
        json.dump(fixtures, f)
    with open(os.path.join(state, 'fixtures.lua'), 'w') as f:
        for k, v in fixtures.items():
            f.write(f'{k} = ' + ('{' + ','.join(map(str, v)) + '}' if isinstance(v, list) else json.dumps(v)) + '\n')
    with open(os.path.join(state, 'fixtures.env'), 'w') as f:
        for k, v in fixtures.items():
            f.write(f'{k}={v[0] if isinstance(v, list) else v}\n')
    print('fixtures loaded:', {k: (f'{len(v)} ids' if isinstance(v, list) else v)
                               for k, v in fixtures.items() if not k.startswith('TOK')}, flush=True)


if __name__ == '__main__':
    main()
