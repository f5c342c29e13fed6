#!/usr/bin/env bash
# The side-by-side benchmark's ten workloads (../shared/peers/: face 002's and face 004's
# reads and writes) against Kairos alone: a fresh kairos on a temporary SQLite database and
# a free loopback port, the fixtures loaded through the HTTP API (bench/faces_fixtures.py),
# then each workload once with wrk -t2 -c64 --latency, and one table: req/s, p50, p99,
# non-2xx answers. Every answer must be 2xx: any other (or a socket error) fails the run.
# Usage: bench/faces.sh [duration, default 10s]. KAIROS_BIN (default build/kairos);
# extra kairos flags via KAIROS_BENCH_FLAGS. Run it under the CPU lock on a shared
# machine: flock /tmp/kairos-cpu.lock bench/faces.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
KAIROS_BIN=${KAIROS_BIN:-build/kairos}
source bench/faces_lib.sh
faces_need

work=$(mktemp -d /tmp/kairos-faces.XXXXXX)
cleanup() {
  faces_stop small
  if [ -n "${FACES_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

faces_start small "$work/faces.db" "$work"
echo "== kairos $("$KAIROS_BIN" version) on $FACES_BASE_small, database $work/faces.db"
/usr/bin/python3 bench/faces_fixtures.py "$FACES_BASE_small" "$work/state"

echo "== status of one request per read workload"
for spec in "${FACES_READS[@]}"; do
  status=$(faces_status "$spec" "$FACES_BASE_small" "$work/state" "$work/body")
  printf '%-26s %s %6s bytes\n' "${spec%%|*}" "$status" "$(wc -c <"$work/body")"
  [[ $status == 2* ]] || { echo "FAILED: ${spec%%|*} answered $status: $(head -c 300 "$work/body")"; exit 1; }
done

echo "== warm-up (1 s per read workload)"
for spec in "${FACES_READS[@]}"; do
  faces_wrk "$spec" "$FACES_BASE_small" "$work/state" 1s /dev/null
  faces_idle small
done

echo "== measuring: wrk -t2 -c64 -d$duration --latency per workload (load average $(cut -d' ' -f1-3 /proc/loadavg))"
names=()
for spec in "${FACES_READS[@]}" "${FACES_WRITES[@]}"; do
  name=${spec%%|*}
  names+=("$name")
  faces_wrk "$spec" "$FACES_BASE_small" "$work/state" "$duration" "$work/$name.txt"
  faces_idle small
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== what the writes stored"
faces_stop small
sqlite3 "$work/faces.db" \
  "SELECT 'face 002 meetings titled bench: ' || count(*) FROM meetings WHERE title LIKE 'bench %';
   SELECT 'face 004 reservations: ' || count(*) FROM bookings WHERE face = 'consultant';
   SELECT 'face 004 windows dated 2034 or later: ' || count(*) FROM availability_windows WHERE local_date >= '2034-01-01';"
echo "== summary"
/usr/bin/python3 bench/faces_summary.py faces "$work" "${names[@]}"
