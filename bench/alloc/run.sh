#!/bin/bash
# bench/alloc: the figures of docs/performance.md (allocator section), in one run.
#
#  1. the in-memory allocator (bench_alloc.c, linking compiler/alloc/alloc.c)
#     beside the Python ipaddress baseline (baseline.py) on 65,536 /24
#     from a /8, 1,000,000 /29 from a /8, 1,000,000 /64 from an IPv6 /32:
#     ns and bytes per allocation, and the ratio;
#  2. instructions per allocation (callgrind; repeatable on a busy box);
#  3. the ledger in batch mode: allocations per second, and instructions
#     per allocation (callgrind, 20,000 requests);
#  4. one CLI alloc including process start (hyperfine): a new
#     allocation, and reading one back;
#  5. the same on PostgreSQL with the floors (bench/alloc/pg.sh): one
#     allocation per call, and --batch from 1 and 8 processes with
#     30,000 and 300,000 leases already held.
#
#   bench/alloc/run.sh            (from the repository root, after make)
#   BASELINE_SECONDS=60 RUNS=7 BATCH=100000 bench/alloc/run.sh
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
EDGENETC=${EDGENETC:-$TOP/$BUILD/edgenetc}
RUNS=${RUNS:-5}
BASELINE_SECONDS=${BASELINE_SECONDS:-20}
BATCH=${BATCH:-100000}
SECTIONS=" ${SECTIONS:-1 2 3 4 5} "
want() { case "$SECTIONS" in *" $1 "*) return 0 ;; esac; return 1; }
OUT=$BUILD/bench/alloc
mkdir -p "$OUT"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

make -s BUILD="$BUILD" "$OUT/bench_alloc" "$OUT/alloc_ir" >&2

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo |
    cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo

if want 1; then
echo "## 1. in memory: edgenetc alloc.c vs Python ipaddress (median of $RUNS runs)"
"$OUT/bench_alloc" "$RUNS" >"$T/ours.jsonl"
python3 bench/alloc/baseline.py 10.0.0.0/8 24 65536 "$BASELINE_SECONDS" \
    >"$T/py.jsonl"
python3 bench/alloc/baseline.py 10.0.0.0/8 29 1000000 "$BASELINE_SECONDS" \
    >>"$T/py.jsonl"
python3 bench/alloc/baseline.py 2001:db8::/32 64 1000000 \
    "$BASELINE_SECONDS" >>"$T/py.jsonl"
python3 - "$T/ours.jsonl" "$T/py.jsonl" <<'EOF'
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
py = [json.loads(l) for l in open(sys.argv[2])]
print("| case | edgenetc ns/alloc | B/alloc | Python ns/alloc | Python B/alloc | ratio | ratio, Python measured part only |")
print("|---|---|---|---|---|---|---|")
for o, p in zip(ours, py):
    if "ns_per_alloc_extrapolated" in p:
        pns = p["ns_per_alloc_extrapolated"]
        ptxt = "%.0f extrapolated to %d (measured %.0f over the first %d in %.0f s)" % (
            pns, p["count"], p["ns_per_alloc_measured"], p["done"], p["seconds"])
    else:
        pns = p["ns_per_alloc_measured"]
        ptxt = "%.0f" % pns
    print("| %s | %.1f | %.1f | %s | %.0f | %.0fx | %.0fx |" % (
        o["case"], o["ns_per_alloc"], o["bytes_per_alloc"], ptxt,
        p["bytes_per_alloc"], pns / o["ns_per_alloc"],
        p["ns_per_alloc_measured"] / o["ns_per_alloc"]))
EOF
echo
fi

if want 2 && command -v valgrind >/dev/null; then
	echo "## 2. instructions per allocation (callgrind, 200,000 /29 from a /8)"
	ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$OUT/alloc_ir" \
	    2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
	echo "$((ir / 200000)) instructions per allocation (whole program / 200,000)"
	echo
fi

cat >"$T/svc.json" <<'EOF'
{"name": "big", "access_provided_subnet": "10.0.0.1/8",
 "dhcp_range_template": "10.0.0.1/29",
 "network_config": {"lan_configure_network": "dhcp"}}
