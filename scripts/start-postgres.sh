#!/usr/bin/env bash
# start-postgres.sh [start|stop] runs a private PostgreSQL for the platform's tests: its own data
# directory and Unix socket under /tmp, a free port on 127.0.0.1, trust authentication, started
# as the postgres user (PostgreSQL refuses to run as root). On start it prints
#   export TONGBAN_TEST_POSTGRES_DSN=postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
# which scripts/test.sh exports to `go test`.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

state="$TMPROOT/postgres.dir"
bindir="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n1)"
[ -n "$bindir" ] || die "PostgreSQL is missing (Debian package postgresql): run scripts/deps.sh test"

as_pg() {
	if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

case "${1:-start}" in
stop)
	[ -f "$state" ] || exit 0
	dir="$(cat "$state")"
	as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir" "$state"
	;;
start)
	"$0" stop
	dir="$(mktemp -d /tmp/tongban-pg.XXXXXX)"
	chown postgres: "$dir" 2>/dev/null || true
	chmod 0700 "$dir"
	port="$(free_port)"
	as_pg "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
		{ cat "$dir/postgres.log" >&2; die "PostgreSQL did not start"; }
	printf '%s\n' "$dir" >"$state"
	echo "export TONGBAN_TEST_POSTGRES_DSN=postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	;;
*) die "usage: scripts/start-postgres.sh [start|stop]" ;;
esac
