#!/bin/sh
# The runtime's end-to-end scenario, run by the device lab on ARM kernels
# (make lab) and by tests/e2e/lab_scenario.sh in namespaces on the host.
# Bundles (tests/lab/bundles.sh): e2e (testdata/bundles/e2e.yaml),
# e2e-b (the same fleet without mon-1, same ledger), bench50 (50
# instances).  One line per check (tests/lab/lib.sh).
. "${LAB_LIB:?}"
A=$LAB_BUNDLES/e2e/dev-e2e
B=$LAB_BUNDLES/e2e-b/dev-e2e
S=$LAB_TMP/state
NS="cam-1 mon-1 pis-1 sen-1"
T=$LAB_TMP
apply() { "$EDGENET_APPLY" --state-dir "$S" "$@"; }

lab_device $NS || { lab_fail setup "device topology"; lab_done; exit 1; }
# The device's own DHCP server on the client network (its reserved pool).
dnsmasq --conf-file=/dev/null --interface=br-clients --bind-interfaces \
    --port=0 --dhcp-range=172.20.0.100,172.20.0.200,255.255.255.0,1h \
    --dhcp-leasefile="$T/host.leases" --pid-file="$T/host.pid" ||
    lab_fail setup "device dnsmasq"
# GPSd stand-in on the device; a service on the peer, where nft counts
# the sources it sees.
busybox nc -ll -p 2947 -e /bin/true > /dev/null 2>&1 &
bg="$!"
ip netns exec peer busybox nc -ll -p 8080 -e /bin/true > /dev/null 2>&1 &
bg="$bg $!"
wan=$(sed -n 's/^address add \([0-9.]*\)\/.* dev wan$/\1/p' \
    "$A/instances/pis-1/netns.batch")
ip netns exec peer nft -f - <<NFT
table ip lab {
	chain in {
		type filter hook input priority 0;
		tcp dport 8080 ip saddr $wan counter
		tcp dport 8080 ip saddr 10.190.0.0/16 counter
	}
}
NFT

c_apply() {
	apply "$A" || return 1
}
lab_check apply c_apply

c_dhcp_lease() {
	cat > "$T/lease.sh" <<SH
#!/bin/sh
[ "\$1" = bound ] && echo "\$ip \$mask \$router" > "$T/lease"
exit 0
SH
	chmod +x "$T/lease.sh"
	ip netns exec lanclient busybox udhcpc -i eth0 -n -q -f -t 10 -T 1 \
	    -s "$T/lease.sh" || { echo "LAN client got no lease"; return 1; }
	read -r ip mask router < "$T/lease"
	case $ip in 10.190.0.*) ;; *) echo "lease $ip outside the pool"; return 1 ;; esac
	[ "$mask" = 16 ] || { echo "netmask /$mask, want /16"; return 1; }
	[ "$router" = 10.190.0.1 ] || { echo "router $router"; return 1; }
	grep -q " $ip " "$S/instances/pis-1/dnsmasq.leases" ||
	    { echo "lease not in the state directory's lease file"; return 1; }
	ip -n lanclient addr add "$ip/$mask" dev eth0 &&
	ip -n lanclient route add default via "$router" &&
	echo "= $ip/$mask router $router"
}
lab_check dhcp-lease c_dhcp_lease

c_masquerade() {
	ip netns exec lanclient busybox nc -w 3 172.20.0.50 8080 < /dev/null ||
	    { echo "LAN client cannot reach the peer"; return 1; }
	ip netns exec peer nft list chain ip lab in > "$T/peer.nft"
	grep "saddr $wan " "$T/peer.nft" | grep -q 'packets [1-9]' ||
	    { echo "the peer saw nothing from $wan"; return 1; }
	grep "saddr 10.190.0.0/16 " "$T/peer.nft" | grep -q 'packets 0 ' ||
	    { echo "the peer saw the LAN address: no masquerade"; return 1; }
	echo "= the peer saw $wan"
}
lab_check masquerade c_masquerade

gpsd() {
	ip netns exec "$1" busybox nc -w 2 172.20.0.1 2947 < /dev/null
}
c_gpsd_same() {
	gpsd pis-1 || { echo "pis-1 (GPSd enabled) cannot reach GPSd"; return 1; }
	gpsd mon-1 || { echo "mon-1 (same client network) cannot reach GPSd"; return 1; }
}
lab_check gpsd-same-network c_gpsd_same
c_gpsd_other() {
	! gpsd cam-1 || { echo "cam-1 (other client network) reached GPSd"; return 1; }
}
lab_check gpsd-other-network c_gpsd_other

sen_wan_up() {
	ip -n sen-1 -4 addr show dev wan | grep -q 'inet 172\.20\.0\.'
}
c_wan_dhcp() {
	lab_wait 150 sen_wan_up ||
	    { echo "sen-1 WAN got no DHCP address"; return 1; }
	ip -n sen-1 route | grep -q '^default via 172.20.0.1 dev wan' ||
	    { echo "sen-1 has no default route from DHCP"; return 1; }
	busybox ping -c 1 -W 2 172.30.0.1 > /dev/null ||
	    { echo "the routed LAN of sen-1 does not answer"; return 1; }
	echo "= $(ip -n sen-1 -4 -o addr show dev wan | sed 's/.* inet \([^ ]*\).*/\1/')"
}
lab_check wan-dhcp c_wan_dhcp

