#!/bin/bash
# IPv6 LAN dhcp end to end, in private namespaces: edgenetc compile of a
# two-instance fleet, applied by edgenet-apply on a scratch device (an IPv6
# client network, veths standing in for ports eth1 and eth2, a LAN client
# namespace behind each with accept_ra=2).
#   - v6r-1 (WAN allocated, masquerade): its client gets a default route
#     via v6r-1's link-local address from dnsmasq's router advertisements,
#     the block's /64 on-link, a DHCPv6 address from the pool (dhclient -6,
#     when installed; recorded in the state directory's lease file), and
#     reaches a peer on the client network through v6r-1
#   - v6iso-1 (WAN disabled): its client learns the on-link prefix from the
#     same kind of advertisement, router lifetime 0: no default route
. "$(dirname "$0")/../lib/lib.sh"
rt_sandbox "$@"
set -u
rt_tmp
[ -x "$EDGENETC" ] || rt_skip "$EDGENETC not built"
S=$RT_TMP/state

cat > "$RT_TMP/fleet.yaml" <<'Y'
services:
  - name: v6r
    access_provided_subnet: fd00:190::1/48
    dhcp_range_template: fd00:190::1/64
    network_config:
      wan_configure_network: allocated
      lan_configure_network: dhcp
      masquerade: true
      access_interfaces: [ { name: eth1, label: lan } ]
  - name: v6iso
    access_provided_subnet: fd00:191::1/48
    dhcp_range_template: fd00:191::1/64
    network_config:
      wan_configure_network: disabled
      lan_configure_network: dhcp
      access_interfaces: [ { name: eth2, label: lan } ]
devices:
  - id: dev6
    arch: amd64
    interfaces: [eth1, eth2]
    client_networks:
      - { name: v6net, default: true, bridge: br-v6, subnet: "fd00:ff::1/64" }
    instances:
      - { id: v6r-1, service: v6r }
      - { id: v6iso-1, service: v6iso }
Y
"$EDGENETC" compile --ledger "$RT_TMP/ledger.db" -o "$RT_TMP/out" \
    "$RT_TMP/fleet.yaml" || rt_fail "compile"
B=$RT_TMP/out/dev6
C1=$B/instances/v6r-1/dnsmasq.conf C2=$B/instances/v6iso-1/dnsmasq.conf
for f in "$C1" "$C2"; do
	dnsmasq --test --conf-file="$f" 2>/dev/null || rt_fail "dnsmasq --test $f"
	grep -qx enable-ra "$f" || rt_fail "$f: no enable-ra"
done
grep -q '^ra-param=' "$C1" && rt_fail "$C1: ra-param with WAN allocated"
grep -qx 'ra-param=lan,0,0' "$C2" || rt_fail "$C2: no router lifetime 0"
# the blocks and pools as allocated
$PY - "$B/allocations.json" > "$RT_TMP/alloc.sh" <<'PY' || rt_fail "allocations"
import json, sys
for i in json.load(open(sys.argv[1]))["instances"]:
    v = i["instance"].split("-")[0]
    print("%s_block=%s %s_lo=%s %s_hi=%s" % (v, i["block"], v,
          i["dhcp_pool"]["start"], v, i["dhcp_pool"]["end"]))
PY
. "$RT_TMP/alloc.sh"
echo "v6r-1 block $v6r_block, v6iso-1 block $v6iso_block"

