#!/usr/bin/env bash
# Installs the Debian 12 packages Kairos needs to build, run, test and benchmark
# (with the argument `packaging`, also what building and checking the Debian package
# needs; with `tests`, also the JavaScript tools the tests run, from npm).
# Idempotent: packages already present are skipped, and when nothing is missing it
# changes nothing and touches no network.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config
  libboost-dev libhowardhinnant-date-dev libabsl-dev libical-dev libsqlite3-dev libpq-dev
  nlohmann-json3-dev libsodium-dev libspdlog-dev libcli11-dev libcurl4-openssl-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev tzdata sqlite3
  wrk nginx-light curl prometheus
  postgresql radicale
  python3 python3-dateutil python3-icalendar python3-vobject python3-caldav python3-requests python3-aiosmtpd python3-recurring-ical-events
  chromium
)

# `install-deps.sh packaging` adds what `make deb` needs to check the package.
if [ "${1:-}" = "packaging" ]; then
  packages+=(lintian fakeroot)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js and npm run the JavaScript test tools (tests/js/). A machine that already has
# them (from any source) keeps its own; otherwise Debian's packages are installed.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# `install-deps.sh tests` adds the JavaScript test tools, at the versions
# tests/js/package-lock.json pins; reinstalled only when the lock file changed since.
js="$(dirname "$0")/../tests/js"
if [ "${1:-}" = "tests" ] && [ -f "$js/package-lock.json" ] &&
   { [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; }; then
  echo "install-deps: installing the JavaScript test tools (tests/js)"
  (cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
