#!/usr/bin/env bash
# dist.sh builds the release files into dist/: the Linux desktop binary with its desktop entry and
# icon, the Windows .exe and its NSIS installer, tongbanctl for both, and SHA256SUMS.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/deps.sh" test
"$ROOT/scripts/build.sh" frontend
"$ROOT/scripts/build.sh" linux
"$ROOT/scripts/build.sh" windows

out="$ROOT/dist"
rm -rf "$out"
mkdir -p "$out"
cp "$(linux_binary)" "$out/tongban"
cp "$ROOT/build/linux/tongban.desktop" "$out/"
cp "$ROOT/build/appicon.png" "$out/tongban.png"
cp "$ROOT/build/bin/tongban.exe" "$ROOT/build/bin/tongban-amd64-installer.exe" "$out/"

if [ -d "$ROOT/cmd/tongbanctl" ]; then
	say "go build ./cmd/tongbanctl (linux/amd64, windows/amd64)"
	ld="-X main.version=$(app_version)"
	(cd "$ROOT" && go build -trimpath -ldflags "$ld" -o "$out/tongbanctl" ./cmd/tongbanctl)
	(cd "$ROOT" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags "$ld" \
		-o "$out/tongbanctl.exe" ./cmd/tongbanctl)
fi

(cd "$out" && sha256sum -- * >SHA256SUMS)
say "dist/ ($(app_version)):"
ls -l "$out"
