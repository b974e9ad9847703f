#!/bin/bash
# The PostgreSQL ledger on the private test cluster (tests/lib/pg.sh):
#   - the database is the final arbiter: two clients that skip the pool
#     lock (a test hook) and pick the same block meet the exclusion
#     constraint (and the same device address, its unique index); with
#     retries the loser runs again and gets the next block;
#   - clean failures, one line naming the server and never the password,
#     exit 1, nothing recorded, the next call works: server down, wrong
#     password (and .pgpass / PGPASSWORD working), statement timeout, a
#     read-only server;
#   - ledger init, and ledger copy SQLite -> PostgreSQL -> SQLite with an
#     identical ledger show, refusing a non-empty target;
#   - lock waits: EDGENETC_LEDGER_BUSY_MS, or the connection's own
#     lock_timeout;
#   - fleets in two schemas of one database stay apart (tables, locks);
#     readers (show, verify, copy --from) create nothing.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v python3 >/dev/null || { echo "ledger_pg: python3 missing" >&2; exit 77; }
. "$TOP/tests/lib/pg.sh"
pg_need

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$EDGENETC" "$T/edgenetc.bin"
EDGENETC=$T/edgenetc.bin
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$T/fleet.yaml" <<'EOF'
services:
  - name: s
    access_provided_subnet: 10.0.0.1/16
    dhcp_range_template: 10.0.0.1/24
    network_config:
      wan_configure_network: allocated
      lan_configure_network: dhcp
  - name: cam
    access_provided_subnet: 192.168.0.0/24
    network_config: { lan_configure_network: allocated }
  - name: shared
    dhcp_range: 10.1.0.1/24
    network_config: { lan_configure_network: dhcp }
devices:
EOF
for d in d0 d1; do
	cat >>"$T/fleet.yaml" <<EOF
  - id: $d
    client_networks:
      - { name: n, default: true, bridge: br0, subnet: 172.16.0.1/24 }
EOF
done

L=$(pg_newdb ledger_pg)
a() { "$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" "$@"; }
block_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["block"])'; }

# ledger init on an empty database
"$EDGENETC" ledger --ledger "$L" init >"$T/out"
grep -q "^ledger postgresql://postgres@/ledger_pg?host=.*: schema 1 (postgresql)$" \
    "$T/out" || fail "init: $(cat "$T/out")"
a --device d0 --instance first --service s >/dev/null

# 1. two clients without the pool lock choose the same block: the first
# pauses after writing, before its commit; the second, without retries,
# meets the exclusion constraint
nolock() { EDGENETC_LEDGER_PG_NO_LOCK=1 "$@"; }
nolock env EDGENETC_LEDGER_PG_PAUSE_MS=1500 "$EDGENETC" alloc --ledger "$L" \
    --spec "$T/fleet.yaml" --device d0 --instance x1 --service s \
    >"$T/x1" 2>"$T/x1.err" &
p1=$!
sleep 0.7
set +e
nolock env EDGENETC_LEDGER_TRIES=1 "$EDGENETC" alloc --ledger "$L" \
    --spec "$T/fleet.yaml" --device d1 --instance x2 --service s \
    >"$T/x2" 2>"$T/x2.err"
rc=$?
set -e
wait $p1 || fail "the first client: $(cat "$T/x1.err")"
[ $rc = 1 ] || fail "the second client: exit $rc, want 1 ($(cat "$T/x2.err"))"
grep -q 'violates exclusion constraint "lease_no_overlap"' "$T/x2.err" ||
    fail "no exclusion violation: $(cat "$T/x2.err")"
[ ! -s "$T/x2" ] || fail "the loser printed an answer"
echo "ledger_pg: the exclusion constraint caught a lock-less allocation"
# the same with retries: the loser runs again and takes the next block
nolock env EDGENETC_LEDGER_PG_PAUSE_MS=1500 "$EDGENETC" alloc --ledger "$L" \
    --spec "$T/fleet.yaml" --device d0 --instance x3 --service s \
    >"$T/x3" 2>"$T/x3.err" &
