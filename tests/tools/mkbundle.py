#!/usr/bin/env python3
"""Writes a device bundle (docs/bundle-format.md) from a small JSON spec,
following what compiler/emit_*.c emit, for the runtime's tests and bench
until/besides `edgenetc compile`.

  mkbundle.py SPEC.json OUTDIR          -> OUTDIR/<device>/...
  mkbundle.py --bench N OUTDIR          -> an N-instance device "bench"
  mkbundle.py --manifest DIR            -> rewrite DIR/manifest.json

Spec: {"device": ID, "gpsd_port": 2947,
       "networks": {NAME: {"bridge": BR, "host": "A/P"}},
       "instances": [{"id": ID, "wan": {"mode": "allocated"|"dhcp",
            "net": NAME, "addr": "A/P"}, "lan": {"mode": "dhcp"|"allocated",
            "addr": "A/P", "block": "N/P", "pool": [LO, HI, MASK],
            "ifs": [[PORT, LABEL], ...]}, "masquerade": bool,
            "gpsd": bool, "env": {K: V}}]}
"""
import hashlib, ipaddress, json, os, sys


def h8(s):
    return hashlib.sha256(s.encode()).hexdigest()[:8]


def quote_env(v):
    return "'" + v.replace("'", "'\\''") + "'"


def nft_begin():
    return "table inet edgenet\ndelete table inet edgenet\ntable inet edgenet {\n"


def device_files(spec):
    dev = spec["device"]
    nets = spec.get("networks", {})
    port = spec.get("gpsd_port", 2947)
    insts = sorted(spec["instances"], key=lambda i: i["id"].encode())
    files = {}
    nl = ["# edgenetc: device %s" % dev, ""]
    routes = []
    for i in insts:
        iid, h = i["id"], h8(i["id"])
        wan, lan = i.get("wan"), i.get("lan")
        if wan:
            nl += ["link add name ew%s type veth peer name wan netns %s" % (h, iid),
                   'link set dev ew%s alias "edgenet %s wan"' % (h, iid),
                   "link set dev ew%s master %s" % (h, nets[wan["net"]]["bridge"]),
                   "link set dev ew%s up" % h]
        if lan and lan.get("ifs"):
            for k, (portname, label) in enumerate(lan["ifs"]):
                br, ea = "eb%s%x" % (h, k), "ea%s%x" % (h, k)
                nl += ["link add name %s type bridge" % br,
                       'link set dev %s alias "edgenet %s bridge %s"' % (br, iid, portname),
                       "link set dev %s up" % br,
                       "link set dev %s master %s" % (portname, br),
                       "link set dev %s up" % portname,
                       "link add name %s type veth peer name %s netns %s" % (ea, label, iid),
                       'link set dev %s alias "edgenet %s access %s"' % (ea, iid, label),
                       "link set dev %s master %s" % (ea, br),
                       "link set dev %s up" % ea]
        elif lan:
            nl += ["link add name el%s type veth peer name lan netns %s" % (h, iid),
                   'link set dev el%s alias "edgenet %s lan"' % (h, iid),
                   "link set dev el%s up" % h]
            a = ipaddress.ip_interface(lan["addr"])
            routes.append("route add %s via %s dev el%s onlink"
                          % (lan.get("block", str(a.network)), a.ip, h))
        ns = ["# edgenetc: namespace of %s" % iid, "", "link set dev lo up"]
        if wan:
            ns.append("link set dev wan up")
            if wan["mode"] == "allocated":
                ns.append("address add %s dev wan%s" % (wan["addr"],
                          " nodad" if ":" in wan["addr"] else ""))
        lanif = None
        if lan:
            labels = [l for _, l in lan.get("ifs", [])] or ["lan"]
            lanif = labels[0]
            ns.append("link set dev %s up" % lanif)
            ns.append("address add %s dev %s%s" % (lan["addr"], lanif,
                      " nodad" if ":" in lan["addr"] else ""))
            for l in labels[1:]:
                ns.append("link set dev %s up" % l)
        if wan and wan["mode"] == "allocated":
            gw = ipaddress.ip_interface(nets[wan["net"]]["host"]).ip
            ns.append("route add default via %s dev wan" % gw)
        if wan and lan:
            ns.append("#@ sysctl net.ipv6.conf.all.forwarding 1" if ":" in lan["addr"]
                      else "#@ sysctl net.ipv4.ip_forward 1")
        if wan and wan["mode"] == "dhcp":
            ns.append("#@ dhcp-client wan")
        base = "instances/%s/" % iid
        files[base + "netns.batch"] = "\n".join(ns) + "\n"
        if wan and lan:
            c = "%s/%s" % (i.get("service", iid), iid)
            labels = [l for _, l in lan.get("ifs", [])] or ["lan"]
            t = nft_begin()
            t += ("\tchain forward {\n"
                  "\t\ttype filter hook forward priority filter; policy drop;\n"
                  "\t\tct state established,related accept comment \"%s established\"\n"
                  "\t\tct state invalid drop comment \"%s invalid\"\n"
                  "\t\toifname \"wan\" iifname vmap { %s } comment \"%s lan->wan\"\n"
                  "\t}\n") % (c, c, ", ".join('"%s" : accept' % l for l in labels), c)
            if i.get("masquerade"):
                blk = lan.get("block") or str(ipaddress.ip_interface(lan["addr"]).network)
                fam = "ip6" if ":" in blk else "ip"
                t += ("\tchain postrouting {\n"
                      "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
                      "\t\toifname \"wan\" %s saddr %s masquerade comment \"%s masquerade\"\n"
                      "\t}\n") % (fam, blk, c)
            files[base + "netns.nft"] = t + "}\n"
        if lan and lan["mode"] == "dhcp":
            lo, hi, mask = lan["pool"]
            d = ["# edgenetc: DHCP server of %s" % iid, "interface=%s" % lanif,
                 "bind-interfaces", "except-interface=lo", "port=0",
                 "dhcp-range=%s,%s,%s,12h" % (lo, hi, mask)]
            if wan and ":" not in lan["addr"]:
                d.append("dhcp-option=option:router,%s"
                         % ipaddress.ip_interface(lan["addr"]).ip)
            d += ["dhcp-authoritative",
                  "dhcp-leasefile=/var/lib/edgenet/instances/%s/dnsmasq.leases" % iid]
            files[base + "dnsmasq.conf"] = "\n".join(d) + "\n"
        env = dict(i.get("env", {}))
        if i.get("gpsd"):
            host = ipaddress.ip_interface(nets[wan["net"]]["host"]).ip if wan else ""
            env["CONFIG_GPSD_HOST"] = str(host)
            env["CONFIG_GPSD_PORT"] = str(port)
        files[base + "lxc.env"] = "".join("%s=%s\n" % (k, quote_env(v))
                                          for k, v in sorted(env.items()))
    files["netlink.batch"] = "\n".join(nl + routes) + "\n"
    host = nft_begin()
    exposed = {i["wan"]["net"] for i in insts if i.get("gpsd") and i.get("wan")}
    if exposed:
        vm = ", ".join('"%s" : %s' % (n["bridge"], "accept" if k in exposed else "drop")
                       for k, n in nets.items())
        host += ("\tchain input {\n"
                 "\t\ttype filter hook input priority filter; policy accept;\n"
                 "\t\tct state established,related accept comment \"gpsd %d\"\n"
                 "\t\ttcp dport %d iifname vmap { %s } comment \"gpsd %d\"\n"
                 "\t}\n") % (port, port, vm, port)
    files["host.nft"] = host + "}\n"
    files["allocations.json"] = json.dumps(
        {"device": dev, "instances": [{"instance": i["id"]} for i in insts]},
        sort_keys=True) + "\n"
    return files


