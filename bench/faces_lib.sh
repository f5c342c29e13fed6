# Sourced by bench/faces.sh and bench/scale.sh (from the project root): the ten workloads
# of the side-by-side benchmark (../shared/peers/), a kairos started on a database file,
# and one wrk run of a workload.
#
# Each workload: name | face | GET path (token variable) or the write script under bench/faces/.
# {READ_CONS} is the first read consultant's number.
FACES_READS=(
  "002_get_available_slots|GET|/api/user/get_available_slots/?date=2030-07-15|TOK_AVAIL"
  "002_event_list|GET|/api/event/|TOK_LIST"
  "004_consultant_avail|GET|/consultant/{READ_CONS}/availability/?start_date=2031-03-01&end_date=2031-03-31|"
  "004_daily|GET|/consultants/availabilities/2031-03-10/|"
  "004_monthly|GET|/availabilities/monthly/?year=2031&month=3|"
  "004_timerange|GET|/availabilities/timerange/?start_date=2031-03-01&end_date=2031-03-07&start_time=00:00:00&end_time=23:59:59|"
)
FACES_WRITES=(
  "002_block_slots|POST|block_slots.lua|"
  "002_event_create|POST|event_create.lua|"
  "004_avail_create|POST|avail_create.lua|"
  "004_reserve|POST|reserve.lua|"
)
export FACES_DIR=$PWD/bench/faces WRK_THREADS=2
# wrk leaves a request that takes longer out of its latencies (and counts it as a timeout):
# long enough that slow answers are measured, not dropped.
FACES_TIMEOUT=${FACES_TIMEOUT:-30s}

faces_need() {  # checks the binary and tools
  [ -x "$KAIROS_BIN" ] || { echo "no kairos binary at $KAIROS_BIN (build first: make build)" >&2; exit 1; }
  command -v wrk >/dev/null || { echo "wrk is missing: make deps" >&2; exit 1; }
  command -v sqlite3 >/dev/null || { echo "sqlite3 is missing (apt-get install sqlite3)" >&2; exit 1; }
}

# faces_start NAME DB DIR: starts kairos on DB (its port file, key and log in DIR);
# sets FACES_PID_<NAME> and FACES_BASE_<NAME>.
faces_start() {
  local name=$1 db=$2 dir=$3 pid port
  rm -f "$dir/port-$name"
  # shellcheck disable=SC2086
  "$KAIROS_BIN" serve --listen 127.0.0.1:0 --db "$db" --port-file "$dir/port-$name" \
    --calendar-key-file "$dir/key-$name" --no-access-log ${KAIROS_BENCH_FLAGS:-} >>"$dir/kairos-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    [ -s "$dir/port-$name" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "kairos ($name) exited; log:" >&2; tail -20 "$dir/kairos-$name.log" >&2; exit 1; }
    sleep 0.05
  done
  [ -s "$dir/port-$name" ] || { echo "kairos ($name) did not start" >&2; exit 1; }
  port=$(cat "$dir/port-$name")
  printf -v "FACES_PID_$name" '%s' "$pid"
  printf -v "FACES_BASE_$name" '%s' "http://127.0.0.1:$port"
}

# faces_stop NAME: stops the kairos faces_start started under NAME (by its pid).
faces_stop() {
  local var="FACES_PID_$1"
  local pid=${!var:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf -v "FACES_PID_$1" '%s' ""
}

# faces_url SPEC BASE STATE: the full URL of a read workload.
faces_url() {
  local name kind what token cons
  IFS='|' read -r name kind what token <<<"$1"
  cons=$(sed -n 's/^READ_CONS=//p' "$3/fixtures.env")
  echo "$2${what//\{READ_CONS\}/$cons}"
}

# faces_token SPEC STATE: the face 002 token a read workload sends, if any.
faces_token() {
  local name kind what token
  IFS='|' read -r name kind what token <<<"$1"
  [ -n "$token" ] && sed -n "s/^$token=//p" "$2/fixtures.env"
  return 0
}

# faces_wrk SPEC BASE STATE DURATION OUT [CONNECTIONS THREADS]: one wrk run of a
# workload (--latency), its output in OUT. Write workloads continue the sequence kept in
# STATE/<name>.seq.
faces_wrk() {
  local spec=$1 base=$2 state=$3 duration=$4 out=$5 conns=${6:-64} threads=${7:-2}
  local name kind what token
  IFS='|' read -r name kind what token <<<"$spec"
  if [ "$kind" = GET ]; then
    local tok
    tok=$(faces_token "$spec" "$state")
    if [ -n "$tok" ]; then
      wrk -t"$threads" -c"$conns" -d"$duration" --timeout "$FACES_TIMEOUT" --latency -H "Authorization: Token $tok" "$(faces_url "$spec" "$base" "$state")" >"$out"
    else
      wrk -t"$threads" -c"$conns" -d"$duration" --timeout "$FACES_TIMEOUT" --latency "$(faces_url "$spec" "$base" "$state")" >"$out"
    fi
  else
    WRK_THREADS=$threads FIXTURES="$state/fixtures.lua" SEQ_FILE="$state/$name.seq" \
      wrk -t"$threads" -c"$conns" -d"$duration" --timeout "$FACES_TIMEOUT" --latency -s "$FACES_DIR/$what" "$base" >"$out"
  fi
}

# faces_status SPEC BASE STATE BODY: the HTTP status of one GET of a read workload (its
# body saved in BODY).
faces_status() {
  local tok args=()
  tok=$(faces_token "$1" "$3")
  [ -n "$tok" ] && args=(-H "Authorization: Token $tok")
  curl -s -o "$4" -w '%{http_code}' "${args[@]}" "$(faces_url "$1" "$2" "$3")"
}

# faces_idle NAME: waits (up to a minute) until the kairos started under NAME has used no
# CPU for 0.2 s, so that requests still queued when wrk stopped do not slow the next run.
faces_idle() {
  local var="FACES_PID_$1" before after
  local pid=${!var:-}
  [ -n "$pid" ] || return 0
  for _ in $(seq 300); do
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep 0.2
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    [ $((after - before)) -le 1 ] && return 0
  done
}
