#!/bin/bash
# Round trip through the canonical printers (edgenetc fmt): for every spec
# under testdata/ that lints without errors (each file alone, and each
# testdata/lint case's "args" set), print it in YAML, JSON and GraphQL,
# read that back, and compare canonical dumps (fmt --to json): identical.
# Also: printing the printed text again gives the same text (fixed point).
# GraphQL holds no devices: there the dump is compared without them.
# X.graphql takes --vars X.vars.json when that file exists.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
[ -x "$EDGENETC" ] || { echo "no $EDGENETC" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 missing" >&2; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0; failed=""

# json_without_devices FILE: the canonical dump with "devices" emptied
json_without_devices() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["devices"] = []
print(json.dumps(d, indent=1, ensure_ascii=False))' "$1"
}

json_normal() {
	python3 -c 'import json, sys
print(json.dumps(json.load(open(sys.argv[1])), indent=1, ensure_ascii=False))' "$1"
}

# roundtrip NAME DIR ARGS...: one unit, run inside DIR
roundtrip() {
	local name=$1 dir=$2 ok=1 syn ext out rc has_devs has_svcs
	shift 2
	(cd "$dir" && "$EDGENETC" lint "$@") >/dev/null 2>&1 || return 0
	(cd "$dir" && "$EDGENETC" fmt --to json "$@") >"$T/canon.json" \
	    2>"$T/err" || {
		echo "FAIL $name: fmt --to json failed"; sed 's/^/    /' "$T/err"
		fail=$((fail + 1)); failed="$failed $name"; return 0
	}
	# the canonical dump writes an empty list as "[]" on the key's line
	has_devs=1; has_svcs=1
	grep -q '^  "devices": \[\]$' "$T/canon.json" && has_devs=0
	grep -q '^  "services": \[\],$' "$T/canon.json" && has_svcs=0
	for syn in yaml json graphql; do
		[ "$syn" = graphql ] && [ "$has_svcs" = 0 ] && continue
		out="$T/out.$syn"
		(cd "$dir" && "$EDGENETC" fmt --to "$syn" "$@") >"$out" \
		    2>"$T/err"
		rc=$?
		if [ $rc -ne 0 ] && ! { [ "$syn" = graphql ] &&
		    [ "$has_devs" != 0 ] && [ $rc -eq 1 ]; }; then
			echo "FAIL $name: fmt --to $syn: rc=$rc"
			sed 's/^/    /' "$T/err"; ok=0; continue
		fi
		if ! "$EDGENETC" fmt --to json "$out" >"$T/back.json" \
		    2>"$T/err"; then
			echo "FAIL $name: $syn output does not read back"
			sed 's/^/    /' "$T/err" | head -20; ok=0; continue
		fi
		if [ "$syn" = graphql ] && [ "$has_devs" != 0 ]; then
			json_without_devices "$T/canon.json" >"$T/want"
			json_normal "$T/back.json" >"$T/got"
		else
			cp "$T/canon.json" "$T/want"
			cp "$T/back.json" "$T/got"
		fi
		if ! cmp -s "$T/want" "$T/got"; then
			echo "FAIL $name: $syn round trip changes the model"
			diff -u "$T/want" "$T/got" | head -30 | sed 's/^/    /'
			ok=0; continue
		fi
		if ! "$EDGENETC" fmt --to "$syn" "$out" >"$T/again" 2>/dev/null ||
		    ! cmp -s "$out" "$T/again"; then
			echo "FAIL $name: fmt --to $syn is not a fixed point"
			diff -u "$out" "$T/again" | head -20 | sed 's/^/    /'
			ok=0; continue
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok   $name"; pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed="$failed $name"
	fi
}

while IFS= read -r f; do
	case "$f" in *.vars.json) continue ;; esac
	dir=$(dirname "$f"); base=$(basename "$f")
	vars=()
	v="${base%.*}.vars.json"
	[ -f "$dir/$v" ] && vars=(--vars "$v")
	roundtrip "${f#"$TOP"/testdata/}" "$dir" "${vars[@]}" "$base"
done < <(find "$TOP/testdata" -type f \( -name '*.yaml' -o -name '*.yml' \
    -o -name '*.json' -o -name '*.graphql' -o -name '*.gql' \) \
    -size -2M | LC_ALL=C sort)

# specs_only ARGS...: true when ARGS are files, --vars F and --syntax S
# only (the lint cases also test --help, --format and usage errors)
specs_only() {
	local files=0
	while [ $# -gt 0 ]; do
		case "$1" in
		--vars|--syntax) shift ;;
		-?*) return 1 ;;
		*) files=$((files + 1)) ;;
		esac
		shift
	done
	[ $files -gt 0 ]
}

for a in "$TOP"/testdata/lint/*/args; do
	dir=$(dirname "$a")
	# shellcheck disable=SC2046
	specs_only $(cat "$a") || continue
	# shellcheck disable=SC2046
	roundtrip "lint/$(basename "$dir")/args" "$dir" $(cat "$a")
done

echo "$pass passed, $fail failed"
[ -n "$failed" ] && echo "failed:$failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
