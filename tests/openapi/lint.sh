#!/usr/bin/env bash
# Lints the /openapi.json a real server serves with @redocly/cli (tests/js, installed by
# `scripts/install-deps.sh tests`, which `make test` runs) under tests/js/redocly.yaml:
# the recommended rules, trailing slashes as warnings. Any error fails.
# Usage: lint.sh KAIROS_BINARY. Exit 77 (skipped) when the linter is not installed.
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")/.." && pwd)
redocly="$here/js/node_modules/.bin/redocly"
if [ ! -x "$redocly" ]; then
  echo "skipped: the linter is not installed (run: bash scripts/install-deps.sh tests)"
  exit 77
fi
work=$(mktemp -d)
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$bin" serve --listen 127.0.0.1:0 --db "$work/k.db" --port-file "$work/port" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/server.log"; echo "server did not start"; exit 1; }
curl -sf "http://127.0.0.1:$(cat "$work/port")/openapi.json" -o "$work/openapi.json"
cd "$here/js"
"$redocly" lint "$work/openapi.json" --config redocly.yaml --format=stylish --max-problems 500
