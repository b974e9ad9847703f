#!/bin/bash
# Golden bundles, determinism and stability of `edgenetc compile`:
#   - testdata/golden/<fleet>/ equals a compile with a fresh ledger
#     (UPDATE_GOLDEN=1 rewrites it); lxc.env has mode 0600;
#   - recompiling with the same ledger, into a new or the same OUTDIR,
#     gives byte-identical bundles and leaves no temporary directory;
#   - adding one instance changes only its own files and the device-level
#     files that list it; removing one removes only its files;
#   - a failed compile leaves OUTDIR and the ledger as they were.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 77; }

T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cpdb() {	# copy a SQLite ledger with its WAL, if any
	for s in "" -wal -shm; do
		[ ! -f "$1$s" ] || cp "$1$s" "$2$s"
	done
}

compile() {	# LEDGER OUTDIR FILE...
	l=$1 o=$2
	shift 2
	"$EDGENETC" compile --ledger "$l" -o "$o" "$@" 2>"$T/err" ||
	    { cat "$T/err"; return 1; }
}

# 1. goldens
for pair in example:testdata/fleet/fleet.yaml edge:testdata/golden/edge.yaml; do
	name=${pair%%:*} in=$TOP/${pair#*:}
	gold=$TOP/testdata/golden/$name
	compile "$T/$name.db" "$T/$name" "$in" || fail "compile $name"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		rm -rf "$gold"
		cp -r "$T/$name" "$gold"
		echo "updated $gold"
	fi
	diff -r "$gold" "$T/$name" || fail "$name differs from $gold"
	for f in $(find "$T/$name" -type f); do
		m=$(stat -c %a "$f")
		case $f in
		*/lxc.env) [ "$m" = 600 ] || fail "$f mode $m" ;;
		*) [ "$m" = 644 ] || fail "$f mode $m" ;;
		esac
	done
done

# the same fleet written in JSON gives the same bundles, manifests (and
# their digest of each device's inputs) included
if [ -f "$TOP/testdata/fleet/fleet.json" ]; then
	compile "$T/json.db" "$T/json" "$TOP/testdata/fleet/fleet.json" ||
	    fail "compile fleet.json"
	diff -r "$TOP/testdata/golden/example" "$T/json" ||
	    fail "fleet.json and fleet.yaml give different bundles"
fi

# a device without instances has no instances/ directory, and is left
# alone on a recompile like any unchanged bundle
[ ! -e "$T/edge/idle-1/instances" ] || fail "empty instances/ in idle-1"
ino=$(stat -c %i "$T/edge/idle-1")
compile "$T/edge.db" "$T/edge" "$TOP/testdata/golden/edge.yaml" || fail "recompile edge"
[ "$(stat -c %i "$T/edge/idle-1")" = "$ino" ] || fail "idle-1 was rewritten"

# 2. recompile: byte-identical, in a new and in the same OUTDIR
E=$TOP/testdata/fleet/fleet.yaml
compile "$T/example.db" "$T/again" "$E" || fail "recompile"
diff -r "$T/example" "$T/again" || fail "recompile is not byte-identical"
compile "$T/example.db" "$T/example" "$E" || fail "recompile in place"
diff -r "$TOP/testdata/golden/example" "$T/example" ||
    fail "recompile in place is not byte-identical"
ls -a "$T" | grep -q '\.tmp-' && fail "temporary directory left behind"
# an unchanged bundle is left alone (same inode).  compile trusts the
# list's digests (the runtime checks every file against the manifest); once
# the list is gone it compares bytes, and a tampered bundle is rewritten:
# a changed byte, a changed mode, an extra file, a missing file
ino=$(stat -c %i "$T/example/bus-0043")
compile "$T/example.db" "$T/example" "$E" || fail "recompile in place"
[ "$(stat -c %i "$T/example/bus-0043")" = "$ino" ] ||
    fail "an unchanged bundle was rewritten"
sed -i 's/0644/0645/' "$T/example/bus-0042/manifest.json"
chmod 0644 "$T/example/bus-0043/instances/pis-0043/lxc.env"
touch "$T/example/gw-0001/instances/extra"
rm "$T/example/bus-0042/host.nft"
rm "$T/example/.edgenetc-bundles"
compile "$T/example.db" "$T/example" "$E" || fail "recompile over tampering"
diff -r "$TOP/testdata/golden/example" "$T/example" ||
    fail "a tampered bundle was not rewritten"
[ "$(stat -c %a "$T/example/bus-0043/instances/pis-0043/lxc.env")" = 600 ] ||
    fail "a changed mode was not restored"

# a larger fleet: two compiles from scratch give the same bytes and the
# same diagnostics (a second apc instance per device: a shared range, so
# the emitters report one route-conflict warning per device too)
python3 "$TOP/bench/compile/gen_fleet.py" --devices 300 |
    sed 's/{ id: "apc-\([0-9]*\)", service: "apc" }/&, { id: "apc-\1-b", service: "apc" }/' \
    >"$T/big.yaml"
"$EDGENETC" compile --ledger "$T/big1.db" -o "$T/big1" "$T/big.yaml" 2>"$T/big1.err" ||
    { cat "$T/big1.err"; fail "compile big"; }
"$EDGENETC" compile --ledger "$T/big2.db" -o "$T/big2" "$T/big.yaml" 2>"$T/big2.err" ||
    fail "compile big again"
