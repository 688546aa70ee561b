#!/usr/bin/env bash
# deps.sh [run|test] installs what Tongban needs that is missing on a Debian 12 machine:
# Debian packages (apt, only when something is missing), npm packages (npm ci, only when the lock
# file changed) and Go modules. "run" is what `make run` needs; "test" adds what `make test` needs.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${1:-run}"

# Keep these lists sorted; say why a package is here when it is not obvious.
RUN_PKGS=(
	gcc                    # cgo for the GTK/WebKit window
	libgtk-3-dev
	libwebkit2gtk-4.1-dev  # with the Go build tag webkit2_41
	make
	pkg-config
	fonts-noto-cjk         # Chinese text in the window
)
TEST_PKGS=(
	chromium               # end-to-end tests through playwright-core
	cups cups-bsd cups-client printer-driver-cups-pdf # print tests on a cups-pdf printer
	fonts-noto-cjk
	imagemagick            # screenshot of the Xvfb window, checked not blank
	nsis                   # makensis for the Windows installer
	poppler-utils          # pdftotext / pdftoppm checks of printed documents
	postgresql             # platform tests on a private PostgreSQL
	procps                 # ps: resident memory figures
	shellcheck             # lints the build and test scripts
	x11-utils xauth xvfb   # the real Wails window under Xvfb
	zbar-tools             # zbarimg reads barcodes and QR codes back from PDFs
)

case "$mode" in
run) want=("${RUN_PKGS[@]}") ;;
test) want=("${RUN_PKGS[@]}" "${TEST_PKGS[@]}") ;;
*) die "usage: scripts/deps.sh [run|test]" ;;
esac

# --- Debian packages -------------------------------------------------------------------------
missing=()
for p in "${want[@]}"; do
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	say "installing Debian packages: ${missing[*]}"
	SUDO=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
		SUDO=(sudo)
	fi
	# Wait for another apt/dpkg (another engineer, unattended-upgrades) instead of failing.
	APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
	"${APT[@]}" update </dev/null
	"${APT[@]}" install "${missing[@]}" </dev/null
else
	say "Debian packages for '$mode' are installed"
fi

# --- toolchains already on the machine -------------------------------------------------------
command -v go >/dev/null || die "Go is missing: install Go 1.26 into /usr/local/go"
command -v node >/dev/null || die "Node.js is missing: install Node.js 20"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js $node_major is too old: Tongban needs Node.js 20 or newer"

# --- npm packages: npm ci only when package-lock.json changed since the last install ----------
npm_ci() {
	local dir="$1" stamp sum
	[ -f "$dir/package-lock.json" ] || { [ -f "$dir/package.json" ] && warn "$dir has no package-lock.json"; return 0; }
	stamp="$dir/node_modules/.tongban-lock.sha256"
	sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
		say "npm packages in ${dir#"$ROOT"/} are up to date"
		return 0
	fi
	say "npm ci in ${dir#"$ROOT"/}"
	(cd "$dir" && npm ci --no-audit --no-fund </dev/null)
	printf '%s\n' "$sum" >"$stamp"
}
npm_ci "$ROOT/frontend"
if [ "$mode" = test ]; then
	npm_ci "$ROOT/e2e"
fi

# --- Go modules (the app's and the pinned Wails CLI's) ---------------------------------------
say "go mod download"
(cd "$ROOT" && go mod download)
(cd "$ROOT/tools" && go mod download)

# --- fonts for printing (owned by the printing engineer) -------------------------------------
if [ "$mode" = test ] && [ -f "$ROOT/scripts/fetch-fonts.sh" ]; then
	say "scripts/fetch-fonts.sh"
	bash "$ROOT/scripts/fetch-fonts.sh"
fi
say "dependencies for '$mode' are ready"
