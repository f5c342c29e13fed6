#!/usr/bin/python3
"""The busy time Kairos derives from iCalendar data, compared interval for interval over a
year with an independent reading: python-icalendar parses, recurring_ical_events expands
(dateutil's RRULE engine, not libical), and this script applies RFC 5545's busy rules.

  oracle.py TOOL file      the fixture as one .ics file (kairos_busy_tool --ics)
  oracle.py TOOL radicale  the fixture stored in a real Radicale on loopback, one resource
                           per UID, read with Kairos's calendar-query REPORT (--caldav)

Exits non-zero on any difference, printing both lists."""
import base64
import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import icalendar
import pytz
import recurring_ical_events

OWNER = "Europe/Berlin"
FROM = datetime.datetime(2025, 1, 1, tzinfo=pytz.utc)
TO = datetime.datetime(2026, 1, 1, tzinfo=pytz.utc)

# The Berlin VTIMEZONE as clients write it (an RRULE each way).
VTIMEZONE_BERLIN = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

# One entry per UID: its VEVENTs (a master, then its overrides).
EVENTS = {
    # A weekly Monday 09:00 Berlin series across the change to summer time (30 March),
    # one Monday removed (EXDATE) and one moved to Tuesday afternoon (RECURRENCE-ID), the
    # moved one itself after the change.
    "weekly@example.org": [
        """DTSTART;TZID=Europe/Berlin:20250303T090000
DTEND;TZID=Europe/Berlin:20250303T100000
RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20250430T000000Z
EXDATE;TZID=Europe/Berlin:20250317T090000
SUMMARY:Weekly team call""",
        """RECURRENCE-ID;TZID=Europe/Berlin:20250407T090000
DTSTART;TZID=Europe/Berlin:20250408T140000
DTEND;TZID=Europe/Berlin:20250408T150000
SUMMARY:Weekly team call (moved)""",
    ],
    # A daily series with COUNT in New York, across its change to summer time (9 March).
    "daily-ny@example.org": [
        """DTSTART;TZID=America/New_York:20250306T080000
DTEND;TZID=America/New_York:20250306T083000
RRULE:FREQ=DAILY;COUNT=6
SUMMARY:Stand-up with New York""",
    ],
    "transparent@example.org": [
        """DTSTART;TZID=Europe/Berlin:20250312T110000
DTEND;TZID=Europe/Berlin:20250312T120000
TRANSP:TRANSPARENT
SUMMARY:Reminder only""",
    ],
    "cancelled@example.org": [
        """DTSTART;TZID=Europe/Berlin:20250313T110000
DTEND;TZID=Europe/Berlin:20250313T120000
STATUS:CANCELLED
SUMMARY:Called off""",
    ],
    # One day, and three days over the end of summer time (26 October: a 25-hour day).
    "allday@example.org": [
        """DTSTART;VALUE=DATE:20250704
DTEND;VALUE=DATE:20250705
SUMMARY:Holiday""",
    ],
    "allday-dst@example.org": [
        """DTSTART;VALUE=DATE:20251025
DTEND;VALUE=DATE:20251028
SUMMARY:Trip""",
    ],
    "floating@example.org": [
        """DTSTART:20250910T140000
DTEND:20250910T153000
SUMMARY:Dentist (floating)""",
    ],
    "kolkata@example.org": [
        """DTSTART;TZID=Asia/Kolkata:20250415T100000
DTEND;TZID=Asia/Kolkata:20250415T113000
SUMMARY:Call with Kolkata""",
    ],
    "rdate@example.org": [
        """DTSTART:20250601T090000Z
DTEND:20250601T100000Z
RDATE:20250603T090000Z,20250610T130000Z
SUMMARY:Extra dates""",
    ],
    "duration@example.org": [
        """DTSTART;TZID=Europe/Berlin:20251105T160000
DURATION:PT1H30M
SUMMARY:Ninety minutes""",
    ],
    "utc@example.org": [
        """DTSTART:20251201T120000Z
DTEND:20251201T130000Z
SUMMARY:Plain UTC""",
    ],
    # Kairos's own booking, pushed earlier: already blocked by the booking itself.
    "0b7e4e52-3c1d-4a5e-9f10-2a3b4c5d6e7f@kairos": [
        """DTSTART:20250505T120000Z
DTEND:20250505T130000Z
SUMMARY:Booked through Kairos""",
    ],
}


def vevent(uid, body):
    return "BEGIN:VEVENT\nUID:%s\nDTSTAMP:20250101T000000Z\n%s\nEND:VEVENT\n" % (uid, body)


def calendar(uids):
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Kairos tests//busy oracle//EN\n" + VTIMEZONE_BERLIN
    for uid in uids:
        text += "".join(vevent(uid, body) for body in EVENTS[uid])
    text += "END:VCALENDAR\n"
    return text.replace("\n", "\r\n")


def is_kairos_uid(uid):
    for prefix in ("", "meeting-"):
        rest = uid[len(prefix):-len("@kairos")] if uid.startswith(prefix) and uid.endswith("@kairos") else ""
        parts = rest.split("-")
        if [len(p) for p in parts] == [8, 4, 4, 4, 12] and all(
                c in "0123456789abcdefABCDEF" for c in "".join(parts)):
            return True
    return False