def write_manifest(d, device=None):
    entries = []
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.relpath(os.path.join(root, n), d)
            if p == "manifest.json":
                continue
            data = open(os.path.join(d, p), "rb").read()
            mode = "0600" if p.endswith("lxc.env") else "0644"
            entries.append((p, hashlib.sha256(data).hexdigest(), len(data), mode))
    entries.sort(key=lambda e: e[0].encode())
    if device is None:
        device = os.path.basename(os.path.normpath(d))
    out = ['{\n  "format": 1,\n  "tool": "edgenetc 0.1.0",\n  "device": "%s",\n'
           '  "inputs_sha256": "%s",\n  "files": [' % (device, "0" * 64)]
    out.append(",".join('\n    {"path": "%s", "sha256": "%s", "size": %d, "mode": "%s"}'
                        % e for e in entries))
    out.append("\n  ]\n}\n")
    open(os.path.join(d, "manifest.json"), "w").write("".join(out))


def write_bundle(spec, outdir):
    d = os.path.join(outdir, spec["device"])
    for p, text in device_files(spec).items():
        full = os.path.join(d, p)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
        os.chmod(full, 0o600 if p.endswith("lxc.env") else 0o644)
    write_manifest(d, spec["device"])
    return d


def bench_spec(n):
    insts = []
    for k in range(n):
        insts.append({"id": "app-%03d" % k, "service": "app", "masquerade": True,
                      "wan": {"mode": "allocated", "net": "clients",
                              "addr": "172.20.%d.%d/16" % (1 + k // 200, 1 + k % 200)},
                      "lan": {"mode": "allocated", "addr": "10.%d.%d.1/24" % (100 + k // 250, k % 250),
                              "block": "10.%d.%d.0/24" % (100 + k // 250, k % 250)},
                      "gpsd": k % 10 == 0, "env": {"N": str(k)}})
    return {"device": "bench", "gpsd_port": 2947,
            "networks": {"clients": {"bridge": "br-clients", "host": "172.20.0.1/16"}},
            "instances": insts}


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "--manifest":
        write_manifest(a[1])
    elif len(a) == 3 and a[0] == "--bench":
        print(write_bundle(bench_spec(int(a[1])), a[2]))
    elif len(a) == 2:
        print(write_bundle(json.load(open(a[0])), a[1]))
    else:
        sys.exit(__doc__)
