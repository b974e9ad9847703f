#!/bin/bash
# edgenetc alloc / release / ledger through the CLI (edgenetc(1)): exact answer
# objects, idempotency, exit codes, the exhaustion message, release with
# cooldown and generations, batch mode, ledger show/verify, the default
# ledger path.  EDGENETC_TEST_BACKEND=pg: the same on PostgreSQL
# (tests/lib/pg.sh), where generation numbers may skip the ones of
# rolled-back allocations.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v python3 >/dev/null || { echo "alloc_cli: python3 missing" >&2; exit 77; }
. "$TOP/tests/lib/pg.sh"
pg_need_backend

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# a private copy: a rebuild of the shared build directory during the
# test must not swap the program under the running processes
cp "$EDGENETC" "$T/edgenetc.bin"
EDGENETC=$T/edgenetc.bin
L=$(test_ledger alloc_cli "$T/ledger.db")
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {	# expect NAME WANT GOT
	[ "$2" = "$3" ] || fail "$1: want
  $2
got
  $3"
}

cat >"$T/fleet.yaml" <<'EOF'
services:
  - name: pis
    access_provided_subnet: 10.190.0.1/16
    dhcp_range_template: 10.190.0.1/24
    network_config:
      wan_configure_network: allocated
      lan_configure_network: dhcp
      masquerade: true
  - name: cam
    access_provided_subnet: 192.168.0.0/24
    network_config: { lan_configure_network: allocated }
devices:
  - id: bus-0042
    interfaces: [eth0, eth1]
    client_networks:
      - name: clients
        default: true
        bridge: br-clients
        subnet: 172.20.0.1/24
        reserved: [172.20.0.2-172.20.0.9]
    instances:
      - { id: pis-1, service: pis }
      - { id: cam-1, service: cam }
EOF
cat >"$T/svc.json" <<'EOF'
{"name": "tiny", "access_provided_subnet": "10.9.0.1/24",
 "dhcp_range_template": "10.9.0.1/25",
 "network_config": {"lan_configure_network": "dhcp"}}
EOF

a() { "$EDGENETC" alloc --ledger "$L" "$@"; }

# the edgenetc-input(5), "Allocation" example, with the WAN address from the fleet
got=$(a --spec "$T/fleet.yaml" --device bus-0042 --instance pis-1)
want='{"service":"pis","instance":"pis-1","device":"bus-0042","block":"10.190.0.0/24","address":"10.190.0.1/16","dhcp_pool":{"start":"10.190.0.2","end":"10.190.0.254"},"wan_address":"172.20.0.10/24"}'
expect "first alloc" "$want" "$got"
# idempotent
got=$(a --spec "$T/fleet.yaml" --device bus-0042 --instance pis-1)
expect "second alloc" "$want" "$got"
# the service from the fleet's placement; fixed subnet, first host
got=$(a --spec "$T/fleet.yaml" --device bus-0042 --instance cam-1)
expect "fixed" '{"service":"cam","instance":"cam-1","device":"bus-0042","block":null,"address":"192.168.0.1/24","dhcp_pool":null,"wan_address":null}' "$got"
# an instance the fleet does not place, service named; second address
got=$(a --spec "$T/fleet.yaml" --device bus-0042 --instance cam-2 --service cam)
expect "fixed second" '{"service":"cam","instance":"cam-2","device":"bus-0042","block":null,"address":"192.168.0.2/24","dhcp_pool":null,"wan_address":null}' "$got"
# a single-service JSON spec: the only service; unknown device: no WAN
got=$(a --spec "$T/svc.json" --device d9 --instance t1)
expect "json spec" '{"service":"tiny","instance":"t1","device":"d9","block":"10.9.0.0/25","address":"10.9.0.1/24","dhcp_pool":{"start":"10.9.0.2","end":"10.9.0.126"},"wan_address":null}' "$got"
a --spec "$T/svc.json" --device d9 --instance t2 >/dev/null
# exhausted: exit 1, the pool and its use named, nothing printed
set +e
out=$(a --spec "$T/svc.json" --device d9 --instance t3 2>"$T/err")
rc=$?
set -e
expect "exhausted rc" 1 "$rc"
expect "exhausted stdout" "" "$out"
grep -q 'pool 10.9.0.0/24 (template /25) exhausted: 2 of 2 blocks in use' "$T/err" ||
    fail "exhaustion message: $(cat "$T/err")"

