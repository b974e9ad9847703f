#!/bin/bash
# explain and diff only read the ledger: the ledger's files are
# byte-identical after them, and on a path where there is no ledger none
# is created (a missing ledger is "nothing recorded yet": explain still
# answers, as compile would decide now).
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
F=$TOP/testdata/changes/fleet.yaml
N=$TOP/testdata/changes/instance-added/new.yaml
L=$T/ledger.db

# the database and its write-ahead log (the -shm index is shared memory
# that readers use too)
sums() { sha256sum "$L" "$L-wal" 2>/dev/null | sed "s|$T/||"; }

# 1. no ledger yet: nothing is created, by explain or by diff
"$EDGENETC" explain --ledger "$L" --device bus-0043 "$N" >"$T/explain0" 2>"$T/err" ||
    { cat "$T/err"; fail "explain without a ledger"; }
grep -q 'instance sensor-0043 (service sensor): not yet recorded' "$T/explain0" ||
    fail "explain does not show sensor-0043 as not recorded"
"$EDGENETC" diff --ledger "$L" "$F" "$N" >/dev/null 2>&1 && fail "diff found no difference"
[ $? -eq 1 ] || fail "diff exit status"
ls "$T" | grep -q ledger && fail "a ledger was created: $(ls "$T")"
# the same without --ledger: the default ledger is not created, nor
# its directory
XDG_STATE_HOME=$T/state "$EDGENETC" explain --device bus-0043 "$N" >/dev/null 2>&1 ||
    fail "explain with the default ledger"
XDG_STATE_HOME=$T/state "$EDGENETC" diff "$F" "$N" >/dev/null 2>&1 || [ $? -eq 1 ] ||
    fail "diff with the default ledger"
[ ! -e "$T/state" ] || fail "default ledger or its directory created: $(find "$T/state")"
XDG_STATE_HOME=$T/state "$EDGENETC" ledger reconcile --dry-run "$N" >/dev/null 2>&1 ||
    fail "reconcile --dry-run with the default ledger"
[ ! -e "$T/state" ] || fail "reconcile --dry-run created $(find "$T/state")"

# 2. an existing ledger stays byte-identical; explain answers an instance
# it does not hold yet as compile would, and does not record it
"$EDGENETC" compile --ledger "$L" -o "$T/out" "$F" 2>/dev/null || fail "compile"
sums >"$T/before"
"$EDGENETC" explain --ledger "$L" --device bus-0043 --format json "$N" \
    >"$T/explain.json" 2>/dev/null || fail "explain"
"$EDGENETC" diff --ledger "$L" --format json "$F" "$N" >"$T/diff.json" 2>/dev/null &&
    fail "diff: no difference"
"$EDGENETC" diff --ledger "$L" "$N" "$F" >/dev/null 2>&1 || true
sums >"$T/after"
diff "$T/before" "$T/after" || fail "the ledger changed"
"$EDGENETC" ledger --ledger "$L" show | grep -q sensor-0043 &&
    fail "explain or diff recorded sensor-0043"
# what explain showed is what compile then decides
"$EDGENETC" compile --ledger "$L" -o "$T/out" "$N" 2>/dev/null || fail "compile NEW"
python3 - "$T/explain.json" "$T/out/bus-0043/allocations.json" <<'EOP' || fail "explain and compile disagree"
import json, sys
e = {i["instance"]: i for i in json.load(open(sys.argv[1]))["instances"]}
a = {i["instance"]: i for i in json.load(open(sys.argv[2]))["instances"]}
for k, v in a.items():
    assert e[k]["lan"].get("address") == v["address"], (k, e[k]["lan"], v)
    assert e[k]["recorded"] == (k != "sensor-0043"), (k, e[k]["recorded"])
EOP
# 3. a ledger its reader may read but not write beside (no -wal, no
# -shm: after the last writer closed it, or restored from a backup)
# still answers; run as another user, with copies it can reach
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	R=$T/ro
	mkdir "$R"
	cp "$EDGENETC" "$F" "$R/" && cp "$N" "$R/new.yaml"
	E=$R/$(basename "$EDGENETC")
	RF=$R/$(basename "$F")
	"$E" compile --ledger "$R/l.db" -o "$T/ro-out" "$RF" 2>/dev/null ||
	    fail "compile ro"
	python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()" "$R/l.db"
	rm -f "$R/l.db-wal" "$R/l.db-shm"
	chmod 755 "$T" "$R" "$E"
	chmod 644 "$R/l.db" "$RF" "$R/new.yaml"
	nobody() {
		set +e
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@" \
		    >/dev/null 2>"$T/err"
		rc=$?
		set -e
	}
	nobody "$E" diff --ledger "$R/l.db" "$RF" "$R/new.yaml"
	[ "$rc" = 1 ] || { cat "$T/err"; fail "diff on a read-only ledger: $rc"; }
	nobody "$E" explain --ledger "$R/l.db" --device bus-0042 "$RF"
	[ "$rc" = 0 ] || { cat "$T/err"; fail "explain on a read-only ledger"; }
	nobody "$E" ledger --ledger "$R/l.db" reconcile --dry-run "$RF"
	[ "$rc" = 0 ] || { cat "$T/err"; fail "reconcile --dry-run on a read-only ledger"; }
	[ ! -e "$R/l.db-wal" ] && [ ! -e "$R/l.db-shm" ] ||
	    fail "files made beside a read-only ledger"
	echo "readonly_ledger: a ledger its reader cannot write beside"
fi
echo "readonly_ledger: ok"