def to_utc(value, owner):
    """A DTSTART/DTEND value as an aware UTC datetime: floating times and dates in the owner's zone."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = owner.localize(value)
    return value.astimezone(pytz.utc)


def expected(ics_text):
    """RFC 5545's busy time, independently of Kairos: merged, clipped UTC intervals."""
    owner = pytz.timezone(OWNER)
    cal = icalendar.Calendar.from_ical(ics_text)
    intervals = []
    for ev in recurring_ical_events.of(cal).between(FROM - datetime.timedelta(days=2), TO + datetime.timedelta(days=2)):
        if is_kairos_uid(str(ev.get("UID"))):
            continue
        if str(ev.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(ev.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = to_utc(ev["DTSTART"].dt, owner)
        end = to_utc(ev["DTEND"].dt, owner)
        start, end = max(start, FROM), min(end, TO)
        if start < end:
            intervals.append((start, end))
    intervals.sort()
    merged = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return ["%s %s" % (s.strftime("%Y-%m-%dT%H:%M:%SZ"), e.strftime("%Y-%m-%dT%H:%M:%SZ")) for s, e in merged]


def kairos(tool, source_flag, source, extra=()):
    out = subprocess.run([tool, "--zone", OWNER, "--from", "2025-01-01T00:00:00Z", "--to", "2026-01-01T00:00:00Z",
                          source_flag, source, *extra], capture_output=True, text=True, timeout=60)
    sys.stderr.write(out.stderr)
    if out.returncode != 0:
        sys.exit("kairos_busy_tool failed (%d)" % out.returncode)
    return out.stdout.split("\n")[:-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


USER, PASSWORD = "owner", "secret-pw"  # Radicale's "none" auth takes any password


def request(method, url, body=None, headers=None):
    headers = dict(headers or {})
    headers["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
    req = urllib.request.Request(url, data=body.encode() if body is not None else None, method=method,
                                 headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


def radicale_url(workdir):
    """Starts Radicale on loopback, stores the fixture one resource per UID; returns the
    collection URL and the process."""
    port = free_port()
    log = open(os.path.join(workdir, "radicale.log"), "w")
    proc = subprocess.Popen(["/usr/bin/python3", "-m", "radicale", "--server-hosts", "127.0.0.1:%d" % port,
                             "--storage-filesystem-folder", os.path.join(workdir, "radicale"),
                             "--auth-type", "none"], stdout=log, stderr=log)
    base = "http://127.0.0.1:%d" % port
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                sys.exit("Radicale did not start:\n" + open(os.path.join(workdir, "radicale.log")).read())
            time.sleep(0.05)
    url = base + "/%s/busy/" % USER
    request("MKCALENDAR", url)
    for uid in EVENTS:
        name = "".join(c if c.isalnum() else "-" for c in uid) + ".ics"
        request("PUT", url + name, calendar([uid]), {"Content-Type": "text/calendar; charset=utf-8"})
    return url, proc


def main():
    tool, mode = sys.argv[1], sys.argv[2]
    fixture = calendar(EVENTS)
    want = expected(fixture)
    # The oracle itself must see what the fixture is about, or the comparison proves little.
    for line in ["2025-03-03T08:00:00Z 2025-03-03T09:00:00Z",   # before the change: 09:00 CET
                 "2025-03-31T07:00:00Z 2025-03-31T08:00:00Z",   # after it: 09:00 CEST
                 "2025-04-08T12:00:00Z 2025-04-08T13:00:00Z",   # the moved instance
                 "2025-03-10T12:00:00Z 2025-03-10T12:30:00Z",   # New York after its change
                 "2025-07-03T22:00:00Z 2025-07-04T22:00:00Z",   # the owner's local day
                 "2025-10-24T22:00:00Z 2025-10-27T23:00:00Z",   # three days, one of 25 hours
                 "2025-09-10T12:00:00Z 2025-09-10T13:30:00Z"]:  # floating, on the owner's clock
        assert line in want, "oracle lacks " + line
    for absent in ["2025-03-17T08:00:00Z", "2025-04-07T07:00:00Z", "2025-03-12T10:00:00Z",
                   "2025-03-13T10:00:00Z", "2025-05-05T12:00:00Z"]:
        assert not any(w.startswith(absent) for w in want), "oracle holds " + absent
    with tempfile.TemporaryDirectory() as workdir:
        if mode == "file":
            path = os.path.join(workdir, "fixture.ics")
            with open(path, "w", newline="") as f:
                f.write(fixture)
            got = kairos(tool, "--ics", path)
        else:
            url, proc = radicale_url(workdir)
            try:
                got = kairos(tool, "--caldav", url, ("--user", USER, "--password", PASSWORD))
            finally:
                proc.terminate()
                proc.wait(timeout=10)
    if got != want:
        print("Kairos and the oracle differ.\n--- oracle (python-icalendar + recurring_ical_events)")
        print("\n".join(want))
        print("--- Kairos")
        print("\n".join(got))
        return 1
    print("%d busy intervals, identical (%s)" % (len(got), mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
