#!/usr/bin/env python3
"""Prints a normalized, comparable dump of the network state of the
current namespace and of /run/netns/NS for each NS given, plus the
runtime's files and processes under a state directory.

  netstate.py [--state DIR] [--no-files] NS...

Dropped because they differ between equal states: ifindexes, MAC
addresses, IPv6 link-local addresses and routes, nft handles, operstate
and carrier flags, pids."""
import ctypes, hashlib, json, os, subprocess, sys

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
HOME = os.open("/proc/self/ns/net", os.O_RDONLY)


def enter(ns):
    """Moves this process into namespace ns (None: back home); children
    inherit it, and /proc/sys/net shows it."""
    fd = HOME if ns is None else os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        sys.exit("setns %s: errno %d" % (ns, ctypes.get_errno()))
    if fd != HOME:
        os.close(fd)


def run(args, ns=None):
    r = subprocess.run(args, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else ""


def links(ns):
    out = []
    data = json.loads(run(["ip", "-j", "-d", "link", "show"]) or "[]")
    for l in data:
        kind = (l.get("linkinfo") or {}).get("info_kind", "")
        out.append({"name": l["ifname"], "kind": kind, "master": l.get("master", ""),
                    "up": "UP" in l.get("flags", []), "mtu": l.get("mtu"),
                    "alias": l.get("ifalias", "")})
    return sorted(out, key=lambda x: x["name"])


def addrs(ns):
    out = []
    data = json.loads(run(["ip", "-j", "addr", "show"]) or "[]")
    for l in data:
        for a in l.get("addr_info", []):
            if a.get("family") == "inet6" and a["local"].startswith("fe80"):
                continue
            out.append("%s %s/%s" % (l["ifname"], a["local"], a["prefixlen"]))
    return sorted(out)


def routes(ns):
    out = []
    for fam in ("-4", "-6"):
        data = json.loads(run(["ip", "-j", fam, "route", "show", "table", "main"]) or "[]")
        for r in data:
            if r.get("dst", "").startswith("fe80") or r.get("dst", "").startswith("ff00"):
                continue
            out.append("%s via %s dev %s proto %s flags %s" % (
                r.get("dst"), r.get("gateway", "-"), r.get("dev"),
                r.get("protocol", "-"), ",".join(sorted(r.get("flags", [])))))
    return sorted(out)


def strip_handles(x):
    if isinstance(x, dict):
        return {k: strip_handles(v) for k, v in x.items() if k not in ("handle", "metainfo")}
    if isinstance(x, list):
        return [strip_handles(v) for v in x if not (isinstance(v, dict) and "metainfo" in v)]
    return x


def ruleset(ns):
    text = run(["nft", "-j", "list", "ruleset"])
    return strip_handles(json.loads(text)) if text else None


def sysctl(ns):
    # forwarding, and which interfaces take router advertisements
    # (/proc/sys/net shows the namespace this process runs in)
    conf = "/proc/sys/net/ipv6/conf"
    ra = {i: open(os.path.join(conf, i, "accept_ra")).read().strip()
          for i in sorted(os.listdir(conf)) if i not in ("all", "default")}
    return [open(p).read().strip() for p in ("/proc/sys/net/ipv4/ip_forward",
            "/proc/sys/net/ipv6/conf/all/forwarding")] + [ra]


def files(state):
    out = {}
    base = os.path.join(state, "instances")
    for root, _, names in os.walk(base):
        for n in names:
            if n.endswith((".pid", ".log", ".leases", ".tmp", ".test")):
                continue
            p = os.path.join(root, n)
            out[os.path.relpath(p, state)] = hashlib.sha256(open(p, "rb").read()).hexdigest()[:16]
    for n in ("applied", "confirm"):
        p = os.path.join(state, n)
        if os.path.exists(p):
            out[n] = hashlib.sha256(open(p, "rb").read()).hexdigest()[:16]
    return out


def procs(state):
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            args = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in args if a]
        if args and state in " ".join(args) and os.path.basename(args[0]) in ("dnsmasq", "busybox", "udhcpc"):
            try:
                ns = os.stat("/proc/%s/ns/net" % pid).st_ino
            except OSError:
                continue
            out.append(" ".join(args))
    return sorted(out)


def main():
    a = sys.argv[1:]
    state, with_files = None, True
    while a and a[0].startswith("--"):
        if a[0] == "--state":
            state = a[1]
            a = a[2:]
        elif a[0] == "--no-files":
            with_files = False
            a = a[1:]
        else:
            sys.exit(__doc__)
    dump = {}
    for ns in [None] + a:
        key = ns or "(device)"
        enter(ns)
        dump[key] = {"links": links(ns), "addrs": addrs(ns), "routes": routes(ns),
                     "nft": ruleset(ns), "forwarding": sysctl(ns)}
        enter(None)
    if state and with_files:
        dump["(state)"] = {"files": files(state), "procs": procs(state)}
    json.dump(dump, sys.stdout, indent=1, sort_keys=True)
    print()


main()
