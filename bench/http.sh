#!/usr/bin/env bash
# Kairos /healthz against nginx serving a static file of the same size, in one run, on
# loopback: wrk -t2 -c64 -d10s against each, then both req/s, p99 latency and the ratio.
# Neither writes an access log (nginx: access_log off; kairos: --no-access-log).
# Usage: bench/http.sh [duration, default 10s]. Extra kairos flags via KAIROS_BENCH_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
bin=${KAIROS_BIN:-build/kairos}
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: make deps" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
cleanup() {
  [ -n "${kpid:-}" ] && kill "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# shellcheck disable=SC2086
"$bin" serve --listen 127.0.0.1:0 --db "$work/bench.db" --port-file "$work/port" --no-access-log ${KAIROS_BENCH_FLAGS:-} >"$work/kairos.log" 2>&1 &
kpid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
kport=$(cat "$work/port")

body=$(curl -s "http://127.0.0.1:$kport/healthz")
mkdir -p "$work/www"
printf '%s' "$body" >"$work/www/healthz"
nport=$(free_port)
cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server {
    listen 127.0.0.1:$nport;
    location = /healthz { root $work/www; default_type application/json; }
  }
}
NGINX
"$nginx_bin" -c "$work/nginx.conf" -p "$work"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nport/healthz" >/dev/null && break; sleep 0.05; done

run() {  # url -> "rps p99_ms"
  wrk -t2 -c64 -d"$duration" --latency "$1" >"$work/wrk.out"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$work/wrk.out")
  echo "$rps $p99"
}

read -r k_rps k_p99 < <(run "http://127.0.0.1:$kport/healthz")
read -r n_rps n_p99 < <(run "http://127.0.0.1:$nport/healthz")
printf 'kairos /healthz   %10.0f req/s   p99 %7.3f ms\n' "$k_rps" "$k_p99"
printf 'nginx static file %10.0f req/s   p99 %7.3f ms\n' "$n_rps" "$n_p99"
awk -v k="$k_rps" -v n="$n_rps" 'BEGIN { printf "ratio kairos/nginx %.2f\n", k / n }'
