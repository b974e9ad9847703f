#!/bin/bash
# Fault injection: for every step k of an apply (from nothing, and from
# bundle A to bundle B), EDGENET_FAIL_STEP=k makes step k fail; the state
# after the failed apply must equal the state before (links, addresses,
# routes, rulesets, sysctls, the runtime's files and processes).  Then
# SIGKILL at chosen steps and at random moments, --recover, and the state
# is consistent (the old one, or the new one if the apply had committed).
. "$(dirname "$0")/../lib/lib.sh"
rt_sandbox "$@"
set -u
rt_tmp
NS="$RT_E2E_NS new-1"
rt_device $NS
rt_bundle "$RT_TMP/a"
rt_bundle "$RT_TMP/b" "$TOP/testdata/bundles/e2e-b.json"
A=$RT_TMP/a/dev-e2e B=$RT_TMP/b/dev-e2e S=$RT_TMP/state
apply() { "$EDGENET_APPLY" --quiet --state-dir "$S" "$@"; }
snap() { rt_state --state "$S" $NS > "$RT_TMP/$1.json"; }
same() {
	diff -u "$RT_TMP/$1.json" "$RT_TMP/$2.json" > "$RT_TMP/diff" ||
	    { head -40 "$RT_TMP/diff"; rt_fail "$3"; }
}
# one line per step; an nft step's rules follow it, indented
nsteps() { apply --dry-run "$1" | grep -vc '^  '; }

# Every k, applying $1 over the current state.
every_k() {
	local n k
	n=$(nsteps "$1")
	[ "$n" -gt 5 ] || rt_fail "dry run planned only $n steps"
	snap before
	for k in $(seq 1 "$n"); do
		EDGENET_FAIL_STEP=$k apply "$1" 2>"$RT_TMP/err" &&
		    rt_fail "step $k: apply succeeded despite the injected failure"
		grep -q "injected failure at step $k" "$RT_TMP/err" ||
		    { cat "$RT_TMP/err"; rt_fail "step $k: no clear message"; }
		snap after
		same before after "step $k: state after the failed apply differs"
	done
	echo "$2: $n steps, each failure rolled back exactly"
}

every_k "$A" "nothing -> A"
apply "$A" || rt_fail "apply A"
rt_state --state "$S" $RT_E2E_NS > "$RT_TMP/A.json"
every_k "$B" "A -> B"
apply "$B" || rt_fail "apply B"
snap B
apply "$A" || rt_fail "apply A again"
# A, B, A: the same state (names, addresses, rules, processes, files), but
# for new-1's lo, which B brought up and which stays up (the container's).
rt_state --state "$S" $RT_E2E_NS > "$RT_TMP/A2.json"
sed -i 's/"applied": "[0-9a-f]*"/"applied": "x"/' "$RT_TMP/A.json" "$RT_TMP/A2.json"
same A A2 "A -> B -> A does not give A back"
snap A2
sed -i 's/"applied": "[0-9a-f]*"/"applied": "x"/' "$RT_TMP/A2.json"

# SIGKILL at chosen steps, then --recover.
n=$(nsteps "$B")
for k in 1 2 $((n / 3)) $((n / 2)) $((n - 1)) "$n"; do
	EDGENET_KILL_STEP=$k apply "$B" 2>/dev/null && rt_fail "kill $k: survived"
	[ -f "$S/journal" ] || rt_fail "kill at step $k left no journal"
	apply --recover 2>/dev/null || rt_fail "recover after kill at $k"
	[ -f "$S/journal" ] && rt_fail "journal left after recover"
	snap rec
	sed -i 's/"applied": "[0-9a-f]*"/"applied": "x"/' "$RT_TMP/rec.json"
	same A2 rec "kill at step $k, recover: state differs from before"
done
echo "SIGKILL at steps 1..$n then --recover: old state back"
# Killed after the commit record, before the journal was removed.
EDGENET_KILL_STEP=$((n + 1)) apply "$B" 2>/dev/null && rt_fail "kill after commit: survived"
[ -f "$S/journal" ] || rt_fail "kill after commit left no journal"
apply --recover 2>/dev/null || rt_fail "recover after commit"
snap rec
cp "$RT_TMP/B.json" "$RT_TMP/B2.json"
sed -i 's/"applied": "[0-9a-f]*"/"applied": "x"/' "$RT_TMP/B2.json" "$RT_TMP/rec.json"
same B2 rec "kill after commit, recover: not the new state"
apply "$A" || rt_fail "back to A"
echo "SIGKILL after the commit then --recover: new state kept"

# SIGKILL at random moments: either the old or the new state after recover.
for i in 1 2 3 4 5 6 7 8; do
	"$EDGENET_APPLY" --quiet --state-dir "$S" "$B" 2>/dev/null &
	pid=$!
	sleep "0.$(printf %03d $((RANDOM % 150)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	apply --recover 2>/dev/null || rt_fail "recover (random kill $i)"
	snap rec
	sed -i 's/"applied": "[0-9a-f]*"/"applied": "x"/' "$RT_TMP/rec.json"
	if diff -q "$RT_TMP/A2.json" "$RT_TMP/rec.json" >/dev/null; then
		echo "random kill $i: before commit, rolled back"
	else
		cp "$RT_TMP/B.json" "$RT_TMP/B2.json"
		sed -i 's/"applied": "[0-9a-f]*"/"applied": "x"/' "$RT_TMP/B2.json"
		cp "$RT_TMP/rec.json" /tmp/rtb/rec.json; cp "$RT_TMP/B2.json" /tmp/rtb/B2.json; cp "$RT_TMP/A2.json" /tmp/rtb/A2.json; ls -la $S $S/instances/* > /tmp/rtb/ls.txt; cat $S/applied >> /tmp/rtb/ls.txt
		same B2 rec "random kill $i: neither the old nor the new state"
		echo "random kill $i: after commit, kept"
		apply "$A" || rt_fail "back to A"
	fi
done
echo "PASS"
