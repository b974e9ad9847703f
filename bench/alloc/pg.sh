#!/bin/bash
# bench/alloc/pg.sh: the PostgreSQL ledger beside SQLite (bench/alloc/run.sh
# section 5), on a private cluster (tests/lib/pg.sh: initdb in a temporary
# directory, unix socket, fsync and synchronous_commit on), each figure
# with its floor measured here:
#
#  a. one allocation per call (process start, connect, commit) vs the
#     commit-bound floor: a process that connects and INSERTs one row
#     under the same exclusion constraint (pg_floor.c);
#  b. --batch of BATCH (default 100,000) allocations from 1 process and
#     from 8 processes (BATCH/8 each, at once, one pool), with EXISTING
#     (default "30000 300000") leases already in the table, vs the floor:
#     the same rows COPYed into a table of the same shape, indexes and
#     constraint, holding the same leases.
#
#   bench/alloc/pg.sh     (from the repository root, after make)
#   BATCH=2000 EXISTING="300 3000" RUNS=3 bench/alloc/pg.sh   (a smoke test)
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
EDGENETC=${EDGENETC:-$TOP/$BUILD/edgenetc}
RUNS=${RUNS:-5}
BATCH=${BATCH:-100000}
EXISTING=${EXISTING:-30000 300000}
FLOOR=$TOP/$BUILD/bench/alloc/pg_floor
make -s BUILD="$BUILD" "$BUILD/bench/alloc/pg_floor" >&2
. "$TOP/tests/lib/pg.sh"
pg_start || { echo "PostgreSQL server programs missing: section skipped"; exit 0; }
T=$(mktemp -d)
trap 'pg_stop; rm -rf "$T"' EXIT

cat >"$T/svc.json" <<'EOS'
{"name": "big", "access_provided_subnet": "10.0.0.1/8",
 "dhcp_range_template": "10.0.0.1/29",
 "network_config": {"lan_configure_network": "dhcp"}}
EOS

med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "### a. one allocation per call"
U=$(pg_newdb single)
"$EDGENETC" alloc --ledger "$U" --spec "$T/svc.json" --device d --instance x >/dev/null
pg_psql "$U" -c "CREATE SEQUENCE fs" -c "CREATE TABLE floor1 (b cidr,
    EXCLUDE USING spgist (b inet_ops WITH &&))"
FSQL="INSERT INTO floor1 VALUES (set_masklen(inet '10.0.0.0' + nextval('fs') * 8, 29)::cidr)"
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 5 --runs 100 --export-json "$T/p1.json" \
	    --prepare "$EDGENETC release --ledger $U --instance x" \
	    "$EDGENETC alloc --ledger $U --spec $T/svc.json --device d --instance x" \
	    >/dev/null
	hyperfine -N --warmup 5 --runs 100 --export-json "$T/p2.json" \
	    "$EDGENETC alloc --ledger $U --spec $T/svc.json --device d --instance x" \
	    >/dev/null
	hyperfine -N --warmup 5 --runs 100 --export-json "$T/p3.json" \
	    "$FLOOR $U \"$FSQL\"" >/dev/null
	python3 - "$T"/p1.json "$T"/p2.json "$T"/p3.json <<'EOP'
import json, sys
rs = [json.load(open(p))["results"][0] for p in sys.argv[1:]]
names = ["new allocation (release + alloc: commit)", "read back (idempotent)",
         "floor: connect + INSERT under the constraint + commit"]
for name, r in zip(names, rs):
    print("%s: median %.2f ms, min %.2f ms" % (name, r["median"] * 1e3,
          r["min"] * 1e3))
print("new allocation = %.0f %% of the floor's rate" % (
    100 * rs[2]["median"] / rs[0]["median"]))
EOP
else
	echo "hyperfine not installed"
fi
echo

python3 -c "
for i in range($BATCH): print('{\"device\":\"d%d\",\"instance\":\"i%d\"}' % (i % 1000, i))" \
    >"$T/req.jsonl"
split -n l/8 -d "$T/req.jsonl" "$T/part."

# a fresh ledger holding n leases (made by a batch of its own)
fresh() {	# fresh NAME N
	local u
	u=$(pg_newdb "$1")
	if [ "$2" -gt 0 ]; then
		python3 -c "
for i in range($2): print('{\"device\":\"e%d\",\"instance\":\"pre%d\"}' % (i % 1000, i))" \
		    >"$T/pre.jsonl"
		"$EDGENETC" alloc --ledger "$u" --spec "$T/svc.json" \
		    --batch "$T/pre.jsonl" >/dev/null
	fi
	pg_psql "$u" -c "VACUUM ANALYZE" >/dev/null
	echo "$u"
}

for n in $EXISTING; do
	echo "### b. --batch of $BATCH with $n leases in the table (median of $RUNS)"
	for mode in 1 8; do
		for ((r = 0; r < RUNS; r++)); do
			u=$(fresh "b$n" "$n")
			s=$(date +%s.%N)
			if [ $mode = 1 ]; then
				"$EDGENETC" alloc --ledger "$u" --spec "$T/svc.json" \
				    --batch "$T/req.jsonl" >/dev/null
			else
				for p in "$T"/part.*; do
					"$EDGENETC" alloc --ledger "$u" --spec "$T/svc.json" \
					    --batch "$p" >/dev/null &
				done
				wait
			fi
			echo "$(date +%s.%N) - $s" | bc >>"$T/times"
			"$EDGENETC" ledger --ledger "$u" verify >/dev/null ||
			    { echo "verify failed" >&2; exit 1; }
		done
		med <"$T/times" >"$T/t"
		rm -f "$T/times"
		printf 'from %d process(es): %.2f s = %.0f allocations/s\n' "$mode" \
		    "$(cat "$T/t")" "$(echo "$BATCH / $(cat "$T/t")" | bc -l)"
	done
	# the floor: the rows of the last run, COPYed into a copy of the table
	pg_psql "$u" -c "CREATE TABLE floor_lease (LIKE lease INCLUDING ALL)" \
	    -c "\\copy (SELECT * FROM lease WHERE id >= (SELECT min(gen) FROM instance WHERE instance LIKE 'i%') * 256) TO '$T/rows.copy'" \
	    >/dev/null
	for ((r = 0; r < RUNS; r++)); do
		pg_psql "$u" -c "TRUNCATE floor_lease" \
		    -c "INSERT INTO floor_lease SELECT l.* FROM lease l JOIN
		        instance i ON i.gen = l.gen WHERE i.instance LIKE 'pre%'" \
		    -c "VACUUM ANALYZE floor_lease" >/dev/null
		s=$(date +%s.%N)
		pg_psql "$u" -c "\\copy floor_lease FROM '$T/rows.copy'" >/dev/null
		echo "$(date +%s.%N) - $s" | bc >>"$T/times"
	done
	med <"$T/times" >"$T/t"
	rm -f "$T/times"
	printf 'floor: COPY of the same %d rows under the same constraint: %.2f s = %.0f rows/s\n' \
	    "$(wc -l <"$T/rows.copy")" "$(cat "$T/t")" \
	    "$(echo "$(wc -l <"$T/rows.copy") / $(cat "$T/t")" | bc -l)"
	echo
done
