#!/bin/bash
# Replays the GraphQL fuzz corpus through the reference parser: every
# input of fuzz/corpus/fuzz_graphql/ and of what fuzzing kept
# (build-fuzz/corpus-fuzz_graphql/, written by .ci/run) gets graphql-js's
# verdict and edgenetc's (tests/tools/graphql_conformance.py).  Each
# input they disagree on is printed with both verdicts and copied into
# testdata/graphql-conformance/found/ (named by its SHA-1): fix the
# front-end, then commit it there, where tests/e2e/graphql_conformance.sh
# keeps checking it.  Exits 1 on a disagreement.
#
#   fuzz/graphql_oracle.sh [CORPUS_DIR...]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
EDGENETC=${EDGENETC:-$TOP/$BUILD/edgenetc}
[ -x "$EDGENETC" ] || { echo "no $EDGENETC (make first)" >&2; exit 1; }
"$TOP/scripts/graphql-js.sh" "$TOP/$BUILD/graphql-js"
if [ $# -eq 0 ]; then
	set -- "$TOP/fuzz/corpus/fuzz_graphql"
	[ -d "$TOP/build-fuzz/corpus-fuzz_graphql" ] &&
	    set -- "$@" "$TOP/build-fuzz/corpus-fuzz_graphql"
fi
exec python3 "$TOP/tests/tools/graphql_conformance.py" \
    --edgenetc "$EDGENETC" --graphql-js "$TOP/$BUILD/graphql-js" \
    --copy-to "$TOP/testdata/graphql-conformance/found" "$@"
