#!/usr/bin/env python3
"""A webhook receiver for tests: records every POST it gets, checking the signature.

  receiver.py DIR [--fail-first N]

Listens on a free loopback port (written to DIR/port), reads the webhook secrets from
DIR/secrets.json ({"<path>": "<secret>"}, re-read on every request) and appends one JSON
line per request to DIR/received.jsonl: path, headers of interest, the parsed body and
whether the signature verifies. The first N requests are answered 500, the rest 204.
"""
import hashlib
import hmac
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# The verifier docs/notifications.md documents, as a receiver would use it.
def verify(secret: str, header: str, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


directory = sys.argv[1]
fail_first = int(sys.argv[sys.argv.index("--fail-first") + 1]) if "--fail-first" in sys.argv else 0
lock = threading.Lock()
seen = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            with open(os.path.join(directory, "secrets.json")) as f:
                secret = json.load(f).get(self.path, "")
        except (OSError, ValueError):
            secret = ""
        signature = self.headers.get("Kairos-Signature", "")
        try:
            ok = bool(secret) and verify(secret, signature, body)
        except (KeyError, ValueError):
            ok = False
        with lock:
            seen += 1
            status = 500 if seen <= fail_first else 204
            record = {
                "path": self.path,
                "event_id": self.headers.get("Kairos-Event-Id"),
                "event_type": self.headers.get("Kairos-Event-Type"),
                "delivery_id": self.headers.get("Kairos-Delivery-Id"),
                "content_type": self.headers.get("Content-Type"),
                "signature_ok": ok,
                "answered": status,
                "body": json.loads(body or b"null"),
            }
            with open(os.path.join(directory, "received.jsonl"), "a") as f:
                f.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(directory, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
server.serve_forever()
