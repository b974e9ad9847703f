#!/usr/bin/env python3
"""Token-level mutations of GraphQL documents, for the conformance test.

    graphql_mutate.py [--per-seed N] [--seed S] OUTDIR SEED.graphql...

Splits each seed document into tokens (and the blanks, commas and
comments between them), then writes N mutants of it into OUTDIR, each
with one to three edits: a token deleted, doubled, swapped with the
next, replaced by or preceded by a token from a list of every kind the
grammar knows (and some it does not), a character of a token dropped or
added, a line break added between tokens, or the document wrapped into
a context (variable defaults, fragments, type-system definitions).  The
output depends only on the seeds and S (random.Random(S)): the same
mutants every run.
"""
import argparse
import os
import random
import re

TOKEN = re.compile(rb'''
    (?P<ign>[\s,]+|\xef\xbb\xbf|\#[^\r\n]*)
  | (?P<block>"""(?:\\"""|[^"]|"(?!""))*""")
  | (?P<str>"(?:\\.|[^"\\\r\n])*")
  | (?P<num>-?[0-9][0-9A-Za-z_.]*(?:[eE][+-][0-9A-Za-z_.]*)?)
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
  | (?P<punct>\.\.\.|[!$&():=@\[\]{|}])
  | (?P<other>.)
''', re.X | re.S)

# One of each kind of token, well-formed or not.
VOCAB = [
    b"!", b"$", b"&", b"(", b")", b"...", b":", b"=", b"@", b"[", b"]", b"{",
    b"|", b"}", b".", b"..", b"?", b";", b"'", b"-", b"+", b"\\", b"#x\n",
    b"query", b"mutation", b"subscription", b"fragment", b"on", b"true",
    b"false", b"null", b"schema", b"scalar", b"type", b"interface", b"union",
    b"enum", b"input", b"directive", b"extend", b"implements", b"repeatable",
    b"name", b"_x9", b"DM_import_node_service", b"$v", b"@skip(if: true)",
    b"0", b"-0", b"7", b"-12", b"01", b"1.5", b"1.", b".5", b"1e5", b"1E-5",
    b"1e+5", b"1e", b"1e+", b"1e+5x", b"1.5e-3abc", b"1e-5.0", b"1x", b"0x1",
    b'""', b'"s"', b'"\\u0041"', b'"\\u{41}"', b'"\\u{0000041}"',
    b'"\\u{00000041}"', b'"\\u{000000041}"', b'"\\u{110000}"', b'"\\uD83D\\uDE00"',
    b'"\\uD800"', b'"\\q"', b'"open', b'"""block"""', b'"""open', b'"\xc3\xa9"',
    b'"\xff"', b"# \xff\n", b"# caf\xc3\xa9\n", b"\xc3\xa9", b"\x00", b"\x7f",
    b"\xef\xbb\xbf", b"\r", b"\n", b"\r\n", b"\t",
    b"...F", b"... on T { a }", b"... { a }",
]

WRAPS = [
    # the seed as a constant: a default value, a directive of a variable
    lambda d, v: b"query q($v: I = " + v + b") { a }\n" + d,
    lambda d, v: b"query q($v: I @d(x: " + v + b")) { a }\n" + d,
    lambda d, v: d + b"\nfragment F on T { a }\n",
    lambda d, v: d.replace(b"{", b"{ ...F ", 1) + b"\nfragment F on T { a }\n",
    lambda d, v: b"type T { a: Int = " + v + b" }\n" + d,
    lambda d, v: b'"""d""" scalar S\n' + d,
    lambda d, v: d + b"\nextend type T @d(x: " + v + b")\n",
]


def tokens(doc):
    return [m.group(0) for m in TOKEN.finditer(doc)]


def is_token(t):
    m = TOKEN.fullmatch(t)
    return m is not None and not m.group("ign")


def mutate(rng, toks):
    idx = [i for i, t in enumerate(toks) if is_token(t)]
    if not idx:
        return toks
    toks = list(toks)
    i = rng.choice(idx)
    op = rng.randrange(8)
    if op == 0:
        toks[i] = b""
    elif op == 1:
        toks[i] = toks[i] + b" " + toks[i]
    elif op == 2:
        later = [k for k in idx if k > i]
        if later:
            j = later[0]
            toks[i], toks[j] = toks[j], toks[i]
    elif op == 3:
        toks[i] = rng.choice(VOCAB)
    elif op == 4:
        toks[i] = rng.choice(VOCAB) + rng.choice([b"", b" "]) + toks[i]
    elif op == 5 and len(toks[i]) > 1:
        k = rng.randrange(len(toks[i]))
        toks[i] = toks[i][:k] + toks[i][k + 1:]
    elif op == 6:
        k = rng.randrange(len(toks[i]) + 1)
        c = rng.choice(b'x_9.e+-"\\{}$ #\n')
        toks[i] = toks[i][:k] + bytes([c]) + toks[i][k:]
    else:
        toks[i] = b"\n" + toks[i]
    return toks


def value_of(doc):
    """The seed's first object value, to put where a constant goes."""
    m = re.search(rb"input:\s*(\{)", doc)
    if not m:
        return b"{a: 1}"
    depth, k = 0, m.start(1)
    for j in range(k, len(doc)):
        depth += {ord("{"): 1, ord("}"): -1}.get(doc[j], 0)
        if depth == 0:
            return doc[k:j + 1]
    return doc[k:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-seed", type=int, default=80)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("outdir")
    ap.add_argument("seeds", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    n = 0
    for path in sorted(a.seeds):
        with open(path, "rb") as f:
            doc = f.read()
        base = os.path.splitext(os.path.basename(path))[0]
        rng = random.Random("%d/%s" % (a.seed, base))
        toks = tokens(doc)
        for k in range(a.per_seed):
            if k % 10 == 9:
                wrap = WRAPS[(k // 10) % len(WRAPS)]
                out = wrap(doc, value_of(doc))
                # and an edit inside the wrapped value, half the time
                if rng.randrange(2):
                    out = b"".join(mutate(rng, tokens(out)))
            else:
                t = toks
                for _ in range(1 + rng.randrange(3)):
                    t = tokens(b"".join(mutate(rng, t)))
                out = b"".join(t)
            name = "%s-%03d.graphql" % (base, k)
            with open(os.path.join(a.outdir, name), "wb") as f:
                f.write(out)
            n += 1
    print("%d mutants in %s" % (n, a.outdir))


if __name__ == "__main__":
    main()
