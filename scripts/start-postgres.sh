#!/usr/bin/env bash
# start-postgres.sh [start|stop|status] runs a private PostgreSQL (Debian's package, the newest
# /usr/lib/postgresql/*/bin, 15 on Debian 12) for the platform's tests: its own data directory and
# Unix socket under /tmp, a free port on 127.0.0.1 only, trust authentication, run as the postgres
# user (PostgreSQL refuses to run as root). `start` is idempotent: when the instance it started
# before is still running it is reused. It prints
#   export TONGBAN_TEST_PG=postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
# (and the same value as TONGBAN_TEST_POSTGRES_DSN) for scripts/test.sh, or for `eval`.
# PG_FSYNC=on keeps fsync (benchmarks of durable writes); tests run with fsync off.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

state="$TMPROOT/postgres.dir"
bindir="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n1)"
[ -n "$bindir" ] || die "PostgreSQL is missing (Debian package postgresql): run scripts/deps.sh test"

as_pg() {
	if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

print_env() { # dir
	local port url
	port="$(cat "$1/port")"
	url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	echo "export TONGBAN_TEST_PG=$url"
	echo "export TONGBAN_TEST_POSTGRES_DSN=$url"
}

running() { # dir
	[ -f "$1/port" ] && as_pg "$bindir/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

case "${1:-start}" in
stop)
	[ -f "$state" ] || exit 0
	dir="$(cat "$state")"
	as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir" "$state"
	;;
status)
	[ -f "$state" ] && running "$(cat "$state")" && { print_env "$(cat "$state")"; exit 0; }
	echo "not running" >&2
	exit 1
	;;
start)
	if [ -f "$state" ] && running "$(cat "$state")"; then
		print_env "$(cat "$state")"
		exit 0
	fi
	"$0" stop
	dir="$(mktemp -d /tmp/tongban-pg.XXXXXX)"
	chown postgres: "$dir" 2>/dev/null || true
	chmod 0700 "$dir"
	port="$(free_port)"
	as_pg "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	fsync="${PG_FSYNC:-off}"
	as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=200" start >/dev/null ||
		{ cat "$dir/postgres.log" >&2; die "PostgreSQL did not start"; }
	echo "$port" >"$dir/port"
	printf '%s\n' "$dir" >"$state"
	print_env "$dir"
	;;
*) die "usage: scripts/start-postgres.sh [start|stop|status]" ;;
esac
