#!/bin/bash
# Refusals, each leaving the device exactly as it was, with a clear message:
# tampered, missing, extra or unlisted files; a manifest the strict reader
# rejects; a batch line outside the subset; a conflicting pre-existing
# interface (device and container side); a missing physical port; a
# missing container namespace; dnsmasq configs rejected by `dnsmasq --test`,
# by the directive list, or failing only when dnsmasq starts (rolled back).
. "$(dirname "$0")/../lib/lib.sh"
rt_sandbox "$@"
set -u
rt_tmp
rt_device $RT_E2E_NS
rt_bundle "$RT_TMP/a"
A=$RT_TMP/a/dev-e2e S=$RT_TMP/state
rt_state --state "$S" $RT_E2E_NS > "$RT_TMP/before.json"

# refuse NAME EXPECTED-MESSAGE-REGEX: apply $RT_TMP/t/dev-e2e, which must
# fail with that message and change nothing.
refuse() {
	"$EDGENET_APPLY" --state-dir "$S" "$RT_TMP/t/dev-e2e" \
	    2>"$RT_TMP/err" && rt_fail "$1: applied"
	grep -Eq "$2" "$RT_TMP/err" ||
	    { cat "$RT_TMP/err"; rt_fail "$1: message does not match '$2'"; }
	rt_state --state "$S" $RT_E2E_NS > "$RT_TMP/after.json"
	diff -u "$RT_TMP/before.json" "$RT_TMP/after.json" ||
	    rt_fail "$1: state changed"
	echo "ok  $1: $(tail -1 "$RT_TMP/err" | cut -c1-150)"
}
fresh() { rm -rf "$RT_TMP/t"; cp -a "$RT_TMP/a" "$RT_TMP/t"; T=$RT_TMP/t/dev-e2e; }
remanifest() { $PY "$TOP/tests/tools/mkbundle.py" --manifest "$T"; }

fresh; printf 'x' >> "$T/instances/pis-1/lxc.env"
refuse "tampered file" "instances/pis-1/lxc.env: size 96, manifest says 95 \\(tampered"
fresh; sed -i 's/10.190.0.1/10.190.0.9/' "$T/instances/pis-1/netns.batch"
refuse "tampered content" "netns.batch: sha256 .* does not match"
fresh; rm "$T/host.nft"
refuse "missing file" "host.nft: missing"
fresh; echo x > "$T/instances/pis-1/extra.conf"
refuse "extra file" "'instances/pis-1/extra.conf' is not in the manifest"
fresh; mkdir "$T/instances/ghost"
refuse "extra directory" "directory 'instances/ghost' is not in the manifest"
fresh; ln -s /etc/passwd "$T/instances/pis-1/link"
refuse "symlink" "'instances/pis-1/link' is not a regular file"
fresh; sed -i 's/"format": 1/"format": 1, "x": "a\\\\b"/' "$T/manifest.json"
refuse "manifest escape" "manifest.json:.*escape sequences are not allowed"
fresh; sed -i 's/"format": 1/"format": 2/' "$T/manifest.json"
refuse "manifest format" "format must be 1"
fresh; echo "link add name x0 type dummy" >> "$T/netlink.batch"; remanifest
refuse "batch subset" "netlink.batch:[0-9]+: unsupported link add"
fresh; echo "#@ exec /bin/sh" >> "$T/instances/pis-1/netns.batch"; remanifest
refuse "unknown pragma" "netns.batch:[0-9]+: unknown pragma"
fresh; sed -i 's/^port=0$/port=0\ndhcp-script=\/bin\/sh/' \
    "$T/instances/pis-1/dnsmasq.conf"; remanifest
refuse "dnsmasq directive" "directive 'dhcp-script' is not allowed"
fresh; sed -i 's/^dhcp-range=.*/dhcp-range=nonsense/' \
    "$T/instances/pis-1/dnsmasq.conf"; remanifest
refuse "dnsmasq --test" "dnsmasq rejects the configuration"
fresh; sed -i 's/^interface=lan$/interface=nosuch/' \
    "$T/instances/pis-1/dnsmasq.conf"; remanifest
refuse "dnsmasq start (rolled back)" "dnsmasq for pis-1 failed to start.*rolled back"

h=$(printf %s mon-1 | sha256sum | cut -c1-8)
ip link add name "ew$h" type bridge
rt_state --state "$S" $RT_E2E_NS > "$RT_TMP/before.json"
fresh
refuse "conflicting interface" "interface ew$h already exists in the device namespace and was not created by edgenet-apply"
ip link show "ew$h" >/dev/null || rt_fail "the foreign interface was touched"
ip link del "ew$h"
ip -n cam-1 link add name wan type veth peer name x
rt_state --state "$S" $RT_E2E_NS > "$RT_TMP/before.json"
refuse "conflicting interface in a container" "interface wan already exists in namespace cam-1"
ip -n cam-1 link del wan
ip link set eth1 netns lan2
rt_state --state "$S" $RT_E2E_NS > "$RT_TMP/before.json"
refuse "missing physical port" "interface eth1 does not exist on the device"
ip -n lan2 link set eth1 netns 1 2>/dev/null || ip -n lan2 link del eth1
ip netns del mon-1
rt_state --state "$S" cam-1 pis-1 sen-1 > "$RT_TMP/b2.json"
"$EDGENET_APPLY" --state-dir "$S" "$T" 2>"$RT_TMP/err" && rt_fail "applied without mon-1"
grep -q "network namespace /run/netns/mon-1 does not exist" "$RT_TMP/err" ||
    { cat "$RT_TMP/err"; rt_fail "missing namespace message"; }
rt_state --state "$S" cam-1 pis-1 sen-1 > "$RT_TMP/a2.json"
diff -u "$RT_TMP/b2.json" "$RT_TMP/a2.json" || rt_fail "missing namespace: state changed"
echo "ok  missing container namespace: $(tail -1 "$RT_TMP/err" | cut -c1-120)"
echo "PASS"
