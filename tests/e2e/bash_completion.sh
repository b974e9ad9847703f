#!/bin/bash
# dist/bash-completion/: the completion functions of edgenetc and
# edgenet-apply, called as bash calls them: verbs, options per verb,
# option values, device and instance ids read from the input files on
# the command line, and every long option of the programs' option
# tables offered (hidden internal options excepted).
set -u
cd "$TOP"
BC=/usr/share/bash-completion/bash_completion
[ -f "$BC" ] || { echo "bash-completion not installed" >&2; exit 77; }
. "$BC"
. dist/bash-completion/edgenetc
. dist/bash-completion/edgenet-apply
# edgenetc resolves through PATH in the functions, as when installed.
PATH=$(dirname "$EDGENETC"):$PATH
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# complete FUNC WORD... : COMPREPLY for the last word, sorted, one line.
complete_words() {
	local fn=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {	# want, then the words
	local want=$1 got
	shift
	got=$(complete_words "$@")
	[ "$got" = "$want" ] || bad "'${*:2}': got '$got', want '$want'"
}
E=_edgenetc A=_edgenet_apply
expect "compile" $E edgenetc comp
expect "explain" $E edgenetc exp
expect "--format" $E edgenetc lint --fo
expect "json sarif text" $E edgenetc lint --format ""
expect "dot json svg text" $E edgenetc explain --format ""
expect "json text" $E edgenetc diff --format ""
expect "reconcile" $E edgenetc ledger rec
expect "--dry-run" $E edgenetc ledger reconcile --dr
expect "--prune" $E edgenetc compile --pr
expect "--color --cooldown" $E edgenetc release --c
expect "--check" $E edgenetc fmt --ch
expect "always auto" $E edgenetc compile --color a
expect "graphql" $E edgenetc fmt --to g
expect "--from" $E edgenetc ledger copy --f
expect "copy init reconcile show verify" $E edgenetc ledger ""
expect "bus-0042 bus-0043 gw-0001" $E edgenetc explain \
    testdata/fleet/fleet.yaml --device ""
expect "pis-0042 pis-0043" $E edgenetc alloc --spec testdata/fleet/fleet.yaml \
    --device bus-0042 --instance pis
expect "testdata/fleet/fleet.json testdata/fleet/fleet.yaml" $E edgenetc \
    lint testdata/fleet/fl
expect "--check --confirm --confirm-ok" $A edgenet-apply --c
expect "--recover --repair" $A edgenet-apply --re
expect "--format" $A edgenet-apply --fo
expect "json text" $A edgenet-apply --check --format ""
echo "ok  verbs, options, values, device and instance ids"

# Every long option of the option tables is offered.
opts_of() {
	grep -ho '{ "[a-z][a-z-]*", *\(no\|required\|optional\)_argument' "$@" |
	    sed 's/{ "\([^"]*\)".*/\1/' | sort -u
}
for o in $(opts_of $(find compiler -name 'cmd_*.c')); do
	case $o in help) continue ;; esac
	grep -q -- "--$o\b" dist/bash-completion/edgenetc ||
	    bad "edgenetc completion lacks --$o"
done
for o in $(opts_of $(find runtime -name main.c)); do
	case $o in confirm-watch | dhcp-hook) continue ;; esac
	grep -q -- "--$o\b" dist/bash-completion/edgenet-apply ||
	    bad "edgenet-apply completion lacks --$o"
done
# and every long option each program's --help lists
for o in $("$EDGENET_APPLY" --help | sed -n 's/^  --\([a-z][a-z-]*\).*/\1/p'); do
	case $o in confirm-watch | dhcp-hook) continue ;; esac
	grep -q -- "--$o\b" dist/bash-completion/edgenet-apply ||
	    bad "edgenet-apply completion lacks --$o"
done
echo "ok  every option of the option tables is completed"
exit $fail
