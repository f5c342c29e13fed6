#!/usr/bin/python3
"""Reads a free/busy feed (a file) the way calendar software does and prints what it says.

Two independent parsers from Debian: python-icalendar and python-vobject (the parser
Radicale uses). Both must read the same periods; the file's lines must end in CRLF and be
at most 75 octets. Prints JSON: {"method", "uid", "dtstart", "dtend", "organizer",
"busy": [[start, end], ...], "tentative": [...]}, instants as "YYYYMMDDTHHMMSSZ".
Exits non-zero, with the reason on stderr, when the file is not valid.
"""
import datetime
import json
import sys

import icalendar
import vobject


def utc(value):
    if not isinstance(value, datetime.datetime) or value.tzinfo is None:
        raise SystemExit(f"not a UTC date-time: {value!r}")
    return value.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def main():
    raw = open(sys.argv[1], "rb").read()
    if not raw.endswith(b"\r\n") or b"\n" in raw.replace(b"\r\n", b""):
        raise SystemExit("lines must end in CRLF")
    for line in raw.split(b"\r\n"):
        if len(line) > 75:
            raise SystemExit(f"line longer than 75 octets: {line!r}")

    cal = icalendar.Calendar.from_ical(raw)
    fbs = [c for c in cal.walk() if c.name == "VFREEBUSY"]
    if len(fbs) != 1:
        raise SystemExit(f"expected one VFREEBUSY, found {len(fbs)}")
    fb = fbs[0]
    out = {"method": str(cal.get("METHOD")), "uid": str(fb.get("UID")),
           "dtstamp": utc(fb.decoded("DTSTAMP")), "dtstart": utc(fb.decoded("DTSTART")),
           "dtend": utc(fb.decoded("DTEND")), "organizer": str(fb.get("ORGANIZER", "")),
           "busy": [], "tentative": []}
    lines = fb.get("FREEBUSY", [])
    if not isinstance(lines, list):
        lines = [lines]
    for prop in lines:
        kind = {"BUSY": "busy", "BUSY-TENTATIVE": "tentative"}[prop.params.get("FBTYPE", "BUSY")]
        out[kind].append([utc(prop.start), utc(prop.end)])
    # One period per FREEBUSY line, as explicit start/end.
    for line in raw.replace(b"\r\n ", b"").split(b"\r\n"):
        if line.startswith(b"FREEBUSY") and b"," in line.split(b":", 1)[1]:
            raise SystemExit(f"more than one period on a line: {line!r}")

    # The second reader: vobject's own parse of the same bytes.
    vcal = vobject.readOne(raw.decode("utf-8"))
    seen = []
    for prop in vcal.vfreebusy.contents.get("freebusy", []):
        for start, end in prop.value:
            kind = {"BUSY": "busy", "BUSY-TENTATIVE": "tentative"}[prop.params.get("FBTYPE", ["BUSY"])[0]]
            seen.append([kind, utc(start), utc(end)])
    mine = [[k, s, e] for k in ("busy", "tentative") for s, e in out[k]]
    if sorted(seen) != sorted(mine):
        raise SystemExit(f"vobject reads {seen}, icalendar {mine}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
