"""python-caldav as an independent CalDAV client for the tests.
  caldav_tool.py make URL USER   creates the calendar collection at URL
  caldav_tool.py dump URL USER   prints the collection's events as JSON

Besides the decoded values, each event reports what the stored resource says itself:
its calendar's METHOD, the TZID of DTSTART, the VTIMEZONEs it carries, DTSTART and DTEND
resolved to UTC through the resource's own VTIMEZONE (not the system's zone data), and
its ORGANIZER and ATTENDEEs."""
import json
import sys
from datetime import timezone

import caldav

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def own_utc(prop, cal):
    """The property's instant in UTC, a TZID resolved only by the VTIMEZONE in `cal`;
    None when the resource lacks that VTIMEZONE."""
    dt = prop.dt
    tzid = prop.params.get("TZID")
    if tzid is None:
        return dt.astimezone(timezone.utc).strftime(UTC_FORMAT)
    for vtz in cal.walk("VTIMEZONE"):
        if str(vtz["TZID"]) == tzid:
            local = vtz.to_tz().localize(dt.replace(tzinfo=None))
            return local.astimezone(timezone.utc).strftime(UTC_FORMAT)
    return None


def address(prop):
    email = str(prop)
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:"):]
    params = {k.upper(): str(v) for k, v in prop.params.items()}
    return {"email": email, "cn": params.get("CN", ""), "role": params.get("ROLE", ""),
            "partstat": params.get("PARTSTAT", ""), "schedule_agent": params.get("SCHEDULE-AGENT", "")}


cmd, url, user = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password="secret-pw")
if cmd == "make":
    client.mkcalendar(url)
    print("{}")
    sys.exit(0)
calendar = caldav.Calendar(client=client, url=url)
out = []
for obj in calendar.events():
    cal = obj.icalendar_instance
    for ev in cal.walk("VEVENT"):
        attendees = ev.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        out.append({
            "uid": str(ev.get("UID")),
            "href": str(obj.url),
            "start": ev.decoded("DTSTART").strftime("%Y-%m-%dT%H:%M:%S%z"),
            "end": ev.decoded("DTEND").strftime("%Y-%m-%dT%H:%M:%S%z"),
            "start_local": ev["DTSTART"].dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "start_utc": own_utc(ev["DTSTART"], cal),
            "end_utc": own_utc(ev["DTEND"], cal),
            "tzid": str(ev["DTSTART"].params.get("TZID", "")),
            "vtimezones": [str(vtz["TZID"]) for vtz in cal.walk("VTIMEZONE")],
            "method": str(cal.get("METHOD", "")),
            "organizer": address(ev["ORGANIZER"]) if "ORGANIZER" in ev else None,
            "attendees": [address(a) for a in attendees],
            "sequence": int(ev.get("SEQUENCE", -1)),
            "status": str(ev.get("STATUS", "")),
            "summary": str(ev.get("SUMMARY", "")),
            "description": str(ev.get("DESCRIPTION", "")),
        })
print(json.dumps(out))
