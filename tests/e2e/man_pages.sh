#!/bin/bash
# The manual pages under man/:
#   - mandoc -Tlint at level STYLE reports nothing (but a page it cannot
#     look up in this machine's manual database: that depends on what is
#     installed here, not on the page)
#   - man -l renders each page
#   - every verb of `edgenetc --help` and every long option in the option
#     tables of edgenetc and edgenet-apply is documented (hidden internal
#     options excepted)
#   - the YAML, JSON and GraphQL examples of edgenetc-input(5) pass
#     edgenetc lint
set -u
cd "$TOP"
PY=${PY:-python3}
command -v mandoc >/dev/null || { echo "mandoc not installed" >&2; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
pages=$(ls man/*.[1-8])
[ -n "$pages" ] || bad "no pages under man/"

for p in $pages; do
	mandoc -Tlint -Wstyle "$p" 2>&1 |
	    grep -v -e 'referenced manual not found' -e 'outdated mandoc.db' \
	    > "$T/lint"
	if [ -s "$T/lint" ]; then
		cat "$T/lint"
		bad "mandoc -Tlint: $p"
	fi
	if command -v man >/dev/null; then
		MANWIDTH=80 man -l "$p" > "$T/out" 2>"$T/err" && [ -s "$T/out" ] ||
		    { cat "$T/err"; bad "man -l $p"; }
	fi
done
echo "ok  mandoc -Tlint clean, man -l renders: $(echo $pages)"

# Verbs and options against the code.
verbs=$("$EDGENETC" --help | sed -n 's/^  edgenetc \([a-z]*\) .*/\1/p' | sort -u)
[ -n "$verbs" ] || bad "no verbs in edgenetc --help"
for v in $verbs; do
	grep -q "^\.Cm $v\b" man/edgenetc.1 || bad "edgenetc.1 lacks verb $v"
done
# Long options: { "name", no_argument|required_argument, ... } in the
# option tables of the programs' sources.
opts_of() {
	grep -ho '{ "[a-z][a-z-]*", *\(no\|required\|optional\)_argument' "$@" |
	    sed 's/{ "\([^"]*\)".*/\1/' | sort -u
}
hidden="help confirm-watch dhcp-hook"
check_opts() {	# page sources...
	local page=$1 o
	shift
	for o in $(opts_of "$@"); do
		case " $hidden " in *" $o "*) continue ;; esac
		grep -Eq "Fl -$o( |$)" "$page" || bad "$page lacks --$o"
	done
}
check_opts man/edgenetc.1 $(find compiler -name 'cmd_*.c')
check_opts man/edgenet-apply.8 $(find runtime -name main.c)
# and every long option each program's --help lists (edgenet-apply's
# table is not a getopt table)
help_opts() {	# program [verb]...
	"$@" --help | grep -o '^ *--[a-z][a-z-]*' | sed 's/^ *--//' | sort -u
}
for o in $(help_opts "$EDGENET_APPLY"); do
	case " $hidden " in *" $o "*) continue ;; esac
	grep -Eq "Fl -$o( |$)" man/edgenet-apply.8 ||
	    bad "man/edgenet-apply.8 lacks --$o"
done
for v in $verbs; do
	for o in $(help_opts "$EDGENETC" $v); do
		case " $hidden " in *" $o "*) continue ;; esac
		grep -Eq "Fl -$o( |$)" man/edgenetc.1 ||
		    bad "man/edgenetc.1 lacks --$o ($v)"
	done
done
# the exit statuses of edgenet-apply --help
for st in 0 1 2 3; do
	"$EDGENET_APPLY" --help | grep -q "Exit status:.* $st \| $st " ||
	    continue
	grep -q "^\.It $st\$" man/edgenet-apply.8 ||
	    bad "man/edgenet-apply.8 lacks exit status $st"
done
echo "ok  verbs ($(echo $verbs)) and options documented"

# The examples of edgenetc-input(5): each literal display that starts as
# an input does is linted.
$PY - man/edgenetc-input.5 "$T" <<'PY' || bad "extracting examples"
import sys
text = open(sys.argv[1]).read().split("\n")
ex = text[text.index(".Sh EXAMPLES"):]
n = 0
block = None
for line in ex:
    if line.startswith(".Bd -literal"):
        block = []
    elif line == ".Ed" and block is not None:
        body = "\n".join(block).replace("\\e", "\\") + "\n"
        first = next((l for l in block if not l.startswith("#")), "")
        ext = {"services:": "yaml", "{": "json", "mutation": "graphql"}
        for k, e in ext.items():
            if first.startswith(k):
                n += 1
                open("%s/ex%d.%s" % (sys.argv[2], n, e), "w").write(body)
        block = None
    elif block is not None:
        block.append(line)
if n < 3:
    sys.exit("want YAML, JSON and GraphQL examples, found %d" % n)
PY
for f in "$T"/ex*; do
	"$EDGENETC" lint "$f" > "$T/lint.out" 2>&1 ||
	    { cat "$T/lint.out"; bad "edgenetc-input.5 example $(basename "$f") does not lint"; }
done
echo "ok  edgenetc-input.5 examples lint: $(ls "$T" | grep -c '^ex')"
exit $fail
