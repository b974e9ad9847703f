#!/bin/bash
# edgenetc diff as a command: exit status as diff(1) (0 same, 1
# different, 2 trouble: usage, unreadable input, input with errors, a
# directory of bundles against an input), the JSON shape, and two
# directories of compile output compared bundle by bundle.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 77; }
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
C=$TOP/testdata/changes
F=$C/fleet.yaml
L=$T/l.db
status() { set +e; "$EDGENETC" "$@" >"$T/out" 2>"$T/err"; echo $?; set -e; }

[ "$(status diff --ledger "$L" "$F")" = 2 ] || fail "one input"
[ "$(status diff --ledger "$L" --format xml "$F" "$F")" = 2 ] || fail "bad format"
[ "$(status diff --ledger "$L" "$F" "$T/missing.yaml")" = 2 ] || fail "missing input"
sed 's/service: pis }/service: nosuch }/' "$F" >"$T/bad.yaml"
[ "$(status diff --ledger "$L" --format json "$F" "$T/bad.yaml")" = 2 ] ||
    fail "input with errors"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["devices"] == [] and any(d["code"] == "unknown-service" for d in j["diagnostics"]), j' \
    "$T/out" || fail "JSON of an input with errors"
[ "$(status diff --ledger "$L" --format json "$F" "$F")" = 0 ] || fail "same input"
python3 - "$T/out" <<'EOP' || fail "JSON shape of no difference"
import json, sys
j = json.load(open(sys.argv[1]))
assert list(j) == ["devices", "unchanged_devices", "diagnostics"], list(j)
assert j["devices"] == [] and j["unchanged_devices"] == 3, j
EOP
[ "$(status diff --ledger "$L" --format json "$F" "$C/gpsd-enabled/new.yaml")" = 1 ] ||
    fail "a difference"
python3 - "$T/out" <<'EOP' || fail "JSON shape"
import json, sys
j = json.load(open(sys.argv[1]))
for d in j["devices"]:
    assert list(d) == ["device", "change", "instances", "files", "exposure"], d
    for i in d["instances"]:
        assert list(i) == ["instance", "change", "fields", "recorded"], i
    for f in d["files"]:
        assert list(f) == ["path", "change"], f
    for x in d["exposure"]:
        assert list(x) == ["what", "change", "subject"], x
EOP
# an instance the ledger does not hold yet is marked, on the side that
# has it; one it holds is not
"$EDGENETC" compile --ledger "$T/r.db" -o "$T/r" "$F" 2>/dev/null || fail "compile r"
[ "$(status diff --ledger "$T/r.db" --format json "$F" "$C/instance-moved/new.yaml")" = 1 ] ||
    fail "moved"
python3 - "$T/out" <<'EOP2' || fail "recorded"
import json, sys
j = json.load(open(sys.argv[1]))
got = {(d["device"], i["instance"]): (i["change"], i["recorded"])
       for d in j["devices"] for i in d["instances"]}
assert got == {("bus-0042", "sensor-0042-b"): ("removed", True),
               ("gw-0001", "sensor-0042-b"): ("added", False)}, got
EOP2
status diff --ledger "$T/r.db" "$F" "$C/instance-added/new.yaml" >/dev/null
grep -qx '  instance sensor-0043: added (not yet recorded)' "$T/out" ||
    { cat "$T/out"; fail "not yet recorded in the text"; }
grep -qx '1 device(s) differ: 0 added, 0 removed, 1 changed; 2 unchanged' "$T/out" ||
    { cat "$T/out"; fail "summary"; }
status diff --ledger "$T/r.db" "$F" "$C/device-removed/new.yaml" >/dev/null
grep -qx '1 device(s) differ: 0 added, 1 removed, 0 changed; 2 unchanged' "$T/out" ||
    { cat "$T/out"; fail "summary of a removed device"; }
status diff --ledger "$T/r.db" "$C/device-removed/new.yaml" "$F" >/dev/null
grep -qx '1 device(s) differ: 1 added, 0 removed, 0 changed; 2 unchanged' "$T/out" ||
    { cat "$T/out"; fail "summary of an added device"; }

# a ledger that cannot be opened is named once, without its password
U='postgresql://bob:s3cr3t-pw@127.0.0.1:1/fleet'
[ "$(status diff --ledger "$U" "$F" "$F")" = 2 ] || fail "unreachable ledger"
! grep -q 's3cr3t-pw' "$T/err" "$T/out" || { cat "$T/err"; fail "password printed"; }
[ "$(grep -c 'ledger postgresql://bob@127.0.0.1' "$T/err")" = 1 ] &&
    [ "$(grep -o 'postgresql://' "$T/err" | wc -l)" = 1 ] ||
    { cat "$T/err"; fail "the ledger named more than once"; }
set +e
EDGENETC_LEDGER=$U "$EDGENETC" diff "$F" "$F" >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "unreachable default ledger: exit $rc"
! grep -q 's3cr3t-pw' "$T/err" "$T/out" || { cat "$T/err"; fail "password printed (default)"; }

# a missing --vars file is said once
[ "$(status diff --ledger "$L" --vars "$T/none.json" "$F" "$F")" = 2 ] ||
    fail "missing --vars"
