#!/bin/bash
# The device's systemd units, run as systemd would run them (the command
# line of each unit's ExecStart, under its CapabilityBoundingSet and
# NoNewPrivileges, against the default state directory /var/lib/edgenet,
# a tmpfs in the sandbox's private mount namespace):
#   - edgenet-repair.service, with nothing drifted, only checks: no
#     process restarted
#   - dnsmasq killed: --check reports it (exit 1), the repair job
#     restarts it and a LAN client gets a lease again; the same for a
#     killed udhcpc
#   - a flushed nftables table, a deleted link: reported, put back
#   - the repair job waits for an apply that holds the lock
#   - edgenet-recover.service undoes an apply killed halfway
. "$(dirname "$0")/../lib/lib.sh"
rt_sandbox "$@"
set -u
rt_tmp
command -v setpriv >/dev/null || rt_skip "setpriv (util-linux) not installed"
UNITS=$TOP/dist/systemd
# The state directory the units use, private to this sandbox.
mount -t tmpfs none /var/lib || rt_fail "tmpfs on /var/lib"
S=/var/lib/edgenet
rt_device $RT_E2E_NS
rt_compile "$RT_TMP/out" "$TOP/testdata/bundles/e2e.yaml" ||
    rt_skip "edgenetc compile unavailable"
B=$RT_TMP/out/dev-e2e
# The device's own DHCP server on the client network (for sen-1's udhcpc).
dnsmasq --conf-file=/dev/null --interface=br-clients --bind-interfaces \
    --port=0 --dhcp-range=172.20.0.100,172.20.0.200,255.255.255.0,1h \
    --dhcp-leasefile="$RT_TMP/host.leases" --pid-file="$RT_TMP/host.pid" ||
    rt_fail "device dnsmasq"

# Runs unit $1's ExecStart; its output goes to $RT_TMP/unit.out.
run_unit() {
	local spec=$RT_TMP/unit.spec bset nnp argv
	$PY "$TOP/tests/tools/unit_exec.py" "$UNITS/$1" \
	    "$(dirname "$EDGENET_APPLY")" > "$spec" || rt_fail "$1: ExecStart"
	bset=$(sed -n 1p "$spec") nnp=$(sed -n 2p "$spec")
	mapfile -d '' -t argv < <(sed -n '3p' "$spec" | tr -d '\n')
	local pre=(setpriv)
	[ "$bset" != - ] && pre+=(--bounding-set "$bset")
	[ "$nnp" = nnp ] && pre+=(--no-new-privs)
	"${pre[@]}" -- "${argv[@]}" > "$RT_TMP/unit.out" 2>&1
}
pidof_inst() { cat "$S/instances/$1/$2.pid" 2>/dev/null; }
h() { printf %s "$1" | sha256sum | cut -c1-8; }
lease() {
	rm -f "$RT_TMP/lease"
	ip netns exec lanclient busybox udhcpc -i eth0 -n -q -f -t 10 -T 1 \
	    -s "$RT_TMP/lease.sh" >/dev/null 2>&1 || return 1
	grep -q '^10\.190\.0\.' "$RT_TMP/lease"
}
cat > "$RT_TMP/lease.sh" <<SH
#!/bin/sh
[ "\$1" = bound ] && echo "\$ip \$mask \$router" > "$RT_TMP/lease"
exit 0
SH
chmod +x "$RT_TMP/lease.sh"
# The unit's own check, then its repair: exit 1 and $2 from --check,
# then the job repairs and a check finds nothing.
drift_repaired() {
	"$EDGENET_APPLY" --check > "$RT_TMP/check" 2>&1
	rc=$?
	[ $rc -eq 1 ] || { cat "$RT_TMP/check"; rt_fail "$1: --check exit $rc, want 1"; }
	grep -Eq "$2" "$RT_TMP/check" || { cat "$RT_TMP/check"; rt_fail "$1: --check did not report: $2"; }
	run_unit edgenet-repair.service || { cat "$RT_TMP/unit.out"; rt_fail "$1: repair job failed"; }
	grep -Eq "$2" "$RT_TMP/unit.out" || rt_fail "$1: the job's log lacks the drift"
	"$EDGENET_APPLY" --check > "$RT_TMP/check" 2>&1 || { cat "$RT_TMP/check"; rt_fail "$1: drift left after the repair job"; }
}

# --- before anything is applied ----------------------------------------
"$EDGENET_APPLY" --check > "$RT_TMP/check" 2>&1 || rt_fail "--check with nothing applied"
grep -q 'nothing applied' "$RT_TMP/check" || rt_fail "--check: 'nothing applied' not said"
run_unit edgenet-recover.service || { cat "$RT_TMP/unit.out"; rt_fail "recover job with nothing applied"; }
echo "ok  nothing applied: --check and the recover job exit 0"

