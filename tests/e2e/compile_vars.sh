#!/bin/bash
# compile and explain take GraphQL $variables from --vars FILE.json, as
# lint and fmt do: the values reach the bundle; a missing required value
# is an error at the variable's use, and nothing is written.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
E=${EDGENETC:-$TOP/${BUILD:-build}/edgenetc}
[ -x "$E" ] || { echo "SKIP: $E not built"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
G=$TOP/testdata/graphql/with-vars.graphql
V=$TOP/testdata/graphql/with-vars.vars.json
cat > "$T/dev.yaml" <<'Y'
devices:
  - id: d1
    arch: arm64
    interfaces: [eth0]
    client_networks:
      - { name: clients, default: true, bridge: br-c, subnet: 172.20.0.1/24 }
    instances:
      - { id: t-1, service: templated }
Y

"$E" compile --ledger "$T/l.db" -o "$T/out" --vars "$V" "$G" "$T/dev.yaml" \
    2>"$T/err" || { cat "$T/err"; fail "compile --vars"; }
python3 - "$T/out/d1/allocations.json" <<'PY' || fail "allocations"
import json, sys
a = json.load(open(sys.argv[1]))["instances"]
assert [i["instance"] for i in a] == ["t-1"], a
assert a[0]["service"] == "templated", a[0]
assert a[0]["block"] == "10.50.0.0/24", a[0]
PY
# the $lan default (dhcp) reached the bundle: a DHCP server for t-1
[ -f "$T/out/d1/instances/t-1/dnsmasq.conf" ] || fail "no dnsmasq.conf"
echo "ok  compile --vars: service 'templated' from \$name, block 10.50.0.0/24, LAN dhcp from the default"

"$E" explain --ledger "$T/l.db" --device d1 --vars "$V" "$G" "$T/dev.yaml" \
    > "$T/explain" 2>&1 || { cat "$T/explain"; fail "explain --vars"; }
grep -q "10.50.0.0/24" "$T/explain" || fail "explain: $(cat "$T/explain")"
echo "ok  explain --vars"

"$E" compile --ledger "$T/l2.db" -o "$T/out2" "$G" "$T/dev.yaml" \
    2>"$T/err2" && fail "compile without --vars succeeded"
grep -q "with-vars.graphql:8:13: error: variable '\$name' of type String! has no value" \
    "$T/err2" || { cat "$T/err2"; fail "no diagnostic at \$name"; }
[ -e "$T/out2" ] && fail "OUTDIR written by a failed compile"
"$E" compile --ledger "$T/l3.db" -o "$T/out3" --vars "$T/none.json" "$G" \
    "$T/dev.yaml" 2>/dev/null
[ $? = 2 ] || fail "an unreadable --vars file is not exit 2"
echo "ok  without --vars: error at \$name (8:13), nothing written; unreadable --vars: exit 2"
echo PASS
