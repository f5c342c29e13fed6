#!/usr/bin/env bash
# Bookings and availability requests per second with 64 concurrent clients, PostgreSQL
# against SQLite, in one run on loopback: for each backend a fresh kairos, one exchange
# (face 003), then wrk -t2 -c64 for POST /api/bookings/ (bench/booking.lua, a different
# day each request) and for GET /api/time-slots/available_slots/. Prints req/s, non-2xx
# answers and the PostgreSQL/SQLite ratios. PostgreSQL is a throwaway cluster
# (tests/pg/cluster.sh) with fsync on.
# Usage: bench/backends.sh [duration, default 10s]. Extra kairos flags via KAIROS_BENCH_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
bin=${KAIROS_BIN:-build/kairos}
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: make deps" >&2; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  [ -n "${kpid:-}" ] && kill "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null
  bash tests/pg/cluster.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

# The test cluster runs with fsync off; a benchmark wants the durable setting.
bash tests/pg/cluster.sh start "$work/pg"
pgport=$(cat "$work/pg/port")
psql -q -h 127.0.0.1 -p "$pgport" -U kairos -d postgres -c "ALTER SYSTEM SET fsync = on" -c "SELECT pg_reload_conf()" >/dev/null
psql -q -h 127.0.0.1 -p "$pgport" -U kairos -d postgres -c "CREATE DATABASE bench" >/dev/null

hours='[{"day_of_week":1,"open_time":"09:00","close_time":"17:00","is_closed":false},
        {"day_of_week":2,"open_time":"09:00","close_time":"17:00","is_closed":false},
        {"day_of_week":3,"open_time":"09:00","close_time":"17:00","is_closed":false},
        {"day_of_week":4,"open_time":"09:00","close_time":"17:00","is_closed":false},
        {"day_of_week":5,"open_time":"09:00","close_time":"17:00","is_closed":false},
        {"day_of_week":6,"open_time":"09:00","close_time":"17:00","is_closed":false},
        {"day_of_week":7,"open_time":"09:00","close_time":"17:00","is_closed":false}]'

wrk_run() {  # name url [script] -> "rps non2xx"
  local out="$work/wrk-$1.out"
  shift
  if [ $# -gt 1 ]; then wrk -t2 -c64 -d"$duration" -s "$2" "$1" >"$out"; else wrk -t2 -c64 -d"$duration" "$1" >"$out"; fi
  local rps non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$out")
  echo "$rps ${non2xx:-0}"
}

bench_backend() {  # name db -> prints "booking_rps booking_non2xx availability_rps availability_non2xx"
  local name=$1 db=$2
  # shellcheck disable=SC2086
  "$bin" serve --listen 127.0.0.1:0 --db "$db" --port-file "$work/port-$name" --calendar-key-file "$work/key-$name" \
    --no-access-log ${KAIROS_BENCH_FLAGS:-} >"$work/kairos-$name.log" 2>&1 &
  kpid=$!
  for _ in $(seq 200); do [ -s "$work/port-$name" ] && break; sleep 0.05; done
  local base="http://127.0.0.1:$(cat "$work/port-$name")"
  curl -sf -X POST "$base/api/user/sign_up/" -H 'Content-Type: application/json' \
    -d '{"username":"bench","email":"bench@example.com","password":"correct horse battery staple"}' >/dev/null
  local token exchange
  token=$(curl -sf -X POST "$base/api/user/login/" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"correct horse battery staple"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["auth_token"])')
  exchange=$(curl -sf -X POST "$base/api/exchanges/" -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"business_name\":\"Bench\",\"default_capacity\":1000,\"operating_hours\":$hours}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')
  local booking availability
  booking=$(EXCHANGE=$exchange TOKEN=$token wrk_run "book-$name" "$base/" bench/booking.lua)
  # Availability of a day that now holds bookings, as a client would ask.
  cat >"$work/avail.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
  availability=$(wrk_run "avail-$name" "$base/api/time-slots/available_slots/?exchange=$exchange&date=2030-01-09&slot_duration=60" "$work/avail.lua")
  kill "$kpid"
  wait "$kpid" 2>/dev/null || true
  kpid=
  echo "$booking $availability"
}

read -r s_book s_book_bad s_avail s_avail_bad < <(bench_backend sqlite "$work/bench.db")
read -r p_book p_book_bad p_avail p_avail_bad < <(bench_backend postgres "postgresql://kairos@127.0.0.1:$pgport/bench")

printf '%-12s %14s %10s %18s %10s\n' backend "bookings/s" non-2xx "availability/s" non-2xx
printf '%-12s %14.0f %10s %18.0f %10s\n' sqlite "$s_book" "$s_book_bad" "$s_avail" "$s_avail_bad"
printf '%-12s %14.0f %10s %18.0f %10s\n' postgresql "$p_book" "$p_book_bad" "$p_avail" "$p_avail_bad"
awk -v a="$p_book" -v b="$s_book" -v c="$p_avail" -v d="$s_avail" \
  'BEGIN { printf "ratio postgresql/sqlite: bookings %.2f, availability %.2f\n", a / b, c / d }'
