#!/bin/bash
# Idempotency, incremental change, --check, drift repair, --rollback,
# --confirm (timeout revert, --confirm-ok, revert by --recover after the
# watcher was killed), --dry-run, --format json of --check and --dry-run,
# the exit statuses (0 clean, 1 drift, 2 failed).
#   - a second apply of the same bundle sends no state-changing message:
#     the runtime's counters (--stats) say 0, `ip monitor` in the device
#     namespace sees nothing, and dnsmasq/udhcpc keep their pids
#   - a newer bundle changes only what differs: unchanged links keep their
#     ifindex, unchanged processes their pid; a removed instance loses its
#     links, rules, processes and files
. "$(dirname "$0")/../lib/lib.sh"
rt_sandbox "$@"
set -u
rt_tmp
NS="$RT_E2E_NS new-1"
rt_device $NS
rt_bundle "$RT_TMP/a"
rt_bundle "$RT_TMP/b" "$TOP/testdata/bundles/e2e-b.json"
A=$RT_TMP/a/dev-e2e B=$RT_TMP/b/dev-e2e S=$RT_TMP/state
apply() { "$EDGENET_APPLY" --state-dir "$S" "$@"; }
pidof_inst() { cat "$S/instances/$1/$2.pid" 2>/dev/null; }
ifindex() {
	if [ -n "$1" ]; then ip -n "$1" -o link show dev "$2"
	else ip -o link show dev "$2"; fi | cut -d: -f1
}
stat_of() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" "$RT_TMP/stats"; }

# --- dry run changes nothing -------------------------------------------
rt_state --state "$S" $NS > "$RT_TMP/s0.json"
apply --dry-run "$A" > "$RT_TMP/plan" || rt_fail "dry run"
grep -q '^add device: link add name ew' "$RT_TMP/plan" || rt_fail "dry run plan"
rt_state --state "$S" $NS > "$RT_TMP/s1.json"
diff -q "$RT_TMP/s0.json" "$RT_TMP/s1.json" >/dev/null || rt_fail "dry run changed state"
echo "ok  --dry-run: $(grep -vc '^  ' "$RT_TMP/plan") steps planned, nothing changed"
# The same plan as JSON: one step per text line, the host table's step
# names the rules it adds.
apply --dry-run --format json "$A" > "$RT_TMP/plan.json" || rt_fail "dry run json"
$PY - "$RT_TMP/plan.json" "$RT_TMP/plan" <<'PYEOF' || rt_fail "dry run json content"
import json, sys
doc = json.load(open(sys.argv[1]))
text = [l for l in open(sys.argv[2]) if not l.startswith("  ")]
steps = doc["steps"]
assert doc["bundle"] and len(steps) == len(text), (len(steps), len(text))
for s in steps:
    assert set(s) >= {"action", "namespace", "object"}, s
    assert "%s %s: %s\n" % (s["action"], s["namespace"], s["object"]) in text, s
nft = [s for s in steps if s["object"] == "nft" and s["namespace"] == "device"]
assert len(nft) == 1 and nft[0]["action"] == "add", nft
rules = nft[0]["rules"]
assert rules and all(r["change"] == "add" and r["chain"] and r["rule"]
                     for r in rules), rules
assert any("dport" in r["rule"] for r in rules), rules
PYEOF
grep -q '^  + chain ' "$RT_TMP/plan" || rt_fail "dry run text: no nft rule named"
echo "ok  --dry-run --format json: $(grep -c '"action"' "$RT_TMP/plan.json") steps, nft rules named"

# --- idempotency -------------------------------------------------------
apply "$A" || rt_fail "apply A"
dpid=$(pidof_inst pis-1 dnsmasq) upid=$(pidof_inst sen-1 udhcpc)
[ -n "$dpid" ] && [ -n "$upid" ] || rt_fail "processes not started"
ip -o monitor link address route neigh netconf > "$RT_TMP/monitor" 2>&1 &
mon=$!
# Let the kernel's own late events settle (IPv6 autoconf, bridge ports).
# linkwatch delays carrier events by up to a second: wait for 1.5 s quiet.
last=-1 quiet=0
for i in $(seq 1 80); do
	sleep 0.25
	size=$(stat -c %s "$RT_TMP/monitor")
	if [ "$size" = "$last" ]; then
		quiet=$((quiet + 1))
		[ $quiet -ge 6 ] && break
	else
		quiet=0
	fi
	last=$size
