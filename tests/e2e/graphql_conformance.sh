#!/bin/bash
# The GraphQL front-end against the reference parser (graphql-js, from
# the npm registry, installed by scripts/graphql-js.sh): every document of
# testdata/graphql-conformance/ (by hand: each production of the October
# 2021 lexical and document grammar, valid and broken), the fuzz corpus,
# the hostile inputs, the seed mutations and token-level mutations of
# them (tests/tools/graphql_mutate.py, the same every run).  graphql-js
# accepts a document => no graphql-syntax (graphql-unsupported for
# fragments and type-system definitions); graphql-js rejects it =>
# graphql-syntax on the same line (or the better place docs/graphql.md
# names); nesting past the limit => too-deep.  See
# tests/tools/graphql_conformance.py.  Never skips: without node, npm or
# the registry it fails.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
EDGENETC=${EDGENETC:-$TOP/$BUILD/edgenetc}
[ -x "$EDGENETC" ] || { echo "no $EDGENETC" >&2; exit 1; }
GRAPHQL_JS=$TOP/$BUILD/graphql-js
"$TOP/scripts/graphql-js.sh" "$GRAPHQL_JS" || {
	echo "FAIL: the reference parser could not be installed" >&2
	exit 1
}
command -v python3 >/dev/null || { echo "FAIL: python3 missing" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 "$TOP/tests/tools/graphql_mutate.py" --per-seed "${MUTANTS:-80}" \
    "$T/mutants" "$TOP"/testdata/graphql/seed-*.graphql || exit 1
python3 "$TOP/tests/tools/graphql_conformance.py" --edgenetc "$EDGENETC" \
    --graphql-js "$GRAPHQL_JS" --expect-dirs \
    "$TOP/testdata/graphql-conformance" "$TOP"/testdata/graphql/*.graphql \
    "$TOP/testdata/bogons/graphql" "$TOP/fuzz/corpus/fuzz_graphql" \
    "$T/mutants"
