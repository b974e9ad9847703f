#!/bin/sh
# Compiles the bundles the lab's scenarios apply, on the build machine
# (edgenetc runs there; the device only gets the bundles):
#   OUT/e2e       the e2e fleet (testdata/bundles/e2e.yaml)
#   OUT/e2e-b     the same fleet without mon-1 (same ledger: the other
#                 instances keep their addresses)
#   OUT/bench50   a 50-instance device (tests/tools/device_fleet.sh)
#   OUT/NAME      for each NAME=FLEET given (a scenario's own fleets)
#
#   tests/lab/bundles.sh EDGENETC OUT [NAME=FLEET ...]
set -eu
EDGENETC=$1 OUT=$2
shift 2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$OUT"
mkdir -p "$OUT/src"
E2E=$TOP/testdata/bundles/e2e.yaml
compile() {	# NAME FLEET LEDGER
	"$EDGENETC" compile --ledger "$OUT/src/$3.ledger" -o "$OUT/$1" "$2" \
	    > /dev/null 2> "$OUT/src/err" || { cat "$OUT/src/err" >&2; exit 1; }
}
compile e2e "$E2E" e2e
sed '/{ id: mon-1,/d' "$E2E" > "$OUT/src/e2e-b.yaml"
compile e2e-b "$OUT/src/e2e-b.yaml" e2e
"$TOP/tests/tools/device_fleet.sh" 50 > "$OUT/src/bench50.yaml"
compile bench50 "$OUT/src/bench50.yaml" bench50
for nf in "$@"; do
	compile "${nf%%=*}" "${nf#*=}" "${nf%%=*}"
done
rm -rf "$OUT/src"
