#!/bin/bash
# The command line every verb shares: -h/--help and --version on every
# verb, one line with a "did you mean" for a mistyped verb or option, no
# abbreviated long options, and fmt --check / -w on canonical,
# non-canonical and unwritable files.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# expect RC WANT-REGEX CMD...: exit status and stdout+stderr ("" any)
expect() {
	local rc=$1 re=$2; shift 2
	"$@" >"$tmp/out" 2>&1
	local got=$?
	[ "$got" = "$rc" ] || bad "$* -> rc $got, want $rc: $(head -3 "$tmp/out")"
	[ -z "$re" ] || grep -Eq -- "$re" "$tmp/out" || bad "$* -> no /$re/ in: $(head -3 "$tmp/out")"
}

verbs="lint alloc release ledger compile explain fmt diff"
for v in $verbs; do
	expect 0 "^usage: edgenetc $v" "$EDGENETC" $v -h
	expect 0 "^usage: edgenetc $v" "$EDGENETC" $v --help
	expect 0 "^edgenetc [0-9]" "$EDGENETC" $v --version
	# a mistyped option: one line, no usage dump
	"$EDGENETC" $v --hepl >"$tmp/out" 2>&1
	[ $? = 2 ] || bad "$v --hepl: not exit 2"
	[ "$(wc -l <"$tmp/out")" = 1 ] || bad "$v --hepl: not one line: $(cat "$tmp/out")"
	grep -q "did you mean '--help'" "$tmp/out" || bad "$v --hepl: no hint: $(cat "$tmp/out")"
	# getopt_long would take --hel for --help: refused
	expect 2 "unknown option '--hel'; did you mean '--help'" "$EDGENETC" $v --hel
done
# a bad syntax name: one line naming the option and the choices
for v in lint compile explain diff fmt "ledger reconcile"; do
	expect 2 "^edgenetc $v: --syntax takes yaml, json or graphql, not 'toml'\$" "$EDGENETC" $v --syntax toml x
	[ "$(wc -l <"$tmp/out")" = 1 ] || bad "$v --syntax toml: not one line"
