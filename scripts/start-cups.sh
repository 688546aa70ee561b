#!/usr/bin/env bash
# Starts a CUPS server with the cups-pdf virtual printer for Tongban's
# printing tests. Installs nothing (needs Debian cups, cups-client,
# cups-bsd, printer-driver-cups-pdf). Works as root in a container without
# systemd. Idempotent. Prints lines to eval:
#   eval "$(scripts/start-cups.sh)"
set -euo pipefail
PRINTER="${TONGBAN_TEST_PRINTER_NAME:-TongbanPDF}"
log() { echo "start-cups: $*" >&2; }

for bin in cupsd lpadmin lpstat; do
  command -v "$bin" >/dev/null || { log "missing $bin: apt-get install cups cups-client cups-bsd printer-driver-cups-pdf"; exit 1; }
done
[ -x /usr/lib/cups/backend/cups-pdf ] || { log "missing cups-pdf backend: apt-get install printer-driver-cups-pdf"; exit 1; }

if ! lpstat -r 2>/dev/null | grep -q "is running"; then
  mkdir -p /run/cups
  /usr/sbin/cupsd            # daemonizes itself
  for _ in $(seq 1 50); do
    lpstat -r 2>/dev/null | grep -q "is running" && break
    sleep 0.1
  done
  lpstat -r 2>/dev/null | grep -q "is running" || { log "cupsd did not start"; exit 1; }
  log "cupsd started"
fi

if ! lpstat -p "$PRINTER" >/dev/null 2>&1; then
  PPD="$(lpinfo -m 2>/dev/null | awk '/CUPS-PDF/ {print $1; exit}')"
  if [ -n "$PPD" ]; then
    lpadmin -p "$PRINTER" -v cups-pdf:/ -E -m "$PPD"
  else
    lpadmin -p "$PRINTER" -v cups-pdf:/ -E -P /usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd
  fi
  log "printer $PRINTER added"
fi
# a test may have left it stopped or rejecting
cupsenable "$PRINTER" 2>/dev/null || true
cupsaccept "$PRINTER" 2>/dev/null || true

# cups-pdf writes to Out in /etc/cups/cups-pdf.conf (default ${HOME}/PDF of the job's user)
OUT="$(awk '/^Out / {print $2}' /etc/cups/cups-pdf.conf 2>/dev/null || true)"
[ -n "$OUT" ] || OUT='${HOME}/PDF'
OUT="$(printf '%s' "$OUT" | sed "s|\${HOME}|$HOME|")"
mkdir -p "$OUT"
echo "export TONGBAN_TEST_PRINTER=$PRINTER"
echo "export TONGBAN_TEST_PDF_DIR=$OUT"
