#!/bin/bash
# compile --prune removes the bundles of devices that left the input, and
# nothing else (OUTDIR/.edgenetc-bundles lists the bundles compile wrote):
#   - without --prune a device removed from the input keeps its bundle,
#     still listed, with a device-not-in-input warning and "kept" in the
#     JSON report
#   - with --prune it loses its bundle; the others stay
#     byte-identical and untouched (same inode); compile says what it
#     removed; files, directories and links compile did not write stay
#   - a device added back gets its bundle back; an unchanged recompile
#     writes nothing, the list included
#   - a listed name that is no bundle any more (no manifest.json, a
#     symbolic link) is left alone and dropped from the list
#   - a failed compile removes nothing; a list that is not a list of
#     device ids fails the compile and changes nothing
#   - the device id .edgenetc-bundles is refused
#   - a second compile waits for the first (OUTDIR is locked)
#   - an input without devices removes every listed bundle
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 77; }

T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
E=$TOP/testdata/fleet/fleet.yaml
G=$TOP/testdata/golden/example
O=$T/out
L=$T/ledger.db
IDX=.edgenetc-bundles

compile() {	# FILE: compile --prune into $O with $L, stderr in $T/err
	"$EDGENETC" compile --ledger "$L" -o "$O" --prune "$1" 2>"$T/err"
}
listed() {	# the ids in the list, one line
	grep -v '^#' "$O/$IDX" | cut -d' ' -f1 | tr '\n' ' '
}
# the fleet without gw-0001 (the last device), and bus-0042 alone
python3 - "$E" "$T" <<'EOP'
import sys
src = open(sys.argv[1]).read()
i = src.index("  - id: gw-0001\n")
open(sys.argv[2] + "/no-gw.yaml", "w").write(src[:i])
j = src.index("  - id: bus-0043\n")
open(sys.argv[2] + "/only-42.yaml", "w").write(src[:j])
EOP

# 1. first compile: every device, and the list
compile "$E" || { cat "$T/err"; fail "compile"; }
diff -r "$G" "$O" || fail "first compile differs from the golden bundles"
[ "$(listed)" = "bus-0042 bus-0043 gw-0001 " ] || fail "list: $(listed)"

# things compile did not write
mkdir "$O/mine" && echo keep >"$O/mine/file"
echo keep >"$O/notes.txt"
ln -s bus-0042 "$O/link"
mkdir "$O/bus-9999" && cp "$G/bus-0042/manifest.json" "$O/bus-9999/"
( cd "$O" && find mine notes.txt link bus-9999 -printf '%p %y %i %l\n' |
    sort ) >"$T/foreign.before"
