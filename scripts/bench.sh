#!/usr/bin/env bash
# bench.sh runs Tongban's benchmarks: the Go benchmarks under bench/ (go test -bench), then every
# executable bench/*.sh in name order. Each writes its figures to bench/results/.
#   BENCHTIME=1s  go test -benchtime
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

failed=0
cd "$ROOT" || exit 1
if [ -n "$(go list ./bench/... 2>/dev/null)" ]; then
	say "go test -run '^\$' -bench . ./bench/..."
	go test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-1s}" ./bench/... || failed=$((failed + 1))
fi
for s in "$ROOT"/bench/*.sh; do
	[ -x "$s" ] || continue
	say "${s#"$ROOT"/}"
	"$s" || { warn "${s#"$ROOT"/} failed"; failed=$((failed + 1)); }
done
[ "$failed" -eq 0 ] || die "$failed benchmark part(s) failed"
say "benchmarks done; figures in bench/results/"
