#!/usr/bin/env bash
# smoke.sh [BINARY] starts the built desktop binary under a private Xvfb (1366x768x24) with
# --smoke and a fresh data directory, waits for TONGBAN_UI_READY on its stderr, takes a
# screenshot of the whole screen, checks that it is not blank and that the binary exits by itself.
#   SMOKE_MIN_STDDEV  (default 0.02)  ImageMagick standard deviation (0..1) the screenshot must exceed
#   SMOKE_MIN_COLOURS (default 32)    distinct colours the screenshot must have
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin="${1:-$(linux_binary)}"
[ -x "$bin" ] || die "$bin is missing: run scripts/build.sh linux"
command -v import >/dev/null || die "ImageMagick is missing: run scripts/deps.sh test"

shots="$ROOT/e2e/screenshots"
mkdir -p "$shots"
work="$(mktemp -d -t tongban-smoke.XXXXXX)"
png="$shots/wails-smoke.png"
rm -f "$png"

app_pid=""
cleanup() {
	if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then kill "$app_pid" 2>/dev/null || true; fi
	xvfb_stop
}
trap cleanup EXIT

xvfb_start
say "Xvfb on $DISPLAY; starting $bin --smoke --data-dir $work/data"
"$bin" --smoke --data-dir "$work/data" >"$work/stdout.log" 2>"$work/stderr.log" &
app_pid=$!

# Wait for the start-up signal (or the process dying).
ready=""
for _ in $(seq 600); do # 60 s
	if ready="$(grep -m1 '^TONGBAN_UI_READY ' "$work/stderr.log")"; then break; fi
	kill -0 "$app_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$ready" ]; then
	echo "--- stderr of $bin:" >&2
	tail -n 40 "$work/stderr.log" >&2 || true
	die "no TONGBAN_UI_READY within 60 s"
fi
say "$ready"
# The app quits 1.5 s after the signal: take the screenshot now, after one more paint.
sleep 0.3
import -window root "$png"

# The binary must exit by itself (--smoke), with status 0.
rc=""
for _ in $(seq 300); do # 30 s
	if ! kill -0 "$app_pid" 2>/dev/null; then
		set +e
		wait "$app_pid"
		rc=$?
		set -e
		break
	fi
	sleep 0.1
done
app_pid_left="$app_pid"
app_pid=""
if [ -z "$rc" ]; then
	kill "$app_pid_left" 2>/dev/null || true
	die "$bin --smoke did not exit within 30 s of TONGBAN_UI_READY"
fi
if [ "$rc" -ne 0 ]; then
	tail -n 40 "$work/stderr.log" >&2 || true
	die "$bin --smoke exited with status $rc"
fi

read -r stddev colours < <(convert "$png" -format '%[fx:standard_deviation] %k\n' info:)
min_sd="${SMOKE_MIN_STDDEV:-0.02}" min_col="${SMOKE_MIN_COLOURS:-32}"
say "screenshot $png: standard deviation $stddev, $colours colours"
if ! awk -v a="$stddev" -v b="$min_sd" 'BEGIN{exit !(a>b)}' || [ "$colours" -le "$min_col" ]; then
	die "the window looks blank (need standard deviation > $min_sd and > $min_col colours)"
fi
rm -rf "$work"
say "smoke test passed"
