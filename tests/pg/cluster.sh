#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: initdb and pg_ctl on a temporary folder,
# listening on a free loopback port, trusting local connections as user `kairos`.
#   cluster.sh start STATE_DIR   starts one; writes its port to STATE_DIR/port and the
#                                folder holding its data to STATE_DIR/data_dir
#   cluster.sh restart STATE_DIR restarts it on the same port (fast shutdown)
#   cluster.sh stop STATE_DIR    stops it and removes its folder
# Several ctest runs on one build folder share the cluster: start joins a running one and
# stop removes it when the last run leaves. STATE_DIR/users lists the runs (the process
# ids of the callers, ctest for both fixture steps); runs that died are forgotten.
# initdb refuses to run as root, so as root the cluster runs as the `postgres` user.
set -euo pipefail

action=${1:?usage: cluster.sh start|restart|stop STATE_DIR}
state=${2:?usage: cluster.sh start|restart|stop STATE_DIR}

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "cluster.sh: PostgreSQL server binaries not found (install them with scripts/install-deps.sh)" >&2
  exit 1
fi

# The lock's descriptor is closed for children: the server would otherwise hold it.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@" 9>&-; else "$@" 9>&-; fi
}

pg_ctl_on() {
  local data=$1
  shift
  as_owner "$bindir/pg_ctl" -D "$data/pgdata" -l "$data/server.log" "$@"
}

start_server() {
  local data=$1 port=$2
  # fsync off: a test cluster need not survive a power loss, and creating a database per
  # test server is then fast. A clean restart (what the tests do) loses nothing either way.
  pg_ctl_on "$data" -w -t 60 -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off \
    -c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB" start >/dev/null
}

running() {
  [ -f "$state/data_dir" ] && [ -f "$state/port" ] &&
    as_owner "$bindir/pg_ctl" -D "$(cat "$state/data_dir")/pgdata" status >/dev/null 2>&1
}

remove_cluster() {
  [ -f "$state/data_dir" ] || return 0
  local data
  data=$(cat "$state/data_dir")
  pg_ctl_on "$data" -w -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$data" "$state/data_dir" "$state/port" "$state/users"
}

mkdir -p "$state"
exec 9>"$state/lock"
flock 9

# The users still alive, one process id a line, without `drop`.
live_users() {
  local drop=${1:-}
  [ -f "$state/users" ] || return 0
  while read -r pid; do
    [ -n "$pid" ] && [ "$pid" != "$drop" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
  done <"$state/users"
  return 0
}

case "$action" in
  start)
    if running; then
      { live_users; echo "$PPID"; } >"$state/users.new"
      mv "$state/users.new" "$state/users"
      exit 0
    fi
    remove_cluster
    data=$(mktemp -d /tmp/kairos-pg-XXXXXX)
    chmod 755 "$data"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data"; fi
    as_owner "$bindir/initdb" -D "$data/pgdata" -U kairos --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    start_server "$data" "$port"
    echo "$data" >"$state/data_dir"
    echo "$port" >"$state/port"
    echo "$PPID" >"$state/users"
    ;;
  restart)
    data=$(cat "$state/data_dir")
    pg_ctl_on "$data" -w -m fast stop >/dev/null
    start_server "$data" "$(cat "$state/port")"
    ;;
  stop)
    live_users "$PPID" >"$state/users.new"
    if [ -s "$state/users.new" ]; then
      mv "$state/users.new" "$state/users"
    else
      rm -f "$state/users.new"
      remove_cluster
    fi
    ;;
  *)
    echo "cluster.sh: unknown action $action" >&2
    exit 2
    ;;
esac
