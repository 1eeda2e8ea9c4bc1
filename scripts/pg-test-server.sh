#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the tests and prints its URL on the last line.
#   scripts/pg-test-server.sh [DIR] [PORT]
# Runs the server as the `postgres` user when started as root (PostgreSQL refuses to run as root).
# Stop it with: pg_ctl -D DIR/data stop  (as the same user)
set -euo pipefail
dir=${1:-$(mktemp -d /tmp/congso-pg.XXXXXX)}
port=${2:-55432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
fi
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" start >/dev/null
as_pg "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='congso_test'" | grep -q 1 \
  || as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres congso_test
echo "postgres://postgres@127.0.0.1:$port/congso_test"
