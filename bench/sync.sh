#!/usr/bin/env bash
# sync.sh measures issue 6's sync figures with bench/sync/figures (real sync
# client; platform as a separate process on SQLite). Results go to stdout;
# bench/results/sync.md holds the recorded ones. About 2.5 min by default.
#   SYNC_CASES=1000     cases for figure (a) (1 case record + 5 actions + 3 scans each)
#   SYNC_SCAN=51200     bytes per scan for figure (a)
#   SYNC_STEPS=2000,5000,10000,20000,50000   simulated devices for figure (d)
#   SYNC_WINDOW=10s     load window per step for figure (d)
#   SYNC_REAL=1         also figure (a) with real durable workstations (app/syncstore) as clients (~1.5 min)
#   SYNC_PG=1           also figure (d) with two nodes on one PostgreSQL (scripts/start-postgres.sh, fsync on)
#   SYNC_VILLAGE=1      also figure (c), the 512 kbit/s village link (root; bench/sync/village.sh, ~15 min)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/platform" ./cmd/platform
go build -o "$tmp/figures" ./bench/sync/figures
echo "## (a) push + pull, ${SYNC_CASES:-1000} cases, scans of ${SYNC_SCAN:-51200} bytes"
"$tmp/figures" -platform "$tmp/platform" -fig a -cases "${SYNC_CASES:-1000}" -scan "${SYNC_SCAN:-51200}"
echo "## (d) simulated devices, one node"
"$tmp/figures" -platform "$tmp/platform" -fig d -steps "${SYNC_STEPS:-2000,5000,10000,20000,50000}" -window "${SYNC_WINDOW:-10s}"
if [ "${SYNC_REAL:-0}" = 1 ]; then
	echo "## (a) with real workstations (app/store + app/cases + app/syncstore)"
	"$tmp/figures" -platform "$tmp/platform" -fig ra -cases "${SYNC_CASES:-1000}" -scan "${SYNC_SCAN:-51200}"
fi
if [ "${SYNC_PG:-0}" = 1 ]; then
	echo "## (d) simulated devices, two nodes on one PostgreSQL"
	eval "$(PG_FSYNC=on scripts/start-postgres.sh)"
	"$tmp/figures" -platform "$tmp/platform" -fig d -pg "$TONGBAN_TEST_PG" -nodes 2 -steps "${SYNC_STEPS:-2000,5000,10000,20000,50000}" -window "${SYNC_WINDOW:-10s}"
fi
if [ "${SYNC_VILLAGE:-0}" = 1 ]; then
	echo "## (c) village link"
	bench/sync/village.sh
fi
