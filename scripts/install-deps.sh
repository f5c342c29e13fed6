#!/usr/bin/env bash
# Installs the Debian 12 packages Kairos needs to build, run, test and benchmark
# (and, with the argument `packaging`, to build and check the Debian package).
# Idempotent: packages already present are skipped, and when nothing is missing it
# changes nothing and touches no network.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config
  libboost-dev libhowardhinnant-date-dev libabsl-dev libical-dev libsqlite3-dev libpq-dev
  nlohmann-json3-dev libsodium-dev libspdlog-dev libcli11-dev libcurl4-openssl-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev tzdata sqlite3
  wrk nginx-light curl
  postgresql radicale
  python3 python3-dateutil python3-icalendar python3-caldav python3-requests
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

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
