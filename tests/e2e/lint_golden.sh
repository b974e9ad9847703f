#!/bin/bash
# Golden diagnostics: for each testdata/lint/<case>/, run
#   $EDGENETC lint $(cat args || ls input.*)
# inside the case directory, and compare stdout+stderr with expected.out
# and the exit status with expected.rc; then the same with --format json
# against expected.json (every case has both forms).  UPDATE_GOLDEN=1
# rewrites them.
# CASES="pattern" runs only the matching cases.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
[ -x "$EDGENETC" ] || { echo "no $EDGENETC" >&2; exit 1; }
tmp=$(mktemp)
tmpj=$(mktemp)
trap 'rm -f "$tmp" "$tmpj"' EXIT
pass=0; fail=0; failed=""

for dir in "$TOP"/testdata/lint/*/; do
	case=$(basename "$dir")
	case "$case" in *${CASES:-}*) ;; *) continue ;; esac
	(
		cd "$dir" || exit 99
		# args: words split on blanks and newlines (no quoting)
		if [ -f args ]; then
			set -- $(cat args)
		else
			set -- $(ls input.* 2>/dev/null)
		fi
		"$EDGENETC" lint "$@" >"$tmp" 2>&1
		rc=$?
		"$EDGENETC" lint --format json "$@" >"$tmpj" 2>&1
		exit $rc
	)
	rc=$?
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp" "$dir/expected.out"
		cp "$tmpj" "$dir/expected.json"
		echo "$rc" >"$dir/expected.rc"
		echo "UPDATED $case (rc=$rc)"
		pass=$((pass + 1))
		continue
	fi
	want_rc=$(cat "$dir/expected.rc" 2>/dev/null || echo missing)
	if [ "$rc" = "$want_rc" ] && [ -f "$dir/expected.out" ] &&
	    cmp -s "$tmp" "$dir/expected.out" &&
	    cmp -s "$tmpj" "$dir/expected.json"; then
		echo "ok   $case"
		pass=$((pass + 1))
	else
		echo "FAIL $case (rc=$rc, expected $want_rc)"
		diff -u "$dir/expected.out" "$tmp" | head -40 | sed 's/^/    /'
		diff -u "$dir/expected.json" "$tmpj" | head -20 | sed 's/^/    /'
		fail=$((fail + 1)); failed="$failed $case"
	fi
done

echo "$pass passed, $fail failed"
[ -n "$failed" ] && echo "failed:$failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