done
expect 2 "^edgenetc fmt: --to takes yaml, json or graphql, not 'xml'\$" "$EDGENETC" fmt --to xml x
# a password in a ledger URL is never printed, whatever fails
pw='postgresql://u:Sekr3tPW@/db?host=/nonexistent'
for c in "alloc --spec $TOP/testdata/fleet/fleet.yaml --device bus-0042 --instance pis-0042" \
    "release --instance x" "ledger show" "ledger verify" \
    "compile -o $tmp/pw-out $TOP/testdata/fleet/fleet.yaml" \
    "explain --device bus-0042 $TOP/testdata/fleet/fleet.yaml" \
    "diff $TOP/testdata/fleet/fleet.yaml $TOP/testdata/changes/env-changed/new.yaml" \
    "ledger reconcile $TOP/testdata/fleet/fleet.yaml" \
    "ledger reconcile --dry-run $TOP/testdata/fleet/fleet.yaml"; do
	verb=${c%% *}; rest=${c#* }
	[ "$verb" = ledger ] && verb="ledger --ledger $pw" || verb="$verb --ledger $pw"
	"$EDGENETC" $verb $rest >"$tmp/out" 2>&1
	[ $? = 0 ] && bad "$c on an unreachable server: exit 0"
	grep -q Sekr3tPW "$tmp/out" && bad "$c --ledger: password printed: $(grep Sekr3tPW "$tmp/out" | head -1)"
	EDGENETC_LEDGER=$pw "$EDGENETC" $c >"$tmp/out" 2>&1
	grep -q Sekr3tPW "$tmp/out" && bad "$c with EDGENETC_LEDGER: password printed: $(grep Sekr3tPW "$tmp/out" | head -1)"
done
expect 0 "^usage: edgenetc COMMAND" "$EDGENETC" --help
expect 0 "^edgenetc [0-9]" "$EDGENETC" --version
expect 2 "^edgenetc: unknown command 'lnit'; did you mean 'lint'\?" "$EDGENETC" lnit x
[ "$(wc -l <"$tmp/out")" = 1 ] || bad "lnit: more than one line"
expect 2 "unknown command 'frobnicate' \(see" "$EDGENETC" frobnicate
expect 2 "unknown option '--formt'; did you mean '--format'" "$EDGENETC" lint --formt json x.yaml
expect 2 "unknown option '--form=json'; did you mean '--format'" "$EDGENETC" lint --form=json x.yaml
expect 2 "unknown option '--dev'; did you mean '--device'" "$EDGENETC" explain --dev x y.yaml
expect 2 "option '--format' needs a value" "$EDGENETC" lint --format
expect 2 "--format takes text, json, sarif, not 'xml'" "$EDGENETC" lint --format xml x.yaml
expect 2 "--color takes auto, always or never" "$EDGENETC" lint --color=sometimes x.yaml
expect 2 "-W no-: no warning has that code" "$EDGENETC" lint -W 'no-' x.yaml
expect 2 "unknown subcommand 'shwo'; did you mean 'show'" "$EDGENETC" ledger shwo
expect 2 "unknown option '-q'" "$EDGENETC" fmt -q x.yaml

# -W: a warning dropped or made an error, on lint and compile alike
w=$TOP/testdata/lint/warn-switches/input.yaml
expect 0 "" "$EDGENETC" lint -W no-gpsd-exposure -W no-gpsd-no-wan -W no-gpsd-not-on-device "$w"
[ -s "$tmp/out" ] && bad "-W no-...: still printed: $(head -2 "$tmp/out")"
expect 1 "error: .*\[gpsd-no-wan\]" "$EDGENETC" lint -W error=gpsd-no-wan "$w"
expect 2 "did you mean 'gpsd-exposure'" "$EDGENETC" lint -W no-gpsd-exposur "$w"
expect 2 "'bad-address' is always an error" "$EDGENETC" lint -W no-bad-address "$w"
expect 1 "error: .*\[gpsd-exposure\]" "$EDGENETC" compile --ledger :memory: -o "$tmp/out.d" -W error=gpsd-exposure "$w"
[ -e "$tmp/out.d/bus-1" ] && bad "compile -W error=...: wrote a bundle"

# colour: only with --color=always (stdout here is a file, not a terminal)
case=$TOP/testdata/lint/note-duplicate-service
(cd "$case" && "$EDGENETC" lint --color=always a.yaml b.yaml) >"$tmp/c" 2>&1
grep -q $'\033\[1;31merror:' "$tmp/c" || bad "--color=always: no colour"
grep -q $'\033\[1;36mnote:' "$tmp/c" || bad "--color=always: no colour on the note"
for a in "" --color=auto --color=never; do
	(cd "$case" && "$EDGENETC" lint $a a.yaml b.yaml) >"$tmp/c" 2>&1
	grep -q $'\033' "$tmp/c" && bad "lint $a: colour on a file"
done
# auto on a terminal, unless NO_COLOR
if command -v script >/dev/null; then
	(cd "$case" && script -qc "$EDGENETC lint a.yaml b.yaml" /dev/null) >"$tmp/c" 2>&1
	grep -q $'\033\[1;31merror:' "$tmp/c" || bad "--color=auto on a terminal: no colour"
	(cd "$case" && NO_COLOR=1 script -qc "$EDGENETC lint a.yaml b.yaml" /dev/null) >"$tmp/c" 2>&1
	grep -q $'\033\[1' "$tmp/c" && bad "NO_COLOR: colour on a terminal"
fi

# fmt --check / -w
src=$TOP/testdata/lint/check-env/input.yaml
cp "$src" "$tmp/messy.yaml"
"$EDGENETC" fmt --to yaml "$src" >"$tmp/canon.yaml" || bad "fmt --to yaml"
cp "$tmp/canon.yaml" "$tmp/canon.orig"
expect 0 "" "$EDGENETC" fmt --check "$tmp/canon.yaml"
[ -s "$tmp/out" ] && bad "fmt --check canonical printed: $(cat "$tmp/out")"
expect 1 "^$tmp/messy.yaml\$" "$EDGENETC" fmt --check "$tmp/canon.yaml" "$tmp/messy.yaml"
cmp -s "$src" "$tmp/messy.yaml" || bad "fmt --check changed the file"
chmod 640 "$tmp/messy.yaml"
expect 0 "" "$EDGENETC" fmt -w "$tmp/messy.yaml"
cmp -s "$tmp/messy.yaml" "$tmp/canon.yaml" || bad "fmt -w did not write the canonical form"
[ "$(stat -c %a "$tmp/messy.yaml")" = 640 ] || bad "fmt -w lost the mode"
expect 0 "" "$EDGENETC" fmt --check "$tmp/messy.yaml"
ls "$tmp" | grep -q 'XXXXXX\|messy.yaml\.' && bad "fmt -w left a temporary file"
expect 2 "exclude each other" "$EDGENETC" fmt --check -w "$tmp/messy.yaml"
expect 2 "--to cannot be used with -w" "$EDGENETC" fmt -w --to json "$tmp/messy.yaml"
# a file with errors is not rewritten
printf 'services:\n  - name: [x\n' >"$tmp/broken.yaml"
cp "$tmp/broken.yaml" "$tmp/broken.orig"
expect 1 "error" "$EDGENETC" fmt -w "$tmp/broken.yaml"
cmp -s "$tmp/broken.yaml" "$tmp/broken.orig" || bad "fmt -w touched a file with errors"

# unwritable: a read-only mount (root ignores file modes)
if unshare -m true 2>/dev/null; then
	mkdir -p "$tmp/ro"
	cp "$src" "$tmp/ro/messy.yaml"
	unshare -m bash -c '
		mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 77
		"$2" fmt -w "$1/messy.yaml"' _ "$tmp/ro" "$EDGENETC" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc != 77 ]; then
		[ $rc = 1 ] || bad "fmt -w on a read-only file: rc $rc"
		grep -q "messy.yaml: cannot rewrite: .*(left as it was)" "$tmp/out" ||
		    bad "fmt -w read-only: $(cat "$tmp/out")"
		cmp -s "$src" "$tmp/ro/messy.yaml" || bad "fmt -w read-only: original changed"
	else
		echo "note: no read-only bind mount here; unwritable case skipped"
	fi
fi

# lint and fmt read a directory as every verb does: its input files in
# name order, the same fleet as those files named one by one
split=$TOP/testdata/changes/split-files/new
"$EDGENETC" lint "$split/services.yaml" "$split/devices.yaml" >"$tmp/files.out" 2>&1
r1=$?
"$EDGENETC" lint "$split" >"$tmp/dir.out" 2>&1
r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ] || bad "lint of a directory: rc $r1/$r2"
cmp -s "$tmp/files.out" "$tmp/dir.out" || bad "lint of a directory differs from its files"
grep -q "gpsd-exposure" "$tmp/dir.out" || bad "lint of a directory: no diagnostics: $(head -3 "$tmp/dir.out")"
"$EDGENETC" fmt --to json "$split/services.yaml" "$split/devices.yaml" >"$tmp/files.out" 2>/dev/null
"$EDGENETC" fmt --to json "$split" >"$tmp/dir.out" 2>/dev/null ||
    bad "fmt of a directory: rc $?"
cmp -s "$tmp/files.out" "$tmp/dir.out" || bad "fmt of a directory differs from its files"
mkdir "$tmp/empty"
expect 2 "no \*\.yaml, \*\.yml, \*\.json, \*\.graphql or \*\.gql files" "$EDGENETC" lint "$tmp/empty"
# a .gql file in a directory is read as GraphQL
mkdir "$tmp/gql"
cp "$TOP/testdata/graphql/services.graphql" "$tmp/gql/a.gql"
"$EDGENETC" fmt --to yaml "$tmp/gql" >"$tmp/out" 2>&1 || bad "fmt of a .gql directory: $(head -3 "$tmp/out")"
grep -q "name: \"pis\"" "$tmp/out" || bad "fmt of a .gql directory: service not read: $(head -3 "$tmp/out")"

[ $fail = 0 ] && echo "ok"
exit $fail