# usage errors: 2
for args in "" "--spec $T/svc.json --device d9" \
    "--spec $T/svc.json --device d9 --instance bad/id" \
    "--spec $T/nonexistent.yaml --device d9 --instance x" \
    "--bogus"; do
	set +e
	a $args >/dev/null 2>&1
	rc=$?
	set -e
	expect "usage rc for '$args'" 2 "$rc"
done
# a spec with errors: 1
printf 'name: bad\naccess_provided_subnet: 10.1/16\n' >"$T/bad.yaml"
set +e
a --spec "$T/bad.yaml" --device d --instance x >/dev/null 2>&1
rc=$?
set -e
expect "bad spec rc" 1 "$rc"
# several services and no placement: name one
set +e
a --spec "$T/fleet.yaml" --device bus-0042 --instance nobody >/dev/null 2>"$T/err"
rc=$?
set -e
expect "ambiguous rc" 1 "$rc"
grep -q -- '--service' "$T/err" || fail "ambiguous message: $(cat "$T/err")"

# the live generation of an instance (SQLite numbers them densely)
gen_of() {
	"$EDGENETC" ledger --ledger "$L" show | python3 -c '
import json, sys
print({i["instance"]: i["generation"]
       for i in json.load(sys.stdin)["instances"]}[sys.argv[1]])' "$1"
}
g=$(gen_of t1)
pg_backend || expect "generation of t1" 4 "$g"
# release: idempotent, generations, cooldown
got=$("$EDGENETC" release --ledger "$L" --instance t1 --cooldown 3600)
expect "release" '{"instance":"t1","status":"released","generation":'"$g"'}' "$got"
got=$("$EDGENETC" release --ledger "$L" --instance t1)
expect "release again" '{"instance":"t1","status":"not-allocated","generation":null}' "$got"
# within the cooldown t1's block stays out of reuse
set +e
a --spec "$T/svc.json" --device d9 --instance t3 >/dev/null 2>&1
rc=$?
set -e
expect "cooldown holds" 1 "$rc"
# after it (EDGENETC_NOW moves the clock for the test), it is reused
got=$(EDGENETC_NOW=$(( $(date +%s) + 3601 )) a --spec "$T/svc.json" --device d9 --instance t3)
expect "after cooldown" '{"service":"tiny","instance":"t3","device":"d9","block":"10.9.0.0/25","address":"10.9.0.1/24","dhcp_pool":{"start":"10.9.0.2","end":"10.9.0.126"},"wan_address":null}' "$got"
# stale release of an old generation changes nothing
g=$(gen_of t3)
pg_backend || expect "generation of t3" 6 "$g"
got=$("$EDGENETC" release --ledger "$L" --instance t3 --generation 1 2>/dev/null)
expect "stale release" '{"instance":"t3","status":"stale","generation":'"$g"'}' "$got"
got=$("$EDGENETC" release --ledger "$L" --instance t3 --generation "$g")
expect "current release" '{"instance":"t3","status":"released","generation":'"$g"'}' "$got"

# batch: one transaction, one line each, in order; default spec and
# per-line specs (path or inline object)
cat >"$T/req.jsonl" <<EOF
{"device": "bus-0042", "instance": "pis-1"}
{"device": "bus-0042", "instance": "pis-2", "service": "pis"}

