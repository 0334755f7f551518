#!/usr/bin/env bash
# Stops the broker that start.sh started (SIGTERM for a clean shutdown, SIGKILL after 30 s).
#   test/kafka/stop.sh [run-dir]      run-dir defaults to test/kafka/.run
# Data, ports and logs stay, so start.sh brings the same broker back.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
run_dir=${1:-$here/.run}
pid_file=$run_dir/kafka.pid
[ -f "$pid_file" ] || exit 0
pid=$(cat "$pid_file")
if kill -TERM "$pid" 2>/dev/null; then
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pid_file"