p1=$!
sleep 0.7
nolock "$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" --device d1 \
    --instance x4 --service s >"$T/x4" 2>"$T/x4.err" ||
    fail "retried client: $(cat "$T/x4.err")"
wait $p1 || fail "first client: $(cat "$T/x3.err")"
b3=$(block_of <"$T/x3")
b4=$(block_of <"$T/x4")
[ "$b3" != "$b4" ] || fail "both got $b3"
[ ! -s "$T/x4.err" ] || fail "the retry was not invisible: $(cat "$T/x4.err")"
# device addresses: a unique index (the service recorded first: a
# client recording a new service waits for the other's commit)
a --device d1 --instance c0 --service cam >/dev/null
nolock env EDGENETC_LEDGER_PG_PAUSE_MS=1500 "$EDGENETC" alloc --ledger "$L" \
    --spec "$T/fleet.yaml" --device d0 --instance c1 --service cam \
    >/dev/null 2>"$T/c1.err" &
p1=$!
sleep 0.7
set +e
nolock env EDGENETC_LEDGER_TRIES=1 "$EDGENETC" alloc --ledger "$L" \
    --spec "$T/fleet.yaml" --device d0 --instance c2 --service cam \
    >/dev/null 2>"$T/c2.err"
rc=$?
set -e
wait $p1 || fail "c1: $(cat "$T/c1.err")"
[ $rc = 1 ] && grep -q 'unique constraint "lease_host"' "$T/c2.err" ||
    fail "device address: $(cat "$T/c2.err")"
"$EDGENETC" ledger --ledger "$L" verify >/dev/null || fail "verify"
echo "ledger_pg: device addresses are unique in the database"