{"spec": "$T/svc.json", "device": "d9", "instance": "t3"}
{"spec": {"name": "inline", "access_provided_subnet": "fd00:190::1/48", "dhcp_range_template": "fd00:190::1/64", "network_config": {"lan_configure_network": "dhcp"}}, "device": "d9", "instance": "v6-1"}
{"spec": {"name": "inline", "access_provided_subnet": "fd00:190::1/48", "dhcp_range_template": "fd00:190::1/64", "network_config": {"lan_configure_network": "dhcp"}}, "device": "d9", "instance": "v6-2"}
EOF
a --spec "$T/fleet.yaml" --batch "$T/req.jsonl" >"$T/batch.out"
cat >"$T/batch.want" <<'EOF'
{"service":"pis","instance":"pis-1","device":"bus-0042","block":"10.190.0.0/24","address":"10.190.0.1/16","dhcp_pool":{"start":"10.190.0.2","end":"10.190.0.254"},"wan_address":"172.20.0.10/24"}
{"service":"pis","instance":"pis-2","device":"bus-0042","block":"10.190.1.0/24","address":"10.190.1.1/16","dhcp_pool":{"start":"10.190.1.2","end":"10.190.1.254"},"wan_address":"172.20.0.11/24"}
{"service":"tiny","instance":"t3","device":"d9","block":"10.9.0.0/25","address":"10.9.0.1/24","dhcp_pool":{"start":"10.9.0.2","end":"10.9.0.126"},"wan_address":null}
{"service":"inline","instance":"v6-1","device":"d9","block":"fd00:190::/64","address":"fd00:190::1/48","dhcp_pool":{"start":"fd00:190::2","end":"fd00:190::ffff:ffff:ffff:fffe"},"wan_address":null}
{"service":"inline","instance":"v6-2","device":"d9","block":"fd00:190:0:1::/64","address":"fd00:190:0:1::1/48","dhcp_pool":{"start":"fd00:190:0:1::2","end":"fd00:190:0:1:ffff:ffff:ffff:fffe"},"wan_address":null}
EOF
diff -u "$T/batch.want" "$T/batch.out" || fail "batch answers"
# a failing line rolls the whole batch back
printf '{"device":"bus-0042","instance":"pis-3","service":"pis"}\n{"device":"d9","instance":"t9","spec":"%s"}\n{"device":"d9","instance":"t10","spec":"%s"}\n' \
    "$T/svc.json" "$T/svc.json" >"$T/bad.jsonl"
set +e
a --spec "$T/fleet.yaml" --batch "$T/bad.jsonl" >"$T/bad.out" 2>"$T/err"
rc=$?
set -e
expect "failing batch rc" 1 "$rc"
[ ! -s "$T/bad.out" ] || fail "failing batch printed answers"
grep -q 'bad.jsonl:2: error: instance .t9. not allocated' "$T/err" || fail "failing batch message: $(cat "$T/err")"
"$EDGENETC" ledger --ledger "$L" show | python3 -c '
import json, sys
d = json.load(sys.stdin)
ids = {i["instance"] for i in d["instances"]}
assert "pis-3" not in ids and "t9" not in ids, ids
' || fail "failing batch left instances"
# malformed request: usage error
echo '{"device": "d9"' >"$T/junk.jsonl"
set +e
a --spec "$T/svc.json" --batch "$T/junk.jsonl" >/dev/null 2>&1
rc=$?
set -e
expect "junk batch rc" 2 "$rc"

# ledger show: the recorded answers and the first network_config
"$EDGENETC" ledger --ledger "$L" show >"$T/show.json"
python3 - "$T/show.json" "$T/batch.out" <<'EOF'
import json, sys
show = json.load(open(sys.argv[1]))
live = {i["instance"]: i for i in show["instances"]}
keys = ["service", "instance", "device", "block", "address", "dhcp_pool",
        "wan_address"]
for line in open(sys.argv[2]):
    a = json.loads(line)
    assert list(a) == keys, list(a)
    rec = live[a["instance"]]
    assert {k: rec[k] for k in keys} == a, (rec, a)
svcs = {s["name"]: s for s in show["services"]}
assert svcs["pis"]["network_config"]["wan_configure_network"] == "allocated"
assert svcs["pis"]["network_config"]["masquerade"] is True
assert "t1" not in live
EOF
"$EDGENETC" ledger --ledger "$L" verify >/dev/null || fail "verify"
# verify finds damage: a second copy of a block (an overlap), a block
# moved outside its pool
if pg_backend; then
	# a copy of a block that the overlap constraint does not see, and a
	# block outside its pool
	for db in bad bad2; do
		pg_psql "$EDGENETC_TEST_PG_URL" -c "DROP DATABASE IF EXISTS alloc_cli_$db" \
		    -c "CREATE DATABASE alloc_cli_$db TEMPLATE alloc_cli" >/dev/null
	done
	B=$(pg_newdb_url alloc_cli_bad)
	pg_psql "$B" -c "INSERT INTO lease (id, gen, kind, scope, family, lo,
	    hi, block, pool, tplen, address, created) SELECT id + 100, gen,
	    kind, scope, family, lo, hi, block, pool, tplen, address, created
	    FROM lease WHERE block = '10.190.1.0/24' AND released IS NULL"
	set +e
	"$EDGENETC" ledger --ledger "$B" verify >"$T/verify.out" 2>&1
	rc=$?
	set -e
	expect "verify overlap rc" 1 "$rc"
	grep -q "block 10.190.1.0/24 of instance 'pis-2' overlaps block 10.190.1.0/24" \
	    "$T/verify.out" || fail "verify overlap: $(cat "$T/verify.out")"
	grep -q "missing from the overlap constraint" "$T/verify.out" ||
	    fail "verify constraint: $(cat "$T/verify.out")"
	B=$(pg_newdb_url alloc_cli_bad2)
	pg_psql "$B" -c "UPDATE lease SET pool = '10.191.0.0/16'
	    WHERE block = '10.190.0.0/24' AND released IS NULL"
	set +e
	"$EDGENETC" ledger --ledger "$B" verify >"$T/verify.out" 2>&1
	rc=$?
	set -e
	expect "verify pool rc" 1 "$rc"
	grep -q "is not inside its pool 10.191.0.0/16" "$T/verify.out" ||
	    fail "verify pool: $(cat "$T/verify.out")"