EOF
if want 3; then
echo "## 3. ledger, batch mode: $BATCH allocations in one transaction"
python3 -c "
for i in range($BATCH): print('{\"device\":\"d%d\",\"instance\":\"i%d\"}' % (i % 1000, i))" \
    >"$T/req.jsonl"
for r in 1 2 3 4 5; do
	rm -f "$T"/b.db*
	/usr/bin/time -f "%e %U %S" -o "$T/time" "$EDGENETC" alloc \
	    --ledger "$T/b.db" --spec "$T/svc.json" --batch "$T/req.jsonl" \
	    >/dev/null
	cat "$T/time"
done | python3 -c "
import sys
rows = [tuple(map(float, l.split())) for l in sys.stdin]
wall = sorted(r[0] for r in rows)
cpu = sorted(r[1] + r[2] for r in rows)
n = $BATCH
print('wall: median %.2f s = %.0f allocations/s (runs: %s)' % (wall[2],
    n / wall[2], ', '.join('%.2f' % x for x in wall)))
print('CPU (user+sys): median %.2f s = %.0f allocations/s per core' % (
    cpu[2], n / cpu[2]))
print('(process start, commit with fsync and the WAL checkpoint at exit'
      ' included)')"
if command -v valgrind >/dev/null; then
	# instructions: exact and load-independent (20,000 requests)
	head -n 20000 "$T/req.jsonl" >"$T/req20k.jsonl"
	rm -f "$T"/b.db*
	ir=$(EDGENETC_NOW=1700000000 valgrind --tool=callgrind \
	    --callgrind-out-file=/dev/null "$EDGENETC" alloc --ledger "$T/b.db" \
	    --spec "$T/svc.json" --batch "$T/req20k.jsonl" 2>&1 >/dev/null |
	    sed -n 's/.*refs: *//p' | tr -d ,)
	echo "callgrind: $((ir / 20000)) instructions per allocation (whole process / 20,000)"
fi
echo
fi

if want 4; then
echo "## 4. one CLI alloc, process start included"
L=$T/cli.db
"$EDGENETC" alloc --ledger "$L" --spec "$T/svc.json" --device d \
    --instance x >/dev/null
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 5 --runs 100 --export-json "$T/h1.json" \
	    --prepare "$EDGENETC release --ledger $L --instance x" \
	    "$EDGENETC alloc --ledger $L --spec $T/svc.json --device d --instance x" \
	    >/dev/null
	hyperfine -N --warmup 5 --runs 100 --export-json "$T/h2.json" \
	    "$EDGENETC alloc --ledger $L --spec $T/svc.json --device d --instance x" \
	    >/dev/null
	EDGENETC_LEDGER_SYNC=normal hyperfine -N --warmup 5 --runs 100 \
	    --export-json "$T/h3.json" \
	    --prepare "$EDGENETC release --ledger $L --instance x" \
	    "$EDGENETC alloc --ledger $L --spec $T/svc.json --device d --instance x" \
	    >/dev/null
	python3 - "$T"/h1.json "$T"/h2.json "$T"/h3.json <<'EOF'
import json, sys
names = ["new allocation (commit, fsync)", "read back (idempotent)",
         "new allocation, EDGENETC_LEDGER_SYNC=normal"]
for name, path in zip(names, sys.argv[1:]):
    r = json.load(open(path))["results"][0]
    print("%s: median %.2f ms, mean %.2f ms, min %.2f ms; CPU %.2f ms"
          " (user %.2f + sys %.2f)" % (
        name, r["median"] * 1e3, r["mean"] * 1e3, r["min"] * 1e3,
        (r["user"] + r["system"]) * 1e3, r["user"] * 1e3,
        r["system"] * 1e3))
EOF
else
	echo "hyperfine not installed"
fi
fi
if want 5; then
	echo
	echo "## 5. PostgreSQL ledger (bench/alloc/pg.sh)"
	BUILD=$BUILD EDGENETC=$EDGENETC RUNS=$RUNS BATCH=$BATCH bench/alloc/pg.sh
fi
echo
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
