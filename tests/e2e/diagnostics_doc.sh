#!/bin/bash
# docs/diagnostics.md documents every diagnostic code the compiler emits
# (found in compiler/ and grammar/ by tests/tools/diag_codes.py), and only
# those: each code has a "### `code`" heading.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP" || exit 1
command -v python3 >/dev/null || { echo "no python3" >&2; exit 77; }
used=$(python3 tests/tools/diag_codes.py | sort -u)
documented=$(sed -n 's/^### `\([a-z0-9-]*\)`$/\1/p' docs/diagnostics.md | sort -u)
[ -n "$used" ] || { echo "no codes found in the sources"; exit 1; }
missing=$(comm -23 <(echo "$used") <(echo "$documented"))
stale=$(comm -13 <(echo "$used") <(echo "$documented"))
[ -z "$missing" ] || echo "not documented in docs/diagnostics.md:" $missing
[ -z "$stale" ] || echo "documented but never emitted:" $stale
echo "$(echo "$used" | wc -l) codes used, $(echo "$documented" | wc -l) documented"
[ -z "$missing" ] && [ -z "$stale" ]
