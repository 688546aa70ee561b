#!/usr/bin/env bash
# build.sh frontend|linux|windows|web|ctl|all builds one part of Tongban.
#   frontend  npm run build in frontend/ (frontend/dist is embedded by main.go)
#   linux     the desktop binary build/bin/tongban (GTK + WebKitGTK 4.1, tag webkit2_41)
#   windows   build/bin/tongban.exe and its NSIS installer build/bin/tongban-amd64-installer.exe
#   web       the HTTP mode .tmp/bin/tongban-web (end-to-end tests)
#   ctl       the admin CLI .tmp/bin/tongbanctl
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_frontend() {
	[ -f "$ROOT/frontend/package.json" ] || die "frontend/package.json is missing"
	say "frontend: npm run build"
	(cd "$ROOT/frontend" && npm run build)
	[ -f "$ROOT/frontend/dist/index.html" ] || die "frontend build left no frontend/dist/index.html"
}

need_dist() {
	[ -f "$ROOT/frontend/dist/index.html" ] || die "frontend/dist is missing: run scripts/build.sh frontend first"
}

build_linux() {
	need_dist
	local bin
	bin="$(linux_binary)"
	rm -f "$bin"
	say "wails build linux/amd64 (tags webkit2_41)"
	wails_build -platform linux/amd64 -tags webkit2_41
	[ -x "$bin" ] || die "wails build exited without leaving $bin"
	say "built $bin ($(du -h "$bin" | cut -f1))"
}

# is_pe checks that a file is a Windows executable (MZ header).
is_pe() { [ -s "$1" ] && [ "$(head -c 2 "$1")" = "MZ" ]; }

build_windows() {
	need_dist
	# Wails only warns and exits 0 when makensis is missing: check first, and check the files after.
	command -v makensis >/dev/null || die "makensis is missing (Debian package nsis): run scripts/deps.sh test"
	local exe="$ROOT/build/bin/tongban.exe" inst="$ROOT/build/bin/tongban-amd64-installer.exe"
	rm -f "$exe" "$inst"
	say "wails build windows/amd64 -nsis"
	# CGO is not needed on Windows: the SQLite driver is pure Go.
	CGO_ENABLED=0 wails_build -platform windows/amd64 -nsis
	is_pe "$exe" || die "wails build left no Windows executable at $exe"
	is_pe "$inst" || die "wails build left no NSIS installer at $inst (is makensis working?)"
	say "built $exe ($(du -h "$exe" | cut -f1)) and $inst ($(du -h "$inst" | cut -f1))"
}

build_go_cmd() { # name
	[ -d "$ROOT/cmd/$1" ] || die "cmd/$1 is missing"
	mkdir -p "$TMPROOT/bin"
	say "go build ./cmd/$1"
	(cd "$ROOT" && go build -trimpath -ldflags "-X main.version=$(app_version)" -o "$TMPROOT/bin/$1" "./cmd/$1")
}

case "${1:-}" in
frontend) build_frontend ;;
linux) build_linux ;;
windows) build_windows ;;
web) build_go_cmd tongban-web ;;
ctl) build_go_cmd tongbanctl ;;
all) build_frontend && build_linux && build_windows ;;
*) die "usage: scripts/build.sh frontend|linux|windows|web|ctl|all" ;;
esac
