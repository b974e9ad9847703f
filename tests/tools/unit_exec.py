#!/usr/bin/env python3
"""Prints what a systemd service unit would run, for tests to run it.

    unit_exec.py UNIT SBINDIR

Output, one item per line: the CapabilityBoundingSet as a setpriv
--bounding-set argument ("-all,+net_admin,..."), "nnp" or "-" for
NoNewPrivileges, then ExecStart's argument vector, NUL-separated, on the
last line.  @SBINDIR@ is replaced as make install replaces it; the
command line is split by systemd's rules for what the units use: quotes,
"$$" for "$", "%%" for "%".  Anything else systemd would expand (a
specifier, a $VARIABLE) is refused, so a unit that needs it fails the
test rather than being run differently than systemd runs it.
"""
import re
import shlex
import sys


def main():
    unit, sbindir = sys.argv[1], sys.argv[2]
    service = {}
    section = None
    for raw in open(unit, encoding="utf-8"):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, val = line.partition("=")
            service.setdefault(key.strip(), []).append(val.strip())
    starts = service.get("ExecStart", [])
    if len(starts) != 1:
        sys.exit("%s: want one ExecStart, got %d" % (unit, len(starts)))
    cmd = starts[0]
    while cmd[:1] in ("-", ":", "+", "!") or (
            cmd[:1] == "@" and not cmd.startswith("@SBINDIR@")):
        cmd = cmd[1:]
    cmd = cmd.replace("@SBINDIR@", sbindir)
    if re.search(r"%[^%]", cmd.replace("%%", "")):
        sys.exit("%s: ExecStart has a specifier" % unit)
    if re.search(r"\$[A-Za-z{]", cmd.replace("$$", "")):
        sys.exit("%s: ExecStart expands a variable" % unit)
    argv = [a.replace("$$", "$").replace("%%", "%")
            for a in shlex.split(cmd)]
    caps = " ".join(service.get("CapabilityBoundingSet", [])).split()
    if caps:
        bset = "-all," + ",".join(
            "+" + c.lower().removeprefix("cap_") for c in caps)
    else:
        bset = "-"
    nnp = "nnp" if service.get("NoNewPrivileges", ["no"])[-1] in (
        "yes", "true", "1", "on") else "-"
    sys.stdout.write(bset + "\n" + nnp + "\n" + "\0".join(argv) + "\n")


if __name__ == "__main__":
    main()
