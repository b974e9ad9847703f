#!/bin/sh
# Prints a fleet with one device "bench" of N instances (default 50): WAN
# on the client network br-clients (172.20.0.1/16), a routed LAN from a
# template, masquerade, GPSd on every tenth.  The device bench/apply
# times and the device lab measures the peak RSS of.
#
#   tests/tools/device_fleet.sh [N]
n=${1:-50}
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
while [ "$k" -lt "$n" ]; do
	s=app
	[ $((k % 10)) -eq 0 ] && s=appg
	printf '      - { id: app-%03d, service: %s }\n' "$k" "$s"
	k=$((k + 1))
done
