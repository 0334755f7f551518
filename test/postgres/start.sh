#!/usr/bin/env bash
# Starts a throw-away PostgreSQL (Debian's postgresql-15 binaries) on 127.0.0.1 for the tests and
# prints its connection string. The cluster lives in run-dir (default test/postgres/.run), owned by
# the `postgres` user when run as root (PostgreSQL refuses to run as root). Its
# durability settings are left at their defaults: what the store promises is part of what is tested.
#   test/postgres/start.sh [run-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
run_dir=${1:-$here/.run}
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
bin=${FAXENGINE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/initdb" ] || { echo "postgres: no PostgreSQL server binaries (apt-get install postgresql-15)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -f "$run_dir/url" ] && as_owner "$bin/pg_ctl" -D "$run_dir/data" status >/dev/null 2>&1; then
  cat "$run_dir/url"
  exit 0
fi

if [ ! -f "$run_dir/data/PG_VERSION" ]; then
  [ "$(id -u)" -eq 0 ] && chown postgres "$run_dir"
  as_owner "$bin/initdb" -D "$run_dir/data" -U faxengine --auth=trust -E UTF8 --locale=C.UTF-8 >"$run_dir/initdb.log" 2>&1
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  cat >>"$run_dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run_dir'
max_connections = 200
shared_buffers = 64MB
CONF
  echo "postgres://faxengine@127.0.0.1:$port/postgres" >"$run_dir/url"
  [ "$(id -u)" -eq 0 ] && chown postgres "$run_dir/url"
fi

as_owner "$bin/pg_ctl" -D "$run_dir/data" -l "$run_dir/server.log" -w -t 60 start >/dev/null
cat "$run_dir/url"
