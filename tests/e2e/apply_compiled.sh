#!/bin/bash
# The compiler's bundles for the example fleet (testdata/fleet), applied by
# edgenet-apply on scratch devices built from the inventory (bridges with
# the device address, veth stand-ins for the physical ports, container
# namespaces): for every device, the state equals the shell pair's
# (ip -batch, ip -n -batch, sysctl pragmas, nft -f), --check finds no
# drift, a re-apply sends nothing; for bus-0042 (every mode), a failure
# injected at every step rolls back to the exact state before.
. "$(dirname "$0")/../lib/lib.sh"
set -u
FLEET_JSON=$TOP/testdata/fleet/fleet.json

# The device of the inventory: $1 = device id.
device_env() {
	$PY - "$FLEET_JSON" "$1" <<'PY' > "$RT_TMP/env.sh"
import json, sys
d = [x for x in json.load(open(sys.argv[1]))["devices"] if x["id"] == sys.argv[2]][0]
print("ip netns add ports")
for i, p in enumerate(d.get("interfaces", [])):
    print("ip link add name %s type veth peer name p%d netns ports" % (p, i))
    print("ip -n ports link set p%d up" % i)
for n in d.get("client_networks", []):
    print("ip link add name %s type bridge" % n["bridge"])
    print("ip link set %s up" % n["bridge"])
    print("ip addr add %s dev %s" % (n["subnet"], n["bridge"]))
    # a port of its own, as on a device (carrier independent of ours)
    print("ip link add name up%s type veth peer name x%s netns ports" % (n["name"][:8], n["name"][:8]))
    print("ip link set up%s master %s" % (n["name"][:8], n["bridge"]))
    print("ip link set up%s up" % n["name"][:8])
    print("ip -n ports link set x%s up" % n["name"][:8])
for i in d.get("instances", []):
    print("ip netns add %s" % i["id"])
PY
	. "$RT_TMP/env.sh"
}

if [ -n "${RT_SANDBOX:-}" ]; then
	# $1 = runtime|shell|fault, $2 = scratch dir, $3 = device id
	rt_sandbox
	# each side its own state dir: a state dir left by an earlier sandbox
	# names namespaces whose inode numbers the kernel may hand out again
	side=$1 RT_TMP=$2 dev=$3 B=$2/out/$3 S=$2/state-$1-$3
	device_env "$dev"
	ids=$(ls "$B/instances" | tr '\n' ' ')
	case $side in
	runtime)
		"$EDGENET_APPLY" --state-dir "$S" "$B" || exit 1
		"$EDGENET_APPLY" --check --quiet --state-dir "$S" "$B" ||
		    { echo "drift right after apply"; exit 1; }
		"$EDGENET_APPLY" --stats --state-dir "$S" "$B" 2>"$RT_TMP/st"
		grep -q 'state-changing netlink 0, nft changes 0, processes started 0, stopped 0, files 0' \
		    "$RT_TMP/st" || { cat "$RT_TMP/st"; echo "re-apply changed something"; exit 1; }
		for p in "$S"/instances/*/*.pid; do
			[ -f "$p" ] && kill "$(cat "$p")"
		done
		;;
	shell)
		rt_shell_pair "$B" || exit 1
		;;
	fault)
		"$EDGENET_APPLY" --dry-run --state-dir "$S" "$B" >"$RT_TMP/dry" 2>&1
		n=$(grep -vc "^  " "$RT_TMP/dry")	# steps, not their nft rules
		[ "$n" -gt 20 ] || { cat "$RT_TMP/dry"; echo "only $n steps"; exit 1; }
		rt_state --state "$S" $ids > "$RT_TMP/before.json"
		for k in $(seq 1 "$n"); do
			EDGENET_FAIL_STEP=$k "$EDGENET_APPLY" --quiet \
			    --state-dir "$S" "$B" 2>/dev/null &&
			    { echo "step $k: applied"; exit 1; }
			rt_state --state "$S" $ids > "$RT_TMP/after.json"
			diff -u "$RT_TMP/before.json" "$RT_TMP/after.json" ||
			    { echo "step $k: state differs"; exit 1; }
		done
		"$EDGENET_APPLY" --quiet --state-dir "$S" "$B" || exit 1
		echo "$dev: failure at each of $n steps rolled back exactly"
		exit 0
		;;
	esac
	rt_state $ids > "$RT_TMP/$side-$dev.json"
	exit 0
fi

rt_can_sandbox
rt_tmp
rt_compile "$RT_TMP/out" "$TOP/testdata/fleet/fleet.yaml" ||
    rt_skip "edgenetc compile is not available"
for dev in $(ls "$RT_TMP/out"); do
	[ -f "$RT_TMP/out/$dev/manifest.json" ] || continue
	rt_in_sandbox "$0" runtime "$RT_TMP" "$dev" || rt_fail "$dev: runtime side"
	rt_in_sandbox "$0" shell "$RT_TMP" "$dev" || rt_fail "$dev: shell side"
	diff -u "$RT_TMP/shell-$dev.json" "$RT_TMP/runtime-$dev.json" ||
	    rt_fail "$dev: state after edgenet-apply differs from the shell pair"
	echo "$dev: applied, no drift, re-apply sends nothing, same state as the shell pair"
done
rt_in_sandbox "$0" fault "$RT_TMP" bus-0042 || rt_fail "bus-0042: fault injection"
echo "PASS"
