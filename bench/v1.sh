#!/usr/bin/env bash
# The v1 API under 64 connections, in one run on loopback (SQLite): wrk -t2 -c64 for
# GET /v1/slots over a month of 30-minute slots with 500 existing bookings, for
# POST /v1/bookings (bench/v1_booking.lua, a different start each request), and for
# /healthz. Prints req/s, p99 latency and non-2xx answers of each.
# Usage: bench/v1.sh [duration, default 10s]. Extra kairos flags via KAIROS_BENCH_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
bin=${KAIROS_BIN:-build/kairos}
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: make deps" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
  [ -n "${kpid:-}" ] && kill "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck disable=SC2086
"$bin" serve --listen 127.0.0.1:0 --db "$work/bench.db" --port-file "$work/port" --no-access-log \
  ${KAIROS_BENCH_FLAGS:-} >"$work/kairos.log" 2>&1 &
kpid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
base="http://127.0.0.1:$(cat "$work/port")"
json() { /usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

curl -sf -X POST "$base/api/user/sign_up/" -H 'Content-Type: application/json' \
  -d '{"username":"bench","email":"bench@example.com","password":"correct horse battery staple"}' >/dev/null
token=$(curl -sf -X POST "$base/api/user/login/" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"correct horse battery staple"}' | json '["auth_token"]')
# Every day, all day, in UTC: 48 half-hour slots a day.
weekly=$(/usr/bin/python3 -c 'import json; print(json.dumps([{"day": d, "start": "00:00", "end": "24:00"} for d in
  ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]]))')
schedule=$(curl -sf -X POST "$base/v1/schedules" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name":"Always","time_zone":"UTC","weekly":'"$weekly"'}' | json '["id"]')
event_type=$(curl -sf -X POST "$base/v1/event-types" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d '{"slug":"bench","title":"Bench","duration_minutes":30,"schedule_id":"'"$schedule"'","public":true}' | json '["id"]')

# 500 bookings spread over March 2030 (of its 1488 half-hour slots).
/usr/bin/python3 - "$base" "$event_type" <<'PY'
import http.client, json, sys, datetime, urllib.parse
base, event_type = sys.argv[1], sys.argv[2]
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port)
t = datetime.datetime(2030, 3, 1, tzinfo=datetime.timezone.utc)
for i in range(500):
    start = (t + datetime.timedelta(minutes=30 * (i * 1488 // 500))).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps({"event_type_id": event_type, "start": start,
                       "attendee": {"name": "Seed", "email": "seed@example.com"}})
    c.request("POST", "/v1/bookings", body, {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    assert r.status == 201, (r.status, start)
PY
slots_url="$base/v1/slots?event_type_id=$event_type&start=2030-03-01&end=2030-03-31"
offered=$(curl -sf "$slots_url" | /usr/bin/python3 -c 'import json,sys; print(sum(len(v) for v in json.load(sys.stdin)["days"].values()))')

run() {  # name url [script] -> "rps p99_ms non2xx"
  local out="$work/wrk-$1.out"
  shift
  if [ $# -gt 1 ]; then
    EVENT_TYPE=$event_type wrk -t2 -c64 -d"$duration" --latency -s "$2" "$1" >"$out"
  else
    wrk -t2 -c64 -d"$duration" --latency "$1" >"$out"
  fi
  local rps p99 non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$out")
  echo "$rps $p99 ${non2xx:-0}"
}

read -r s_rps s_p99 s_bad < <(run slots "$slots_url")
read -r b_rps b_p99 b_bad < <(run bookings "$base/v1/bookings" bench/v1_booking.lua)
read -r h_rps h_p99 h_bad < <(run healthz "$base/healthz")
echo "GET /v1/slots: a month (31 days x 48 half hours), 500 bookings, $offered starts offered"
printf 'GET /v1/slots     %10.0f req/s   p99 %8.3f ms   non-2xx %s\n' "$s_rps" "$s_p99" "$s_bad"
printf 'POST /v1/bookings %10.0f req/s   p99 %8.3f ms   non-2xx %s\n' "$b_rps" "$b_p99" "$b_bad"
printf 'GET /healthz      %10.0f req/s   p99 %8.3f ms   non-2xx %s\n' "$h_rps" "$h_p99" "$h_bad"
