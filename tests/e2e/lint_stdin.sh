#!/bin/bash
# lint reads stdin ("-") and picks the syntax from the text: JSON by its
# first bracket, GraphQL by an operation keyword (after comments), else YAML.
set -u
fail=0
expect() {	# expect NAME WANT_RC WANT_REGEX < input
	local out rc
	out=$("$EDGENETC" lint - 2>&1); rc=$?
	if [ "$rc" != "$2" ] || ! grep -Eq -- "$3" <<<"$out"; then
		echo "FAIL $1: rc=$rc (want $2), output:"; echo "$out"; fail=1
	else
		echo "ok   $1"
	fi
}
printf '{"name": "web", "dhcp_range_templte": "10.0.0.1/24"}\n' |
    expect json 1 '^<stdin>:1:17: error: unknown key .dhcp_range_templte.'
printf '# leading comment\n\nquery q { x }\n' |
    expect graphql-after-comment 0 '^<stdin>:3:1: warning: .*\[graphql-ignored\]'
printf 'mutation m { DM_import_node_service(input: {customer_id: "c", node_service_input: {name: "s", container_image: "i", access_gpsd_enabled: tru}}) }\n' |
    expect graphql-enum 1 '^<stdin>:1:[0-9]+: error: .*bool'
printf 'mutations: 1\nname: x\n' |
    expect yaml-not-fooled 1 "unknown key 'mutations'"
printf 'name: web\nnetwork_config: { lan_configure_network: dhcpp }\n' |
    expect yaml 1 '^<stdin>:2:42: error: .*dhcpp'
exit $fail
