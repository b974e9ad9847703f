#!/usr/bin/env python3
"""Lists every diagnostic code the compiler can emit: the string literal
given as the `code` argument of diag_err/diag_warn/diag_vadd or of any
function with a `const char *code` parameter, in compiler/*/ and grammar/."""
import glob, re, sys

def split_args(s, start):
    depth, cur, args, i = 0, "", [], start
    instr = False
    while i < len(s):
        ch = s[i]
        if instr:
            cur += ch
            if ch == "\\":
                cur += s[i + 1]; i += 2; continue
            if ch == '"':
                instr = False
        elif ch == '"':
            instr = True; cur += ch
        elif ch in "([{":
            depth += 1; cur += ch
        elif ch in ")]}":
            if depth == 0:
                args.append(cur.strip()); return args
            depth -= 1; cur += ch
        elif ch == "," and depth == 0:
            args.append(cur.strip()); cur = ""
        else:
            cur += ch
        i += 1
    return args

files = sorted(glob.glob("compiler/*/*.[chyl]") + glob.glob("grammar/*.[chyl]"))
src = {f: open(f, errors="replace").read() for f in files}
wrappers = {"diag_err": 2, "diag_warn": 2, "diag_vadd": 3}
for f, s in src.items():
    for m in re.finditer(r"^(\w+)\(([^)]*)\)\s*\n?\{", s, re.M):
        params = [p.strip() for p in m.group(2).split(",")]
        for k, p in enumerate(params):
            if re.fullmatch(r"const char \*code", p) and m.group(1) not in wrappers:
                wrappers[m.group(1)] = k
codes = {}
for f, s in src.items():
    for name, k in wrappers.items():
        for m in re.finditer(r"\b%s\s*\(" % name, s):
            args = split_args(s, m.end())
            if len(args) > k:
                mm = re.fullmatch(r'"([a-z0-9-]+)"', args[k])
                if mm:
                    codes.setdefault(mm.group(1), set()).add(f)
for c in sorted(codes):
    print(c if len(sys.argv) < 2 else "%s %s" % (c, " ".join(sorted(codes[c]))))
