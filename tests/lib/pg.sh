# A private PostgreSQL cluster for the tests (sourced).
#
# pg_start   initdb into a new temporary directory and start a server on
#            a unix socket in that directory only (listen_addresses='',
#            no TCP), as an unprivileged user: the caller when not root,
#            else the 'postgres' system user, else 'nobody'.  Exports
#              EDGENETC_TEST_PG_DIR   the cluster's directory
#              EDGENETC_TEST_PG_URL   a URL of its 'postgres' database
#              EDGENETC_TEST_PG_BIN   the server's bin directory
#            Returns 1 (with a reason on stderr) when the server programs
#            are not installed, 2 when the server does not start.
# pg_stop    stops the cluster and removes its directory.
# pg_newdb NAME   creates database NAME and prints its URL.
# pg_psql URL ARGS...   psql quietly, stopping at the first error.
# pg_need    for a test: exits 77 with a reason unless a cluster runs.
#
# The system's own clusters are never touched: everything lives under
# the temporary directory, on a socket nobody else knows.

pg_bindir() {
	local d
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null)
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
	done
	d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")
	[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
	return 1
}

# Runs "$@" as the cluster's owner.
pg_as_owner() {
	if [ -z "${PG_RUNAS:-}" ]; then
		"$@"
	else
		setpriv --reuid="$PG_RUNAS" --regid="$(id -g "$PG_RUNAS")" \
		    --clear-groups env HOME=/ "$@"
	fi
}

pg_start() {
	local bin dir
	bin=$(pg_bindir) || {
		echo "PostgreSQL server programs (initdb, pg_ctl) not installed" >&2
		return 1
	}
	PG_RUNAS=
	if [ "$(id -u)" -eq 0 ]; then
		if id postgres >/dev/null 2>&1; then PG_RUNAS=postgres
		else PG_RUNAS=nobody; fi
	fi
	dir=$(mktemp -d /tmp/edgenetc-pg.XXXXXX) || return 2
	chmod 755 "$dir"
	[ -n "$PG_RUNAS" ] && chown "$PG_RUNAS" "$dir"
	if ! pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust \
	    -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 &&
	   ! pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust \
	    -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		rm -rf "$dir"
		return 2
	fi
	# one role with a password, for the tests of authentication
	cat >"$dir/data/pg_hba.conf" <<'EOF'
local all pwuser scram-sha-256
local all all trust
EOF
	cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0777
max_connections = 60
shared_buffers = 64MB
fsync = on
synchronous_commit = on
log_min_messages = warning
log_min_error_statement = panic
EOF
	if ! pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
	    -w -t 60 start >/dev/null 2>&1; then
		cat "$dir/server.log" >&2
		rm -rf "$dir"
		return 2
	fi
	export EDGENETC_TEST_PG_DIR=$dir EDGENETC_TEST_PG_BIN=$bin
	export EDGENETC_TEST_PG_URL="postgresql:///postgres?host=$dir&user=postgres"
	export EDGENETC_TEST_PG_RUNAS=$PG_RUNAS
	return 0
}

pg_stop() {
	[ -n "${EDGENETC_TEST_PG_DIR:-}" ] || return 0
	[ -d "$EDGENETC_TEST_PG_DIR/data" ] &&
	    PG_RUNAS=${EDGENETC_TEST_PG_RUNAS:-} pg_as_owner \
	    "$EDGENETC_TEST_PG_BIN/pg_ctl" -D "$EDGENETC_TEST_PG_DIR/data" \
	    -m immediate -w stop >/dev/null 2>&1
	rm -rf "$EDGENETC_TEST_PG_DIR"
	unset EDGENETC_TEST_PG_DIR EDGENETC_TEST_PG_URL
}

# pg_ctl on the running cluster, as its owner: pg_ctl_owner restart ...
pg_ctl_owner() {
	PG_RUNAS=${EDGENETC_TEST_PG_RUNAS:-} pg_as_owner \
	    "$EDGENETC_TEST_PG_BIN/pg_ctl" -D "$EDGENETC_TEST_PG_DIR/data" \
	    -l "$EDGENETC_TEST_PG_DIR/server.log" "$@"
}

pg_psql() {
	local url=$1; shift
	PGOPTIONS="-c client_min_messages=warning" \
	    "$EDGENETC_TEST_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"
}

pg_newdb() {
	pg_psql "$EDGENETC_TEST_PG_URL" -c "DROP DATABASE IF EXISTS \"$1\"" \
	    -c "CREATE DATABASE \"$1\"" >/dev/null || return 1
	echo "postgresql:///$1?host=$EDGENETC_TEST_PG_DIR&user=postgres"
}

pg_need() {
	if [ -z "${EDGENETC_TEST_PG_URL:-}" ]; then
		echo "SKIP: no private PostgreSQL cluster" \
		    "(${EDGENETC_TEST_PG_WHY:-PostgreSQL server programs not installed})" >&2
		exit 77
	fi
}

# For the tests that run on both backends (tests/run.sh runs them again
# with EDGENETC_TEST_BACKEND=pg): pg_backend is true in the PostgreSQL
# run; test_ledger NAME PATH prints the ledger to use: a new database
# NAME there, else the SQLite file PATH.  Call pg_need_backend first.
pg_backend() { [ "${EDGENETC_TEST_BACKEND:-}" = pg ]; }
pg_need_backend() { if pg_backend; then pg_need; fi; }
test_ledger() {
	if pg_backend; then pg_newdb "$1"; else echo "$2"; fi
}
# The URL of database NAME (made or not).
pg_newdb_url() {
	echo "postgresql:///$1?host=$EDGENETC_TEST_PG_DIR&user=postgres"
}
