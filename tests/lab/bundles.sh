#!/bin/sh
# Compiles the bundles the lab's scenarios apply, on the build machine
# (edgenetc runs there; the device only gets the bundles):
#   OUT/e2e       the e2e fleet (testdata/bundles/e2e.yaml)
#   OUT/e2e-b     the same fleet without mon-1 (same ledger: the other
#                 instances keep their addresses)
#   OUT/bench50   a generated 50-instance device (as bench/apply's)
#   OUT/NAME      for each NAME=FLEET given (a scenario's own fleets)
#
#   tests/lab/bundles.sh EDGENETC OUT [NAME=FLEET ...]
set -eu
EDGENETC=$1 OUT=$2
shift 2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$OUT"
mkdir -p "$OUT/src"
E2E=$TOP/testdata/bundles/e2e.yaml
compile() {	# NAME FLEET LEDGER
	"$EDGENETC" compile --ledger "$OUT/src/$3.ledger" -o "$OUT/$1" "$2" \
	    > /dev/null 2> "$OUT/src/err" || { cat "$OUT/src/err" >&2; exit 1; }
}
compile e2e "$E2E" e2e
sed '/{ id: mon-1,/d' "$E2E" > "$OUT/src/e2e-b.yaml"
compile e2e-b "$OUT/src/e2e-b.yaml" e2e
{
	cat <<'Y'
services:
  - name: app
    access_provided_subnet: 10.100.0.1/16
    dhcp_range_template: 10.100.0.1/24
    env: { ROLE: app }
    network_config: { wan_configure_network: allocated, lan_configure_network: allocated, masquerade: true }
  - name: appg
    access_provided_subnet: 10.101.0.1/16
    dhcp_range_template: 10.101.0.1/24
    access_gpsd_enabled: true
    network_config: { wan_configure_network: allocated, lan_configure_network: allocated, masquerade: true }
devices:
  - id: bench
    arch: arm64
    interfaces: [eth0]
    gpsd: { port: 2947 }
    client_networks:
      - { name: clients, default: true, bridge: br-clients, subnet: 172.20.0.1/16 }
    instances:
Y
	k=0
	while [ $k -lt 50 ]; do
		s=app
		[ $((k % 10)) -eq 0 ] && s=appg
		printf '      - { id: app-%03d, service: %s }\n' $k $s
		k=$((k + 1))
	done
} > "$OUT/src/bench50.yaml"
compile bench50 "$OUT/src/bench50.yaml" bench50
for nf in "$@"; do
	compile "${nf%%=*}" "${nf#*=}" "${nf%%=*}"
done
rm -rf "$OUT/src"