# shared ranges: one anchor in the constraint, moved on release
a --device d0 --instance r1 --service shared >/dev/null
a --device d1 --instance r2 --service shared >/dev/null
"$EDGENETC" release --ledger "$L" --instance r1 >/dev/null
n=$(pg_psql "$L" -At -c "SELECT count(*) FROM lease WHERE active AND
    kind = 'shared' AND xblock IS NOT NULL")
[ "$n" = 1 ] || fail "shared range anchors: $n"
"$EDGENETC" ledger --ledger "$L" verify >/dev/null || fail "verify (shared)"

# a batch of new instances is written without a round trip each, on the
# assumption that they are new; one that is not makes the batch run
# again without it: the same answers as SQLite, and as asked one by one
python3 -c "
for i in range(40): print('{\"device\":\"d1\",\"instance\":\"m%d\",\"service\":\"s\"}' % i)
print('{\"device\":\"d0\",\"instance\":\"first\",\"service\":\"s\"}')
for i in range(40, 60): print('{\"device\":\"d1\",\"instance\":\"m%d\",\"service\":\"s\"}' % i)
for i in range(0, 60, 7): print('{\"device\":\"d1\",\"instance\":\"m%d\",\"service\":\"s\"}' % i)" \
    >"$T/m.jsonl"
M=$(pg_newdb ledger_pg_batch)
for w in "$M" "$T/m.db"; do
	"$EDGENETC" alloc --ledger "$w" --spec "$T/fleet.yaml" --device d0 \
	    --instance first --service s >/dev/null
	"$EDGENETC" alloc --ledger "$w" --spec "$T/fleet.yaml" \
	    --batch "$T/m.jsonl" >"$T/m.$(basename "${w%%\?*}")" 2>"$T/m.err" ||
	    fail "batch: $(cat "$T/m.err")"
	[ ! -s "$T/m.err" ] || fail "batch said: $(cat "$T/m.err")"
done
cmp -s "$T/m.ledger_pg_batch" "$T/m.m.db" || fail "batch answers differ"
echo "ledger_pg: batches of new and known instances, the same answers"

# 2. failures
one_line_fail() {	# one_line_fail WHAT PATTERN: exit 1, the pattern, no secret
	[ "$rc" = 1 ] || fail "$1: exit $rc, want 1: $(cat "$T/err")"
	grep -q -- "$2" "$T/err" || fail "$1: $(cat "$T/err")"
	! grep -q 'hunter2\|wrongpw' "$T/err" "$T/out" ||
	    fail "$1: the password was shown"
	[ ! -s "$T/out" ] || fail "$1: printed $(cat "$T/out")"
}
try() { set +e; "$@" >"$T/out" 2>"$T/err"; rc=$?; set -e; }

# no server at all: a socket directory where none listens
try "$EDGENETC" alloc --ledger \
    "postgresql://u:hunter2@/x?host=$T&connect_timeout=2" \
    --spec "$T/fleet.yaml" --device d0 --instance n1 --service s
one_line_fail "unreachable" "^edgenetc alloc: postgresql://u@/x?host=$T: connect: "
[ "$(wc -l <"$T/err")" = 1 ] || fail "unreachable: more than one line"

# authentication
pg_psql "$EDGENETC_TEST_PG_URL" -c "DROP ROLE IF EXISTS pwuser" \
    -c "CREATE ROLE pwuser LOGIN PASSWORD 'rightpw'" \
    -c "GRANT ALL ON DATABASE ledger_pg TO pwuser" \
    -c "ALTER DATABASE ledger_pg OWNER TO pwuser" >/dev/null
pg_psql "$L" -c "ALTER TABLE lease OWNER TO pwuser" \
    -c "ALTER TABLE instance OWNER TO pwuser" \
    -c "ALTER TABLE service OWNER TO pwuser" \
    -c "ALTER TABLE watermark OWNER TO pwuser" \
    -c "ALTER TABLE edgenetc_meta OWNER TO pwuser" >/dev/null
PW="postgresql:///ledger_pg?host=$EDGENETC_TEST_PG_DIR&user=pwuser"
try "$EDGENETC" ledger --ledger "$PW&password=wrongpw" show
one_line_fail "wrong password" "password authentication failed"
try env PGPASSWORD=wrongpw "$EDGENETC" ledger --ledger "$PW" verify
one_line_fail "wrong PGPASSWORD" "password authentication failed"
env PGPASSWORD=rightpw "$EDGENETC" ledger --ledger "$PW" verify >/dev/null ||
    fail "PGPASSWORD"
printf '*:*:*:pwuser:rightpw\n' >"$T/pgpass"
chmod 600 "$T/pgpass"
PGPASSFILE=$T/pgpass "$EDGENETC" alloc --ledger "$PW" --spec "$T/fleet.yaml" \
    --device d0 --instance pw1 --service s >/dev/null || fail ".pgpass"

# libpq quotes an unparsable URL whole, or the token it cannot read: the
# password never shows, as written or percent-decoded, nor when it is
# wrong.
H=$EDGENETC_TEST_PG_DIR
for U in "postgresql://pwuser:hunt%zzSecretPW1@/ledger_pg?host=$H" \
    "postgresql://pwuser:SecretPW1@[::1/ledger_pg" \
    "postgresql://pwuser:SecretPW1@/ledger_pg?host=$H&nosuchparam=1" \
    "postgresql://pwuser:SecretPW1@/ledger_pg?host=$H" \
    "postgresql://pwuser:Secret%50W1@/ledger_pg?host=$H"; do
	for v in alloc show compile; do
		case $v in
		alloc) try "$EDGENETC" alloc --ledger "$U" --spec "$T/fleet.yaml" \
		    --device d0 --instance leak1 --service s ;;
		show) try "$EDGENETC" ledger --ledger "$U" show ;;
		compile) try "$EDGENETC" compile --ledger "$U" -o "$T/leak" \
		    "$T/fleet.yaml" ;;
		esac
		[ "$rc" != 0 ] || fail "$v with $U: exit 0"
		cat "$T/out" "$T/err" | python3 -c '
import sys
u, text = sys.argv[1], sys.stdin.read()
sys.exit(1 if "SecretPW1" in text or "Secret%50W1" in text else 0)' "$U" $v ||
		    fail "$v with $U showed the password: $(cat "$T/err")"
	done
done
echo "ledger_pg: no password in any message"

