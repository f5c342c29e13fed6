"""Parses an iCalendar file with python-icalendar and prints its events as JSON, after
checking the RFC 5545 framing python-icalendar forgives: CRLF line ends and lines of at
most 75 octets. Usage: ics_tool.py FILE"""
import json
import sys

import icalendar

data = open(sys.argv[1], "rb").read()
problems = []
if not data.endswith(b"\r\n"):
    problems.append("does not end in CRLF")
for i, line in enumerate(data.split(b"\r\n")):
    if b"\n" in line or b"\r" in line:
        problems.append(f"line {i}: bare LF or CR")
    if len(line) > 75:
        problems.append(f"line {i}: {len(line)} octets")
cal = icalendar.Calendar.from_ical(data)
out = []
for ev in cal.walk("VEVENT"):
    attendees = ev.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "STATUS", "SUMMARY"):
        if prop not in ev:
            problems.append(f"{ev.get('UID')}: {prop} missing")
    out.append({
        "uid": str(ev.get("UID")),
        "start": ev.decoded("DTSTART").strftime("%Y-%m-%dT%H:%M:%S%z"),
        "end": ev.decoded("DTEND").strftime("%Y-%m-%dT%H:%M:%S%z"),
        "sequence": int(ev.get("SEQUENCE", -1)),
        "status": str(ev.get("STATUS", "")),
        "summary": str(ev.get("SUMMARY", "")),
        "description": str(ev.get("DESCRIPTION", "")),
        "url": str(ev.get("URL", "")),
        "organizer": str(ev.get("ORGANIZER", "")),
        "attendees": len(attendees),
    })
print(json.dumps({"events": out, "problems": problems, "calname": str(cal.get("X-WR-CALNAME", "")),
                  "method": str(cal.get("METHOD", ""))}))
