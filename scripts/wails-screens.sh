#!/usr/bin/env bash
# wails-screens.sh [BINARY]: screenshots of each intake wizard step in the real Wails window.
# Runs the desktop binary (default build/bin/tongban, from `make build-linux`) under a private Xvfb
# 1366x768x24 with a fresh demo data directory (`tongbanctl demo seed`: users with password
# Demo2026tb, the hall) and the file card-reader simulator, drives it with xdotool from the keyboard
# (one mouse click: the 证明用途 option), and saves docs/screenshots/wails-intake-*.png after each
# step (halved and pngquant-ed). Each shot is checked not to be blank and to differ from the one
# before it, so a step that did not advance fails the script.
# Needs the Debian packages xvfb, xdotool, imagemagick; pngquant when present.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin="${1:-$(linux_binary)}"
[ -x "$bin" ] || die "$bin is missing: run make build-linux"
for t in xdotool import convert compare; do
	command -v "$t" >/dev/null || die "$t is missing: apt-get install xdotool imagemagick"
done
out="$ROOT/docs/screenshots"
mkdir -p "$out"
work="$(mktemp -d -t tongban-screens.XXXXXX)"
data="$work/data"
app_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	xvfb_stop
	rm -rf "$work"
}
trap cleanup EXIT

cd "$ROOT"
go run ./cmd/tongbanctl --data-dir "$data" demo seed >/dev/null
mkdir -p "$data/cardreader"
printf '{"driver":"file","path":"cardreader/card.json","timeoutSeconds":5}\n' >"$data/cardreader.json"
# 张𠮷 (a CJK Extension B character), a valid GB 11643 number.
printf '{"docType":"resident_id","name":"张𠮷","number":"41010519900307123X","address":"河南省郑州市金水区经三路1号","validFrom":"2020.01.01","validUntil":"长期"}\n' \
	>"$data/cardreader/card.json"

xvfb_start
"$bin" --data-dir "$data" >"$work/app.out" 2>"$work/app.err" &
app_pid=$!
for _ in $(seq 150); do grep -q TONGBAN_UI_READY "$work/app.err" 2>/dev/null && break; sleep 0.1; done
grep -q TONGBAN_UI_READY "$work/app.err" || die "no window: $(tail -n 5 "$work/app.err")"
win="$(xdotool search --sync --name '通办工作台' | head -n 1)"
xdotool windowfocus "$win" 2>/dev/null || true
sleep 0.5

prev=""
n=0
# shot NAME: saves the screen, checks it is not blank and that it changed since the last shot.
shot() {
	local raw="$work/$1.png" file="$out/wails-intake-$1.png" colors diff
	sleep "${SETTLE:-1.5}"
	xdotool mousemove 1360 760 # keep the pointer out of the way
	import -window root "$raw"
	colors="$(convert "$raw" -format '%k' info:)"
	[ "$colors" -gt 50 ] || die "screenshot $1 looks blank ($colors colours)"
	if [ -n "$prev" ]; then
		diff="$(compare -metric AE "$prev" "$raw" null: 2>&1 || true)"
		[ "${diff%% *}" != "0" ] || die "screenshot $1 is the same as the one before: the step did not advance"
	fi
	prev="$raw"
	convert "$raw" -resize 50% "$file"
	if command -v pngquant >/dev/null; then pngquant --force --skip-if-larger --output "$file" -- "$file" || true; fi
	n=$((n + 1))
	say "$(basename "$file") ($(du -k "$file" | cut -f1) KiB)"
}
key() { xdotool key --clearmodifiers "$@"; }
typ() { xdotool type --delay 40 -- "$1"; }

typ clerk
key Tab
typ Demo2026tb
key Return
sleep 2
key alt+n
sleep 1.5
typ '犯罪'
shot 1-matter
key Return
sleep 1
key F2 # read the card from the simulator
sleep 1.5
typ 13812345678 # the phone (focus moves there after the card read)
shot 2-applicant
key Return
shot 3-identity
key Return
sleep 1
# 证明用途 is a required choice: click 就业 (layout of the 1366x768 screen).
xdotool mousemove "${PURPOSE_X:-520}" "${PURPOSE_Y:-415}" click 1
shot 4-form
key Return
shot 5-materials
key Return
shot 6-review
key Return
shot 7-confirm
key F4 # the elder-friendly full screen for the applicant
shot 7b-confirm-elder
key Escape
sleep 0.5
key Return
shot 8-decision
key Return
SETTLE=2.5 shot 9-accepted
say "$n screenshots in ${out#"$ROOT"/}"