# a statement that waits longer than the role's statement_timeout
pg_psql "$L" -c "BEGIN" -c "LOCK TABLE instance IN ACCESS EXCLUSIVE MODE" \
    -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null &
lp=$!
sleep 0.7
try "$EDGENETC" alloc --ledger "$L&options=-cstatement_timeout%3D500" \
    --spec "$T/fleet.yaml" --device d0 --instance t1 --service s
one_line_fail "statement timeout" "statement timeout"
wait $lp
a --device d0 --instance t1 --service s >/dev/null || fail "after the timeout"

# a read-only server (as a standby is): writes refused, reads work
pg_psql "$EDGENETC_TEST_PG_URL" \
    -c "ALTER DATABASE ledger_pg SET default_transaction_read_only = on" >/dev/null
try a --device d0 --instance ro1 --service s
one_line_fail "read-only" "read-only"
"$EDGENETC" ledger --ledger "$L" show >/dev/null || fail "show on read-only"
pg_psql "$EDGENETC_TEST_PG_URL" \
    -c "ALTER DATABASE ledger_pg RESET default_transaction_read_only" >/dev/null
"$EDGENETC" ledger --ledger "$L" show | grep -q '"ro1"' && fail "ro1 recorded"

# the server goes away, and comes back
pg_ctl_owner -m fast -w stop >/dev/null
try a --device d0 --instance down1 --service s
one_line_fail "server down" "connect: "
pg_ctl_owner -w start >/dev/null
a --device d0 --instance down1 --service s >/dev/null || fail "after the restart"
"$EDGENETC" ledger --ledger "$L" verify >/dev/null || fail "verify after failures"
echo "ledger_pg: clean failures"

# 3. ledger copy SQLite -> PostgreSQL -> SQLite
S1=$T/one.db
for i in 1 2 3 4; do
	"$EDGENETC" alloc --ledger "$S1" --spec "$T/fleet.yaml" --device d$((i % 2)) \
	    --instance "i$i" --service s >/dev/null
done
"$EDGENETC" alloc --ledger "$S1" --spec "$T/fleet.yaml" --device d0 \
    --instance cam1 --service cam >/dev/null
"$EDGENETC" alloc --ledger "$S1" --spec "$T/fleet.yaml" --device d1 \
    --instance sh1 --service shared >/dev/null
"$EDGENETC" release --ledger "$S1" --instance i2 >/dev/null
"$EDGENETC" release --ledger "$S1" --instance i3 --cooldown 600 >/dev/null
P=$(pg_newdb ledger_pg_copy)
"$EDGENETC" ledger copy --from "$S1" --to "$P" >/dev/null
"$EDGENETC" ledger copy --from "$P" --to "$T/two.db" >/dev/null
show() {
	"$EDGENETC" ledger --ledger "$1" show --all | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("ledger", "backend", "schema"):
    del d[k]
print(json.dumps(d, sort_keys=True, indent=1))'
}
show "$S1" >"$T/s1"
show "$P" >"$T/p"
show "$T/two.db" >"$T/s2"
cmp -s "$T/s1" "$T/p" || { diff -u "$T/s1" "$T/p" | head -30; fail "copy to PostgreSQL differs"; }
cmp -s "$T/s1" "$T/s2" || { diff -u "$T/s1" "$T/s2" | head -30; fail "copy back differs"; }
for x in "$S1" "$P" "$T/two.db"; do
	"$EDGENETC" ledger --ledger "$x" verify >/dev/null || fail "verify $x"
done
# the copies go on allocating where the original would
w=$("$EDGENETC" alloc --ledger "$S1" --spec "$T/fleet.yaml" --device d0 \
    --instance next --service s)
g=$("$EDGENETC" alloc --ledger "$P" --spec "$T/fleet.yaml" --device d0 \
    --instance next --service s)
[ "$w" = "$g" ] || fail "after the copy: $w vs $g"
try "$EDGENETC" ledger copy --from "$S1" --to "$P"
[ $rc = 1 ] && grep -q "is not empty" "$T/err" || fail "copy into a non-empty ledger"
echo "ledger_pg: ledger copy both ways, identical"

