#!/usr/bin/env bash
# e2e-loop.sh runs the cross-province loop end to end (e2e/loop, node:test + playwright-core in
# Debian's Chromium): one platform (cmd/platform on SQLite, demo places) and two workstations
# (cmd/tongban-web): hall A 410102 郑州市中原区 collects, place B 330106 杭州市西湖区 handles.
# A third workstation C 410305 洛阳市涧西区 (Henan: 全豫通办) is the second place of a 多地联办 case.
# All are seeded with the demo accounts and enrolled with the platform's one-time codes.
#   E2E_KEEP=1  keep the temporary data directories and logs
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -f "$ROOT/frontend/dist/index.html" ] || die "frontend/dist is missing: run scripts/build.sh frontend"
[ -d "$ROOT/e2e/node_modules/playwright-core" ] || die "playwright-core is missing: run scripts/deps.sh test"
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || die "$chromium is missing (Debian package chromium): run scripts/deps.sh test"

"$ROOT/scripts/build.sh" web
# This run's loop screenshots only.
find "$ROOT/e2e/screenshots" -maxdepth 1 -name '[0-9]-*.png' -delete 2>/dev/null || true
mkdir -p "$TMPROOT/bin"
(cd "$ROOT" && go build -o "$TMPROOT/bin/platform" ./cmd/platform && go build -o "$TMPROOT/bin/tongbanctl" ./cmd/tongbanctl)
ctl="$TMPROOT/bin/tongbanctl"

work="$(mktemp -d -t tongban-loop.XXXXXX)"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ -z "${E2E_KEEP:-}" ] && [ "${e2e_ok:-}" = 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for LOG PATTERN PID: the first line of LOG matching the sed pattern's capture, within 30 s.
wait_for() {
	local log="$1" pat="$2" pid="$3" v=""
	for _ in $(seq 300); do
		v="$(sed -n "s/$pat/\\1/p" "$log" | head -n1)"
		[ -n "$v" ] && { echo "$v"; return 0; }
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 40 "$log" >&2 || true
	return 1
}

port="$(free_port)"
platform_url="http://127.0.0.1:$port"
mkdir -p "$work/platform"
"$TMPROOT/bin/platform" serve --db "sqlite:$work/platform/platform.db" --addr "127.0.0.1:$port" \
	--blobs "$work/platform/blobs" --demo >"$work/platform/stdout.log" 2>"$work/platform/platform.log" &
pids+=($!)
code_a="$(wait_for "$work/platform/stdout.log" '^demo: enrollment code for hall 410102.*: \([A-Z0-9-]*\)$' "${pids[0]}")" ||
	die "the platform printed no enrollment code for 410102"
code_b="$(wait_for "$work/platform/stdout.log" '^demo: enrollment code for hall 330106.*: \([A-Z0-9-]*\)$' "${pids[0]}")" ||
	die "the platform printed no enrollment code for 330106"
say "platform at $platform_url"

# seed_ws DIR CODE [seed args...]: demo accounts + hall, enrolled with the platform.
seed_ws() {
	local dir="$1" code="$2"
	shift 2
	"$ctl" --data-dir "$dir" demo seed "$@" >/dev/null
	"$ctl" --data-dir "$dir" sync enroll "$platform_url" "$code" >/dev/null
}
seed_ws "$work/a" "$code_a"
seed_ws "$work/b" "$code_b" --hall 330106 --hall-name "杭州市西湖区行政服务中心（演示）"
code_c="$("$TMPROOT/bin/platform" admin --db "sqlite:$work/platform/platform.db" enroll-code --hall 410305)" ||
	die "no enrollment code for 410305"
seed_ws "$work/c" "$code_c" --hall 410305 --hall-name "洛阳市涧西区政务服务中心（演示）"

# start_ws NAME: tongban-web on a free port; prints its URL.
start_ws() {
	local name="$1" log="$work/$1.log"
	(cd "$ROOT" && exec "$TMPROOT/bin/tongban-web" --addr 127.0.0.1:0 --data-dir "$work/$name" \
		--frontend "$ROOT/frontend/dist") >"$log" 2>&1 &
	pids+=($!)
	wait_for "$log" '^TONGBAN_WEB_READY \(http[^ ]*\).*' "$!"
}
url_a="$(start_ws a)" || die "workstation A did not start"
url_b="$(start_ws b)" || die "workstation B did not start"
url_c="$(start_ws c)" || die "workstation C did not start"
say "workstation A (410102) at $url_a, B (330106) at $url_b, C (410305) at $url_c"

set +e
(cd "$ROOT/e2e" && TONGBAN_URL="$url_a" TONGBAN_URL_A="$url_a" TONGBAN_URL_B="$url_b" TONGBAN_URL_C="$url_c" TONGBAN_PLATFORM="$platform_url" \
	CHROMIUM="$chromium" node --test --test-concurrency=1 loop/*.test.mjs </dev/null)
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	for f in a.log b.log c.log platform/platform.log; do
		echo "--- last lines of $work/$f:" >&2
		tail -n 30 "$work/$f" >&2 || true
	done
	E2E_KEEP=1
	die "loop end-to-end tests failed; screenshots in e2e/screenshots/, data in $work"
fi
e2e_ok=1
say "loop end-to-end tests passed; screenshots in e2e/screenshots/"
