#!/bin/bash
# edgenet-apply end to end, with real traffic, in private namespaces:
# a device with two client-network bridges and a veth standing in for port
# eth1, a LAN client behind eth1, a peer on the client network, container
# namespaces created as a container runtime would (ip netns add).
#   - the LAN client's busybox udhcpc gets a lease from pis-1's pool with
#     the right netmask and router (dnsmasq in pis-1's namespace)
#   - its traffic reaches the peer with pis-1's WAN address (masquerade)
#   - GPSd on the device address: pis-1 (enabled) and mon-1 (same client
#     network) connect, cam-1 (other client network) cannot
#   - sen-1's WAN gets a lease from the device's own DHCP server (the
#     runtime's udhcpc and its hook), its routed LAN block is reachable
#   - lxc.env sources to the exact values
. "$(dirname "$0")/../lib/lib.sh"
rt_sandbox "$@"
set -u
rt_tmp
rt_device $RT_E2E_NS
# The bundle comes from the compiler when it is built (else by hand).
if rt_compile "$RT_TMP/out" "$TOP/testdata/bundles/e2e.yaml"; then
	echo "bundle: edgenetc compile testdata/bundles/e2e.yaml"
else
	rt_bundle "$RT_TMP/out"
	echo "bundle: tests/tools/mkbundle.py (edgenetc compile unavailable)"
fi
B=$RT_TMP/out/dev-e2e
S=$RT_TMP/state

# The device's own DHCP server on the client network (its reserved pool).
dnsmasq --conf-file=/dev/null --interface=br-clients --bind-interfaces \
    --port=0 --dhcp-range=172.20.0.100,172.20.0.200,255.255.255.0,1h \
    --dhcp-leasefile="$RT_TMP/host.leases" --pid-file="$RT_TMP/host.pid" ||
    rt_fail "device dnsmasq"
# GPSd stand-in on the device address.
cat > "$RT_TMP/listen.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
open(sys.argv[3], "w").close()
while True:
    c, a = s.accept()
    with open(sys.argv[3], "a") as f:
        f.write(a[0] + "\n")
    c.close()
PY
$PY "$RT_TMP/listen.py" 172.20.0.1 2947 "$RT_TMP/gpsd.log" &
ip netns exec peer $PY "$RT_TMP/listen.py" 172.20.0.50 8080 \
    "$RT_TMP/peer.log" &
rt_wait 50 test -f "$RT_TMP/gpsd.log" || rt_fail "listener"
rt_wait 50 test -f "$RT_TMP/peer.log" || rt_fail "peer listener"

"$EDGENET_APPLY" --state-dir "$S" "$B" || rt_fail "apply"
echo "applied"

# 1. DHCP on the LAN behind eth1.
cat > "$RT_TMP/lease.sh" <<SH
#!/bin/sh
[ "\$1" = bound ] && echo "\$ip \$mask \$router" > "$RT_TMP/lease"
exit 0
SH
chmod +x "$RT_TMP/lease.sh"
ip netns exec lanclient busybox udhcpc -i eth0 -n -q -f -t 10 -T 1 \
    -s "$RT_TMP/lease.sh" >/dev/null 2>&1 || rt_fail "LAN client got no lease"
read -r ip mask router < "$RT_TMP/lease"
echo "lease: $ip/$mask router $router"
case $ip in 10.190.0.*) ;; *) rt_fail "lease $ip outside the pool" ;; esac
[ "${ip##*.}" -ge 2 ] && [ "${ip##*.}" -le 254 ] || rt_fail "lease $ip"
[ "$mask" = 16 ] || rt_fail "netmask /$mask, want /16"
[ "$router" = 10.190.0.1 ] || rt_fail "router $router, want 10.190.0.1"
grep -q " $ip " "$S/instances/pis-1/dnsmasq.leases" ||
    rt_fail "lease not in the state directory's lease file (--dhcp-leasefile lost?)"
ip -n lanclient addr add "$ip/$mask" dev eth0
ip -n lanclient route add default via "$router"

# 2. Masquerade: the peer sees pis-1's WAN address.
wan=$(sed -n 's/^address add \([0-9.]*\)\/.* dev wan$/\1/p' \
    "$B/instances/pis-1/netns.batch")
ip netns exec lanclient $PY -c '
import socket; socket.create_connection(("172.20.0.50", 8080), timeout=3).close()' ||
    rt_fail "LAN client cannot reach the peer"
rt_wait 30 grep -q . "$RT_TMP/peer.log" || rt_fail "peer saw nothing"
seen=$(head -1 "$RT_TMP/peer.log")
[ "$seen" = "$wan" ] || rt_fail "peer saw $seen, want masquerade to $wan"
echo "masquerade: peer saw $seen"

# 3. GPSd exposure.
gpsd() {
	ip netns exec "$1" $PY -c '
import socket; socket.create_connection(("172.20.0.1", 2947), timeout=1).close()'
}
gpsd pis-1 || rt_fail "pis-1 (GPSd enabled) cannot reach GPSd"
gpsd mon-1 || rt_fail "mon-1 (same client network) cannot reach GPSd"
gpsd cam-1 2>/dev/null && rt_fail "cam-1 (other client network) reached GPSd"
grep -q '^10\.10\.0\.' "$RT_TMP/gpsd.log" && rt_fail "GPSd saw cam-1"
echo "gpsd: pis-1 and mon-1 connect, cam-1 cannot"

# 4. WAN dhcp through the runtime's udhcpc and hook; routed LAN.
rt_wait 100 sh -c "ip -n sen-1 -4 addr show dev wan | grep -q 'inet 172\.20\.0\.'" ||
    rt_fail "sen-1 WAN got no DHCP address"
echo "sen-1 wan: $(ip -n sen-1 -4 -br addr show dev wan)"
ip -n sen-1 route | grep -q '^default via 172.20.0.1 dev wan' ||
    rt_fail "sen-1 has no default route from DHCP"
busybox ping -c 1 -W 2 172.30.0.1 >/dev/null || rt_fail "routed LAN of sen-1"
ip route | grep -q ' dev el' || rt_fail "no device route to a routed LAN"

# 5. lxc.env for the container runtime: exact values, mode 0600.
env=$S/instances/pis-1/lxc.env
[ "$(stat -c %a "$env")" = 600 ] || rt_fail "lxc.env mode"
[ "$(sh -c ". $env; printf %s \"\$GREETING\"")" = "it's \"42\"" ] ||
    rt_fail "lxc.env GREETING"
[ "$(sh -c ". $env; printf %s \"\$CONFIG_GPSD_HOST:\$CONFIG_GPSD_PORT\"")" = \
    "172.20.0.1:2947" ] || rt_fail "lxc.env GPSd"
"$EDGENET_APPLY" --check --state-dir "$S" "$B" || rt_fail "drift after apply"
echo "PASS"
