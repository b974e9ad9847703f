#!/bin/bash
# The device lab's scenario (tests/lab/scenario.sh, which `make lab` runs
# on ARM kernels under qemu-system) run here, in private namespaces, with
# this machine's kernel and the host build: the same file under busybox sh,
# the same bundles (tests/lab/bundles.sh).  Fails on any "LAB FAIL" line or
# when the scenario does not reach "LAB DONE".  LAB_SCENARIO=FILE and
# LAB_FLEETS="NAME=FLEET ..." run another scenario, as make lab does.
. "$(dirname "$0")/../lib/lib.sh"
rt_sandbox "$@"
set -u
rt_tmp
[ -x "$EDGENETC" ] || rt_skip "$EDGENETC not built"
"$TOP/tests/lab/bundles.sh" "$EDGENETC" "$RT_TMP/bundles" ${LAB_FLEETS:-} ||
    rt_fail "compiling the lab's bundles"
mkdir "$RT_TMP/scratch"
# A sanitizer build's shadow memory is no measure of the runtime's RSS.
if grep -q __asan_init "$EDGENET_APPLY" 2>/dev/null; then
	export LAB_RSS_MAX_KB=262144
fi
export LAB_LIB=$TOP/tests/lab/lib.sh LAB_BUNDLES=$RT_TMP/bundles \
    LAB_TMP=$RT_TMP/scratch EDGENET_APPLY
busybox sh "${LAB_SCENARIO:-$TOP/tests/lab/scenario.sh}" 2>&1 |
    tee "$RT_TMP/out"
grep -q '^LAB FAIL' "$RT_TMP/out" && rt_fail "$(grep -c '^LAB FAIL' "$RT_TMP/out") checks failed"
grep -q '^LAB DONE' "$RT_TMP/out" || rt_fail "the scenario did not finish"
echo "PASS"
