"""A stand-in for Google's and Microsoft's OAuth token endpoints, Google Calendar API v3
events and Microsoft Graph events, for Kairos's calendar integration tests.

It checks every parameter Kairos sends against the providers' documented formats and
records anything wrong in `problems`, which the tests read from GET /_control/state.

Usage: mock_provider.py PORT_FILE   (binds 127.0.0.1 on a free port and writes it there)

Control (JSON bodies):
  POST /_control/code    {"code", "provider", "challenge", "redirect_uri"}  a code the user "approved"
  POST /_control/fail    {"mode": "500"|"hang", "count": n}                 the next n requests fail
  POST /_control/revoke  {"token"}                                           an access token stops working
  POST /_control/expires {"seconds"}                                         expires_in of new tokens
  POST /_control/busy    {"provider": "google", "busy": [{"start", "end"}]}  what freeBusy answers
                         {"provider": "outlook", "events": [{"id", "showAs", "isCancelled", "start", "end"}]}
                                                                             what calendarView holds (UTC)

Busy time: Google's POST /calendar/v3/freeBusy and Graph's GET /v1.0/me/calendarView
answer in their documented shapes (calendarView two events a page, with @odata.nextLink).
  GET  /_control/state   -> {"events": {...}, "problems": [...], "requests": [...]}
"""
import base64
import datetime
import hashlib
import itertools
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENTS = {"google": ("g-client", "g-secret"), "outlook": ("o-client", "o-secret")}
OUTLOOK_SCOPE = "offline_access Calendars.ReadWrite"

lock = threading.Lock()
counter = itertools.count(1)
codes = {}           # code -> {provider, challenge, redirect_uri}
access_tokens = {}   # token -> provider
refresh_tokens = {}  # token -> provider
events = {"google": {}, "outlook": {}}
problems = []
requests_seen = []
failures = {"mode": None, "count": 0}
expires_in = {"seconds": 3600}
busy = {"google": [], "outlook": []}


def utc(text):
    """An RFC 3339 UTC instant as Kairos must send it ("...Z", no fraction), or None."""
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except (TypeError, ValueError):
        return None


def problem(text):
    problems.append(text)


def issue_tokens(provider, with_refresh=True):
    n = next(counter)
    access = f"at-{provider}-{n}"
    access_tokens[access] = provider
    body = {"access_token": access, "expires_in": expires_in["seconds"], "token_type": "Bearer"}
    if provider == "outlook":
        body["scope"] = OUTLOOK_SCOPE
    if with_refresh:
        refresh = f"rt-{provider}-{n}"
        refresh_tokens[refresh] = provider
        body["refresh_token"] = refresh
    return body


