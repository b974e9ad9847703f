#!/bin/bash
# Equivalence: the kernel state after edgenet-apply equals the state after
# the shell pair on an identical scratch device: ip -batch netlink.batch,
# ip -n ID -batch netns.batch, the sysctl pragmas, nft -f of every *.nft.
# Compared: normalized ip -j -d link/addr/route (with each link's ifalias)
# and nft -j list ruleset of the device and every container namespace.
. "$(dirname "$0")/../lib/lib.sh"
set -u
if [ -n "${RT_SANDBOX:-}" ]; then
	# Inside one sandbox: $1 = runtime|shell, $2 = scratch directory.
	rt_sandbox
	side=$1 T=$2 B=$2/out/dev-eq
	ids=$(ls "$B/instances")
	rt_device $ids
	if [ "$side" = runtime ]; then
		# The namespaces seen through another directory (--netns-dir).
		mkdir -p "$T/nsdir"
		for id in $ids; do
			touch "$T/nsdir/$id"
			mount --bind "/run/netns/$id" "$T/nsdir/$id" || exit 1
		done
		"$EDGENET_APPLY" --netns-dir "$T/nsdir" --state-dir "$T/state" \
		    "$B" || exit 1
		# Processes are not kernel state: stop the runtime's dnsmasq.
		for p in "$T"/state/instances/*/*.pid; do
			[ -f "$p" ] && kill "$(cat "$p")"
		done
	else
		rt_shell_pair "$B" || exit 1
	fi
	rt_state $ids > "$T/$side.json"
	exit 0
fi
rt_can_sandbox
rt_tmp
rt_bundle "$RT_TMP/out" "$TOP/testdata/bundles/equiv.json"
rt_in_sandbox "$0" runtime "$RT_TMP" || rt_fail "runtime side"
rt_in_sandbox "$0" shell "$RT_TMP" || rt_fail "shell side"
grep -q '"eb' "$RT_TMP/shell.json" || rt_fail "empty state dump"
grep -q '"alias": *"edgenet [^ ]* bridge ' "$RT_TMP/runtime.json" ||
    rt_fail "no ifalias on the host-side links"
if ! diff -u "$RT_TMP/shell.json" "$RT_TMP/runtime.json"; then
	rt_fail "state after edgenet-apply differs from the shell pair"
fi
echo "PASS: $(grep -c '"name"' "$RT_TMP/runtime.json") links, identical"
