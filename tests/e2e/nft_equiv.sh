#!/bin/bash
# The nftables part of edgenet-apply (runtime/nft.c) against nft itself,
# each case in fresh network namespaces (never this machine's own):
#
# - equivalence: for every .nft of the bundle subset (testdata/nft/,
#   generated big tables, and what `edgenetc compile` writes for
#   testdata/fleet/fleet.yaml), the table after rt_nft_apply equals the
#   table after `nft -f`: `nft -j list ruleset` and `nft --debug=netlink
#   list ruleset` (expressions, userdata, set elements) with handles
#   dropped; rt_nft_diff finds no drift against either namespace; a second
#   apply sends no message;
# - a dry run changes nothing; a batch the kernel refuses changes nothing;
#   tables that are not ours are never touched; rt_nft_diff reports rules
#   added and deleted by hand; snapshot + apply restores a table nft made
#   (named sets, counters, logs: more than the subset); apply through a
#   namespace descriptor reaches that namespace only.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
TOOL=$TOP/$BUILD/rt-tools/nft_tool
EDGENETC=${EDGENETC:-$TOP/$BUILD/edgenetc}
CORPUS=$TOP/testdata/nft

skip() { echo "nft_equiv: $*" >&2; exit 77; }
command -v nft >/dev/null || skip "nft missing"
unshare -n true 2>/dev/null || skip "cannot unshare a network namespace"
[ -x "$TOOL" ] || { echo "FAIL: $TOOL not built" >&2; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# nft listings without handles (the only thing two namespaces may number
# differently)
cat >"$T/norm" <<'EOF'
#!/bin/sh
sed -E 's/, "handle": [0-9]+//g; s/"handle": [0-9]+, //g' "$@"
EOF
# ... and set elements sorted: the kernel lists a hash set in the order of
# a seed it draws per set (nft sorts them itself for its other listings)
cat >"$T/normdbg" <<'EOF'
#!/bin/sh
sed -E 's/^(inet edgenet [^ ]+)( [0-9]+)+$/\1/; s/ # handle [0-9]+//' "$@" |
awk '$1 == "element" { print b "\t1" $0; next }
    { b = sprintf("%09d", NR); print b "\t0" $0 }' |
LC_ALL=C sort -s -t "$(printf '\t')" -k1,1 -k2 | cut -f2- | cut -c2-
EOF
chmod +x "$T/norm" "$T/normdbg"
export TOOL T

# in_ns SCRIPT: runs SCRIPT with bash in a fresh network namespace.
in_ns() { unshare -n bash -c "set -eu; $1"; }

# --- cases ---------------------------------------------------------------
mkdir -p "$T/cases"
cp "$CORPUS"/*.nft "$T/cases/"

# A verdict map of 3000 interfaces: more elements than one netlink
# attribute holds, so NEWSETELEM is split in several messages.
{
	echo "table inet edgenet"
	echo "delete table inet edgenet"
	echo "table inet edgenet {"
	echo "	chain input {"
	echo "		type filter hook input priority filter; policy accept;"
	printf '\t\ttcp dport 2947 iifname vmap { '
	for i in $(seq 0 2999); do
		[ "$i" -gt 0 ] && printf ', '
		printf '"eb%08x" : %s' "$i" "$([ $((i % 3)) = 0 ] && echo accept || echo drop)"
	done
	echo ' }'
	echo "	}"
	echo "}"
} >"$T/cases/gen_bigvmap.nft"

# Fifty instances' worth of rules in one host table, as a device with many
# containers might carry.
{
	echo "table inet edgenet"
	echo "delete table inet edgenet"
	echo "table inet edgenet {"
	echo "	chain forward {"
	echo "		type filter hook forward priority filter; policy drop;"
	echo "		ct state established,related accept"
	echo "		ct state invalid drop"
	for i in $(seq 1 50); do
		h=$(printf '%08x' $((i * 2654435761 % 4294967296)))
		echo "		iifname \"el$h\" ip saddr 10.$i.0.0/24 jump inst$i comment \"svc/inst-$i\""
	done
	echo "	}"
	for i in $(seq 1 50); do
		h=$(printf '%08x' $((i * 2654435761 % 4294967296)))
		echo "	chain inst$i {"
		echo "		oifname vmap { \"ew$h\" : accept, \"eb${h}0\" : drop }"
		echo "		tcp dport 2947 accept comment \"svc/inst-$i gpsd\""
		echo "		udp dport 67 drop"
		echo "	}"
	done
	echo "	chain postrouting {"
	echo "		type nat hook postrouting priority srcnat; policy accept;"
	for i in $(seq 1 50); do
		echo "		ip saddr 10.$i.0.0/24 oifname \"wan\" masquerade"
	done
	echo "	}"
	echo "}"
} >"$T/cases/gen_host50.nft"

# Random rules of the subset (fixed seeds): combinations of matches in
# every order, prefixes of every length, maps, comments.
cat >"$T/gen.py" <<'PY'
import random, sys, ipaddress
r = random.Random(int(sys.argv[1]))
def ifname():	# not "." or "..": no interface can have those names
    while True:
        s = "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789-_.")
                    for _ in range(r.randint(1, 15)))
        if s not in (".", ".."):
            return s
def prefix(v6):
    bits = 128 if v6 else 32
    n = r.randint(0, bits)
    a = r.getrandbits(bits) >> (bits - n) << (bits - n) if n else 0
    net = (ipaddress.IPv6Network if v6 else ipaddress.IPv4Network)((a, n))
    return str(net.network_address) if n == bits and r.random() < .5 \
        else str(net)
def verdict():
    return r.choice(["accept", "drop", "jump sub"])
def rule(nat):
    l3 = r.choice([None, "ip", "ip6"]); l4 = r.choice([None, "tcp", "udp"])
    m = []
    for _ in range(r.randint(0, 5)):
        k = r.choice(["if", "addr", "port", "ct"])
        if k == "if":
            m.append('%s "%s"' % (r.choice(["iifname", "oifname"]), ifname()))
        elif k == "addr" and l3:
            m.append("%s %s %s" % (l3, r.choice(["saddr", "daddr"]),
                                   prefix(l3 == "ip6")))
        elif k == "port" and l4:
            m.append("%s dport %d" % (l4, r.randint(0, 65535)))
        elif k == "ct":
            st = r.sample(["established", "related", "invalid", "new"],
                          r.randint(1, 4))
            m.append("ct state " + ",".join(st))
    if nat:
        f = "masquerade"
    elif r.random() < .3:
        keys = list({ifname() for _ in range(r.randint(1, 6))})
        f = "%s vmap { %s }" % (r.choice(["iifname", "oifname"]),
            ", ".join('"%s" : %s' % (k, verdict()) for k in keys))
    else:
        f = verdict()
    c = ""
    if r.random() < .3:
        c = ' comment "%s"' % "".join(r.choice(
            "abc XYZ 0123 #;{}()[]:,./'!$%&=?+-*<>|~^@") for _ in
            range(r.randint(0, 128)))
    return " ".join(m + [f]) + c
print("table inet edgenet\ndelete table inet edgenet\ntable inet edgenet {")
print("\tchain forward {\n\t\ttype filter hook forward priority filter; "
      "policy drop;")
for _ in range(150):
    print("\t\t" + rule(False))
print("\t}\n\tchain sub {")
for _ in range(30):
    print("\t\t" + rule(False).replace("jump sub", "accept"))
print("\t}\n\tchain post {\n\t\ttype nat hook postrouting priority "
      "srcnat; policy accept;")
for _ in range(30):
    print("\t\t" + rule(True))
print("\t}\n}")
PY
if command -v python3 >/dev/null; then
	for seed in 1 2 3; do
		python3 "$T/gen.py" "$seed" >"$T/cases/gen_random$seed.nft"
	done
else
	echo "python3 missing: no random cases this run"
fi

# Whatever the compiler writes for the example fleet.
if [ -x "$EDGENETC" ] && [ -f "$TOP/testdata/fleet/fleet.yaml" ]; then
	if "$EDGENETC" compile --ledger "$T/ledger.db" -o "$T/out" \
	    "$TOP/testdata/fleet/fleet.yaml" >"$T/compile.log" 2>&1; then
		n=0
		while IFS= read -r f; do
			n=$((n + 1))
			cp "$f" "$T/cases/fleet_$(echo "${f#$T/out/}" | tr / _)"
		done < <(find "$T/out" -name '*.nft' | sort)
		echo "compiler: $n .nft files from testdata/fleet/fleet.yaml"
		[ "$n" -gt 0 ] || fail "compile wrote no .nft file"
	else
		fail "edgenetc compile failed: $(tail -3 "$T/compile.log")"
	fi
else
	echo "compiler: not built, its output is not covered this run"
fi

# --- equivalence -----------------------------------------------------------
ncases=0
for f in "$T"/cases/*.nft; do
	c=$(basename "$f" .nft)
	ncases=$((ncases + 1))
	export F=$f C=$c
	nft -c -f "$f" >/dev/null 2>&1 || { fail "$c: nft -c refuses it"; continue; }
	in_ns '
		"$TOOL" apply "$F" >"$T/$C.sent1"
		nft -j list ruleset | "$T/norm" >"$T/$C.mine.json"
		nft --debug=netlink list ruleset | "$T/normdbg" >"$T/$C.mine.dbg"
		"$TOOL" diff "$F" >"$T/$C.mine.diff"
		"$TOOL" apply "$F" >"$T/$C.sent2"
	' 2>"$T/$C.err" || { fail "$c: rt_nft_apply: $(cat "$T/$C.err")"; continue; }
	in_ns '
		nft -f "$F"
		nft -j list ruleset | "$T/norm" >"$T/$C.ref.json"
		nft --debug=netlink list ruleset | "$T/normdbg" >"$T/$C.ref.dbg"
		"$TOOL" diff "$F" >"$T/$C.ref.diff"
	' 2>"$T/$C.err" || { fail "$c: nft -f, then diff: $(cat "$T/$C.err") $(cat "$T/$C.ref.diff" 2>/dev/null)"; continue; }
	cmp -s "$T/$C.mine.json" "$T/$C.ref.json" ||
	    fail "$c: nft -j list ruleset differs: $(diff "$T/$C.mine.json" "$T/$C.ref.json" | head -5)"
	cmp -s "$T/$C.mine.dbg" "$T/$C.ref.dbg" ||
	    fail "$c: --debug=netlink listing differs: $(diff "$T/$C.mine.dbg" "$T/$C.ref.dbg" | head -10)"
	[ "$(cat "$T/$C.sent2")" = "sent 0" ] ||
	    fail "$c: second apply sent messages: $(cat "$T/$C.sent2")"
	[ "$(cat "$T/$C.sent1")" != "sent 0" ] || [ "$c" = no_table ] ||
	    fail "$c: first apply sent nothing"
done
echo "equivalence: $ncases cases"

# --- behaviour -------------------------------------------------------------
cat >"$T/dup.nft" <<'EOF'
table inet edgenet
delete table inet edgenet
table inet edgenet {
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname vmap { "a" : accept, "a" : drop }
	}
}
EOF
cat >"$T/masq_filter.nft" <<'EOF'
table inet edgenet {
	chain forward {
		type filter hook forward priority filter; policy drop;
		jump sub
	}
	chain sub {
		masquerade
	}
}
EOF
cat >"$T/rich.nft" <<'EOF'
table inet edgenet {
	set blk { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.168.1.1 } }
	map m { type ifname : verdict; elements = { "x" : accept, "y" : jump sub } }
	chain input {
		type filter hook input priority 0; policy accept;
		ip saddr @blk counter drop
		iifname vmap @m
		tcp dport { 22, 80, 443 } log prefix "hi " accept
		meta mark 0x1 limit rate 10/second accept comment "c"
		ip daddr . tcp dport { 1.2.3.4 . 80, 5.6.7.8 . 443 } accept
	}
	chain sub {
		ip saddr { 1.1.1.1, 2.2.2.2 } counter jump sub2
	}
	chain sub2 {
	}
}
EOF
export CORPUS
foreign='
	nft add table inet other
	nft add chain inet other c "{ type filter hook input priority 0; policy accept; }"
	nft add rule inet other c tcp dport 22 accept comment \"theirs\"
	nft add table ip filter
	nft add chain ip filter INPUT "{ type filter hook input priority 0; }"
	nft add rule ip filter INPUT ip saddr 10.0.0.0/8 counter drop
'
export foreign

# dry run: nothing changes, whether the batch is good or refused
in_ns "$foreign"'
	"$TOOL" apply "$CORPUS/container_masq.nft" >/dev/null
	nft list ruleset >"$T/before"
	out=$("$TOOL" apply --dry-run "$CORPUS/finals.nft")
	[ "$out" = "sent 0" ] || { echo "dry run counted messages: $out"; exit 1; }
	nft list ruleset | cmp -s - "$T/before" || { echo "dry run changed the ruleset"; exit 1; }
	if "$TOOL" apply --dry-run "$T/dup.nft" 2>"$T/err"; then echo "dry run of a refused batch passed"; exit 1; fi
	grep -q "^6:3: map of the rule in chain .forward.: File exists" "$T/err" || { echo "dry run error: $(cat "$T/err")"; exit 1; }
	nft list ruleset | cmp -s - "$T/before" || { echo "refused dry run changed the ruleset"; exit 1; }
' >"$T/log" 2>&1 || fail "dry run: $(cat "$T/log")"

# a batch the kernel refuses: the table before stays, whole
in_ns "$foreign"'
	"$TOOL" apply "$CORPUS/finals.nft" >/dev/null
	nft list ruleset >"$T/before"
	if "$TOOL" apply "$T/dup.nft" 2>"$T/err"; then echo "refused batch applied"; exit 1; fi
	grep -q "^6:3: map of the rule in chain .forward.: File exists" "$T/err" || { echo "error: $(cat "$T/err")"; exit 1; }
	nft list ruleset | cmp -s - "$T/before" || { echo "refused batch changed the ruleset"; exit 1; }
	# what the kernel would refuse only at commit is refused on load
	if "$TOOL" apply "$T/masq_filter.nft" 2>"$T/err"; then echo "masquerade in filter applied"; exit 1; fi
	grep -q ":7:3: masquerade is only allowed" "$T/err" || { echo "error: $(cat "$T/err")"; exit 1; }
	nft list ruleset | cmp -s - "$T/before" || { echo "refused load changed the ruleset"; exit 1; }
' >"$T/log" 2>&1 || fail "refused batch: $(cat "$T/log")"

# tables that are not ours: intact through every apply and the delete
in_ns "$foreign"'
	{ nft list table inet other; nft list table ip filter; } >"$T/theirs"
	for f in "$CORPUS"/*.nft; do
		"$TOOL" apply "$f" >/dev/null
		{ nft list table inet other; nft list table ip filter; } | cmp -s - "$T/theirs" || { echo "$f touched a foreign table"; exit 1; }
	done
	"$TOOL" apply "$CORPUS/finals.nft" >/dev/null
	out=$("$TOOL" delete)
	[ "$out" = "sent 2" ] || { echo "delete: $out"; exit 1; }
	nft list tables | grep -q edgenet && { echo "delete left the table"; exit 1; }
	{ nft list table inet other; nft list table ip filter; } | cmp -s - "$T/theirs" || { echo "delete touched a foreign table"; exit 1; }
	out=$("$TOOL" delete)
	[ "$out" = "sent 0" ] || { echo "delete of nothing: $out"; exit 1; }
' >"$T/log" 2>&1 || fail "foreign tables: $(cat "$T/log")"

# drift made by hand with nft
in_ns '
	"$TOOL" apply "$CORPUS/container_masq.nft" >/dev/null
	nft add rule inet edgenet forward tcp dport 22 accept
	set +e
	out=$("$TOOL" diff "$CORPUS/container_masq.nft"); rc=$?
	set -e
	[ $rc = 1 ] || { echo "added rule: diff rc $rc"; exit 1; }
	[ "$out" = "chain forward: rule not in the bundle: tcp dport 22 accept" ] || { echo "added rule: $out"; exit 1; }
	h=$(nft -a list chain inet edgenet forward | sed -n "s/.*ct state invalid drop.* # handle \([0-9]*\)$/\1/p")
	nft delete rule inet edgenet forward handle "$h"
	set +e
	out=$("$TOOL" diff "$CORPUS/container_masq.nft"); rc=$?
	set -e
	[ $rc = 1 ] || { echo "deleted rule: diff rc $rc"; exit 1; }
	echo "$out" | grep -q "^chain forward: missing rule (line 8): ct state invalid drop comment \"pis/pis-1 invalid\"$" || { echo "deleted rule: $out"; exit 1; }
	nft add chain inet edgenet extra
	nft chain inet edgenet forward "{ policy accept; }"
	set +e
	out=$("$TOOL" diff "$CORPUS/container_masq.nft"); rc=$?
	set -e
	echo "$out" | grep -q "^chain extra: not in the bundle$" || { echo "extra chain: $out"; exit 1; }
	echo "$out" | grep -q "^chain forward: is .*policy accept;., bundle has .*policy drop;.$" || { echo "policy: $out"; exit 1; }
	"$TOOL" apply "$CORPUS/container_masq.nft" >/dev/null
	"$TOOL" diff "$CORPUS/container_masq.nft" >/dev/null || { echo "drift after re-apply"; exit 1; }
	nft delete table inet edgenet
	set +e
	out=$("$TOOL" diff "$CORPUS/container_masq.nft"); rc=$?
	set -e
	[ $rc = 1 ] && [ "$out" = "table inet edgenet: missing" ] || { echo "missing table: $rc $out"; exit 1; }
' >"$T/log" 2>&1 || fail "drift: $(cat "$T/log")"

# snapshot + apply restores a table nft made, beyond the subset
in_ns "$foreign"'
	nft -f "$T/rich.nft"
	nft list ruleset >"$T/before"
	nft -j list ruleset | "$T/norm" >"$T/before.json"
	"$TOOL" cycle "$CORPUS/finals.nft"
	nft list ruleset | cmp -s - "$T/before" || { echo "restored listing differs:"; nft list ruleset | diff "$T/before" -; exit 1; }
	nft -j list ruleset | "$T/norm" | cmp -s - "$T/before.json" || { echo "restored JSON differs"; exit 1; }
	# and from no table at all back to none
	nft delete table inet edgenet
	"$TOOL" cycle "$CORPUS/finals.nft"
	nft list tables | grep -q edgenet && { echo "restoring no table left one"; exit 1; }
	true
' >"$T/log" 2>&1 || fail "snapshot restore: $(cat "$T/log")"

# ... and ingress chains bound to devices (veth, as dummy is missing here)
cat >"$T/ingress.nft" <<'EOF'
table inet edgenet {
	chain ing {
		type filter hook ingress devices = { veth0, veth1 } priority 0; policy accept;
		counter
	}
	chain ing1 {
		type filter hook ingress device veth2 priority 0; policy drop;
	}
}
EOF
in_ns '
	ip link add veth0 type veth peer name veth1
	ip link add veth2 type veth peer name veth3
	if ! nft -f "$T/ingress.nft" 2>/dev/null; then
		echo "no inet ingress hook in this kernel" >&2; exit 0
	fi
	nft list ruleset >"$T/before"
	"$TOOL" cycle "$CORPUS/finals.nft"
	nft list ruleset | cmp -s - "$T/before" || { echo "restored ingress differs:"; nft list ruleset | diff "$T/before" -; exit 1; }
' >"$T/log" 2>&1 || fail "snapshot restore, ingress: $(cat "$T/log")"

# through a namespace descriptor: that namespace, not the caller's
in_ns '
	unshare -n sleep 30 &
	pid=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	"$TOOL" --netns /proc/$pid/ns/net apply "$CORPUS/host_gpsd.nft" >/dev/null
	"$TOOL" --netns /proc/$pid/ns/net diff "$CORPUS/host_gpsd.nft" >/dev/null
	nsenter -t $pid -n nft list tables | grep -q "table inet edgenet" || { echo "not in the target namespace"; kill $pid; exit 1; }
	nft list tables | grep -q edgenet && { echo "applied in the caller namespace"; kill $pid; exit 1; }
	kill $pid
' >"$T/log" 2>&1 || fail "namespace descriptor: $(cat "$T/log")"

[ $fails -eq 0 ] || { echo "nft_equiv: $fails failure(s)" >&2; exit 1; }
echo "nft_equiv: all passed"