def check_zoned(provider, when, what):
    if not isinstance(when, dict) or "dateTime" not in when or "timeZone" not in when:
        problem(f"{provider} {what}: dateTime and timeZone required, got {when!r}")
        return
    dt = when["dateTime"]
    if provider == "outlook" and (dt.endswith("Z") or "+" in dt[10:] or "-" in dt[10:]):
        problem(f"outlook {what}.dateTime must be local wall time, got {dt}")
    if provider == "google" and not (dt.endswith("Z") or "+" in dt[10:] or "-" in dt[10:]):
        problem(f"google {what}.dateTime must be RFC 3339 with an offset, got {dt}")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode() if n else ""

    def handle_any(self, method):
        raw = self.body()
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        if path.startswith("/_control/"):
            return self.control(method, path, raw)
        with lock:
            requests_seen.append({"method": method, "path": path, "query": url.query})
            if failures["count"] > 0:
                failures["count"] -= 1
                mode = failures["mode"]
            else:
                mode = None
        if mode == "hang":
            time.sleep(3)
            return self.reply(504, {"error": "late"})
        if mode == "500":
            return self.reply(500, {"error": {"code": 500, "message": "Backend Error"}})
        provider = path.split("/")[1]
        if provider not in CLIENTS:
            return self.reply(404, {"error": "no such provider"})
        rest = path[len(provider) + 1:]
        with lock:
            if rest == "/token" and method == "POST":
                return self.token(provider, raw)
            return self.api(provider, method, rest, query, raw)

    def control(self, method, path, raw):
        data = json.loads(raw) if raw else {}
        with lock:
            if path == "/_control/code":
                codes[data["code"]] = data
            elif path == "/_control/fail":
                failures.update(mode=data["mode"], count=data["count"])
            elif path == "/_control/revoke":
                access_tokens.pop(data["token"], None)
            elif path == "/_control/expires":
                expires_in["seconds"] = data["seconds"]
            elif path == "/_control/busy":
                busy[data["provider"]] = data.get("busy", data.get("events", []))
            elif path == "/_control/state":
                return self.reply(200, {"events": events, "problems": problems, "requests": requests_seen,
                                        "access_tokens": sorted(access_tokens)})
        return self.reply(200, {})

    def token(self, provider, raw):
        if self.headers.get("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded":
            problem(f"{provider} token: Content-Type {self.headers.get('Content-Type')}")
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}
        client_id, secret = CLIENTS[provider]
        if form.get("client_id") != client_id or form.get("client_secret") != secret:
            return self.reply(401, {"error": "invalid_client"})
        if provider == "outlook" and form.get("scope") != OUTLOOK_SCOPE:
            problem(f"outlook token: scope {form.get('scope')!r}")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = codes.pop(form.get("code", ""), None)
            if entry is None or entry["provider"] != provider:
                return self.reply(400, {"error": "invalid_grant", "error_description": "unknown code"})
            if form.get("redirect_uri") != entry["redirect_uri"]:
                problem(f"{provider} token: redirect_uri {form.get('redirect_uri')!r}")
                return self.reply(400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"})
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
            if challenge != entry["challenge"]:
                problem(f"{provider} token: PKCE verifier does not match the challenge")
                return self.reply(400, {"error": "invalid_grant", "error_description": "PKCE failed"})
            return self.reply(200, issue_tokens(provider))
        if grant == "refresh_token":
            if refresh_tokens.get(form.get("refresh_token")) != provider:
                return self.reply(400, {"error": "invalid_grant"})
            if provider == "outlook":  # Microsoft rotates refresh tokens
                refresh_tokens.pop(form["refresh_token"])
            return self.reply(200, issue_tokens(provider, with_refresh=provider == "outlook"))
        problem(f"{provider} token: grant_type {grant!r}")
        return self.reply(400, {"error": "unsupported_grant_type"})

    def api(self, provider, method, rest, query, raw):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or access_tokens.get(auth[7:]) != provider:
            return self.reply(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
        if provider == "google" and rest == "/calendar/v3/freeBusy":
            return self.free_busy(method, raw)
        if provider == "outlook" and rest == "/v1.0/me/calendarView":
            return self.calendar_view(method, query)
        if provider == "google":
            prefix = "/calendar/v3/calendars/primary/events"
        else:
            prefix = "/v1.0/me/events"
        if not rest.startswith(prefix):
            problem(f"{provider}: unexpected path {rest}")
            return self.reply(404, {"error": "not found"})
        event_id = rest[len(prefix) + 1:] or None
        store = events[provider]
        if method in ("POST", "PATCH"):
            if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                problem(f"{provider} event: Content-Type {self.headers.get('Content-Type')}")
            body = json.loads(raw)
            if provider == "google" and query.get("conferenceDataVersion") != ["1"]:
                problem("google event: conferenceDataVersion=1 missing")
            for key in ("start", "end"):
                check_zoned(provider, body.get(key), key)
        if method == "POST" and event_id is None:
            n = next(counter)
            if provider == "google":
                req = body.get("conferenceData", {}).get("createRequest", {})
                if req.get("conferenceSolutionKey", {}).get("type") != "hangoutsMeet" or not req.get("requestId"):
                    problem(f"google insert: conference createRequest {req!r}")
                link = f"https://meet.google.com/abc-defg-{n:03d}"
                event = dict(body, id=f"gev{n}", status="confirmed", hangoutLink=link,
                             conferenceData={"entryPoints": [{"entryPointType": "video", "uri": link}]})
            else:
                if body.get("isOnlineMeeting") is not True or body.get("onlineMeetingProvider") != "teamsForBusiness":
                    problem(f"graph create: online meeting fields {body.get('isOnlineMeeting')!r}")
                link = f"https://teams.microsoft.com/l/meetup-join/{n}"
                event = dict(body, id=f"AAMk{n}", onlineMeeting={"joinUrl": link}, isCancelled=False)
            event["writes"] = 1
            store[event["id"]] = event
            return self.reply(200 if provider == "google" else 201, event)
        if event_id not in store or store[event_id].get("deleted"):
            return self.reply(404 if provider == "outlook" else 410, {"error": "gone"})
        if method == "PATCH":
            event = store[event_id]
            event.update(body)
            event["writes"] += 1
            return self.reply(200, event)
        if method == "DELETE":
            store[event_id]["deleted"] = True
            return self.reply(204)
        problem(f"{provider}: unexpected {method} {rest}")
        return self.reply(405, {"error": "method"})

    def free_busy(self, method, raw):
        if method != "POST":
            problem(f"google freeBusy: method {method}")
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
            problem(f"google freeBusy: Content-Type {self.headers.get('Content-Type')}")
        body = json.loads(raw or "{}")
        start, end = utc(body.get("timeMin")), utc(body.get("timeMax"))
        if start is None or end is None or not start < end:
            problem(f"google freeBusy: timeMin/timeMax {body.get('timeMin')!r} {body.get('timeMax')!r}")
            return self.reply(400, {"error": {"code": 400, "message": "Bad Request"}})
        if body.get("items") != [{"id": "primary"}]:
            problem(f"google freeBusy: items {body.get('items')!r}")
        if body.get("timeZone") != "UTC":
            problem(f"google freeBusy: timeZone {body.get('timeZone')!r}")
        extra = set(body) - {"timeMin", "timeMax", "items", "timeZone"}
        if extra:
            problem(f"google freeBusy: unexpected fields {sorted(extra)}")
        periods = [p for p in busy["google"] if utc(p["start"]) < end and utc(p["end"]) > start]
        return self.reply(200, {"kind": "calendar#freeBusy", "timeMin": body["timeMin"], "timeMax": body["timeMax"],
                                "calendars": {"primary": {"busy": periods}}})

    def calendar_view(self, method, query):
        if method != "GET":
            problem(f"graph calendarView: method {method}")
        if self.headers.get("Prefer") != 'outlook.timezone="UTC"':
            problem(f"graph calendarView: Prefer {self.headers.get('Prefer')!r}")
        q = {k: v[0] for k, v in query.items()}
        start, end = utc(q.get("startDateTime")), utc(q.get("endDateTime"))
        if start is None or end is None or not start < end:
            problem(f"graph calendarView: startDateTime/endDateTime {q.get('startDateTime')!r} {q.get('endDateTime')!r}")
            return self.reply(400, {"error": {"code": "ErrorInvalidParameter"}})
        fields = set(q.get("$select", "").split(","))
        if not {"showAs", "isCancelled", "start", "end", "id"} <= fields:
            problem(f"graph calendarView: $select {q.get('$select')!r}")
        skip = int(q.get("$skip", "0"))
        chosen = [e for e in busy["outlook"] if utc(e["start"]) < end and utc(e["end"]) > start]
        page = chosen[skip:skip + 2]

        def shown(text):
            return {"dateTime": text[:-1] + ".0000000", "timeZone": "UTC"}

        value = [{"id": e["id"], "showAs": e["showAs"], "isCancelled": e.get("isCancelled", False),
                  "start": shown(e["start"]), "end": shown(e["end"])} for e in page]
        out = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('me')/calendarView", "value": value}
        if skip + 2 < len(chosen):
            host = self.headers.get("Host")
            out["@odata.nextLink"] = (f"http://{host}/outlook/v1.0/me/calendarView?" + urllib.parse.urlencode(
                dict(q, **{"$skip": str(skip + 2)})))
        return self.reply(200, out)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
