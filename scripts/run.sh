#!/usr/bin/env bash
# run.sh installs what is missing, builds Tongban and opens the workstation window.
#   DATA_DIR=DIR   data directory (default: $TONGBAN_DATA_DIR, else the OS user-data directory)
#   NO_BUILD=1     start the binary built last time
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# GTK panics without a display: say so before spending minutes on a build.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
	cat >&2 <<'MSG'
error: no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set).
       The workstation is a desktop window and cannot start without one.
       On a server or over SSH run it on a virtual display:   xvfb-run make run
       To use the UI in a browser instead:                    make web
错误：未检测到图形显示环境，无法打开工作台窗口。请在桌面环境中运行，或使用 xvfb-run make run。
MSG
	exit 2
fi

if [ -z "${NO_BUILD:-}" ]; then
	"$ROOT/scripts/deps.sh" run
	"$ROOT/scripts/build.sh" frontend
	"$ROOT/scripts/build.sh" linux
fi
bin="$(linux_binary)"
[ -x "$bin" ] || die "$bin is missing: run make build"

args=()
if [ -n "${DATA_DIR:-}" ]; then
	mkdir -p "$DATA_DIR"
	args+=(--data-dir "$DATA_DIR")
fi

# The provincial platform (cmd/platform, issue 6) runs beside the workstation on loopback with a
# demo SQLite database, and stops when the window closes. It prints a one-time enrollment code for
# the demo hall 410102, which the workstation's settings take. NO_PLATFORM=1 skips it;
# PLATFORM_ADDR (default 127.0.0.1:8470) and PLATFORM_DATA_DIR (default .tmp/platform) move it.
platform_pid=""
start_platform() {
	[ -d "$ROOT/cmd/platform" ] && [ -z "${NO_PLATFORM:-}" ] || return 0
	local pdata="${PLATFORM_DATA_DIR:-$TMPROOT/platform}" addr="${PLATFORM_ADDR:-127.0.0.1:8470}"
	mkdir -p "$pdata" "$TMPROOT/bin"
	(cd "$ROOT" && go build -o "$TMPROOT/bin/platform" ./cmd/platform) || { warn "cmd/platform does not build: starting without it"; return 0; }
	say "starting the platform on http://$addr/ (data in $pdata, log in $pdata/platform.log)"
	"$TMPROOT/bin/platform" serve --db "sqlite:$pdata/platform.db" --addr "$addr" --blobs "$pdata/blobs" --demo \
		>"$pdata/stdout.log" 2>"$pdata/platform.log" &
	platform_pid=$!
	sleep 1
	if ! kill -0 "$platform_pid" 2>/dev/null; then
		platform_pid=""
		warn "the platform did not start (port $addr in use?): see $pdata/platform.log; starting without it"
		return 0
	fi
	grep -h 'enrollment code' "$pdata/stdout.log" || true
	say "handling place 330106 (B): open its workstation with \`make run-b\` in another terminal while this one runs"
	# Hall A's line (the platform also prints one for the handling place B, read by scripts/run-b.sh).
	enroll_workstation "http://$addr" "$(grep -h 'enrollment code for hall 410102 ' "$pdata/stdout.log" |
		grep -o '[A-Z0-9]\{4\}-[A-Z0-9]\{4\}-[A-Z0-9]\{4\}-[A-Z0-9]\{4\}' | tail -1)"
}
# enroll_workstation seeds the workstation's data directory with the demo accounts (only when it has
# no account yet) and enrolls it with the platform (only when it is not enrolled, or its credential
# is no longer accepted, e.g. after the platform's data was removed), so sync works from the start.
enroll_workstation() {
	local url="$1" code="$2" ctl="$TMPROOT/bin/tongbanctl" out
	[ -n "$code" ] || { warn "the platform printed no enrollment code: enroll from the sync panel"; return 0; }
	(cd "$ROOT" && go build -o "$ctl" ./cmd/tongbanctl) || { warn "tongbanctl does not build: not enrolled"; return 0; }
	"$ctl" "${args[@]}" demo seed || warn "demo seed failed"
	out="$("$ctl" "${args[@]}" sync status 2>&1 || true)"
	if ! grep -q "^platform $url," <<<"$out" || ! "$ctl" "${args[@]}" sync now >/dev/null 2>&1; then
		"$ctl" "${args[@]}" sync enroll "$url" "$code" || warn "enrollment failed: enroll from the sync panel (code $code)"
	fi
}
stop_platform() {
	[ -n "$platform_pid" ] || return 0
	kill "$platform_pid" 2>/dev/null || true
	wait "$platform_pid" 2>/dev/null || true
}
trap stop_platform EXIT
start_platform

say "starting $bin ${args[*]}"
"$bin" "${args[@]}"
