#!/bin/bash
# compile's artifacts against the real tools, in private namespaces only:
#   every *.nft          nft -c -f, then applied twice (replace idiom) next
#                        to a foreign table that must survive
#   every dnsmasq.conf   dnsmasq --test
#   netlink.batch        ip -batch in a scratch device namespace with
#                        stand-in ports (veth) and the client-network
#                        bridges; each netns.batch with ip -n ID -batch;
#                        pragmas applied by their shell equivalents
# then the resulting links, addresses and routes are asserted against
# allocations.json and explain's view of the device.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}

skip() { echo "$*" >&2; exit 77; }
for t in nft dnsmasq ip unshare python3; do
	command -v $t >/dev/null || skip "compile_tools: $t not installed"
done
unshare -n true 2>/dev/null || skip "compile_tools: unshare -n not permitted"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
FLEETS="$TOP/testdata/fleet/fleet.yaml $TOP/testdata/golden/edge.yaml"
[ -f "$TOP/testdata/fleet/fleet.json" ] && FLEETS="$FLEETS $TOP/testdata/fleet/fleet.json"

n=0
for fleet in $FLEETS; do
	n=$((n + 1))
	out=$T/out$n
	"$EDGENETC" compile --ledger "$T/ledger$n.db" -o "$out" "$fleet" \
	    2>"$T/compile$n.err" || { cat "$T/compile$n.err"; exit 1; }

	# nftables: check, then apply twice next to a foreign table
	nfts=$(find "$out" -name '*.nft' | sort)
	[ -n "$nfts" ] || { echo "no .nft files for $fleet"; exit 1; }
	for f in $nfts; do
		unshare -n bash -c '
			set -e
			nft -c -f "$1"
			nft add table inet other
			nft add chain inet other c "{ type filter hook input priority 0; }"
			nft -f "$1"
			nft -f "$1"
			nft list table inet other >/dev/null
			nft list table inet edgenet >/dev/null
			# every comment of the file is in the kernel ruleset
			grep -o "comment \"[^\"]*\"" "$1" | sort -u >"$2.want" || true
			nft list table inet edgenet | grep -o "comment \"[^\"]*\"" |
			    sort -u >"$2.got" || true
			cmp "$2.want" "$2.got"
		' _ "$f" "$T/nftcmp" || { echo "FAIL nft: $f"; cat "$f"; exit 1; }
	done

	# dnsmasq
	for f in $(find "$out" -name dnsmasq.conf | sort); do
		dnsmasq --test --conf-file="$f" 2>"$T/dm.err" ||
		    { echo "FAIL dnsmasq: $f"; cat "$T/dm.err" "$f"; exit 1; }
	done

	# netlink: one scratch namespace per device
	for dir in "$out"/*/; do
		dev=$(basename "$dir")
		"$EDGENETC" explain --ledger "$T/ledger$n.db" --device "$dev" \
		    --format json "$fleet" >"$T/explain.json" 2>/dev/null
		unshare -mn bash -s "$dir" "$T/explain.json" "$T" <<'EOS' ||
set -eu
dir=$1 explain=$2 T=$3
mount -t tmpfs none /run
ip link set lo up
# stand-in physical ports: every port the batch enslaves
k=0
for p in $(grep -E '^link set dev [^ ]+ master eb' "$dir/netlink.batch" |
    awk '$4 !~ /^ea/ { print $4 }' | sort -u); do
	k=$((k + 1))
	ip link add name "$p" type veth peer name "port-peer$k"
done
# client-network bridges with the device's address
python3 - "$explain" >"$T/bridges" <<'EOP'
import json, sys
for n in json.load(open(sys.argv[1]))["client_networks"]:
    if n["bridge"]:
        print(n["bridge"], n["address"] or "")
EOP
while read -r br addr; do
	ip link add name "$br" type bridge
	[ -n "$addr" ] && ip address add "$addr" dev "$br" $(case $addr in *:*) echo nodad;; esac)
	ip link set dev "$br" up
done <"$T/bridges"
for i in "$dir"/instances/*/; do
	[ -d "$i" ] && ip netns add "$(basename "$i")"
