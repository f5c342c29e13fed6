#!/usr/bin/env bash
# GET /v1/slots for a 100-host round-robin event type over a month of 30-minute slots,
# each host with 200 bookings that month (docs/teams.md), beside /healthz in the same
# run: wrk -t2 -c16 against each, then req/s and p99 latency. The data is written
# straight into a migrated SQLite database (bench/team_slots_data.py).
# Usage: bench/team_slots.sh [duration, default 10s]. Target: slots p99 under 20 ms.
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

"$bin" migrate --db "$work/bench.db" >/dev/null
event_type=$(/usr/bin/python3 bench/team_slots_data.py "$work/bench.db")

# shellcheck disable=SC2086
"$bin" serve --listen 127.0.0.1:0 --db "$work/bench.db" --port-file "$work/port" ${KAIROS_BENCH_FLAGS:-} >"$work/kairos.log" 2>&1 &
kpid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
slots="http://127.0.0.1:$port/v1/slots?event_type_id=$event_type&start=2030-03-01&end=2030-03-31&time_zone=UTC"
count=$(curl -sf "$slots" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)["days"]; print(sum(len(v) for v in d.values()))')

run() {  # url -> "rps p99_ms"
  wrk -t2 -c16 -d"$duration" --latency "$1" >"$work/wrk.out"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$work/wrk.out")
  echo "$rps $p99"
}

read -r h_rps h_p99 < <(run "http://127.0.0.1:$port/healthz")
read -r s_rps s_p99 < <(run "$slots")
printf 'kairos /healthz                      %10.0f req/s   p99 %8.3f ms\n' "$h_rps" "$h_p99"
printf 'kairos /v1/slots (100 hosts, %4d slots) %7.0f req/s   p99 %8.3f ms\n' "$count" "$s_rps" "$s_p99"
