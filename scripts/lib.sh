# shellcheck shell=bash
# Shared helpers for the Tongban build and test scripts. Source it; do not run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# Scratch space for build output and test logs (gitignored: /.tmp/). Data directories of test
# runs go to mktemp -d under $TMPDIR instead, out of reach of a `make clean` in the shared tree.
TMPROOT="${TONGBAN_TMP:-$ROOT/.tmp}"
mkdir -p "$TMPROOT"

# Colours only on a terminal.
if [ -t 1 ]; then
	C_RED=$'\e[31m' C_GRN=$'\e[32m' C_YEL=$'\e[33m' C_BLD=$'\e[1m' C_OFF=$'\e[0m'
else
	C_RED='' C_GRN='' C_YEL='' C_BLD='' C_OFF=''
fi

say() { printf '%s==> %s%s\n' "$C_BLD" "$*" "$C_OFF"; }
warn() { printf '%swarning: %s%s\n' "$C_YEL" "$*" "$C_OFF" >&2; }
die() {
	printf '%serror: %s%s\n' "$C_RED" "$*" "$C_OFF" >&2
	exit 1
}

# wails runs the Wails CLI pinned in tools/go.mod (a Go tool dependency, no global install).
# It must run from the repository root, where wails.json lives.
wails() {
	(cd "$ROOT" && go tool -modfile="$ROOT/tools/go.mod" wails "$@")
}

# free_port prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# xvfb_start starts a private Xvfb (1366x768x24 unless XVFB_SCREEN is set) on a free display
# and exports DISPLAY and XVFB_PID. Call xvfb_stop when done.
xvfb_start() {
	command -v Xvfb >/dev/null || die "Xvfb is missing: run scripts/deps.sh test"
	local fifo dir
	dir="$(mktemp -d -t tongban-xvfb.XXXXXX)"
	fifo="$dir/displayfd"
	mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 "${XVFB_SCREEN:-1366x768x24}" -nolisten tcp -noreset \
		3>"$fifo" >"$dir/xvfb.log" 2>&1 &
	XVFB_PID=$!
	XVFB_DIR="$dir"
	local num
	if ! read -r -t 15 num <"$fifo"; then
		kill "$XVFB_PID" 2>/dev/null || true
		die "Xvfb did not start (see $dir/xvfb.log)"
	fi
	rm -f "$fifo"
	export DISPLAY=":$num" XVFB_PID
}

xvfb_stop() {
	if [ -n "${XVFB_PID:-}" ]; then
		kill "$XVFB_PID" 2>/dev/null || true
		wait "$XVFB_PID" 2>/dev/null || true
		unset XVFB_PID
	fi
	if [ -n "${XVFB_DIR:-}" ]; then
		rm -rf "$XVFB_DIR"
		unset XVFB_DIR
	fi
}

# linux_binary prints the path of the built Linux workstation binary.
linux_binary() { printf '%s/build/bin/tongban\n' "$ROOT"; }

# app_version prints the version stamped into binaries: $VERSION, else wails.json's productVersion
# plus the git commit when there is one.
app_version() {
	if [ -n "${VERSION:-}" ]; then
		printf '%s\n' "$VERSION"
		return
	fi
	local v c
	v="$(node -p 'require(process.argv[1]).info.productVersion' "$ROOT/wails.json" 2>/dev/null || echo 0.0.0)"
	c="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || true)"
	printf '%s%s\n' "$v" "${c:++$c}"
}

# wails_build runs `wails build` the way every Tongban build needs it: the frontend is built
# beforehand (-s), bindings are called by name (-skipbindings), and Wails must never run
# `go mod tidy` or rewrite go.mod in the shared module (-m -nosyncgomod).
wails_build() {
	wails build -s -skipbindings -skipembedcreate -m -nosyncgomod -trimpath -nocolour \
		-ldflags "-X main.version=$(app_version)" "$@"
}