elif command -v sqlite3 >/dev/null; then
	cp "$L" "$T/bad.db"
	[ -f "$L-wal" ] && cp "$L-wal" "$T/bad.db-wal"
	sqlite3 "$T/bad.db" "INSERT INTO lease (id, gen, kind, scope, family,
	    lo, hi, pool, tplen, block, address, created)
	    SELECT id + 100, gen, kind, scope, family, lo, hi, pool, tplen,
	    block, address, created FROM lease WHERE block = '10.190.1.0/24'
	    AND released IS NULL;"
	set +e
	"$EDGENETC" ledger --ledger "$T/bad.db" verify >"$T/verify.out" 2>&1
	rc=$?
	set -e
	expect "verify overlap rc" 1 "$rc"
	grep -q "block 10.190.1.0/24 of instance 'pis-2' overlaps block 10.190.1.0/24" \
	    "$T/verify.out" || fail "verify overlap: $(cat "$T/verify.out")"
	cp "$L" "$T/bad2.db"
	[ -f "$L-wal" ] && cp "$L-wal" "$T/bad2.db-wal"
	sqlite3 "$T/bad2.db" "UPDATE lease SET pool = '10.191.0.0/16'
	    WHERE block = '10.190.0.0/24' AND released IS NULL;"
	set +e
	"$EDGENETC" ledger --ledger "$T/bad2.db" verify >"$T/verify.out" 2>&1
	rc=$?
	set -e
	expect "verify pool rc" 1 "$rc"
	grep -q "is not inside its pool 10.191.0.0/16" "$T/verify.out" ||
	    fail "verify pool: $(cat "$T/verify.out")"
fi
set +e
if pg_backend; then
	"$EDGENETC" ledger --ledger "$(pg_newdb_url no_such_db)" verify \
	    >/dev/null 2>"$T/err"
	rc=$?
	grep -q 'no_such_db' "$T/err" || fail "missing database: $(cat "$T/err")"
else
	"$EDGENETC" ledger --ledger "$T/none.db" verify >/dev/null 2>&1
	rc=$?
fi
set -e
expect "verify missing ledger" 1 "$rc"

if pg_backend; then
	# the default ledger is a URL: named on stderr without its password
	EDGENETC_LEDGER="$L&password=hunter2" "$EDGENETC" alloc \
	    --spec "$T/svc.json" --device d9 --instance t2 2>"$T/err" >"$T/out"
	grep -q "using ledger postgresql://postgres@/alloc_cli?host=" "$T/err" ||
	    fail "default ledger message: $(cat "$T/err")"
	! grep -q hunter2 "$T/err" "$T/out" || fail "the password was shown"
	[ ! -e "postgresql:" ] || fail "a URL was taken for a directory"
	echo "alloc_cli: ok"
	exit 0
fi

# the default ledger: EDGENETC_LEDGER, then XDG_STATE_HOME, path on stderr
EDGENETC_LEDGER=$T/env.db "$EDGENETC" alloc --spec "$T/svc.json" \
    --device d --instance x 2>"$T/err" >/dev/null
grep -q "using ledger $T/env.db" "$T/err" || fail "default ledger message"
[ -f "$T/env.db" ] || fail "EDGENETC_LEDGER not used"
env -u EDGENETC_LEDGER XDG_STATE_HOME=$T/state "$EDGENETC" alloc \
    --spec "$T/svc.json" --device d --instance x 2>"$T/err" >/dev/null
[ -f "$T/state/edgenetc/ledger.db" ] || fail "XDG_STATE_HOME not used"
grep -q "using ledger $T/state/edgenetc/ledger.db" "$T/err" ||
    fail "default ledger message (xdg)"
echo "alloc_cli: ok"
