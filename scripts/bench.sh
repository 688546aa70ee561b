#!/usr/bin/env bash
# bench.sh runs Tongban's benchmarks, each of which writes its figures to bench/results/:
#   1. the Go benchmarks under bench/ (go test -run '^$' -bench . ./bench/...),
#   2. every benchmark command bench/<name>/main.go (go run ./bench/<name>),
#   3. every executable bench/*.sh (e.g. bench/coldstart.sh), in name order.
#   BENCHTIME=1x        go test -benchtime (the figure benchmarks time their own runs)
#   BENCH_ONLY=REGEXP   run only the parts whose name (catalog, printing, coldstart...) matches
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

wanted() { [[ "$1" =~ ${BENCH_ONLY:-.} ]]; }

failed=0
cd "$ROOT" || exit 1
# Packages with Go benchmarks (bench/<name>/*_test.go).
pkgs=()
for d in "$ROOT"/bench/*/; do
	d="${d%/}"
	compgen -G "$d/*_test.go" >/dev/null && wanted "$(basename "$d")" && pkgs+=("./${d#"$ROOT"/}")
done
if [ "${#pkgs[@]}" -gt 0 ]; then
	say "go test -run '^\$' -bench . ${pkgs[*]}"
	go test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-1x}" "${pkgs[@]}" || failed=$((failed + 1))
fi
for m in "$ROOT"/bench/*/main.go; do
	[ -f "$m" ] || continue
	d="$(dirname "${m#"$ROOT"/}")"
	wanted "$(basename "$d")" || continue
	say "go run ./$d"
	go run "./$d" || { warn "go run ./$d failed"; failed=$((failed + 1)); }
done
for s in "$ROOT"/bench/*.sh; do
	[ -x "$s" ] || continue
	wanted "$(basename "$s" .sh)" || continue
	say "${s#"$ROOT"/}"
	"$s" || { warn "${s#"$ROOT"/} failed"; failed=$((failed + 1)); }
done
[ "$failed" -eq 0 ] || die "$failed benchmark part(s) failed"
say "benchmarks done; figures in bench/results/"
