"""python-caldav as an independent CalDAV client for the tests.
  caldav_tool.py make URL USER   creates the calendar collection at URL
  caldav_tool.py dump URL USER   prints the collection's events as JSON"""
import json
import sys

import caldav

cmd, url, user = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password="secret-pw")
if cmd == "make":
    client.mkcalendar(url)
    print("{}")
    sys.exit(0)
calendar = caldav.Calendar(client=client, url=url)
out = []
for obj in calendar.events():
    for ev in obj.icalendar_instance.walk("VEVENT"):
        out.append({
            "uid": str(ev.get("UID")),
            "start": ev.decoded("DTSTART").strftime("%Y-%m-%dT%H:%M:%S%z"),
            "end": ev.decoded("DTEND").strftime("%Y-%m-%dT%H:%M:%S%z"),
            "sequence": int(ev.get("SEQUENCE", -1)),
            "status": str(ev.get("STATUS", "")),
            "summary": str(ev.get("SUMMARY", "")),
            "description": str(ev.get("DESCRIPTION", "")),
        })
print(json.dumps(out))
