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

# Hook for issue 6: when the platform server exists (cmd/platform), start it beside the
# workstation on loopback and stop it when the window closes. Set NO_PLATFORM=1 to skip.
platform_pid=""
start_platform() {
	[ -d "$ROOT/cmd/platform" ] && [ -z "${NO_PLATFORM:-}" ] || return 0
	local pdata="${PLATFORM_DATA_DIR:-${DATA_DIR:-$TMPROOT/run}/platform}"
	mkdir -p "$pdata" "$TMPROOT/bin"
	say "starting the platform (cmd/platform) on ${PLATFORM_ADDR:-127.0.0.1:8790}, data in $pdata"
	(cd "$ROOT" && go build -o "$TMPROOT/bin/platform" ./cmd/platform)
	"$TMPROOT/bin/platform" --addr "${PLATFORM_ADDR:-127.0.0.1:8790}" --data-dir "$pdata" &
	platform_pid=$!
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
