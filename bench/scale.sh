#!/usr/bin/env bash
# The scale benchmark (docs/performance.md): bench/faces.sh's ten workloads on (a) the
# small database (the side-by-side fixtures alone) and (b) a large one (the same fixtures
# plus 10,000 calendars and 1,000,000 bookings over 2030-07-01 .. 2032-06-30, written by
# kairos_scale_fixture), alternating small, large, small, large per workload in one run so
# the ratio holds on a noisy machine. Prints per workload both throughputs, large/small,
# and both p99 latencies. Every answer must be 2xx: any other fails the run.
#
# Both databases are built once per kairos binary, generator and fixture script, and kept
# under $SCALE_CACHE (default /tmp/kairos-scale-cache; the last one only); each run works
# on fresh copies, since the write workloads change them.
# Usage: bench/scale.sh [duration, default 10s]. KAIROS_BIN (default build/kairos),
# KAIROS_SCALE_FIXTURE (default build/bench/kairos_scale_fixture), KAIROS_BENCH_FLAGS
# (extra kairos flags), SCALE_CALENDARS / SCALE_BOOKINGS / SCALE_PER_EXISTING (10000,
# 1000000, 2000). On a shared machine: flock /tmp/kairos-cpu.lock bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
KAIROS_BIN=${KAIROS_BIN:-build/kairos}
generator=${KAIROS_SCALE_FIXTURE:-build/bench/kairos_scale_fixture}
calendars=${SCALE_CALENDARS:-10000}
bookings=${SCALE_BOOKINGS:-1000000}
per_existing=${SCALE_PER_EXISTING:-2000}
source bench/faces_lib.sh
faces_need
[ -x "$generator" ] || { echo "no generator at $generator (build first: make build)" >&2; exit 1; }

cache_root=${SCALE_CACHE:-/tmp/kairos-scale-cache}
key=$(cat "$KAIROS_BIN" "$generator" bench/faces_fixtures.py | sha256sum | cut -c1-16)-$calendars-$bookings-$per_existing-${FACES_RES_DAYS:-32}
cache=$cache_root/$key
work=$(mktemp -d /tmp/kairos-scale.XXXXXX)
cleanup() {
  faces_stop build
  faces_stop small
  faces_stop large
  if [ -n "${SCALE_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

checkpoint() { sqlite3 "$1" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null; }

if [ ! -f "$cache/ready" ]; then
  echo "== building the databases for $key (once per binary)"
  # Only the last databases are kept: earlier keys' folders go (and nothing else there).
  find "$cache_root" -mindepth 1 -maxdepth 1 -type d -name '????????????????-*' -exec rm -rf {} + 2>/dev/null || true
  rm -rf "$cache"
  mkdir -p "$cache"
  faces_start build "$cache/small.db" "$work"
  /usr/bin/python3 bench/faces_fixtures.py "$FACES_BASE_build" "$cache/state"
  faces_stop build
  checkpoint "$cache/small.db"
  cp "$cache/small.db" "$cache/large.db"
  "$generator" --db "$cache/large.db" --calendars "$calendars" --bookings "$bookings" --per-existing "$per_existing"
  checkpoint "$cache/large.db"
  touch "$cache/ready"
fi

for side in small large; do
  cp "$cache/$side.db" "$work/$side.db"
  cp -r "$cache/state" "$work/state-$side"
done

echo "== the databases"
count_sql="SELECT count(*) FROM calendars; SELECT count(*) FROM bookings;
  SELECT count(*) FROM bookings WHERE status IN ('pending', 'confirmed', 'active');
  SELECT count(*) FROM availability_windows; SELECT count(*) FROM meetings; SELECT count(*) FROM accounts;"
printf '%-6s %10s %10s %16s %10s %10s %10s %8s\n' side calendars bookings "active bookings" windows meetings accounts MB
for side in small large; do
  # shellcheck disable=SC2046
  printf '%-6s %10s %10s %16s %10s %10s %10s %8s\n' $side $(sqlite3 "$work/$side.db" "$count_sql") \
    $(( $(stat -c %s "$work/$side.db") / 1048576 ))
done

faces_start small "$work/small.db" "$work"
faces_start large "$work/large.db" "$work"
base() { local v="FACES_BASE_$1"; echo "${!v}"; }

echo "== status of one request per read workload (bodies: the large data lies outside what they read)"
for spec in "${FACES_READS[@]}"; do
  line=$(printf '%-26s' "${spec%%|*}")
  for side in small large; do
    status=$(faces_status "$spec" "$(base $side)" "$work/state-$side" "$work/body.$side")
    [[ $status == 2* ]] || { echo "FAILED: ${spec%%|*} on $side answered $status: $(head -c 300 "$work/body.$side")"; exit 1; }
    line+=$(printf ' %s %s %6s bytes' $side "$status" "$(wc -c <"$work/body.$side")")
  done
  cmp -s "$work/body.small" "$work/body.large" && line+="  same body" || line+="  bodies differ"
  echo "$line"
done
echo "== status of the write workloads (a 1 s run on one connection each)"
for spec in "${FACES_WRITES[@]}"; do
  line=$(printf '%-26s' "${spec%%|*}")
  for side in small large; do
    faces_wrk "$spec" "$(base $side)" "$work/state-$side" 1s "$work/check.txt" 1 1
    n=$(awk '/requests in/ {print $1}' "$work/check.txt")
    bad=$(awk '/Non-2xx/ {print $5}' "$work/check.txt")
    [ "${n:-0}" -gt 0 ] && [ -z "$bad" ] || { echo "FAILED: ${spec%%|*} on $side:"; cat "$work/check.txt"; exit 1; }
    line+=$(printf ' %s %6s requests, all 2xx' $side "$n")
  done
  echo "$line"
done

echo "== warm-up (2 s per read workload and side)"
for spec in "${FACES_READS[@]}"; do
  for side in small large; do
    faces_wrk "$spec" "$(base $side)" "$work/state-$side" 2s /dev/null
    faces_idle $side
  done
done

echo "== measuring: wrk -t2 -c64 -d$duration --latency, small, large, small, large (load average $(cut -d' ' -f1-3 /proc/loadavg))"
names=()
for spec in "${FACES_READS[@]}" "${FACES_WRITES[@]}"; do
  name=${spec%%|*}
  names+=("$name")
  for rep in 1 2; do
    for side in small large; do
      out="$work/$name.$side.$rep.txt"
      faces_wrk "$spec" "$(base $side)" "$work/state-$side" "$duration" "$out"
      faces_idle $side
      printf '%-26s rep %s %-6s %10s req/s\n' "$name" $rep $side "$(awk '/^Requests\/sec/ {print $2}' "$out")"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for side in small large; do
  v="FACES_PID_$side"
  echo "kairos ($side) resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/${!v}/status")"
done
echo "== summary"
/usr/bin/python3 bench/faces_summary.py scale "$work" "${names[@]}"
