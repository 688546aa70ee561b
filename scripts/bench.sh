#!/usr/bin/env bash
# bench.sh runs Tongban's benchmarks, each of which writes its figures to bench/results/:
#   1. the Go benchmarks under bench/ (go test -run '^$' -bench . ./bench/...),
#   2. every benchmark command bench/<name>/main.go (go run ./bench/<name>),
#   3. every executable bench/*.sh (e.g. bench/coldstart.sh), in name order.
#   BENCHTIME=1x  go test -benchtime (the figure benchmarks time their own runs)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

failed=0
cd "$ROOT" || exit 1
if [ -n "$(go list ./bench/... 2>/dev/null)" ]; then
	say "go test -run '^\$' -bench . ./bench/..."
	go test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-1x}" ./bench/... || failed=$((failed + 1))
fi
for m in "$ROOT"/bench/*/main.go; do
	[ -f "$m" ] || continue
	d="$(dirname "${m#"$ROOT"/}")"
	say "go run ./$d"
	go run "./$d" || { warn "go run ./$d failed"; failed=$((failed + 1)); }
done
for s in "$ROOT"/bench/*.sh; do
	[ -x "$s" ] || continue
	say "${s#"$ROOT"/}"
	"$s" || { warn "${s#"$ROOT"/} failed"; failed=$((failed + 1)); }
done
[ "$failed" -eq 0 ] || die "$failed benchmark part(s) failed"
say "benchmarks done; figures in bench/results/"