diff -r "$T/big1" "$T/big2" || fail "threaded compile is not deterministic"
cmp "$T/big1.err" "$T/big2.err" || fail "diagnostics differ between runs"
[ "$(ls "$T/big1" | wc -l)" = 300 ] || fail "not 300 bundles"
[ "$(grep -c 'route-conflict' "$T/big1.err")" = 300 ] ||
    fail "not one route-conflict warning per device"

# 3. one instance more, one instance less
python3 - "$E" "$T/plus.yaml" "$T/minus.yaml" <<'EOP'
import sys
src = open(sys.argv[1]).read()
line = "      - { id: pis-0042, service: pis }\n"
assert line in src
open(sys.argv[2], "w").write(src.replace(line,
    line + "      - { id: pis-0042-new, service: pis }\n"))
line = "      - { id: sensor-0042-a, service: sensor }\n"
assert line in src
open(sys.argv[3], "w").write(src.replace(line, ""))
EOP
cpdb "$T/example.db" "$T/plus.db"
compile "$T/plus.db" "$T/plus" "$T/plus.yaml" || fail "compile plus"
cpdb "$T/example.db" "$T/minus.db"
compile "$T/minus.db" "$T/minus" "$T/minus.yaml" || fail "compile minus"
python3 - "$T/example" "$T/plus" "$T/minus" <<'EOP'
import hashlib, json, os, sys

def files(root):
    out = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out

base, plus, minus = (files(p) for p in sys.argv[1:4])
# device-level files of the changed device may change, and its manifest
# (and its line in the list); every other device's bundle stays the same,
# manifest included (its inputs digest covers only what it sees)
may = {"bus-0042/allocations.json", "bus-0042/netlink.batch",
       "bus-0042/host.nft", "bus-0042/manifest.json", ".edgenetc-bundles"}
bad = []
for name, new, gone in (("plus", plus, "pis-0042-new"),
                        ("minus", minus, "sensor-0042-a")):
    for p in sorted(set(base) | set(new)):
        if p in may:
            continue
        if "/instances/%s/" % gone in "/" + p:
            continue
        if base.get(p) != new.get(p):
            bad.append("%s: %s changed" % (name, p))
    # the instance's own files appear / disappear
    own = [p for p in (new if name == "plus" else base)
           if "/instances/%s/" % gone in "/" + p]
    if not own:
        bad.append("%s: no files of %s" % (name, gone))
    if name == "minus" and any("/instances/%s/" % gone in "/" + p for p in new):
        bad.append("minus: files of %s left" % gone)
    # the other instances' allocations are the same objects
    a = {i["instance"]: i for i in
         json.loads(base["bus-0042/allocations.json"])["instances"]}
    b = {i["instance"]: i for i in
         json.loads(new["bus-0042/allocations.json"])["instances"]}
    for k in set(a) & set(b):
        if a[k] != b[k]:
            bad.append("%s: allocation of %s moved" % (name, k))
    # device batch: no line of another instance is lost
    h8 = hashlib.sha256(gone.encode()).hexdigest()[:8]
    new_lines = set(new["bus-0042/netlink.batch"].decode().splitlines())
    lost = [l for l in base["bus-0042/netlink.batch"].decode().splitlines()
            if l not in new_lines and h8 not in l and gone not in l]
    if lost:
        bad.append("%s: netlink.batch lost lines %s" % (name, lost))
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("stable: adding and removing an instance changes only its files")
EOP

# 4. a failed compile changes nothing: an unsafe label (refused by lint or
# by compile) and an exhausted pool
cp -r "$T/example" "$T/before"
cpdb "$T/example.db" "$T/ledger-before.db"
sed 's/label: cams }/label: "cam*" }/' "$E" >"$T/bad-label.yaml"
grep -q 'cam\*' "$T/bad-label.yaml" || fail "could not make bad-label.yaml"
if "$EDGENETC" compile --ledger "$T/example.db" -o "$T/example" \
    "$T/bad-label.yaml" 2>"$T/err"; then
	fail "compile accepted an unsafe label"
fi
grep -Eq 'unsafe-name|invalid-label' "$T/err" || { cat "$T/err"; fail "no label error"; }
python3 - "$E" "$T/exhaust.yaml" <<'EOP'
import sys
src = open(sys.argv[1]).read()
# 300 pis instances on bus-0043: the /16 has 256 /24 blocks
line = "      - { id: pis-0043, service: pis }\n"
extra = "".join("      - { id: pis-x%03d, service: pis }\n" % i
                for i in range(300))
open(sys.argv[2], "w").write(src.replace(line, line + extra))
EOP
if "$EDGENETC" compile --ledger "$T/example.db" -o "$T/example" \
    "$T/exhaust.yaml" 2>"$T/err"; then
	fail "compile succeeded on an exhausted pool"
fi
diff -r "$T/before" "$T/example" || fail "a failed compile changed OUTDIR"
ls -a "$T" | grep -q '\.tmp-' && fail "temporary directory left behind"
# the ledger's content, without its own path
"$EDGENETC" ledger --ledger "$T/ledger-before.db" show |
    grep -v '"ledger":' >"$T/show1"
"$EDGENETC" ledger --ledger "$T/example.db" show |
    grep -v '"ledger":' >"$T/show2"
[ -s "$T/show1" ] || fail "ledger show printed nothing"
cmp "$T/show1" "$T/show2" || fail "a failed compile changed the ledger"
compile "$T/example.db" "$T/after" "$E" || fail "compile after failures"
diff -r "$T/before" "$T/after" || fail "allocations moved after failed compiles"
echo "compile_golden: ok"
