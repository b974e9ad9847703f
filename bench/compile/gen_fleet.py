#!/usr/bin/env python3
"""Generates the bench/compile fleet: N devices x 4 instances.

usage: gen_fleet.py [--devices N] [--format yaml|json] [--add-instance I]
                   > fleet.yaml

--add-instance I gives device I a second pis instance (a change to one
device: one more template block).

Each device runs one instance of each of four services that cover the
modes compile emits differently:
  pis     IPv4 template (/26 blocks from a /8: 262,144, room for a
          fleet of 100,000 devices), WAN allocated, LAN dhcp,
          routed LAN, masquerade, GPSd, env
  relay6  IPv6 template (/64 blocks from a /32), WAN allocated, LAN dhcp
  cctv    fixed subnet, two access interfaces (bridges), WAN allocated on
          a second client network, masquerade
  apc     shared dhcp_range, WAN dhcp, LAN dhcp
Deterministic for given arguments.
"""
import argparse
import json
import sys

SERVICES = [
    {"name": "pis", "access_provided_subnet": "10.0.0.1/8",
     "dhcp_range_template": "10.0.0.1/26", "access_gpsd_enabled": True,
     "env": {"LOG_LEVEL": "info", "GREETING": "it's \"line 42\""},
     "network_config": {"wan_configure_network": "allocated",
                        "lan_configure_network": "dhcp",
                        "masquerade": True}},
    {"name": "relay6", "access_provided_subnet": "fd00:190::1/32",
     "dhcp_range_template": "fd00:190::1/64",
     "network_config": {"wan_configure_network": "allocated",
                        "lan_configure_network": "dhcp"}},
    {"name": "cctv", "access_provided_subnet": "192.168.100.1/24",
     "network_config": {"wan_configure_network": "allocated",
                        "lan_configure_network": "allocated",
                        "wan_network": "uplink", "masquerade": True,
                        "access_interfaces": [
                            {"name": "eth1", "label": "lan"},
                            {"name": "eth2", "label": "cams"}]}},
    {"name": "apc", "access_provided_subnet": "172.16.0.1/12",
     "dhcp_range": "172.16.5.1/24",
     "network_config": {"wan_configure_network": "dhcp",
                        "lan_configure_network": "dhcp"}},
]


def device(i, extra=False):
    d = {
        "id": f"dev-{i:05d}", "arch": "arm64",
        "interfaces": ["eth0", "eth1", "eth2"], "gpsd": {"port": 2947},
        "client_networks": [
            {"name": "clients", "default": True, "bridge": "br-clients",
             "subnet": "172.20.0.1/24",
             "reserved": ["172.20.0.100-172.20.0.200"]},
            {"name": "uplink", "bridge": "br-uplink",
             "subnet": "10.255.0.1/24"}],
        "instances": [{"id": f"{s['name']}-{i:05d}", "service": s["name"]}
                      for s in SERVICES],
    }
    if extra:
        d["instances"].append({"id": f"pis-{i:05d}-b", "service": "pis"})
    return d


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v)          # a JSON string is a YAML flow scalar


def yaml_flow(v):
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k}: {yaml_flow(x)}"
                                for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(yaml_flow(x) for x in v) + "]"
    return yaml_scalar(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices", type=int, default=10000)
    ap.add_argument("--format", choices=["yaml", "json"], default="yaml")
    ap.add_argument("--add-instance", type=int, default=-1)
    a = ap.parse_args()
    devs = (device(i, i == a.add_instance) for i in range(a.devices))
    out = sys.stdout
    if a.format == "json":
        json.dump({"services": SERVICES, "devices": list(devs)}, out)
        return
    out.write("services:\n")
    for s in SERVICES:
        out.write(f"  - {yaml_flow(s)}\n")
    out.write("devices:\n")
    for d in devs:
        out.write("  - id: %s\n" % d["id"])
        for k in ("arch", "interfaces", "gpsd", "client_networks",
                  "instances"):
            out.write(f"    {k}: {yaml_flow(d[k])}\n")


if __name__ == "__main__":
    main()