done
: > "$RT_TMP/monitor"
apply --stats "$A" 2> "$RT_TMP/stats" || rt_fail "re-apply A"
sleep 0.3
kill $mon
cat "$RT_TMP/stats"
[ "$(stat_of 'state-changing netlink')" = 0 ] || rt_fail "re-apply sent state-changing netlink messages"
[ "$(stat_of 'nft changes')" = 0 ] || rt_fail "re-apply sent nft changes"
[ "$(stat_of 'processes started')" = 0 ] || rt_fail "re-apply started processes"
[ "$(stat_of 'stopped')" = 0 ] || rt_fail "re-apply stopped processes"
# (IPv6 link-local autoconfiguration of the scratch links may still run.)
grep -v -e 'fe80::' -e 'ff0[0-9]::' -e ' nsid ' "$RT_TMP/monitor" | grep -q . &&
    { cat "$RT_TMP/monitor"; rt_fail "ip monitor saw changes during the re-apply"; }
[ "$(pidof_inst pis-1 dnsmasq)" = "$dpid" ] || rt_fail "dnsmasq restarted"
[ "$(pidof_inst sen-1 udhcpc)" = "$upid" ] || rt_fail "udhcpc restarted"
echo "ok  re-apply: no state-changing message, nothing restarted"

# --- a newer bundle changes only what differs --------------------------
h() { printf %s "$1" | sha256sum | cut -c1-8; }
ew_pis=$(ifindex "" "ew$(h pis-1)") ew_sen=$(ifindex "" "ew$(h sen-1)")
wan_pis=$(ifindex pis-1 wan)
[ -n "$ew_pis" ] && [ -n "$ew_sen" ] && [ -n "$wan_pis" ] || rt_fail "ifindex"
# The dry run of B names the rules of new-1's table, which B adds.
nft_step() {
	apply --dry-run --format json "$1" > "$RT_TMP/plan2.json" || return 1
	$PY - "$RT_TMP/plan2.json" "$2" "$3" <<'PYEOF'
import json, sys
steps = json.load(open(sys.argv[1]))["steps"]
want = sys.argv[3]
st = [s for s in steps if s["namespace"] == sys.argv[2] and s["object"] == "nft"]
assert len(st) == 1 and st[0]["action"] == want, st
rules = st[0]["rules"]
assert rules and all(r["change"] == ("add" if want == "add" else "remove")
                     for r in rules), rules
assert any(r["chain"] == "postrouting" and "masquerade" in r["rule"]
           for r in rules), rules
PYEOF
}
nft_step "$B" new-1 add || rt_fail "dry run B: the added rules of new-1 not named"
apply --stats "$B" 2> "$RT_TMP/stats" || rt_fail "apply B"
cat "$RT_TMP/stats"
[ "$(ifindex "" "ew$(h pis-1)")" = "$ew_pis" ] || rt_fail "pis-1 WAN recreated"
[ "$(ifindex "" "ew$(h sen-1)")" = "$ew_sen" ] || rt_fail "sen-1 WAN recreated"
[ "$(ifindex pis-1 wan)" = "$wan_pis" ] || rt_fail "pis-1 wan recreated"
[ "$(pidof_inst sen-1 udhcpc)" = "$upid" ] || rt_fail "sen-1 udhcpc restarted"
[ "$(pidof_inst pis-1 dnsmasq)" != "$dpid" ] || rt_fail "pis-1 dnsmasq kept its old config"
grep -q '^dhcp-range=10.190.0.10,' "$S/instances/pis-1/dnsmasq.conf" || rt_fail "new dnsmasq.conf"
grep -q "LOG_LEVEL='debug'" "$S/instances/pis-1/lxc.env" || rt_fail "new lxc.env"
ip link show "ew$(h mon-1)" 2>/dev/null && rt_fail "removed instance mon-1 kept its link"
[ -d "$S/instances/mon-1" ] && rt_fail "removed instance mon-1 kept its files"
ip -n mon-1 -br link | grep -q wan && rt_fail "mon-1 kept its wan"
ip -n cam-1 -br addr show dev wan | grep -q '10.10.0.5/24' || rt_fail "cam-1 new address"
ip -n cam-1 route | grep -q '^default via 10.10.0.1 dev wan' || rt_fail "cam-1 default route"
ip -n new-1 -br addr show dev lan | grep -q '172.31.0.1/24' || rt_fail "new-1"
ip netns exec new-1 nft list table inet edgenet >/dev/null || rt_fail "new-1 nft"
apply --check "$B" >/dev/null 2>&1 || rt_fail "drift after B"
echo "ok  A -> B: only what differs changed"

