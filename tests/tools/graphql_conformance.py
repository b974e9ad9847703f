#!/usr/bin/env python3
"""Compares edgenetc's GraphQL front-end with the reference parser.

    graphql_conformance.py --edgenetc PROG --graphql-js DIR
        [--expect-dirs] [--copy-to DIR] PATH...

Each PATH is a GraphQL document or a directory of them (every file below
it, whatever its name).  graphql-js gives its verdict on each document
(graphql-js/verdict.js); `edgenetc lint --syntax graphql --format json`
gives its diagnostics.  They agree when:

  graphql-js: valid, operations only   no graphql-syntax, no
                                       graphql-unsupported
  graphql-js: valid, with fragments    graphql-unsupported, no
      or type-system definitions       graphql-syntax
  graphql-js: syntax error on line L   edgenetc's first graphql-syntax
                                       error is on line L, or at a better
                                       place docs/graphql.md names: an
                                       error at the end of the file just
                                       past the last token, an
                                       unterminated string at its
                                       opening quote
  graphql-js: out of stack             too-deep

and a document nested deeper than edgenetc's limit may instead get
too-deep (the limit is reached before any graphql-js error).  lint must
end with status 0 or 1 within the time limit.

With --expect-dirs, a document in a directory named valid, unsupported
or invalid must also get that verdict from graphql-js (the corpus
tests what its layout says).  With --copy-to, each document the two
disagree on is copied into DIR (named by its SHA-1), to be added to the
corpus.  Every disagreement is printed with the document and both
verdicts; the exit status is 1 when there is one.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

BATCH = 200
TIMEOUT = 60


def documents(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                out += [os.path.join(root, f) for f in sorted(files)
                        if not f.startswith(".") and f != "README"]
        else:
            out.append(p)
    return out


def reference(graphql_js, docs):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "graphql-js", "verdict.js")
    r = subprocess.run(["node", script, graphql_js], input="\n".join(docs),
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit("graphql-js verdicts failed:\n" + r.stderr)
    ref = {}
    for line in r.stdout.splitlines():
        f = line.split("\t")
        ref[f[0]] = f[1:]
    missing = [d for d in docs if d not in ref]
    if missing:
        sys.exit("no graphql-js verdict for " + ", ".join(missing[:5]))
    return ref


def lint(edgenetc, docs):
    """{doc: (status, [diagnostic, ...])}; status None after a time-out."""
    with tempfile.TemporaryDirectory() as tmp:
        return _lint(edgenetc, docs, tmp)


def _lint(edgenetc, docs, tmp):
    out = {}
    # lint reads every file of a run as one fleet: a copy per document
    # (names by index) keeps file names unique and quoting-free
    names = {}
    for i, d in enumerate(docs):
        names[d] = os.path.join(tmp, "%d.graphql" % i)
        shutil.copyfile(d, names[d])
    by_name = {v: k for k, v in names.items()}
    for b in range(0, len(docs), BATCH):
        batch = docs[b:b + BATCH]
        rc, diags = _run(edgenetc, [names[d] for d in batch])
        if rc in (0, 1):
            per = {d: [] for d in batch}
            for x in diags:
                per[by_name[x["file"]]].append(x)
            for d in batch:
                out[d] = (rc, per[d])
            continue
        # a crash or hang: find the document(s)
        for d in batch:
            rc, diags = _run(edgenetc, [names[d]])
            out[d] = (rc, diags)
    return out


def _run(edgenetc, files):
    try:
        r = subprocess.run([edgenetc, "lint", "--syntax", "graphql",
                            "--format", "json"] + files,
                           capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return None, []
    try:
        diags = json.loads(r.stdout.decode("utf-8", "replace") or "[]")
    except ValueError:
        diags = []
    err = r.stderr.decode("utf-8", "replace")
    rc = r.returncode
    # a sanitizer (make asan) may exit with 1, as lint does on errors
    if "Sanitizer" in err or "runtime error:" in err:
        rc = -1
    if rc not in (0, 1):
        diags.append({"file": files[0], "line": 0, "column": 0,
                      "code": "status %d" % rc, "message": err[-400:]})
    return rc, diags


def agree(ref, rc, diags):
    """None when edgenetc agrees with the reference verdict, else why not."""
    if rc not in (0, 1):
        return "lint ended with status %s" % rc
    syntax = sorted((x["line"], x["column"], x["message"]) for x in diags
                    if x["code"] == "graphql-syntax")
    deep = [x["line"] for x in diags if x["code"] == "too-deep"]
    unsup = [x for x in diags if x["code"] == "graphql-unsupported"]
    kind = ref[0]
    if kind == "deep":
        return None if deep else "graphql-js ran out of stack: want too-deep"
    if kind in ("exec", "unsupported"):
        if deep:
            return None
        if syntax:
            return "a valid document got graphql-syntax"
        if kind == "exec" and unsup:
            return "operations only, yet graphql-unsupported"
        if kind == "unsupported" and not unsup:
            return "valid (%s) but no graphql-unsupported" % ref[1]
        return None
    line, last, msg = int(ref[1]), int(ref[2]), ref[3]
    if deep and deep[0] <= line and (not syntax or syntax[0][0] >= deep[0]):
        return None
    if not syntax:
        return "graphql-js rejects it: want graphql-syntax on line %d" % line
    first, _, emsg = syntax[0]
    if first == line:
        return None
    if last and first == last and "end of file" in emsg:
        return None
    # an unterminated string runs to its line's or the file's end: a
    # byte that is not UTF-8 on a later line lies inside it
    if ("Syntax Error: Unterminated string" in msg and
            first <= line and emsg.startswith("unterminated")):
        return None
    return "first graphql-syntax on line %d, graphql-js says line %d" % (
        first, line)


def show(doc, ref, diags, why):
    print("DISAGREE %s: %s" % (doc, why))
    print("  graphql-js: %s" % " ".join(ref))
    print("  edgenetc:")
    for x in diags:
        print("    %s:%s: %s [%s]" % (x["line"], x["column"], x["message"],
                                     x["code"]))
    with open(doc, "rb") as f:
        text = f.read(4000).decode("utf-8", "backslashreplace")
    print("  document:")
    for i, l in enumerate(text.splitlines()[:40], 1):
        print("  %4d| %s" % (i, l))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgenetc", required=True)
    ap.add_argument("--graphql-js", required=True)
    ap.add_argument("--expect-dirs", action="store_true")
    ap.add_argument("--copy-to")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    docs = documents(a.paths)
    if not docs:
        sys.exit("no documents")
    ref = reference(a.graphql_js, docs)
    ours = lint(a.edgenetc, docs)
    counts = {}
    bad = 0
    for d in docs:
        counts[ref[d][0]] = counts.get(ref[d][0], 0) + 1
        rc, diags = ours[d]
        why = agree(ref[d], rc, diags)
        layout = os.path.basename(os.path.dirname(d))
        if why is None and a.expect_dirs and layout in (
                "valid", "unsupported", "invalid"):
            want = {"valid": "exec", "invalid": "syntax"}.get(layout, layout)
            if ref[d][0] != want:
                why = "in %s/ but graphql-js says %s" % (layout, ref[d][0])
        if why is None:
            continue
        bad += 1
        show(d, ref[d], diags, why)
        if a.copy_to:
            os.makedirs(a.copy_to, exist_ok=True)
            with open(d, "rb") as f:
                data = f.read()
            name = hashlib.sha1(data).hexdigest()[:16] + ".graphql"
            with open(os.path.join(a.copy_to, name), "wb") as f:
                f.write(data)
    print("%d documents (%s): %d disagreements" % (
        len(docs), ", ".join("%s %d" % kv for kv in sorted(counts.items())),
        bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
