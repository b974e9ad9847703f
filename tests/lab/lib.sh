# Helpers for device-lab scenarios, sourced by a scenario as . "$LAB_LIB".
# POSIX sh: a scenario runs under busybox sh inside the lab's ARM VM
# (tests/lab/init) and inside private namespaces on the host
# (tests/e2e/lab_scenario.sh), the same file in both places.
#
# A scenario gets
#   EDGENET_APPLY   the runtime under test
#   LAB_BUNDLES     the compiled bundles, one folder per fleet
#                   (tests/lab/bundles.sh)
#   LAB_TMP         an empty scratch directory
# and reports one line per check:
#   LAB PASS name [(detail)]     LAB FAIL name: why     LAB INFO text
# ending with "LAB DONE N passed, M failed" (lab_done).  The programs it
# may use: busybox (sh and its applets), iproute2's ip, nft, dnsmasq.

# Debian's busybox-static runs its own applets before any program on
# PATH, and its ip applet knows no namespaces: iproute2's ip by its full
# path (LAB_IP; tests/lab/init sets it).
LAB_IP=${LAB_IP:-$(command -v ip)}
export LAB_IP
ip() {
	"$LAB_IP" "$@"
}

lab_npass=0
lab_nfail=0

lab_pass() {
	lab_npass=$((lab_npass + 1))
	echo "LAB PASS $1${2:+ ($2)}"
}

lab_fail() {
	lab_nfail=$((lab_nfail + 1))
	echo "LAB FAIL $1: $2"
}

lab_info() {
	echo "LAB INFO $*"
}

# lab_check NAME FUNCTION [ARGS]: one check.  FUNCTION returns 0 to pass;
# the last line it printed is the reason of a failure, or the detail of
# a pass when it starts with "= "; its "LAB INFO" lines are shown.
lab_check() {
	_n=$1
	shift
	_t0=$(date +%s)
	"$@" > "$LAB_TMP/check.out" 2>&1
	_r=$?
	grep '^LAB INFO ' "$LAB_TMP/check.out"
	if [ "$_r" -eq 0 ]; then
		_d=$(tail -n 1 "$LAB_TMP/check.out")
		case $_d in "= "*) _d=${_d#= } ;; *) _d= ;; esac
		lab_pass "$_n" "${_d:+$_d, }$(($(date +%s) - _t0)) s"
	else
		lab_fail "$_n" "$(tail -n 1 "$LAB_TMP/check.out")"
	fi
}

lab_done() {
	echo "LAB DONE $lab_npass passed, $lab_nfail failed"
	[ "$lab_nfail" -eq 0 ]
}

# lab_wait TENTHS CMD...: waits up to TENTHS tenths of a second for CMD.
lab_wait() {
	_t=$1
	shift
	while [ "$_t" -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.1
		_t=$((_t - 1))
	done
	return 1
}

# lab_device NS...: the device of the e2e scenario in the current network
# namespace: client-network bridges br-clients (172.20.0.1/24) and
# br-uplink (10.10.0.1/24), a veth standing in for physical port eth1
# with a LAN client (namespace lanclient) behind it, eth2 with lan2, a
# peer (172.20.0.50) on the client network, and container namespaces NS.
lab_device() {
	ip link add name br-clients type bridge &&
	ip link set br-clients up &&
	ip addr add 172.20.0.1/24 dev br-clients &&
	ip link add name br-uplink type bridge &&
	ip link set br-uplink up &&
	ip addr add 10.10.0.1/24 dev br-uplink &&
	ip netns add lanclient &&
	ip link add name eth1 type veth peer name eth0 netns lanclient &&
	ip -n lanclient link set lo up &&
	ip -n lanclient link set eth0 up &&
	ip netns add lan2 &&
	ip link add name eth2 type veth peer name eth0 netns lan2 &&
	ip netns add peer &&
	ip link add name vpeer type veth peer name eth0 netns peer &&
	ip link set vpeer master br-clients &&
	ip link set vpeer up &&
	ip -n peer link set lo up &&
	ip -n peer link set eth0 up &&
	ip -n peer addr add 172.20.0.50/24 dev eth0 &&
	# The uplink has a port of its own, as a real device's would (a
	# bridge without ports loses its carrier once a port came and went).
	ip link add name vup type veth peer name eth1 netns peer &&
	ip link set vup master br-uplink &&
	ip link set vup up &&
	ip -n peer link set eth1 up || return 1
	for _ns in "$@"; do
		ip netns add "$_ns" || return 1
	done
}

# lab_netstate: the network state of the current namespace, without what
# differs between equal states (ifindexes, MAC addresses, link-local
# addresses, operstate and carrier, address lifetimes, counters).
lab_netstate() {
	# few processes: each start of a program costs ~0.3 s in the lab's
	# emulated CPU
	printf 'link show\naddr show\nroute show table all\n' |
	    ip -o -batch - | grep -v ' fe80::' |
	    sed -e 's/^[0-9]*: //' -e 's/@[a-zA-Z0-9]*:/:/' -e 's/\\.*//' \
	    -e 's/ state [A-Z]*//' -e 's/ qdisc [a-z_]*//' -e 's/,LOWER_UP//' \
	    -e 's/NO-CARRIER,//' -e 's/,M-DOWN//' -e 's/ linkdown//' \
	    -e 's/ expires [0-9]*sec//' -e 's/ tentative//' | sort
	nft list ruleset 2>&1 | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
	grep . /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/forwarding \
	    /proc/sys/net/ipv6/conf/*/forwarding /proc/sys/net/ipv6/conf/*/accept_ra
}

# lab_snap FILE STATEDIR NS...: the state of the device and of each
# namespace NS, plus the runtime's files under STATEDIR (names and
# contents; pid files by whether their process runs and its command line;
# not the store of bundles/, a cache collected by the next apply).
lab_snap() {
	_out=$1 _sd=$2
	shift 2
	{
		echo "== device"
		lab_netstate
		for _ns in "$@"; do
			echo "== $_ns"
			ip netns exec "$_ns" sh -c ". '$LAB_LIB'; lab_netstate"
		done
		echo "== files"
		if [ -d "$_sd" ]; then
			find "$_sd" -type f | sort | while read -r _f; do
				case $_f in
				*.pid)
					_p=$(cat "$_f")
					if kill -0 "$_p" 2>/dev/null; then
						echo "$_f runs $(tr '\0' ' ' < /proc/"$_p"/cmdline)"
					else
						echo "$_f stopped"
					fi ;;
				*/bundles/*) ;;
				*.log|*.leases) echo "$_f" ;;
				*) echo "$_f $(sha256sum < "$_f" | cut -c1-16)" ;;
				esac
			done
		fi
	} > "$_out" 2>&1
}

# lab_peak_rss FILE CMD...: runs CMD, writes its peak RSS in KB to FILE.
# The kernel counts into a child's peak the pages of the process it was
# forked from, up to its exec: GNU time (small; busybox 1.35's time
# takes ru_maxrss for pages and reports 4 times the figure).
lab_peak_rss() {
	_o=$1
	shift
	/usr/bin/time -f %M -o "$_o" "$@"
}

# lab_same A B: snapshots A and B equal (else the first differences).
lab_same() {
	cmp -s "$1" "$2" && return 0
	diff -u "$1" "$2" | grep '^[-+][^-+]' | head -n 5 | tr '\n' ' '
	return 1
}