# --- --check reports drift, a re-apply repairs it ----------------------
ip -n cam-1 addr del 10.10.0.5/24 dev wan
ip netns exec pis-1 nft add rule inet edgenet forward accept
kill "$(pidof_inst pis-1 dnsmasq)"
ip link set "ew$(h sen-1)" nomaster
[ "$(ip -j link show "ew$(h pis-1)" | $PY -c 'import json,sys; print(json.load(sys.stdin)[0].get("ifalias", ""))')" = "edgenet pis-1 wan" ] ||
    rt_fail "no ifalias 'edgenet pis-1 wan' on pis-1's WAN link"
ip link set "ew$(h pis-1)" alias "not ours"
apply --check "$B" > "$RT_TMP/drift" 2>&1
rc=$?
[ $rc = 1 ] || rt_fail "--check with drift: exit $rc, not 1"
cat "$RT_TMP/drift"
apply --check --format json "$B" > "$RT_TMP/drift.json"
rc=$?
[ $rc = 1 ] || rt_fail "--check --format json with drift: exit $rc, not 1"
$PY - "$RT_TMP/drift.json" "$(h sen-1)" <<'PYEOF' || rt_fail "--check json content"
import json, sys
doc = json.load(open(sys.argv[1]))
items = doc["drift"]
for d in items:
    assert set(d) == {"namespace", "object", "expected", "found"}, d
def has(**kw):
    return any(all(d[k] == v for k, v in kw.items()) for d in items)
assert has(namespace="cam-1", object="address add 10.10.0.5/24 dev wan",
           expected="present", found="address missing"), items
assert has(namespace="pis-1", object="nft chain forward", expected=None,
           found="accept"), items
assert has(namespace="pis-1", object="dnsmasq", expected="running",
           found="not running"), items
assert has(namespace="device", object="link set dev ew%s master br-clients"
           % sys.argv[2], expected="present", found="master is none"), items
PYEOF
echo "ok  --check --format json: $(grep -c '"namespace"' "$RT_TMP/drift.json") drift items"
for want in "cam-1: address add 10.10.0.5/24 dev wan: address missing" \
    "cam-1: route add default via 10.10.0.1 dev wan: link wan missing|cam-1: route add default via 10.10.0.1 dev wan: route missing" \
    "pis-1: nft: chain forward: rule not in the bundle" \
    "pis-1: dnsmasq not running" \
    "device: link set dev ew$(h sen-1) master br-clients: master is none" \
    "device: link set dev ew$(h pis-1) alias \"edgenet pis-1 wan\": alias is 'not ours'"; do
	grep -Eq "$want" "$RT_TMP/drift" || rt_fail "--check did not report: $want"
done
apply "$B" 2>/dev/null || rt_fail "re-apply"
apply --check "$B" >/dev/null 2>&1 && rt_fail "a plain re-apply repaired the drift (it trusts the record)"
apply --repair "$B" 2>/dev/null || rt_fail "repairing apply"
apply --check "$B" || rt_fail "drift left after the repairing apply"
apply --check --format json "$B" > "$RT_TMP/clean.json" ||
    rt_fail "--check --format json: exit $? on a clean device"
$PY -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["drift"] == [], d' \
    "$RT_TMP/clean.json" || rt_fail "--check json: drift on a clean device"
echo "ok  --check: drift reported (exit 1), --repair repaired it (exit 0)"

# --- operation failed: exit 2, apart from drift --------------------------
apply --check "$RT_TMP/none" 2>/dev/null
rc=$?
[ $rc = 2 ] || rt_fail "--check of a missing bundle: exit $rc, not 2"
EDGENET_FAIL_STEP=1 apply "$A" 2>/dev/null
rc=$?
[ $rc = 2 ] || rt_fail "a failed apply: exit $rc, not 2"
apply --check "$B" >/dev/null 2>&1 || rt_fail "a failed apply changed the device"
echo "ok  a missing bundle and a failed apply exit 2"

