#!/usr/bin/env bash
# e2e.sh runs the end-to-end tests (e2e/tests, node:test + playwright-core in Debian's Chromium)
# against cmd/tongban-web serving the built frontend and the real Go services, with a fresh data
# directory. Screenshots land in e2e/screenshots/ (gitignored).
#   E2E_KEEP=1  keep the temporary data directory and server log
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -f "$ROOT/frontend/dist/index.html" ] || die "frontend/dist is missing: run scripts/build.sh frontend"
[ -d "$ROOT/e2e/node_modules/playwright-core" ] || die "playwright-core is missing: run scripts/deps.sh test"
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || die "$chromium is missing (Debian package chromium): run scripts/deps.sh test"

"$ROOT/scripts/build.sh" web
# This run's screenshots only (the Xvfb smoke test's wails-smoke.png stays).
find "$ROOT/e2e/screenshots" -maxdepth 1 -name '*.png' ! -name 'wails-smoke.png' -delete 2>/dev/null || true
work="$(mktemp -d -t tongban-e2e.XXXXXX)"
log="$work/tongban-web.log"

server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [ -z "${E2E_KEEP:-}" ] && [ "${e2e_ok:-}" = 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# Port 0: the server picks a free port and prints TONGBAN_WEB_READY <url>.
(cd "$ROOT" && exec "$TMPROOT/bin/tongban-web" --addr 127.0.0.1:0 --data-dir "$work/data" \
	--frontend "$ROOT/frontend/dist") >"$log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 300); do # 30 s
	url="$(sed -n 's/^TONGBAN_WEB_READY \(http[^ ]*\).*/\1/p' "$log" | head -n1)"
	[ -n "$url" ] && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$url" ]; then
	tail -n 40 "$log" >&2 || true
	die "tongban-web did not start (no TONGBAN_WEB_READY within 30 s)"
fi
say "tongban-web at $url (data in $work/data)"

set +e
(cd "$ROOT/e2e" && TONGBAN_URL="$url" CHROMIUM="$chromium" npm test --silent </dev/null)
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	echo "--- last lines of the tongban-web log ($log):" >&2
	tail -n 40 "$log" >&2 || true
	E2E_KEEP=1
	die "end-to-end tests failed; screenshots in e2e/screenshots/, data in $work"
fi
e2e_ok=1
say "end-to-end tests passed; screenshots in e2e/screenshots/"
