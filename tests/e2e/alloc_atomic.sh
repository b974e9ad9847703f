#!/bin/bash
# Failures record nothing: an exhausted pool, an instance whose IPv4 part
# succeeds and whose IPv6 part does not, and a batch that fails half way
# leave the ledger byte-for-byte as it was (the SQLite file after a
# checkpoint, and ledger show).  EDGENETC_TEST_BACKEND=pg: the same on
# PostgreSQL, where the state is every row of every table.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
. "$TOP/tests/lib/pg.sh"
pg_need_backend
for t in sqlite3 sha256sum; do
	pg_backend && [ $t = sqlite3 ] && continue
	command -v $t >/dev/null || { echo "alloc_atomic: $t missing" >&2; exit 77; }
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# a private copy: a rebuild of the shared build directory during the
# test must not swap the program under the running processes
cp "$EDGENETC" "$T/edgenetc.bin"
EDGENETC=$T/edgenetc.bin
L=$(test_ledger alloc_atomic "$T/ledger.db")
fail() { echo "FAIL: $*" >&2; exit 1; }

# v4: LAN template from an IPv4 pool of two blocks; WAN allocated from an
# IPv6 client network with two free host addresses (::1 is the device)
cat >"$T/fleet.yaml" <<'EOF'
services:
  - name: v4lan
    access_provided_subnet: 10.9.0.1/23
    dhcp_range_template: 10.9.0.1/24
    network_config:
      lan_configure_network: dhcp
      wan_configure_network: allocated
  - name: wanonly
    network_config: { wan_configure_network: allocated }
  - name: v6lan
    access_provided_subnet: fd00:9::1/63
    dhcp_range_template: fd00:9::1/64
    network_config: { lan_configure_network: allocated }
devices:
  - id: d
    client_networks:
      - { name: n, default: true, bridge: br0, subnet: 'fd00:20::1/126' }
  - id: e
    client_networks:
      - { name: n, default: true, bridge: br0, subnet: 'fd00:21::1/126' }
EOF

a() { "$EDGENETC" alloc --ledger "$L" --spec "$T/fleet.yaml" "$@"; }
snapshot() {
	if pg_backend; then
		# rows in a fixed order (a rolled-back generation number is
		# the one difference allowed: the sequence is not state)
		pg_psql "$L" -At -c "SELECT * FROM service ORDER BY name" \
		    -c "SELECT * FROM instance ORDER BY gen" \
		    -c "SELECT * FROM lease ORDER BY id" \
		    -c "SELECT * FROM watermark ORDER BY 1, 2, 3, 4" | sha256sum
		"$EDGENETC" ledger --ledger "$L" show --all | sha256sum
		return
	fi
	# fold the WAL into the file first: the file alone is the state
	sqlite3 "$L" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	sha256sum "$L" | cut -d' ' -f1
	"$EDGENETC" ledger --ledger "$L" show --all | sha256sum
	sqlite3 "$L" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
}
must_fail() {	# must_fail WHAT ARGS...: exit 1, nothing printed
	local what=$1 out rc
	shift
	set +e
	out=$(a "$@" 2>"$T/err")
	rc=$?
	set -e
	[ "$rc" = 1 ] || fail "$what: exit $rc, want 1"
	[ -z "$out" ] || fail "$what: printed $out"
}

a --device d --instance a1 --service v4lan >/dev/null
a --device d --instance a2 --service v4lan >/dev/null
a --device e --instance b1 --service v6lan >/dev/null
a --device e --instance b2 --service v6lan >/dev/null
before=$(snapshot)

# the IPv4 pool is full
must_fail "exhausted v4" --device e --instance a3 --service v4lan
grep -q 'pool 10.9.0.0/23 (template /24) exhausted: 2 of 2 blocks in use' \
    "$T/err" || fail "message: $(cat "$T/err")"
[ "$(snapshot)" = "$before" ] || fail "exhaustion changed the ledger"

# free one IPv4 block and one WAN address, and give the address to a
# WAN-only instance: now an instance's IPv4 LAN block fits, but its IPv6
# WAN address does not (d's client network has ::2 and ::3 only, both
# held): nothing of it may stay
"$EDGENETC" release --ledger "$L" --instance a1 >/dev/null
a --device d --instance z1 --service wanonly >/dev/null
before=$(snapshot)
must_fail "v4 ok, v6 full" --device d --instance a4 --service v4lan
grep -q "client network 'n' (fd00:20::/126) on device 'd' exhausted" \
    "$T/err" || fail "message: $(cat "$T/err")"
[ "$(snapshot)" = "$before" ] || fail "partial failure changed the ledger"

# the IPv6 LAN pool is full as well
must_fail "exhausted v6" --device e --instance b3 --service v6lan
[ "$(snapshot)" = "$before" ] || fail "v6 exhaustion changed the ledger"

# a batch: an IPv4 instance that fits, then an IPv6 one that does not
printf '%s\n' '{"device":"e","instance":"x1","service":"v4lan"}' \
    '{"device":"e","instance":"x2","service":"v6lan"}' >"$T/b.jsonl"
must_fail "batch" --batch "$T/b.jsonl"
[ "$(snapshot)" = "$before" ] || fail "failed batch changed the ledger"

# and a failed compile-style plan is covered by test_ledger
"$EDGENETC" ledger --ledger "$L" verify >/dev/null || fail "verify"
echo "alloc_atomic: failures leave the ledger unchanged"
