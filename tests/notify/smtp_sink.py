#!/usr/bin/env python3
"""An SMTP server for tests (aiosmtpd): stores every message it accepts.

  smtp_sink.py DIR

Listens on a free loopback port (written to DIR/port) and appends one JSON line per
message to DIR/mail.jsonl: envelope sender and recipients, and the message as text.
"""
import asyncio
import json
import os
import socket
import sys

from aiosmtpd.controller import Controller

directory = sys.argv[1]


class Sink:
    async def handle_DATA(self, server, session, envelope):
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "message": envelope.content.decode("utf-8", "replace"),
        }
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
