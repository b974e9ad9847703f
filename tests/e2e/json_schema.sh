#!/bin/bash
# schema/edgenetc-input.schema.json against the compiler
# (tests/tools/schema_check.py): valid draft 2020-12; every key of the
# mapper's tables (front_map.c) in the schema with its type and no other;
# every testdata input that lint accepts validates; every one that lint
# rejects for a schema-level reason (unknown key, wrong type, bad enum,
# out of range, misplaced key) is rejected; testdata/schema/ bad-* and
# ok-* are each compared.  The installed example fleet's $schema line
# names the schema.
set -u
cd "$TOP"
PY=${PY:-python3}
$PY -c 'import jsonschema, yaml' 2>/dev/null ||
    { echo "python3-jsonschema or python3-yaml not installed" >&2; exit 77; }
grep -q '^# yaml-language-server: \$schema=.*edgenetc-input\.schema\.json$' \
    testdata/fleet/fleet.yaml ||
    { echo "FAIL: testdata/fleet/fleet.yaml has no \$schema line"; exit 1; }
files=$(find testdata -name '*.yaml' -o -name '*.yml' -o -name '*.json' |
    grep -v -e '^testdata/golden/[^/]*/' -e '^testdata/inject/' \
    -e '^testdata/bundles/' -e '^testdata/nft/' | sort)
exec $PY tests/tools/schema_check.py "$EDGENETC" \
    schema/edgenetc-input.schema.json "$(find compiler -name front_map.c)" \
    $files
