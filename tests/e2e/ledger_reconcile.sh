#!/bin/bash
# ledger reconcile releases what the complete inventory no longer lists:
#   - compile warns (stale-leases) while the ledger holds instances the
#     input does not list, and stops once they are reconciled
#   - --dry-run lists them and changes nothing
#   - a released instance's block stays taken during the cooldown and is
#     handed out again after it
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 77; }
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
F=$TOP/testdata/changes/fleet.yaml
L=$T/ledger.db
export EDGENETC_NOW=1000000

# pis-0043 leaves; later a new pis instance comes to bus-0043
python3 - "$F" "$T" <<'EOP'
import sys
s = open(sys.argv[1]).read()
a = "      - { id: pis-0043, service: pis }\n"
assert a in s
open(sys.argv[2] + "/gone.yaml", "w").write(s.replace(a, ""))
open(sys.argv[2] + "/new.yaml", "w").write(s.replace(a, "      - { id: pis-0043-b, service: pis }\n"))
EOP
block() {	# OUT INSTANCE
	python3 -c 'import json,sys; print([i["block"] for i in json.load(open(sys.argv[1]))["instances"] if i["instance"] == sys.argv[2]][0])' "$1/bus-0043/allocations.json" "$2"
}
"$EDGENETC" compile --ledger "$L" -o "$T/out" "$F" 2>"$T/err" || fail "compile"
old=$(block "$T/out" pis-0043)
grep -q stale-leases "$T/err" && fail "stale-leases on a ledger that matches"

"$EDGENETC" compile --ledger "$L" -o "$T/out" "$T/gone.yaml" 2>"$T/err" || fail "compile gone"
grep -q "warning: 1 instance held in the ledger is not in the input; see edgenetc ledger reconcile \[stale-leases\]" \
    "$T/err" || { cat "$T/err"; fail "no stale-leases warning"; }

# dry run: listed, nothing changes
sha256sum "$L" "$L-wal" >"$T/before"
"$EDGENETC" ledger --ledger "$L" reconcile --dry-run "$T/gone.yaml" >"$T/dry" 2>"$T/err" ||
    { cat "$T/err"; fail "dry run"; }
grep -q '"instance":"pis-0043".*"status":"would-release"' "$T/dry" || { cat "$T/dry"; fail "dry run output"; }
[ "$(wc -l <"$T/dry")" = 1 ] || fail "dry run lists more than pis-0043"
sha256sum "$L" "$L-wal" | diff "$T/before" - || fail "dry run changed the ledger"
[ ! -e "$T/none.db" ] || fail
"$EDGENETC" ledger --ledger "$T/none.db" reconcile --dry-run "$T/gone.yaml" >/dev/null 2>&1 ||
    fail "dry run on no ledger"
[ ! -e "$T/none.db" ] || fail "dry run created a ledger"

# reconcile with a cooldown of 100 s
"$EDGENETC" ledger --ledger "$L" reconcile --cooldown 100 "$T/gone.yaml" >"$T/rec" 2>"$T/err" ||
    { cat "$T/err"; fail "reconcile"; }
grep -q '"instance":"pis-0043".*"status":"released"' "$T/rec" || { cat "$T/rec"; fail "reconcile output"; }
"$EDGENETC" ledger --ledger "$L" reconcile "$T/gone.yaml" >"$T/rec2" 2>/dev/null || fail "reconcile again"
[ ! -s "$T/rec2" ] || fail "a second reconcile released again"
"$EDGENETC" compile --ledger "$L" -o "$T/out" "$T/gone.yaml" 2>"$T/err" || fail "compile after"
grep -q stale-leases "$T/err" && fail "stale-leases after reconcile"

# within the cooldown the block stays taken; after it, it is free again
cp "$L" "$T/early.db"; cp "$L-wal" "$T/early.db-wal"
EDGENETC_NOW=1000050 "$EDGENETC" compile --ledger "$T/early.db" -o "$T/early" "$T/new.yaml" 2>/dev/null ||
    fail "compile in the cooldown"
[ "$(block "$T/early" pis-0043-b)" != "$old" ] || fail "block $old reused during the cooldown"
EDGENETC_NOW=1000101 "$EDGENETC" compile --ledger "$L" -o "$T/late" "$T/new.yaml" 2>/dev/null ||
    fail "compile after the cooldown"
[ "$(block "$T/late" pis-0043-b)" = "$old" ] || fail "block $old not free after the cooldown: $(block "$T/late" pis-0043-b)"

# usage
"$EDGENETC" ledger --ledger "$L" reconcile >/dev/null 2>&1 && fail "reconcile without files"
[ $? -eq 2 ] || fail "usage exit status"
echo "ledger_reconcile: ok"