done
ip -batch "$dir/netlink.batch"
for i in "$dir"/instances/*/; do
	[ -d "$i" ] || continue
	id=$(basename "$i")
	ip -n "$id" -batch "$i/netns.batch"
	# pragmas, by their documented shell equivalents
	grep '^#@ sysctl ' "$i/netns.batch" | while read -r _ _ key val; do
		ip netns exec "$id" sysctl -qw "$key=$val"
	done
	if [ -f "$i/netns.nft" ]; then
		ip netns exec "$id" nft -f "$i/netns.nft"
	fi
done
nft -f "$dir/host.nft"
python3 - "$dir" "$explain" <<'EOP'
import json, os, subprocess, sys

d, explain = sys.argv[1], json.load(open(sys.argv[2]))
alloc = json.load(open(os.path.join(d, "allocations.json")))
fail = []

def ipj(ns, *args):
    cmd = ["ip"] + (["-n", ns] if ns else []) + ["-j"] + list(args)
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return []       # e.g. no such device
    return json.loads(out.stdout or "[]")

def addrs(ns, dev):
    r = set()
    for l in ipj(ns, "address", "show", "dev", dev):
        for a in l.get("addr_info", []):
            r.add("%s/%s" % (a["local"], a["prefixlen"]))
    return r

def link(ns, dev):
    l = ipj(ns, "-d", "link", "show", "dev", dev)
    return l[0] if l else None

def check(cond, msg):
    if not cond:
        fail.append(msg)

def sysctl(ns, key):
    out = subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-n", key],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()

def routes(ns, fam):
    return ipj(ns, fam, "route", "show")

assert alloc["device"] == explain["device"]
by_id = {a["instance"]: a for a in alloc["instances"]}
check(sorted(by_id) == sorted(x["instance"] for x in explain["instances"]),
      "allocations.json and explain list different instances")
dev_routes = routes(None, "-4") + routes(None, "-6")
for x in explain["instances"]:
    iid, a = x["instance"], by_id[x["instance"]]
    w, lan = x["wan"], x["lan"]
    if w["mode"] != "disabled":
        hv = link(None, w["host_veth"])
        check(hv and hv.get("master") == w["bridge"],
              "%s: %s not enslaved to %s" % (iid, w["host_veth"], w["bridge"]))
        check(link(iid, "wan") is not None, "%s: no wan" % iid)
        check("UP" in link(iid, "wan")["flags"], "%s: wan not up" % iid)
        if w["mode"] == "allocated":
            check(a["wan_address"] in addrs(iid, "wan"),
                  "%s: wan lacks %s" % (iid, a["wan_address"]))
            fam = "-6" if ":" in a["wan_address"] else "-4"
            gws = [r.get("gateway") for r in routes(iid, fam)
                   if r["dst"] == "default" and r.get("dev") == "wan"]
            check(w["gateway"] in gws,
                  "%s: no default route via %s (%s)" % (iid, w["gateway"], gws))
    else:
        check(link(iid, "wan") is None, "%s: unexpected wan" % iid)
    if lan["mode"] != "disabled":
        ifn = lan["interface"]
        check(link(iid, ifn) is not None and "UP" in link(iid, ifn)["flags"],
              "%s: LAN interface %s missing or down" % (iid, ifn))
        check(a["address"] in addrs(iid, ifn),
              "%s: %s lacks %s (%s)" % (iid, ifn, a["address"], addrs(iid, ifn)))
        for ai in lan["access_interfaces"]:
            check((link(None, ai["port"]) or {}).get("master") == ai["bridge"],
                  "%s: port %s not in %s" % (iid, ai["port"], ai["bridge"]))
            check((link(None, ai["host_veth"]) or {}).get("master") == ai["bridge"],
                  "%s: veth %s not in %s" % (iid, ai["host_veth"], ai["bridge"]))
            check(link(iid, ai["label"]) is not None,
                  "%s: no container interface %s" % (iid, ai["label"]))
        if lan["routed"]:
            check(link(None, lan["host_veth"]) is not None,
                  "%s: no %s" % (iid, lan["host_veth"]))
            mine = [r for r in dev_routes if r.get("dev") == lan["host_veth"]
                    and r.get("protocol") != "kernel"]
            host = a["address"].split("/")[0]
            check(len(mine) == len(lan.get("device_routes", [])),
                  "%s: device routes %s" % (iid, mine))
            for r in mine:
                check(r.get("gateway") == host and "onlink" in r.get("flags", []),
                      "%s: route %s not via %s onlink" % (iid, r, host))
            if a["block"] and mine and "/" in mine[0]["dst"]:
                check(mine[0]["dst"] == a["block"],
                      "%s: route %s is not the block %s" % (iid, mine[0]["dst"], a["block"]))
    else:
        check(link(iid, "lan") is None, "%s: unexpected lan" % iid)
    if x["forwarding"]:
        key = ("net.ipv6.conf.all.forwarding" if ":" in (a["address"] or "")
               else "net.ipv4.ip_forward")
        check(sysctl(iid, key) == "1", "%s: %s not 1" % (iid, key))
        check(os.path.exists(os.path.join(d, "instances", iid, "netns.nft")),
              "%s: forwarding without netns.nft" % iid)
    # nothing but lo and the expected interfaces in the container
    want = {"lo"}
    if w["mode"] != "disabled":
        want.add("wan")
    if lan["mode"] != "disabled":
        want |= ({ai["label"] for ai in lan["access_interfaces"]}
                 if lan["access_interfaces"] else {"lan"})
    got = {l["ifname"] for l in ipj(iid, "link", "show")}
    check(got == want, "%s: interfaces %s, want %s" % (iid, got, want))
if fail:
    print("\n".join(fail))
    sys.exit(1)
print("ok", d, len(explain["instances"]), "instances")
EOP
EOS
		{ echo "FAIL netlink: $dir"; exit 1; }
	done
done
echo "compile_tools: $n fleets ok"
