#!/bin/sh
# Installs the GraphQL reference parser (graphql-js, the npm package
# pinned with its checksum in tests/tools/graphql-js/package-lock.json)
# into DIR (default build/graphql-js), with Debian's node and npm.  Does
# nothing when DIR already holds that version.  Fails, loudly, when it
# cannot: tests/e2e/graphql_conformance.sh needs it and never skips.
#
#   scripts/graphql-js.sh [DIR]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=$TOP/tests/tools/graphql-js
DIR=${1:-$TOP/build/graphql-js}
want=$(sed -n 's/.*"graphql": "\([0-9.]*\)".*/\1/p' "$SRC/package.json")

have=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' \
    "$DIR/node_modules/graphql/package.json" 2>/dev/null || true)
if [ -n "$want" ] && [ "$have" = "$want" ] &&
    cmp -s "$SRC/package-lock.json" "$DIR/package-lock.json"; then
	exit 0
fi
for tool in node npm; do
	command -v $tool >/dev/null || {
		echo "graphql-js: $tool is missing (scripts/deps.sh installs it)" >&2
		exit 1
	}
done
mkdir -p "$DIR"
cp "$SRC/package.json" "$SRC/package-lock.json" "$DIR/"
echo "graphql-js: installing graphql $want into $DIR" >&2
# npm ci: exactly the locked version, checked against its integrity hash
if ! (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error); then
	echo "graphql-js: FAILED to install graphql $want from the npm" \
	    "registry ($(npm config get registry 2>/dev/null)); the GraphQL" \
	    "conformance test cannot run without it" >&2
	exit 1
fi
have=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' \
    "$DIR/node_modules/graphql/package.json")
[ "$have" = "$want" ] || {
	echo "graphql-js: installed $have, want $want" >&2
	exit 1
}
