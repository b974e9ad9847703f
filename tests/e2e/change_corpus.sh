#!/bin/bash
# The change corpus (testdata/changes/<case>/): for each pair of fleets,
# OLD (old.yaml, else testdata/changes/fleet.yaml) compiled first, then
#   - diff --format json OLD NEW reports exactly the expected devices and
#     instances (expected.json), with the expected exit status, fields,
#     exposure and diagnostics; env values never appear in its output
#   - diff leaves the ledger byte-identical (read-only)
#   - diff NEW OLD swaps added and removed (cases without netcfg-immutable)
#   - compile --prune NEW rewrites exactly those devices' bundles: every
#     other bundle keeps its inodes and mtimes
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 77; }
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
export EDGENETC T
exec python3 - "$TOP/testdata/changes" <<'EOP'
import json, os, shutil, subprocess, sys

E, T, C = os.environ["EDGENETC"], os.environ["T"], sys.argv[1]
errs = []

def run(*args):
    return subprocess.run([E] + list(args), capture_output=True)

def snap(root):
    out = {}
    for d, dirs, fs in os.walk(root):
        for n in dirs + fs:
            p = os.path.join(d, n)
            st = os.lstat(p)
            out[os.path.relpath(p, root)] = (st.st_ino, st.st_mtime_ns)
    return out

def ledger_bytes(l):
    return {s: open(l + s, "rb").read() for s in ("", "-wal")
            if os.path.exists(l + s)}

def report(j):
    devs = {}
    for d in j["devices"]:
        devs[d["device"]] = {"change": d["change"],
                             "instances": {i["instance"]: i["change"]
                                           for i in d["instances"]}}
    return devs

base_led, base_out = T + "/base.db", T + "/base-out"
for case in sorted(os.listdir(C)):
    cd = os.path.join(C, case)
    if not os.path.isdir(cd):
        continue
    exp = json.load(open(os.path.join(cd, "expected.json")))
    old = os.path.join(cd, "old.yaml")
    old = old if os.path.exists(old) else os.path.join(C, "fleet.yaml")
    new = os.path.join(cd, "new")
    new = new if os.path.isdir(new) else new + ".yaml"
    led, out = T + "/%s.db" % case, T + "/%s-out" % case
    r = run("compile", "--ledger", led, "-o", out, old)
    if r.returncode != 0:
        errs.append("%s: compile OLD: %s" % (case, r.stderr.decode()))
        continue
    before = ledger_bytes(led)
    r = run("diff", "--ledger", led, "--format", "json", old, new)
    t = run("diff", "--ledger", led, old, new)
    if ledger_bytes(led) != before:
        errs.append("%s: diff changed the ledger" % case)
    if r.returncode != exp["exit"] or t.returncode != exp["exit"]:
        errs.append("%s: exit %d/%d, expected %d: %s" % (case, r.returncode,
                    t.returncode, exp["exit"], r.stderr.decode()))
        continue
    j = json.loads(r.stdout)
    got = report(j)
    if got != exp["devices"]:
        errs.append("%s: devices %s, expected %s" % (case, got, exp["devices"]))
    if j["unchanged_devices"] + len([d for d in got.values()
            if d["change"] != "added"]) != 3:
        errs.append("%s: unchanged_devices %d" % (case, j["unchanged_devices"]))
    for inst, fields in exp.get("fields", {}).items():
        have = [i["fields"] for d in j["devices"] for i in d["instances"]
                if i["instance"] == inst]
        if have != [fields]:
            errs.append("%s: fields of %s: %s, expected %s" % (case, inst, have, fields))
    for dev, xs in exp.get("exposure", {}).items():
        have = [[x["what"], x["change"], x["subject"]] for d in j["devices"]
                if d["device"] == dev for x in d["exposure"]]
        for x in xs:
            if not any(h[:2] == x[:2] and (x[2] is None or h[2] == x[2])
                       for h in have):
                errs.append("%s: exposure %s not in %s" % (case, x, have))
    codes = sorted({d["code"] for d in j["diagnostics"] if d["severity"] == "error"})
    if codes != sorted(exp.get("diagnostics", [])):
        errs.append("%s: error diagnostics %s" % (case, codes))
    never = exp.get("never")
    if never and any(never.encode() in b for b in (r.stdout, r.stderr, t.stdout, t.stderr)):
        errs.append("%s: diff printed an env value" % case)
    # swapped
    if not exp.get("diagnostics"):
        s = run("diff", "--ledger", led, "--format", "json", new, old)
        flip = {"added": "removed", "removed": "added", "changed": "changed"}
        want = {k: {"change": flip[v["change"]],
                    "instances": {i: flip[c] for i, c in v["instances"].items()}}
                for k, v in got.items()}
        if s.returncode != exp["exit"] or report(json.loads(s.stdout)) != want:
            errs.append("%s: NEW OLD is not OLD NEW swapped" % case)
    # compile rewrites exactly those devices
    st0 = snap(out)
    r = run("compile", "--ledger", led, "-o", out, "--prune", "--format",
            "json", new)
    if r.returncode != 0:
        errs.append("%s: compile NEW: %s" % (case, r.stderr.decode()))
        continue
    st1 = snap(out)
    touched = set()
    for p in set(st0) | set(st1):
        if st0.get(p) != st1.get(p) and p != ".edgenetc-bundles":
            touched.add(p.split("/")[0])
    if touched != set(exp["devices"]):
        errs.append("%s: compile rewrote %s, expected %s" % (case, sorted(touched),
                    sorted(exp["devices"])))
    rep = {d["device"]: d["change"] for d in json.loads(r.stdout)["devices"]}
    cmap = {"changed": "changed", "added": "new", "removed": "removed"}
    for dev, c in rep.items():
        want = cmap[exp["devices"][dev]["change"]] if dev in exp["devices"] else "unchanged"
        if c != want:
            errs.append("%s: compile says %s %s, expected %s" % (case, dev, c, want))
    if exp["exit"] == 0 and st0.get(".edgenetc-bundles") != st1.get(".edgenetc-bundles"):
        errs.append("%s: the list was rewritten" % case)
    print("%s: ok" % case if not [e for e in errs if e.startswith(case + ":")] else "%s: FAIL" % case)

for e in errs:
    print("FAIL:", e)
sys.exit(1 if errs else 0)
EOP
