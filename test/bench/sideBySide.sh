#!/usr/bin/env bash
# Compares two builds' CPU per fax with peer.ts, side by side: one peer.ts per build, started
# together, each with its own simulator and server. This VM's speed drifts between runs by more
# than most changes are worth, so runs of one build after the other cannot tell them apart; run
# together, whatever slows the machine slows both.
# Run: bash test/bench/sideBySide.sh <git revision to compare with> [pairs=3] [rounds=3]
# Prints one line per build and pair: CPU per received and per sent fax (last round), main thread.
set -euo pipefail
base_rev=${1:?usage: sideBySide.sh <git revision> [pairs] [rounds]}
pairs=${2:-3}
rounds=${3:-3}
here=$(cd "$(dirname "$0")/../.." && pwd)
base=$(mktemp -d /tmp/faxengine-side-by-side-XXXXXX)
trap 'git -C "$here" worktree remove --force "$base" >/dev/null 2>&1 || rm -rf "$base"' EXIT

git -C "$here" worktree add --detach "$base" "$base_rev" >/dev/null
ln -s "$here/node_modules" "$base/node_modules"
(cd "$base" && npm run build >/dev/null)
(cd "$here" && npm run build >/dev/null)

summary='const j = JSON.parse(require("fs").readFileSync(0)).warm;
console.log(process.argv[1].padEnd(12), "received", j.receiveCpuMsPerFax, "ms (main thread", j.receiveMainThreadCpuMsPerFax + ")", "sent", j.sendCpuMsPerFax, "ms (main thread", j.sendMainThreadCpuMsPerFax + ")")'
for pair in $(seq 1 "$pairs"); do
  for tree in "$base" "$here"; do
    label=$([ "$tree" = "$here" ] && echo "this" || echo "$base_rev")
    (cd "$tree" && BENCH_NO_BUILD=1 npx tsx test/bench/peer.ts --rounds "$rounds" --settle-seconds 3 2>/dev/null | tail -1 | node -e "$summary" "$label") &
  done
  wait
done
