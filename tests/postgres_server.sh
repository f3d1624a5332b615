#!/usr/bin/env bash
# A real PostgreSQL server for the run store's tests, in a folder of its own, on a free port.
#   tests/postgres_server.sh start DIR    initdb into DIR, start on 127.0.0.1 (password auth)
#   tests/postgres_server.sh newdb DIR    create an empty database; print its URL
#   tests/postgres_server.sh restart DIR  stop and start again on the same port (fast shutdown)
#   tests/postgres_server.sh stop DIR     stop the server and remove DIR
# CTest runs start and stop as fixtures. PostgreSQL refuses to run as root: as root, the server
# runs as the 'postgres' user that Debian's package creates, with its files in a folder under
# /tmp (DIR, in the build tree, may sit under a home that user cannot enter; DIR/root names it).
set -euo pipefail

cmd=${1:?usage: postgres_server.sh start|newdb|restart|stop DIR}
dir=${2:?usage: postgres_server.sh start|newdb|restart|stop DIR}
user=studio
password=studio-test

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres_server.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

server_start() {
  as_owner "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
    -o "-p $(cat "$dir/port") -k $root/socket -c listen_addresses=127.0.0.1" start >/dev/null
}

root=""
[ -f "$dir/root" ] && root=$(cat "$dir/root")

case "$cmd" in
  start)
    if [ -n "$root" ] && [ -d "$root/data" ]; then
      as_owner "$bin/pg_ctl" -D "$root/data" -m immediate stop >/dev/null 2>&1 || true
      rm -rf "$root"
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    root=$(mktemp -d /tmp/studio-postgres.XXXXXX)
    chmod 755 "$root"
    echo "$root" >"$dir/root"
    mkdir -p "$root/socket"
    printf '%s\n' "$password" >"$root/pwfile"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$root"
    as_owner "$bin/initdb" -D "$root/data" -U "$user" --pwfile="$root/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 >"$root/initdb.log" 2>&1 ||
      { cat "$root/initdb.log" >&2; exit 1; }
    # A free port: try from a random start until the server comes up.
    port=$((20000 + RANDOM % 20000))
    for attempt in $(seq 1 20); do
      echo "$port" >"$dir/port"
      if server_start 2>/dev/null; then
        echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($root)"
        exit 0
      fi
      port=$((port + 1 + RANDOM % 100))
    done
    echo "postgres_server.sh: the server did not start; its log:" >&2
    tail -n 20 "$root/server.log" >&2
    exit 1
    ;;
  newdb)
    port=$(cat "$dir/port")
    name="t_$(date +%s%N)_$$_$RANDOM"
    PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$name"
    echo "postgresql://$user:$password@127.0.0.1:$port/$name"
    ;;
  restart)
    as_owner "$bin/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null
    server_start
    ;;
  stop)
    if [ -n "$root" ] && [ -d "$root/data" ]; then
      as_owner "$bin/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    [ -n "$root" ] && rm -rf "$root"
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres_server.sh start|newdb|restart|stop DIR" >&2
    exit 2
    ;;
esac
