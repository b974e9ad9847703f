#!/bin/bash
# Hostile GraphQL inputs (testdata/bogons/graphql/, plus large ones
# generated here): lint and fmt each must end with exit 0 or 1, within
# the time limit, with no sanitizer report (make asan runs this too).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
[ -x "$EDGENETC" ] || { echo "no $EDGENETC" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 missing" >&2; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Shapes too large to keep in the tree; each check on them must be
# linear (a quadratic one takes minutes here).
python3 - "$T" <<'PY'
import sys
d = sys.argv[1]
def w(n, b):
    open(f"{d}/{n}", "wb").write(b)
imp = b'DM_import_node_service(input: { node_service_input: { name: "s%d" } })'
w("deep-100000.graphql", b"mutation { DM_import_node_service(input: { x: "
  + b"[" * 100000 + b"]" * 100000 + b" }) }\n")
w("many-ops.graphql", b"".join(b"mutation m%d { " % i + imp % i + b" }\n"
  for i in range(20000)))
w("same-op-name.graphql", b"mutation m { x }\n" * 20000)
w("many-fields.graphql", b"mutation m { " + b"".join(b"f%d: " % i + imp % i
  + b"\n" for i in range(20000)) + b"}")
w("many-args.graphql", b"mutation { DM_import_node_service("
  + b"".join(b"a%d: %d " % (i, i) for i in range(50000)) + b") }")
w("many-vars.graphql", b"mutation m("
  + b"".join(b"$v%d: Int " % i for i in range(50000))
  + b") { DM_import_node_service(input: { node_service_input: "
  + b'{ name: "v" } env: { '
  + b"".join(b"E%d: $v%d " % (i, i) for i in range(0, 50000, 3))
  + b"} }) }")
w("long-string.graphql", b'mutation { DM_import_node_service(input: '
  + b'{ node_service_input: { name: "' + b"\\u00e9" * 500000 + b'" } }) }')
PY

fail=0; n=0
for f in "$TOP"/testdata/bogons/graphql/*.graphql "$T"/*.graphql; do
	n=$((n + 1))
	for verb in lint fmt; do
		if [ $verb = lint ]; then
			set -- lint "$f"
		else
			set -- fmt --to json "$f"
		fi
		timeout 60 "$EDGENETC" "$@" >"$T/out" 2>&1
		rc=$?
		if [ $rc -gt 1 ] || grep -q 'Sanitizer\|runtime error' "$T/out"
		then
			echo "FAIL $verb $(basename "$f"): rc=$rc"
			head -20 "$T/out" | sed 's/^/    /'
			fail=$((fail + 1))
		fi
	done
done
echo "$n inputs, $fail failures"
[ $fail -eq 0 ] && [ $n -gt 0 ]