# compile on either backend: the same bundles
C=$(pg_newdb ledger_pg_compile)
"$EDGENETC" compile --ledger "$C" -o "$T/out-pg" "$TOP/testdata/fleet/fleet.yaml" \
    >/dev/null 2>&1 || fail "compile on PostgreSQL"
"$EDGENETC" compile --ledger "$T/c.db" -o "$T/out-sq" "$TOP/testdata/fleet/fleet.yaml" \
    >/dev/null 2>&1 || fail "compile on SQLite"
diff -r "$T/out-pg" "$T/out-sq" >/dev/null || fail "compile differs between backends"
echo "ledger_pg: compile gives the same bundles on both backends"

# read-only verbs: explain plans on a private copy, never writes, never
# creates the schema, works on a read-only server
rows() {
	pg_psql "$1" -At -c "SELECT (SELECT count(*) FROM instance) || ' ' ||
	    (SELECT count(*) FROM lease) || ' ' || (SELECT count(*) FROM service)"
}
before=$(rows "$C")
"$EDGENETC" explain --ledger "$C" --device bus-0042 --format json \
    "$TOP/testdata/fleet/fleet.yaml" >"$T/ex-pg" 2>/dev/null || fail "explain"
"$EDGENETC" explain --ledger "$T/c.db" --device bus-0042 --format json \
    "$TOP/testdata/fleet/fleet.yaml" >"$T/ex-sq" 2>/dev/null || fail "explain (SQLite)"
cmp -s "$T/ex-pg" "$T/ex-sq" || fail "explain differs between backends"
[ "$(rows "$C")" = "$before" ] || fail "explain wrote to the ledger"
E=$(pg_newdb ledger_pg_none)
"$EDGENETC" explain --ledger "$E" --device bus-0042 \
    "$TOP/testdata/fleet/fleet.yaml" >/dev/null 2>&1 || fail "explain, no schema"
[ "$(pg_psql "$E" -At -c "SELECT to_regclass('lease') IS NULL")" = t ] ||
    fail "explain created the schema"
pg_psql "$EDGENETC_TEST_PG_URL" \
    -c "ALTER DATABASE ledger_pg_compile SET default_transaction_read_only = on" >/dev/null
"$EDGENETC" explain --ledger "$C" --device bus-0042 --format json \
    "$TOP/testdata/fleet/fleet.yaml" 2>/dev/null | cmp -s - "$T/ex-pg" ||
    fail "explain on a read-only server"
pg_psql "$EDGENETC_TEST_PG_URL" \
    -c "ALTER DATABASE ledger_pg_compile RESET default_transaction_read_only" >/dev/null
echo "ledger_pg: explain reads a private copy and writes nothing"

# ledger reconcile: the instances the inventory no longer lists go
for w in "$C" "$T/c.db"; do
	"$EDGENETC" alloc --ledger "$w" --spec "$TOP/testdata/fleet/fleet.yaml" \
	    --device bus-0042 --instance gone-1 --service pis >/dev/null 2>&1 ||
	    fail "alloc gone-1"
	"$EDGENETC" ledger --ledger "$w" reconcile \
	    "$TOP/testdata/fleet/fleet.yaml" >"$T/rec.$(basename "${w%%\?*}")" 2>/dev/null ||
	    fail "reconcile on $w"
	"$EDGENETC" ledger --ledger "$w" show | grep -q '"gone-1"' &&
	    fail "reconcile kept gone-1 on $w"
	"$EDGENETC" ledger --ledger "$w" verify >/dev/null || fail "verify $w"
done
cmp -s "$T/rec.ledger_pg_compile" "$T/rec.c.db" || fail "reconcile differs"
echo "ledger_pg: ledger reconcile"
# concurrent releases of one instance: exactly one says released, the
# others find it not allocated (as SQLite answers)
for r in 1 2 3; do
	a --device d0 --instance rel$r --service s >/dev/null
	pids=
	for k in 1 2 3 4 5 6 7 8; do
		"$EDGENETC" release --ledger "$L" --instance rel$r \
		    >>"$T/rel.$r" 2>>"$T/rel.err" &
		pids="$pids $!"
	done
	wait $pids || fail "release: $(cat "$T/rel.err")"
	[ "$(grep -c '"released"' "$T/rel.$r")" = 1 ] ||
	    fail "concurrent releases: $(cat "$T/rel.$r")"
	[ "$(grep -c '"not-allocated"' "$T/rel.$r")" = 7 ] ||
	    fail "concurrent releases: $(cat "$T/rel.$r")"
