#!/usr/bin/env python3
"""An SMTP server for tests (aiosmtpd): stores every message it accepts.

  smtp_sink.py DIR

Listens on a free loopback port (written to DIR/port) and appends one JSON line per
message to DIR/mail.jsonl: envelope sender and recipients, the message as text, its
headers, its MIME parts decoded ({"type", "params", "text"}), and the text/calendar part
as python3-icalendar parses it ("ics": method, and per VEVENT uid, sequence, status,
dtstart/dtend in UTC, their TZID, organizer, attendees; or "ics_error").
"""
import asyncio
import json
import os
import socket
import sys
from datetime import timezone
from email import message_from_bytes, policy

import icalendar
from aiosmtpd.controller import Controller

directory = sys.argv[1]


def calendar(text):
    cal = icalendar.Calendar.from_ical(text)
    out = {"method": str(cal.get("METHOD", "")), "events": []}
    for event in cal.walk("VEVENT"):
        start, end = event.get("DTSTART"), event.get("DTEND")
        out["events"].append({
            "uid": str(event.get("UID")),
            "sequence": int(event.get("SEQUENCE", -1)),
            "status": str(event.get("STATUS", "")),
            "summary": str(event.get("SUMMARY", "")),
            "dtstart": start.dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "dtend": end.dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "dtstart_local": start.dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "tzid": str(start.params.get("TZID", "")),
            "utcoffset": int(start.dt.utcoffset().total_seconds()),
            "organizer": str(event.get("ORGANIZER", "")),
            "attendees": [str(a) for a in (event.get("ATTENDEE") or [])] if isinstance(event.get("ATTENDEE"), list)
            else ([str(event.get("ATTENDEE"))] if event.get("ATTENDEE") else []),
        })
    return out


class Sink:
    async def handle_DATA(self, server, session, envelope):
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "message": envelope.content.decode("utf-8", "replace"),
        }
        msg = message_from_bytes(envelope.content, policy=policy.default)
        record["headers"] = {k: str(v) for k, v in msg.items()}
        record["content_type"] = msg.get_content_type()
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            params = {k: v for k, v in part.get_params() or []}
            parts.append({"type": part.get_content_type(), "params": params, "text": part.get_content()})
            if part.get_content_type() == "text/calendar":
                try:
                    record["ics"] = calendar(part.get_content())
                except Exception as e:  # the test fails on it
                    record["ics_error"] = repr(e)
        record["parts"] = parts
        with open(os.path.join(directory, "mail.jsonl"), "a") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK"


probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
with open(os.path.join(directory, "port.tmp"), "w") as f:
    f.write(str(port))
os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
try:
    asyncio.new_event_loop().run_forever()
finally:
    controller.stop()