# --- a container restarted (its namespace recreated): a re-apply of the
# same bundle rebuilds what lived there, dnsmasq included -----------------
# The kernel hands a dead namespace's inode number to the next one made
# (lowest free number), so the new pis-1 usually has the old one's inode:
# the runtime must tell them apart by their cookies.  Try a few times to
# get the reused number, the case that matters.
# A container's namespace dies with its last process: stop our dnsmasq
# there as the container's stop would.
old_ino=$(stat -c %i /run/netns/pis-1)
pid=$(pidof_inst pis-1 dnsmasq)
kill "$pid"
rt_wait 50 sh -c "! kill -0 $pid 2>/dev/null" || rt_fail "dnsmasq of pis-1 did not stop"
for try in 1 2 3 4 5 6 7 8 9 10; do
	ip netns del pis-1
	sleep 0.2	# the old namespace is freed by a kernel worker
	ip netns add pis-1
	[ "$(stat -c %i /run/netns/pis-1)" = "$old_ino" ] && break
done
if [ "$(stat -c %i /run/netns/pis-1)" = "$old_ino" ]; then
	reused="inode $old_ino reused"
else
	reused="inode not reused in 10 tries"
fi
apply --check "$B" >/dev/null 2>&1 && rt_fail "--check missed the recreated namespace"
apply "$B" 2>/dev/null || rt_fail "re-apply after the container restart"
apply --check "$B" || rt_fail "drift after re-applying into the new namespace"
[ "$(stat -L -c %i /proc/"$(pidof_inst pis-1 dnsmasq)"/ns/net)" = \
    "$(stat -c %i /run/netns/pis-1)" ] || rt_fail "dnsmasq not in the new namespace"
echo "ok  container namespace recreated ($reused): re-apply rebuilt it, dnsmasq moved"

nft_step "$A" new-1 remove || rt_fail "dry run A: the removed rules of new-1 not named"
echo "ok  --dry-run names the rules an nft step adds and removes"

# --- --rollback ----------------------------------------------------------
rt_state --state "$S" $RT_E2E_NS > "$RT_TMP/B.json"
apply --rollback || rt_fail "rollback"
apply --check "$A" >/dev/null || rt_fail "rollback did not restore A"
apply --rollback || rt_fail "rollback again"
apply --check "$B" >/dev/null || rt_fail "second rollback did not restore B"
echo "ok  --rollback: B -> A -> B"

# --- --confirm: timeout revert, confirm-ok, recover after a kill -------
apply --confirm 2 "$A" || rt_fail "confirm apply"
apply --check "$A" >/dev/null || rt_fail "confirm apply: not applied"
apply "$B" 2>/dev/null && rt_fail "plain apply while a confirm is pending"
rt_wait 80 test ! -f "$S/confirm" || rt_fail "no revert after the deadline"
apply --check "$B" >/dev/null || rt_fail "timeout did not revert to B"
echo "ok  --confirm 2 without --confirm-ok: reverted to the previous bundle"
apply --confirm 2 "$A" || rt_fail "confirm apply 2"
apply --confirm-ok || rt_fail "confirm-ok"
sleep 3
apply --check "$A" >/dev/null || rt_fail "confirmed apply was reverted"
apply --confirm-ok 2>/dev/null && rt_fail "confirm-ok without a pending confirm"
echo "ok  --confirm 2 then --confirm-ok: kept"
apply --confirm 2 "$B" || rt_fail "confirm apply 3"
rt_wait 30 pgrep -f -- "--confirm-watch" >/dev/null || rt_fail "no watcher process"
pkill -9 -f -- "--confirm-watch" || rt_fail "could not kill the watcher"
sleep 2.5
apply --check "$B" >/dev/null || rt_fail "watcher killed: B not applied"
apply --recover || rt_fail "recover"
apply --check "$A" >/dev/null || rt_fail "--recover did not honour the expired confirm"
[ -f "$S/confirm" ] && rt_fail "confirm record left"
echo "ok  --confirm with the watcher killed: --recover reverted after the deadline"

# --- instance files are re-installed by --recover (as after power loss) --
: > "$S/instances/pis-1/lxc.env"
apply --recover 2>/dev/null || rt_fail "recover (files)"
apply --check "$A" >/dev/null || rt_fail "--recover did not restore lxc.env"
echo "ok  --recover restores a torn lxc.env from the stored bundle"
echo "PASS"