foreign_same() {
	( cd "$O" && find mine notes.txt link bus-9999 -printf '%p %y %i %l\n' |
	    sort ) >"$T/foreign.after"
	diff "$T/foreign.before" "$T/foreign.after" ||
	    fail "$1: files compile did not write changed"
	[ "$(cat "$O/mine/file" "$O/notes.txt")" = "keep
keep" ] || fail "$1: foreign file contents changed"
}

# 2. gw-0001 leaves the input: kept without --prune
ino42=$(stat -c %i "$O/gw-0001")
"$EDGENETC" compile --ledger "$L" -o "$O" --format json "$T/no-gw.yaml" \
    >"$T/report.json" 2>"$T/err" || { cat "$T/err"; fail "compile without --prune"; }
[ "$(stat -c %i "$O/gw-0001")" = "$ino42" ] || fail "gw-0001 touched without --prune"
grep -q "\[device-not-in-input\]" "$T/err" || { cat "$T/err"; fail "no device-not-in-input"; }
grep -q "'gw-0001'" "$T/err" || { cat "$T/err"; fail "the warning does not name gw-0001"; }
grep -q "compile: removed" "$T/err" && fail "a removal without --prune"
grep -q "^compiled 2 devices: 0 changed, 0 new, 2 unchanged, 0 removed, 1 kept$" \
    "$T/err" || { cat "$T/err"; fail "summary"; }
python3 - "$T/report.json" <<'EOP' || fail "JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
got = {d["device"]: d["change"] for d in r["devices"]}
assert got == {"bus-0042": "unchanged", "bus-0043": "unchanged", "gw-0001": "kept"}, got
assert all(len(d["bundle_sha256"]) == 64 for d in r["devices"]), r
EOP
[ "$(listed)" = "bus-0042 bus-0043 gw-0001 " ] || fail "list after keeping: $(listed)"

# with --prune it goes
compile "$T/no-gw.yaml" || { cat "$T/err"; fail "compile without gw-0001"; }
[ ! -e "$O/gw-0001" ] || fail "gw-0001's bundle is still there"
grep -qx "edgenetc compile: removed $O/gw-0001: device no longer in the input" \
    "$T/err" || { cat "$T/err"; fail "no note of the removal"; }
[ "$(grep -c 'compile: removed' "$T/err")" = 1 ] || fail "more than one removal reported"
[ "$(listed)" = "bus-0042 bus-0043 " ] || fail "list after removal: $(listed)"
# the other bundles: same bytes except the inputs digest, bus-0043 untouched
for d in bus-0042 bus-0043; do
	diff -r -x manifest.json "$G/$d" "$O/$d" || fail "$d changed"
done
foreign_same "removal"
ls -a "$T" | grep -q '\.tmp-' && fail "temporary directory left behind"

# 3. back in the input: back in OUTDIR; an unchanged recompile writes nothing
compile "$E" || { cat "$T/err"; fail "compile with gw-0001 again"; }
diff -r -x mine -x notes.txt -x link -x bus-9999 "$G" "$O" ||
    fail "bundles after re-adding gw-0001 differ from the golden ones"
ino=$(stat -c %i "$O/$IDX")
ino43=$(stat -c %i "$O/bus-0043")
compile "$E" || fail "unchanged recompile"
[ "$(stat -c %i "$O/$IDX")" = "$ino" ] || fail "the list was rewritten"
[ "$(stat -c %i "$O/bus-0043")" = "$ino43" ] || fail "bus-0043 was rewritten"
grep -q "compile: removed" "$T/err" && fail "an unchanged recompile removed something"
foreign_same "re-add"

# 4. two devices leave at once, one of them no bundle any more: gw-0001
# replaced by a directory of the user's (no manifest.json); the list
# edited by hand to name the user's directory and the link too
rm -r "$O/gw-0001"
mkdir "$O/gw-0001" && echo user >"$O/gw-0001/data"
printf 'mine\nlink\n' >>"$O/$IDX"
compile "$T/only-42.yaml" || { cat "$T/err"; fail "compile of bus-0042 only"; }
[ ! -e "$O/bus-0043" ] || fail "bus-0043 not removed"
[ "$(cat "$O/gw-0001/data")" = user ] || fail "a directory without manifest.json was removed"
for n in gw-0001 mine link; do
	grep -q "$O/$n left alone" "$T/err" || { cat "$T/err"; fail "no note for $n"; }
done
[ "$(listed)" = "bus-0042 " ] || fail "list after pruning: $(listed)"
[ "$(readlink "$O/link")" = bus-0042 ] || fail "the link was touched"
[ -f "$O/bus-0042/manifest.json" ] || fail "bus-0042 removed through the link"
foreign_same "not a bundle"
rm -r "$O/gw-0001"

# 5. a failed compile removes nothing
compile "$E" || fail "compile all again"
sed 's/label: cams }/label: "cam*" }/' "$T/no-gw.yaml" >"$T/bad.yaml"
grep -q 'cam\*' "$T/bad.yaml" || fail "could not make bad.yaml"
cp -a "$O" "$T/before"
compile "$T/bad.yaml" && fail "compile accepted an unsafe label"
diff -r "$T/before" "$O" || fail "a failed compile changed OUTDIR"
[ -d "$O/gw-0001" ] || fail "a failed compile removed gw-0001"

# a list that names something that is not a device id: refused, nothing
# changes (not even with a device to remove)
cp "$O/$IDX" "$T/idx.saved"
echo "../outside" >>"$O/$IDX"
cp -a "$O" "$T/before2"
compile "$T/no-gw.yaml" && fail "compile accepted ../outside in the list"
grep -q "$IDX:7: not a device id" "$T/err" || { cat "$T/err"; fail "no error for the list"; }
diff -r "$T/before2" "$O" || fail "a refused list changed OUTDIR"
cp "$T/idx.saved" "$O/$IDX"
# the list as a symbolic link is refused too
mv "$O/$IDX" "$T/idx.real" && ln -s "$T/idx.real" "$O/$IDX"
compile "$T/no-gw.yaml" && fail "compile followed a linked list"
grep -q "not a regular file" "$T/err" || { cat "$T/err"; fail "no error for the link"; }
[ -d "$O/gw-0001" ] || fail "gw-0001 removed through a linked list"
rm "$O/$IDX" && mv "$T/idx.real" "$O/$IDX"

# 6. the list's own name is no device id
sed 's/- id: gw-0001/- id: .edgenetc-bundles/' "$E" >"$T/reserved.yaml"
grep -q 'id: .edgenetc-bundles' "$T/reserved.yaml" || fail "could not make reserved.yaml"
"$EDGENETC" compile --ledger "$T/r.db" -o "$T/r" "$T/reserved.yaml" 2>"$T/err" &&
    fail "compile accepted device id $IDX"
grep -q "reserved" "$T/err" || { cat "$T/err"; fail "no reserved-id error"; }

# 7. OUTDIR is locked: a compile waits while another holds it
if command -v flock >/dev/null; then
	flock "$O" sleep 1.5 &
	sleep 0.3
	s=$(date +%s%N)
	compile "$T/no-gw.yaml" || { cat "$T/err"; fail "compile after the lock"; }
	e=$(( ($(date +%s%N) - s) / 1000000 ))
	wait
	[ "$e" -ge 1000 ] || fail "compile did not wait for the lock (${e} ms)"
	[ ! -e "$O/gw-0001" ] || fail "gw-0001 not removed after the lock"
fi
# 8. an input without devices: every listed bundle goes, nothing else
python3 - "$E" "$T/services.yaml" <<'EOP'
import sys
src = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(src[:src.index("devices:")])
EOP
n=$(listed | wc -w)
[ "$n" -ge 2 ] || fail "only $n listed"
compile "$T/services.yaml" || { cat "$T/err"; fail "compile without devices"; }
[ "$(grep -c 'compile: removed' "$T/err")" = "$n" ] || { cat "$T/err"; fail "not $n removals"; }
[ ! -e "$O/bus-0042" ] && [ ! -e "$O/bus-0043" ] || fail "bundles left"
[ -z "$(listed)" ] || fail "list not empty: $(listed)"
foreign_same "no devices"
# 9. a device's directory that compile did not write is in the way: the
# compile fails, it, OUTDIR and the ledger stay as they were (the new
# devices' instances are not recorded)
compile "$T/only-42.yaml" || { cat "$T/err"; fail "compile bus-0042"; }
mkdir "$O/bus-0043" && echo precious >"$O/bus-0043/notes.txt"
echo precious >"$O/gw-0001"
before=$(cd "$O" && find . -printf '%p %i %T@\n' | sort)
shown=$("$EDGENETC" ledger --ledger "$L" show --all)
compile "$E" && fail "compile replaced directories it did not write"
[ "$("$EDGENETC" ledger --ledger "$L" show --all)" = "$shown" ] ||
    fail "a failed compile changed the ledger"
grep -q "bus-0043 is in the way: compile did not write it" "$T/err" || { cat "$T/err"; fail "no in-the-way error for bus-0043"; }
grep -q "gw-0001 is in the way" "$T/err" || { cat "$T/err"; fail "no in-the-way error for gw-0001"; }
[ "$(cd "$O" && find . -printf '%p %i %T@\n' | sort)" = "$before" ] || fail "OUTDIR changed by a refused compile"
rm -r "$O/bus-0043" "$O/gw-0001"
compile "$E" || { cat "$T/err"; fail "compile once out of the way"; }
# 10. the temporary directory a killed compile left beside OUTDIR goes
# with the next compile (named through OUTDIR/. too); others stay
left="$(dirname "$O")/.$(basename "$O").tmp-Ab12Cd"
mkdir -p "$left/bus-0042" "$(dirname "$O")/.$(basename "$O").tmp-keep-me"
echo x >"$left/bus-0042/host.nft"
"$EDGENETC" compile --ledger "$L" -o "$O/." "$E" 2>"$T/err" ||
    { cat "$T/err"; fail "compile -o OUTDIR/."; }
[ ! -e "$left" ] || fail "a killed compile's directory was left"
[ -d "$(dirname "$O")/.$(basename "$O").tmp-keep-me" ] ||
    fail "removed a directory that is not a compile's"
! ls -a "$O" | grep -q tmp || fail "temporary directory inside OUTDIR"
echo "compile_prune: ok"
