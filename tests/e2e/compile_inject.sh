#!/bin/bash
# Injection corpus (testdata/inject/): every string field that reaches an
# artifact, set to every hostile payload.  Each case must be
#   - rejected by lint, or
#   - refused by compile (an error, nothing written), or
#   - compiled into the base bundle with only the value substituted: the
#     same files, the same number of lines in each, and nothing else
#     different; its *.nft pass nft -c (in a private namespace), its
#     dnsmasq.conf passes dnsmasq --test, and lxc.env sourced by sh, dash
#     and bash gives back exactly the given bytes and runs nothing.
# The summary (how each case ended) is printed; some cases must be
# rejected by lint and some substituted, so the test cannot pass
# vacuously.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
for t in python3 nft dnsmasq unshare; do
	command -v $t >/dev/null || { echo "$t not installed" >&2; exit 77; }
done
unshare -n true 2>/dev/null || { echo "unshare -n not permitted" >&2; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 - "$EDGENETC" "$TOP/testdata/inject" "$T" <<'EOP'
import copy, hashlib, json, os, shutil, subprocess, sys

edgenetc, corpus, T = sys.argv[1:4]
base = json.load(open(os.path.join(corpus, "base.json")))
cases = json.load(open(os.path.join(corpus, "cases.json")))
SHELLS = [s for s in ("sh", "dash", "bash") if shutil.which(s)]
assert "dash" in SHELLS and "bash" in SHELLS, "need dash and bash"
SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._/:,+=>-")

def get(doc, path):
    for k in path[:-1]:
        doc = doc[k]
    last = path[-1]
    if isinstance(last, str) and last.startswith("@"):
        return last[1:]
    return doc[last]

def put(doc, path, val):
    for k in path[:-1]:
        doc = doc[k]
    last = path[-1]
    if isinstance(last, str) and last.startswith("@"):
        items = list(doc.items())
        doc.clear()
        for k, v in items:
            doc[val if k == last[1:] else k] = v
    else:
        doc[last] = val

def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, **kw)

def compile_doc(doc, name):
    d = os.path.join(T, name)
    os.makedirs(d)
    f = os.path.join(d, "fleet.json")
    with open(f, "w") as fp:
        json.dump(doc, fp, indent=1)      # ensure_ascii: every byte escaped
    lint = run(edgenetc, "lint", f)
    comp = run(edgenetc, "compile", "--ledger", os.path.join(d, "l.db"),
               "-o", os.path.join(d, "out"), f)
    return d, lint, comp

def bundle(d):
    out = {}
    root = os.path.join(d, "out")
    for dp, _, fs in os.walk(root):
        for fn in fs:
            p = os.path.join(dp, fn)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out

def h8(s):
    return hashlib.sha256(s.encode()).hexdigest()[:8]

def safe(s):
    return "".join(c if c in SAFE else "_" for c in s)[:63]

def source_env(envfile, key, cwd):
    """Each shell sources the file and prints $key's bytes."""
    got = {}
    for sh in SHELLS:
        r = run(sh, "-c", '. "$1" && eval "v=\\${$2-UNSET}" && printf %s "$v"',
                sh, envfile, key, cwd=cwd)
        got[sh] = (r.returncode, r.stdout)
    return got

# Fields that appear in artifacts; the others must leave them unchanged.
SHOWN = {"service name", "device id", "instance id", "port name", "label",
         "bridge"}

def expect(text, path, field, b, p):
    """The base file with the base value b replaced by payload p the way
    each place writes it: JSON-escaped in .json, sanitized in comments,
    as is elsewhere; host names follow the instance id's hash."""
    if field not in SHOWN:
        return text
    if field == "instance id":
        text = text.replace(h8(b), h8(p))
    if path.endswith(".json"):
        return text.replace(b, json.dumps(p)[1:-1])
    out = []
    for line in text.split("\n"):
        if line.startswith("# "):
            out.append(line.replace(b, safe(p)))
        elif ' comment "' in line:
            code, _, comment = line.partition(' comment "')
            out.append(code.replace(b, p) + ' comment "' +
                       comment.replace(b, safe(p)))
        else:
            out.append(line.replace(b, p))
    return "\n".join(out)

