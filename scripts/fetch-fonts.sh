#!/usr/bin/env bash
# Fetches Tongban's default Chinese font (Noto Sans SC Regular, TrueType
# outlines, SIL OFL 1.1) from the npm registry into printing/fonts/.
# Idempotent: does nothing when the file is there with the expected hash.
# The font (10 MB) is not committed: printing/fonts/.gitignore lists it.
set -euo pipefail
PKG="@expo-google-fonts/noto-sans-sc"
VER="0.4.3"
MEMBER="package/400Regular/NotoSansSC_400Regular.ttf"
SHA256="d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${1:-$ROOT/printing/fonts}/NotoSansSC-Regular.ttf"

if [ -f "$DEST" ] && echo "$SHA256  $DEST" | sha256sum -c --status; then
  echo "fetch-fonts: $DEST already present"
  exit 0
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
( cd "$TMP" && npm pack --silent "$PKG@$VER" >/dev/null )
tar -xzf "$TMP"/*.tgz -C "$TMP" "$MEMBER"
echo "$SHA256  $TMP/$MEMBER" | sha256sum -c --status || { echo "fetch-fonts: checksum mismatch for $PKG@$VER" >&2; exit 1; }
mkdir -p "$(dirname "$DEST")"
install -m 0644 "$TMP/$MEMBER" "$DEST"
echo "fetch-fonts: installed $DEST ($PKG@$VER, SIL OFL 1.1)"
