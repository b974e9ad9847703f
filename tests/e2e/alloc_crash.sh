#!/bin/bash
# kill -9 at random moments: a loop of allocations (each its own edgenetc
# process, the default durable ledger settings) is killed with its whole
# process group, ROUNDS times (default 50).  After each kill ledger verify
# passes; at the end (nothing is ever released, so what was in the ledger
# stays) every answer printed before any kill is in the ledger exactly as
# printed.  Every tenth round a batch is killed instead.
#
# EDGENETC_TEST_BACKEND=pg: the same against PostgreSQL, and in every
# tenth round (the fifth of ten) the server itself is restarted with
# pg_ctl restart -m immediate (a crash: no shutdown checkpoint) in the
# middle of a batch; the batch fails cleanly (exit 1, one line naming
# the server) or had committed, and the next call works.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
ROUNDS=${ALLOC_CRASH_ROUNDS:-50}
command -v python3 >/dev/null || { echo "alloc_crash: python3 missing" >&2; exit 77; }
command -v setsid >/dev/null || { echo "alloc_crash: setsid missing" >&2; exit 77; }
. "$TOP/tests/lib/pg.sh"
pg_need_backend

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# a private copy: a rebuild of the shared build directory during the
# test must not swap the program under the running processes
cp "$EDGENETC" "$T/edgenetc.bin"
EDGENETC=$T/edgenetc.bin
L=$(test_ledger alloc_crash "$T/ledger.db")
export EDGENETC L T

cat >"$T/fleet.yaml" <<'EOF'
services:
  - name: s
    access_provided_subnet: 10.0.0.1/8
    dhcp_range_template: 10.0.0.1/26
    network_config:
      wan_configure_network: allocated
      lan_configure_network: dhcp
devices:
  - id: d
    client_networks:
      - { name: n, default: true, bridge: br0, subnet: 172.16.0.1/16 }
EOF

verify() {
	"$EDGENETC" ledger --ledger "$L" verify >"$T/verify" 2>&1 && return
	# killed before the first call made the ledger: there is none, and
	# no answer was printed
	if grep -q "no ledger there\|No such file" "$T/verify" &&
	    ! cat "$T"/out.* 2>/dev/null | grep -q .; then
		return
	fi
	cat "$T/verify"; echo "round $1: verify failed"; exit 1
}

check() {
	verify "$1"
	"$EDGENETC" ledger --ledger "$L" show >"$T/show.json"
	python3 - "$T/show.json" "$T"/out.* <<'EOF' ||
import json, sys
live = {i["instance"]: i for i in json.load(open(sys.argv[1]))["instances"]}
keys = ["service", "instance", "device", "block", "address", "dhcp_pool",
        "wan_address"]
n = 0
for path in sys.argv[2:]:
    data = open(path).read()
    # a line cut by the kill has no newline: it was never complete
    for line in data.split("\n")[:-1]:
        a = json.loads(line)
        rec = live.get(a["instance"])
        if rec is None or {k: rec[k] for k in keys} != a:
            sys.exit("printed but not in the ledger: %s" % line)
        n += 1
print(n, "answers checked")
EOF
	    { echo "round $1: an answer is missing"; exit 1; }
}

server_crash() {	# server_crash ROUND: a batch, and the server dies under it
	python3 -c "
for i in range(2000): print('{\"device\":\"d\",\"instance\":\"s$1-%d\"}' % i)" \
	    >"$T/batch.jsonl"
	"$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" \
	    --batch "$T/batch.jsonl" >"$T/out.$1" 2>"$T/err.$1" &
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % 400 + 50)))"
	pg_ctl_owner -m immediate -w restart >/dev/null 2>&1 ||
	    { echo "round $1: the server did not restart"; exit 1; }
	if wait "$pid"; then
		echo "round $1: the batch committed before the crash"
	else
		[ ! -s "$T/out.$1" ] || { echo "round $1: a failed batch printed"; exit 1; }
		grep -q "ledger: postgresql://postgres@/alloc_crash?host=[^ ]*: .*connection" \
		    "$T/err.$1" && grep -q "nothing recorded" "$T/err.$1" ||
		    { cat "$T/err.$1"; echo "round $1: not a clean failure"; exit 1; }
		echo "round $1: the crashed batch: $(head -1 "$T/err.$1")"
	fi
	# the next call works
	"$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" --device d \
	    --instance "after$1" >>"$T/out.$1" ||
	    { echo "round $1: no answer after the restart"; exit 1; }
}

for ((r = 1; r <= ROUNDS; r++)); do
	if pg_backend && ((r % 10 == 5)); then
		server_crash "$r"
		verify "$r"
		continue
	fi
	if ((r % 10 == 0)); then
		# a batch in one transaction: all of it or none
		python3 -c "
for i in range(500): print('{\"device\":\"d\",\"instance\":\"b$r-%d\"}' % i)" \
		    >"$T/batch.jsonl"
		setsid bash -c 'exec "$EDGENETC" alloc --ledger "$L" \
		    --spec "$T/fleet.yaml" --batch "$T/batch.jsonl" \
		    >"$T/out.$0"' "$r" 2>/dev/null &
	else
		setsid bash -c 'i=0; while :; do
			"$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" \
			    --device d --instance "c$0-$i" || exit 1
			i=$((i + 1))
		done >"$T/out.$0"' "$r" 2>/dev/null &
	fi
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % 250 + 20)))"
	kill -9 -- -"$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	verify "$r"
done
check final
echo "alloc_crash: $ROUNDS kills, ledger consistent"