def check_env(d, key, want, errs, what):
    envs = [os.path.join(dp, "lxc.env")
            for dp, _, fs in os.walk(os.path.join(d, "out")) if "lxc.env" in fs]
    env = [e for e in envs if "/instances/" in e and
           open(e, "rb").read().find(b"OTHER=") >= 0]
    if len(env) != 1:
        errs.append("%s: no lxc.env with the env" % what)
        return
    cwd = os.path.join(d, "cwd")
    os.makedirs(cwd, exist_ok=True)
    for sh, (rc, out) in source_env(env[0], key, cwd).items():
        if rc != 0 or out != want.encode():
            errs.append("%s: %s gives %r (rc %d), want %r" % (what, sh, out, rc, want))
        o = source_env(env[0], "OTHER", cwd)[sh]
        if o[1] != b"x":
            errs.append("%s: %s: OTHER became %r" % (what, sh, o[1]))
    if os.listdir(cwd):
        errs.append("%s: sourcing lxc.env created %s" % (what, os.listdir(cwd)))

def tools(d, errs, what):
    for dp, _, fs in os.walk(os.path.join(d, "out")):
        for fn in fs:
            p = os.path.join(dp, fn)
            if fn.endswith(".nft"):
                r = run("unshare", "-n", "nft", "-c", "-f", p)
                if r.returncode != 0:
                    errs.append("%s: nft -c %s: %s" % (what, p, r.stderr))
            if fn == "dnsmasq.conf":
                r = run("dnsmasq", "--test", "--conf-file=" + p)
                if r.returncode != 0:
                    errs.append("%s: dnsmasq %s: %s" % (what, p, r.stderr))

bd, bl, bc = compile_doc(base, "base")
assert bc.returncode == 0, bc.stderr.decode()
B = bundle(bd)
errs, outcomes = [], {"lint": 0, "compile": 0, "substituted": 0}
table = []
n = 0
for field, paths in cases["fields"].items():
    b = get(base, paths[0])
    for p in cases["payloads"]:
        n += 1
        what = "%s=%r" % (field, p)
        doc = copy.deepcopy(base)
        for path in paths:
            put(doc, path, p)
        d, lint, comp = compile_doc(doc, "c%d" % n)
        if lint.returncode == 1:
            outcome = "lint"
            if comp.returncode == 0:
                errs.append("%s: lint rejects it but compile accepts it" % what)
        elif lint.returncode != 0:
            errs.append("%s: lint exit %d: %s" % (what, lint.returncode, lint.stderr))
            continue
        elif comp.returncode != 0:
            outcome = "compile"
            if b"error" not in comp.stderr:
                errs.append("%s: compile failed without an error" % what)
            if os.path.exists(os.path.join(d, "out")) and os.listdir(os.path.join(d, "out")):
                errs.append("%s: a refused compile wrote %s" % (what, os.listdir(os.path.join(d, "out"))))
        else:
            outcome = "substituted"
            H = bundle(d)
            sub = lambda s: s.replace(p, b) if p else s
            mapped = {}
            for path, data in H.items():
                q = path
                if field in ("device id", "instance id") and p:
                    q = "/".join(b if c == p else c for c in path.split("/"))
                mapped[q] = data
            if sorted(mapped) != sorted(B):
                errs.append("%s: files %s, base %s" % (what, sorted(mapped), sorted(B)))
            for path, data in mapped.items():
                # manifest.json and the list carry digests of the inputs
                if path not in B or path.endswith("manifest.json") or path.endswith("lxc.env") or path.endswith(".edgenetc-bundles"):
                    continue
                if data.count(b"\n") != B[path].count(b"\n"):
                    errs.append("%s: %s has %d lines, base %d" %
                                (what, path, data.count(b"\n"), B[path].count(b"\n")))
                if data != expect(B[path].decode(), path, field, b, p).encode():
                    errs.append("%s: %s differs beyond the value:\n%s" % (what, path, data.decode("utf-8", "replace")))
            tools(d, errs, what)
            if field == "env value":
                check_env(d, "KEYB", p, errs, what)
            elif field == "env key":
                check_env(d, p, "valb", errs, what)
            else:
                check_env(d, "KEYB", "valb", errs, what)
        outcomes[outcome] += 1
        table.append("%-12s %-14s %r" % (outcome, field, p))
        shutil.rmtree(d)
print("\n".join(table))
print(outcomes)
# compile's own refusal is defence in depth behind lint (unit-tested in
# test_emit.c); lint and substitution must both be exercised here
for k in ("lint", "substituted"):
    if outcomes[k] == 0:
        errs.append("no case ended in '%s': the corpus does not exercise it" % k)
if errs:
    print("\n".join(errs))
    sys.exit(1)
print("compile_inject: %d cases ok" % n)
EOP
