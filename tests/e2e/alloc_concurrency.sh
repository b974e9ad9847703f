#!/bin/bash
# Concurrent callers on one ledger: W processes x N allocations each
# (default 8 x 500), every allocation its own edgenetc process, spread
# over 4 devices so that WAN addresses contend too.  Then: no duplicate
# instance, no two blocks overlap, no WAN address twice on a device,
# every printed answer is in the ledger exactly, ledger verify passes.
#
# EDGENETC_TEST_BACKEND=pg: the same against one PostgreSQL server, with
# 2 more processes allocating ALLOC_BATCH (default 500) each in --batch
# mode on the same pool meanwhile, and an SQL self-join of the lease
# table finding no two active leases that overlap.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
W=${ALLOC_WORKERS:-8}
N=${ALLOC_PER_WORKER:-500}
# Under the sanitizers every process start costs ~50 ms of shadow memory
# set-up: 8 x 100 there (the full 8 x 500 runs in make check).
case "${BUILD:-}" in
*asan*) N=${ALLOC_PER_WORKER:-100} ;;
esac
# Commits need not reach the disk here (alloc_crash.sh tests durability
# with the default settings); this keeps 4000 processes within CI time.
export EDGENETC_LEDGER_SYNC=${EDGENETC_LEDGER_SYNC:-normal}
command -v python3 >/dev/null || { echo "alloc_concurrency: python3 missing" >&2; exit 77; }
. "$TOP/tests/lib/pg.sh"
pg_need_backend
NB=${ALLOC_BATCH:-500}
pg_backend || NB=0

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# a private copy: a rebuild of the shared build directory during the
# test must not swap the program under the running processes
cp "$EDGENETC" "$T/edgenetc.bin"
EDGENETC=$T/edgenetc.bin
L=$(test_ledger alloc_concurrency "$T/ledger.db")
# commits need not reach the disk here either (alloc_crash.sh)
pg_backend && L="$L&options=-csynchronous_commit%3Doff"

cat >"$T/fleet.yaml" <<'EOF'
services:
  - name: s
    access_provided_subnet: 10.0.0.1/8
    dhcp_range_template: 10.0.0.1/24
    network_config:
      wan_configure_network: allocated
      lan_configure_network: dhcp
devices:
EOF
for d in 0 1 2 3; do
	cat >>"$T/fleet.yaml" <<EOF
  - id: d$d
    client_networks:
      - { name: n, default: true, bridge: br0, subnet: 172.16.0.1/20 }
EOF
done

worker() {
	local k=$1 i
	for ((i = 0; i < N; i++)); do
		"$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" \
		    --device "d$((k % 4))" --instance "w$k-$i" \
		    2>>"$T/err.$k" || { echo "worker $k: alloc $i failed" \
		    >>"$T/err.$k"; return 1; }
	done >"$T/out.$k"
}

# First callers of a ledger that does not exist yet: 8 processes create
# it at once (schema, WAL mode), 20 times over (5 on PostgreSQL: a
# database each); every one must succeed.
rounds=20
pg_backend && rounds=5
for ((r = 0; r < rounds; r++)); do
	rm -f "$T/new.db" "$T/new.db-wal" "$T/new.db-shm"
	NEW=$(test_ledger "alloc_concurrency_new$r" "$T/new.db")
	fpids=""
	for ((k = 0; k < 8; k++)); do
		"$EDGENETC" alloc --ledger "$NEW" --spec "$T/fleet.yaml" \
		    --device "d$((k % 4))" --instance "f$r-$k" >/dev/null \
		    2>>"$T/first.err" &
		fpids="$fpids $!"
	done
	for p in $fpids; do
		wait $p || { cat "$T/first.err" >&2;
		    echo "round $r: a first caller failed" >&2; exit 1; }
	done
	"$EDGENETC" ledger --ledger "$NEW" verify >/dev/null ||
	    { echo "round $r: verify" >&2; exit 1; }
done
echo "alloc_concurrency: $rounds x 8 first callers of a new ledger, all answered"

# the workers below race on allocations (the ledger exists by then)
"$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" --device d0 \
    --instance warmup >/dev/null
"$EDGENETC" release --ledger "$L" --instance warmup >/dev/null
pids=""
for ((k = 0; k < W; k++)); do
	worker $k &
	pids="$pids $!"
done
for ((k = 0; k < 2 && NB > 0; k++)); do
	python3 -c "
for i in range($NB): print('{\"device\":\"d$k\",\"instance\":\"b$k-%d\"}' % i)" \
	    >"$T/batch.$k"
	"$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" \
	    --batch "$T/batch.$k" >"$T/out.b$k" 2>"$T/err.b$k" &
	pids="$pids $!"
done
ok=1
for p in $pids; do
	wait $p || ok=0
done
if [ $ok = 0 ]; then
	cat "$T"/err.* >&2
	exit 1
fi
cat "$T"/out.* >"$T/answers"
"$EDGENETC" ledger --ledger "$L" verify
"$EDGENETC" ledger --ledger "$L" show >"$T/show.json"
if pg_backend; then
	n=$(pg_psql "$L" -At -c "SELECT count(*) FROM lease a JOIN lease b
	    ON a.id < b.id AND a.active AND b.active AND a.scope = b.scope
	    AND a.block && b.block AND NOT (a.kind = 'shared' AND
	    b.kind = 'shared' AND a.block = b.block)")
	[ "$n" = 0 ] || { echo "SQL self-join: $n overlapping pairs" >&2; exit 1; }
	echo "alloc_concurrency: SQL self-join: no overlapping active leases"
fi
python3 - "$T/answers" "$T/show.json" $((W * N + 2 * NB)) <<'EOF'
import ipaddress, json, sys
answers = [json.loads(l) for l in open(sys.argv[1])]
show = json.load(open(sys.argv[2]))
want = int(sys.argv[3])
assert len(answers) == want, (len(answers), want)
ids = [a["instance"] for a in answers]
assert len(set(ids)) == want, "duplicate instance"
blocks = sorted(ipaddress.ip_network(a["block"]) for a in answers)
for x, y in zip(blocks, blocks[1:]):
    assert not x.overlaps(y), (x, y)
wan = {(a["device"], a["wan_address"]) for a in answers}
assert len(wan) == want, "WAN address given twice on a device"
# lowest free: the blocks are exactly the first `want` /24s
top = max(int(b.network_address) for b in blocks)
assert top == int(ipaddress.ip_address("10.0.0.0")) + 256 * (want - 1), \
    "blocks are not the lowest free ones"
live = {i["instance"]: i for i in show["instances"]}
keys = ["service", "instance", "device", "block", "address", "dhcp_pool",
        "wan_address"]
for a in answers:
    rec = live.get(a["instance"])
    assert rec is not None, a
    assert {k: rec[k] for k in keys} == a, (rec, a)
assert len(live) == want
print("alloc_concurrency: %d answers, all in the ledger, no overlap" % want)
EOF