# The device: the client network with a peer on it (and a port of its own,
# for carrier), a LAN client namespace behind each port.
ip link add name br-v6 type bridge
ip link set br-v6 up
ip addr add fd00:ff::1/64 dev br-v6 nodad
ip netns add peer
ip link add name vpeer type veth peer name eth0 netns peer
ip link set vpeer master br-v6
ip link set vpeer up
ip -n peer link set lo up
ip -n peer addr add fd00:ff::50/64 dev eth0 nodad
ip -n peer link set eth0 up
for pair in lanclient:eth1 lan2:eth2; do
	ns=${pair%:*} port=${pair#*:}
	ip netns add "$ns"
	# a host, not a router: take RAs (2: even if it forwarded), no DAD
	# wait before the first router solicitation
	ip netns exec "$ns" sh -c 'echo 2 > /proc/sys/net/ipv6/conf/default/accept_ra;
	    echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad' ||
	    rt_fail "sysctl in $ns"
	ip link add name "$port" type veth peer name eth0 netns "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
	[ "$(ip netns exec "$ns" cat /proc/sys/net/ipv6/conf/eth0/accept_ra)" = 2 ] ||
	    rt_fail "$ns: accept_ra is not 2"
done
ip netns add v6r-1
ip netns add v6iso-1

"$EDGENET_APPLY" --state-dir "$S" "$B" || rt_fail "apply"
echo "applied"

# 1. v6r-1's client: default route via v6r-1, from an RA.
ll=$(ip -n v6r-1 -6 -o addr show dev lan scope link |
    sed -n 's/.* inet6 \(fe80::[0-9a-f:]*\)\/64 .*/\1/p')
[ -n "$ll" ] || rt_fail "v6r-1: no link-local address on lan"
rt_wait 150 sh -c "ip -n lanclient -6 route show default |
    grep -q '^default via $ll dev eth0 proto ra '" || {
	ip -n lanclient -6 route
	rt_fail "lanclient: no default route via v6r-1 ($ll)"
}
ip -n lanclient -6 route show "$v6r_block" | grep -q "dev eth0" ||
    rt_fail "lanclient: $v6r_block is not on-link"
echo "lanclient: $(ip -n lanclient -6 route show default)"

# 2. DHCPv6: an address from the pool, in the state directory's lease file.
if command -v dhclient >/dev/null; then
	cat > "$RT_TMP/hook.sh" <<SH
#!/bin/sh
case "\$reason" in
BOUND6|RENEW6|REBIND6|REBOOT6)
	ip -6 addr add "\$new_ip6_address/\$new_ip6_prefixlen" dev "\$interface" nodad
	echo "\$new_ip6_address" > "$RT_TMP/lease6" ;;
esac
exit 0
SH
	chmod +x "$RT_TMP/hook.sh"
	echo "timeout 20;" > "$RT_TMP/dhclient.conf"
	ip netns exec lanclient dhclient -6 -1 -cf "$RT_TMP/dhclient.conf" \
	    -lf "$RT_TMP/dhclient.leases" -pf "$RT_TMP/dhclient.pid" \
	    -sf "$RT_TMP/hook.sh" eth0 >"$RT_TMP/dhclient.log" 2>&1 ||
	    { cat "$RT_TMP/dhclient.log"; rt_fail "lanclient: no DHCPv6 lease"; }
	rt_wait 50 test -s "$RT_TMP/lease6" || rt_fail "lanclient: hook not run"
	a=$(cat "$RT_TMP/lease6")
	$PY -c 'import ipaddress as i, sys
a, lo, hi = (i.ip_address(x) for x in sys.argv[1:4])
sys.exit(0 if lo <= a <= hi else 1)' "$a" "$v6r_lo" "$v6r_hi" ||
	    rt_fail "lease $a outside the pool $v6r_lo - $v6r_hi"
	grep -q " $a " "$S/instances/v6r-1/dnsmasq.leases" ||
	    rt_fail "lease $a not in the state directory's lease file"
	echo "lanclient: DHCPv6 lease $a"
	# 3. the route works: through v6r-1 (masquerade) to the peer
	ip netns exec lanclient busybox ping -6 -c 1 -W 3 fd00:ff::50 \
	    >/dev/null || rt_fail "lanclient cannot reach the peer via v6r-1"
	echo "lanclient: reaches fd00:ff::50 through v6r-1"
	kill "$(cat "$RT_TMP/dhclient.pid")" 2>/dev/null
else
	echo "dhclient not installed (isc-dhcp-client): DHCPv6 lease not checked"
fi

