# Shared helpers for tests/e2e/apply_*.sh and bench/apply (sourced).
#
# rt_sandbox "$@"  re-executes the calling script in private mount, network
#                  and PID namespaces (never this machine's), with a tmpfs
#                  on /run/netns; exits 77 when that is not possible.
# rt_device        the device namespace of the e2e scenario: client-network
#                  bridges, a veth standing in for physical port eth1 with a
#                  LAN client behind it, container namespaces, a peer.
TESTS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=${TOP:-$(cd "$TESTS_LIB_DIR/../.." && pwd)}
BUILD=${BUILD:-build}
EDGENET_APPLY=${EDGENET_APPLY:-$TOP/$BUILD/edgenet-apply}
export TOP BUILD EDGENET_APPLY
# The distribution's python3 starts in 0.1 s; a pyenv shim can take 0.7 s.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

rt_skip() { echo "SKIP: $*" >&2; exit 77; }
rt_fail() { echo "FAIL: $*" >&2; exit 1; }

rt_can_sandbox() {
	[ "$(id -u)" -eq 0 ] || rt_skip "needs root for network namespaces"
	[ -x "$EDGENET_APPLY" ] || rt_skip "$EDGENET_APPLY not built"
	for t in ip nft dnsmasq busybox python3 unshare; do
		command -v $t >/dev/null || rt_skip "$t not installed"
	done
	mkdir -p /run/netns 2>/dev/null || rt_skip "cannot create /run/netns"
	unshare -mnpf --mount-proc true 2>/dev/null ||
	    rt_skip "cannot create private namespaces (unshare -mnpf)"
}

# Runs "$@" (a script and its arguments) in a fresh sandbox.
rt_in_sandbox() {
	RT_SANDBOX=1 unshare -mnpf --mount-proc --propagation private \
	    bash "$@"
}

rt_sandbox() {
	if [ -n "${RT_SANDBOX:-}" ]; then
		mount -t tmpfs none /run/netns || rt_fail "tmpfs on /run/netns"
		ip link set lo up
		return 0
	fi
	rt_can_sandbox
	RT_SANDBOX=1 exec unshare -mnpf --mount-proc --propagation private \
	    bash "$0" "$@"
}

# A scratch directory removed at exit.
rt_tmp() {
	RT_TMP=$(mktemp -d /tmp/edgenet-rt.XXXXXX)
	trap 'rm -rf "$RT_TMP"' EXIT
}

rt_device() {
	ip link add name br-clients type bridge
	ip link set br-clients up
	ip addr add 172.20.0.1/24 dev br-clients
	ip link add name br-uplink type bridge
	ip link set br-uplink up
	ip addr add 10.10.0.1/24 dev br-uplink
	ip netns add lanclient
	ip link add name eth1 type veth peer name eth0 netns lanclient
	ip -n lanclient link set lo up
	ip -n lanclient link set eth0 up
	ip netns add lan2
	ip link add name eth2 type veth peer name eth0 netns lan2
	ip netns add peer
	ip link add name vpeer type veth peer name eth0 netns peer
	ip link set vpeer master br-clients
	ip link set vpeer up
	ip -n peer link set lo up
	ip -n peer link set eth0 up
	ip -n peer addr add 172.20.0.50/24 dev eth0
	# The uplink has a port of its own, as a real device's would (a
	# bridge without ports loses its carrier once a port came and went).
	ip link add name vup type veth peer name eth1 netns peer
	ip link set vup master br-uplink
	ip link set vup up
	ip -n peer link set eth1 up
	for n in "$@"; do ip netns add "$n"; done
}

# A bundle from a spec (default: the e2e one) under $1, by hand
# (tests/tools/mkbundle.py).
rt_bundle() {
	$PY "$TOP/tests/tools/mkbundle.py" "${2:-$TOP/testdata/bundles/e2e.json}" "$1" >/dev/null
}

# Bundles of fleet $2 under $1 from `edgenetc compile` (fresh ledger);
# 1 when the compiler is not built or cannot compile yet.
EDGENETC=${EDGENETC:-$TOP/$BUILD/edgenetc}
rt_compile() {
	[ -x "$EDGENETC" ] || return 1
	"$EDGENETC" compile --ledger "$1.ledger" -o "$1" "$2" >/dev/null 2>&1
}
RT_E2E_NS="cam-1 mon-1 pis-1 sen-1"

# Normalized state of the device and the given namespaces.
rt_state() {
	$PY "$TOP/tests/tools/netstate.py" "$@"
}

# Waits up to $1 tenths of a second for command "$2..." to succeed.
rt_wait() {
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# The shell pair for bundle $1 (what edgenet-apply replaces): ip -batch of
# netlink.batch and its sysctl pragmas, ip -n ID -batch of each
# netns.batch and its sysctl pragmas, nft -f of every *.nft.
rt_shell_pair() {
	local B=$1 id f
	ip -batch "$B/netlink.batch" || return 1
	grep '^#@ sysctl ' "$B/netlink.batch" |
	while read -r _ _ key val; do
		echo "$val" > /proc/sys/"$(echo "$key" | tr . /)" || exit 1
	done || return 1
	for id in $(ls "$B/instances"); do
		f=$B/instances/$id/netns.batch
		[ -f "$f" ] && { ip -n "$id" -batch "$f" || return 1; }
		grep '^#@ sysctl ' "$f" 2>/dev/null |
		while read -r _ _ key val; do
			ip netns exec "$id" sh -c \
			    "echo $val > /proc/sys/$(echo "$key" | tr . /)"
		done
		f=$B/instances/$id/netns.nft
		[ -f "$f" ] && { ip netns exec "$id" nft -f "$f" || return 1; }
	done
	nft -f "$B/host.nft"
}