[ "$(grep -c 'cannot read' "$T/err")" = 1 ] || { cat "$T/err"; fail "cannot read, not once"; }

# the text shows the nftables rules that change, with their comments
status diff --ledger "$L" "$F" "$C/gpsd-enabled/new.yaml" >/dev/null
grep -q '^      + tcp dport 2947 .*"br-uplink" : accept.* comment "gpsd 2947: cctv/cctv-0042' \
    "$T/out" || { cat "$T/out"; fail "no rule in the text"; }

# two directories of bundles
"$EDGENETC" compile --ledger "$L" -o "$T/a" "$F" 2>/dev/null || fail "compile a"
cp "$L" "$T/b.db"; cp "$L-wal" "$T/b.db-wal" 2>/dev/null || true
"$EDGENETC" compile --ledger "$T/b.db" -o "$T/b" --prune "$C/instance-moved/new.yaml" \
    2>/dev/null || fail "compile b"
[ "$(status diff --format json "$T/a" "$T/a")" = 0 ] || fail "same bundles"
[ "$(status diff --format json "$T/a" "$T/b")" = 1 ] || fail "different bundles"
python3 - "$T/out" <<'EOP' || fail "bundle diff"
import json, sys
j = json.load(open(sys.argv[1]))
got = {d["device"]: {i["instance"]: i["change"] for i in d["instances"]} for d in j["devices"]}
assert got == {"bus-0042": {"sensor-0042-b": "removed"}, "gw-0001": {"sensor-0042-b": "added"}}, got
assert j["unchanged_devices"] == 1, j
EOP
[ "$(status diff "$T/a" "$F")" = 2 ] || fail "bundles against an input"

# bundles compared by the content of every file, not by their manifests
cp -a "$T/a" "$T/c"
echo '# edited' >>"$T/c/bus-0042/host.nft"
sed -i 's/=.*/=edited/' "$T/c/bus-0043/instances/batch-0043/lxc.env"
rm "$T/c/gw-0001/netlink.batch"
echo extra >"$T/c/gw-0001/extra.conf"
[ "$(status diff --format json "$T/a" "$T/c")" = 1 ] || fail "edited bundles"
python3 - "$T/out" <<'EOP2' || fail "edited bundle files"
import json, sys
j = json.load(open(sys.argv[1]))
got = {d["device"]: (d["change"], {f["path"]: f["change"] for f in d["files"]})
       for d in j["devices"]}
assert got == {
    "bus-0042": ("changed", {"host.nft": "changed"}),
    "bus-0043": ("changed", {"instances/batch-0043/lxc.env": "changed"}),
    "gw-0001": ("changed", {"netlink.batch": "removed", "extra.conf": "added"}),
}, got
EOP2
# a FIFO in a bundle is never opened: reported, no hang
cp -a "$T/a" "$T/f"
mkfifo "$T/f/gw-0001/x.fifo"
set +e
timeout 20 "$EDGENETC" diff --format json "$T/a" "$T/f" >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "FIFO in a bundle: exit $rc"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert [(d["device"], d["files"]) for d in j["devices"]] == [("gw-0001", [{"path": "x.fifo", "change": "added"}])], j' \
    "$T/out" || fail "FIFO in a bundle: report"
[ "$(status diff --format json "$T/f" "$T/f")" = 0 ] || fail "FIFO: same bundles"
# a file name is one line of text: control characters escaped
cp -a "$T/a" "$T/n"
printf x >"$T/n/gw-0001/a
b"
[ "$(status diff "$T/a" "$T/n")" = 1 ] || fail "odd name"
grep -qx '  file a\\nb: added' "$T/out" || { cat "$T/out"; fail "name not escaped"; }
[ "$(wc -l <"$T/out")" = 3 ] || { cat "$T/out"; fail "a name split a line"; }
# network_config against the ledger's record: NEW changes it -> error
# naming OLD's place; OLD differs from the record and NEW is the record ->
# OLD's is the one ignored (a warning on OLD, no error, no difference)
R=$C/netcfg-reimport/new.yaml
"$EDGENETC" compile --ledger "$T/nc.db" -o "$T/nc-out" "$F" 2>/dev/null || fail "compile for netcfg"
[ "$(status diff --ledger "$T/nc.db" "$F" "$R")" = 1 ] || { cat "$T/err"; fail "netcfg changed: not exit 1"; }
grep -q "error: network_config of service '[a-z0-9]*' differs from its first import at $F:" "$T/err" ||
    { cat "$T/err"; fail "netcfg changed: no error naming OLD"; }
[ "$(status diff --ledger "$T/nc.db" "$R" "$F")" = 0 ] || { cat "$T/err"; fail "recorded NEW: not exit 0"; }
grep -q "error:" "$T/err" && { cat "$T/err"; fail "recorded NEW: an error"; }
grep -q "^$R:.*warning: network_config .* which is kept" "$T/err" ||
    { cat "$T/err"; fail "recorded NEW: no warning on OLD"; }
# standard input is one side at most
[ "$(status diff - - </dev/null)" = 2 ] || fail "diff - -: not exit 2"
grep -q "standard input can be OLD or NEW, not both" "$T/err" ||
    { cat "$T/err"; fail "diff - -: no usage error"; }
echo "diff_cli: ok"