"$EDGENET_APPLY" "$B" || rt_fail "apply"
[ -f "$S/applied" ] || rt_fail "no $S/applied: edgenet-repair.service's condition would skip it"
lease || rt_fail "LAN client got no lease after the apply"
dpid=$(pidof_inst pis-1 dnsmasq) upid=$(pidof_inst sen-1 udhcpc)
nft_pis=$(ip netns exec pis-1 nft list table inet edgenet)

# --- no drift: the job only checks ---------------------------------------
run_unit edgenet-repair.service || { cat "$RT_TMP/unit.out"; rt_fail "repair job without drift"; }
[ ! -s "$RT_TMP/unit.out" ] || { cat "$RT_TMP/unit.out"; rt_fail "repair job without drift said something"; }
[ "$(pidof_inst pis-1 dnsmasq)" = "$dpid" ] || rt_fail "dnsmasq restarted without drift"
[ "$(pidof_inst sen-1 udhcpc)" = "$upid" ] || rt_fail "udhcpc restarted without drift"
echo "ok  no drift: the repair job checks, changes nothing, says nothing"

# --- dnsmasq killed ------------------------------------------------------
kill "$dpid"
rt_wait 50 sh -c "! kill -0 $dpid 2>/dev/null" || rt_fail "dnsmasq did not die"
drift_repaired "dnsmasq" "pis-1: dnsmasq not running"
npid=$(pidof_inst pis-1 dnsmasq)
[ -n "$npid" ] && [ "$npid" != "$dpid" ] && kill -0 "$npid" || rt_fail "dnsmasq not restarted"
lease || rt_fail "no lease from the restarted dnsmasq"
echo "ok  dnsmasq killed: --check exit 1, repaired (pid $dpid -> $npid), LAN client leased $(cut -d' ' -f1 "$RT_TMP/lease")"

# --- udhcpc killed -------------------------------------------------------
[ "$(pidof_inst sen-1 udhcpc)" = "$upid" ] || rt_fail "repairing dnsmasq restarted udhcpc"
kill "$upid"
rt_wait 50 sh -c "! kill -0 $upid 2>/dev/null" || rt_fail "udhcpc did not die"
drift_repaired "udhcpc" "sen-1: .*DHCP client not running"
npid=$(pidof_inst sen-1 udhcpc)
[ -n "$npid" ] && [ "$npid" != "$upid" ] && kill -0 "$npid" || rt_fail "udhcpc not restarted"
echo "ok  udhcpc killed: --check exit 1, repaired (pid $upid -> $npid)"

# --- flushed table -------------------------------------------------------
ip netns exec pis-1 nft flush table inet edgenet
drift_repaired "flushed table" "pis-1: nft: "
[ "$(ip netns exec pis-1 nft list table inet edgenet)" = "$nft_pis" ] ||
    rt_fail "pis-1's table differs after the repair"
echo "ok  flushed table: reported, put back rule for rule"

# --- deleted link --------------------------------------------------------
ew=ew$(h pis-1)
ip link del "$ew"
drift_repaired "deleted link" "device: .*$ew"
ip link show dev "$ew" | grep -q 'master br-clients' || rt_fail "$ew not back on br-clients"
ip -n pis-1 -br addr show dev wan | grep -q '172\.20\.0\.' || rt_fail "pis-1 wan has no address"
lease || rt_fail "no lease after the link repair"
echo "ok  deleted link: reported, $ew and pis-1's wan back"

# --- the job waits for an apply holding the lock ---------------------------
kill "$(pidof_inst pis-1 dnsmasq)"
flock "$S/lock" sleep 2 &
holder=$!
sleep 0.3
start=$(date +%s%N)
run_unit edgenet-repair.service || { cat "$RT_TMP/unit.out"; rt_fail "repair job behind the lock"; }
waited=$(( ($(date +%s%N) - start) / 1000000 ))
wait $holder
[ $waited -ge 1000 ] || rt_fail "the repair job did not wait for the lock (${waited} ms)"
"$EDGENET_APPLY" --check >/dev/null 2>&1 || rt_fail "drift left after the job behind the lock"
echo "ok  the repair job waited ${waited} ms for the lock, then repaired"

# --- recover job: an apply killed halfway is undone ------------------------
"$EDGENET_APPLY" --check --quiet || rt_fail "drift before the interrupted apply"
rt_bundle "$RT_TMP/b" "$TOP/testdata/bundles/e2e-b.json"
ip netns add new-1
EDGENET_KILL_STEP=3 "$EDGENET_APPLY" "$RT_TMP/b/dev-e2e" >/dev/null 2>&1 &&
    rt_fail "EDGENET_KILL_STEP did not stop the apply"
[ -f "$S/journal" ] || rt_fail "no journal after the killed apply"
run_unit edgenet-recover.service || { cat "$RT_TMP/unit.out"; rt_fail "recover job"; }
[ ! -f "$S/journal" ] || rt_fail "journal left after the recover job"
"$EDGENET_APPLY" --check --quiet "$B" || rt_fail "the recover job did not restore the applied bundle"
echo "ok  recover job: the interrupted apply undone"
