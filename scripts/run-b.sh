#!/usr/bin/env bash
# run-b.sh opens a second workstation window: the demo handling place B, 330106 杭州市西湖区行政服务中心,
# against the platform that `make run` started (start that first, in another terminal). Cases that
# hall A (410102) dispatches to 330106 arrive in B's inbox.
#   DATA_DIR_B=DIR   B's data directory (default .tmp/ws-b)
#   PLATFORM_ADDR    the running platform (default 127.0.0.1:8470)
#   PLATFORM_DATA_DIR  its data directory (default .tmp/platform), where its enrollment codes are
#   NO_BUILD=1       start the binary built last time (make run built it)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
	cat >&2 <<'MSG'
error: no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set).
       The workstation is a desktop window: run it on a virtual display:   xvfb-run make run-b
错误：未检测到图形显示环境，无法打开工作台窗口。
MSG
	exit 2
fi

addr="${PLATFORM_ADDR:-127.0.0.1:8470}"
url="http://$addr"
pdata="${PLATFORM_DATA_DIR:-$TMPROOT/platform}"
data="${DATA_DIR_B:-$TMPROOT/ws-b}"
hall=330106
hall_name="杭州市西湖区行政服务中心（演示）"

curl -fsS -o /dev/null --max-time 3 "$url/healthz" ||
	die "no platform on $url: start \`make run\` (workstation A and the platform) first, then \`make run-b\`"

if [ -z "${NO_BUILD:-}" ] && [ ! -x "$(linux_binary)" ]; then
	"$ROOT/scripts/deps.sh" run
	"$ROOT/scripts/build.sh" frontend
	"$ROOT/scripts/build.sh" linux
fi
bin="$(linux_binary)"
[ -x "$bin" ] || die "$bin is missing: run make build"

mkdir -p "$data" "$TMPROOT/bin"
ctl="$TMPROOT/bin/tongbanctl"
(cd "$ROOT" && go build -o "$ctl" ./cmd/tongbanctl) || die "tongbanctl does not build"
"$ctl" --data-dir "$data" demo seed --hall "$hall" --hall-name "$hall_name"

# Enroll B unless it is enrolled with this platform and its credential still works: first with the
# code the platform printed at start-up; when that one was used already (an earlier B data
# directory), with a fresh one from the platform's database.
out="$("$ctl" --data-dir "$data" sync status 2>&1 || true)"
if ! grep -q "^platform $url," <<<"$out" || ! "$ctl" --data-dir "$data" sync now >/dev/null 2>&1; then
	code="$(grep -sh "enrollment code for hall $hall " "$pdata/stdout.log" |
		grep -o '[A-Z0-9]\{4\}-[A-Z0-9]\{4\}-[A-Z0-9]\{4\}-[A-Z0-9]\{4\}' | tail -1 || true)"
	if [ -z "$code" ] || ! "$ctl" --data-dir "$data" sync enroll "$url" "$code" 2>/dev/null; then
		[ -f "$pdata/platform.db" ] || die "no enrollment code for $hall: enroll B from its sync panel"
		[ -x "$TMPROOT/bin/platform" ] || (cd "$ROOT" && go build -o "$TMPROOT/bin/platform" ./cmd/platform)
		code="$("$TMPROOT/bin/platform" admin --db "sqlite:$pdata/platform.db" enroll-code --hall "$hall")"
		"$ctl" --data-dir "$data" sync enroll "$url" "$code" ||
			warn "enrollment failed: enroll B from its sync panel (code $code)"
	fi
fi

say "starting workstation B ($hall $hall_name, data in $data) against $url"
"$bin" --data-dir "$data"
