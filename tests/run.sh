#!/bin/bash
# Runs every test: cmocka units ($BUILD/tests/test_*, $BUILD/rt-tests/*)
# and end-to-end scripts (tests/e2e/*.sh).  Each e2e script gets
#   EDGENETC, EDGENET_APPLY  the programs under test
#   BUILD, TOP               build dir, repository root
#   UPDATE_GOLDEN=1          regenerate goldens instead of comparing
# and exits 0 (pass), 77 (skipped, with a reason on stderr) or other (fail).
# TESTS="pattern" runs only the matching tests.
#
# A private PostgreSQL cluster (tests/lib/pg.sh) runs for the whole run
# when the server programs are installed; the ledger suites run a second
# time on it ("[pg]"): test_ledger with EDGENETC_TEST_LEDGER_URL, the
# e2e alloc_*.sh with EDGENETC_TEST_BACKEND=pg.  Without the programs
# those runs are skipped with the reason; a cluster that does not start
# where they are installed is a failure.
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

# shellcheck source=tests/lib/pg.sh
. "$TOP/tests/lib/pg.sh"
pg_start 2>"$LOG/pg-start.log"
case $? in
0) trap pg_stop EXIT ;;
1) export EDGENETC_TEST_PG_WHY="$(tail -1 "$LOG/pg-start.log")" ;;
*) fail=$((fail + 1)); failed="$failed pg-cluster"
   echo "FAIL  pg-cluster: the private PostgreSQL cluster did not start"
   tail -30 "$LOG/pg-start.log" | sed 's/^/    | /' ;;
esac

# the PostgreSQL runs of a unit test: a database of its own
pg_unit() {
	pg_need
	EDGENETC_TEST_LEDGER_URL=$(pg_newdb "unit_$(basename "$1")") || exit 1
	export EDGENETC_TEST_LEDGER_URL
	"$1"
}

for t in "$BUILD"/tests/test_* "$BUILD"/rt-tests/*; do
	[ -x "$t" ] || continue
	prog=$t	# run_one sets t
	run_one "unit/$(basename "$prog")" "$prog"
	case "$(basename "$prog")" in
	test_ledger) run_one "unit/$(basename "$prog")[pg]" \
	    bash -c "$(declare -f pg_need pg_newdb pg_psql pg_unit); pg_unit $prog" ;;
	esac
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	prog=$t	# run_one sets t
	run_one "e2e/$(basename "$prog" .sh)" bash "$prog"
	case "$(basename "$prog")" in
	alloc_*) run_one "e2e/$(basename "$prog" .sh)[pg]" \
	    env EDGENETC_TEST_BACKEND=pg bash "$prog" ;;
	esac
done

echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
