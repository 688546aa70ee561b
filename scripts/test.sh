#!/usr/bin/env bash
# test.sh runs every Tongban check as a list of steps, goes on after a failure where later steps
# do not depend on it, and ends with a summary and the line "N passed, N failed".
#   STEPS="vet gotest"   run only these steps (names as in the summary); the others are not run
#   GOTEST_TIMEOUT=15m   go test -timeout
# Exit status: 0 only when every step that ran passed.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOGDIR="$TMPROOT/test-logs"
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"
export CI="${CI:-}"

declare -a S_NAME=() S_STATUS=() S_SECS=() S_NOTE=()
declare -A STATUS=()
T0=$SECONDS
# A private PostgreSQL that this run starts for the Go tests is stopped at the end, whatever
# happened; one that was already running (started by hand, maybe by another shell) is reused and
# left running.
if [ ! -f "$TMPROOT/postgres.dir" ]; then
	trap '"$ROOT/scripts/start-postgres.sh" stop >/dev/null 2>&1 || true' EXIT
fi

selected() { [ -z "${STEPS:-}" ] || [[ " $STEPS " == *" $1 "* ]]; }

# step NAME "NEEDS..." FUNCTION: runs FUNCTION in a subshell (errexit on), output to the terminal
# and to $LOGDIR/NAME.log. A step whose needs failed or were skipped is skipped.
step() {
	local name="$1" needs="$2" fn="$3" n status note="" t
	selected "$name" || return 0
	for n in $needs; do
		case "${STATUS[$n]:-notrun}" in
		fail | skip)
			status=skip note="needs $n"
			;;
		esac
	done
	t=$SECONDS
	if [ "${status:-}" != skip ]; then
		printf '\n%s========== %s ==========%s\n' "$C_BLD" "$name" "$C_OFF"
		(set -euo pipefail; "$fn") 2>&1 | tee "$LOGDIR/$name.log"
		if [ "${PIPESTATUS[0]}" -eq 0 ]; then status=pass; else
			status=fail note="log: ${LOGDIR#"$ROOT"/}/$name.log"
			printf '%s========== FAILED: %s ==========%s\n' "$C_RED" "$name" "$C_OFF"
		fi
	fi
	STATUS[$name]=$status
	S_NAME+=("$name") S_STATUS+=("$status") S_SECS+=("$((SECONDS - t))") S_NOTE+=("$note")
}

# --- the steps -------------------------------------------------------------------------------

do_deps() { "$ROOT/scripts/deps.sh" test; }

do_frontend_build() { "$ROOT/scripts/build.sh" frontend; }

# go_pkgs prints the packages for go vet / go test: ./... , or, when frontend/dist is missing
# (the frontend build failed), every package but the root one, which embeds frontend/dist.
go_pkgs() {
	if [ -f "$ROOT/frontend/dist/index.html" ]; then
		echo ./...
		return
	fi
	warn "frontend/dist is missing: the root package (main.go embeds it) is left out" >&2
	local mod
	mod="$(go list -m)"
	go list -e ./... | grep -vx "$mod"
}

do_vet() {
	cd "$ROOT"
	local pkgs
	pkgs="$(go_pkgs)"
	# shellcheck disable=SC2086 # one package per word
	go vet $pkgs
}

# The build and test scripts themselves (warnings and errors).
do_shellcheck() { cd "$ROOT" && shellcheck -x -S warning scripts/*.sh bench/*.sh .ci/run; }

# Services that the Go tests use: CUPS with a cups-pdf printer (scripts/start-cups.sh prints
# `export NAME=value` lines, e.g. TONGBAN_TEST_PRINTER) and a private PostgreSQL for the platform
# (scripts/start-postgres.sh, same protocol: TONGBAN_TEST_PG).
export_from() { # script
	local out
	[ -f "$1" ] || return 0
	say "starting services: ${1#"$ROOT"/}"
	out="$(bash "$1")" || die "${1#"$ROOT"/} failed"
	printf '%s\n' "$out"
	while IFS= read -r line; do
		if [[ "$line" =~ ^export\ ([A-Z_][A-Z0-9_]*)=(.*)$ ]]; then
			local v="${BASH_REMATCH[2]}"
			v="${v#[\"\']}" v="${v%[\"\']}"
			export "${BASH_REMATCH[1]}=$v"
			say "  ${BASH_REMATCH[1]}=$v"
		fi
	done <<<"$out"
}

do_gotest() {
	export_from "$ROOT/scripts/start-cups.sh"
	export_from "$ROOT/scripts/start-postgres.sh"
	cd "$ROOT"
	local pkgs
	pkgs="$(go_pkgs)"
	# shellcheck disable=SC2086 # one package per word
	go test -race -timeout "${GOTEST_TIMEOUT:-15m}" $pkgs
}

do_typecheck() { cd "$ROOT/frontend" && npm run typecheck; }

do_vitest() { cd "$ROOT/frontend" && npm test; }

do_build_linux() { "$ROOT/scripts/build.sh" linux; }

do_build_windows() { "$ROOT/scripts/build.sh" windows; }

do_e2e() { timeout 600 "$ROOT/scripts/e2e.sh"; }

do_e2e_loop() { timeout 900 "$ROOT/scripts/e2e-loop.sh"; }

do_smoke() { timeout 180 "$ROOT/scripts/smoke.sh"; }

say "Tongban test run: $(date -u '+%Y-%m-%d %H:%M:%SZ'), $(nproc) cores, logs in ${LOGDIR#"$ROOT"/}/"
step deps "" do_deps
if [ "${STATUS[deps]:-}" = fail ]; then
	echo "${C_RED}dependencies could not be installed: stopping${C_OFF}" >&2
else
	step shellcheck "deps" do_shellcheck
	step frontend-build "deps" do_frontend_build
	step vet "deps" do_vet
	step gotest "deps" do_gotest
	step typecheck "deps" do_typecheck
	step vitest "deps" do_vitest
	step build-linux "deps frontend-build" do_build_linux
	step build-windows "deps frontend-build" do_build_windows
	step e2e "deps frontend-build" do_e2e
	step e2e-loop "deps frontend-build" do_e2e_loop
	step smoke "build-linux" do_smoke
fi

# --- summary ---------------------------------------------------------------------------------
pass=0 fail=0 skip=0
printf '\n%s========== summary (%ss) ==========%s\n' "$C_BLD" "$((SECONDS - T0))" "$C_OFF"
for i in "${!S_NAME[@]}"; do
	case "${S_STATUS[$i]}" in
	pass) pass=$((pass + 1)) c="$C_GRN" ;;
	fail) fail=$((fail + 1)) c="$C_RED" ;;
	*) skip=$((skip + 1)) c="$C_YEL" ;;
	esac
	printf '  %s%-4s%s  %-15s %5ss  %s\n' "$c" "${S_STATUS[$i]^^}" "$C_OFF" "${S_NAME[$i]}" "${S_SECS[$i]}" "${S_NOTE[$i]}"
done
if [ "$fail" -gt 0 ]; then
	failed=""
	for i in "${!S_NAME[@]}"; do [ "${S_STATUS[$i]}" = fail ] && failed+=" ${S_NAME[$i]}"; done
	echo "${C_RED}failed steps:${failed}${C_OFF}"
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ] && [ "$skip" -eq 0 ] && [ "$pass" -gt 0 ]
