#!/bin/bash
# bench/apply: applying a 50-instance device bundle (veth pairs, bridge
# ports, addresses, routes, sysctls, nft tables in 51 namespaces) with
# edgenet-apply vs the shell pair (ip -batch netlink.batch + 50 x ip -n NS
# -batch + 51 x nft -f), each on fresh namespaces, in one run; the no-op
# re-apply (under GNU time, and spawned directly: its own wall and CPU
# time); the kernel floor (ip -batch of the device batch alone); the
# stripped size and peak RSS of edgenet-apply.
#
#   bench/apply/run.sh [ROUNDS] [INSTANCES]      (as root; default 5 50)
set -u
. "$(dirname "$0")/../../tests/lib/lib.sh"
ROUNDS=${1:-5} N=${2:-50}

if [ -n "${RT_SANDBOX:-}" ]; then
	# One fresh device: $1 = what to time, $2 = scratch dir.
	rt_sandbox
	what=$1 T=$2 B=$2/out/bench
	ids=$(ls "$B/instances" | tr "\n" " ")
	ip link add name br-clients type bridge
	ip link set br-clients up
	ip addr add 172.20.0.1/16 dev br-clients
	for id in $ids; do ip netns add "$id"; done
	timed() { $PY "$TOP/bench/apply/timed.py" "$@"; }
	case $what in
	runtime)
		timed "$T/runtime.t" "$EDGENET_APPLY" --quiet --state-dir \
		    "$T/state" "$B" || exit 1
		# The no-op re-apply: 20 runs under GNU time (as above: its
		# peak RSS), then 20 started directly (posix_spawn + wait4:
		# the process's own wall and CPU time, no GNU time between).
		for i in $(seq 1 20); do
			timed "$T/noop.t" "$EDGENET_APPLY" --quiet \
			    --state-dir "$T/state" "$B" || exit 1
		done
		for i in $(seq 1 20); do
			timed --direct "$T/noopd.t" "$EDGENET_APPLY" --quiet \
			    --state-dir "$T/state" "$B" || exit 1
		done
		"$EDGENET_APPLY" --quiet --state-dir "$T/state" --stats "$B" \
		    2>> "$T/noop.stats"
		"$EDGENET_APPLY" --check --quiet --state-dir "$T/state" "$B" \
		    >/dev/null || exit 1
		;;
	shell)
		cat > "$T/pair.sh" <<SH
ip -batch $B/netlink.batch || exit 1
for id in $ids; do ip -n \$id -batch $B/instances/\$id/netns.batch || exit 1; done
nft -f $B/host.nft || exit 1
for id in $ids; do ip netns exec \$id nft -f $B/instances/\$id/netns.nft || exit 1; done
SH
		timed "$T/shell.t" sh "$T/pair.sh" || exit 1
		;;
	floor)
		timed "$T/floor.t" ip -batch "$B/netlink.batch" || exit 1
		;;
	esac
	exit 0
fi

rt_can_sandbox
rt_tmp
# The bundle: edgenetc compile of a generated N-instance fleet (WAN on the
# client network, routed LAN from a template, masquerade, GPSd on every
# tenth), else the same by hand.
$PY - "$N" > "$RT_TMP/fleet.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print('''services:
  - name: app
    access_provided_subnet: 10.100.0.1/16
    dhcp_range_template: 10.100.0.1/24
    env: { ROLE: app }
    network_config: { wan_configure_network: allocated, lan_configure_network: allocated, masquerade: true }
  - name: appg
    access_provided_subnet: 10.101.0.1/16
    dhcp_range_template: 10.101.0.1/24
    access_gpsd_enabled: true
    network_config: { wan_configure_network: allocated, lan_configure_network: allocated, masquerade: true }
devices:
  - id: bench
    arch: arm64
    interfaces: [eth0]
    gpsd: { port: 2947 }
    client_networks:
      - { name: clients, default: true, bridge: br-clients, subnet: 172.20.0.1/16 }
    instances:''')
for k in range(n):
    print("      - { id: app-%03d, service: %s }" % (k, "appg" if k % 10 == 0 else "app"))
PY
if rt_compile "$RT_TMP/out" "$RT_TMP/fleet.yaml"; then
	echo "bundle: edgenetc compile of a generated $N-instance fleet"
else
	$PY "$TOP/tests/tools/mkbundle.py" --bench "$N" "$RT_TMP/out" >/dev/null
	echo "bundle: tests/tools/mkbundle.py --bench $N"
fi
ops=$(grep -c '^[a-z]' "$RT_TMP/out/bench/netlink.batch")
nsops=$(cat "$RT_TMP"/out/bench/instances/*/netns.batch | grep -c '^[a-z]')
for r in $(seq 1 "$ROUNDS"); do
	for w in runtime shell floor; do
		rt_in_sandbox "$0" "$w" "$RT_TMP" || rt_fail "$w round $r"
	done
done
cp "$EDGENET_APPLY" "$RT_TMP/stripped" && strip "$RT_TMP/stripped"
$PY - "$RT_TMP" "$N" "$ops" "$nsops" "$(stat -c %s "$RT_TMP/stripped")" <<'PY'
import statistics, sys
t, n, ops, nsops, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def load(name):
    rows = [l.split() for l in open("%s/%s.t" % (t, name))]
    return [float(r[0]) * 1000 for r in rows], [int(r[1]) for r in rows]
def cpu(name):
    return [float(l.split()[2]) * 1000 for l in open("%s/%s.t" % (t, name))]
rt, rt_rss = load("runtime"); sh, _ = load("shell"); fl, _ = load("floor")
noop, noop_rss = load("noop")
noopd, _ = load("noopd")
m = statistics.median
print("instances %s: device batch %s ops, container batches %s ops, 51 nft tables" % (n, ops, nsops))
print("| what | wall median | min | max | CPU median | runs |")
print("|---|---|---|---|---|---|")
for name, key, v in (("edgenet-apply, first apply", "runtime", rt), ("shell pair (ip -batch + %s ip -n -batch + %d nft -f)" % (n, int(n) + 1), "shell", sh),
                ("kernel floor: ip -batch netlink.batch only", "floor", fl), ("edgenet-apply, no-op re-apply (under GNU time)", "noop", noop),
                ("edgenet-apply, no-op re-apply (spawned directly)", "noopd", noopd)):
    print("| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %d |" % (name, m(v), min(v), max(v), m(cpu(key)), len(v)))
print()
print("ratio shell pair / edgenet-apply (first apply): %.2fx" % (m(sh) / m(rt)))
print("ratio edgenet-apply / kernel floor: %.2fx" % (m(rt) / m(fl)))
print("peak RSS edgenet-apply: first apply %.2f MB (max), no-op %.2f MB (max)" % (max(rt_rss) / 1024, max(noop_rss) / 1024))
print("stripped size edgenet-apply: %d bytes (%.1f KB)" % (size, size / 1024))
PY
echo "no-op counters: $(tail -1 "$RT_TMP/noop.stats")"