done
echo "ledger_pg: one of 8 concurrent releases releases"
# concurrent reconciles of one inventory: each stale instance is
# released and printed once in all, none fails (deadlocks are retried)
R=$(pg_newdb ledger_pg_rec)
for i in $(seq 1 30); do
	printf '{"device":"d%d","instance":"st%d","service":"%s"}\n' $((i % 2)) $i \
	    "$([ $((i % 2)) = 0 ] && echo s || echo cam)"
done >"$T/stale.jsonl"
"$EDGENETC" alloc --ledger "$R" --spec "$T/fleet.yaml" --batch "$T/stale.jsonl" \
    >/dev/null || fail "alloc the stale instances"
pids=
for k in 1 2 3 4; do
	"$EDGENETC" ledger --ledger "$R" reconcile "$T/fleet.yaml" \
	    >"$T/crec.$k" 2>"$T/crec.err.$k" &
	pids="$pids $!"
done
wait $pids || fail "concurrent reconcile: $(cat "$T"/crec.err.*)"
[ "$(cat "$T"/crec.[1-4] | grep -c '"released"')" = 30 ] ||
    fail "concurrent reconciles printed $(cat "$T"/crec.[1-4] | grep -c '"released"') releases, not 30"
[ "$(cat "$T"/crec.[1-4] | sort -u | wc -l)" = 30 ] || fail "an instance printed twice"
# batches that reach two pools in opposite orders: every one commits
for k in 1 2 3 4; do
	for r in 1 2 3 4 5; do
		: >"$T/ob.$k.$r"
		for i in 1 2 3; do
			if [ $((k % 2)) = 0 ]; then o="s cam"; else o="cam s"; fi
			for sv in $o; do
				printf '{"device":"d0","instance":"ob%s-%s-%s-%s","service":"%s"}\n' \
				    $k $r $i $sv $sv >>"$T/ob.$k.$r"
			done
		done
	done
done
pids=
for k in 1 2 3 4; do
	( for r in 1 2 3 4 5; do
		"$EDGENETC" alloc --ledger "$R" --spec "$T/fleet.yaml" \
		    --batch "$T/ob.$k.$r" >/dev/null 2>>"$T/ob.err" || exit 1
		"$EDGENETC" ledger --ledger "$R" reconcile "$T/fleet.yaml" \
		    >/dev/null 2>>"$T/ob.err" || exit 1
	done ) &
	pids="$pids $!"
done
for p in $pids; do wait $p || fail "opposite-order batches: $(grep -v 'released' "$T/ob.err" | head -3)"; done
"$EDGENETC" ledger --ledger "$R" verify >/dev/null || fail "verify after concurrent reconciles"
echo "ledger_pg: concurrent reconciles and opposite-order batches"

# a writer that stops while it holds a pool's lock: the others wait
# EDGENETC_LEDGER_BUSY_MS, then fail in one line, without retrying
# hold LEDGER INSTANCE: a new instance whose commit waits 3 s, holding
# the pool's lock meanwhile (in the background: $hp)
hold() {
	EDGENETC_LEDGER_PG_PAUSE_MS=3000 "$EDGENETC" alloc --ledger "$1" \
	    --spec "$T/fleet.yaml" --device d0 --instance "$2" --service s \
	    >"$T/holder" 2>&1 &
	hp=$!
	sleep 1
}
hold "$L" holder
t0=$(date +%s%N)
try env EDGENETC_LEDGER_BUSY_MS=500 "$EDGENETC" alloc --ledger "$L" \
    --spec "$T/fleet.yaml" --device d1 --instance waiter --service s