# 4. v6iso-1's client: the prefix on-link, no default route.
rt_wait 150 sh -c "ip -n lan2 -6 route show $v6iso_block | grep -q 'dev eth0'" ||
    { ip -n lan2 -6 route; rt_fail "lan2: no on-link route for $v6iso_block"; }
# the router lifetime arrives in the same advertisement as the prefix
if ip -n lan2 -6 route show default | grep -q .; then
	ip -n lan2 -6 route
	rt_fail "lan2: default route via an instance without WAN"
fi
echo "lan2: $v6iso_block on-link, no default route"

# 5. The device's own end of each LAN link (here the access bridges) hears
# the same advertisements and must not take them: accept_ra 0 there, no
# IPv6 default route on the device (which does not forward here).
n=0
for br in $(sed -n 's/^#@ sysctl net\.ipv6\.conf\.\(.*\)\.accept_ra 0$/\1/p' "$B/netlink.batch"); do
	[ "$(cat /proc/sys/net/ipv6/conf/"$br"/accept_ra)" = 0 ] ||
	    rt_fail "device: $br accepts router advertisements"
	n=$((n + 1))
done
[ "$n" = 2 ] || rt_fail "device: $n interfaces with accept_ra 0, expected 2"
# The device hears the advertisements a little after the clients (within
# 0.5 s in runs without accept_ra 0): watch it for 5 s.
for i in $(seq 1 50); do
	if ip -6 route show default | grep -q .; then
		ip -6 route
		rt_fail "device: took a default route from an instance's advertisement"
	fi
	sleep 0.1
done
"$EDGENET_APPLY" --state-dir "$S" --check "$B" >/dev/null ||
    rt_fail "--check: drift after apply"
echo "device: accept_ra 0 on both LAN bridges, no default route"

# 6. The interface's setting through its life: drift found and repaired,
# kept by a no-op re-apply, gone with the instance that made it.
br2=$(awk '/^# / { inst = $2 } inst ~ /v6iso-1$/ && /accept_ra/ {
    split($3, k, "."); print k[4] }' "$B/netlink.batch")
[ -n "$br2" ] || rt_fail "no accept_ra line for v6iso-1"
echo 1 > /proc/sys/net/ipv6/conf/"$br2"/accept_ra
"$EDGENET_APPLY" --state-dir "$S" --check "$B" > "$RT_TMP/drift" 2>&1 &&
    rt_fail "--check missed accept_ra 1 on $br2"
grep -q "accept_ra" "$RT_TMP/drift" || rt_fail "drift report: $(cat "$RT_TMP/drift")"
"$EDGENET_APPLY" --state-dir "$S" --repair --quiet "$B" || rt_fail "--repair"
[ "$(cat /proc/sys/net/ipv6/conf/"$br2"/accept_ra)" = 0 ] ||
    rt_fail "--repair left accept_ra on $br2"
"$EDGENET_APPLY" --state-dir "$S" --quiet --stats "$B" 2> "$RT_TMP/stats" ||
    rt_fail "no-op re-apply"
grep -q "steps 0," "$RT_TMP/stats" || rt_fail "re-apply: $(cat "$RT_TMP/stats")"
sed -i '/v6iso-1/d' "$RT_TMP/fleet.yaml"
"$EDGENETC" compile --ledger "$RT_TMP/ledger.db" -o "$RT_TMP/out" \
    "$RT_TMP/fleet.yaml" 2>/dev/null || rt_fail "compile without v6iso-1"
[ "$(grep -c accept_ra "$B/netlink.batch")" = 1 ] ||
    rt_fail "bundle without v6iso-1: $(grep accept_ra "$B/netlink.batch")"
"$EDGENET_APPLY" --state-dir "$S" --quiet "$B" || rt_fail "apply without v6iso-1"
[ -e /proc/sys/net/ipv6/conf/"$br2" ] && rt_fail "$br2 still there"
"$EDGENET_APPLY" --state-dir "$S" --check "$B" >/dev/null ||
    rt_fail "--check after removing v6iso-1"
echo "accept_ra: drift repaired, no-op re-apply sends nothing, gone with its instance"

echo "PASS"