c_noop() {
	apply --stats "$A" 2> "$T/stats" || { cat "$T/stats"; return 1; }
	grep -q 'state-changing netlink 0, nft changes 0, processes started 0, stopped 0, files 0' \
	    "$T/stats" || { tail -n 1 "$T/stats"; return 1; }
	echo "= $(sed -n 's/^stats: //p' "$T/stats")"
}
lab_check noop-reapply c_noop

h8() { printf %s "$1" | sha256sum | cut -c1-8; }
c_drift_check() {
	ip -n cam-1 addr del 10.10.0.5/24 dev wan 2>/dev/null ||
	    ip -n cam-1 addr flush dev wan
	ip netns exec pis-1 nft add rule inet edgenet forward accept
	kill "$(cat "$S/instances/pis-1/dnsmasq.pid")"
	ip link set "ew$(h8 sen-1)" nomaster
	apply --check "$A" > "$T/drift" 2>&1 && { echo "--check found no drift"; return 1; }
	for want in "cam-1: address add" "pis-1: nft: chain forward: rule not in the bundle" \
	    "pis-1: dnsmasq not running" "master is none"; do
		grep -q "$want" "$T/drift" || { echo "--check did not report: $want"; return 1; }
	done
	echo "= $(wc -l < "$T/drift") findings"
}
lab_check drift-check c_drift_check
c_drift_repair() {
	apply --repair "$A" || { echo "--repair failed"; return 1; }
	apply --check "$A" > "$T/drift" 2>&1 || { head -n 1 "$T/drift"; return 1; }
}
lab_check drift-repair c_drift_repair

# A failing apply from A to B at its first and last step, and one killed
# (SIGKILL) after its last step (the one that deletes mon-1's link; the
# steps before it only drop what that deletion takes along), before the
# commit, then --recover: the state afterwards is exactly the state before.
lab_snap "$T/A" "$S" $NS
nB=$(apply --dry-run "$B" | wc -l)
c_rollback() {
	[ "$nB" -gt 3 ] || { echo "dry run planned $nB steps"; return 1; }
	for k in 1 "$nB"; do
		EDGENET_FAIL_STEP=$k apply --quiet "$B" 2> "$T/err" &&
		    { echo "step $k: applied despite the failure"; return 1; }
		grep -q "injected failure at step $k" "$T/err" ||
		    { echo "step $k: $(cat "$T/err")"; return 1; }
		lab_snap "$T/after" "$S" $NS
		d=$(lab_same "$T/A" "$T/after") ||
		    { echo "step $k: state differs: $d"; return 1; }
	done
	echo "= failures at steps 1 and $nB of $nB"
}
lab_check rollback-exact c_rollback

c_kill_recover() {
	EDGENET_KILL_STEP=$nB apply --quiet "$B" 2>/dev/null &&
	    { echo "the apply survived"; return 1; }
	[ -f "$S/journal" ] || { echo "no journal left"; return 1; }
	apply --recover || { echo "--recover failed"; return 1; }
	[ -f "$S/journal" ] && { echo "journal left after --recover"; return 1; }
	lab_snap "$T/after" "$S" $NS
	d=$(lab_same "$T/A" "$T/after") ||
	    { echo "state differs after --recover: $d"; return 1; }
	echo "= killed at step $nB of $nB"
}
lab_check kill-recover c_kill_recover

# --confirm without --confirm-ok: back to the previous bundle in time.
c_confirm() {
	apply --quiet --confirm 3 "$B" || { echo "confirm apply failed"; return 1; }
	apply --check "$B" > /dev/null 2>&1 || { echo "B not applied"; return 1; }
	lab_wait 150 test ! -f "$S/confirm" || { echo "no revert after the deadline"; return 1; }
	apply --check "$A" > "$T/drift" 2>&1 || { head -n 1 "$T/drift"; return 1; }
}
lab_check confirm-revert c_confirm

# Peak RSS of a 50-instance first apply, on a device of its own.
c_rss50() {
	busybox unshare -n sh -c '
	. "$LAB_LIB"
	ip link set lo up
	ip link add name br-clients type bridge && ip link set br-clients up &&
	ip addr add 172.20.0.1/16 dev br-clients || exit 1
	ls "$1/instances" | sed "s/^/netns add /" | ip -batch - || exit 1
	lab_peak_rss "$3" "$EDGENET_APPLY" --quiet --state-dir "$2" "$1" ||
	    { echo "apply failed"; exit 1; }
	# Right after 100 new links, their IPv6 addresses are still being
	# made: the kernel marks such dumps interrupted and the runtime
	# dumps again; --check must find no drift at once.
	"$EDGENET_APPLY" --quiet --check --state-dir "$2" "$1" > "$3.check" 2>&1 ||
	    { echo "drift after apply: $(head -n 1 "$3.check")"; exit 1; }
	' rss "$LAB_BUNDLES/bench50/bench" "$T/state50" "$T/time" ||
	    return 1
	kb=$(cat "$T/time")
	[ -n "$kb" ] && [ "$kb" -le "${LAB_RSS_MAX_KB:-4096}" ] ||
	    { echo "peak RSS ${kb:-?} KB"; return 1; }
	echo "= peak RSS $kb KB"
}
lab_check rss-50-instances c_rss50

kill $bg "$(cat "$T/host.pid")" 2>/dev/null
for p in "$S"/instances/*/*.pid; do
	[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
done
lab_done