t1=$(date +%s%N)
one_line_fail "lock timeout" "another writer held the pool lock for 500 ms"
[ "$(wc -l <"$T/err")" = 1 ] || fail "lock timeout: more than one line"
[ $(((t1 - t0) / 1000000)) -lt 1800 ] ||
    fail "lock timeout: waited $(((t1 - t0) / 1000000)) ms"
wait $hp || fail "holder: $(cat "$T/holder")"
a --device d1 --instance waiter --service s >/dev/null || fail "after the wait"
echo "ledger_pg: a lock wait ends after EDGENETC_LEDGER_BUSY_MS"

# a lock_timeout the connection sets is kept (here longer than the
# EDGENETC_LEDGER_BUSY_MS that would fail the call at once): its
# timeouts are retried until the holder is done
hold "$L" holder2
t0=$(date +%s%N)
try env EDGENETC_LEDGER_BUSY_MS=100 "$EDGENETC" alloc \
    --ledger "$L&options=-clock_timeout%3D1200" \
    --spec "$T/fleet.yaml" --device d1 --instance waiter2 --service s
t1=$(date +%s%N)
[ "$rc" = 0 ] || fail "URL lock_timeout: $(cat "$T/err")"
[ $(((t1 - t0) / 1000000)) -ge 1100 ] ||
    fail "URL lock_timeout: waited only $(((t1 - t0) / 1000000)) ms"
wait $hp || fail "holder: $(cat "$T/holder")"
echo "ledger_pg: a lock_timeout in the connection string is kept"

# fleets in two schemas of one database: each reads and writes only its
# own schema, and their pool locks are their own
F=$(pg_newdb ledger_pg_schemas)
pg_psql "$F" -q -c "CREATE SCHEMA fleet_b"
FA=$F
FB="$F&options=-csearch_path%3Dfleet_b%2Cpublic"
"$EDGENETC" alloc --ledger "$FA" --spec "$T/fleet.yaml" --device d0 \
    --instance fa1 --service s >/dev/null
# fleet_b comes first and is empty; public further down holds fleet A
try "$EDGENETC" alloc --ledger "$FB" --spec "$T/fleet.yaml" --device d0 \
    --instance fb1 --service s
one_line_fail "schema" 'schema "fleet_b" (first on the search_path) holds no ledger, while "public" further down does'
try "$EDGENETC" ledger --ledger "$FB" show
one_line_fail "schema show" 'holds no ledger, while "public"'
FB="$F&options=-csearch_path%3Dfleet_b"
"$EDGENETC" alloc --ledger "$FB" --spec "$T/fleet.yaml" --device d0 \
    --instance fb1 --service s >/dev/null
[ "$(pg_psql "$F" -At -c "SELECT count(*) FROM fleet_b.instance")" = 1 ] ||
    fail "schema: fleet_b holds no instance"
[ "$(pg_psql "$F" -At -c "SELECT string_agg(instance, ',') FROM public.instance")" = fa1 ] ||
    fail "schema: fleet A's ledger changed"
# a writer of fleet A holding the pool's lock does not stop fleet B
hold "$FA" fa2
env EDGENETC_LEDGER_BUSY_MS=500 "$EDGENETC" alloc --ledger "$FB" \
    --spec "$T/fleet.yaml" --device d1 --instance fb2 --service s \
    >/dev/null || fail "schema: fleet B waited for fleet A's lock"
wait $hp || fail "holder: $(cat "$T/holder")"
"$EDGENETC" ledger --ledger "$FA" verify >/dev/null || fail "verify A"
"$EDGENETC" ledger --ledger "$FB" verify >/dev/null || fail "verify B"
echo "ledger_pg: fleets in two schemas of one database stay apart"

# readers never create: show, verify and copy --from on a database
# without the schema fail like a missing SQLite file, creating nothing
E=$(pg_newdb ledger_pg_empty)
for v in show verify; do
	try "$EDGENETC" ledger --ledger "$E" $v
	one_line_fail "$v empty" "no ledger there"
