#!/bin/bash
# Runs every test: cmocka units ($BUILD/tests/test_*, $BUILD/rt-tests/*)
# and end-to-end scripts (tests/e2e/*.sh).  Each e2e script gets
#   EDGENETC, EDGENET_APPLY  the programs under test
#   BUILD, TOP               build dir, repository root
#   UPDATE_GOLDEN=1          regenerate goldens instead of comparing
# and exits 0 (pass), 77 (skipped, with a reason on stderr) or other (fail).
# TESTS="pattern" runs only the matching tests.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
export TOP BUILD
export EDGENETC="$TOP/$BUILD/edgenetc" EDGENET_APPLY="$TOP/$BUILD/edgenet-apply"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LOG="$TOP/$BUILD/test-logs"
rm -rf "$LOG"; mkdir -p "$LOG"
pass=0; fail=0; skip=0; failed=""

run_one() {
	name=$1; shift
	case "$name" in *${TESTS:-}*) ;; *) return ;; esac
	mkdir -p "$(dirname "$LOG/$name.log")"
	start=$(date +%s.%N)
	"$@" >"$LOG/$name.log" 2>&1
	rc=$?
	t=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo 0)")
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS  $name (${t}s)"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1)); echo "SKIP  $name: $(tail -1 "$LOG/$name.log")"
	else
		fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL  $name (rc=$rc)"; tail -30 "$LOG/$name.log" | sed 's/^/    | /'
	fi
}

for t in "$BUILD"/tests/test_* "$BUILD"/rt-tests/*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	run_one "e2e/$(basename "$t" .sh)" bash "$t"
done

echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
