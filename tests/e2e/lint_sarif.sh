#!/bin/bash
# lint --format sarif for every golden case validates against the SARIF
# 2.1.0 schema (testdata/sarif/), lists every documented code as a rule,
# and matches one golden SARIF file; fingerprints survive a line move.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
python3 -c 'import jsonschema' 2>/dev/null ||
    { echo "no python3-jsonschema (scripts/deps.sh)" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
for dir in "$TOP"/testdata/lint/*/; do
	case=$(basename "$dir")
	# a case that chooses its own --format
	grep -qs -e --format -e --help "$dir/args" && continue
	(
		cd "$dir" || exit 99
		if [ -f args ]; then set -- $(cat args); else set -- $(ls input.* 2>/dev/null); fi
		"$EDGENETC" lint --format sarif "$@" >"$tmp/$case.sarif" 2>/dev/null
	)
	n=$((n + 1))
done
python3 "$TOP/tests/tools/sarif_check.py" "$TOP/testdata/sarif/sarif-schema-2.1.0.json" \
    "$tmp"/*.sarif || fail=1
echo "$n cases validated"

# every documented code is a rule
codes=$(sed -n 's/^### `\([a-z0-9-]*\)`$/\1/p' "$TOP/docs/diagnostics.md" | sort)
rules=$(python3 -c 'import json,sys; print("\n".join(r["id"] for r in json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]))' \
    "$tmp/check-env.sarif" | sort)
[ "$codes" = "$rules" ] || { echo "FAIL: rules differ from docs/diagnostics.md"; fail=1; }

# the golden SARIF file
golden=$TOP/testdata/sarif/note-duplicate-service.sarif
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	cp "$tmp/note-duplicate-service.sarif" "$golden"
elif ! cmp -s "$tmp/note-duplicate-service.sarif" "$golden"; then
	echo "FAIL: golden SARIF differs"; diff -u "$golden" "$tmp/note-duplicate-service.sarif" | head -30
	fail=1
fi

# a fingerprint does not depend on the line number
mkdir -p "$tmp/mv"
printf 'services:\n  - name: web\n    access_provided_subnet: 10.0.0.0/255.0.0.0\n' >"$tmp/mv/a.yaml"
printf '# moved\n\nservices:\n  - name: web\n    access_provided_subnet: 10.0.0.0/255.0.0.0\n' >"$tmp/mv/b.yaml"
fp() { (cd "$tmp/mv" && "$EDGENETC" lint --format sarif "$1") | python3 -c '
import json,sys; r=json.load(sys.stdin)["runs"][0]["results"]
print([x["partialFingerprints"] for x in r if x["ruleId"]=="bad-address"][0])'; }
cp "$tmp/mv/a.yaml" "$tmp/mv/c.yaml"
a=$(fp a.yaml); b=$(cd "$tmp/mv" && mv b.yaml a.yaml && true; fp a.yaml)
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "FAIL: fingerprint moved with the line: $a / $b"; fail=1; }

# --diagnostics sarif on another verb is SARIF too
(cd "$TOP/testdata/lint/hint-netmask" && "$EDGENETC" fmt --to json --diagnostics sarif input.yaml) \
    2>"$tmp/fmt.sarif" >/dev/null
python3 "$TOP/tests/tools/sarif_check.py" "$TOP/testdata/sarif/sarif-schema-2.1.0.json" \
    "$tmp/fmt.sarif" || fail=1
grep -q '"hint": "a netmask is given' "$tmp/fmt.sarif" || { echo "FAIL: fmt sarif hint"; fail=1; }
[ $fail = 0 ] && echo ok
exit $fail
