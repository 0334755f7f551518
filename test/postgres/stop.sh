#!/usr/bin/env bash
# Stops the PostgreSQL that start.sh started (fast shutdown); its data stays for start.sh.
#   test/postgres/stop.sh [run-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
run_dir=${1:-$here/.run}
[ -f "$run_dir/data/PG_VERSION" ] || exit 0
bin=${FAXENGINE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$run_dir/data" -m fast -w stop >/dev/null 2>&1 || true
else "$bin/pg_ctl" -D "$run_dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
