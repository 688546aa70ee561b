#!/usr/bin/env bash
# village.sh measures issue 6 figure (c): a village point's day (40 cases,
# 400 pages of ~100 KB) from a real workstation to a platform inside a
# network namespace, over a veth pair shaped to 512 kbit/s each way (tbf),
# behind bench/sync/figures' fault proxy (100 ms per chunk each way, 2 % of
# chunks drop the connection, two cuts of 10 s). Needs root, iproute2 and
# the sch_tbf qdisc. The namespace is removed on exit. Takes ~15-20 min.
#   VILLAGE_CASES=40 VILLAGE_PAGES=10 VILLAGE_PAGE=100000 VILLAGE_RATE=512kbit
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ns=tbv
rate="${VILLAGE_RATE:-512kbit}"
tmp=""
cleanup() {
	ip netns del "$ns" 2>/dev/null || true
	ip link del veth-h 2>/dev/null || true
	if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
cleanup
tmp="$(mktemp -d)"
go build -o "$tmp/platform" ./cmd/platform
go build -o "$tmp/figures" ./bench/sync/figures
ip netns add "$ns"
ip link add veth-h type veth peer name veth-n
ip link set veth-n netns "$ns"
ip addr add 10.200.0.1/30 dev veth-h
ip link set veth-h up
ip -n "$ns" addr add 10.200.0.2/30 dev veth-n
ip -n "$ns" link set veth-n up
ip -n "$ns" link set lo up
tc qdisc add dev veth-h root tbf rate "$rate" burst 32kbit latency 400ms
ip netns exec "$ns" tc qdisc add dev veth-n root tbf rate "$rate" burst 32kbit latency 400ms
tc qdisc show dev veth-h
ip netns exec "$ns" tc qdisc show dev veth-n
"$tmp/figures" -platform "$tmp/platform" -fig c -netns "$ns" -platform-addr 10.200.0.2:8470 \
	-cases "${VILLAGE_CASES:-40}" -scans "${VILLAGE_PAGES:-10}" -scan "${VILLAGE_PAGE:-100000}" "$@"
