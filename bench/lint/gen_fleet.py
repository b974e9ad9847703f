#!/usr/bin/env python3
"""Generates a valid fleet for bench/lint: N devices, M services.

usage: gen_lint_fleet.py [--devices N] [--services M] [--per-device K]
                         [--gpsd-every G] [--format yaml|json] > fleet.yaml

Every service mode appears (template, shared range, fixed subnet, access
interfaces, WAN allocated/dhcp/disabled); one service in G has GPSd access,
so lint prints gpsd-exposure warnings as a real fleet would.  The output
is deterministic for given arguments.
"""
import argparse
import json
import random
import sys


def service(i, gpsd_every):
    kind = i % 5
    s = {"name": f"svc-{i:04d}"}
    a, b = 10 + i // 256, i % 256          # a distinct area per service
    nc = {}
    if kind == 0:                          # template, routed, masquerade
        s["access_provided_subnet"] = f"100.{64 + i // 256 % 64}.{b}.1/24"
        s["dhcp_range_template"] = f"100.{64 + i // 256 % 64}.{b}.1/28"
        nc = {"wan_configure_network": "allocated",
              "lan_configure_network": "dhcp", "masquerade": True}
    elif kind == 1:                        # shared range
        s["access_provided_subnet"] = f"172.{16 + i // 256 % 16}.{b}.1/24"
        s["dhcp_range"] = f"172.{16 + i // 256 % 16}.{b}.128/25"
        nc = {"wan_configure_network": "dhcp",
              "lan_configure_network": "dhcp"}
    elif kind == 2:                        # fixed subnet, LAN only
        s["access_provided_subnet"] = f"192.168.{b}.1/24"
        nc = {"lan_configure_network": "allocated"}
    elif kind == 3:                        # access interfaces
        s["access_provided_subnet"] = f"10.{a}.{b}.1/24"
        nc = {"wan_configure_network": "allocated",
              "lan_configure_network": "allocated",
              "access_interfaces": [{"name": "eth1", "label": "lan"}]}
    else:                                  # WAN only, IPv6 LAN
        s["access_provided_subnet"] = f"fd00:{i:x}::1/48"
        s["dhcp_range_template"] = f"fd00:{i:x}::1/64"
        nc = {"wan_configure_network": "dhcp",
              "lan_configure_network": "dhcp"}
    if i % gpsd_every == 0:
        s["access_gpsd_enabled"] = True
    s["env"] = {"LOG_LEVEL": "info", "SERVICE_INDEX": str(i)}
    s["network_config"] = nc
    return s


def device(d, nsvc, per, rnd):
    dev = {"id": f"dev-{d:05d}", "arch": rnd.choice(["amd64", "armhf", "arm64"]),
           "interfaces": ["eth0", "eth1", "eth2", "wlan0"],
           "gpsd": {"port": 2947},
           "client_networks": [
               {"name": "clients", "default": True, "bridge": "br-clients",
                "subnet": "172.20.0.1/22",
                "reserved": ["172.20.0.100-172.20.0.200"]},
               {"name": "uplink", "bridge": "br-uplink",
                "subnet": "10.255.0.1/24"}]}
    insts, used_l2 = [], False
    for k in range(per):
        i = rnd.randrange(nsvc)
        if i % 5 == 3:                     # one access-interface service a device
            if used_l2:
                i = (i + 1) % nsvc
            used_l2 = True
        insts.append({"id": f"i{d:05d}-{k}-svc{i:04d}", "service": f"svc-{i:04d}"})
    dev["instances"] = insts
    return dev


def yaml_scalar(v):
    if v is True:
        return "true"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v)


def yaml_out(obj, out, ind=0, first=""):
    """Block YAML; first is written before the first line (list dash)."""
    sp = " " * ind
    if isinstance(obj, dict):
        for n, (k, v) in enumerate(obj.items()):
            lead = (sp[:-2] + first) if (n == 0 and first) else sp
            if isinstance(v, (dict, list)) and v and not inline(v):
                out.write(f"{lead}{k}:\n")
                yaml_out(v, out, ind + 2)
            else:
                out.write(f"{lead}{k}: {flow(v)}\n")
    else:
        for v in obj:
            if isinstance(v, dict) and not small(v):
                yaml_out(v, out, ind + 2, "- ")
            else:
                out.write(f"{sp}- {flow(v)}\n")


def inline(v):
    """Flow style for a short list of scalars or a dict of scalars."""
    if isinstance(v, dict):
        return small(v) and len(v) <= 2
    return all(not isinstance(x, (dict, list)) for x in v)


def small(d):
    return all(not isinstance(v, (dict, list)) for v in d.values())


def flow(v):
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k}: {flow(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return yaml_scalar(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices", type=int, default=10000)
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--per-device", type=int, default=5)
    ap.add_argument("--gpsd-every", type=int, default=10)
    ap.add_argument("--format", choices=["yaml", "json"], default="yaml")
    a = ap.parse_args()
    rnd = random.Random(42)
    fleet = {"services": [service(i, a.gpsd_every) for i in range(a.services)],
             "devices": [device(d, a.services, a.per_device, rnd)
                         for d in range(a.devices)]}
    if a.format == "json":
        json.dump(fleet, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        yaml_out(fleet, sys.stdout)


if __name__ == "__main__":
    main()