done
try "$EDGENETC" ledger copy --from "$E" --to "$T/fromempty.db"
one_line_fail "copy from empty" "no ledger there"
[ "$(pg_psql "$E" -At -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ] ||
    fail "a reader created tables"
[ ! -e "$T/fromempty.db" ] || fail "copy from empty made its target"
echo "ledger_pg: readers create nothing"

# a connection string libpq cannot parse: its reason, not its tokens
try "$EDGENETC" ledger --ledger "postgresql://u@/x?password=hunter2%Z2" show
one_line_fail "unparsable" "cannot parse the connection string: invalid percent-encoded token$"
try "$EDGENETC" ledger --ledger "postgresql://u:hunter2%@/x" show
one_line_fail "unparsable user part" "cannot parse the connection string"
# a short password is not taken out of the words around it; an IPv6
# host and a host list are named as URLs
try "$EDGENETC" ledger --ledger "postgresql://u:e@[::1]:1,[::1]:2/x?connect_timeout=2" show
one_line_fail "short password" '^edgenetc ledger: postgresql://u@\[::1\]:1,\[::1\]:2/x: connect: connection to server'
echo "ledger_pg: connection strings in messages"

# a hot standby (pg_basebackup -R) serves show, verify and copy from it,
# and refuses writes; skipped when no standby can be made here
D=$EDGENETC_TEST_PG_DIR
SB=$D/standby
sb_stop() {
	PG_RUNAS=${EDGENETC_TEST_PG_RUNAS:-} pg_as_owner \
	    "$EDGENETC_TEST_PG_BIN/pg_ctl" -D "$SB" -m immediate -w stop \
	    >/dev/null 2>&1 || true
	rm -rf "$SB" "$D/sbsock"
}
trap 'sb_stop; rm -rf "$T"' EXIT
grep -q '^local replication' "$D/data/pg_hba.conf" ||
    echo 'local replication all trust' >>"$D/data/pg_hba.conf"
pg_ctl_owner reload >/dev/null
mkdir -p "$D/sbsock"
[ -z "${EDGENETC_TEST_PG_RUNAS:-}" ] ||
    chown "$EDGENETC_TEST_PG_RUNAS" "$D/sbsock"
if PG_RUNAS=${EDGENETC_TEST_PG_RUNAS:-} pg_as_owner \
    timeout 60 "$EDGENETC_TEST_PG_BIN/pg_basebackup" -D "$SB" -R -c fast \
    -h "$D" -U postgres -X stream >/dev/null 2>&1 &&
    echo "unix_socket_directories = '$D/sbsock'" >>"$SB/postgresql.conf" &&
    PG_RUNAS=${EDGENETC_TEST_PG_RUNAS:-} pg_as_owner \
    "$EDGENETC_TEST_PG_BIN/pg_ctl" -D "$SB" -l "$D/standby.log" -w start \
    >/dev/null 2>&1; then
	SU="postgresql:///ledger_pg?host=$D/sbsock&user=postgres"
	[ "$(pg_psql "$SU" -At -c "SELECT pg_is_in_recovery()")" = t ] ||
	    fail "standby not in recovery"
	"$EDGENETC" ledger --ledger "$SU" show >"$T/sb.show" ||
	    fail "show on a standby"
	grep -q '"waiter"' "$T/sb.show" || fail "standby show: no waiter"
	"$EDGENETC" ledger --ledger "$SU" verify >/dev/null ||
	    fail "verify on a standby"
	"$EDGENETC" ledger copy --from "$SU" --to "$T/sb.db" >/dev/null ||
	    fail "copy from a standby"
	try "$EDGENETC" alloc --ledger "$SU" --spec "$T/fleet.yaml" \
	    --device d0 --instance sb1 --service s
	one_line_fail "standby" "the server is a read-only standby"
	try "$EDGENETC" release --ledger "$SU" --instance waiter
	one_line_fail "standby release" "the server is a read-only standby"
	echo "ledger_pg: a hot standby reads, refuses writes"
else
	echo "ledger_pg: no standby here, standby checks skipped"
fi
sb_stop

echo "ledger_pg: ok"
